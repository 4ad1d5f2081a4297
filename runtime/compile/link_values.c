/*
 * link_values.c - gives every name one value and points node inputs and
 * graph outputs at them.
 *
 * Declared values (graph inputs, initializers) come first, then one value
 * per node output; a name defined twice, or read but never defined, is an
 * error naming it.
 */
#include <stdio.h>
#include <string.h>

#include "runtime/compile/compile.h"
#include "runtime/core/name_map.h"
#include "runtime/core/status.h"

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

onnxc_status *oc_pass_link_values(oc_graph *g, const oc_compile_options *o)
{
    oc_name_map map;
    (void)o;
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
