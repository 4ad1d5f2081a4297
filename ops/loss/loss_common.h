/*
 * loss_common.h - what NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss
 * share: the attributes, the shape checks, and one kernel that picks each
 * sample's log-probability at its class, weights it and reduces the
 * losses (see loss_common.c). SoftmaxCrossEntropyLoss first takes the log
 * of the softmax of its scores over the class axis.
 */
#ifndef ONNXC_LOSS_COMMON_H
#define ONNXC_LOSS_COMMON_H

#include "ops/common/op_util.h"

typedef enum loss_reduction {
    LOSS_NONE,    /* one loss per sample, the target's shape */
    LOSS_SUM,
    LOSS_MEAN     /* the sum over the sum of the samples' weights */
} loss_reduction;

typedef struct loss_params {
    loss_reduction reduction;
    bool has_ignore;          /* ignore_index is given (else none is) */
    int64_t ignore_index;
    bool softmax;             /* input 0 holds scores, not log-probabilities */
} loss_params;

onnxc_status *oc_loss_prepare(const oc_prepare_ctx *ctx, bool softmax,
                              void **params);
onnxc_status *oc_loss_infer(const oc_infer_ctx *ctx);
onnxc_status *oc_loss_run(const oc_run_ctx *ctx);

#endif
