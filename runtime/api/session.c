/*
 * session.c - binding inputs and outputs, running, reading the outputs;
 * the plans the run follows are made in session_plan.c.
 *
 * Everything a run needs is allocated at creation, sized by the graph.
 * The only later allocations are the runtime-owned arena and the store
 * of plan-time values growing when a new set of shapes needs more; with
 * a caller-owned arena the arena never does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/graph/op.h"
#include "runtime/core/big_alloc.h"
#include "runtime/api/model.h"
#include "runtime/api/session.h"
#include "runtime/core/status.h"

/* The address of every tensor that holds no bytes. */
static _Alignas(64) const unsigned char no_bytes[64];

/* The input shapes this run binds: the bindings, or defaults from the
 * initializers of optional inputs. */
static const input_binding *input_shape(const onnxc_session *s, int i,
                                        input_binding *scratch)
{
    if (s->inputs[i].bound)
        return &s->inputs[i];
    const oc_value *v = &s->g->values[s->g->inputs[i]];
    scratch->bound = true;
    scratch->kind = ONNXC_KIND_TENSOR;
    scratch->seq = NULL;
    scratch->dtype = v->dtype;
    scratch->rank = v->shape.rank;
    for (int d = 0; d < v->shape.rank; d++)
        scratch->dims[d] = v->shape.dims[d].value;
    scratch->data = v->data;
    return scratch;
}

/* Whether a value input's contents are those the plan was made for. One
 * too large to keep: never known to be, if a node reads it directly; else
 * the plan does not use them (what is computed from it waits for the run,
 * and the segments after key on that). */
static bool same_contents(const onnxc_session *s, int i, const input_binding *b)
{
    size_t bytes;
    if (!oc_session_keeps_contents(s, i, b, &bytes))
        return !(s->value_input[i] & VALUE_READ_DIRECTLY);
    return bytes == 0 || memcmp(s->planned[i].contents, b->data, bytes) == 0;
}

static bool same_shape(const input_binding *a, const input_binding *b)
{
    return a->kind == b->kind && a->dtype == b->dtype && a->rank == b->rank &&
           memcmp(a->dims, b->dims, (size_t)a->rank * sizeof a->dims[0]) == 0;
}

void onnxc_session_free(onnxc_session *s)
{
    if (!s)
        return;
    for (int i = 0; s->state && i < s->g->n_nodes; i++)
        if (s->state[i])
            s->g->nodes[i].op->state_free(s->state[i]);
    free(s->state);
    if (s->pool_owned)
        oc_thread_pool_free(s->pool);
    if (s->arena_owned)
        free(s->arena);
    free(s->tensors);
    free(s->node_in);
    free(s->node_out);
    free(s->run);
    free(s->in_types);
    free(s->out_types);
    free(s->in_type);
    free(s->out_type);
    free(s->value_input);
    free(s->known);
    free(s->at_plan);
    oc_value_store_free(&s->values);
    for (int i = 0; s->bound_items && i < s->g->n_inputs; i++)
        free(s->bound_items[i]);
    free(s->bound_items);
    free(s->bound_seq);
    free(s->bound_cap);
    free(s->inputs);
    free(s->planned);
    free(s->shapes);
    free(s->outputs);
    free(s->fixed_syms);
    free(s->sym_values);
    free(s->sym_source);
    free(s->buffer_of);
    free(s->scratch_of);
    free(s->buffers);
    free(s->scratch);
    free(s->segments);
    free(s->timing);
    free(s);
}

/* Fixes the symbols the options name; when that fixes every input shape,
 * plans right away so that runs at those shapes allocate nothing. */
