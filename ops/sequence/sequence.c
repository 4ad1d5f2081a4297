/* sequence.c - the sequences nodes hold (sequence.h). */
#include <stdlib.h>
#include <string.h>

#include "ops/sequence/sequence.h"
#include "ops/common/op_util.h"
#include "runtime/core/big_alloc.h"
#include "runtime/core/status.h"

onnxc_status *oc_seq_state_new(const oc_state_ctx *ctx, void **state)
{
    oc_seq_state *st = calloc(1, sizeof *st);
    if (!st)
        return oc_no_memory();
    st->limit = ctx->arena_limit;
    *state = st;
    return NULL;
}

void oc_seq_state_free(void *state)
{
    oc_seq_state *st = state;
    free(st->items);
    free(st->copies.data);
    free(st->copies.meta);
    free(st);
}

onnxc_status *oc_seq_reserve(const oc_run_ctx *ctx, oc_seq_state *st, size_t n,
                             size_t bytes)
{
    if (n > st->cap) {
        size_t cap = n < 8 ? 8 : n > SIZE_MAX / 2 ? n : 2 * n;
        if (cap > SIZE_MAX / sizeof(oc_tensor) ||
            (st->limit && cap * sizeof(oc_tensor) > st->limit))
            return oc_run_error(ctx, "a sequence of %zu tensors is more than "
                                "the session's memory limit allows", n);
        oc_tensor *items = calloc(cap, sizeof *items);
        if (!items)
            return oc_error(ONNXC_ERR_NO_MEMORY, "node '%s': cannot allocate "
                            "a sequence of %zu tensors", ctx->node->label, n);
        if (st->cap)
            memcpy(items, st->items, st->cap * sizeof *items);
        free(st->items);
        st->items = items;
        st->cap = cap;
    }
    /* never NULL: tensors of no bytes still get an address */
    return oc_held_reserve(ctx, &st->copies, bytes ? bytes : 1, st->limit);
}

void oc_seq_output(const oc_run_ctx *ctx, int k, oc_seq_state *st,
                   onnxc_dtype dtype)
{
    oc_tensor *y = ctx->out[k];
    st->seq.items = st->items;
    if (!y)
        return;
    memset(y, 0, sizeof *y);
    y->dtype = dtype;
    y->seq = &st->seq;
}

onnxc_status *oc_seq_position(const oc_run_ctx *ctx, int k, size_t n, bool end,
                              size_t *pos)
{
    const oc_tensor *t = ctx->in[k];
    int64_t p;
    if (oc_tensor_count(t) != 1)
        return oc_run_error(ctx, "position must hold one element; it has %zu",
                            oc_tensor_count(t));
    if (t->dtype == ONNXC_INT32) {
        int32_t v;
        memcpy(&v, t->data, sizeof v);
        p = v;
    } else {
        memcpy(&p, t->data, sizeof p);
    }
    int64_t len = (int64_t)n, hi = end ? len : len - 1;
    if (p < -len || p > hi)
        return oc_run_error(ctx, "position %lld is out of range for a sequence "
                            "of %zu tensors (valid: [%lld, %lld])",
                            (long long)p, n, (long long)-len, (long long)hi);
    *pos = (size_t)(p < 0 ? p + len : p);
    return NULL;
}

onnxc_status *oc_seq_input(const oc_run_ctx *ctx, int k, const oc_sequence **seq)
{
    const oc_tensor *t = ctx->in[k];
    *seq = t ? t->seq : NULL;
    if (!*seq)
        return oc_run_error(ctx, "input %d is %s, not a sequence", k,
                            t && t->none ? "none" : "a tensor");
    return NULL;
}

onnxc_status *oc_seq_expect(const oc_infer_ctx *ctx, int k, onnxc_kind kind)
{
    const oc_type *t = ctx->in[k];
    if (!t)   /* an empty name: only trailing ones are dropped */
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (%s-%d): input %d is omitted; it must be %s",
                        ctx->node->label, ctx->node->op_type,
                        ctx->node->op_version, k, oc_kind_name(kind));
    if (t->kind == kind)
        return NULL;
    return oc_error(ONNXC_ERR_INVALID_MODEL,
                    "node '%s' (%s-%d): input %d is %s; it must be %s",
                    ctx->node->label, ctx->node->op_type,
                    ctx->node->op_version, k, oc_kind_name(t->kind),
                    oc_kind_name(kind));
}

onnxc_status *oc_seq_check_position(const oc_infer_ctx *ctx, int k)
{
    const oc_type *t = ctx->in[k];
    onnxc_status *err = oc_seq_expect(ctx, k, ONNXC_KIND_TENSOR);
    if (err)
        return err;
    if (t->dtype != ONNXC_INT32 && t->dtype != ONNXC_INT64)
        return oc_bad_dtype(ctx->node, "position", t->dtype, "int32, int64");
    return NULL;
}

void oc_seq_type(const oc_infer_ctx *ctx, int k, onnxc_dtype dtype,
                 const oc_shape *shape)
{
    oc_type *y = ctx->out[k];
    y->kind = y->elem_kind = ONNXC_KIND_SEQUENCE;
    y->dtype = dtype;
    if (shape)
        y->shape = *shape;
    else
        y->shape.rank = -1;
    if (ctx->concrete)
        y->shape.rank = 0;
}
