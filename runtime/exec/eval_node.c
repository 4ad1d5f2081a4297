/* eval_node.c - one node run outside a planned run (see eval_node.h). */
#include <stdlib.h>
#include <string.h>

#include "runtime/core/status.h"
#include "runtime/exec/eval_node.h"

#define STORE_ALIGN 64

void *oc_value_store_take(oc_value_store *s, size_t bytes)
{
    /* An empty tensor still takes one slot: its pointer must not be null
     * (a null store has no address to offset from), nor alias another. */
    size_t size = bytes ? (bytes + STORE_ALIGN - 1) / STORE_ALIGN * STORE_ALIGN
                        : STORE_ALIGN;
    if (size < bytes || s->need > SIZE_MAX - size) {
        s->need = SIZE_MAX;
        return NULL;
    }
    s->need += size;
    if (s->used > s->cap || size > s->cap - s->used)
        return NULL;
    void *p = s->mem + s->used;
    s->used += size;
    return p;
}

void oc_value_store_reset(oc_value_store *s)
{
    s->used = 0;
    s->need = 0;
}

bool oc_value_store_reserve(oc_value_store *s, size_t bytes)
{
    if (bytes <= s->cap)
        return true;
    size_t size = (bytes + STORE_ALIGN - 1) / STORE_ALIGN * STORE_ALIGN;
    void *mem = size >= bytes ? aligned_alloc(STORE_ALIGN, size) : NULL;
    if (!mem)
        return false;
    free(s->mem);
    s->mem = mem;
    s->cap = size;
    oc_value_store_reset(s);
    return true;
}

bool oc_value_store_grow(oc_value_store *s, size_t bytes, size_t keep,
                         unsigned char **old)
{
    *old = NULL;
    if (bytes <= s->cap)
        return true;
    size_t size = (bytes + STORE_ALIGN - 1) / STORE_ALIGN * STORE_ALIGN;
    unsigned char *mem = size >= bytes ? aligned_alloc(STORE_ALIGN, size)
                                       : NULL;
    if (!mem)
        return false;
    if (keep && s->mem)
        memcpy(mem, s->mem, keep);
    *old = s->mem;
    s->mem = mem;
    s->cap = size;
    return true;
}

void oc_value_store_free(oc_value_store *s)
{
    free(s->mem);
    s->mem = NULL;
    s->cap = s->used = s->need = 0;
}

onnxc_status *oc_eval_node(oc_run_ctx *ctx, oc_value_store *store, bool *fits)
{
    const oc_op *op = ctx->node->op;
    *fits = true;
    for (int k = 0; k < ctx->n_out; k++) {
        oc_tensor *t = ctx->out[k];
        size_t bytes;
        if (!t)
            continue;
        if (!oc_tensor_bytes(t->dtype, t->dims, t->rank, &bytes))
            return oc_error(ONNXC_ERR_SHAPE,
                            "node '%s' (%s): an output's size overflows",
                            ctx->node->label, ctx->node->op_type);
        t->data = oc_value_store_take(store, bytes);
        *fits = *fits && t->data;
    }
    size_t kept = store->used;
    ctx->pool = NULL;
    ctx->threads = 1;
    ctx->workspace = NULL;
    size_t ws = op->workspace ? op->workspace(ctx) : 0;
    if (ws && !(ctx->workspace = oc_value_store_take(store, ws)))
        *fits = false;
    if (!*fits)
        return NULL;
    onnxc_status *err = op->run(ctx);
    store->used = kept;  /* the workspace goes back; need keeps it */
    return err;
}