static onnxc_status *apply_options(onnxc_session *s,
                                   const onnxc_session_options *o,
                                   oc_thread_pool *shared)
{
    const oc_graph *g = s->g;
    onnxc_status *err;
    s->arena_owned = true;
    s->arena_limit = o->arena_limit;
    s->max_iterations = o->max_iterations;
    s->compile = o->compile;
    s->pool = shared;
    if (!shared && (err = oc_thread_pool_create(o->threads, &s->pool)))
        return err;
    s->pool_owned = !shared;
    s->threads = oc_thread_pool_size(s->pool);
    if (o->arena) {
        /* Align the caller's memory rather than demand aligned memory. */
        uintptr_t p = (uintptr_t)o->arena;
        size_t skip = (PLAN_ALIGN - p % PLAN_ALIGN) % PLAN_ALIGN;
        s->arena_owned = false;
        s->arena = (unsigned char *)o->arena + skip;
        s->arena_bytes = o->arena_bytes > skip ? o->arena_bytes - skip : 0;
    }
    for (size_t i = 0; i < o->n_dims; i++) {
        int found = 0;
        for (int k = 0; k < g->n_symbols; k++)
            if (g->symbols[k] && strcmp(g->symbols[k], o->dims[i].name) == 0) {
                s->fixed_syms[k] = o->dims[i].value;
                found = 1;
            }
        if (!found)
            return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                            "the model has no symbolic dim named '%s'",
                            o->dims[i].name);
    }
    /* Plan now if every input's shape is known, and no input's contents
     * decide shapes. */
    for (int i = 0; i < g->n_inputs; i++) {
        if (s->value_input[i])
            return NULL;
    }
    for (int i = 0; i < g->n_inputs; i++) {
        const oc_value *v = &g->values[g->inputs[i]];
        input_binding *b = &s->planned[i];
        if (v->shape.rank < 0 || v->kind != ONNXC_KIND_TENSOR)
            return NULL;   /* a sequence's length is the run's */
        b->dtype = v->dtype;
        b->rank = v->shape.rank;
        for (int d = 0; d < v->shape.rank; d++) {
            oc_dim dim = v->shape.dims[d];
            b->dims[d] = dim_is_known(dim) ? dim.value : s->fixed_syms[dim.sym];
            if (b->dims[d] < 0)
                return NULL;
        }
    }
    memcpy(s->shapes, s->planned, (size_t)g->n_inputs * sizeof *s->shapes);
    return oc_session_plan(s, s->shapes);
}

/* The nodes' per-session state (control-flow ops' sessions). */
static onnxc_status *make_states(onnxc_session *s)
{
    const oc_graph *g = s->g;
    onnxc_status *err;
    for (int i = 0; i < g->n_nodes; i++) {
        const oc_node *n = &g->nodes[i];
        if (!n->op->state_new)
            continue;
        if (!s->state && !(s->state = calloc((size_t)g->n_nodes, sizeof *s->state)))
            return oc_no_memory();
        oc_state_ctx ctx = {.node = n, .params = n->params,
                            .max_iterations = s->max_iterations,
                            .iterations_left = s->budget,
                            .arena_limit = s->arena_limit, .session = s};
        if ((err = n->op->state_new(&ctx, &s->state[i])))
            return err;
        s->run[i].state = s->state[i];
    }
    return NULL;
}

/* A session of program g with options o (all given), its threads those
 * of `shared` when it is not NULL. */
