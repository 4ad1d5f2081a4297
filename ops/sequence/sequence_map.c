/*
 * sequence_map.c - SequenceMap: runs its body once per position of its
 * input sequence, giving the body that position's tensor of every
 * sequence input (which must be as long) and every tensor input as it is,
 * and gathers each body output into a sequence (version 17).
 */
#include <stdlib.h>
#include <string.h>

#include "ops/sequence/sequence.h"
#include "ops/common/op_util.h"
#include "runtime/core/status.h"

typedef struct map_params {
    int body;             /* attribute index */
} map_params;

typedef struct map_state {
    oc_body body;
    oc_seq_state *out;    /* per output: the sequence it gathers */
    size_t *used;         /* per output: bytes of copies so far */
    int n_out;
    size_t limit;
} map_state;

static onnxc_status *sequence_map_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const names[] = {"body", NULL};
    const oc_node *n = ctx->node;
    onnxc_status *err = oc_check_attrs(n, names);
    map_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (err)
        return err;
    if (!p)
        return oc_no_memory();
    if ((err = oc_body_attr(n, "body", &p->body)))
        return err;
    *params = p;
    return NULL;
}

static int explicit_inputs(const oc_node *n)
{
    return n->n_inputs - n->n_implicit;
}

static onnxc_status *sequence_map_infer(const oc_infer_ctx *ctx)
{
    const map_params *p = ctx->params;
    const oc_node *n = ctx->node;
    const oc_graph *body = n->attrs[p->body].g;
    onnxc_status *err = oc_seq_expect(ctx, 0, ONNXC_KIND_SEQUENCE);
    if (err)
        return err;
    int formal = body->n_inputs - body->n_captured;
    if (formal != explicit_inputs(n) || body->n_outputs != n->n_outputs)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (SequenceMap): %d inputs and %d outputs "
                        "need a body of as many; it has %d and %d",
                        n->label, explicit_inputs(n), n->n_outputs, formal,
                        body->n_outputs);
    for (int k = 0; k < explicit_inputs(n); k++)
        if (!ctx->in[k])
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "node '%s' (SequenceMap): input %d is omitted",
                            n->label, k);
        else if (ctx->in[k]->kind == ONNXC_KIND_OPTIONAL)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "node '%s' (SequenceMap): input %d is an optional; "
                            "it takes sequences and tensors",
                            n->label, k);
    for (int k = 0; k < n->n_outputs; k++) {
        oc_type row;
        oc_body_value_type(body, body->outputs[k], &row);
        if (row.kind != ONNXC_KIND_TENSOR)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "node '%s' (SequenceMap): body output %d is %s; "
                            "it gathers tensors",
                            n->label, k, oc_kind_name(row.kind));
        oc_seq_type(ctx, k, row.dtype, &row.shape);
    }
    return NULL;
}

static bool sequence_map_body_input(const oc_node *node, int attr, int j,
                                    const oc_type *const *in, oc_type *type)
{
    (void)attr;
    if (j >= explicit_inputs(node) || !in[j])
        return false;
    type->kind = type->elem_kind = ONNXC_KIND_TENSOR;
    type->dtype = in[j]->dtype;
    type->shape = in[j]->shape;
    return true;
}

static void map_state_free(void *state)
{
    map_state *st = state;
    oc_body_close(&st->body);
    for (int k = 0; st->out && k < st->n_out; k++) {
        free(st->out[k].items);
        oc_held_free_one(&st->out[k].copies);
    }
    free(st->out);
    free(st->used);
    free(st);
}

static onnxc_status *map_state_new(const oc_state_ctx *ctx, void **state)
{
    const map_params *p = ctx->params;
    map_state *st = calloc(1, sizeof *st);
    if (!st)
        return oc_no_memory();
    st->n_out = ctx->node->n_outputs;
    st->limit = ctx->arena_limit;
    st->out = calloc((size_t)st->n_out + 1, sizeof *st->out);
    st->used = calloc((size_t)st->n_out + 1, sizeof *st->used);
    onnxc_status *err = st->out && st->used ? oc_body_open(ctx, p->body, &st->body)
                                            : oc_no_memory();
    for (int k = 0; !err && k < st->n_out; k++)
        st->out[k].limit = ctx->arena_limit;
    if (err) {
        map_state_free(st);
        return err;
    }
    *state = st;
    return NULL;
}

