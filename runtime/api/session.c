/*
 * session.c - binding inputs, planning memory for their shapes, running.
 *
 * Everything a run needs is allocated at creation, sized by the graph.
 * The only later allocation is the runtime-owned arena growing when a new
 * set of input shapes needs more; with a caller-owned arena there is none.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/graph/op.h"
#include "runtime/core/big_alloc.h"
#include "runtime/api/model.h"
#include "runtime/api/session.h"
#include "runtime/core/status.h"

static const char *symbol_name(const oc_graph *g, int sym)
{
    return g->symbols[sym] ? g->symbols[sym] : "?";
}

/* The input shapes this run binds: the bindings, or defaults from the
 * initializers of optional inputs. */
static const input_binding *input_shape(const onnxc_session *s, int i,
                                        input_binding *scratch)
{
    if (s->inputs[i].bound)
        return &s->inputs[i];
    const oc_value *v = &s->g->values[s->g->inputs[i]];
    scratch->bound = true;
    scratch->dtype = v->dtype;
    scratch->rank = v->shape.rank;
    for (int d = 0; d < v->shape.rank; d++)
        scratch->dims[d] = v->shape.dims[d].value;
    scratch->data = v->data;
    return scratch;
}

/* Binds each symbolic dim to its value in `shapes`, checking that every
 * input agrees with the options and with the others. */
static onnxc_status *bind_symbols(onnxc_session *s, const input_binding *shapes)
{
    const oc_graph *g = s->g;
    for (int k = 0; k < g->n_symbols; k++) {
        s->sym_values[k] = s->fixed_syms[k];
        s->sym_source[k] = -1;
    }
    for (int i = 0; i < g->n_inputs; i++) {
        const oc_value *v = &g->values[g->inputs[i]];
        for (int d = 0; d < v->shape.rank && d < shapes[i].rank; d++) {
            int sym = v->shape.dims[d].sym;
            if (sym < 0)
                continue;
            int64_t got = shapes[i].dims[d];
            if (s->sym_values[sym] < 0) {
                s->sym_values[sym] = got;
                s->sym_source[sym] = i;
            } else if (s->sym_values[sym] != got) {
                int src = s->sym_source[sym];
                return oc_error(
                    ONNXC_ERR_SHAPE,
                    "input '%s' has %s = %lld at dim %d, but %s%s%s sets it "
                    "to %lld",
                    v->name, symbol_name(g, sym), (long long)got, d,
                    src < 0 ? "the session options" : "input '",
                    src < 0 ? "" : g->values[g->inputs[src]].name,
                    src < 0 ? "" : "'", (long long)s->sym_values[sym]);
            }
        }
    }
    return NULL;
}

static void type_of(const oc_tensor *t, oc_type *type)
{
    type->dtype = t->dtype;
    type->shape.rank = t->rank;
    for (int d = 0; d < t->rank; d++)
        type->shape.dims[d] = dim_known(t->dims[d]);
}

/* What infer may see of an input's contents at plan time: those of
 * initializers and, for value inputs, of whatever is bound. An empty
 * tensor's data may be NULL, which would read as "unknown". */
static const void *known_data(const oc_tensor *t)
{
    static const int64_t empty;
    return t->data ? t->data : &empty;
}

/* Values the plan computes ahead that do not decide shapes are kept
 * small: a large one (a mask of the sequence length squared) is better
 * computed in the arena at each run. */
#define PLAN_VALUE_MAX_BYTES 65536

/* Whether the plan knows what n reads: constants, plan-time values, the
 * contents of graph inputs it plans for, and shapes. */
static bool inputs_known(const onnxc_session *s, const oc_node *n)
{
    for (int k = 0; k < n->n_inputs; k++) {
        int v = n->inputs[k];
        if (v >= 0 && !(n->op->shape_inputs >> k & 1) && !s->known[v])
            return false;
    }
    return true;
}

/* Whether the plan computes n's outputs now: every one is a plan-time
 * value, the plan knows the inputs, and they decide a shape or (with
 * folding) are small. */