static onnxc_status *session_new(const oc_graph *g,
                                 const onnxc_session_options *options,
                                 oc_thread_pool *shared, int64_t *budget,
                                 onnxc_session **session)
{
    onnxc_status *err;
    *session = NULL;
    size_t nv = (size_t)g->n_values, nn = (size_t)g->n_nodes;
    size_t ni = (size_t)g->n_inputs, no = (size_t)g->n_outputs;
    size_t ns = (size_t)g->n_symbols;
    size_t slots = 0, out_slots = 0, most_in = 1, most_out = 1;
    for (size_t i = 0; i < nn; i++) {
        const oc_node *n = &g->nodes[i];
        slots += (size_t)n->in_slots;
        out_slots += (size_t)n->out_slots;
        if ((size_t)n->in_slots > most_in)
            most_in = (size_t)n->in_slots;
        if ((size_t)n->out_slots > most_out)
            most_out = (size_t)n->out_slots;
    }

    onnxc_session *s = calloc(1, sizeof *s);
    if (!s)
        return oc_no_memory();
    s->g = g;
    /* +1 everywhere: calloc(0) may return NULL, which reads as failure. */
    s->tensors = calloc(nv + 1, sizeof *s->tensors);
    s->node_in = calloc(slots + 1, sizeof *s->node_in);
    s->node_out = calloc(out_slots + 1, sizeof *s->node_out);
    s->run = calloc(nn + 1, sizeof *s->run);
    s->in_types = calloc(most_in, sizeof *s->in_types);
    s->out_types = calloc(most_out, sizeof *s->out_types);
    s->in_type = calloc(most_in, sizeof *s->in_type);
    s->out_type = calloc(most_out, sizeof *s->out_type);
    s->value_input = calloc(ni + 1, sizeof *s->value_input);
    s->known = calloc(nv + 1, sizeof *s->known);
    s->at_plan = calloc(nn + 1, sizeof *s->at_plan);
    s->inputs = calloc(ni + 1, sizeof *s->inputs);
    s->bound_seq = calloc(ni + 1, sizeof *s->bound_seq);
    s->bound_items = calloc(ni + 1, sizeof *s->bound_items);
    s->bound_cap = calloc(ni + 1, sizeof *s->bound_cap);
    s->planned = calloc(ni + 1, sizeof *s->planned);
    s->shapes = calloc(ni + 1, sizeof *s->shapes);
    s->outputs = calloc(no + 1, sizeof *s->outputs);
    s->fixed_syms = calloc(ns + 1, sizeof *s->fixed_syms);
    s->sym_values = calloc(ns + 1, sizeof *s->sym_values);
    s->sym_source = calloc(ns + 1, sizeof *s->sym_source);
    s->buffer_of = calloc(nv + 1, sizeof *s->buffer_of);
    s->scratch_of = calloc(nn + 1, sizeof *s->scratch_of);
    /* A buffer per value and one of scratch per node, at most. */
    s->buffers = calloc(nv + nn + 1, sizeof *s->buffers);
    s->scratch = calloc(PLAN_SCRATCH(nv + nn) + nn + 2, sizeof *s->scratch);
    s->segments = calloc(nn + 1, sizeof *s->segments);
    if (!s->tensors || !s->node_in || !s->node_out || !s->run ||
        !s->in_types || !s->out_types || !s->in_type || !s->out_type ||
        !s->value_input || !s->known || !s->at_plan || !s->bound_seq ||
        !s->bound_items || !s->bound_cap ||
        !s->inputs || !s->planned || !s->shapes || !s->outputs || !s->fixed_syms ||
        !s->sym_values || !s->sym_source || !s->buffer_of || !s->buffers ||
        !s->scratch_of ||
        !s->scratch || !s->segments) {
        err = oc_no_memory();
        goto fail;
    }
    for (size_t k = 0; k < ns; k++)
        s->fixed_syms[k] = -1;
    /* Each node's argument lists point into tensors once and for all. */
    int slot = 0, out_slot = 0;
    for (size_t i = 0; i < nn; i++) {
        const oc_node *n = &g->nodes[i];
        oc_run_ctx *ctx = &s->run[i];
        ctx->node = n;
        ctx->params = n->params;
        ctx->n_in = n->n_inputs;
        ctx->n_out = n->n_outputs;
        ctx->in = &s->node_in[slot];
        ctx->out = &s->node_out[out_slot];
        for (int k = 0; k < n->in_slots; k++) {
            int v = k < n->n_inputs ? n->inputs[k] : -1;
            s->node_in[slot + k] = v >= 0 ? &s->tensors[v] : NULL;
        }
        for (int k = 0; k < n->out_slots; k++) {
            int v = k < n->n_outputs ? n->outputs[k] : -1;
            s->node_out[out_slot + k] = v >= 0 ? &s->tensors[v] : NULL;
        }
        slot += n->in_slots;
        out_slot += n->out_slots;
    }
    for (size_t j = 0; j < ni; j++) {
        unsigned f = g->values[g->inputs[j]].flags;
        s->value_input[j] = (f & OC_VALUE_DECIDES_SHAPE ? VALUE_DECIDES : 0) |
                            (f & OC_VALUE_SHAPE_OPERAND ? VALUE_READ_DIRECTLY : 0);
    }
    s->fold = options->compile.optimize & ONNXC_OPTIMIZE_FOLD;
    s->budget = budget ? budget : &s->iterations_left;
    if (options->profile && !(s->timing = calloc(nn + 1, sizeof *s->timing))) {
        err = oc_no_memory();
        goto fail;
    }
    if ((err = apply_options(s, options, shared)) || (err = make_states(s)))
        goto fail;

    *session = s;
    return NULL;
fail:
    onnxc_session_free(s);
    return err;
}

