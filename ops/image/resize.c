/*
 * resize.c - Resize (10, 11, 13, 18, 19): X resampled to the lengths that
 * scales or sizes give, by ops/image/resample.c.
 *
 * 10 takes X and scales, with asymmetric coordinates and nearest rounding
 * down (the spec names no transform before 11; onnxruntime's choice for
 * upscaling). 11 adds roi and sizes (roi and scales required, maybe
 * empty), 13 makes roi and scales optional, 18 adds antialias, axes and
 * keep_aspect_ratio_policy, 19 half_pixel_symmetric. An empty name or an
 * empty tensor is an absent input; exactly one of scales and sizes must
 * be given. The output shape follows from their contents, so they are
 * value inputs: infer reads them at plan time. roi only matters for
 * tf_crop_and_resize, which requires it.
 */
#include <math.h>
#include <string.h>

#include "ops/common/axes.h"
#include "ops/common/dims_value.h"
#include "ops/common/op_util.h"
#include "ops/image/resample.h"
#include "runtime/core/status.h"

typedef enum aspect_policy { ASPECT_STRETCH, ASPECT_NOT_LARGER, ASPECT_NOT_SMALLER } aspect_policy;

typedef struct resize_params {
    oc_resample r;
    oc_axes axes;          /* count -1: every axis */
    aspect_policy policy;
} resize_params;

static onnxc_status *resize_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const v10_attrs[] = {"mode", NULL};
    static const char *const v11_attrs[] = {
        "mode", "coordinate_transformation_mode", "cubic_coeff_a",
        "exclude_outside", "extrapolation_value", "nearest_mode", NULL};
    static const char *const v18_attrs[] = {
        "mode", "coordinate_transformation_mode", "cubic_coeff_a",
        "exclude_outside", "extrapolation_value", "nearest_mode",
        "antialias", "axes", "keep_aspect_ratio_policy", NULL};
    const oc_node *node = ctx->node;
    int v = node->op_version;
    const char *mode, *coord, *nearest, *policy;
    float a, extrapolation;
    int64_t exclude, antialias;
    char desc[300];
    onnxc_status *err;
    resize_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(node, v < 11 ? v10_attrs
                                           : v < 18 ? v11_attrs : v18_attrs)) ||
        (err = oc_attr_string(node, "mode", "nearest", &mode)) ||
        (err = oc_attr_string(node, "coordinate_transformation_mode",
                              v < 11 ? "asymmetric" : "half_pixel", &coord)) ||
        (err = oc_attr_string(node, "nearest_mode",
                              v < 11 ? "floor" : "round_prefer_floor", &nearest)) ||
        (err = oc_attr_string(node, "keep_aspect_ratio_policy", "stretch", &policy)) ||
        (err = oc_attr_float(node, "cubic_coeff_a", -0.75f, &a)) ||
        (err = oc_attr_float(node, "extrapolation_value", 0.0f, &extrapolation)) ||
        (err = oc_attr_int(node, "exclude_outside", 0, &exclude)) ||
        (err = oc_attr_int(node, "antialias", 0, &antialias)) ||
        (err = oc_axes_from_attr(node, &p->axes)) ||
        (err = oc_resample_parse_mode(node, mode, &p->r.mode)) ||
        (err = oc_resample_parse_coord(node, coord, &p->r.coord)) ||
        (err = oc_resample_parse_nearest(node, nearest, &p->r.nearest)))
        return err;
    if (v < 11 && p->r.mode == OC_RESAMPLE_CUBIC)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: mode 'cubic' needs Resize 11 or later",
                        oc_node_desc(node, desc, sizeof desc));
    if (!strcmp(policy, "stretch"))
        p->policy = ASPECT_STRETCH;
    else if (!strcmp(policy, "not_larger"))
        p->policy = ASPECT_NOT_LARGER;
    else if (!strcmp(policy, "not_smaller"))
        p->policy = ASPECT_NOT_SMALLER;
    else
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: attribute keep_aspect_ratio_policy is '%s'; "
                        "expected one of stretch, not_larger, not_smaller",
                        oc_node_desc(node, desc, sizeof desc), policy);
    p->r.cubic_a = a;
    p->r.extrapolation = extrapolation;
    p->r.exclude_outside = exclude != 0;
    p->r.antialias = antialias != 0;
    *params = p;
    return NULL;
}

/* One optional input as infer or run sees it: its element count and its
 * contents (NULL when unknown); count 0 when absent or empty. */
typedef struct resize_input {
    onnxc_dtype dtype;
    int64_t count;
    const void *data;
    bool known;            /* its count and contents are known */
} resize_input;

static double float_at(const resize_input *t, int64_t i)
{
    return t->dtype == ONNXC_DOUBLE ? ((const double *)t->data)[i]
                                    : (double)((const float *)t->data)[i];
}

