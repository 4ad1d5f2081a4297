/*
 * hardmax.c - Hardmax: 1 at the first maximum of each row, 0 elsewhere
 * (versions 1, 11, 13); rows as Softmax takes them (coerced to 2-D at
 * `axis` before 13, along `axis` from 13). See softmax_common.c.
 */
#include "ops/nn/softmax_common.h"

static onnxc_status *hardmax_prepare(const oc_prepare_ctx *ctx, void **params)
{
    return oc_softmax_prepare(ctx, SOFTMAX_HARD, params);
}

static const int hardmax_versions[] = {1, 11, 13, 0};

const oc_op oc_op_hardmax = {
    .domain = "",
    .op_type = "Hardmax",
    .versions = hardmax_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = "float, double",
    .prepare = hardmax_prepare,
    .infer = oc_softmax_infer,
    .workspace = oc_softmax_workspace,
    .run = oc_softmax_run,
};
