/*
 * sequence_erase.c - SequenceErase: the input sequence without the tensor
 * at position (default: the last) (version 11).
 */
#include <string.h>

#include "ops/sequence/sequence.h"
#include "ops/common/op_util.h"
#include "runtime/core/status.h"

static onnxc_status *sequence_erase_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const none[] = {NULL};
    *params = NULL;
    return oc_check_attrs(ctx->node, none);
}

static onnxc_status *sequence_erase_infer(const oc_infer_ctx *ctx)
{
    onnxc_status *err;
    if ((err = oc_seq_expect(ctx, 0, ONNXC_KIND_SEQUENCE)) ||
        (ctx->in[1] && (err = oc_seq_check_position(ctx, 1))))
        return err;
    oc_seq_type(ctx, 0, ctx->in[0]->dtype, &ctx->in[0]->shape);
    return NULL;
}

static onnxc_status *sequence_erase_run(const oc_run_ctx *ctx)
{
    oc_seq_state *st = ctx->state;
    const oc_sequence *in;
    size_t pos;
    onnxc_status *err = oc_seq_input(ctx, 0, &in);
    if (err)
        return err;
    if (in->count == 0)
        return oc_run_error(ctx, "the sequence is empty: nothing to erase");
    pos = in->count - 1;
    if ((ctx->in[1] && (err = oc_seq_position(ctx, 1, in->count, false, &pos))) ||
        (err = oc_seq_reserve(ctx, st, in->count, 0)))
        return err;
    if (pos)
        memcpy(st->items, in->items, pos * sizeof *st->items);
    if (in->count > pos + 1)
        memcpy(st->items + pos, in->items + pos + 1,
               (in->count - pos - 1) * sizeof *st->items);
    st->seq.count = in->count - 1;
    oc_seq_output(ctx, 0, st, ctx->in[0]->dtype);
    return NULL;
}

static const int sequence_erase_versions[] = {11, 0};

const oc_op oc_op_sequence_erase = {
    .domain = "",
    .op_type = "SequenceErase",
    .versions = sequence_erase_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .no_fold = true, .data_dependent = true, .owns_outputs = true, .any_kind = true,
    .types = OC_DATA_TYPES,
    .prepare = sequence_erase_prepare,
    .infer = sequence_erase_infer,
    .run = sequence_erase_run,
    .state_new = oc_seq_state_new,
    .state_free = oc_seq_state_free,
};
