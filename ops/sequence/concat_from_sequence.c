/*
 * concat_from_sequence.c - ConcatFromSequence: the tensors of a sequence
 * joined along axis, or (new_axis 1) stacked along a new axis at axis
 * (version 11). The tensors must agree in every other dim; a sequence of
 * none has nothing to join and is refused at run time.
 */
#include <stdlib.h>
#include <string.h>

#include "ops/sequence/sequence.h"
#include "ops/common/op_util.h"
#include "runtime/core/status.h"

typedef struct concat_params {
    int64_t axis, new_axis;
} concat_params;

typedef struct concat_state {
    oc_held out;
    size_t limit;
} concat_state;

static onnxc_status *concat_from_sequence_prepare(const oc_prepare_ctx *ctx,
                                                  void **params)
{
    static const char *const names[] = {"axis", "new_axis", NULL};
    concat_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    onnxc_status *err = oc_check_attrs(ctx->node, names);
    if (err || (err = oc_attr_int(ctx->node, "axis", INT64_MIN, &p->axis)) ||
        (err = oc_attr_int(ctx->node, "new_axis", 0, &p->new_axis)))
        return err;
    if (p->axis == INT64_MIN || (p->new_axis != 0 && p->new_axis != 1))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (ConcatFromSequence): needs attribute axis, "
                        "and new_axis 0 or 1",
                        ctx->node->label);
    *params = p;
    return NULL;
}

static onnxc_status *concat_from_sequence_infer(const oc_infer_ctx *ctx)
{
    const concat_params *p = ctx->params;
    const oc_type *s = ctx->in[0];
    onnxc_status *err = oc_seq_expect(ctx, 0, ONNXC_KIND_SEQUENCE);
    int axis;
    if (err)
        return err;
    oc_type *y = ctx->out[0];
    y->dtype = s->dtype;
    y->shape.rank = ctx->concrete ? 0 : -1;   /* owns_outputs: the run gives it */
    if (!ctx->concrete && s->shape.rank >= 0) {
        int rank = s->shape.rank + (int)p->new_axis;
        if (rank > ONNXC_MAX_RANK)
            return oc_error(ONNXC_ERR_UNSUPPORTED,
                            "node '%s' (ConcatFromSequence): rank %d is above "
                            "the maximum %d",
                            ctx->node->label, rank, ONNXC_MAX_RANK);
        if ((err = oc_axis(ctx->node, p->axis, rank, false, &axis)))
            return err;
        y->shape.rank = rank;
        for (int d = 0; d < rank; d++)
            y->shape.dims[d] = d == axis ? dim_unknown()
                               : s->shape.dims[d - (p->new_axis && d > axis)];
    }
    return NULL;
}

static onnxc_status *concat_state_new(const oc_state_ctx *ctx, void **state)
{
    concat_state *st = calloc(1, sizeof *st);
    if (!st)
        return oc_no_memory();
    st->limit = ctx->arena_limit;
    *state = st;
    return NULL;
}

static void concat_state_free(void *state)
{
    concat_state *st = state;
    free(st->out.data);
    free(st);
}

static onnxc_status *concat_from_sequence_run(const oc_run_ctx *ctx)
{
    const concat_params *p = ctx->params;
    concat_state *st = ctx->state;
    const oc_sequence *in;
    onnxc_status *err = oc_seq_input(ctx, 0, &in);
    int axis;
    char a[128], b[128];
    if (err)
        return err;
    if (in->count == 0)
        return oc_run_error(ctx, "the sequence is empty: nothing to join");
    const oc_tensor *first = &in->items[0];
    int rank = first->rank + (int)p->new_axis;
    if (rank > ONNXC_MAX_RANK)
        return oc_run_error(ctx, "rank %d is above the maximum %d", rank,
                            ONNXC_MAX_RANK);
    if ((err = oc_axis(ctx->node, p->axis, rank, false, &axis)))
        return err;
    int64_t total = 0;
    for (size_t k = 0; k < in->count; k++) {
        const oc_tensor *t = &in->items[k];
        bool same = t->rank == first->rank;
        for (int d = 0; same && d < t->rank; d++)
            same = t->dims[d] == first->dims[d] || (!p->new_axis && d == axis);
        if (!same)
            return oc_run_error(ctx, "tensor %zu has shape %s, tensor 0 %s: they "
                                "cannot be joined along axis %d",
                                k, oc_dims_format(t->dims, t->rank, a, sizeof a),
                                oc_dims_format(first->dims, first->rank, b, sizeof b),
                                axis);
        total += p->new_axis ? 1 : t->dims[axis];
    }
    oc_tensor *y = ctx->out[0];
    memset(y, 0, sizeof *y);
    y->dtype = first->dtype;
    y->rank = rank;
    for (int d = 0; d < rank; d++)
        y->dims[d] = d == axis ? total : first->dims[d - (p->new_axis && d > axis)];
    size_t bytes, outer = 1;
    if (!oc_tensor_bytes(y->dtype, y->dims, y->rank, &bytes))
        return oc_run_error(ctx, "the joined tensor overflows memory");
    if ((err = oc_held_reserve(ctx, &st->out, bytes ? bytes : 1, st->limit)))
        return err;
    y->data = st->out.data;
    for (int d = 0; d < axis; d++)
        outer *= (size_t)y->dims[d];
    size_t row = bytes / (outer ? outer : 1), at = 0;   /* bytes of one outer row */
    for (size_t k = 0; outer && k < in->count; k++) {
        const oc_tensor *t = &in->items[k];
        size_t part;
        oc_tensor_bytes(t->dtype, t->dims, t->rank, &part);
        part /= outer;
        for (size_t o = 0; o < outer; o++)
            memcpy((unsigned char *)y->data + o * row + at,
                   (const unsigned char *)t->data + o * part, part);
        at += part;
    }
    return NULL;
}

static const int concat_from_sequence_versions[] = {11, 0};

const oc_op oc_op_concat_from_sequence = {
    .domain = "",
    .op_type = "ConcatFromSequence",
    .versions = concat_from_sequence_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .no_fold = true, .data_dependent = true, .owns_outputs = true, .any_kind = true,
    .types = OC_DATA_TYPES,
    .prepare = concat_from_sequence_prepare,
    .infer = concat_from_sequence_infer,
    .run = concat_from_sequence_run,
    .state_new = concat_state_new,
    .state_free = concat_state_free,
};
