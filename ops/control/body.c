/* body.c - the sessions of subgraphs, and memory a node holds (body.h). */
#include <stdlib.h>
#include <string.h>

#include "ops/control/body.h"
#include "ops/common/op_util.h"
#include "runtime/core/big_alloc.h"
#include "runtime/core/status.h"

onnxc_status *oc_body_attr(const oc_node *n, const char *name, int *attr)
{
    const oc_attr *a = oc_node_attr(n, name);
    if (!a || a->type != OC_ATTR_GRAPH || !a->g)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (%s): attribute '%s' is missing or not a "
                        "graph",
                        n->label, n->op_type, name);
    *attr = (int)(a - n->attrs);
    return NULL;
}

onnxc_status *oc_body_open(const oc_state_ctx *ctx, int attr, oc_body *body)
{
    const oc_node *n = ctx->node;
    memset(body, 0, sizeof *body);
    onnxc_status *err = oc_body_session_new(ctx, attr, &body->session);
    if (err)
        return err;
    const oc_graph *p = n->bodies[attr];
    body->program = p;
    body->n_formal = p->n_inputs - p->n_captured;
    body->outer = calloc((size_t)p->n_captured + 1, sizeof *body->outer);
    if (!body->outer)
        return oc_no_memory();
    for (int j = 0; j < p->n_captured; j++) {
        const char *name = p->values[p->inputs[body->n_formal + j]].name;
        body->outer[j] = -1;
        for (int k = n->n_inputs - n->n_implicit; k < n->n_inputs; k++)
            if (strcmp(n->input_names[k], name) == 0)
                body->outer[j] = k;
        if (body->outer[j] < 0)   /* capture_outer gave the node each one */
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "node '%s': its subgraph reads '%s', which the "
                            "node does not pass",
                            n->label, name);
    }
    return NULL;
}

void oc_body_close(oc_body *body)
{
    onnxc_session_free(body->session);
    free(body->outer);
    memset(body, 0, sizeof *body);
}

/* "node 'x' (Loop-16)", for prefixing what the body says. */
static onnxc_status *name_node(const oc_run_ctx *ctx, onnxc_status *err)
{
    return err ? oc_error_wrap(err, "node '%s' (%s-%d)", ctx->node->label,
                               ctx->node->op_type, ctx->node->op_version)
               : NULL;
}

onnxc_status *oc_body_bind(const oc_run_ctx *ctx, oc_body *body, int input,
                           const oc_tensor *t)
{
    return name_node(ctx, oc_session_bind_value(body->session, (size_t)input, t));
}

onnxc_status *oc_body_run(const oc_run_ctx *ctx, oc_body *body)
{
    onnxc_status *err;
    for (int j = 0; j < body->program->n_captured; j++)
        if ((err = oc_body_bind(ctx, body, body->n_formal + j,
                                ctx->in[body->outer[j]])))
            return err;
    return name_node(ctx, onnxc_session_run(body->session));
}

onnxc_status *oc_body_output(const oc_run_ctx *ctx, oc_body *body, int j,
                             const oc_tensor **t)
{
    *t = oc_session_output_value(body->session, (size_t)j);
    return *t ? NULL : oc_run_error(ctx, "its body gave no output %d", j);
}

onnxc_status *oc_body_tensor(const oc_run_ctx *ctx, oc_body *body, int j,
                             onnxc_tensor_view *view)
{
    const oc_tensor *t;
    onnxc_status *err = oc_body_output(ctx, body, j, &t);
    if (err)
        return err;
    if (t->seq || t->none)
        return oc_run_error(ctx, "body output %d is %s; a tensor is needed "
                            "here", j, t->seq ? "a sequence" : "none");
    *view = oc_view_of(t);
    return NULL;
}

onnxc_status *oc_held_reserve(const oc_run_ctx *ctx, oc_held *h, size_t bytes,
                              size_t limit)
{
    if (bytes <= h->cap && h->data)
        return NULL;
    if (limit && bytes > limit)
        return oc_run_error(ctx, "its outputs need %zu bytes, above the "
                            "session's limit of %zu", bytes, limit);
    size_t cap = h->cap > SIZE_MAX / 2 ? SIZE_MAX : 2 * h->cap;
    if (cap < bytes)
        cap = bytes;
    if (limit && cap > limit)
        cap = limit;
    void *data = oc_big_alloc(64, cap ? cap : 64);
    if (!data)
        return oc_error(ONNXC_ERR_NO_MEMORY, "node '%s': cannot allocate %zu "
                        "bytes for its outputs", ctx->node->label, cap);
    if (h->data && h->cap)
        memcpy(data, h->data, h->cap);
    free(h->data);
    h->data = data;
    h->cap = cap ? cap : 64;
    return NULL;
}

/* A sequence's copy: its tensors' contents one after the other (each at
 * a 64-byte boundary) in h->data, their descriptions and the sequence in
 * h->meta. */
