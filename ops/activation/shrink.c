/*
 * shrink.c - Shrink: y = x + bias where x < -lambd, x - bias where
 * x > lambd, else 0, elementwise (version 9). lambd (0.5) and bias (0)
 * are float32 attributes. The spec allows every numeric type; onnxc runs
 * float and double and refuses the integer types for now.
 */
#include "ops/common/unary.h"

UNARY_LOOPS(shrink, y = x < -(real)p->alpha  ? x + (real)p->beta
                        : x > (real)p->alpha ? x - (real)p->beta
                                             : (real)0)

static onnxc_status *shrink_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const attrs[] = {"lambd", "bias", NULL};
    onnxc_status *err = oc_unary_prepare(ctx, attrs, shrink_float,
                                         shrink_double, params);
    if (err)
        return err;
    unary_params *p = *params;
    if ((err = oc_attr_float(ctx->node, "lambd", 0.5f, &p->alpha)))
        return err;
    return oc_attr_float(ctx->node, "bias", 0.0f, &p->beta);
}

static const int shrink_versions[] = {9, 0};

const oc_op oc_op_shrink = {
    .domain = "",
    .op_type = "Shrink",
    .versions = shrink_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = UNARY_TYPES,
    .prepare = shrink_prepare,
    .infer = oc_unary_infer,
    .run = oc_unary_run,
};
