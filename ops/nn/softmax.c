/*
 * softmax.c - Softmax: y = exp(x - max) / sum(exp(x - max)) over each row
 * (versions 1, 11, 13).
 *
 * Versions 1 and 11 take the rows of the input coerced to 2-D at `axis`
 * (default 1); 13 normalizes along `axis` alone (default -1). The kernels,
 * and what the spec leaves open (negative axes in version 1, rows of
 * infinities), are in softmax_common.c.
 */
#include "ops/nn/softmax_common.h"

static onnxc_status *softmax_op_prepare(const oc_prepare_ctx *ctx, void **params)
{
    return oc_softmax_prepare(ctx, SOFTMAX_EXP, params);
}

static const int softmax_versions[] = {1, 11, 13, 0};

const oc_op oc_op_softmax = {
    .domain = "",
    .op_type = "Softmax",
    .versions = softmax_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = "float, double",
    .prepare = softmax_op_prepare,
    .infer = oc_softmax_infer,
    .workspace = oc_softmax_workspace,
    .run = oc_softmax_run,
};