onnxc_status *onnxc_session_create(const onnxc_model *model,
                                   const onnxc_session_options *options,
                                   onnxc_session **session)
{
    if (!model || !session)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "model or session is NULL");
    *session = NULL;
    onnxc_session_options defaults = {
        .arena_limit = ONNXC_DEFAULT_ARENA_LIMIT, .threads = 1,
        .max_iterations = ONNXC_DEFAULT_MAX_ITERATIONS,
        .compile = {ONNXC_OPTIMIZE_ALL, ONNXC_KERNELS_AUTO}};
    const oc_graph *g;
    if (!options)
        options = &defaults;
    onnxc_status *err = oc_model_program(model, &options->compile, &g);
    if (err)
        return err;
    return session_new(g, options, NULL, NULL, session);
}

onnxc_status *oc_body_session_new(const oc_state_ctx *ctx, int attr,
                                  onnxc_session **session)
{
    const onnxc_session *outer = ctx->session;
    onnxc_session_options o = {.arena_limit = outer->arena_limit,
                               .max_iterations = outer->max_iterations,
                               .compile = outer->compile};
    const oc_graph *body = ctx->node->bodies ? ctx->node->bodies[attr] : NULL;
    *session = NULL;
    if (!body)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s': attribute %d holds no subgraph",
                        ctx->node->label, attr);
    onnxc_status *err = session_new(body, &o, outer->pool, outer->budget, session);
    return err ? oc_error_wrap(err, "node '%s' (%s), attribute '%s'",
                               ctx->node->label, ctx->node->op_type,
                               ctx->node->attrs[attr].name)
               : NULL;
}

/* The graph input `index` of s, checked; NULL with *err set when there
 * is none. */
static const oc_value *input_value(const onnxc_session *s, size_t index,
                                   onnxc_status **err)
{
    *err = NULL;
    if (!s) {
        *err = oc_error(ONNXC_ERR_INVALID_ARGUMENT, "session is NULL");
        return NULL;
    }
    if (index >= (size_t)s->g->n_inputs) {
        *err = oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "input index %zu is out of range (the model has %d "
                        "inputs)",
                        index, s->g->n_inputs);
        return NULL;
    }
    return &s->g->values[s->g->inputs[index]];
}

/* Whether a tensor fits what input v declares (of a sequence: its
 * tensors): type, fixed dims, data present and aligned. */
static onnxc_status *check_tensor(const onnxc_session *s, const oc_value *v,
                                  const char *what, onnxc_dtype dtype,
                                  const int64_t *dims, size_t rank,
                                  const void *data)
{
    char want[128], got[128];
    if (rank > ONNXC_MAX_RANK || (rank && !dims))
        return oc_error(ONNXC_ERR_SHAPE,
                        "input '%s'%s: rank %zu is above the supported maximum "
                        "%d or its dims are NULL",
                        v->name, what, rank, ONNXC_MAX_RANK);
    if (dtype != v->dtype)
        return oc_error(ONNXC_ERR_SHAPE, "input '%s'%s expects %s, got %s",
                        v->name, what, onnxc_dtype_name(v->dtype),
                        onnxc_dtype_name(dtype));
    size_t bytes;
    if (!oc_tensor_bytes(dtype, dims, (int)rank, &bytes))
        return oc_error(ONNXC_ERR_SHAPE,
                        "input '%s'%s: shape %s has a negative dim or too many "
                        "elements",
                        v->name, what,
                        oc_dims_format(dims, (int)rank, got, sizeof got));
    bool ok = v->shape.rank < 0 || v->shape.rank == (int)rank;
    for (int d = 0; ok && d < v->shape.rank; d++)
        ok = !dim_is_known(v->shape.dims[d]) ||
             v->shape.dims[d].value == dims[d];
    if (!ok)
        return oc_error(ONNXC_ERR_SHAPE,
                        "input '%s'%s expects shape %s, got %s", v->name, what,
                        oc_shape_format(&v->shape, s->g->symbols, want, sizeof want),
                        oc_dims_format(dims, (int)rank, got, sizeof got));
    if (!data && bytes)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "input '%s'%s: data is NULL",
                        v->name, what);
    /* Kernels load whole elements: misaligned data is undefined behaviour. */
    if ((uintptr_t)data % onnxc_dtype_size(dtype))
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "input '%s'%s: data is not aligned to its %zu-byte "
                        "elements",
                        v->name, what, onnxc_dtype_size(dtype));
    return NULL;
}

