/* graph.c - creating, copying, editing and querying a graph. */
#include <stdlib.h>
#include <string.h>

#include "runtime/graph/graph.h"

oc_graph *oc_graph_new(void)
{
    oc_graph *g = calloc(1, sizeof *g);
    if (g)
        oc_pool_init(&g->pool);
    return g;
}

void oc_graph_free(oc_graph *graph)
{
    if (!graph)
        return;
    for (int i = 0; i < graph->n_nodes; i++) {
        const oc_node *n = &graph->nodes[i];
        for (int a = 0; a < n->n_attrs; a++) {
            if (n->bodies)
                oc_graph_free(n->bodies[a]);
            if (!graph->source)   /* a program shares its source's attrs */
                oc_graph_free(n->attrs[a].g);
        }
    }
    oc_pool_free(&graph->pool);
    free(graph);
}

/* n items of `size` bytes copied into the pool; NULL only when out of
 * memory (an empty list gets a valid pointer). */
static void *copy_of(oc_pool *pool, const void *items, size_t n, size_t size)
{
    void *p = oc_pool_calloc(pool, n ? n : 1, size);
    if (p && n)
        memcpy(p, items, n * size);
    return p;
}

oc_graph *oc_graph_clone(const oc_graph *src)
{
    oc_graph *g = oc_graph_new();
    if (!g)
        return NULL;
    oc_pool pool = g->pool;
    *g = *src;
    g->pool = pool;
    g->source = (oc_graph *)src;
    g->values = copy_of(&g->pool, src->values, (size_t)src->max_values,
                        sizeof *src->values);
    g->nodes = copy_of(&g->pool, src->nodes, (size_t)src->n_nodes,
                       sizeof *src->nodes);
    g->inputs = copy_of(&g->pool, src->inputs, (size_t)src->n_inputs,
                        sizeof *src->inputs);
    g->outputs = copy_of(&g->pool, src->outputs, (size_t)src->n_outputs,
                         sizeof *src->outputs);
    if (!g->values || !g->nodes || !g->inputs || !g->outputs)
        goto fail;
    for (int i = 0; i < g->n_nodes; i++) {
        oc_node *n = &g->nodes[i];
        n->params = NULL;
        n->inputs = copy_of(&g->pool, n->inputs, (size_t)n->n_inputs,
                            sizeof *n->inputs);
        n->outputs = copy_of(&g->pool, n->outputs, (size_t)n->n_outputs,
                             sizeof *n->outputs);
        n->output_names = copy_of(&g->pool, n->output_names,
                                  (size_t)n->n_outputs,
                                  sizeof *n->output_names);
        if (!n->inputs || !n->outputs || !n->output_names)
            goto fail;
    }
    return g;
fail:
    oc_graph_free(g);
    return NULL;
}

bool oc_value_is_constant(const oc_value *v)
{
    return ((v->flags & OC_VALUE_INITIALIZER) && !(v->flags & OC_VALUE_INPUT)) ||
           (v->flags & OC_VALUE_KNOWN);
}

bool oc_graph_reserve_values(oc_graph *g, int n)
{
    if (n > INT32_MAX - g->n_values)
        return false;
    if (g->n_values + n <= g->max_values)
        return true;
    int grown = g->max_values > INT32_MAX / 2 ? INT32_MAX : 2 * g->max_values + 1;
    if (grown < g->n_values + n)
        grown = g->n_values + n;
    oc_value *more = oc_pool_calloc(&g->pool, (size_t)grown, sizeof *more);
    if (!more)
        return false;
    memcpy(more, g->values, (size_t)g->n_values * sizeof *more);
    g->values = more;
    g->max_values = grown;
    return true;
}

int oc_graph_add_value(oc_graph *g, const oc_value *v)
{
    if (!oc_graph_reserve_values(g, 1))
        return -1;
    g->values[g->n_values] = *v;
    return g->n_values++;
}

void oc_graph_count_uses(oc_graph *g)
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

void oc_graph_remove_nodes(oc_graph *g, const bool *removed)
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
    oc_graph_count_uses(g);
}

oc_node *oc_graph_only_reader(oc_graph *g, const oc_node *n)
{
    if (n->n_outputs != 1 || n->outputs[0] < 0)
        return NULL;
    const oc_value *y = &g->values[n->outputs[0]];
    if ((y->flags & OC_VALUE_OUTPUT) || y->consumers != 1 || y->last_use < 0)
        return NULL;
    return &g->nodes[y->last_use];
}

const char *oc_kind_name(onnxc_kind kind)
{
    switch (kind) {
    case ONNXC_KIND_TENSOR: return "a tensor";
    case ONNXC_KIND_SEQUENCE: return "a sequence";
    case ONNXC_KIND_OPTIONAL: return "an optional";
    case ONNXC_KIND_NONE: return "none";
    }
    return "an unknown kind";
}

const oc_attr *oc_node_attr(const oc_node *node, const char *name)
{
    for (int i = 0; i < node->n_attrs; i++)
        if (strcmp(node->attrs[i].name, name) == 0)
            return &node->attrs[i];
    return NULL;
}

int64_t oc_graph_opset_of(const oc_graph *graph, const char *domain)
{
    if (strcmp(domain, "ai.onnx") == 0)
        domain = "";
    for (int i = 0; i < graph->n_opsets; i++)
        if (strcmp(graph->opsets[i].domain, domain) == 0)
            return graph->opsets[i].version;
    return -1;
}
