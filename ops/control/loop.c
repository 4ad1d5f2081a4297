/*
 * loop.c - Loop: runs its body while the iteration count is below the
 * trip count M and the condition holds (either may be left out; the
 * session bounds the iterations, onnxc_session_options_set_max_iterations),
 * over tensors (versions 1, 11, 13, 16, 19, 21).
 *
 * The body takes (iteration, condition, N carried values) and gives
 * (condition, N carried values, K scan outputs). The carried values go
 * from one iteration to the next through two buffers of the node's, in
 * turn: a body output may be its own input, and the body's arena is
 * reused by its next run. Each scan output is the rows of all iterations
 * stacked, which must agree in shape. A carried value may change shape
 * between iterations; the body's session then plans again, else an
 * iteration at seen shapes allocates nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "ops/control/body.h"
#include "ops/common/op_util.h"
#include "runtime/core/status.h"

typedef struct loop_params {
    int body;             /* attribute index */
    int n_carried, n_scan;
} loop_params;

typedef struct loop_state {
    oc_body body;
    oc_held *carry[2];    /* per carried value: this iteration's, the next */
    oc_tensor *cur;       /* per carried value: as the next iteration reads it */
    oc_held *scan;        /* per scan output: the stacked rows */
    oc_tensor *row;       /* per scan output: the first iteration's shape */
    int64_t iteration;
    unsigned char cond;
    int n_carried, n_scan;
    int64_t max_iterations;
    int64_t *left;        /* the run's iterations left (op.h) */
    size_t limit;
} loop_state;

static onnxc_status *loop_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const names[] = {"body", NULL};
    const oc_node *n = ctx->node;
    onnxc_status *err = oc_check_attrs(n, names);
    loop_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (err)
        return err;
    if (!p)
        return oc_no_memory();
    if ((err = oc_body_attr(n, "body", &p->body)))
        return err;
    p->n_carried = n->n_inputs - n->n_implicit - 2;
    if (p->n_carried < 0)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (Loop): takes M, cond and the carried "
                        "values; has %d inputs",
                        n->label, n->n_inputs - n->n_implicit);
    for (int k = 0; k < p->n_carried; k++)
        if (!n->input_names[2 + k][0])
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "node '%s' (Loop): carried value %d is empty",
                            n->label, k);
    p->n_scan = n->n_outputs - p->n_carried;
    if (p->n_scan < 0)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (Loop): %d carried values but %d outputs",
                        n->label, p->n_carried, n->n_outputs);
    *params = p;
    return NULL;
}

/* The body's declared inputs and outputs against the node's. */
static onnxc_status *check_body(const oc_node *n, const loop_params *p,
                                const oc_graph *body)
{
    int formal = body->n_inputs - body->n_captured;
    if (formal != 2 + p->n_carried || body->n_outputs != 1 + n->n_outputs)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (Loop): %d carried values and %d outputs "
                        "need a body of %d inputs and %d outputs; it has %d "
                        "and %d",
                        n->label, p->n_carried, n->n_outputs,
                        2 + p->n_carried, 1 + n->n_outputs, formal,
                        body->n_outputs);
    const oc_value *iter = &body->values[body->inputs[0]];
    const oc_value *cond = &body->values[body->inputs[1]];
    const oc_value *cond_out = &body->values[body->outputs[0]];
    if (iter->dtype != ONNXC_INT64 || cond->dtype != ONNXC_BOOL ||
        cond_out->dtype != ONNXC_BOOL)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (Loop): the body's iteration must be "
                        "int64 and its conditions bool; they are %s, %s, %s",
                        n->label, onnxc_dtype_name(iter->dtype),
                        onnxc_dtype_name(cond->dtype),
                        onnxc_dtype_name(cond_out->dtype));
    return NULL;
}

