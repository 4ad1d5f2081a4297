/*
 * flatten.c - Flatten: x of rank r as the matrix
 * [d0 * ... * d(axis-1), d(axis) * ... * d(r-1)] (versions 1, 9, 11, 13,
 * 21).
 *
 * axis defaults to 1 and may be r (giving [n, 1]); negative axes count
 * from the end from version 11. A symbolic batch before the axis stays
 * symbolic ("batch" x 784), so the plan of a Flatten -> Gemm model is
 * known by name. The data does not move: y takes x's buffer.
 */
#include "runtime/core/status.h"
#include "ops/common/op_util.h"

typedef struct flatten_params {
    int64_t axis;
} flatten_params;

static onnxc_status *flatten_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    oc_pool *pool = ctx->pool;
    static const char *const attrs[] = {"axis", NULL};
    onnxc_status *err;
    flatten_params *p = oc_pool_alloc(pool, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(node, attrs)) ||
        (err = oc_attr_int(node, "axis", 1, &p->axis)))
        return err;
    if (node->op_version < 11 && p->axis < 0)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (Flatten-%d): axis %lld is negative; "
                        "negative axes need Flatten-11",
                        node->label, node->op_version, (long long)p->axis);
    *params = p;
    return NULL;
}

static onnxc_status *flatten_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const void *params = ctx->params;
    const oc_type *const *in = ctx->in;
    oc_type *const *out = ctx->out;
    const flatten_params *p = params;
    const oc_shape *x = &in[0]->shape;
    onnxc_status *err;
    int axis;
    if (!oc_dtype_has_size(in[0]->dtype))
        return oc_bad_dtype(node, "input", in[0]->dtype,
                            "numeric and bool tensors");
    out[0]->dtype = in[0]->dtype;
    out[0]->shape.rank = 2;
    if (x->rank < 0) {
        out[0]->shape.dims[0] = out[0]->shape.dims[1] = dim_unknown();
        return NULL;
    }
    if ((err = oc_axis(node, p->axis, x->rank, true, &axis)))
        return err;
    if (!oc_shape_product(x, 0, axis, &out[0]->shape.dims[0]) ||
        !oc_shape_product(x, axis, x->rank, &out[0]->shape.dims[1]))
        return oc_error(ONNXC_ERR_SHAPE,
                        "node '%s' (Flatten): the flattened dims overflow",
                        node->label);
    return NULL;
}

static const int flatten_versions[] = {1, 9, 11, 13, 21, 0};

const oc_op oc_op_flatten = {
    .domain = "",
    .op_type = "Flatten",
    .versions = flatten_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = "all numeric types, bool",
    .prepare = flatten_prepare,
    .infer = flatten_infer,
    .run = oc_run_copy,
};