static bool compute_at_plan(const onnxc_session *s, const oc_node *n)
{
    const oc_graph *g = s->g;
    bool decides = false;
    size_t total = 0, bytes;
    for (int k = 0; k < n->n_outputs; k++) {
        int v = n->outputs[k];
        if (v < 0)
            continue;
        const oc_tensor *t = &s->tensors[v];
        if (!(g->values[v].flags & OC_VALUE_PLAN_TIME))
            return false;
        decides = decides || (g->values[v].flags & OC_VALUE_DECIDES_SHAPE);
        oc_tensor_bytes(t->dtype, t->dims, t->rank, &bytes);
        total = bytes > SIZE_MAX - total ? SIZE_MAX : total + bytes;
    }
    return inputs_known(s, n) &&
           (decides || (s->fold && total <= PLAN_VALUE_MAX_BYTES));
}

/* Runs node i into the value store; the node then does not run, unless
 * it writes a graph output or folding is off. */
static onnxc_status *compute_node(onnxc_session *s, int i, bool *fits)
{
    const oc_graph *g = s->g;
    const oc_node *n = &g->nodes[i];
    oc_run_ctx ctx = s->run[i];
    onnxc_status *err = oc_eval_node(&ctx, &s->values, fits);
    if (err || !*fits)
        return err;
    bool runs = !s->fold;
    for (int k = 0; k < n->n_outputs; k++)
        if (n->outputs[k] >= 0) {
            s->known[n->outputs[k]] = true;
            runs = runs || (g->values[n->outputs[k]].flags & OC_VALUE_OUTPUT);
        }
    s->at_plan[i] = !runs;
    s->stats.nodes_at_plan += !runs;
    return NULL;
}

/* Concrete shapes for every value, from the inputs through each node;
 * the values the plan knows, computed. *fits is false when the value
 * store was too small (start again once it has grown). */
static onnxc_status *infer_concrete(onnxc_session *s, const input_binding *shapes,
                                    bool *fits)
{
    const oc_graph *g = s->g;
    *fits = true;
    s->stats.nodes_at_plan = 0;
    for (int v = 0; v < g->n_values; v++) {
        const oc_value *val = &g->values[v];
        s->known[v] = oc_value_is_constant(val) && val->data;
        if (val->flags & OC_VALUE_INITIALIZER) {
            oc_tensor *t = &s->tensors[v];
            t->dtype = val->dtype;
            t->rank = val->shape.rank;
            for (int d = 0; d < t->rank; d++)
                t->dims[d] = val->shape.dims[d].value;
            t->data = (void *)val->data;
        }
    }
    for (int i = 0; i < g->n_inputs; i++) {
        oc_tensor *t = &s->tensors[g->inputs[i]];
        t->dtype = shapes[i].dtype;
        t->rank = shapes[i].rank;
        memcpy(t->dims, shapes[i].dims, sizeof t->dims);
        t->data = (void *)shapes[i].data;
        s->known[g->inputs[i]] = s->value_input[i];
    }
    for (int i = 0; i < g->n_nodes; i++) {
        const oc_node *n = &g->nodes[i];
        s->at_plan[i] = false;
        oc_type *types = s->in_types, *out = s->out_types;
        for (int k = 0; k < n->in_slots; k++) {
            int v = k < n->n_inputs ? n->inputs[k] : -1;
            s->in_type[k] = NULL;
            if (v < 0)
                continue;
            const oc_value *val = &g->values[v];
            memset(&types[k], 0, sizeof types[k]);
            type_of(&s->tensors[v], &types[k]);
            if (oc_value_is_constant(val))
                types[k].data = val->data;
            else if (s->known[v] || (n->op->value_inputs >> k & 1))
                types[k].data = known_data(&s->tensors[v]);
            s->in_type[k] = &types[k];
        }
        for (int k = 0; k < n->out_slots; k++) {
            memset(&out[k], 0, sizeof out[k]);
            out[k].shape.rank = -1;
            s->out_type[k] = &out[k];
        }
        oc_infer_ctx ctx = {.node = n, .params = n->params,
                            .n_in = n->n_inputs, .n_out = n->n_outputs,
                            .in = s->in_type, .out = s->out_type,
                            .concrete = true};
        onnxc_status *err = n->op->infer(&ctx);
        if (err)
            return err;
        for (int k = 0; k < n->n_outputs; k++) {
            if (n->outputs[k] < 0)
                continue;
            oc_tensor *y = &s->tensors[n->outputs[k]];
            y->dtype = out[k].dtype;
            y->rank = out[k].shape.rank;
            for (int d = 0; d < out[k].shape.rank; d++)
                y->dims[d] = out[k].shape.dims[d].value;
            size_t bytes;
            char dims[128];
            if (y->rank < 0 || !oc_tensor_bytes(y->dtype, y->dims, y->rank, &bytes))
                return oc_error(ONNXC_ERR_SHAPE,
                                "node '%s' (%s): output '%s' of shape %s is "
                                "too large",
                                n->label, n->op_type,
                                g->values[n->outputs[k]].name,
                                oc_dims_format(y->dims, y->rank, dims, sizeof dims));
        }
        if (compute_at_plan(s, n) &&
            ((err = compute_node(s, i, fits)) || !*fits))
            return err;
    }
    return NULL;
}

