/*
 * expand.c - Expand: x broadcast to `shape` (versions 8, 13), both ways
 * as numpy does (a 1 in shape keeps x's dim). shape is a 1-D int64 input
 * whose contents the plan knows; a shape computed from Shape keeps its
 * symbols at load.
 */
#include "runtime/core/status.h"
#include "ops/common/broadcast.h"
#include "ops/common/dims_value.h"
#include "ops/common/strided.h"

static onnxc_status *expand_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const none[] = {NULL};
    *params = NULL;
    return oc_check_attrs(ctx->node, none);
}

static onnxc_status *expand_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const oc_type *x = ctx->in[0], *shape = ctx->in[1];
    oc_type *y = ctx->out[0];
    char desc[300];
    oc_shape to;
    int n;
    if (!oc_dtype_has_size(x->dtype))
        return oc_bad_dtype(node, "input", x->dtype, OC_DATA_TYPES);
    if (shape->dtype != ONNXC_INT64)
        return oc_bad_dtype(node, "shape", shape->dtype, "int64");
    if (shape->shape.rank != 1)
        return oc_error(ONNXC_ERR_SHAPE, "%s: shape must be 1-D, got rank %d",
                        oc_node_desc(node, desc, sizeof desc),
                        shape->shape.rank);
    y->dtype = x->dtype;
    y->shape.rank = -1;
    if (!oc_type_as_dims(shape, to.dims, &n)) {
        if (shape->shape.dims[0].value > ONNXC_MAX_RANK)
            return oc_error(ONNXC_ERR_UNSUPPORTED,
                            "%s: shape has %lld entries, above rank %d",
                            oc_node_desc(node, desc, sizeof desc),
                            (long long)shape->shape.dims[0].value,
                            ONNXC_MAX_RANK);
        return NULL;  /* the plan knows it */
    }
    to.rank = n;
    for (int d = 0; d < n; d++)
        if (dim_is_known(to.dims[d]) && to.dims[d].value < 0)
            return oc_error(ONNXC_ERR_SHAPE, "%s: shape has dim %d = %lld",
                            oc_node_desc(node, desc, sizeof desc), d,
                            (long long)to.dims[d].value);
    return oc_broadcast_shape(node, &x->shape, &to, &y->shape);
}

static onnxc_status *expand_run(const oc_run_ctx *ctx)
{
    const oc_tensor *x = ctx->in[0];
    oc_tensor *y = ctx->out[0];
    int64_t in_strides[ONNXC_MAX_RANK], strides[ONNXC_MAX_RANK];
    oc_contiguous_strides(x->dims, x->rank, in_strides);
    for (int d = 0; d < y->rank; d++) {
        int k = d - (y->rank - x->rank);
        strides[d] = k < 0 || x->dims[k] == 1 ? 0 : in_strides[k];
    }
    if (oc_tensor_count(y))
        oc_strided_copy(y->data, x->data, onnxc_dtype_size(x->dtype), y->rank,
                        y->dims, strides);
    return NULL;
}

static const int expand_versions[] = {8, 13, 0};

const oc_op oc_op_expand = {
    .domain = "",
    .op_type = "Expand",
    .versions = expand_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .value_inputs = 1u << 1,
    .types = OC_DATA_TYPES,
    .prepare = expand_prepare,
    .infer = expand_infer,
    .run = expand_run,
};
