/*
 * elu.c - Elu: y = x for x >= 0, alpha * (exp(x) - 1) otherwise,
 * elementwise (versions 1, 6).
 *
 * alpha is a float32 attribute, 1.0 by default. Version 1 carries the
 * legacy `consumed_inputs` attribute, which is ignored. exp(x) - 1 is
 * expm1, accurate near 0 where the subtraction would cancel; -0 stays -0, as
 * in onnxruntime.
 */
#include <tgmath.h>

#include "ops/common/unary.h"

UNARY_LOOPS(elu, y = x >= 0 ? x : p->alpha * expm1(x))

static onnxc_status *elu_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    static const char *const v1_attrs[] = {"alpha", "consumed_inputs", NULL};
    static const char *const attrs[] = {"alpha", NULL};
    onnxc_status *err = oc_unary_prepare(ctx,
                                      node->op_version < 6 ? v1_attrs : attrs,
                                      elu_float, elu_double, params);
    if (err)
        return err;
    unary_params *p = *params;
    return oc_attr_float(node, "alpha", 1.0f, &p->alpha);
}

static const int elu_versions[] = {1, 6, 0};

const oc_op oc_op_elu = {
    .domain = "",
    .op_type = "Elu",
    .versions = elu_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = UNARY_TYPES,
    .prepare = elu_prepare,
    .infer = oc_unary_infer,
    .run = oc_unary_run,
};