/* One buffer per value a node produces, except that an in-place op's
 * output takes over its input's buffer when the input dies there. */
static onnxc_status *make_buffers(onnxc_session *s)
{
    const oc_graph *g = s->g;
    int end = g->n_nodes;  /* outputs stay alive past the last node */
    s->n_buffers = 0;
    s->stats.tensors = 0;
    s->stats.in_place = 0;
    s->stats.no_reuse_bytes = 0;
    for (int v = 0; v < g->n_values; v++)
        s->buffer_of[v] = -1;
    for (int i = 0; i < g->n_nodes; i++)
    for (int k = 0; k < g->nodes[i].n_outputs; k++) {
        const oc_node *n = &g->nodes[i];
        int v = n->outputs[k];
        if (v < 0 || s->at_plan[i])
            continue;
        const oc_value *val = &g->values[v];
        const oc_tensor *t = &s->tensors[v];
        size_t bytes, size;
        if (!oc_tensor_bytes(t->dtype, t->dims, t->rank, &bytes) ||
            !oc_plan_align(bytes, &size) ||
            s->stats.no_reuse_bytes > SIZE_MAX - size)
            return oc_error(ONNXC_ERR_NO_MEMORY,
                            "value '%s': the plan's sizes overflow", val->name);
        int last = (val->flags & OC_VALUE_OUTPUT) ? end
                   : val->last_use >= 0           ? val->last_use
                                                  : i;
        s->stats.tensors++;
        s->stats.no_reuse_bytes += size;

        int u = n->inputs[0];
        if (k == 0 && n->op->in_place && u >= 0 && s->buffer_of[u] >= 0 &&
            !(g->values[u].flags & OC_VALUE_OUTPUT) &&
            g->values[u].last_use == i && s->buffers[s->buffer_of[u]].size == size) {
            int b = s->buffer_of[u];
            s->buffer_of[v] = b;
            s->buffers[b].last = last;
            s->stats.in_place++;
            continue;
        }
        plan_buffer *b = &s->buffers[s->n_buffers];
        b->size = size;
        b->first = i;
        b->last = last;
        b->offset = 0;
        s->buffer_of[v] = (int)s->n_buffers++;
    }
    /* Kernel scratch (packed panels) lives only during its node's step. */
    for (int i = 0; i < g->n_nodes; i++) {
        const oc_node *n = &g->nodes[i];
        size_t bytes = 0, size;
        s->scratch_of[i] = -1;
        s->run[i].pool = s->pool;
        s->run[i].threads = s->threads;
        s->run[i].workspace = NULL;
        if (n->op->workspace && !s->at_plan[i])
            bytes = n->op->workspace(&s->run[i]);
        if (!bytes)
            continue;
        if (!oc_plan_align(bytes, &size))
            return oc_error(ONNXC_ERR_NO_MEMORY,
                            "node '%s': its scratch size overflows", n->label);
        plan_buffer *b = &s->buffers[s->n_buffers];
        b->size = size;
        b->first = b->last = i;
        b->offset = 0;
        s->scratch_of[i] = (int)s->n_buffers++;
    }
    return NULL;
}

