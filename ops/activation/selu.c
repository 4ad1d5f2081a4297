/*
 * selu.c - Selu: y = gamma * x for x > 0, gamma * alpha * (exp(x) - 1)
 * otherwise, elementwise (versions 1, 6).
 *
 * alpha and gamma are float32 attributes. Their defaults changed: 1.6732
 * and 1.0507 in version 1 (which also carries the legacy
 * `consumed_inputs`, ignored), the float32 values of the paper's
 * constants from 6. exp(x) - 1 is expm1, accurate near 0; the sign of
 * Selu(-0) is +0, as onnxruntime gives (it computes alpha * exp(x) -
 * alpha).
 */
#include <tgmath.h>

#include "ops/common/unary.h"

/* Adding +0 turns -0 into +0 and changes no other value. */
UNARY_LOOPS(selu, y = x > 0 ? p->gamma * x
                            : p->gamma * (p->alpha * expm1(x)) + 0)

static onnxc_status *selu_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    static const char *const v1_attrs[] = {"alpha", "gamma",
                                           "consumed_inputs", NULL};
    static const char *const attrs[] = {"alpha", "gamma", NULL};
    bool v1 = node->op_version < 6;
    onnxc_status *err = oc_unary_prepare(ctx, v1 ? v1_attrs : attrs,
                                      selu_float, selu_double, params);
    if (err)
        return err;
    unary_params *p = *params;
    if ((err = oc_attr_float(node, "alpha",
                             v1 ? 1.6732f : 1.67326319217681884765625f,
                             &p->alpha)))
        return err;
    return oc_attr_float(node, "gamma",
                         v1 ? 1.0507f : 1.05070102214813232421875f, &p->gamma);
}

static const int selu_versions[] = {1, 6, 0};

const oc_op oc_op_selu = {
    .domain = "",
    .op_type = "Selu",
    .versions = selu_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = UNARY_TYPES,
    .prepare = selu_prepare,
    .infer = oc_unary_infer,
    .run = oc_unary_run,
};