/* A binding of kind `kind` to input v, or why it cannot be. */
static onnxc_status *check_kind(const oc_value *v, onnxc_kind kind)
{
    bool ok = kind == ONNXC_KIND_NONE ? v->kind == ONNXC_KIND_OPTIONAL
                                      : v->elem_kind == kind;
    if (ok)
        return NULL;
    return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                    "input '%s' is %s%s%s; it cannot be bound to %s", v->name,
                    oc_kind_name(v->kind),
                    v->kind == ONNXC_KIND_OPTIONAL ? " of " : "",
                    v->kind == ONNXC_KIND_OPTIONAL ? oc_kind_name(v->elem_kind) : "",
                    oc_kind_name(kind));
}

onnxc_status *onnxc_session_bind_input(onnxc_session *s, size_t index,
                                       onnxc_dtype dtype, const int64_t *dims,
                                       size_t rank, const void *data)
{
    onnxc_status *err;
    const oc_value *v = input_value(s, index, &err);
    if (!v || (err = check_kind(v, ONNXC_KIND_TENSOR)) ||
        (err = check_tensor(s, v, "", dtype, dims, rank, data)))
        return err;
    input_binding *b = &s->inputs[index];
    b->bound = true;
    b->kind = ONNXC_KIND_TENSOR;
    b->seq = NULL;
    b->dtype = dtype;
    b->rank = (int)rank;
    memset(b->dims, 0, sizeof b->dims);
    if (rank)
        memcpy(b->dims, dims, rank * sizeof *dims);
    b->data = data;
    return NULL;
}

/* Binds input `index` to a sequence or to nothing (seq NULL). */
static void bind_other(onnxc_session *s, size_t index, const oc_sequence *seq,
                       onnxc_dtype dtype)
{
    input_binding *b = &s->inputs[index];
    b->bound = true;
    b->kind = seq ? ONNXC_KIND_SEQUENCE : ONNXC_KIND_NONE;
    b->seq = seq;
    b->dtype = dtype;
    b->rank = 0;
    b->data = NULL;
}

onnxc_status *onnxc_session_bind_input_sequence(onnxc_session *s, size_t index,
                                                const onnxc_tensor_view *items,
                                                size_t count)
{
    onnxc_status *err;
    const oc_value *v = input_value(s, index, &err);
    if (!v || (err = check_kind(v, ONNXC_KIND_SEQUENCE)))
        return err;
    if (count && !items)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "input '%s': items is NULL",
                        v->name);
    for (size_t k = 0; k < count; k++) {
        char what[64];
        snprintf(what, sizeof what, " (tensor %zu of %zu)", k, count);
        if ((err = check_tensor(s, v, what, items[k].dtype, items[k].dims,
                                items[k].rank < 0 ? SIZE_MAX : (size_t)items[k].rank,
                                items[k].data)))
            return err;
    }
    if (count > s->bound_cap[index]) {
        oc_tensor *grown = calloc(count, sizeof *grown);
        if (!grown)
            return oc_no_memory();
        free(s->bound_items[index]);
        s->bound_items[index] = grown;
        s->bound_cap[index] = count;
    }
    oc_tensor *t = s->bound_items[index];
    for (size_t k = 0; k < count; k++) {
        memset(&t[k], 0, sizeof t[k]);
        t[k].dtype = items[k].dtype;
        t[k].rank = items[k].rank;
        if (t[k].rank)
            memcpy(t[k].dims, items[k].dims, (size_t)t[k].rank * sizeof *t[k].dims);
        t[k].data = items[k].data ? (void *)items[k].data : (void *)no_bytes;
    }
    s->bound_seq[index].count = count;
    s->bound_seq[index].items = t;
    bind_other(s, index, &s->bound_seq[index], v->dtype);
    return NULL;
}

onnxc_status *onnxc_session_bind_input_none(onnxc_session *s, size_t index)
{
    onnxc_status *err;
    const oc_value *v = input_value(s, index, &err);
    if (!v || (err = check_kind(v, ONNXC_KIND_NONE)))
        return err;
    bind_other(s, index, NULL, v->dtype);
    return NULL;
}

