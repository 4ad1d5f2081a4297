/*
 * if.c - If: runs then_branch or else_branch, as cond says, and gives its
 * outputs (versions 1, 11, 13, 16, 19, 21 over tensors). The branches may
 * read any value of the enclosing graphs (capture_outer.c); each has a
 * session of its own, made with the node's session. The outputs' shapes
 * are the taken branch's: the plan of what follows waits for the run.
 */
#include <stdlib.h>

#include "ops/control/body.h"
#include "ops/common/op_util.h"
#include "runtime/core/status.h"

typedef struct if_params {
    int branch[2];        /* attribute indices: else, then */
} if_params;

typedef struct if_state {
    oc_body body[2];
    oc_held *held;        /* per output */
    int n_held;
    size_t limit;
} if_state;

static onnxc_status *if_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const names[] = {"else_branch", "then_branch", NULL};
    const oc_node *n = ctx->node;
    onnxc_status *err = oc_check_attrs(n, names);
    if_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (err)
        return err;
    if (!p)
        return oc_no_memory();
    if (n->n_inputs - n->n_implicit != 1)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (If): takes 1 input (cond), has %d",
                        n->label, n->n_inputs - n->n_implicit);
    for (int b = 0; b < 2; b++)
        if ((err = oc_body_attr(n, names[b], &p->branch[b])))
            return err;
    *params = p;
    return NULL;
}

static onnxc_status *if_infer(const oc_infer_ctx *ctx)
{
    const if_params *p = ctx->params;
    const oc_node *n = ctx->node;
    const oc_type *cond = ctx->in[0];
    if (cond->kind != ONNXC_KIND_TENSOR || cond->dtype != ONNXC_BOOL)
        return oc_bad_dtype(n, "cond", cond->dtype, "bool");
    const oc_graph *br[2] = {n->attrs[p->branch[0]].g, n->attrs[p->branch[1]].g};
    for (int b = 0; b < 2; b++)
        if (br[b]->n_outputs != ctx->n_out)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "node '%s' (If): has %d outputs, but its %s "
                            "gives %d",
                            n->label, ctx->n_out, n->attrs[p->branch[b]].name,
                            br[b]->n_outputs);
    for (int k = 0; k < ctx->n_out; k++) {
        oc_type *y = ctx->out[k], other;
        oc_body_value_type(br[1], br[1]->outputs[k], y);
        oc_body_value_type(br[0], br[0]->outputs[k], &other);
        if (other.dtype != y->dtype)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "node '%s' (If): output %d is %s in then_branch "
                            "but %s in else_branch",
                            n->label, k, onnxc_dtype_name(y->dtype),
                            onnxc_dtype_name(other.dtype));
        if (other.kind != y->kind || other.elem_kind != y->elem_kind)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "node '%s' (If): output %d is %s in then_branch "
                            "but %s in else_branch",
                            n->label, k, oc_kind_name(y->kind),
                            oc_kind_name(other.kind));
        oc_shape_merge(&y->shape, &other.shape);
        if (ctx->concrete)
            y->shape.rank = 0;   /* the run gives the shape (owns_outputs) */
    }
    return NULL;
}

static void if_state_free(void *state)
{
    if_state *st = state;
    for (int b = 0; b < 2; b++)
        oc_body_close(&st->body[b]);
    oc_held_free(st->held, st->n_held);
    free(st);
}

static onnxc_status *if_state_new(const oc_state_ctx *ctx, void **state)
{
    const if_params *p = ctx->params;
    if_state *st = calloc(1, sizeof *st);
    onnxc_status *err = NULL;
    if (!st)
        return oc_no_memory();
    st->limit = ctx->arena_limit;
    st->n_held = ctx->node->n_outputs;
    if (!(st->held = oc_held_new(st->n_held)))
        err = oc_no_memory();
    for (int b = 0; !err && b < 2; b++)
        err = oc_body_open(ctx, p->branch[b], &st->body[b]);
    if (err) {
        if_state_free(st);
        return err;
    }
    *state = st;
    return NULL;
}

static onnxc_status *if_run(const oc_run_ctx *ctx)
{
    if_state *st = ctx->state;
    const oc_tensor *cond = ctx->in[0];
    char dims[128];
    if (oc_tensor_count(cond) != 1)
        return oc_run_error(ctx, "cond has shape %s; it must hold one element",
                            oc_dims_format(cond->dims, cond->rank, dims,
                                           sizeof dims));
    oc_body *body = &st->body[*(const unsigned char *)cond->data ? 1 : 0];
    onnxc_status *err = oc_body_run(ctx, body);
    for (int k = 0; !err && k < ctx->n_out; k++) {
        const oc_tensor *v;
        if (ctx->out[k] && !(err = oc_body_output(ctx, body, k, &v)))
            err = oc_held_copy(ctx, &st->held[k], st->limit, v, ctx->out[k]);
    }
    return err;
}

static const int if_versions[] = {1, 11, 13, 16, 19, 21, 0};

const oc_op oc_op_if = {
    .domain = "",
    .op_type = "If",
    .versions = if_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = OC_VARIADIC,
    .min_outputs = 1, .max_outputs = OC_VARIADIC,
    .no_fold = true,
    .data_dependent = true,
    .owns_outputs = true,
    .any_kind = true,
    .types = "any type",
    .prepare = if_prepare,
    .infer = if_infer,
    .run = if_run,
    .state_new = if_state_new,
    .state_free = if_state_free,
};
