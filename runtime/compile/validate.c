/*
 * validate.c - oc_graph_validate: from a translated graph to one that can run.
 *
 * The order matters to users: operators are checked first, so a model
 * that uses something onnxc does not run is told exactly that, in one
 * message listing every unsupported operator, before any other complaint.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/graph/op.h"
#include "runtime/graph/graph.h"
#include "runtime/core/name_map.h"
#include "runtime/core/status.h"

/* A growing message, for errors that list many things. */
typedef struct msg_buf {
    char *text;
    size_t len, cap;
    bool failed;
} msg_buf;

static void msg_add(msg_buf *m, const char *fmt, ...) OC_PRINTF(2, 3);
static void msg_add(msg_buf *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || m->failed)
        return;
    if (m->len + (size_t)n + 1 > m->cap) {
        size_t cap = (m->len + (size_t)n + 1) * 2;
        char *t = realloc(m->text, cap);
        if (!t) {
            m->failed = true;
            return;
        }
        m->text = t;
        m->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(m->text + m->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    m->len += (size_t)n;
}

static const char *domain_name(const char *domain)
{
    return domain[0] ? domain : "ai.onnx";
}

/* At most this many kinds of unsupported operator are named in one
 * message; a hostile file could otherwise make it megabytes long. */
#define MAX_LISTED_OPERATORS 32

/* Resolves every node's operator. Unsupported ones are grouped by
 * (domain, op_type): one entry each, with its first node and a count. */
static onnxc_status *check_operators(oc_graph *g)
{
    oc_name_map kinds;
    int *first = NULL, *count = NULL, n_kinds = 0;
    msg_buf m = {0};
    onnxc_status *err = NULL;
    for (int i = 0; i < g->n_nodes; i++) {
        oc_node *n = &g->nodes[i];
        n->opset = oc_graph_opset_of(g, n->domain);
        n->op = n->opset >= 0
                    ? oc_ops_find(n->domain, n->op_type, n->opset, &n->op_version)
                    : NULL;
        if (n->op)
            continue;
        if (!first) {
            first = calloc((size_t)g->n_nodes, sizeof *first);
            count = calloc((size_t)g->n_nodes, sizeof *count);
            if (!first || !count ||
                !oc_name_map_init(&kinds, &g->pool, (size_t)g->n_nodes)) {
                err = oc_no_memory();
                goto done;
            }
        }
        /* The key names the kind: domain and op type joined by \x01 (a
         * name holding \x01 could merge two kinds in the message; harmless). */
        size_t dl = strlen(n->domain), ol = strlen(n->op_type);
        char *key = oc_pool_alloc(&g->pool, dl + ol + 2);
        if (!key) {
            err = oc_no_memory();
            goto done;
        }
        memcpy(key, n->domain, dl);
        key[dl] = '\x01';
        memcpy(key + dl + 1, n->op_type, ol + 1);
        int kind = oc_name_map_put(&kinds, key, n_kinds);
        if (kind == n_kinds)
            first[n_kinds++] = i;
        count[kind]++;
    }
    for (int k = 0; k < n_kinds && k < MAX_LISTED_OPERATORS; k++) {
        const oc_node *n = &g->nodes[first[k]];
        if (n->opset >= 0)
            msg_add(&m, "%sunsupported operator %s (%s opset %lld) at node '%s'",
                    k ? "; " : "", n->op_type, domain_name(n->domain),
                    (long long)n->opset, n->label);
        else
            msg_add(&m, "%sunsupported operator %s (%s, a domain the model "
                    "does not import) at node '%s'",
                    k ? "; " : "", n->op_type, domain_name(n->domain), n->label);
        if (count[k] > 1)
            msg_add(&m, " and %d more node%s", count[k] - 1,
                    count[k] > 2 ? "s" : "");
    }
    if (n_kinds > MAX_LISTED_OPERATORS)
        msg_add(&m, "; and %d more unsupported operators",
                n_kinds - MAX_LISTED_OPERATORS);
    if (n_kinds)
        err = m.failed ? oc_no_memory()
                       : oc_error(ONNXC_ERR_UNSUPPORTED, "%s", m.text);
done:
    free(first);
    free(count);
    free(m.text);
    return err;
}

static onnxc_status *check_arity(const oc_node *n)
{
    const oc_op *op = n->op;
    int in = n->n_inputs, out = n->n_outputs;
    /* Trailing omitted optional inputs count as absent. */
    while (in > 0 && !n->input_names[in - 1][0])
        in--;
    if (in < op->min_inputs || in > op->max_inputs || out < op->min_outputs ||
        out > op->max_outputs)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (%s-%d) has %d inputs and %d outputs; it "
                        "takes %d to %d inputs and %d to %d outputs",
                        n->label, n->op_type, n->op_version, in, out,
                        op->min_inputs, op->max_inputs, op->min_outputs,
                        op->max_outputs);
    for (int i = 0; i < op->min_inputs; i++)
        if (!n->input_names[i][0])
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "node '%s' (%s): required input %d is empty",
                            n->label, n->op_type, i);
    for (int i = 0; i < op->min_outputs; i++)
        if (!n->output_names[i][0])
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "node '%s' (%s): required output %d is empty",
                            n->label, n->op_type, i);
    return NULL;
}

