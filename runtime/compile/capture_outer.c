/*
 * capture_outer.c - makes explicit the values a node's subgraphs read
 * from the graphs around them.
 *
 * A branch of an If or a Loop's body may name any value of an enclosing
 * graph (outer scope). Each such name becomes an input of the subgraph
 * (captured, after its declared inputs; bound by its node at each run)
 * and an implicit input of the node (after its own), so that linking,
 * ordering and the outer plan treat it as what it is: a value the node
 * reads. Nested subgraphs pass their names up: what a Loop inside a branch
 * reads from the model's graph is captured by the branch too.
 */
#include <stdlib.h>
#include <string.h>

#include "runtime/compile/compile.h"
#include "runtime/core/name_map.h"
#include "runtime/core/status.h"

static onnxc_status *capture_nodes(oc_graph *g);

/* Appends name to the list names[0 .. *n) unless it is there. */
static bool add_name(oc_pool *pool, oc_name_map *seen, const char ***names,
                     int *n, int *cap, const char *name)
{
    if (oc_name_map_get(seen, name) >= 0)
        return true;
    if (*n == *cap) {
        int grown = *cap ? 2 * *cap : 8;
        const char **more = oc_pool_calloc(pool, (size_t)grown, sizeof *more);
        if (!more)
            return false;
        if (*n)
            memcpy(more, *names, (size_t)*n * sizeof *more);
        *names = more;
        *cap = grown;
    }
    (*names)[*n] = name;
    oc_name_map_put(seen, name, (*n)++);
    return true;
}

/* The names sub reads (node inputs, outputs) that it does not define. */
static onnxc_status *free_names(oc_graph *sub, const char ***names, int *n)
{
    oc_pool *pool = &sub->pool;
    oc_name_map defined, seen;
    size_t room = (size_t)sub->n_values + 1;
    int cap = 0;
    for (int i = 0; i < sub->n_nodes; i++)
        room += (size_t)sub->nodes[i].n_outputs + (size_t)sub->nodes[i].n_inputs;
    room += (size_t)sub->n_outputs;
    if (!oc_name_map_init(&defined, pool, room) ||
        !oc_name_map_init(&seen, pool, room))
        return oc_no_memory();
    for (int v = 0; v < sub->n_values; v++)
        oc_name_map_put(&defined, sub->values[v].name, v);
    for (int i = 0; i < sub->n_nodes; i++)
        for (int k = 0; k < sub->nodes[i].n_outputs; k++)
            if (sub->nodes[i].output_names[k][0])
                oc_name_map_put(&defined, sub->nodes[i].output_names[k], 0);
    *n = 0;
    for (int i = 0; i < sub->n_nodes; i++) {
        const oc_node *nd = &sub->nodes[i];
        for (int k = 0; k < nd->n_inputs; k++) {
            const char *name = nd->input_names[k];
            if (name[0] && oc_name_map_get(&defined, name) < 0 &&
                !add_name(pool, &seen, names, n, &cap, name))
                return oc_no_memory();
        }
    }
    /* A branch may give an outer value as its output. */
    for (int i = 0; i < sub->n_outputs; i++) {
        const char *name = sub->output_decls[i].name;
        if (oc_name_map_get(&defined, name) < 0 &&
            !add_name(pool, &seen, names, n, &cap, name))
            return oc_no_memory();
    }
    return NULL;
}

/* Captures what sub's own subgraphs read, then what sub reads from
 * outside: its captured inputs. */