onnxc_status *oc_session_bind_value(onnxc_session *s, size_t index,
                                    const oc_tensor *t)
{
    onnxc_status *err;
    const oc_value *v = input_value(s, index, &err);
    if (!v)
        return err;
    if (!t->seq && !t->none)
        return onnxc_session_bind_input(s, index, t->dtype, t->dims,
                                        (size_t)t->rank, t->data);
    if ((err = check_kind(v, t->none ? ONNXC_KIND_NONE : ONNXC_KIND_SEQUENCE)))
        return err;
    if (t->seq && t->dtype != v->dtype)
        return oc_error(ONNXC_ERR_SHAPE, "input '%s' expects a sequence of %s, "
                        "got one of %s",
                        v->name, onnxc_dtype_name(v->dtype),
                        onnxc_dtype_name(t->dtype));
    bind_other(s, index, t->none ? NULL : t->seq, v->dtype);
    return NULL;
}

onnxc_status *onnxc_session_bind_output(onnxc_session *s, size_t index,
                                        void *data, size_t bytes)
{
    if (!s)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "session is NULL");
    if (index >= (size_t)s->g->n_outputs)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "output index %zu is out of range (the model has %d "
                        "outputs)",
                        index, s->g->n_outputs);
    s->outputs[index].data = data;
    s->outputs[index].bytes = data ? bytes : 0;
    s->has_run = false;  /* views of the old output would now lie */
    return NULL;
}

/* Points the values of segment k at their memory for this run (and,
 * for the first, the graph's inputs and initializers). */
static onnxc_status *place_tensors(onnxc_session *s, int k)
{
    const oc_graph *g = s->g;
    const plan_segment *seg = &s->segments[k];
    for (int v = 0; k == 0 && v < g->n_values; v++)
        if (g->values[v].flags & OC_VALUE_INITIALIZER)
            s->tensors[v].data =
                g->values[v].data || oc_tensor_count(&s->tensors[v])
                    ? (void *)g->values[v].data   /* NULL: released, packed */
                    : (void *)no_bytes;
    for (int i = 0; k == 0 && i < g->n_inputs; i++) {
        int v = g->inputs[i];
        const input_binding *b = &s->inputs[i];
        if (!b->bound)
            continue;
        s->tensors[v].data = b->data ? (void *)b->data : (void *)no_bytes;
        s->tensors[v].seq = b->seq;
        s->tensors[v].none = b->kind == ONNXC_KIND_NONE;
    }
    for (int i = seg->first; i < seg->end; i++) {
        const oc_node *n = &g->nodes[i];
        /* An all-empty plan has no arena: its tensors have no bytes, but
         * they still get an address, so that a kernel's memcpy of zero
         * bytes never sees NULL (undefined behaviour in C). */
        for (int j = 0; j < n->n_outputs; j++) {
            int v = n->outputs[j];
            if (v >= 0 && s->buffer_of[v] >= 0)
                s->tensors[v].data =
                    s->arena ? s->arena + s->buffers[s->buffer_of[v]].offset
                             : (void *)no_bytes;
        }
        s->run[i].workspace =
            s->scratch_of[i] >= 0 && s->arena
                ? s->arena + s->buffers[s->scratch_of[i]].offset
                : NULL;
    }
    for (int i = 0; i < g->n_outputs; i++) {
        const output_binding *o = &s->outputs[i];
        const oc_value *val = &g->values[g->outputs[i]];
        const oc_tensor *t = &s->tensors[g->outputs[i]];
        size_t bytes;
        if (!o->data || val->producer < seg->first || val->producer >= seg->end ||
            g->nodes[val->producer].op->data_dependent ||
            val->kind != ONNXC_KIND_TENSOR)
            continue;   /* copied after the run */
        oc_tensor_bytes(t->dtype, t->dims, t->rank, &bytes);
        if (o->bytes < bytes)
            return oc_error(ONNXC_ERR_SHAPE,
                            "output '%s' needs %zu bytes; its buffer has %zu",
                            val->name, bytes, o->bytes);
        /* Write straight into the caller's buffer when a node produces
         * the output. */
        s->tensors[g->outputs[i]].data = o->data;
    }
    return NULL;
}

/* The outputs bound to the caller's buffers that no node wrote there (a
 * graph input passed through, a data-dependent node's): copied. */
static onnxc_status *copy_outputs(onnxc_session *s)
{
    const oc_graph *g = s->g;
    for (int i = 0; i < g->n_outputs; i++) {
        const output_binding *o = &s->outputs[i];
        oc_tensor *t = &s->tensors[g->outputs[i]];
        size_t bytes;
        if (!o->data || t->data == o->data || t->seq || t->none)
            continue;
        oc_tensor_bytes(t->dtype, t->dims, t->rank, &bytes);
        if (o->bytes < bytes)
            return oc_error(ONNXC_ERR_SHAPE,
                            "output '%s' needs %zu bytes; its buffer has %zu",
                            g->values[g->outputs[i]].name, bytes, o->bytes);
        if (bytes)
            memmove(o->data, t->data, bytes);
        t->data = o->data;
    }
    return NULL;
}

