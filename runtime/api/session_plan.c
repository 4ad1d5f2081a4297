/*
 * session_plan.c - the session's plans: concrete shapes for a set of
 * input shapes, the values the plan computes ahead of the run, and the
 * memory of every tensor in the arena.
 *
 * A graph with nodes whose output shapes only their run gives (NonZero,
 * Unique, Compress: op->data_dependent) is planned in segments: the plan
 * stops after such a node, the run runs it, and the next segment is
 * planned from the shapes it gave, placed in the arena after the ones
 * before. A segment is kept while the shapes it was made for repeat, so
 * a run at seen shapes plans nothing and allocates nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/api/session.h"
#include "runtime/core/big_alloc.h"
#include "runtime/core/status.h"
#include "runtime/graph/op.h"

static const char *symbol_name(const oc_graph *g, int sym)
{
    return g->symbols[sym] ? g->symbols[sym] : "?";
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
    return NULL;
}

/* Whether input k of n decides a shape and is computed by the run: by a
 * node at or after `first` (then n waits for it: *in_segment), or by one
 * before (its contents key the segment). */
static bool run_value_input(const onnxc_session *s, const oc_node *n, int k,
                            int first, bool *in_segment)
{
    int v = k < n->n_inputs ? n->inputs[k] : -1;
    if (v < 0 || k >= 32 || !(n->op->value_inputs >> k & 1) || s->known[v])
        return false;
    int p = s->g->values[v].producer;
    if (p < 0 || s->at_plan[p])
        return false;
    *in_segment = p >= first;
    return true;
}

/* Notes value v (computed by an earlier segment's run) among those whose
 * contents key seg. */
static void add_key_value(plan_segment *seg, int v)
{
    for (int j = 0; j < seg->n_key_values; j++)
        if (seg->key_values[j] == v)
            return;
    if (seg->n_key_values == SEGMENT_KEY_VALUES)
        seg->key_overflow = true;
    else
        seg->key_values[seg->n_key_values++] = v;
}

/* Concrete shapes for the values of nodes [first, ...), from the inputs
 * (first 0) or the tensors of the nodes before; the values the plan
 * knows, computed. Stops after a node whose output shapes only its run
 * gives (op->data_dependent), *end the node after it, or before one that
 * reads a shape from contents the run computes, *end that node; else
 * *end is n_nodes.
 * *fits is false when the value store was too small (start again once it
 * has grown). */