/* The bytes of a value input, which must fit the copy the plan keeps. */
static onnxc_status *value_bytes(const onnxc_session *s, int i,
                                 const input_binding *b, size_t *bytes)
{
    if (!oc_tensor_bytes(b->dtype, b->dims, b->rank, bytes) ||
        *bytes > SESSION_MAX_VALUE_BYTES)
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "input '%s' decides shapes (Reshape's shape or the "
                        "like) and is larger than %d bytes",
                        s->g->values[s->g->inputs[i]].name,
                        SESSION_MAX_VALUE_BYTES);
    return NULL;
}

static onnxc_status *keep_contents(const onnxc_session *s, int i,
                                   input_binding *b)
{
    size_t bytes;
    onnxc_status *err = value_bytes(s, i, b, &bytes);
    if (!err && bytes)
        memcpy(b->contents, b->data, bytes);
    return err;
}

/* Whether a value input's contents changed since the plan: then so may
 * the shapes, and the plan is made again. */
static bool same_contents(const onnxc_session *s, int i, const input_binding *b)
{
    size_t bytes;
    onnxc_status *err = value_bytes(s, i, b, &bytes);
    if (err) {
        onnxc_status_free(err);  /* plan() reports it */
        return false;
    }
    return bytes == 0 || memcmp(s->planned[i].contents, b->data, bytes) == 0;
}

/* For a refusal of the arena: the largest tensor the plan holds, named
 * with the node making it ("" when none). */
static const char *largest_tensor(const onnxc_session *s, char *what,
                                  size_t size)
{
    const oc_graph *g = s->g;
    int best = -1;
    size_t most = 0;
    what[0] = 0;
    for (int v = 0; v < g->n_values; v++) {
        int b = s->buffer_of[v];
        if (b >= 0 && s->buffers[b].size > most) {
            most = s->buffers[b].size;
            best = v;
        }
    }
    if (best < 0)
        return what;
    const oc_value *val = &g->values[best];
    snprintf(what, size, " (the largest, %zu bytes: '%s' from node '%s')",
             most, val->name,
             val->producer >= 0 ? g->nodes[val->producer].label : "?");
    return what;
}

static onnxc_status *plan(onnxc_session *s, const input_binding *shapes)
{
    onnxc_status *err;
    const oc_graph *g = s->g;
    s->has_plan = false;
    if ((err = bind_symbols(s, shapes)))
        return err;
    for (bool fits = false; !fits;) {
        oc_value_store_reset(&s->values);
        if ((err = infer_concrete(s, shapes, &fits)))
            return err;
        if (!fits && !oc_value_store_reserve(&s->values, s->values.need))
            return oc_error(ONNXC_ERR_NO_MEMORY,
                            "cannot allocate %zu bytes for the values the "
                            "plan computes", s->values.need);
    }
    if ((err = make_buffers(s)))
        return err;
    size_t need = oc_plan_assign_offsets(s->buffers, s->n_buffers, s->scratch);
    s->stats.arena_bytes = need;
    s->stats.lower_bound_bytes = oc_plan_lower_bound(s->buffers, s->n_buffers,
                                                  g->n_nodes + 1, s->scratch);
    if (need > s->arena_bytes) {
        if (!s->arena_owned)
            return oc_error(ONNXC_ERR_NO_MEMORY,
                            "these input shapes need a %zu-byte arena; the "
                            "caller's arena has %zu",
                            need, s->arena_bytes);
        char largest[400];
        if (s->arena_limit && need > s->arena_limit)
            return oc_error(ONNXC_ERR_NO_MEMORY,
                            "these input shapes need a %zu-byte arena, above "
                            "the session's limit of %zu%s",
                            need, s->arena_limit,
                            largest_tensor(s, largest, sizeof largest));
        unsigned char *arena = oc_big_alloc(PLAN_ALIGN, need);
        if (!arena)
            return oc_error(ONNXC_ERR_NO_MEMORY,
                            "cannot allocate a %zu-byte arena", need);
        free(s->arena);
        s->arena = arena;
        s->arena_bytes = need;
    }
    for (int i = 0; i < g->n_inputs; i++) {
        s->planned[i] = shapes[i];
        if (s->value_input[i] && (err = keep_contents(s, i, &s->planned[i])))
            return err;
    }
    s->stats.plans++;
    s->has_plan = true;
    return NULL;
}

