/*
 * sequence_at.c - SequenceAt: the tensor at position of a sequence
 * (negative counts from the back) (version 11). The output is the
 * tensor where the sequence holds it: nothing is copied.
 */
#include "ops/sequence/sequence.h"
#include "ops/common/op_util.h"
#include "runtime/core/status.h"

static onnxc_status *sequence_at_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const none[] = {NULL};
    *params = NULL;
    return oc_check_attrs(ctx->node, none);
}

static onnxc_status *sequence_at_infer(const oc_infer_ctx *ctx)
{
    onnxc_status *err;
    if ((err = oc_seq_expect(ctx, 0, ONNXC_KIND_SEQUENCE)) ||
        (err = oc_seq_check_position(ctx, 1)))
        return err;
    ctx->out[0]->dtype = ctx->in[0]->dtype;
    ctx->out[0]->shape = ctx->in[0]->shape;
    if (ctx->concrete)
        ctx->out[0]->shape.rank = 0;   /* the run gives it (owns_outputs) */
    return NULL;
}

static onnxc_status *sequence_at_run(const oc_run_ctx *ctx)
{
    const oc_sequence *in;
    size_t pos;
    onnxc_status *err = oc_seq_input(ctx, 0, &in);
    if (err || (err = oc_seq_position(ctx, 1, in->count, false, &pos)))
        return err;
    *ctx->out[0] = in->items[pos];
    return NULL;
}

static const int sequence_at_versions[] = {11, 0};

const oc_op oc_op_sequence_at = {
    .domain = "",
    .op_type = "SequenceAt",
    .versions = sequence_at_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .no_fold = true, .data_dependent = true, .owns_outputs = true, .any_kind = true,
    .types = OC_DATA_TYPES,
    .prepare = sequence_at_prepare,
    .infer = sequence_at_infer,
    .run = sequence_at_run,
};
