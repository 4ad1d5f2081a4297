/*
 * fuse_pairs.c - the walk every fusion pass shares: a node and the only
 * reader of its output become one node.
 */
#include <stdlib.h>

#include "runtime/compile/compile.h"
#include "runtime/core/status.h"
#include "runtime/graph/op.h"

onnxc_status *oc_compile_fuse_pairs(oc_graph *g, oc_fuse_fn take)
{
    bool *removed = calloc((size_t)g->n_nodes + 1, sizeof *removed), any = false;
    if (!removed)
        return oc_no_memory();
    for (int i = 0; i < g->n_nodes; i++) {
        oc_node *n = &g->nodes[i];
        if (removed[i])
            continue;
        oc_node *next = oc_graph_only_reader(g, n);
        if (!next || removed[next - g->nodes] || !take(g, n, next))
            continue;
        removed[next - g->nodes] = any = true;
        g->values[n->outputs[0]].producer = -1;  /* nothing computes it now */
        n->outputs[0] = next->outputs[0];
        n->output_names[0] = next->output_names[0];
    }
    if (any)
        oc_graph_remove_nodes(g, removed);
    free(removed);
    return NULL;
}
