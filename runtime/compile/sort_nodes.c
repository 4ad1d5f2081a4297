/*
 * sort_nodes.c - orders the nodes so that each comes after the producers
 * of its inputs.
 *
 * Exported models are already in order and keep it; others are sorted
 * with Kahn's algorithm, over a table of each value's consumers. A cycle
 * is an error naming a node on it.
 */
#include "runtime/compile/compile.h"
#include "runtime/core/status.h"

onnxc_status *oc_pass_sort_nodes(oc_graph *g, const oc_compile_options *o)
{
    int n = g->n_nodes;
    (void)o;
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