static double clock_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The nodes in order, planning each segment as the run reaches it. */
static onnxc_status *run_nodes(onnxc_session *s)
{
    const oc_graph *g = s->g;
    onnxc_status *err;
    int k = 0;
    if ((err = place_tensors(s, 0)))
        return err;
    if (s->timing)
        for (int i = 0; i < g->n_nodes; i++)
            s->timing[i].last = 0;
    if (s->pool_owned)
        oc_thread_pool_begin(s->pool);
    for (int i = 0; !err && i < g->n_nodes; i++) {
        if (i == s->segments[k].end) {
            unsigned char *arena = s->arena;
            if ((err = oc_session_next_segment(s, ++k)))
                break;
            /* a grown arena moved the segments before too */
            for (int j = arena == s->arena ? k : 0; !err && j <= k; j++)
                err = place_tensors(s, j);
            if (err)
                break;
        }
        if (s->at_plan[i])
            continue;
        const oc_node *n = &g->nodes[i];
        for (int j = 0; n->op->any_kind && j < n->n_outputs; j++)
            if (n->outputs[j] >= 0 && g->values[n->outputs[j]].kind != ONNXC_KIND_TENSOR)
                s->tensors[n->outputs[j]] =
                    (oc_tensor){.dtype = g->values[n->outputs[j]].dtype};
        if (!s->timing) {
            err = g->nodes[i].op->run(&s->run[i]);
            continue;
        }
        double t0 = clock_seconds();
        err = g->nodes[i].op->run(&s->run[i]);
        s->timing[i].last = clock_seconds() - t0;
        s->timing[i].total += s->timing[i].last;
        s->timing[i].runs++;
    }
    if (s->pool_owned)
        oc_thread_pool_end(s->pool);
    return err;
}

onnxc_status *onnxc_session_run(onnxc_session *s)
{
    if (!s)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "session is NULL");
    const oc_graph *g = s->g;
    onnxc_status *err;
    bool replan = !s->has_plan;
    s->has_run = false;
    if (s->budget == &s->iterations_left)   /* the outermost session */
        s->iterations_left = s->max_iterations ? s->max_iterations : -1;
    for (int i = 0; i < g->n_inputs; i++) {
        const oc_value *v = &g->values[g->inputs[i]];
        if (!s->inputs[i].bound && !(v->flags & OC_VALUE_INITIALIZER))
            return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                            "input '%s' is not bound", v->name);
        input_binding def;
        const input_binding *b = input_shape(s, i, &def);
        replan = replan || !same_shape(b, &s->planned[i]) ||
                 (s->value_input[i] && !same_contents(s, i, b));
    }
    if (replan) {
        for (int i = 0; i < g->n_inputs; i++)
            s->shapes[i] = *input_shape(s, i, &s->shapes[i]);
        if ((err = oc_session_plan(s, s->shapes)))
            return err;
    }
    if ((err = run_nodes(s)))
        return err;  /* names the node; the next run starts afresh */
    if ((err = copy_outputs(s)))
        return err;
    s->has_run = true;
    return NULL;
}

onnxc_status *onnxc_session_output(const onnxc_session *s, size_t index,
                                   onnxc_tensor_view *view)
{
    if (!s || !view)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "session or view is NULL");
    if (index >= (size_t)s->g->n_outputs)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "output index %zu is out of range (the model has %d "
                        "outputs)",
                        index, s->g->n_outputs);
    if (!s->has_run)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "no outputs: the session has not run since its last "
                        "change");
    const oc_tensor *t = &s->tensors[s->g->outputs[index]];
    if (t->seq || t->none)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "output '%s' is %s: read it with "
                        "onnxc_session_output_kind%s",
                        s->g->values[s->g->outputs[index]].name,
                        t->seq ? "a sequence" : "an optional holding nothing",
                        t->seq ? " and onnxc_session_output_item" : "");
    view->dtype = t->dtype;
    view->rank = t->rank;
    view->dims = t->dims;
    view->data = t->data;
    oc_tensor_bytes(t->dtype, t->dims, t->rank, &view->bytes);
    return NULL;
}