static bool same_shape(const input_binding *a, const input_binding *b)
{
    return a->dtype == b->dtype && a->rank == b->rank &&
           memcmp(a->dims, b->dims, (size_t)a->rank * sizeof a->dims[0]) == 0;
}

void onnxc_session_free(onnxc_session *s)
{
    if (!s)
        return;
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
    free(s);
}

/* Fixes the symbols the options name; when that fixes every input shape,
 * plans right away so that runs at those shapes allocate nothing. */
static onnxc_status *apply_options(onnxc_session *s,
                                   const onnxc_session_options *o)
{
    const oc_graph *g = s->g;
    s->arena_owned = true;
    s->arena_limit = ONNXC_DEFAULT_ARENA_LIMIT;
    s->threads = 1;
    if (!o)
        return NULL;
    s->arena_limit = o->arena_limit;
    onnxc_status *err = oc_thread_pool_create(o->threads, &s->pool);
    if (err)
        return err;
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
        if (v->shape.rank < 0)
            return NULL;
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
    return plan(s, s->shapes);
}

onnxc_status *onnxc_session_create(const onnxc_model *model,
                                   const onnxc_session_options *options,
                                   onnxc_session **session)
{
    if (!model || !session)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "model or session is NULL");
    *session = NULL;
    static const oc_compile_options defaults = {ONNXC_OPTIMIZE_ALL,
                                                ONNXC_KERNELS_AUTO};
    const oc_graph *g;
    onnxc_status *err = oc_model_program(
        model, options ? &options->compile : &defaults, &g);
    if (err)
        return err;
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
    s->model = model;
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
    if (!s->tensors || !s->node_in || !s->node_out || !s->run ||
        !s->in_types || !s->out_types || !s->in_type || !s->out_type ||
        !s->value_input || !s->known || !s->at_plan ||
        !s->inputs || !s->planned || !s->shapes || !s->outputs || !s->fixed_syms ||
        !s->sym_values || !s->sym_source || !s->buffer_of || !s->buffers ||
        !s->scratch_of ||
        !s->scratch) {
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
    for (size_t j = 0; j < ni; j++)
        s->value_input[j] =
            (g->values[g->inputs[j]].flags & OC_VALUE_DECIDES_SHAPE) != 0;
    s->fold = (options ? options->compile.optimize : defaults.optimize) &
              ONNXC_OPTIMIZE_FOLD;
    if ((err = apply_options(s, options)))
        goto fail;

    *session = s;
    return NULL;
fail:
    onnxc_session_free(s);
    return err;
}

onnxc_status *onnxc_session_bind_input(onnxc_session *s, size_t index,
                                       onnxc_dtype dtype, const int64_t *dims,
                                       size_t rank, const void *data)
{
    if (!s)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "session is NULL");
    const oc_graph *g = s->g;
    if (index >= (size_t)g->n_inputs)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "input index %zu is out of range (the model has %d "
                        "inputs)",
                        index, g->n_inputs);
    const oc_value *v = &g->values[g->inputs[index]];
    char want[128], got[128];
    if (rank > ONNXC_MAX_RANK || (rank && !dims))
        return oc_error(ONNXC_ERR_SHAPE,
                        "input '%s': rank %zu is above the supported maximum "
                        "%d or its dims are NULL",
                        v->name, rank, ONNXC_MAX_RANK);
    if (dtype != v->dtype)
        return oc_error(ONNXC_ERR_SHAPE, "input '%s' expects %s, got %s",
                        v->name, onnxc_dtype_name(v->dtype),
                        onnxc_dtype_name(dtype));
    size_t bytes;
    if (!oc_tensor_bytes(dtype, dims, (int)rank, &bytes))
        return oc_error(ONNXC_ERR_SHAPE,
                        "input '%s': shape %s has a negative dim or too many "
                        "elements",
                        v->name, oc_dims_format(dims, (int)rank, got, sizeof got));
    bool ok = v->shape.rank < 0 || v->shape.rank == (int)rank;
    for (int d = 0; ok && d < v->shape.rank; d++)
        ok = !dim_is_known(v->shape.dims[d]) ||
             v->shape.dims[d].value == dims[d];
    if (!ok)
        return oc_error(ONNXC_ERR_SHAPE,
                        "input '%s' expects shape %s, got %s", v->name,
                        oc_shape_format(&v->shape, g->symbols, want, sizeof want),
                        oc_dims_format(dims, (int)rank, got, sizeof got));
    if (!data && bytes)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "input '%s': data is NULL",
                        v->name);
    /* Kernels load whole elements: misaligned data is undefined behaviour. */
    if ((uintptr_t)data % onnxc_dtype_size(dtype))
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "input '%s': data is not aligned to its %zu-byte "
                        "elements",
                        v->name, onnxc_dtype_size(dtype));
    input_binding *b = &s->inputs[index];
    b->bound = true;
    b->dtype = dtype;
    b->rank = (int)rank;
    memset(b->dims, 0, sizeof b->dims);
    if (rank)
        memcpy(b->dims, dims, rank * sizeof *dims);
    b->data = data;
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

