/*
 * prelu.c - PRelu: y = x for x >= 0, slope * x otherwise, elementwise
 * (versions 1, 6, 7, 9, 16).
 *
 * From version 7 slope broadcasts onto X one way (numpy's rules, Y has
 * X's shape). Versions 1 and 6 came before ONNX broadcast and say only
 * that a slope of one element is shared by every channel; they are
 * Caffe2's PRelu, whose slope is otherwise one value per channel, X's dim
 * 1, whatever its shape. So there a slope of one element is shared, one
 * of X's dim 1 elements applies per channel (X [2,3,4] with slope [3], as
 * the PyTorch-converted test_PReLU_*_multiparam models have it), and one
 * of X's own shape applies elementwise ("applied to the data tensor
 * elementwise"); where two of these readings fit, they agree. Anything
 * else is refused. Version 1 carries the legacy `consumed_inputs`,
 * ignored. 9 adds int32, int64, uint32 and uint64, which run (signed
 * products wrap around, as onnxruntime's do; unsigned values are never
 * below 0); bfloat16 (16) is not run. -0 stays -0 and NaN stays NaN, as
 * in onnxruntime.
 */
#include <string.h>

#include "runtime/core/status.h"
#include "ops/common/binary.h"

BINARY_LOOP(prelu_float, float, x < 0 ? z * x : x)
BINARY_LOOP(prelu_double, double, x < 0 ? z * x : x)
BINARY_LOOP(prelu_int32, int32_t,
            x < 0 ? WRAP(int32_t, (uint64_t)z * (uint64_t)x) : x)
BINARY_LOOP(prelu_int64, int64_t,
            x < 0 ? WRAP(int64_t, (uint64_t)z * (uint64_t)x) : x)
BINARY_LOOP(prelu_uint32, uint32_t, ((void)z, x))
BINARY_LOOP(prelu_uint64, uint64_t, ((void)z, x))

static const bcast_loop prelu_loops[BINARY_DTYPES] = {
    [ONNXC_FLOAT] = prelu_float, [ONNXC_DOUBLE] = prelu_double,
    [ONNXC_INT32] = prelu_int32, [ONNXC_INT64] = prelu_int64,
    [ONNXC_UINT32] = prelu_uint32, [ONNXC_UINT64] = prelu_uint64,
};

#define PRELU_TYPES "float, double, int32, int64, uint32, uint64"

typedef struct prelu_params {
    bool legacy;   /* versions 1 and 6: shared, per channel or elementwise */
} prelu_params;

static onnxc_status *prelu_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    oc_pool *pool = ctx->pool;
    static const char *const v1_attrs[] = {"consumed_inputs", NULL};
    static const char *const none[] = {NULL};
    onnxc_status *err =
        oc_check_attrs(node, node->op_version < 6 ? v1_attrs : none);
    if (err)
        return err;
    prelu_params *p = oc_pool_calloc(pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    p->legacy = node->op_version < 7;
    *params = p;
    return NULL;
}

/* Versions 1 and 6: slope has one element, one per channel (X's dim 1)
 * or X's shape. Left to the plan while a count or dim is symbolic. */
static bool legacy_slope_fits(const oc_shape *x, const oc_shape *slope)
{
    oc_dim count;
    if (x->rank < 0 || slope->rank < 0 ||
        !oc_shape_product(slope, 0, slope->rank, &count) || !dim_is_known(count))
        return true;
    if (count.value == 1 || oc_shape_compatible(x, slope))
        return true;
    return x->rank >= 2 &&
           (!dim_is_known(x->dims[1]) || x->dims[1].value == count.value);
}

/* From version 7: slope's dims, aligned to X's last ones, are 1 or X's. */
static bool slope_broadcasts(const oc_shape *x, const oc_shape *slope)
{
    if (x->rank < 0 || slope->rank < 0)
        return true;
    if (slope->rank > x->rank)
        return false;
    for (int d = 0; d < slope->rank; d++) {
        oc_dim s = slope->dims[d], xd = x->dims[x->rank - slope->rank + d];
        if (dim_is_known(s) && s.value != 1 && dim_is_known(xd) &&
            s.value != xd.value)
            return false;
    }
    return true;
}

static onnxc_status *prelu_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const void *params = ctx->params;
    const oc_type *const *in = ctx->in;
    oc_type *const *out = ctx->out;
    const prelu_params *p = params;
    char s1[128], s2[128];
    onnxc_dtype t = in[0]->dtype;
    bool is_float = t == ONNXC_FLOAT || t == ONNXC_DOUBLE;
    if ((unsigned)t >= BINARY_DTYPES || !prelu_loops[t] ||
        (node->op_version < 9 && !is_float))
        return oc_bad_dtype(node, "X", t,
                            node->op_version < 9 ? "float, double"
                                                 : PRELU_TYPES);
    if (in[1]->dtype != t)
        return oc_error(ONNXC_ERR_SHAPE,
                        "node '%s' (PRelu-%d): X is %s but slope is %s; they "
                        "must be the same type",
                        node->label, node->op_version, onnxc_dtype_name(t),
                        onnxc_dtype_name(in[1]->dtype));
    const oc_shape *x = &in[0]->shape, *slope = &in[1]->shape;
    if (p->legacy ? !legacy_slope_fits(x, slope)
                  : !slope_broadcasts(x, slope))
        return oc_error(ONNXC_ERR_SHAPE,
                        "node '%s' (PRelu-%d): slope %s does not fit X %s "
                        "(%s)",
                        node->label, node->op_version,
                        oc_shape_format(slope, NULL, s1, sizeof s1),
                        oc_shape_format(x, NULL, s2, sizeof s2),
                        p->legacy
                            ? "before version 7 it has one element, one per "
                              "channel (X's dim 1) or X's shape"
                            : "it must broadcast to X's shape");
    out[0]->dtype = t;
    out[0]->shape = *x;
    return NULL;
}

static bool same_dims(const oc_tensor *a, const oc_tensor *b)
{
    return a->rank == b->rank &&
           memcmp(a->dims, b->dims, (size_t)a->rank * sizeof a->dims[0]) == 0;
}

static onnxc_status *prelu_run(const oc_run_ctx *ctx)
{
    const void *params = ctx->params;
    const oc_tensor *const *in = ctx->in;
    oc_tensor *const *out = ctx->out;
    const prelu_params *p = params;
    const oc_tensor *x = in[0], *slope = in[1];
    oc_tensor *y = out[0];
    bcast_operand a, b;
    oc_broadcast_align(x, x->rank, &a);
    if (p->legacy && !same_dims(x, slope)) {
        /* Shared or per channel (an elementwise slope aligns as is). */
        b.data = slope->data;
        for (int d = 0; d < x->rank; d++)
            b.dims[d] = d == 1 && oc_tensor_count(slope) != 1 ? x->dims[1] : 1;
    } else {
        oc_broadcast_align(slope, x->rank, &b);
    }
    size_t esize = onnxc_dtype_size(x->dtype);
    oc_broadcast_walk(y->data, x->dims, x->rank, esize, esize, &a, &b,
                      prelu_loops[x->dtype]);
    return NULL;
}

static const int prelu_versions[] = {1, 6, 7, 9, 16, 0};

const oc_op oc_op_prelu = {
    .domain = "",
    .op_type = "PRelu",
    .versions = prelu_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = PRELU_TYPES,
    .prepare = prelu_prepare,
    .infer = prelu_infer,
    .run = prelu_run,
};
