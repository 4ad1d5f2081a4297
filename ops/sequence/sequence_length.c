/*
 * sequence_length.c - SequenceLength: how many tensors a sequence holds,
 * an int64 scalar (version 11).
 */
#include <string.h>

#include "ops/sequence/sequence.h"
#include "ops/common/op_util.h"
#include "runtime/core/status.h"

static onnxc_status *sequence_length_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const none[] = {NULL};
    *params = NULL;
    return oc_check_attrs(ctx->node, none);
}

static onnxc_status *sequence_length_infer(const oc_infer_ctx *ctx)
{
    onnxc_status *err = oc_seq_expect(ctx, 0, ONNXC_KIND_SEQUENCE);
    if (err)
        return err;
    ctx->out[0]->dtype = ONNXC_INT64;
    ctx->out[0]->shape.rank = 0;
    return NULL;
}

static onnxc_status *sequence_length_run(const oc_run_ctx *ctx)
{
    const oc_sequence *in;
    onnxc_status *err = oc_seq_input(ctx, 0, &in);
    if (err)
        return err;
    int64_t n = (int64_t)in->count;
    memcpy(ctx->out[0]->data, &n, sizeof n);
    return NULL;
}

static const int sequence_length_versions[] = {11, 0};

const oc_op oc_op_sequence_length = {
    .domain = "",
    .op_type = "SequenceLength",
    .versions = sequence_length_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .no_fold = true, .any_kind = true,
    .types = OC_DATA_TYPES,
    .prepare = sequence_length_prepare,
    .infer = sequence_length_infer,
    .run = sequence_length_run,
};