static onnxc_status *copy_sequence(const oc_run_ctx *ctx, oc_held *h,
                                   size_t limit, const oc_sequence *seq,
                                   oc_tensor *t)
{
    size_t total = 0, bytes, n = seq->count;
    for (size_t k = 0; k < n; k++) {
        const oc_tensor *e = &seq->items[k];
        oc_tensor_bytes(e->dtype, e->dims, e->rank, &bytes);
        if (oc_align64(bytes) > SIZE_MAX - total)
            return oc_run_error(ctx, "a sequence of %zu tensors overflows "
                                "memory", n);
        total += oc_align64(bytes);
    }
    if (n > (SIZE_MAX - sizeof(oc_sequence)) / sizeof(oc_tensor))
        return oc_run_error(ctx, "a sequence of %zu tensors overflows memory", n);
    oc_held meta = {h->meta, h->meta_cap, NULL, 0};
    onnxc_status *err = oc_held_reserve(ctx, h, total, limit);
    if (!err)
        err = oc_held_reserve(ctx, &meta, sizeof(oc_sequence) + n * sizeof(oc_tensor),
                              limit);
    h->meta = meta.data;
    h->meta_cap = meta.cap;
    if (err)
        return err;
    oc_sequence *copy = h->meta;
    oc_tensor *items = (oc_tensor *)(copy + 1);
    unsigned char *at = h->data;
    for (size_t k = 0; k < n; k++) {
        const oc_tensor *e = &seq->items[k];
        oc_tensor_bytes(e->dtype, e->dims, e->rank, &bytes);
        items[k] = *e;
        items[k].data = at;
        if (bytes)
            memcpy(at, e->data, bytes);
        at += oc_align64(bytes);
    }
    copy->count = n;
    copy->items = items;
    memset(t, 0, sizeof *t);
    t->dtype = seq->count ? seq->items[0].dtype : t->dtype;
    t->seq = copy;
    return NULL;
}

onnxc_status *oc_held_copy(const oc_run_ctx *ctx, oc_held *h, size_t limit,
                           const oc_tensor *src, oc_tensor *t)
{
    if (src->none || src->seq) {
        onnxc_dtype dtype = src->dtype;
        if (src->none) {
            memset(t, 0, sizeof *t);
            t->none = true;
            t->dtype = dtype;
            return NULL;
        }
        onnxc_status *err = copy_sequence(ctx, h, limit, src->seq, t);
        t->dtype = dtype;
        return err;
    }
    onnxc_tensor_view v = oc_view_of(src);
    onnxc_status *err = oc_held_reserve(ctx, h, v.bytes, limit);
    if (err)
        return err;
    if (v.bytes)
        memcpy(h->data, v.data, v.bytes);
    memset(t, 0, sizeof *t);
    t->dtype = v.dtype;
    t->rank = v.rank;
    if (v.rank)
        memcpy(t->dims, v.dims, (size_t)v.rank * sizeof *t->dims);
    t->data = h->data;
    return NULL;
}

void oc_body_value_type(const oc_graph *sub, int v, oc_type *t)
{
    const oc_value *val = &sub->values[v];
    oc_shape *shape = &t->shape;
    t->kind = val->kind;
    t->elem_kind = val->elem_kind;
    t->dtype = val->dtype;
    *shape = val->shape;
    for (int d = 0; d < shape->rank; d++)
        if (!dim_is_known(shape->dims[d]))
            shape->dims[d] = dim_unknown();
}

void oc_shape_merge(oc_shape *into, const oc_shape *other)
{
    if (into->rank != other->rank) {
        into->rank = -1;
        return;
    }
    for (int d = 0; d < into->rank; d++)
        if (!dim_is_known(into->dims[d]) || !dim_is_known(other->dims[d]) ||
            into->dims[d].value != other->dims[d].value)
            into->dims[d] = dim_unknown();
}

onnxc_tensor_view oc_view_of(const oc_tensor *t)
{
    onnxc_tensor_view v = {.dtype = t->dtype, .rank = t->rank,
                           .dims = t->dims, .data = t->data};
    oc_tensor_bytes(t->dtype, t->dims, t->rank, &v.bytes);
    return v;
}

void oc_body_empty_row(const oc_graph *body, int j, oc_tensor *row)
{
    const oc_value *decl = &body->output_decls[j];
    bool all_known = decl->shape.rank >= 0;
    for (int d = 0; all_known && d < decl->shape.rank; d++)
        all_known = dim_is_known(decl->shape.dims[d]);
    row->dtype = body->values[body->outputs[j]].dtype;
    row->rank = all_known ? decl->shape.rank : 0;
    for (int d = 0; d < row->rank; d++)
        row->dims[d] = decl->shape.dims[d].value;
}

oc_held *oc_held_new(int n)
{
    return calloc((size_t)n + 1, sizeof(oc_held));
}

void oc_held_free_one(oc_held *h)
{
    free(h->data);
    free(h->meta);
    h->data = h->meta = NULL;
    h->cap = h->meta_cap = 0;
}

void oc_held_free(oc_held *h, int n)
{
    for (int k = 0; h && k < n; k++) {
        free(h[k].data);
        free(h[k].meta);
    }
    free(h);
}
