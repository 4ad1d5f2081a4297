/*
 * cum_sum.c - CumSum: running sums of x along one axis (versions 11, 14),
 * the axis a 0-D (or one-element 1-D) int32 or int64 input; exclusive=1
 * leaves each element out of its own sum, reverse=1 sums from the end.
 * float, double, int32, int64, uint32, uint64 (integers wrap); float16
 * and bfloat16 (14) are refused. An axis known at load is checked then,
 * one computed by the graph when the node runs.
 */
#include "ops/common/dims_value.h"
#include "ops/common/op_util.h"

typedef struct cum_sum_params {
    bool exclusive, reverse;
} cum_sum_params;

static onnxc_status *cum_sum_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const attrs[] = {"exclusive", "reverse", NULL};
    int64_t exclusive = 0, reverse = 0;
    onnxc_status *err;
    cum_sum_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(ctx->node, attrs)) ||
        (err = oc_attr_int(ctx->node, "exclusive", 0, &exclusive)) ||
        (err = oc_attr_int(ctx->node, "reverse", 0, &reverse)))
        return err;
    p->exclusive = exclusive != 0;
    p->reverse = reverse != 0;
    *params = p;
    return NULL;
}

static bool takes(onnxc_dtype t)
{
    return t == ONNXC_FLOAT || t == ONNXC_DOUBLE || t == ONNXC_INT32 ||
           t == ONNXC_INT64 || t == ONNXC_UINT32 || t == ONNXC_UINT64;
}

static onnxc_status *cum_sum_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const oc_type *x = ctx->in[0], *a = ctx->in[1];
    char desc[300];
    int axis;
    onnxc_status *err;
    if (!takes(x->dtype))
        return oc_bad_dtype(node, "x", x->dtype,
                            "float, double, int32, int64, uint32, uint64");
    if (a->dtype != ONNXC_INT32 && a->dtype != ONNXC_INT64)
        return oc_bad_dtype(node, "axis", a->dtype, "int32, int64");
    if (a->shape.rank > 1 ||
        (a->shape.rank == 1 && dim_is_known(a->shape.dims[0]) &&
         a->shape.dims[0].value != 1))
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: axis must hold one value (0-D or [1])",
                        oc_node_desc(node, desc, sizeof desc));
    if (a->data && x->shape.rank >= 0 &&
        (err = oc_axis(node, oc_int_at(a->data, a->dtype, 0), x->shape.rank,
                       false, &axis)))
        return err;
    ctx->out[0]->dtype = x->dtype;
    ctx->out[0]->shape = x->shape;
    return NULL;
}

/* Running sums along n with stride `inner`, for outer x inner lines. */
#define CUM_LOOP(name, T, ACC)                                                 \
    static void name(const T *x, T *y, size_t outer, size_t n, size_t inner,   \
                     bool exclusive, bool reverse)                             \
    {                                                                          \
        for (size_t o = 0; o < outer; o++)                                     \
            for (size_t i = 0; i < inner; i++) {                               \
                const T *xl = x + o * n * inner + i;                           \
                T *yl = y + o * n * inner + i;                                 \
                ACC s = 0;                                                     \
                for (size_t j = 0; j < n; j++) {                               \
                    size_t k = (reverse ? n - 1 - j : j) * inner;              \
                    ACC v = (ACC)xl[k];                                        \
                    if (exclusive) {                                           \
                        yl[k] = (T)s;                                          \
                        s += v;                                                \
                    } else {                                                   \
                        s += v;                                                \
                        yl[k] = (T)s;                                          \
                    }                                                          \
                }                                                              \
            }                                                                  \
    }

/* Floats sum in their own type, as each prefix is an output; integers
 * in uint64_t, wrapping. */
CUM_LOOP(cum_float, float, float)
CUM_LOOP(cum_double, double, double)
CUM_LOOP(cum_int32, int32_t, uint64_t)
CUM_LOOP(cum_int64, int64_t, uint64_t)
CUM_LOOP(cum_uint32, uint32_t, uint64_t)
CUM_LOOP(cum_uint64, uint64_t, uint64_t)

static onnxc_status *cum_sum_run(const oc_run_ctx *ctx)
{
    const cum_sum_params *p = ctx->params;
    const oc_tensor *x = ctx->in[0], *a = ctx->in[1];
    void *y = ctx->out[0]->data;
    int64_t axis = oc_int_at(a->data, a->dtype, 0);
    if (axis < -x->rank || axis >= x->rank || x->rank == 0)
        return oc_run_error(ctx, "axis %lld is out of range for x of rank %d",
                            (long long)axis, x->rank);
    int ax = (int)(axis < 0 ? axis + x->rank : axis);
    size_t outer = 1, inner = 1, n = (size_t)x->dims[ax];
    for (int d = 0; d < ax; d++)
        outer *= (size_t)x->dims[d];
    for (int d = ax + 1; d < x->rank; d++)
        inner *= (size_t)x->dims[d];
    if (outer * n * inner == 0)
        return NULL;
    switch (x->dtype) {
#define CASE(E, fn, T)                                                         \
    case E:                                                                    \
        fn((const T *)x->data, y, outer, n, inner, p->exclusive, p->reverse); \
        break;
    CASE(ONNXC_FLOAT, cum_float, float)
    CASE(ONNXC_DOUBLE, cum_double, double)
    CASE(ONNXC_INT32, cum_int32, int32_t)
    CASE(ONNXC_INT64, cum_int64, int64_t)
    CASE(ONNXC_UINT32, cum_uint32, uint32_t)
    CASE(ONNXC_UINT64, cum_uint64, uint64_t)
#undef CASE
    default:
        break;
    }
    return NULL;
}

static const int cum_sum_versions[] = {11, 14, 0};

const oc_op oc_op_cum_sum = {
    .domain = "",
    .op_type = "CumSum",
    .versions = cum_sum_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .types = "float, double, int32, int64, uint32, uint64",
    .prepare = cum_sum_prepare,
    .infer = cum_sum_infer,
    .run = cum_sum_run,
};
