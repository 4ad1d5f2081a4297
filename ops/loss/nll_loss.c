/*
 * nll_loss.c - NegativeLogLikelihoodLoss (versions 12, 13): the negative
 * of input[n, target[n, d...], d...] per sample, weighted by class,
 * reduced by none, sum or mean. See loss_common.c.
 */
#include "ops/loss/loss_common.h"

static onnxc_status *nll_loss_prepare(const oc_prepare_ctx *ctx, void **params)
{
    return oc_loss_prepare(ctx, false, params);
}

static const int nll_loss_versions[] = {12, 13, 0};

const oc_op oc_op_nll_loss = {
    .domain = "",
    .op_type = "NegativeLogLikelihoodLoss",
    .versions = nll_loss_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 3,
    .min_outputs = 1, .max_outputs = 1,
    .types = "float, double; target int32, int64",
    .prepare = nll_loss_prepare,
    .infer = oc_loss_infer,
    .run = oc_loss_run,
};