/* Points every value at its memory for this run. */
static onnxc_status *place_tensors(onnxc_session *s)
{
    const oc_graph *g = s->g;
    for (int v = 0; v < g->n_values; v++) {
        const oc_value *val = &g->values[v];
        /* An all-empty plan has no arena: its tensors have no bytes. */
        if (s->buffer_of[v] >= 0)
            s->tensors[v].data =
                s->arena ? s->arena + s->buffers[s->buffer_of[v]].offset : NULL;
        else if (val->flags & OC_VALUE_INITIALIZER)
            s->tensors[v].data = (void *)val->data;
    }
    for (int i = 0; i < g->n_inputs; i++) {
        int v = g->inputs[i];
        if (s->inputs[i].bound)
            s->tensors[v].data = (void *)s->inputs[i].data;
    }
    for (int i = 0; i < g->n_nodes; i++)
        s->run[i].workspace =
            s->scratch_of[i] >= 0 && s->arena
                ? s->arena + s->buffers[s->scratch_of[i]].offset
                : NULL;
    for (int i = 0; i < g->n_outputs; i++) {
        const output_binding *o = &s->outputs[i];
        const oc_tensor *t = &s->tensors[g->outputs[i]];
        size_t bytes;
        oc_tensor_bytes(t->dtype, t->dims, t->rank, &bytes);
        if (o->data && o->bytes < bytes)
            return oc_error(ONNXC_ERR_SHAPE,
                            "output '%s' needs %zu bytes; its buffer has %zu",
                            g->values[g->outputs[i]].name, bytes, o->bytes);
        /* Write straight into the caller's buffer when a node produces the
         * output; a pass-through output is copied after the run. */
        if (o->data && g->values[g->outputs[i]].producer >= 0)
            s->tensors[g->outputs[i]].data = o->data;
    }
    return NULL;
}

onnxc_status *onnxc_session_run(onnxc_session *s)
{
    if (!s)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "session is NULL");
    const oc_graph *g = s->g;
    onnxc_status *err;
    bool replan = !s->has_plan;
    s->has_run = false;
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
        if ((err = plan(s, s->shapes)))
            return err;
    }
    if ((err = place_tensors(s)))
        return err;
    oc_thread_pool_begin(s->pool);
    for (int i = 0; !err && i < g->n_nodes; i++)
        if (!s->at_plan[i])
            err = g->nodes[i].op->run(&s->run[i]);
    oc_thread_pool_end(s->pool);
    if (err)
        return err;  /* names the node; the next run starts afresh */
    for (int i = 0; i < g->n_outputs; i++) {
        const output_binding *o = &s->outputs[i];
        oc_tensor *t = &s->tensors[g->outputs[i]];
        if (o->data && g->values[g->outputs[i]].producer < 0) {
            size_t bytes;
            oc_tensor_bytes(t->dtype, t->dims, t->rank, &bytes);
            if (bytes)
                memmove(o->data, t->data, bytes);
            t->data = o->data;
        }
    }
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
    view->dtype = t->dtype;
    view->rank = t->rank;
    view->dims = t->dims;
    view->data = t->data;
    oc_tensor_bytes(t->dtype, t->dims, t->rank, &view->bytes);
    return NULL;
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
