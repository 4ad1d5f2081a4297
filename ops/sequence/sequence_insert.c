/*
 * sequence_insert.c - SequenceInsert: the input sequence with a copy of
 * tensor inserted at position (default: the end; negative counts from
 * the back) (version 11).
 */
#include <string.h>

#include "ops/sequence/sequence.h"
#include "ops/common/op_util.h"
#include "runtime/core/status.h"

static onnxc_status *sequence_insert_prepare(const oc_prepare_ctx *ctx,
                                             void **params)
{
    static const char *const none[] = {NULL};
    *params = NULL;
    return oc_check_attrs(ctx->node, none);
}

static onnxc_status *sequence_insert_infer(const oc_infer_ctx *ctx)
{
    onnxc_status *err;
    if ((err = oc_seq_expect(ctx, 0, ONNXC_KIND_SEQUENCE)) ||
        (err = oc_seq_expect(ctx, 1, ONNXC_KIND_TENSOR)) ||
        (ctx->in[2] && (err = oc_seq_check_position(ctx, 2))))
        return err;
    if (ctx->in[1]->dtype != ctx->in[0]->dtype)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (SequenceInsert): a tensor of %s into a "
                        "sequence of %s",
                        ctx->node->label, onnxc_dtype_name(ctx->in[1]->dtype),
                        onnxc_dtype_name(ctx->in[0]->dtype));
    oc_shape shape = ctx->in[0]->shape;
    oc_shape_merge(&shape, &ctx->in[1]->shape);
    oc_seq_type(ctx, 0, ctx->in[0]->dtype, &shape);
    return NULL;
}

static onnxc_status *sequence_insert_run(const oc_run_ctx *ctx)
{
    oc_seq_state *st = ctx->state;
    const oc_sequence *in;
    const oc_tensor *x = ctx->in[1];
    size_t pos, bytes, n;
    onnxc_status *err = oc_seq_input(ctx, 0, &in);
    if (err)
        return err;
    n = in->count;
    pos = n;
    if (ctx->in[2] && (err = oc_seq_position(ctx, 2, n, true, &pos)))
        return err;
    oc_tensor_bytes(x->dtype, x->dims, x->rank, &bytes);
    if ((err = oc_seq_reserve(ctx, st, n + 1, bytes ? bytes : 1)))
        return err;
    /* in is never this node's own sequence (a Loop carries copies of what
     * its body gives): its descriptions are taken as they are. */
    if (pos)
        memcpy(st->items, in->items, pos * sizeof *st->items);
    if (n > pos)
        memcpy(st->items + pos + 1, in->items + pos,
               (n - pos) * sizeof *st->items);
    st->items[pos] = *x;
    st->items[pos].data = st->copies.data;
    if (bytes)
        memcpy(st->copies.data, x->data, bytes);
    st->seq.count = n + 1;
    oc_seq_output(ctx, 0, st, x->dtype);
    return NULL;
}

static const int sequence_insert_versions[] = {11, 0};

const oc_op oc_op_sequence_insert = {
    .domain = "",
    .op_type = "SequenceInsert",
    .versions = sequence_insert_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 3,
    .min_outputs = 1, .max_outputs = 1,
    .no_fold = true, .data_dependent = true, .owns_outputs = true, .any_kind = true,
    .types = OC_DATA_TYPES,
    .prepare = sequence_insert_prepare,
    .infer = sequence_insert_infer,
    .run = sequence_insert_run,
    .state_new = oc_seq_state_new,
    .state_free = oc_seq_state_free,
};