static onnxc_status *loop_infer(const oc_infer_ctx *ctx)
{
    const loop_params *p = ctx->params;
    const oc_node *n = ctx->node;
    const oc_graph *body = n->attrs[p->body].g;
    onnxc_status *err = check_body(n, p, body);
    if (err)
        return err;
    if (ctx->in[0] && (ctx->in[0]->kind || ctx->in[0]->dtype != ONNXC_INT64))
        return oc_bad_dtype(n, "M", ctx->in[0]->dtype, "an int64 tensor");
    if (ctx->in[1] && (ctx->in[1]->kind || ctx->in[1]->dtype != ONNXC_BOOL))
        return oc_bad_dtype(n, "cond", ctx->in[1]->dtype, "a bool tensor");
    for (int k = 0; k < ctx->n_out; k++) {
        oc_type *y = ctx->out[k];
        oc_body_value_type(body, body->outputs[1 + k], y);
        if (k >= p->n_carried && y->kind != ONNXC_KIND_TENSOR)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "node '%s' (Loop): scan output %d is %s; scan "
                            "outputs are tensors",
                            n->label, k - p->n_carried, oc_kind_name(y->kind));
        if (k < p->n_carried) {
            const oc_type *init = ctx->in[2 + k];
            /* an optional may start what the body carries on as its
             * value (Loop 16's optional sequences) */
            bool same = init->kind == y->kind && init->elem_kind == y->elem_kind;
            bool wraps = (init->kind == ONNXC_KIND_OPTIONAL && init->elem_kind == y->kind) ||
                         (y->kind == ONNXC_KIND_OPTIONAL && y->elem_kind == init->kind);
            if (!same && !wraps)
                return oc_error(ONNXC_ERR_INVALID_MODEL,
                                "node '%s' (Loop): carried value %d starts as "
                                "%s but the body gives %s",
                                n->label, k, oc_kind_name(init->kind),
                                oc_kind_name(y->kind));
            if (init->dtype != y->dtype)
                return oc_error(ONNXC_ERR_INVALID_MODEL,
                                "node '%s' (Loop): carried value %d starts %s "
                                "but the body gives %s",
                                n->label, k, onnxc_dtype_name(init->dtype),
                                onnxc_dtype_name(y->dtype));
            oc_shape_merge(&y->shape, &init->shape);
        } else if (y->shape.rank >= 0) {
            if (y->shape.rank >= ONNXC_MAX_RANK)
                return oc_error(ONNXC_ERR_UNSUPPORTED,
                                "node '%s' (Loop): scan output %d would have "
                                "rank %d, above the maximum %d",
                                n->label, k - p->n_carried, y->shape.rank + 1,
                                ONNXC_MAX_RANK);
            memmove(&y->shape.dims[1], &y->shape.dims[0],
                    (size_t)y->shape.rank * sizeof y->shape.dims[0]);
            y->shape.dims[0] = dim_unknown();
            y->shape.rank++;
        }
        if (ctx->concrete)
            y->shape.rank = 0;   /* the run gives the shape (owns_outputs) */
    }
    return NULL;
}

static void loop_state_free(void *state)
{
    loop_state *st = state;
    oc_body_close(&st->body);
    oc_held_free(st->carry[0], st->n_carried);
    oc_held_free(st->carry[1], st->n_carried);
    oc_held_free(st->scan, st->n_scan);
    free(st->cur);
    free(st->row);
    free(st);
}

static onnxc_status *loop_state_new(const oc_state_ctx *ctx, void **state)
{
    const loop_params *p = ctx->params;
    loop_state *st = calloc(1, sizeof *st);
    if (!st)
        return oc_no_memory();
    st->n_carried = p->n_carried;
    st->n_scan = p->n_scan;
    st->max_iterations = ctx->max_iterations;
    st->left = ctx->iterations_left;
    st->limit = ctx->arena_limit;
    st->carry[0] = oc_held_new(p->n_carried);
    st->carry[1] = oc_held_new(p->n_carried);
    st->cur = calloc((size_t)p->n_carried + 1, sizeof *st->cur);
    st->scan = oc_held_new(p->n_scan);
    st->row = calloc((size_t)p->n_scan + 1, sizeof *st->row);
    onnxc_status *err = !st->carry[0] || !st->carry[1] || !st->cur ||
                                !st->scan || !st->row
                            ? oc_no_memory()
                            : oc_body_open(ctx, p->body, &st->body);
    if (err) {
        loop_state_free(st);
        return err;
    }
    *state = st;
    return NULL;
}

