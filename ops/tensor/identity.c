/*
 * identity.c - Identity: y = x (versions 1, 13, 14, 16, 19, 21).
 *
 * Tensors of any fixed-size element type, and the sequences (14) and
 * optionals (16) later versions admit, which y names where x lies. The
 * planner gives a tensor y the buffer of x when x dies here, so usually
 * nothing is copied.
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
    if (in[0]->kind != ONNXC_KIND_TENSOR && node->op_version < 14)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (Identity-%d): its input is %s; before "
                        "version 14 Identity takes tensors",
                        node->label, node->op_version, oc_kind_name(in[0]->kind));
    *out[0] = *in[0];
    out[0]->data = NULL;   /* never a constant: the run copies */
    return NULL;
}

static onnxc_status *identity_run(const oc_run_ctx *ctx)
{
    const oc_tensor *x = ctx->in[0];
    /* a sequence, an optional (whose tensor lies where its maker holds
     * it): y names the same */
    if (x->seq || x->none || !ctx->out[0]->data) {
        *ctx->out[0] = *x;
        return NULL;
    }
    return oc_run_copy(ctx);
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
    .any_kind = true,
    .types = "all numeric types, bool; sequences, optionals",
    .prepare = identity_prepare,
    .infer = identity_infer,
    .run = identity_run,
};
