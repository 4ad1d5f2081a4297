/*
 * sequence_construct.c - SequenceConstruct: a sequence of copies of its
 * inputs, tensors of one element type (version 11).
 */
#include <string.h>

#include "ops/sequence/sequence.h"
#include "ops/common/op_util.h"
#include "runtime/core/status.h"

static onnxc_status *sequence_construct_prepare(const oc_prepare_ctx *ctx,
                                                void **params)
{
    static const char *const none[] = {NULL};
    *params = NULL;
    return oc_check_attrs(ctx->node, none);
}

static onnxc_status *sequence_construct_infer(const oc_infer_ctx *ctx)
{
    oc_shape shape = ctx->in[0]->shape;
    onnxc_status *err;
    for (int k = 0; k < ctx->n_in; k++) {
        if ((err = oc_seq_expect(ctx, k, ONNXC_KIND_TENSOR)))
            return err;
        if (ctx->in[k]->dtype != ctx->in[0]->dtype)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "node '%s' (SequenceConstruct): input %d is %s, "
                            "input 0 %s: a sequence holds one element type",
                            ctx->node->label, k,
                            onnxc_dtype_name(ctx->in[k]->dtype),
                            onnxc_dtype_name(ctx->in[0]->dtype));
        oc_shape_merge(&shape, &ctx->in[k]->shape);
    }
    if (!oc_dtype_has_size(ctx->in[0]->dtype))
        return oc_bad_dtype(ctx->node, "inputs", ctx->in[0]->dtype, OC_DATA_TYPES);
    oc_seq_type(ctx, 0, ctx->in[0]->dtype, &shape);
    return NULL;
}

static onnxc_status *sequence_construct_run(const oc_run_ctx *ctx)
{
    oc_seq_state *st = ctx->state;
    size_t total = 0, bytes;
    for (int k = 0; k < ctx->n_in; k++) {
        oc_tensor_bytes(ctx->in[k]->dtype, ctx->in[k]->dims, ctx->in[k]->rank, &bytes);
        if (oc_align64(bytes) > SIZE_MAX - total)
            return oc_run_error(ctx, "its inputs overflow memory");
        total += oc_align64(bytes);
    }
    onnxc_status *err = oc_seq_reserve(ctx, st, (size_t)ctx->n_in, total);
    if (err)
        return err;
    unsigned char *at = st->copies.data;
    for (int k = 0; k < ctx->n_in; k++) {
        const oc_tensor *x = ctx->in[k];
        oc_tensor_bytes(x->dtype, x->dims, x->rank, &bytes);
        st->items[k] = *x;
        st->items[k].data = at;
        if (bytes)
            memcpy(at, x->data, bytes);
        at += oc_align64(bytes);
    }
    st->seq.count = (size_t)ctx->n_in;
    oc_seq_output(ctx, 0, st, ctx->in[0]->dtype);
    return NULL;
}

static const int sequence_construct_versions[] = {11, 0};

const oc_op oc_op_sequence_construct = {
    .domain = "",
    .op_type = "SequenceConstruct",
    .versions = sequence_construct_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = OC_VARIADIC,
    .min_outputs = 1, .max_outputs = 1,
    .no_fold = true, .data_dependent = true, .owns_outputs = true, .any_kind = true,
    .types = OC_DATA_TYPES,
    .prepare = sequence_construct_prepare,
    .infer = sequence_construct_infer,
    .run = sequence_construct_run,
    .state_new = oc_seq_state_new,
    .state_free = oc_seq_state_free,
};
