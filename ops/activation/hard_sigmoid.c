/*
 * hard_sigmoid.c - HardSigmoid: y = max(0, min(1, alpha * x + beta))
 * elementwise (versions 1, 6).
 *
 * alpha (0.2) and beta (0.5) are float32 attributes. Version 1 carries
 * the legacy `consumed_inputs` attribute, which is ignored. alpha * x +
 * beta is one fma, rounded once: near x = -beta / alpha the sum cancels,
 * and rounding the product first would leave mostly its rounding error
 * (thousands of ulps of the small result; onnxruntime has them). The
 * clamp is written with comparisons so NaN stays NaN (fmin and fmax would
 * drop it), as in onnxruntime.
 */
#include <tgmath.h>

#include "ops/common/unary.h"

UNARY_LOOPS(hard_sigmoid, real v = fma(p->alpha, x, p->beta);
            y = v < 0 ? 0 : v > 1 ? 1 : v)

static onnxc_status *hard_sigmoid_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    static const char *const v1_attrs[] = {"alpha", "beta", "consumed_inputs",
                                           NULL};
    static const char *const attrs[] = {"alpha", "beta", NULL};
    onnxc_status *err = oc_unary_prepare(ctx,
                                      node->op_version < 6 ? v1_attrs : attrs,
                                      hard_sigmoid_float, hard_sigmoid_double,
                                      params);
    if (err)
        return err;
    unary_params *p = *params;
    if ((err = oc_attr_float(node, "alpha", 0.2f, &p->alpha)))
        return err;
    return oc_attr_float(node, "beta", 0.5f, &p->beta);
}

static const int hard_sigmoid_versions[] = {1, 6, 0};

const oc_op oc_op_hard_sigmoid = {
    .domain = "",
    .op_type = "HardSigmoid",
    .versions = hard_sigmoid_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = UNARY_TYPES,
    .prepare = hard_sigmoid_prepare,
    .infer = oc_unary_infer,
    .run = oc_unary_run,
};