/* The scalar a body input of the given declared rank (0, or 1 as [1])
 * reads. */
static oc_tensor scalar_input(const oc_graph *body, int input,
                              onnxc_dtype dtype, void *data)
{
    oc_tensor t = {.dtype = dtype, .data = data};
    if (body->values[body->inputs[input]].shape.rank == 1) {
        t.rank = 1;
        t.dims[0] = 1;
    }
    return t;
}

/* One iteration's scan output s (view v), stacked after the rows before. */
static onnxc_status *stack_row(const oc_run_ctx *ctx, loop_state *st, int s,
                               const onnxc_tensor_view *v)
{
    oc_tensor *row = &st->row[s];
    char was[128], now[128];
    if (st->iteration == 0) {
        row->dtype = v->dtype;
        row->rank = v->rank;
        if (v->rank >= ONNXC_MAX_RANK)
            return oc_run_error(ctx, "scan output %d has rank %d; stacked it "
                                "would pass the maximum %d",
                                s, v->rank, ONNXC_MAX_RANK);
        memcpy(row->dims, v->dims, (size_t)v->rank * sizeof *v->dims);
    } else if (v->rank != row->rank ||
               memcmp(v->dims, row->dims, (size_t)v->rank * sizeof *v->dims)) {
        return oc_run_error(ctx, "scan output %d has shape %s at iteration "
                            "%lld but %s before: its rows cannot stack",
                            s, oc_dims_format(v->dims, v->rank, now, sizeof now),
                            (long long)st->iteration,
                            oc_dims_format(row->dims, row->rank, was, sizeof was));
    }
    size_t at;
    if (!oc_size_mul(v->bytes, (size_t)st->iteration, &at) || at > SIZE_MAX - v->bytes)
        return oc_run_error(ctx, "scan output %d: its rows overflow memory", s);
    onnxc_status *err = oc_held_reserve(ctx, &st->scan[s], at + v->bytes,
                                        st->limit);
    if (!err && v->bytes)
        memcpy((unsigned char *)st->scan[s].data + at, v->data, v->bytes);
    return err;
}

/* One iteration: binds, runs the body, takes its condition, carried
 * values (into the other buffers) and scan rows. */
static onnxc_status *iterate(const oc_run_ctx *ctx, loop_state *st, int *side)
{
    const oc_graph *body = st->body.program;
    onnxc_status *err;
    oc_tensor iter = scalar_input(body, 0, ONNXC_INT64, &st->iteration);
    oc_tensor cond = scalar_input(body, 1, ONNXC_BOOL, &st->cond);
    if ((err = oc_body_bind(ctx, &st->body, 0, &iter)) ||
        (err = oc_body_bind(ctx, &st->body, 1, &cond)))
        return err;
    for (int k = 0; k < st->n_carried; k++)
        if ((err = oc_body_bind(ctx, &st->body, 2 + k, &st->cur[k])))
            return err;
    if ((err = oc_body_run(ctx, &st->body)))
        return err;
    onnxc_tensor_view v;
    const oc_tensor *carried;
    char dims[128];
    if ((err = oc_body_tensor(ctx, &st->body, 0, &v)))
        return err;
    if (v.bytes != 1)
        return oc_run_error(ctx, "the body's condition has shape %s; it must "
                            "hold one element",
                            oc_dims_format(v.dims, v.rank, dims, sizeof dims));
    st->cond = *(const unsigned char *)v.data != 0;
    int next = 1 - *side;
    for (int k = 0; k < st->n_carried; k++)
        if ((err = oc_body_output(ctx, &st->body, 1 + k, &carried)) ||
            (err = oc_held_copy(ctx, &st->carry[next][k], st->limit, carried,
                                &st->cur[k])))
            return err;
    *side = next;
    for (int s = 0; s < st->n_scan; s++)
        if ((err = oc_body_tensor(ctx, &st->body, 1 + st->n_carried + s, &v)) ||
            (err = stack_row(ctx, st, s, &v)))
            return err;
    return NULL;
}