/* "node 'x'", "an initializer" or "a graph input", into buf. */
static const char *defined_by(const oc_graph *g, const oc_value *v, char *buf,
                              size_t size)
{
    if (v->producer >= 0)
        snprintf(buf, size, "node '%s'", g->nodes[v->producer].label);
    else
        snprintf(buf, size, "%s", v->flags & OC_VALUE_INITIALIZER
                                      ? "an initializer"
                                      : "a graph input");
    return buf;
}

/* Gives every name one value: declared ones, then node outputs; then
 * points node inputs and graph outputs at them. */
static onnxc_status *link_values(oc_graph *g)
{
    oc_name_map map;
    if (!oc_name_map_init(&map, &g->pool, (size_t)g->max_values))
        return oc_no_memory();
    for (int i = 0; i < g->n_values; i++) {
        g->values[i].producer = -1;
        int at = oc_name_map_put(&map, g->values[i].name, i);
        if (at != i)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "value '%s' is defined twice (two initializers)",
                            g->values[i].name);
    }
    for (int i = 0; i < g->n_nodes; i++) {
        oc_node *n = &g->nodes[i];
        n->inputs = oc_pool_calloc(&g->pool, (size_t)n->n_inputs + 1, sizeof(int));
        n->outputs = oc_pool_calloc(&g->pool, (size_t)n->n_outputs + 1, sizeof(int));
        if (!n->inputs || !n->outputs)
            return oc_no_memory();
        for (int k = 0; k < n->n_outputs; k++) {
            const char *name = n->output_names[k];
            n->outputs[k] = -1;
            if (!name[0])
                continue;
            if (g->n_values >= g->max_values)
                return oc_no_memory();  /* cannot happen: reserved by decode */
            int at = oc_name_map_put(&map, name, g->n_values);
            char first[300];
            if (at != g->n_values)
                return oc_error(ONNXC_ERR_INVALID_MODEL,
                                "value '%s' is defined twice: by %s and by "
                                "node '%s'",
                                name,
                                defined_by(g, &g->values[at], first, sizeof first),
                                n->label);
            oc_value *v = &g->values[g->n_values];
            memset(v, 0, sizeof *v);
            v->name = name;
            v->producer = i;
            v->shape.rank = -1;
            n->outputs[k] = g->n_values++;
        }
    }
    for (int i = 0; i < g->n_nodes; i++) {
        oc_node *n = &g->nodes[i];
        for (int k = 0; k < n->n_inputs; k++) {
            const char *name = n->input_names[k];
            n->inputs[k] = name[0] ? oc_name_map_get(&map, name) : -1;
            if (name[0] && n->inputs[k] < 0)
                return oc_error(ONNXC_ERR_INVALID_MODEL,
                                "node '%s' (%s) reads '%s', which no node, "
                                "graph input or initializer defines",
                                n->label, n->op_type, name);
        }
    }
    for (int i = 0; i < g->n_outputs; i++) {
        const char *name = g->output_decls[i].name;
        int v = oc_name_map_get(&map, name);
        if (v < 0)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "graph output '%s' is produced by no node, input "
                            "or initializer",
                            name);
        for (int j = 0; j < i; j++)
            if (g->outputs[j] == v)
                return oc_error(ONNXC_ERR_INVALID_MODEL,
                                "graph output '%s' is listed twice", name);
        g->outputs[i] = v;
        g->values[v].flags |= OC_VALUE_OUTPUT;
    }
    return NULL;
}

