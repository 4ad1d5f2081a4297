/*
 * range.c - Range: start, start + delta, ... up to but not including
 * limit (version 11); three scalars of one type (float, double, int16,
 * int32, int64), whose contents the plan knows. The length is
 * max(ceil((limit - start) / delta), 0), exact for integers; a delta of
 * 0, a length that is not finite or does not fit is refused, naming the
 * node and the values.
 */
#include <math.h>

#include "runtime/core/status.h"
#include "ops/common/dims_value.h"
#include "ops/common/op_util.h"

static onnxc_status *range_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const none[] = {NULL};
    *params = NULL;
    return oc_check_attrs(ctx->node, none);
}

static double real_at(const void *data, onnxc_dtype t)
{
    return t == ONNXC_FLOAT ? (double)*(const float *)data
                            : *(const double *)data;
}

/* The number of elements, or an error naming the node. */
static onnxc_status *range_count(const oc_node *node, onnxc_dtype t,
                                 const void *start, const void *limit,
                                 const void *delta, int64_t *count)
{
    char desc[300];
    if (t == ONNXC_FLOAT || t == ONNXC_DOUBLE) {
        double s = real_at(start, t), l = real_at(limit, t), d = real_at(delta, t);
        /* the difference in the element type, the quotient in double, as
         * onnxruntime computes it */
        double diff = t == ONNXC_FLOAT ? (double)((float)l - (float)s) : l - s;
        double n = ceil(diff / d);
        if (d == 0 || !isfinite(n) || n > (double)(INT64_MAX / 16))
            return oc_error(ONNXC_ERR_SHAPE,
                            "%s: start %g, limit %g, delta %g give no finite "
                            "length",
                            oc_node_desc(node, desc, sizeof desc), s, l, d);
        *count = n > 0 ? (int64_t)n : 0;
        return NULL;
    }
    int64_t s = oc_int_at(start, t, 0), l = oc_int_at(limit, t, 0);
    int64_t d = oc_int_at(delta, t, 0);
    if (d == 0)
        return oc_error(ONNXC_ERR_SHAPE, "%s: delta is 0",
                        oc_node_desc(node, desc, sizeof desc));
    /* The distance as unsigned: limit - start may not fit in int64. */
    uint64_t span = d > 0 ? (l > s ? (uint64_t)l - (uint64_t)s : 0)
                          : (s > l ? (uint64_t)s - (uint64_t)l : 0);
    uint64_t step = d > 0 ? (uint64_t)d : 0 - (uint64_t)d;
    *count = span ? (int64_t)((span - 1) / step + 1) : 0;
    return NULL;
}

static onnxc_status *range_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    onnxc_dtype t = ctx->in[0]->dtype;
    oc_type *y = ctx->out[0];
    char desc[300];
    static const char *const names[] = {"start", "limit", "delta"};
    if (t != ONNXC_FLOAT && t != ONNXC_DOUBLE && t != ONNXC_INT16 &&
        t != ONNXC_INT32 && t != ONNXC_INT64)
        return oc_bad_dtype(node, "start", t,
                            "float, double, int16, int32, int64");
    for (int k = 0; k < 3; k++) {
        const oc_type *in = ctx->in[k];
        bool scalar = in->shape.rank == 0 ||
                      (in->shape.rank == 1 && dim_is_known(in->shape.dims[0]) &&
                       in->shape.dims[0].value == 1);
        if (in->dtype != t)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "%s: %s is %s but start is %s",
                            oc_node_desc(node, desc, sizeof desc), names[k],
                            onnxc_dtype_name(in->dtype), onnxc_dtype_name(t));
        if (!scalar)
            return oc_error(ONNXC_ERR_SHAPE, "%s: %s must be a scalar",
                            oc_node_desc(node, desc, sizeof desc), names[k]);
    }
    y->dtype = t;
    y->shape.rank = 1;
    y->shape.dims[0] = dim_unknown();
    if (!ctx->in[0]->data || !ctx->in[1]->data || !ctx->in[2]->data)
        return NULL;   /* the plan knows them */
    int64_t n = 0;
    onnxc_status *err = range_count(node, t, ctx->in[0]->data,
                                    ctx->in[1]->data, ctx->in[2]->data, &n);
    if (err)
        return err;
    y->shape.dims[0] = dim_known(n);
    return NULL;
}

#define RANGE_FILL(T, y, n, s, d)                                              \
    for (int64_t i = 0; i < (n); i++)                                          \
        ((T *)(y))[i] = (T)((s) + (T)i * (d));

static onnxc_status *range_run(const oc_run_ctx *ctx)
{
    const oc_tensor *start = ctx->in[0], *delta = ctx->in[2];
    oc_tensor *y = ctx->out[0];
    int64_t n = y->dims[0];
    switch (y->dtype) {
    case ONNXC_FLOAT: {
        float s = *(const float *)start->data, d = *(const float *)delta->data;
        RANGE_FILL(float, y->data, n, s, d)
        break;
    }
    case ONNXC_DOUBLE: {
        double s = *(const double *)start->data, d = *(const double *)delta->data;
        RANGE_FILL(double, y->data, n, s, d)
        break;
    }
    default: {
        /* start + i * delta stays in range for every i < n */
        int64_t s = oc_int_at(start->data, y->dtype, 0);
        int64_t d = oc_int_at(delta->data, y->dtype, 0);
        for (int64_t i = 0; i < n; i++) {
            int64_t v = (int64_t)((uint64_t)s + (uint64_t)i * (uint64_t)d);
            if (y->dtype == ONNXC_INT16)
                ((int16_t *)y->data)[i] = (int16_t)v;
            else if (y->dtype == ONNXC_INT32)
                ((int32_t *)y->data)[i] = (int32_t)v;
            else
                ((int64_t *)y->data)[i] = v;
        }
    }
    }
    return NULL;
}

static const int range_versions[] = {11, 0};

const oc_op oc_op_range = {
    .domain = "",
    .op_type = "Range",
    .versions = range_versions,
    .last_opset = 21,
    .min_inputs = 3, .max_inputs = 3,
    .min_outputs = 1, .max_outputs = 1,
    .value_inputs = 7u,
    .types = "float, double, int16, int32, int64",
    .prepare = range_prepare,
    .infer = range_infer,
    .run = range_run,
};
