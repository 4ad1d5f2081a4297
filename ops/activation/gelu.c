/*
 * gelu.c - Gelu: y = x * Phi(x), Phi the standard normal CDF, elementwise
 * (version 20).
 *
 * approximate = "none" (default) is 0.5 x (1 + erf(x / sqrt 2)), computed
 * as 0.5 x erfc(-x / sqrt 2): 1 + erf(t) cancels to nothing for x below
 * about -4, erfc does not. "tanh" is 0.5 x (1 + tanh(u)), u = sqrt(2/pi)
 * (x + 0.044715 x^3), computed as x / (1 + exp(-2u)) for the same reason.
 * Both work in double even for float tensors: the argument of erfc or exp
 * is rounded, and the function multiplies that relative error by a factor
 * growing like x^2, which in float would cost hundreds of ulps for x near
 * -10, and in double costs nothing a float result shows (measured: within
 * 0.5 ulp). Double tensors keep that rounding: their error grows to about
 * x^2 ulps (~400 near x = -20, in results below 1e-80). -inf gives
 * -inf * 0 = NaN, as in onnxruntime. bfloat16 and float16 are not run.
 */
#include <string.h>
#include <tgmath.h>

#include "runtime/core/status.h"
#include "ops/common/unary.h"

UNARY_LOOPS(gelu_erf, double v = x;
            y = (real)(0.5 * v * erfc(v * -0.70710678118654752440)))
UNARY_LOOPS(gelu_tanh, double v = x;
            double u = 0.79788456080286535588 * (v + 0.044715 * v * v * v);
            y = (real)(v / (1 + exp(-2 * u))))

static onnxc_status *gelu_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    static const char *const attrs[] = {"approximate", NULL};
    const oc_attr *a = oc_node_attr(node, "approximate");
    const char *approximate = a && a->type == OC_ATTR_STRING ? a->s : "none";
    bool tanh_form = strcmp(approximate, "tanh") == 0;
    if ((a && a->type != OC_ATTR_STRING) ||
        (!tanh_form && strcmp(approximate, "none") != 0))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (Gelu-%d): attribute 'approximate' must "
                        "be the string \"none\" or \"tanh\", got %s%s%s",
                        node->label, node->op_version,
                        a->type == OC_ATTR_STRING ? "\"" : "",
                        a->type == OC_ATTR_STRING ? a->s : "a non-string",
                        a->type == OC_ATTR_STRING ? "\"" : "");
    return oc_unary_prepare(ctx, attrs,
                         tanh_form ? gelu_tanh_float : gelu_erf_float,
                         tanh_form ? gelu_tanh_double : gelu_erf_double,
                         params);
}

static const int gelu_versions[] = {20, 0};

const oc_op oc_op_gelu = {
    .domain = "",
    .op_type = "Gelu",
    .versions = gelu_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = UNARY_TYPES,
    .prepare = gelu_prepare,
    .infer = oc_unary_infer,
    .run = oc_unary_run,
};