/* Orders the nodes so that each comes after the producers of its inputs.
 * Exported models are already in order and keep it; others are sorted
 * with Kahn's algorithm, over a table of each value's consumers. */
static onnxc_status *sort_nodes(oc_graph *g)
{
    int n = g->n_nodes;
    bool sorted_already = true;
    for (int i = 0; i < n && sorted_already; i++)
        for (int k = 0; k < g->nodes[i].n_inputs; k++) {
            int v = g->nodes[i].inputs[k];
            if (v >= 0 && g->values[v].producer >= i)
                sorted_already = false;
        }
    if (sorted_already)
        return NULL;

    size_t nv = (size_t)g->n_values, edges = 0;
    int *pending = oc_pool_calloc(&g->pool, (size_t)n, sizeof(int));
    int *queue = oc_pool_calloc(&g->pool, (size_t)n, sizeof(int));
    int *new_index = oc_pool_calloc(&g->pool, (size_t)n, sizeof(int));
    size_t *first = oc_pool_calloc(&g->pool, nv + 1, sizeof(size_t));
    oc_node *sorted = oc_pool_calloc(&g->pool, (size_t)n, sizeof(oc_node));
    if (!pending || !queue || !new_index || !first || !sorted)
        return oc_no_memory();
    /* consumers of value v: readers[first[v] .. first[v + 1]) */
    for (int i = 0; i < n; i++)
        for (int k = 0; k < g->nodes[i].n_inputs; k++) {
            int v = g->nodes[i].inputs[k];
            if (v >= 0 && g->values[v].producer >= 0) {
                pending[i]++;
                first[v + 1]++;
                edges++;
            }
        }
    for (size_t v = 0; v < nv; v++)
        first[v + 1] += first[v];
    int *readers = oc_pool_calloc(&g->pool, edges ? edges : 1, sizeof(int));
    size_t *fill = oc_pool_calloc(&g->pool, nv, sizeof(size_t));
    if (!readers || !fill)
        return oc_no_memory();
    for (int i = 0; i < n; i++)
        for (int k = 0; k < g->nodes[i].n_inputs; k++) {
            int v = g->nodes[i].inputs[k];
            if (v >= 0 && g->values[v].producer >= 0)
                readers[first[v] + fill[v]++] = i;
        }

    int head = 0, tail = 0;
    for (int i = 0; i < n; i++)
        if (pending[i] == 0)
            queue[tail++] = i;
    while (head < tail) {
        const oc_node *p = &g->nodes[queue[head++]];
        for (int k = 0; k < p->n_outputs; k++) {
            int v = p->outputs[k];
            if (v < 0)
                continue;
            for (size_t e = first[v]; e < first[v + 1]; e++)
                if (--pending[readers[e]] == 0)
                    queue[tail++] = readers[e];
        }
    }
    if (tail < n) {
        for (int i = 0; i < n; i++)
            if (pending[i] > 0)
                return oc_error(ONNXC_ERR_INVALID_MODEL,
                                "the graph has a cycle through node '%s' (%s)",
                                g->nodes[i].label, g->nodes[i].op_type);
    }
    for (int i = 0; i < n; i++) {
        sorted[i] = g->nodes[queue[i]];
        new_index[queue[i]] = i;
    }
    for (int v = 0; v < g->n_values; v++)
        if (g->values[v].producer >= 0)
            g->values[v].producer = new_index[g->values[v].producer];
    g->nodes = sorted;
    return NULL;
}

