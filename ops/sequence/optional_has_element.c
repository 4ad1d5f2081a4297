/*
 * optional_has_element.c - OptionalHasElement: whether an optional holds
 * a value, a bool scalar (version 15; from 18 the input may also be a
 * tensor or a sequence, true, or left out, false).
 */
#include "ops/sequence/sequence.h"
#include "ops/common/op_util.h"
#include "runtime/core/status.h"

static onnxc_status *optional_has_element_prepare(const oc_prepare_ctx *ctx,
                                                  void **params)
{
    static const char *const none[] = {NULL};
    *params = NULL;
    return oc_check_attrs(ctx->node, none);
}

static onnxc_status *optional_has_element_infer(const oc_infer_ctx *ctx)
{
    const oc_type *x = ctx->in[0];
    if (ctx->node->op_version < 18 && (!x || x->kind != ONNXC_KIND_OPTIONAL))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (OptionalHasElement-15): its input must be "
                        "an optional; it is %s",
                        ctx->node->label, x ? oc_kind_name(x->kind) : "left out");
    ctx->out[0]->dtype = ONNXC_BOOL;
    ctx->out[0]->shape.rank = 0;
    return NULL;
}

static onnxc_status *optional_has_element_run(const oc_run_ctx *ctx)
{
    const oc_tensor *x = ctx->in[0];
    *(unsigned char *)ctx->out[0]->data = x && !x->none;
    return NULL;
}

static const int optional_has_element_versions[] = {15, 18, 0};

const oc_op oc_op_optional_has_element = {
    .domain = "",
    .op_type = "OptionalHasElement",
    .versions = optional_has_element_versions,
    .last_opset = 21,
    .min_inputs = 0, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .no_fold = true, .any_kind = true,
    .types = OC_DATA_TYPES,
    .prepare = optional_has_element_prepare,
    .infer = optional_has_element_infer,
    .run = optional_has_element_run,
};
