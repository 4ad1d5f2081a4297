/*
 * size.c - Size: the number of elements of x, an int64 scalar (versions
 * 1, 13, 19, 21). It reads x's shape only (shape_inputs), so the plan
 * knows its output, and so does the load when x's shape is static.
 */
#include "ops/common/dims_value.h"
#include "ops/common/op_util.h"

static onnxc_status *size_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const none[] = {NULL};
    *params = NULL;
    return oc_check_attrs(ctx->node, none);
}

static onnxc_status *size_infer(const oc_infer_ctx *ctx)
{
    oc_type *y = ctx->out[0];
    oc_dim count;
    y->dtype = ONNXC_INT64;
    y->shape.rank = 0;
    /* the count as a dim: a symbol when x is [batch] */
    const oc_shape *x = &ctx->in[0]->shape;
    if (x->rank >= 0 && oc_shape_product(x, 0, x->rank, &count))
        oc_type_set_dims(y, &count, 1);
    return NULL;
}

static onnxc_status *size_run(const oc_run_ctx *ctx)
{
    *(int64_t *)ctx->out[0]->data = (int64_t)oc_tensor_count(ctx->in[0]);
    return NULL;
}

static const int size_versions[] = {1, 13, 19, 21, 0};

const oc_op oc_op_size = {
    .domain = "",
    .op_type = "Size",
    .versions = size_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .shape_inputs = 1u << 0,
    .types = "any tensor in; int64 out",
    .prepare = size_prepare,
    .infer = size_infer,
    .run = size_run,
};