/* Values onnxc cannot hold are refused once it is clear the operators
 * are not the problem. */
static onnxc_status *check_value_types(const oc_graph *g)
{
    for (int i = 0; i < g->n_values; i++) {
        const oc_value *v = &g->values[i];
        if (v->bad_type)
            return oc_error(ONNXC_ERR_UNSUPPORTED,
                            "value '%s' is a %s; onnxc runs numeric tensors "
                            "only",
                            v->name, v->bad_type);
        if ((v->flags & OC_VALUE_INPUT) && v->dtype == ONNXC_UNDEFINED)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "graph input '%s' declares no element type",
                            v->name);
    }
    return NULL;
}

/* The contents infer may see at load: those of constants only. */
static const void *static_data(const oc_value *v)
{
    return oc_value_is_constant(v) ? v->data : NULL;
}

/* An input whose contents decide shapes must be known before a run: an
 * initializer, a constant, or a graph input (read when the plan is made). */
static onnxc_status *check_value_input(const oc_graph *g, const oc_node *n, int k)
{
    const oc_value *v = &g->values[n->inputs[k]];
    if (static_data(v) || (v->flags & OC_VALUE_INPUT))
        return NULL;
    return oc_error(ONNXC_ERR_UNSUPPORTED,
                    "node '%s' (%s): input %d ('%s') decides the output's "
                    "shape but is computed by node '%s'; onnxc needs it to "
                    "be an initializer, a Constant or a graph input",
                    n->label, n->op_type, k, v->name,
                    v->producer >= 0 ? g->nodes[v->producer].label : "?");
}

/* A node whose infer gave the contents of every output it has is a
 * constant: its outputs become initializers and the node goes. */
static onnxc_status *fold_constant(oc_graph *g, oc_node *n, const oc_type *out,
                                   bool *folded)
{
    *folded = false;
    if (!n->op->constant)
        return NULL;
    for (int k = 0; k < n->n_outputs; k++)
        if (n->outputs[k] >= 0 && !out[k].data)
            return NULL;
    for (int k = 0; k < n->n_outputs; k++) {
        if (n->outputs[k] < 0)
            continue;
        oc_value *y = &g->values[n->outputs[k]];
        int64_t dims[ONNXC_MAX_RANK];
        for (int d = 0; d < out[k].shape.rank; d++)
            dims[d] = out[k].shape.dims[d].value;
        if (out[k].shape.rank < 0 ||
            !oc_tensor_bytes(out[k].dtype, dims, out[k].shape.rank, &y->bytes))
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "node '%s' (%s): constant output '%s' has no "
                            "valid shape",
                            n->label, n->op_type, y->name);
        y->data = out[k].data;
        y->flags |= OC_VALUE_INITIALIZER;
        y->producer = -1;
    }
    *folded = true;
    return NULL;
}

/* Drops the nodes marked in `removed`, keeping the order of the rest, and
 * renumbers the producers of what they compute. */
static void remove_nodes(oc_graph *g, const bool *removed)
{
    int kept = 0;
    for (int i = 0; i < g->n_nodes; i++)
        if (!removed[i])
            g->nodes[kept++] = g->nodes[i];
    g->n_nodes = kept;
    for (int v = 0; v < g->n_values; v++)
        g->values[v].producer = -1;
    for (int i = 0; i < kept; i++)
        for (int k = 0; k < g->nodes[i].n_outputs; k++)
            if (g->nodes[i].outputs[k] >= 0)
                g->values[g->nodes[i].outputs[k]].producer = i;
}

/* Parses each node's attributes and infers static types and shapes in
 * order, folding constants. Symbolic dims flow through; what only the run
 * can check is checked there. */
