/*
 * optional.c - Optional: an optional holding its input (a tensor, copied,
 * or a sequence), or, without one, nothing of the `type` the attribute
 * names (version 15).
 */
#include <stdlib.h>

#include "ops/sequence/sequence.h"
#include "ops/common/op_util.h"
#include "runtime/core/status.h"

typedef struct optional_state {
    oc_held held;
    size_t limit;
} optional_state;

static onnxc_status *optional_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const names[] = {"type", NULL};
    const oc_node *n = ctx->node;
    onnxc_status *err = oc_check_attrs(n, names);
    const oc_attr *t = oc_node_attr(n, "type");
    if (err)
        return err;
    if (t && (t->type != OC_ATTR_TYPE_PROTO || t->tp_bad ||
              t->tp_kind == ONNXC_KIND_OPTIONAL || t->tp_dtype == ONNXC_UNDEFINED))
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "node '%s' (Optional): type is %s; onnxc holds "
                        "optional tensors and sequences",
                        n->label, t->tp_bad ? t->tp_bad : "not a tensor or sequence type");
    if (!t && (n->n_inputs < 1 || !n->input_names[0][0]))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (Optional): without an input it needs the "
                        "attribute type",
                        n->label);
    *params = (void *)t;
    return NULL;
}

static onnxc_status *optional_infer(const oc_infer_ctx *ctx)
{
    const oc_attr *t = ctx->params;
    const oc_type *x = ctx->in[0];
    oc_type *y = ctx->out[0];
    if (x && x->kind == ONNXC_KIND_OPTIONAL)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (Optional): its input is an optional already",
                        ctx->node->label);
    y->kind = ONNXC_KIND_OPTIONAL;
    y->elem_kind = x ? x->kind : t->tp_kind;
    y->dtype = x ? x->dtype : t->tp_dtype;
    y->shape = x ? x->shape : (oc_shape){.rank = -1};
    if (x && t && (t->tp_kind != x->kind || t->tp_dtype != x->dtype))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (Optional): type says %s of %s, the input "
                        "is %s of %s",
                        ctx->node->label, oc_kind_name(t->tp_kind),
                        onnxc_dtype_name(t->tp_dtype), oc_kind_name(x->kind),
                        onnxc_dtype_name(x->dtype));
    if (ctx->concrete)
        y->shape.rank = 0;
    return NULL;
}

static onnxc_status *optional_state_new(const oc_state_ctx *ctx, void **state)
{
    optional_state *st = calloc(1, sizeof *st);
    if (!st)
        return oc_no_memory();
    st->limit = ctx->arena_limit;
    *state = st;
    return NULL;
}

static void optional_state_free(void *state)
{
    optional_state *st = state;
    oc_held_free_one(&st->held);
    free(st);
}

static onnxc_status *optional_run(const oc_run_ctx *ctx)
{
    optional_state *st = ctx->state;
    const oc_tensor *x = ctx->in[0];
    oc_tensor *y = ctx->out[0];
    if (!x) {
        const oc_attr *t = ctx->params;
        oc_tensor none = {.dtype = t->tp_dtype, .none = true};
        *y = none;
        return NULL;
    }
    if (x->seq) {   /* held where it lies, by whoever made it */
        *y = *x;
        return NULL;
    }
    return oc_held_copy(ctx, &st->held, st->limit, x, y);
}

static const int optional_versions[] = {15, 0};

const oc_op oc_op_optional = {
    .domain = "",
    .op_type = "Optional",
    .versions = optional_versions,
    .last_opset = 21,
    .min_inputs = 0, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .no_fold = true, .data_dependent = true, .owns_outputs = true, .any_kind = true,
    .types = OC_DATA_TYPES,
    .prepare = optional_prepare,
    .infer = optional_infer,
    .run = optional_run,
    .state_new = optional_state_new,
    .state_free = optional_state_free,
};
