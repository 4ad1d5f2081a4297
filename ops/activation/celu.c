/*
 * celu.c - Celu: y = max(0, x) + min(0, alpha * (exp(x / alpha) - 1)),
 * elementwise (version 12). alpha is a float32 attribute, 1.0 by
 * default; expm1 keeps the small negative values accurate. The spec
 * lists float only; double runs too.
 */
#include <tgmath.h>

#include "ops/common/unary.h"

UNARY_LOOPS(celu, y = x > 0 ? x : (real)p->alpha * expm1(x / (real)p->alpha))

static onnxc_status *celu_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const attrs[] = {"alpha", NULL};
    onnxc_status *err = oc_unary_prepare(ctx, attrs, celu_float, celu_double,
                                         params);
    if (err)
        return err;
    unary_params *p = *params;
    return oc_attr_float(ctx->node, "alpha", 1.0f, &p->alpha);
}

static const int celu_versions[] = {12, 0};

const oc_op oc_op_celu = {
    .domain = "",
    .op_type = "Celu",
    .versions = celu_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = UNARY_TYPES,
    .prepare = celu_prepare,
    .infer = oc_unary_infer,
    .run = oc_unary_run,
};