static onnxc_status *infer_range(onnxc_session *s, const input_binding *shapes,
                                 int first, int *end, bool *fits)
{
    const oc_graph *g = s->g;
    *fits = true;
    *end = g->n_nodes;
    for (int v = 0; first == 0 && v < g->n_values; v++) {
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
    for (int i = 0; first == 0 && i < g->n_inputs; i++) {
        oc_tensor *t = &s->tensors[g->inputs[i]];
        t->seq = shapes[i].seq;
        t->none = shapes[i].kind == ONNXC_KIND_NONE;
        t->dtype = shapes[i].dtype;
        t->rank = shapes[i].rank;
        memcpy(t->dims, shapes[i].dims, sizeof t->dims);
        t->data = (void *)shapes[i].data;
        size_t bytes;
        s->known[g->inputs[i]] = oc_session_keeps_contents(s, i, &shapes[i],
                                                           &bytes);
    }
    plan_segment *seg = &s->segments[s->n_segments];
    seg->n_key_values = 0;
    seg->key_overflow = false;
    for (int i = first; i < g->n_nodes; i++) {
        const oc_node *n = &g->nodes[i];
        /* A shape that waits for contents this segment's run computes
         * (TopK's k from a ReduceMax): the plan stops before the node and
         * goes on once the run has reached it. */
        bool waits = false;
        for (int k = 0; k < n->in_slots; k++) {
            bool in_segment;
            if (!run_value_input(s, n, k, first, &in_segment))
                continue;
            if (in_segment)
                waits = true;
            else
                add_key_value(seg, n->inputs[k]);
        }
        if (waits && i > first) {
            *end = i;
            return NULL;
        }
        s->at_plan[i] = false;
        for (int k = 0; k < n->n_outputs; k++)
            if (n->outputs[k] >= 0)
                s->known[n->outputs[k]] = false;
        oc_type *types = s->in_types, *out = s->out_types;
        for (int k = 0; k < n->in_slots; k++) {
            int v = k < n->n_inputs ? n->inputs[k] : -1;
            s->in_type[k] = NULL;
            if (v < 0)
                continue;
            const oc_value *val = &g->values[v];
            memset(&types[k], 0, sizeof types[k]);
            type_of(&s->tensors[v], &types[k]);
            types[k].kind = val->kind;
            types[k].elem_kind = val->elem_kind;
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
            if (g->values[n->outputs[k]].kind != ONNXC_KIND_TENSOR)
                continue;   /* no memory of the plan's */
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
        if (n->op->data_dependent && !s->at_plan[i]) {
            *end = i + 1;   /* what follows is planned once it has run */
            return NULL;
        }
    }
    return NULL;
}

/* One buffer per value the nodes of segment seg produce, except that an
 * in-place op's output takes over its input's buffer when the input dies
 * there. Graph outputs, and values read after the segment, stay alive to
 * its end (a later segment never reuses its memory). */
static onnxc_status *make_buffers(onnxc_session *s, plan_segment *seg)
{
    const oc_graph *g = s->g;
    int end = seg->end;
    s->n_buffers = seg->first_buffer;
    seg->tensors = seg->in_place = 0;
    seg->no_reuse_bytes = 0;
    for (int v = 0; seg->first == 0 && v < g->n_values; v++)
        s->buffer_of[v] = -1;   /* inputs and constants have none */
    for (int i = seg->first; i < end; i++)
    for (int k = 0; k < g->nodes[i].n_outputs; k++)
        if (g->nodes[i].outputs[k] >= 0)
            s->buffer_of[g->nodes[i].outputs[k]] = -1;
    for (int i = seg->first; i < end; i++)
    for (int k = 0; k < g->nodes[i].n_outputs; k++) {
        const oc_node *n = &g->nodes[i];
        int v = n->outputs[k];
        if (v < 0 || s->at_plan[i] || n->op->owns_outputs ||
            g->values[v].kind != ONNXC_KIND_TENSOR)
            continue;   /* its producer holds it */
        const oc_value *val = &g->values[v];
        const oc_tensor *t = &s->tensors[v];
        size_t bytes, size;
        if (!oc_tensor_bytes(t->dtype, t->dims, t->rank, &bytes) ||
            !oc_plan_align(bytes, &size) ||
            seg->no_reuse_bytes > SIZE_MAX - size)
            return oc_error(ONNXC_ERR_NO_MEMORY,
                            "value '%s': the plan's sizes overflow", val->name);
        int last = (val->flags & OC_VALUE_OUTPUT) || val->last_use >= end
                       ? end
                   : val->last_use >= 0 ? val->last_use
                                        : i;
        seg->tensors++;
        seg->no_reuse_bytes += size;

        int u = n->inputs[0];
        if (k == 0 && n->op->in_place && u >= 0 &&
            s->buffer_of[u] >= (int)seg->first_buffer &&
            !(g->values[u].flags & OC_VALUE_OUTPUT) &&
            g->values[u].last_use == i && s->buffers[s->buffer_of[u]].size == size) {
            int b = s->buffer_of[u];
            s->buffer_of[v] = b;
            s->buffers[b].last = last;
            seg->in_place++;
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
    for (int i = seg->first; i < end; i++) {
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

bool oc_session_keeps_contents(const onnxc_session *s, int i,
                               const input_binding *b, size_t *bytes)
{
    *bytes = 0;
    return s->value_input[i] &&
           oc_tensor_bytes(b->dtype, b->dims, b->rank, bytes) &&
           *bytes <= SESSION_MAX_VALUE_BYTES;
}

static void keep_contents(const onnxc_session *s, int i, input_binding *b)
{
    size_t bytes;
    if (oc_session_keeps_contents(s, i, b, &bytes) && bytes)
        memcpy(b->contents, b->data, bytes);
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

/* The plan's figures: the sums over its segments. */
static void sum_stats(onnxc_session *s)
{
    onnxc_plan_stats *st = &s->stats;
    st->tensors = st->in_place = 0;
    st->no_reuse_bytes = st->lower_bound_bytes = 0;
    st->nodes_at_plan = 0;
    for (int k = 0; k < s->n_segments; k++) {
        const plan_segment *seg = &s->segments[k];
        st->tensors += seg->tensors;
        st->in_place += seg->in_place;
        st->no_reuse_bytes += seg->no_reuse_bytes;
        st->lower_bound_bytes += seg->lower_bound;
        for (int i = seg->first; i < seg->end; i++)
            st->nodes_at_plan += s->at_plan[i];
    }
    const plan_segment *last = &s->segments[s->n_segments - 1];
    st->arena_bytes = last->base + last->bytes;
}

/* Memory for segment k, whose shapes are inferred: its buffers, placed
 * after the segments before it; the arena grows (keeping what they hold)
 * when it must. */
static onnxc_status *place_segment(onnxc_session *s, int k)
{
    plan_segment *seg = &s->segments[k];
    const plan_segment *prev = k ? &s->segments[k - 1] : NULL;
    onnxc_status *err;
    seg->first_buffer = prev ? prev->first_buffer + prev->n_buffers : 0;
    seg->base = prev ? prev->base + prev->bytes : 0;
    if ((err = make_buffers(s, seg)))
        return err;
    plan_buffer *bufs = s->buffers + seg->first_buffer;
    seg->n_buffers = s->n_buffers - seg->first_buffer;
    seg->bytes = oc_plan_assign_offsets(bufs, seg->n_buffers, s->scratch);
    seg->lower_bound = oc_plan_lower_bound(bufs, seg->n_buffers,
                                           s->g->n_nodes + 1, s->scratch);
    for (size_t b = 0; b < seg->n_buffers; b++)
        bufs[b].offset += seg->base;
    s->n_segments = k + 1;
    size_t need = seg->base + seg->bytes;
    if (seg->bytes > SIZE_MAX - seg->base)
        return oc_error(ONNXC_ERR_NO_MEMORY, "the plan's sizes overflow");
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
        if (seg->base && s->arena)
            memcpy(arena, s->arena, seg->base);  /* the segments before */
        free(s->arena);
        s->arena = arena;
        s->arena_bytes = need;
    }
    sum_stats(s);
    return NULL;
}

onnxc_status *oc_session_plan(onnxc_session *s, const input_binding *shapes)
{
    onnxc_status *err;
    const oc_graph *g = s->g;
    plan_segment *seg = &s->segments[0];
    s->has_plan = false;
    s->n_segments = 0;
    if ((err = bind_symbols(s, shapes)))
        return err;
    for (bool fits = false; !fits;) {
        oc_value_store_reset(&s->values);
        if ((err = infer_range(s, shapes, 0, &seg->end, &fits)))
            return err;
        if (!fits && !oc_value_store_reserve(&s->values, s->values.need))
            return oc_error(ONNXC_ERR_NO_MEMORY,
                            "cannot allocate %zu bytes for the values the "
                            "plan computes", s->values.need);
    }
    seg->first = 0;
    seg->store_end = s->values.used;
    if ((err = place_segment(s, 0)))
        return err;
    for (int i = 0; i < g->n_inputs; i++) {
        s->planned[i] = shapes[i];
        keep_contents(s, i, &s->planned[i]);
    }
    s->stats.plans++;
    s->has_plan = true;
    return NULL;
}

/* The contents of seg's key values as they are now, into buf (at most
 * SEGMENT_KEY_BYTES): false when they do not fit. */
static bool key_contents(const onnxc_session *s, const plan_segment *seg,
                         unsigned char *buf, size_t *len)
{
    *len = 0;
    if (seg->key_overflow)
        return false;
    for (int j = 0; j < seg->n_key_values; j++) {
        const oc_tensor *t = &s->tensors[seg->key_values[j]];
        size_t bytes, head = sizeof t->dtype + sizeof t->rank +
                             (size_t)t->rank * sizeof *t->dims;
        if (!oc_tensor_bytes(t->dtype, t->dims, t->rank, &bytes) ||
            bytes > SEGMENT_KEY_BYTES || *len + head + bytes > SEGMENT_KEY_BYTES)
            return false;
        memcpy(buf + *len, &t->dtype, sizeof t->dtype);
        memcpy(buf + *len + sizeof t->dtype, &t->rank, sizeof t->rank);
        memcpy(buf + *len + sizeof t->dtype + sizeof t->rank, t->dims,
               (size_t)t->rank * sizeof *t->dims);
        if (bytes)
            memcpy(buf + *len + head, t->data, bytes);
        *len += head + bytes;
    }
    return true;
}

/* The shapes a data-dependent node's run gave, and the contents of the
 * values the segment's shapes were computed from, as the key of the
 * segment after it. */
static void segment_key(const onnxc_session *s, const oc_node *n,
                        plan_segment *seg, bool *same)
{
    unsigned char now[SEGMENT_KEY_BYTES];
    size_t len;
    *same = key_contents(s, seg, now, &len) && len == seg->key_len &&
            memcmp(now, seg->key_bytes, len) == 0 &&
            n->n_outputs <= SEGMENT_KEY_OUTPUTS;   /* else: planned again */
    for (int k = 0; k < n->n_outputs && k < SEGMENT_KEY_OUTPUTS; k++) {
        const oc_tensor *t = n->outputs[k] >= 0 ? &s->tensors[n->outputs[k]]
                                                : NULL;
        int rank = t ? t->rank : -1;
        *same = *same && seg->key_rank[k] == rank &&
                (rank <= 0 || memcmp(seg->key_dims[k], t->dims,
                                     (size_t)rank * sizeof *t->dims) == 0);
        seg->key_rank[k] = rank;
        if (rank > 0)
            memcpy(seg->key_dims[k], t->dims, (size_t)rank * sizeof *t->dims);
    }
}

/* The store grew from old (cap bytes) to s->values.mem: the tensors of
 * the values computed so far move with it. */
static void move_store_values(onnxc_session *s, unsigned char *old, size_t cap)
{
    for (int v = 0; v < s->g->n_values; v++) {
        unsigned char *p = s->tensors[v].data;
        if (p && p >= old && p < old + cap)
            s->tensors[v].data = s->values.mem + (p - old);
    }
}

onnxc_status *oc_session_next_segment(onnxc_session *s, int k)
{
    const oc_graph *g = s->g;
    plan_segment *seg = &s->segments[k];
    const plan_segment *prev = &s->segments[k - 1];
    bool same, fits = false;
    onnxc_status *err;
    segment_key(s, &g->nodes[prev->end - 1], seg, &same);
    if (same && k < s->n_segments)
        return NULL;   /* the shapes of last time: its plan stands */
    s->n_segments = k;
    seg->first = prev->end;
    while (!fits) {
        s->values.used = s->values.need = prev->store_end;
        if ((err = infer_range(s, NULL, seg->first, &seg->end, &fits)))
            return err;
        unsigned char *old;
        size_t cap = s->values.cap;
        if (!fits && !oc_value_store_grow(&s->values, s->values.need,
                                          prev->store_end, &old))
            return oc_error(ONNXC_ERR_NO_MEMORY,
                            "cannot allocate %zu bytes for the values the "
                            "plan computes", s->values.need);
        if (!fits && old) {
            move_store_values(s, old, cap);
            free(old);
        }
    }
    seg->store_end = s->values.used;
    if ((err = place_segment(s, k)))
        return err;
    if (!key_contents(s, seg, seg->key_bytes, &seg->key_len))
        seg->key_overflow = true;   /* planned again at every run */
    s->stats.plans++;
    return NULL;
}
