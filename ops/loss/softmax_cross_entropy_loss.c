/*
 * softmax_cross_entropy_loss.c - SoftmaxCrossEntropyLoss (versions 12,
 * 13): NegativeLogLikelihoodLoss of the log-softmax of the scores over
 * the class axis, which the optional second output returns. See
 * loss_common.c.
 */
#include "ops/loss/loss_common.h"

static onnxc_status *sce_loss_prepare(const oc_prepare_ctx *ctx, void **params)
{
    return oc_loss_prepare(ctx, true, params);
}

static const int sce_loss_versions[] = {12, 13, 0};

const oc_op oc_op_softmax_cross_entropy_loss = {
    .domain = "",
    .op_type = "SoftmaxCrossEntropyLoss",
    .versions = sce_loss_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 3,
    .min_outputs = 1, .max_outputs = 2,
    .types = "float, double; labels int32, int64",
    .prepare = sce_loss_prepare,
    .infer = oc_loss_infer,
    .run = oc_loss_run,
};
