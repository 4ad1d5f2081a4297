/*
 * optional_get_element.c - OptionalGetElement: the value an optional holds
 * (a tensor, copied, or a sequence); an empty one is a run-time error
 * naming the node (version 15; from 18 a tensor or a sequence passes
 * through).
 */
#include <stdlib.h>

#include "ops/sequence/sequence.h"
#include "ops/common/op_util.h"
#include "runtime/core/status.h"

typedef struct get_state {
    oc_held held;
    size_t limit;
} get_state;

static onnxc_status *optional_get_element_prepare(const oc_prepare_ctx *ctx,
                                                  void **params)
{
    static const char *const none[] = {NULL};
    *params = NULL;
    return oc_check_attrs(ctx->node, none);
}

static onnxc_status *optional_get_element_infer(const oc_infer_ctx *ctx)
{
    const oc_type *x = ctx->in[0];
    oc_type *y = ctx->out[0];
    if (ctx->node->op_version < 18 && x->kind != ONNXC_KIND_OPTIONAL)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (OptionalGetElement-15): its input must be "
                        "an optional; it is %s",
                        ctx->node->label, oc_kind_name(x->kind));
    *y = *x;
    y->kind = y->elem_kind = x->kind == ONNXC_KIND_OPTIONAL ? x->elem_kind : x->kind;
    y->data = NULL;
    y->has_sym = false;
    if (ctx->concrete)
        y->shape.rank = 0;   /* the run gives it (owns_outputs) */
    return NULL;
}

static onnxc_status *get_state_new(const oc_state_ctx *ctx, void **state)
{
    get_state *st = calloc(1, sizeof *st);
    if (!st)
        return oc_no_memory();
    st->limit = ctx->arena_limit;
    *state = st;
    return NULL;
}

static void get_state_free(void *state)
{
    get_state *st = state;
    oc_held_free_one(&st->held);
    free(st);
}

static onnxc_status *optional_get_element_run(const oc_run_ctx *ctx)
{
    get_state *st = ctx->state;
    const oc_tensor *x = ctx->in[0];
    if (x->none)
        return oc_run_error(ctx, "the optional holds nothing");
    if (x->seq) {
        *ctx->out[0] = *x;
        return NULL;
    }
    /* A copy: x may be a buffer of the plan's, reused after this node. */
    return oc_held_copy(ctx, &st->held, st->limit, x, ctx->out[0]);
}

static const int optional_get_element_versions[] = {15, 18, 0};

const oc_op oc_op_optional_get_element = {
    .domain = "",
    .op_type = "OptionalGetElement",
    .versions = optional_get_element_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .no_fold = true, .data_dependent = true, .owns_outputs = true, .any_kind = true,
    .types = OC_DATA_TYPES,
    .prepare = optional_get_element_prepare,
    .infer = optional_get_element_infer,
    .run = optional_get_element_run,
    .state_new = get_state_new,
    .state_free = get_state_free,
};