/* Output `index` of the last run, any kind; NULL with *err set when
 * there is none. */
static const oc_tensor *output_value(const onnxc_session *s, size_t index,
                                     onnxc_status **err)
{
    *err = NULL;
    if (!s)
        *err = oc_error(ONNXC_ERR_INVALID_ARGUMENT, "session is NULL");
    else if (index >= (size_t)s->g->n_outputs)
        *err = oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "output index %zu is out of range (the model has %d "
                        "outputs)",
                        index, s->g->n_outputs);
    else if (!s->has_run)
        *err = oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "no outputs: the session has not run since its last "
                        "change");
    return *err ? NULL : &s->tensors[s->g->outputs[index]];
}

onnxc_status *onnxc_session_output_kind(const onnxc_session *s, size_t index,
                                        onnxc_kind *kind, size_t *count)
{
    onnxc_status *err;
    const oc_tensor *t = output_value(s, index, &err);
    if (!t)
        return err;
    if (!kind)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "kind is NULL");
    *kind = t->seq ? ONNXC_KIND_SEQUENCE
            : t->none ? ONNXC_KIND_NONE
                      : ONNXC_KIND_TENSOR;
    if (count)
        *count = t->seq ? t->seq->count : t->none ? 0 : 1;
    return NULL;
}

onnxc_status *onnxc_session_output_item(const onnxc_session *s, size_t index,
                                        size_t item, onnxc_tensor_view *view)
{
    onnxc_status *err;
    const oc_tensor *t = output_value(s, index, &err);
    if (!t)
        return err;
    if (!view || !t->seq || item >= t->seq->count)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "output '%s': %s",
                        s->g->values[s->g->outputs[index]].name,
                        !view ? "view is NULL"
                        : !t->seq ? "not a sequence"
                                  : "item out of range");
    const oc_tensor *e = &t->seq->items[item];
    view->dtype = e->dtype;
    view->rank = e->rank;
    view->dims = e->dims;
    view->data = e->data;
    oc_tensor_bytes(e->dtype, e->dims, e->rank, &view->bytes);
    return NULL;
}

const oc_tensor *oc_session_output_value(const onnxc_session *s, size_t index)
{
    onnxc_status *err;
    const oc_tensor *t = output_value(s, index, &err);
    onnxc_status_free(err);
    return t;
}

onnxc_status *onnxc_session_plan_stats(const onnxc_session *s,
                                       onnxc_plan_stats *stats)
{
    if (!s || !stats)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "session or stats is NULL");
    if (!s->has_plan)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "the session has no plan yet: run it first");
    *stats = s->stats;
    return NULL;
}

size_t onnxc_session_node_count(const onnxc_session *s)
{
    return s ? (size_t)s->g->n_nodes : 0;
}

onnxc_status *onnxc_session_node_op_type(const onnxc_session *s, size_t index,
                                         const char **op_type)
{
    if (!s || !op_type)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "session or op_type is NULL");
    if (index >= (size_t)s->g->n_nodes)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "node %zu of a program of %d nodes", index,
                        s->g->n_nodes);
    *op_type = s->g->nodes[index].op->op_type;
    return NULL;
}

onnxc_status *onnxc_session_node_profile(const onnxc_session *s, size_t index,
                                         onnxc_node_profile *profile)
{
    if (!s || !profile)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "session or profile is NULL");
    if (!s->timing)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "the session was created without profiling "
                        "(onnxc_session_options_set_profiling)");
    if (index >= (size_t)s->g->n_nodes)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "node %zu of a program of %d nodes", index,
                        s->g->n_nodes);
    if (!s->has_run)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "no profile: the session has not run since its last "
                        "change");
    const oc_run_ctx *ctx = &s->run[index];
    const oc_op *op = ctx->node->op;
    const oc_tensor *y = ctx->n_out > 0 ? ctx->out[0] : NULL;
    const node_timing *t = &s->timing[index];
    profile->name = ctx->node->label;
    profile->op_type = op->op_type;
    profile->seconds = t->last;
    profile->total_seconds = t->total;
    profile->runs = t->runs;
    profile->flops = op->flops && !s->at_plan[index] ? op->flops(ctx) : 0;
    profile->rank = y ? y->rank : 0;
    profile->dims = y ? y->dims : NULL;
    return NULL;
}