/* Reads the one element of an int64 or bool control input. */
static onnxc_status *control_value(const oc_run_ctx *ctx, int input,
                                   const char *what, int64_t *value)
{
    const oc_tensor *t = ctx->in[input];
    char dims[128];
    if (oc_tensor_count(t) != 1)
        return oc_run_error(ctx, "%s has shape %s; it must hold one element",
                            what, oc_dims_format(t->dims, t->rank, dims,
                                                 sizeof dims));
    if (t->dtype == ONNXC_BOOL)
        *value = *(const unsigned char *)t->data != 0;
    else
        memcpy(value, t->data, sizeof *value);
    return NULL;
}

static onnxc_status *loop_run(const oc_run_ctx *ctx)
{
    loop_state *st = ctx->state;
    const loop_params *p = ctx->params;
    int64_t trips = INT64_MAX, cond = 1;
    int side = 0;
    onnxc_status *err = NULL;
    if ((ctx->in[0] && (err = control_value(ctx, 0, "M", &trips))) ||
        (ctx->in[1] && (err = control_value(ctx, 1, "cond", &cond))))
        return err;
    st->cond = cond != 0;
    for (int k = 0; k < p->n_carried; k++) {
        if ((err = oc_held_copy(ctx, &st->carry[0][k], st->limit, ctx->in[2 + k],
                                &st->cur[k])))
            return err;
    }
    for (st->iteration = 0; st->iteration < trips && st->cond; st->iteration++) {
        if (*st->left == 0)
            return oc_run_error(ctx, "the run would make more than %lld Loop "
                                "iterations (those of nested Loops count), "
                                "the session's bound (onnxc_session_options_"
                                "set_max_iterations); M is %s",
                                (long long)st->max_iterations,
                                ctx->in[0] ? "given" : "not given");
        if (*st->left > 0)
            (*st->left)--;
        if ((err = iterate(ctx, st, &side)))
            return err;
    }
    for (int k = 0; k < p->n_carried; k++)
        if (ctx->out[k])
            *ctx->out[k] = st->cur[k];
    for (int s = 0; s < p->n_scan; s++) {
        oc_tensor *y = ctx->out[p->n_carried + s];
        if (!y)
            continue;
        if (st->iteration == 0)
            oc_body_empty_row(st->body.program, 1 + p->n_carried + s, &st->row[s]);
        const oc_tensor *row = &st->row[s];
        y->dtype = row->dtype;
        y->rank = row->rank + 1;
        y->dims[0] = st->iteration;
        memcpy(&y->dims[1], row->dims, (size_t)row->rank * sizeof *row->dims);
        if ((err = oc_held_reserve(ctx, &st->scan[s], 1, st->limit)))
            return err;
        y->data = st->scan[s].data;
    }
    return NULL;
}

static bool loop_body_input(const oc_node *node, int attr, int j,
                            const oc_type *const *in, oc_type *type)
{
    (void)attr;
    if (j < 2) {
        type->dtype = j ? ONNXC_BOOL : ONNXC_INT64;
        type->shape.rank = 0;
        return true;
    }
    if (j >= node->n_inputs - node->n_implicit || !in[j])
        return false;
    type->dtype = in[j]->dtype;
    type->shape = in[j]->shape;
    return true;
}

static const int loop_versions[] = {1, 11, 13, 16, 19, 21, 0};

const oc_op oc_op_loop = {
    .domain = "",
    .op_type = "Loop",
    .versions = loop_versions,
    .last_opset = 21,
    .min_inputs = 0, .max_inputs = OC_VARIADIC,   /* M, cond: "" allowed */
    .min_outputs = 1, .max_outputs = OC_VARIADIC,
    .no_fold = true,
    .data_dependent = true,
    .owns_outputs = true,
    .any_kind = true,
    .types = "any type",
    .prepare = loop_prepare,
    .infer = loop_infer,
    .run = loop_run,
    .state_new = loop_state_new,
    .state_free = loop_state_free,
    .body_input = loop_body_input,
};
