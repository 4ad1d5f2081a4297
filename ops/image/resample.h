/*
 * resample.h - the engine of Resize and Upsample: the coordinate
 * transform from an output index to an input coordinate, and the
 * interpolation (nearest, n-linear, n-cubic, with the antialiasing filter
 * of Resize 18) over any set of axes. Upsample is Resize with asymmetric
 * coordinates and floor for nearest, so both ops parse their own
 * attributes and inputs into an oc_resample and call this once.
 * (ops/image/resample.c)
 */
#ifndef ONNXC_RESAMPLE_H
#define ONNXC_RESAMPLE_H

#include <stdbool.h>

#include "runtime/graph/op.h"

typedef enum oc_resample_mode {
    OC_RESAMPLE_NEAREST,
    OC_RESAMPLE_LINEAR,
    OC_RESAMPLE_CUBIC
} oc_resample_mode;

typedef enum oc_resample_coord {
    OC_COORD_HALF_PIXEL,
    OC_COORD_HALF_PIXEL_SYMMETRIC,
    OC_COORD_PYTORCH_HALF_PIXEL,
    OC_COORD_ALIGN_CORNERS,
    OC_COORD_ASYMMETRIC,
    OC_COORD_TF_HALF_PIXEL_FOR_NN,
    OC_COORD_TF_CROP_AND_RESIZE
} oc_resample_coord;

typedef enum oc_resample_nearest {
    OC_NEAREST_ROUND_PREFER_FLOOR,
    OC_NEAREST_ROUND_PREFER_CEIL,
    OC_NEAREST_FLOOR,
    OC_NEAREST_CEIL
} oc_resample_nearest;

/* What the attributes say, the same for every run. */
typedef struct oc_resample {
    oc_resample_mode mode;
    oc_resample_coord coord;
    oc_resample_nearest nearest;
    double cubic_a;
    double extrapolation;
    bool exclude_outside;
    bool antialias;
} oc_resample;

/* Per axis of the input, what a run resamples with: the scale and, for
 * tf_crop_and_resize, the region of interest (start, end in [0, 1] of the
 * axis). An axis whose output length equals its input's and whose
 * transform is the identity is skipped. */
typedef struct oc_resample_axes {
    double scale[ONNXC_MAX_RANK];
    double roi_start[ONNXC_MAX_RANK];
    double roi_end[ONNXC_MAX_RANK];
} oc_resample_axes;

/* The mode, coordinate_transformation_mode and nearest_mode strings of a
 * node; INVALID_MODEL naming the attribute and value otherwise. */
/* Keys' cubic convolution kernel with coefficient a at distance t (Resize's
 * cubic_coeff_a; GridSample's bicubic uses a = -0.75). */
double oc_cubic_kernel(double t, double a);

onnxc_status *oc_resample_parse_mode(const oc_node *node, const char *s,
                                     oc_resample_mode *out);
onnxc_status *oc_resample_parse_coord(const oc_node *node, const char *s,
                                      oc_resample_coord *out);
onnxc_status *oc_resample_parse_nearest(const oc_node *node, const char *s,
                                        oc_resample_nearest *out);

/* The output length floor(in * scale) of one axis into *out; a SHAPE error
 * naming the node when scale is not above 0 or the length does not fit. */
onnxc_status *oc_resample_length(const oc_node *node, int axis, int64_t in,
                                 double scale, int64_t *out);

/* Bytes of scratch a run of x into y needs. */
size_t oc_resample_workspace(const oc_resample *r, const oc_resample_axes *a,
                             const oc_tensor *x, const oc_tensor *y);

/* y (its dims set) from x (float or double), with workspace bytes of
 * oc_resample_workspace. */
onnxc_status *oc_resample_run(const oc_run_ctx *ctx, const oc_resample *r,
                              const oc_resample_axes *a, const oc_tensor *x,
                              oc_tensor *y);

/* What an op's workspace and run hooks share: the op gives its
 * resampling and how a run finds the axes from its inputs (checking the
 * output's planned shape). The workspace is 0 when the axes are refused:
 * run reports it. */
typedef onnxc_status *(*oc_resample_axes_fn)(const oc_run_ctx *ctx,
                                             oc_resample_axes *a);
size_t oc_resample_op_workspace(const oc_run_ctx *ctx, const oc_resample *r,
                                oc_resample_axes_fn axes);
onnxc_status *oc_resample_op_run(const oc_run_ctx *ctx, const oc_resample *r,
                                 oc_resample_axes_fn axes);

#endif