static onnxc_status *infer_static(oc_graph *g)
{
    bool *removed = calloc((size_t)g->n_nodes + 1, sizeof *removed);
    bool any_removed = false;
    onnxc_status *err = NULL;
    if (!removed)
        return oc_no_memory();
    for (int i = 0; i < g->n_nodes; i++) {
        oc_node *n = &g->nodes[i];
        const oc_type *in[OC_MAX_INPUTS];
        oc_type types[OC_MAX_INPUTS], out[OC_MAX_OUTPUTS];
        if (n->op->max_inputs > OC_MAX_INPUTS ||
            n->op->max_outputs > OC_MAX_OUTPUTS) {
            err = oc_error(ONNXC_ERR_UNSUPPORTED,
                           "node '%s' (%s): operator arity not supported by "
                           "this runtime",
                           n->label, n->op_type);
            goto done;
        }
        if ((err = n->op->prepare(n, &g->pool, &n->params)))
            goto done;
        for (int k = 0; k < n->op->max_inputs; k++) {
            int v = k < n->n_inputs ? n->inputs[k] : -1;
            in[k] = NULL;
            if (v < 0)
                continue;
            if ((n->op->value_inputs >> k & 1) &&
                (err = check_value_input(g, n, k)))
                goto done;
            types[k].dtype = g->values[v].dtype;
            types[k].shape = g->values[v].shape;
            types[k].data = static_data(&g->values[v]);
            in[k] = &types[k];
            if (types[k].dtype == ONNXC_UNDEFINED) {
                err = oc_error(ONNXC_ERR_INVALID_MODEL,
                               "node '%s' (%s): input '%s' has no known "
                               "element type",
                               n->label, n->op_type, g->values[v].name);
                goto done;
            }
        }
        memset(out, 0, sizeof out);
        if ((err = n->op->infer(n, n->params, in, out)))
            goto done;
        for (int k = 0; k < n->n_outputs; k++) {
            if (n->outputs[k] < 0)
                continue;
            oc_value *y = &g->values[n->outputs[k]];
            y->dtype = out[k].dtype;
            y->shape = out[k].shape;
        }
        if ((err = fold_constant(g, n, out, &removed[i])))
            goto done;
        any_removed |= removed[i];
    }
    if (any_removed)
        remove_nodes(g, removed);
done:
    free(removed);
    return err;
}

static void count_uses(oc_graph *g)
{
    for (int v = 0; v < g->n_values; v++) {
        g->values[v].consumers = 0;
        g->values[v].last_use = -1;
    }
    for (int i = 0; i < g->n_nodes; i++)
        for (int k = 0; k < g->nodes[i].n_inputs; k++) {
            int v = g->nodes[i].inputs[k];
            if (v >= 0) {
                g->values[v].consumers++;
                g->values[v].last_use = i;
            }
        }
}

/* A graph output's declared type and fixed dims must agree with what the
 * graph computes. Symbolic dims agree with anything until run time. */
static onnxc_status *check_outputs(const oc_graph *g)
{
    if (g->n_outputs == 0)
        return oc_error(ONNXC_ERR_INVALID_MODEL, "the graph has no outputs");
    for (int i = 0; i < g->n_outputs; i++) {
        const oc_value *decl = &g->output_decls[i];
        const oc_value *v = &g->values[g->outputs[i]];
        char s1[128], s2[128];
        if (decl->bad_type)
            return oc_error(ONNXC_ERR_UNSUPPORTED,
                            "graph output '%s' is a %s; onnxc runs numeric "
                            "tensors only",
                            decl->name, decl->bad_type);
        if (decl->dtype != ONNXC_UNDEFINED && decl->dtype != v->dtype)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "graph output '%s' is declared %s but computes %s",
                            decl->name, onnxc_dtype_name(decl->dtype),
                            onnxc_dtype_name(v->dtype));
        bool ok = decl->shape.rank < 0 || v->shape.rank < 0 ||
                  decl->shape.rank == v->shape.rank;
        for (int d = 0; ok && d < decl->shape.rank && d < v->shape.rank; d++)
            ok = oc_dim_compatible(decl->shape.dims[d], v->shape.dims[d]);
        if (!ok)
            return oc_error(ONNXC_ERR_SHAPE,
                            "graph output '%s' is declared %s but computes %s",
                            decl->name,
                            oc_shape_format(&decl->shape, g->symbols, s1, sizeof s1),
                            oc_shape_format(&v->shape, g->symbols, s2, sizeof s2));
    }
    return NULL;
}

