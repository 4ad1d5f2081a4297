/* arg_reduce.c - ArgMax and ArgMin (see arg_reduce.h). */
#include <math.h>

#include "ops/common/arg_reduce.h"

typedef struct arg_params {
    bool max;
    int64_t axis;
    bool keepdims;
    bool last;     /* select_last_index */
} arg_params;

onnxc_status *oc_arg_reduce_prepare(const oc_prepare_ctx *ctx, bool max,
                                    void **params)
{
    static const char *const v1_attrs[] = {"axis", "keepdims", NULL};
    static const char *const v12_attrs[] = {"axis", "keepdims",
                                            "select_last_index", NULL};
    const oc_node *node = ctx->node;
    int64_t keepdims = 1, last = 0;
    onnxc_status *err;
    arg_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(node, node->op_version < 12 ? v1_attrs
                                                          : v12_attrs)) ||
        (err = oc_attr_int(node, "axis", 0, &p->axis)) ||
        (err = oc_attr_int(node, "keepdims", 1, &keepdims)) ||
        (err = oc_attr_int(node, "select_last_index", 0, &last)))
        return err;
    p->max = max;
    p->keepdims = keepdims != 0;
    p->last = last != 0;
    *params = p;
    return NULL;
}

static bool takes(onnxc_dtype t)
{
    switch (t) {
    case ONNXC_FLOAT: case ONNXC_DOUBLE:
    case ONNXC_INT8: case ONNXC_INT16: case ONNXC_INT32: case ONNXC_INT64:
    case ONNXC_UINT8: case ONNXC_UINT16: case ONNXC_UINT32: case ONNXC_UINT64:
        return true;
    default:
        return false;
    }
}

onnxc_status *oc_arg_reduce_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const arg_params *p = ctx->params;
    const oc_type *x = ctx->in[0];
    oc_type *y = ctx->out[0];
    char desc[300], s1[128];
    onnxc_status *err;
    int axis;
    if (!takes(x->dtype))
        return oc_bad_dtype(node, "data", x->dtype, ARG_REDUCE_TYPES);
    y->dtype = ONNXC_INT64;
    y->shape.rank = -1;
    if (x->shape.rank < 0)
        return NULL;
    if (node->op_version < 11 && p->axis < 0)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: axis %lld is negative; negative axes count from "
                        "the end from version 11",
                        oc_node_desc(node, desc, sizeof desc),
                        (long long)p->axis);
    if ((err = oc_axis(node, p->axis, x->shape.rank, false, &axis)))
        return err;
    if (dim_is_known(x->shape.dims[axis]) && x->shape.dims[axis].value == 0)
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: axis %d of %s is empty: no index to give",
                        oc_node_desc(node, desc, sizeof desc), axis,
                        oc_shape_format(&x->shape, NULL, s1, sizeof s1));
    y->shape.rank = 0;
    for (int d = 0; d < x->shape.rank; d++)
        if (d != axis)
            y->shape.dims[y->shape.rank++] = x->shape.dims[d];
        else if (p->keepdims)
            y->shape.dims[y->shape.rank++] = dim_known(1);
    return NULL;
}

/* For each of outer x inner positions, the index along n of the winner:
 * `better(v, best)` says v replaces best; ties replace only for `last`. */
#define ARG_LOOP(name, T, ISNAN)                                               \
    static void name(const T *x, int64_t *y, size_t outer, size_t n,          \
                     size_t inner, bool max, bool last)                        \
    {                                                                          \
        for (size_t o = 0; o < outer; o++)                                     \
            for (size_t i = 0; i < inner; i++) {                               \
                const T *p = x + o * n * inner + i;                            \
                size_t best = 0;                                               \
                T b = p[0];                                                    \
                for (size_t k = 1; k < n; k++) {                               \
                    T v = p[k * inner];                                        \
                    bool take;                                                 \
                    if (ISNAN(b))                                              \
                        take = last && ISNAN(v);                               \
                    else if (ISNAN(v))                                         \
                        take = true;                                           \
                    else                                                       \
                        take = max ? (v > b || (last && v == b))               \
                                   : (v < b || (last && v == b));              \
                    if (take) {                                                \
                        best = k;                                              \
                        b = v;                                                 \
                    }                                                          \
                }                                                              \
                y[o * inner + i] = (int64_t)best;                              \
            }                                                                  \
    }

#define NO_NAN(v) ((void)(v), false)
ARG_LOOP(arg_float, float, isnan)
ARG_LOOP(arg_double, double, isnan)
ARG_LOOP(arg_int8, int8_t, NO_NAN)
ARG_LOOP(arg_int16, int16_t, NO_NAN)
ARG_LOOP(arg_int32, int32_t, NO_NAN)
ARG_LOOP(arg_int64, int64_t, NO_NAN)
ARG_LOOP(arg_uint8, uint8_t, NO_NAN)
ARG_LOOP(arg_uint16, uint16_t, NO_NAN)
ARG_LOOP(arg_uint32, uint32_t, NO_NAN)
ARG_LOOP(arg_uint64, uint64_t, NO_NAN)

onnxc_status *oc_arg_reduce_run(const oc_run_ctx *ctx)
{
    const arg_params *p = ctx->params;
    const oc_tensor *x = ctx->in[0];
    int64_t *y = ctx->out[0]->data;
    int axis = (int)(p->axis < 0 ? p->axis + x->rank : p->axis);
    size_t outer = 1, inner = 1, n = (size_t)x->dims[axis];
    for (int d = 0; d < axis; d++)
        outer *= (size_t)x->dims[d];
    for (int d = axis + 1; d < x->rank; d++)
        inner *= (size_t)x->dims[d];
    if (outer * inner == 0)
        return NULL;
    switch (x->dtype) {
#define CASE(E, fn, T)                                                         \
    case E:                                                                    \
        fn((const T *)x->data, y, outer, n, inner, p->max, p->last);           \
        break;
    CASE(ONNXC_FLOAT, arg_float, float)
    CASE(ONNXC_DOUBLE, arg_double, double)
    CASE(ONNXC_INT8, arg_int8, int8_t)
    CASE(ONNXC_INT16, arg_int16, int16_t)
    CASE(ONNXC_INT32, arg_int32, int32_t)
    CASE(ONNXC_INT64, arg_int64, int64_t)
    CASE(ONNXC_UINT8, arg_uint8, uint8_t)
    CASE(ONNXC_UINT16, arg_uint16, uint16_t)
    CASE(ONNXC_UINT32, arg_uint32, uint32_t)
    CASE(ONNXC_UINT64, arg_uint64, uint64_t)
#undef CASE
    default:
        break;
    }
    return NULL;
}