/* The resized lengths and the resampling's per-axis scales and roi of X
 * dims x_dims, from roi, scales and sizes (v10: scales alone). */
static onnxc_status *resize_shape(const oc_node *node, const resize_params *p,
                                  int rank, const int64_t *x_dims,
                                  const resize_input *roi,
                                  const resize_input *scales,
                                  const resize_input *sizes, int64_t *y_dims,
                                  oc_resample_axes *a)
{
    char desc[300];
    int axes[ONNXC_MAX_RANK], n = rank;
    unsigned mask = 0;
    onnxc_status *err;
    oc_node_desc(node, desc, sizeof desc);
    if (p->axes.count >= 0) {
        if ((err = oc_axes_mask(node, &p->axes, rank, &mask)))
            return err;
        n = p->axes.count;
        for (int i = 0; i < n; i++)
            axes[i] = (int)(p->axes.axes[i] < 0 ? p->axes.axes[i] + rank
                                                : p->axes.axes[i]);
    } else {
        for (int i = 0; i < n; i++)
            axes[i] = i;
    }
    for (int d = 0; d < rank; d++) {
        y_dims[d] = x_dims[d];
        a->scale[d] = 1;
        a->roi_start[d] = 0;
        a->roi_end[d] = 1;
    }
    if ((scales->count > 0) == (sizes->count > 0))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: %s; exactly one of them must be given", desc,
                        scales->count > 0 ? "both scales and sizes are given"
                                          : "neither scales nor sizes is given");
    const resize_input *given = scales->count > 0 ? scales : sizes;
    if (given->count != n)
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: %s has %lld elements; X has rank %d%s", desc,
                        given == scales ? "scales" : "sizes",
                        (long long)given->count, rank,
                        p->axes.count >= 0 ? " and axes names fewer" : "");
    if (roi->count > 0 && roi->count != 2 * n)
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: roi has %lld elements; expected %d (a start and "
                        "an end per resized axis)",
                        desc, (long long)roi->count, 2 * n);
    if (p->r.coord == OC_COORD_TF_CROP_AND_RESIZE && roi->count == 0)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: tf_crop_and_resize needs the roi input", desc);
    for (int i = 0; i < n && roi->count > 0; i++) {
        a->roi_start[axes[i]] = float_at(roi, i);
        a->roi_end[axes[i]] = float_at(roi, n + i);
    }
    if (given == scales) {
        for (int i = 0; i < n; i++) {
            int d = axes[i];
            a->scale[d] = ((const float *)scales->data)[i];
            if ((err = oc_resample_length(node, d, x_dims[d], a->scale[d], &y_dims[d])))
                return err;
        }
        return NULL;
    }
    double chosen = p->policy == ASPECT_NOT_LARGER ? INFINITY : 0;
    for (int i = 0; i < n; i++) {
        int d = axes[i];
        int64_t s = ((const int64_t *)sizes->data)[i];
        if (s < 0 || s > (int64_t)1 << 40)
            return oc_error(ONNXC_ERR_SHAPE,
                            "%s: sizes[%d] is %lld; it must be 0 to 2^40", desc,
                            i, (long long)s);
        if (x_dims[d] == 0)
            return oc_error(ONNXC_ERR_SHAPE,
                            "%s: axis %d of X is empty; sizes cannot scale it",
                            desc, d);
        y_dims[d] = s;
        a->scale[d] = (double)s / (double)x_dims[d];
        if (p->policy == ASPECT_NOT_LARGER)
            chosen = fmin(chosen, a->scale[d]);
        else if (p->policy == ASPECT_NOT_SMALLER)
            chosen = fmax(chosen, a->scale[d]);
    }
    for (int i = 0; i < n && p->policy != ASPECT_STRETCH; i++) {
        int d = axes[i];
        double len = floor(chosen * (double)x_dims[d] + 0.5);
        if (!(len <= (double)((int64_t)1 << 40)))
            return oc_error(ONNXC_ERR_SHAPE, "%s: axis %d resized too far", desc, d);
        a->scale[d] = chosen;
        y_dims[d] = (int64_t)len;
    }
    return NULL;
}

/* Input k of an infer context as a resize_input. */
static onnxc_status *infer_input(const oc_infer_ctx *ctx, int k,
                                 resize_input *t)
{
    const oc_type *v = k < ctx->n_in ? ctx->in[k] : NULL;
    static const char *const names[] = {"X", "roi", "scales", "sizes"};
    int slot = ctx->node->op_version < 11 && k == 1 ? 2 : k;
    memset(t, 0, sizeof *t);
    t->known = true;
    if (!v)
        return NULL;
    onnxc_dtype want = slot == 3 ? ONNXC_INT64 : ONNXC_FLOAT;
    if (v->dtype != want && !(slot == 1 && v->dtype == ONNXC_DOUBLE))
        return oc_bad_dtype(ctx->node, names[slot], v->dtype,
                            slot == 3 ? "int64" : slot == 1 ? "float, double" : "float");
    t->dtype = v->dtype;
    oc_dim count;
    if (v->shape.rank < 0 || !oc_shape_product(&v->shape, 0, v->shape.rank, &count) ||
        !dim_is_known(count)) {
        t->known = false;
        return NULL;
    }
    t->count = count.value;
    t->data = v->data;
    t->known = t->count == 0 || v->data;
    return NULL;
}