static onnxc_status *capture_subgraph(oc_graph *sub)
{
    const char **names = NULL;
    int n = 0;
    onnxc_status *err;
    if ((err = capture_nodes(sub)) || (err = free_names(sub, &names, &n)))
        return err;
    if (!n)
        return NULL;
    /* link_values adds the node outputs in the room decode reserved. */
    int64_t outputs = n;
    for (int i = 0; i < sub->n_nodes; i++)
        outputs += sub->nodes[i].n_outputs;
    if (outputs > INT32_MAX || !oc_graph_reserve_values(sub, (int)outputs))
        return oc_no_memory();
    int *inputs = oc_pool_calloc(&sub->pool, (size_t)(sub->n_inputs + n),
                                 sizeof *inputs);
    if (!inputs)
        return oc_no_memory();
    if (sub->n_inputs)
        memcpy(inputs, sub->inputs, (size_t)sub->n_inputs * sizeof *inputs);
    sub->inputs = inputs;
    for (int k = 0; k < n; k++) {
        oc_value v = {.name = oc_pool_strdup(&sub->pool, names[k]),
                      .flags = OC_VALUE_INPUT, .producer = -1, .last_use = -1};
        v.shape.rank = -1;   /* typed from the enclosing graph later */
        int at = v.name ? oc_graph_add_value(sub, &v) : -1;
        if (at < 0)
            return oc_no_memory();
        sub->inputs[sub->n_inputs++] = at;
        sub->n_captured++;
    }
    return NULL;
}

/* Gives the node the names its subgraphs capture, as implicit inputs. */
static onnxc_status *add_implicit_inputs(oc_graph *g, oc_node *n)
{
    int extra = 0;
    for (int a = 0; a < n->n_attrs; a++)
        if (n->attrs[a].g)
            extra += n->attrs[a].g->n_captured;
    if (!extra)
        return NULL;
    if (n->n_inputs > INT32_MAX / 2 - extra)
        return oc_error(ONNXC_ERR_INVALID_MODEL, "node '%s' is too large",
                        n->label);
    const char **names = oc_pool_calloc(&g->pool, (size_t)(n->n_inputs + extra),
                                        sizeof *names);
    oc_name_map seen;
    if (!names || !oc_name_map_init(&seen, &g->pool, (size_t)extra))
        return oc_no_memory();
    if (n->n_inputs)
        memcpy(names, n->input_names, (size_t)n->n_inputs * sizeof *names);
    int count = n->n_inputs;
    for (int a = 0; a < n->n_attrs; a++) {
        const oc_graph *sub = n->attrs[a].g;
        for (int j = sub ? sub->n_inputs - sub->n_captured : 0;
             sub && j < sub->n_inputs; j++) {
            const char *name = sub->values[sub->inputs[j]].name;
            if (oc_name_map_put(&seen, name, count) == count &&
                !(names[count++] = oc_pool_strdup(&g->pool, name)))
                return oc_no_memory();
        }
    }
    n->n_implicit = count - n->n_inputs;
    n->n_inputs = count;
    n->input_names = names;
    return NULL;
}

static onnxc_status *capture_nodes(oc_graph *g)
{
    onnxc_status *err;
    if (g->captured)
        return NULL;
    g->captured = true;
    for (int i = 0; i < g->n_nodes; i++) {
        oc_node *n = &g->nodes[i];
        for (int a = 0; a < n->n_attrs; a++) {
            oc_graph *sub = n->attrs[a].g;
            if (!sub)
                continue;
            if (sub->depth > OC_MAX_SUBGRAPH_DEPTH)
                return oc_error(ONNXC_ERR_UNSUPPORTED,
                                "node '%s' (%s): its subgraph '%s' nests %d "
                                "deep; onnxc runs at most %d",
                                n->label, n->op_type, n->attrs[a].name,
                                sub->depth, OC_MAX_SUBGRAPH_DEPTH);
            if ((err = capture_subgraph(sub)))
                return oc_error_wrap(err, "node '%s' (%s), attribute '%s'",
                                     n->label, n->op_type, n->attrs[a].name);
        }
        if ((err = add_implicit_inputs(g, n)))
            return err;
    }
    return NULL;
}

onnxc_status *oc_pass_capture_outer(oc_graph *g, const oc_compile_options *o)
{
    (void)o;
    return capture_nodes(g);
}
