/*
 * window.h - the geometry of a sliding window over the spatial dims of an
 * N x C x D1 x ... x Dn tensor, shared by Conv, ConvTranspose and the
 * pooling operators: kernel_shape, strides, dilations, pads and auto_pad
 * (and ceil_mode for the pools) read once, checked once, and turned into
 * each output dim and the pads actually applied. (ops/common/window.c)
 */
#ifndef ONNXC_WINDOW_H
#define ONNXC_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/graph/op.h"

/* At most this many spatial dims (a tensor of rank ONNXC_MAX_RANK). */
#define OC_WINDOW_MAX_DIMS (ONNXC_MAX_RANK - 2)

typedef enum oc_auto_pad {
    OC_AUTO_PAD_NOTSET,
    OC_AUTO_PAD_SAME_UPPER,   /* the odd pad at the end */
    OC_AUTO_PAD_SAME_LOWER,   /* the odd pad at the start */
    OC_AUTO_PAD_VALID         /* no pads */
} oc_auto_pad;

/* The attributes as given. A list the node leaves out has count -1 (its
 * default, 1s or 0s, applies at whatever spatial rank the input has). */
typedef struct oc_window_attrs {
    int n_kernel, n_strides, n_dilations, n_pads;
    int64_t kernel[OC_WINDOW_MAX_DIMS];
    int64_t strides[OC_WINDOW_MAX_DIMS];
    int64_t dilations[OC_WINDOW_MAX_DIMS];
    int64_t pads[2 * OC_WINDOW_MAX_DIMS];    /* all begins, then all ends */
    oc_auto_pad auto_pad;
    bool ceil_mode;
} oc_window_attrs;

/* Which attributes the op has. */
enum {
    OC_WINDOW_DILATIONS = 1,   /* Conv, MaxPool from 10, AveragePool from 19 */
    OC_WINDOW_CEIL_MODE = 2,   /* MaxPool and AveragePool from 10 */
    OC_WINDOW_NEED_KERNEL = 4  /* the pools: kernel_shape is required */
};

/* Reads kernel_shape, strides, pads, auto_pad and, as `flags` says,
 * dilations and ceil_mode. INVALID_MODEL for a value below 1 (kernel,
 * stride, dilation), a negative pad, an odd count of pads, pads with
 * an auto_pad other than NOTSET, an auto_pad
 * the spec does not name, lists of more than OC_WINDOW_MAX_DIMS or of
 * different lengths; a missing required kernel_shape. */
onnxc_status *oc_window_read(const oc_node *node, unsigned flags,
                             oc_window_attrs *out);

/* An int list attribute of at most max_count entries, each at least
 * `min`, into dst; count -1 when absent (kernel_shape, strides, and
 * ConvTranspose's output_padding and output_shape). */
onnxc_status *oc_window_read_list(const oc_node *node, const char *name,
                                  int64_t min, int max_count, int64_t *dst,
                                  int *count);

/* The geometry at one input shape. */
typedef struct oc_window {
    int dims;                                 /* spatial rank */
    int64_t in[OC_WINDOW_MAX_DIMS], out[OC_WINDOW_MAX_DIMS];
    int64_t kernel[OC_WINDOW_MAX_DIMS];
    int64_t strides[OC_WINDOW_MAX_DIMS];
    int64_t dilations[OC_WINDOW_MAX_DIMS];
    int64_t pad_begin[OC_WINDOW_MAX_DIMS], pad_end[OC_WINDOW_MAX_DIMS];
} oc_window;

/* The spatial rank the attributes fix (from any list given), or -1. */
int oc_window_attr_dims(const oc_window_attrs *a);

/* Checks the attributes against `dims` spatial dims and fills w's
 * kernel (from `kernel` when not NULL: Conv's weights give it), strides,
 * dilations and the pads as given (auto_pad not applied yet). */
onnxc_status *oc_window_begin(const oc_node *node, const oc_window_attrs *a,
                              int dims, const int64_t *kernel, oc_window *w);

/* Output dim d of a Conv or pool over an input dim of `in`, with the pads
 * auto_pad gives written back into w->pad_begin/end[d]: NOTSET
 * floor((in + pads - ((k - 1) * dilation + 1)) / stride) + 1, ceil
 * instead with ceil_mode (less a last window that would start in the end
 * pad); SAME_* ceil(in / stride); VALID without pads. A SHAPE error when
 * the window is larger than the padded input (the output would have no
 * element) or a size overflows. */
onnxc_status *oc_window_dim(const oc_node *node, const oc_window_attrs *a,
                            oc_window *w, int d, int64_t in);

/* w for an input of shape x (N, C, spatial...), out dims filled. */
onnxc_status *oc_window_forward(const oc_node *node, const oc_window_attrs *a,
                                const int64_t *x_dims, int x_rank,
                                const int64_t *kernel, oc_window *w);

/* The output shape of a Conv or pool over x at infer: N and `channels`
 * then the spatial dims, each unknown where x's is. */
onnxc_status *oc_window_infer_shape(const oc_node *node,
                                    const oc_window_attrs *a,
                                    const oc_shape *x, oc_dim channels,
                                    const int64_t *kernel, oc_shape *out);

/* ConvTranspose's output dim d over an input dim of `in`. The window
 * then slides over the output: w->in[d] is the output dim, w->out[d] the
 * input one, and pad_begin/end[d] the pads removed from the full result
 * stride * (in - 1) + output_padding + span. With output_shape
 * (`wanted` >= 0) the total pad is what gives that dim, and with auto_pad
 * SAME_* (no output_shape) the dim is in * stride; either total is split
 * as the spec says (SAME_UPPER: the odd pad at the end, else at the
 * start) and never below 0. Otherwise the pads are as given. A SHAPE
 * error when the output would have no element or a size overflows. */
onnxc_status *oc_window_transpose_dim(const oc_node *node,
                                      const oc_window_attrs *a, oc_window *w,
                                      int d, int64_t in,
                                      int64_t output_padding, int64_t wanted);

#endif
