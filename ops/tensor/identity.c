/*
 * identity.c - Identity: y = x (versions 1, 13, 14, 16, 19, 21).
 *
 * Tensors of any fixed-size element type; the sequences and optionals
 * that versions 14 and 16 admit are refused when the model is read. The
 * planner gives y the buffer of x when x dies here, so usually nothing
 * is copied.
 */
#include "ops/common/op_util.h"

static onnxc_status *identity_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    static const char *const none[] = {NULL};
    *params = NULL;
    return oc_check_attrs(node, none);
}

static onnxc_status *identity_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const oc_type *const *in = ctx->in;
    oc_type *const *out = ctx->out;
    if (!oc_dtype_has_size(in[0]->dtype))
        return oc_bad_dtype(node, "input", in[0]->dtype,
                            "numeric and bool tensors");
    out[0]->dtype = in[0]->dtype;
    out[0]->shape = in[0]->shape;
    return NULL;
}

static const int identity_versions[] = {1, 13, 14, 16, 19, 21, 0};

const oc_op oc_op_identity = {
    .domain = "",
    .op_type = "Identity",
    .id = OC_OP_IDENTITY,
    .versions = identity_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = "all numeric types, bool",
    .prepare = identity_prepare,
    .infer = identity_infer,
    .run = oc_run_copy,
};