/* The node reading v, when v is the only output of node i, feeds exactly
 * one node input and is not a graph output; else NULL. */
static oc_node *only_reader(oc_graph *g, const oc_node *n)
{
    if (n->n_outputs != 1 || n->outputs[0] < 0)
        return NULL;
    const oc_value *y = &g->values[n->outputs[0]];
    if ((y->flags & OC_VALUE_OUTPUT) || y->consumers != 1 || y->last_use < 0)
        return NULL;
    return &g->nodes[y->last_use];
}

/* The constant float bias of an Add reading y: the Add's other input, an
 * initializer of shape [n] or [1, ..., 1, n] no longer than y, with n
 * y's last dim, so that adding it keeps y's shape. */
static const oc_value *bias_of(const oc_graph *g, const oc_node *add, int y)
{
    if (strcmp(add->op_type, "Add") != 0 || add->domain[0] ||
        add->op_version < 7 || add->n_inputs != 2)
        return NULL;
    int other = add->inputs[0] == y ? add->inputs[1] : add->inputs[0];
    if (other == y || (add->inputs[0] != y && add->inputs[1] != y))
        return NULL;
    const oc_value *b = &g->values[other], *out = &g->values[y];
    int r = b->shape.rank, ry = out->shape.rank;
    if (b->dtype != ONNXC_FLOAT || !oc_value_is_constant(b) || r < 1 || ry < 1 ||
        r > ry ||
        !dim_is_known(out->shape.dims[ry - 1]) ||
        b->shape.dims[r - 1].value != out->shape.dims[ry - 1].value)
        return NULL;
    for (int d = 0; d < r - 1; d++)
        if (b->shape.dims[d].value != 1)
            return NULL;
    return b;
}

/* Folds an Add of a constant bias into the float MatMul before it (ops
 * with fuse_bias): a Linear over a 3-D input exports as MatMul + Add, and
 * fused it costs no pass over memory. ONNXC_FUSE=0 turns it off. */
static onnxc_status *fuse_biases(oc_graph *g)
{
    bool *removed = calloc((size_t)g->n_nodes + 1, sizeof *removed);
    if (!removed)
        return oc_no_memory();
    bool any = false;
    for (int i = 0; i < g->n_nodes; i++) {
        oc_node *n = &g->nodes[i];
        oc_node *add = n->op->fuse_bias ? only_reader(g, n) : NULL;
        int y = n->outputs[0];
        if (!add || g->values[y].dtype != ONNXC_FLOAT)
            continue;
        const oc_value *bias = bias_of(g, add, y);
        if (!bias || !n->op->fuse_bias(n, n->params, bias->data,
                                       (size_t)bias->shape.dims[bias->shape.rank - 1].value))
            continue;
        removed[add - g->nodes] = true;
        n->outputs[0] = add->outputs[0];
        n->output_names[0] = add->output_names[0];
        any = true;
    }
    if (any) {
        remove_nodes(g, removed);
        count_uses(g);
    }
    free(removed);
    return NULL;
}

/* Folds each Relu or LeakyRelu that is the only reader of a float Gemm's
 * output into that Gemm (ops with fuse_activation), so the activation
 * costs no pass over memory and its tensor no arena space. ONNXC_FUSE=0
 * turns it off, to test fused against unfused. */