/* Appends a copy of t as tensor i of output k, its contents after the
 * ones before (at a 64-byte boundary). The buffer may move as it grows:
 * data holds the offset until the run has gathered all. */
static onnxc_status *gather(const oc_run_ctx *ctx, map_state *st, int k,
                            size_t i, const oc_tensor *t)
{
    oc_seq_state *out = &st->out[k];
    size_t bytes, *used = &st->used[k];
    if (t->seq || t->none)
        return oc_run_error(ctx, "body output %d is not a tensor", k);
    oc_tensor_bytes(t->dtype, t->dims, t->rank, &bytes);
    if (oc_align64(bytes) >= SIZE_MAX - *used)
        return oc_run_error(ctx, "output %d overflows memory", k);
    onnxc_status *err = oc_seq_reserve(ctx, out, i + 1, 0);
    if (!err)
        err = oc_held_reserve(ctx, &out->copies, *used + oc_align64(bytes) + 1,
                              st->limit);
    if (err)
        return err;
    out->items[i] = *t;
    out->items[i].data = (void *)(uintptr_t)*used;
    if (bytes)
        memcpy((unsigned char *)out->copies.data + *used, t->data, bytes);
    *used += oc_align64(bytes);
    return NULL;
}

static onnxc_status *sequence_map_run(const oc_run_ctx *ctx)
{
    map_state *st = ctx->state;
    const oc_node *n = ctx->node;
    const oc_sequence *first;
    onnxc_status *err = oc_seq_input(ctx, 0, &first);
    if (err)
        return err;
    size_t len = first->count;
    for (int k = 1; k < explicit_inputs(n); k++)
        if (ctx->in[k]->seq && ctx->in[k]->seq->count != len)
            return oc_run_error(ctx, "input %d holds %zu tensors, input 0 %zu: "
                                "the sequences must be as long",
                                k, ctx->in[k]->seq->count, len);
    for (int k = 0; k < n->n_outputs; k++)
        st->used[k] = 0;
    for (size_t i = 0; !err && i < len; i++) {
        for (int k = 0; !err && k < explicit_inputs(n); k++) {
            const oc_tensor *x = ctx->in[k];
            err = oc_body_bind(ctx, &st->body, k, x->seq ? &x->seq->items[i] : x);
        }
        if (!err)
            err = oc_body_run(ctx, &st->body);
        for (int k = 0; !err && k < n->n_outputs; k++) {
            const oc_tensor *y;
            if (!(err = oc_body_output(ctx, &st->body, k, &y)))
                err = gather(ctx, st, k, i, y);
        }
    }
    for (int k = 0; !err && k < n->n_outputs; k++) {
        oc_seq_state *out = &st->out[k];
        if ((err = oc_seq_reserve(ctx, out, 1, 1)))
            break;
        for (size_t i = 0; i < len; i++)
            out->items[i].data = (unsigned char *)out->copies.data +
                                 (uintptr_t)out->items[i].data;
        out->seq.count = len;
        const oc_graph *body = st->body.program;
        oc_seq_output(ctx, k, out, body->values[body->outputs[k]].dtype);
    }
    return err;
}

static const int sequence_map_versions[] = {17, 0};

const oc_op oc_op_sequence_map = {
    .domain = "",
    .op_type = "SequenceMap",
    .versions = sequence_map_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = OC_VARIADIC,
    .min_outputs = 1, .max_outputs = OC_VARIADIC,
    .no_fold = true, .data_dependent = true, .owns_outputs = true, .any_kind = true,
    .types = OC_DATA_TYPES,
    .prepare = sequence_map_prepare,
    .infer = sequence_map_infer,
    .run = sequence_map_run,
    .state_new = map_state_new,
    .state_free = map_state_free,
    .body_input = sequence_map_body_input,
};
