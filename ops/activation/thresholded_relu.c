/*
 * thresholded_relu.c - ThresholdedRelu: y = x where x > alpha, else 0,
 * elementwise (version 10). alpha is a float32 attribute, 1.0 by default;
 * NaN gives 0 (NaN > alpha is false).
 */
#include "ops/common/unary.h"

UNARY_LOOPS(thresholded_relu, y = x > (real)p->alpha ? x : (real)0)

static onnxc_status *thresholded_relu_prepare(const oc_prepare_ctx *ctx,
                                              void **params)
{
    static const char *const attrs[] = {"alpha", NULL};
    onnxc_status *err = oc_unary_prepare(ctx, attrs, thresholded_relu_float,
                                         thresholded_relu_double, params);
    if (err)
        return err;
    unary_params *p = *params;
    return oc_attr_float(ctx->node, "alpha", 1.0f, &p->alpha);
}

static const int thresholded_relu_versions[] = {10, 0};

const oc_op oc_op_thresholded_relu = {
    .domain = "",
    .op_type = "ThresholdedRelu",
    .versions = thresholded_relu_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = UNARY_TYPES,
    .prepare = thresholded_relu_prepare,
    .infer = oc_unary_infer,
    .run = oc_unary_run,
};