static onnxc_status *fuse_activations(oc_graph *g)
{
    bool *removed = calloc((size_t)g->n_nodes + 1, sizeof *removed);
    onnxc_status *err = NULL;
    if (!removed) {
        err = oc_no_memory();
        goto done;
    }
    for (int i = 0; i < g->n_nodes; i++) {
        oc_node *n = &g->nodes[i];
        int v = n->outputs[0];
        if (!n->op->fuse_activation || n->n_outputs != 1)
            continue;
        const oc_value *y = &g->values[v];
        if ((y->flags & OC_VALUE_OUTPUT) || y->consumers != 1 ||
            y->dtype != ONNXC_FLOAT || y->last_use < 0)
            continue;
        oc_node *next = &g->nodes[y->last_use];
        bool relu = strcmp(next->op_type, "Relu") == 0;
        bool leaky = strcmp(next->op_type, "LeakyRelu") == 0;
        if ((!relu && !leaky) || next->domain[0] || next->inputs[0] != v)
            continue;
        float slope = 0;
        if (leaky && (err = oc_attr_float(next, "alpha", 0.01f, &slope)))
            goto done;
        if (!n->op->fuse_activation(n, n->params, next, slope))
            continue;
        removed[y->last_use] = true;
        g->values[v].producer = -1;  /* nothing computes it any more */
        n->outputs[0] = next->outputs[0];
        n->output_names[0] = next->output_names[0];
    }
    remove_nodes(g, removed);
    count_uses(g);
done:
    free(removed);
    return err;
}

/* Gives ops the chance to prepare constant inputs once (prepack). */
static onnxc_status *prepack(oc_graph *g)
{
    for (int i = 0; i < g->n_nodes; i++) {
        oc_node *n = &g->nodes[i];
        const oc_value *in[OC_MAX_INPUTS];
        if (!n->op->prepack)
            continue;
        for (int k = 0; k < n->op->max_inputs; k++)
            in[k] = k < n->n_inputs && n->inputs[k] >= 0
                        ? &g->values[n->inputs[k]]
                        : NULL;
        onnxc_status *err = n->op->prepack(n, n->params, in, &g->pool);
        if (err)
            return err;
    }
    return NULL;
}

/* Whether every node reading value v reads only the copy it prepacked. */
static bool read_packed_only(const oc_graph *g, int v)
{
    for (int i = 0; i < g->n_nodes; i++) {
        const oc_node *n = &g->nodes[i];
        for (int k = 0; k < n->n_inputs; k++)
            if (n->inputs[k] == v &&
                (!n->op->reads_packed_only ||
                 !n->op->reads_packed_only(n, n->params, k)))
                return false;
    }
    return true;
}

/* Releases the stored copy of each weight whose readers all run on the
 * copy they prepacked: a model holds its large weights once, not twice.
 * Not for a graph output (the caller reads it), nor for a value a caller
 * may bind (not constant). Small weights share pool blocks and stay. */
static void release_packed_weights(oc_graph *g)
{
    for (int v = 0; v < g->n_values; v++) {
        oc_value *val = &g->values[v];
        if (!oc_value_is_constant(val) || (val->flags & OC_VALUE_OUTPUT) ||
            !val->data || val->consumers == 0 || !read_packed_only(g, v))
            continue;
        if (oc_pool_release(&g->pool, val->data))
            val->data = NULL;
    }
}

onnxc_status *oc_graph_validate(oc_graph *g)
{
    onnxc_status *err;
    if ((err = check_operators(g)))
        return err;
    for (int i = 0; i < g->n_nodes; i++)
        if ((err = check_arity(&g->nodes[i])))
            return err;
    if ((err = link_values(g)) || (err = sort_nodes(g)) ||
        (err = check_value_types(g)) || (err = infer_static(g)) ||
        (err = check_outputs(g)))
        return err;
    count_uses(g);
    /* ONNXC_FUSE=0 turns fusion off, to test fused against unfused. */
    const char *fuse = getenv("ONNXC_FUSE");
    if ((!fuse || strcmp(fuse, "0") != 0) &&
        ((err = fuse_biases(g)) || (err = fuse_activations(g))))
        return err;
    if ((err = prepack(g)))
        return err;
    release_packed_weights(g);
    return NULL;
}