static void run_input(const oc_run_ctx *ctx, int k, resize_input *t)
{
    const oc_tensor *v = k < ctx->n_in ? ctx->in[k] : NULL;
    memset(t, 0, sizeof *t);
    t->known = true;
    if (!v)
        return;
    t->dtype = v->dtype;
    t->count = (int64_t)oc_tensor_count(v);
    t->data = v->data;
}

/* Where roi, scales and sizes sit among the inputs of this version. */
static void input_slots(const oc_node *node, int *roi, int *scales, int *sizes)
{
    bool v10 = node->op_version < 11;
    *roi = v10 ? -1 : 1;
    *scales = v10 ? 1 : 2;
    *sizes = v10 ? -1 : 3;
}

static onnxc_status *resize_infer(const oc_infer_ctx *ctx)
{
    const resize_params *p = ctx->params;
    const oc_type *x = ctx->in[0];
    resize_input in[3];
    int slots[3];
    int64_t x_dims[ONNXC_MAX_RANK], y_dims[ONNXC_MAX_RANK];
    oc_resample_axes a;
    onnxc_status *err;
    bool known = x->shape.rank >= 0;
    if (x->dtype != ONNXC_FLOAT && x->dtype != ONNXC_DOUBLE)
        return oc_bad_dtype(ctx->node, "X", x->dtype, "float, double");
    input_slots(ctx->node, &slots[0], &slots[1], &slots[2]);
    for (int k = 0; k < 3; k++) {
        if (slots[k] < 0) {
            memset(&in[k], 0, sizeof in[k]);
            continue;
        }
        if ((err = infer_input(ctx, slots[k], &in[k])))
            return err;
        known = known && in[k].known;
    }
    ctx->out[0]->dtype = x->dtype;
    ctx->out[0]->shape.rank = x->shape.rank;
    for (int d = 0; d < x->shape.rank; d++) {
        known = known && dim_is_known(x->shape.dims[d]);
        x_dims[d] = x->shape.dims[d].value;
        ctx->out[0]->shape.dims[d] = dim_unknown();
    }
    if (!known)
        return NULL;
    if ((err = resize_shape(ctx->node, p, x->shape.rank, x_dims, &in[0], &in[1],
                            &in[2], y_dims, &a)))
        return err;
    for (int d = 0; d < x->shape.rank; d++)
        ctx->out[0]->shape.dims[d] = dim_known(y_dims[d]);
    return NULL;
}

/* The run's resampling, from the inputs as they are. */
static onnxc_status *run_axes(const oc_run_ctx *ctx, oc_resample_axes *a)
{
    const oc_tensor *x = ctx->in[0];
    resize_input in[3];
    int slots[3];
    int64_t y_dims[ONNXC_MAX_RANK];
    input_slots(ctx->node, &slots[0], &slots[1], &slots[2]);
    for (int k = 0; k < 3; k++) {
        memset(&in[k], 0, sizeof in[k]);
        if (slots[k] >= 0)
            run_input(ctx, slots[k], &in[k]);
    }
    onnxc_status *err = resize_shape(ctx->node, ctx->params, x->rank, x->dims,
                                     &in[0], &in[1], &in[2], y_dims, a);
    if (!err && memcmp(y_dims, ctx->out[0]->dims, (size_t)x->rank * sizeof *y_dims))
        err = oc_run_error(ctx, "the output's shape is not the one planned");
    return err;
}

static size_t resize_workspace(const oc_run_ctx *ctx)
{
    const resize_params *p = ctx->params;
    return oc_resample_op_workspace(ctx, &p->r, run_axes);
}

static onnxc_status *resize_run(const oc_run_ctx *ctx)
{
    const resize_params *p = ctx->params;
    return oc_resample_op_run(ctx, &p->r, run_axes);
}

static const int resize_versions[] = {10, 11, 13, 18, 19, 0};

const oc_op oc_op_resize = {
    .domain = "",
    .op_type = "Resize",
    .versions = resize_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 4,
    .min_outputs = 1, .max_outputs = 1,
    .value_inputs = 1u << 1 | 1u << 2 | 1u << 3,
    .types = "float, double",
    .prepare = resize_prepare,
    .infer = resize_infer,
    .run = resize_run,
    .workspace = resize_workspace,
};
