/*
 * resolve_ops.c - finds each node's operator in the registry and checks
 * its arity and the kinds of values the graph holds.
 *
 * It runs first so that a model using something onnxc does not run is
 * told exactly that, in one message listing every unsupported operator,
 * before any other complaint.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/compile/compile.h"
#include "runtime/core/name_map.h"
#include "runtime/core/status.h"
#include "runtime/graph/op.h"

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

/* The unsupported operators of a graph and its subgraphs, grouped by
 * (domain, op_type): one entry each, with its first node and a count. */
typedef struct unsupported {
    oc_name_map kinds;
    const oc_node **first;
    int *count;
    int n_kinds;
} unsupported;

static int count_nodes(const oc_graph *g)
{
    int64_t n = g->n_nodes;
    for (int i = 0; i < g->n_nodes; i++)
        for (int a = 0; a < g->nodes[i].n_attrs; a++)
            if (g->nodes[i].attrs[a].g)
                n += count_nodes(g->nodes[i].attrs[a].g);
    return n > INT32_MAX ? INT32_MAX : (int)n;
}

/* Resolves the operators of g's nodes and of its subgraphs' (depth is
 * bounded by capture_outer), noting those there are none for. */
static onnxc_status *find_operators(oc_graph *g, oc_pool *pool, unsupported *u)
{
    onnxc_status *err;
    for (int i = 0; i < g->n_nodes; i++) {
        oc_node *n = &g->nodes[i];
        for (int a = 0; a < n->n_attrs; a++)
            if (n->attrs[a].g && (err = find_operators(n->attrs[a].g, pool, u)))
                return err;
        n->opset = oc_graph_opset_of(g, n->domain);
        n->op = n->opset >= 0
                    ? oc_ops_find(n->domain, n->op_type, n->opset, &n->op_version)
                    : NULL;
        if (n->op)
            continue;
        /* The key names the kind: domain and op type joined by \x01 (a
         * name holding \x01 could merge two kinds in the message; harmless). */
        size_t dl = strlen(n->domain), ol = strlen(n->op_type);
        char *key = oc_pool_alloc(pool, dl + ol + 2);
        if (!key)
            return oc_no_memory();
        memcpy(key, n->domain, dl);
        key[dl] = '\x01';
        memcpy(key + dl + 1, n->op_type, ol + 1);
        int kind = oc_name_map_put(&u->kinds, key, u->n_kinds);
        if (kind == u->n_kinds)
            u->first[u->n_kinds++] = n;
        u->count[kind]++;
    }
    return NULL;
}

/* Resolves every node's operator; one UNSUPPORTED error names those
 * missing, the subgraphs' included. */
static onnxc_status *check_operators(oc_graph *g)
{
    unsupported u = {0};
    msg_buf m = {0};
    int total = count_nodes(g);
    onnxc_status *err = NULL;
    u.first = calloc((size_t)total + 1, sizeof *u.first);
    u.count = calloc((size_t)total + 1, sizeof *u.count);
    if (!u.first || !u.count ||
        !oc_name_map_init(&u.kinds, &g->pool, (size_t)total + 1)) {
        err = oc_no_memory();
        goto done;
    }
    if ((err = find_operators(g, &g->pool, &u)))
        goto done;
    for (int k = 0; k < u.n_kinds && k < MAX_LISTED_OPERATORS; k++) {
        const oc_node *n = u.first[k];
        if (n->opset >= 0)
            msg_add(&m, "%sunsupported operator %s (%s opset %lld) at node '%s'",
                    k ? "; " : "", n->op_type, domain_name(n->domain),
                    (long long)n->opset, n->label);
        else
            msg_add(&m, "%sunsupported operator %s (%s, a domain the model "
                    "does not import) at node '%s'",
                    k ? "; " : "", n->op_type, domain_name(n->domain), n->label);
        if (u.count[k] > 1)
            msg_add(&m, " and %d more node%s", u.count[k] - 1,
                    u.count[k] > 2 ? "s" : "");
    }
    if (u.n_kinds > MAX_LISTED_OPERATORS)
        msg_add(&m, "; and %d more unsupported operators",
                u.n_kinds - MAX_LISTED_OPERATORS);
    if (u.n_kinds)
        err = m.failed ? oc_no_memory()
                       : oc_error(ONNXC_ERR_UNSUPPORTED, "%s", m.text);
done:
    free(u.first);
    free(u.count);
    free(m.text);
    return err;
}

/* "3", or "any number" for OC_VARIADIC, into buf[16]. */
static const char *count_text(int count, char *buf)
{
    if (count == OC_VARIADIC)
        return "any number of";
    snprintf(buf, 16, "%d", count);
    return buf;
}

/* Checks the node's input and output counts against its operator and
 * sets the slots kernels see (graph.h). */
static onnxc_status *check_arity(oc_node *n)
{
    const oc_op *op = n->op;
    char most_in[16], most_out[16];
    int in = n->n_inputs, out = n->n_outputs;
    /* Trailing omitted optional inputs count as absent. */
    while (in > 0 && !n->input_names[in - 1][0])
        in--;
    if (in < op->min_inputs || in > op->max_inputs || out < op->min_outputs ||
        out > op->max_outputs)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (%s-%d) has %d inputs and %d outputs; it "
                        "takes %d to %s inputs and %d to %s outputs",
                        n->label, n->op_type, n->op_version, in, out,
                        op->min_inputs, count_text(op->max_inputs, most_in),
                        op->min_outputs, count_text(op->max_outputs, most_out));
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
    n->in_slots = op->max_inputs == OC_VARIADIC || op->max_inputs < n->n_inputs
                      ? n->n_inputs
                      : op->max_inputs;
    n->out_slots = op->max_outputs == OC_VARIADIC ||
                           op->max_outputs < n->n_outputs
                       ? n->n_outputs
                       : op->max_outputs;
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

onnxc_status *oc_pass_resolve_ops(oc_graph *g, const oc_compile_options *o)
{
    onnxc_status *err;
    (void)o;
    if ((err = check_operators(g)))
        return err;
    for (int i = 0; i < g->n_nodes; i++)
        if ((err = check_arity(&g->nodes[i])))
            return err;
    return check_value_types(g);
}
