/* graph.c - creating, freeing and querying a graph. */
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
    oc_pool_free(&graph->pool);
    free(graph);
}

bool oc_value_is_constant(const oc_value *v)
{
    return (v->flags & OC_VALUE_INITIALIZER) && !(v->flags & OC_VALUE_INPUT);
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
