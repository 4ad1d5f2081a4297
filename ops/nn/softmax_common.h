/*
 * softmax_common.h - what Softmax, LogSoftmax and Hardmax share: the attribute,
 * the shape checks and the kernels (see softmax_common.c).
 */
#ifndef ONNXC_SOFTMAX_COMMON_H
#define ONNXC_SOFTMAX_COMMON_H

#include "ops/common/op_util.h"
#include "ops/kernels/vec_exp.h"

typedef enum softmax_kind {
    SOFTMAX_EXP,  /* Softmax: exp(x - max) / sum */
    SOFTMAX_LOG,  /* LogSoftmax: x - max - log(sum) */
    SOFTMAX_HARD  /* Hardmax: 1 at the first maximum, 0 elsewhere */
} softmax_kind;

typedef struct softmax_params {
    softmax_kind kind;
    int64_t axis;    /* the attribute, before normalizing against the rank */
    /* Version 13 and later normalize along the one axis; earlier versions
     * over all dims from the axis on (the input coerced to 2-D). */
    bool per_axis;
    vec_isa isa;     /* the vector loops the session's kernels allow */
} softmax_params;

/* Parses the axis attribute for either operator. */
onnxc_status *oc_softmax_prepare(const oc_prepare_ctx *ctx,
                              softmax_kind kind, void **params);
onnxc_status *oc_softmax_infer(const oc_infer_ctx *ctx);
/* Running along an axis that is not the last one needs two doubles of
 * scratch per position after the axis. */
size_t oc_softmax_workspace(const oc_run_ctx *ctx);
onnxc_status *oc_softmax_run(const oc_run_ctx *ctx);

#endif
