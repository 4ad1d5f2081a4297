/*
 * fold_constants.c - drops the nodes whose outputs are all known at load
 * (infer gave their contents: Constant), making those outputs weights.
 *
 * Off with the session options' optimizations (the node then runs).
 */
#include <stdlib.h>

#include "runtime/compile/compile.h"
#include "runtime/core/status.h"

static bool all_known(const oc_graph *g, const oc_node *n)
{
    for (int k = 0; k < n->n_outputs; k++)
        if (n->outputs[k] >= 0 &&
            !(g->values[n->outputs[k]].flags & OC_VALUE_KNOWN))
            return false;
    return true;
}

onnxc_status *oc_pass_fold_constants(oc_graph *g, const oc_compile_options *o)
{
    bool *removed = calloc((size_t)g->n_nodes + 1, sizeof *removed), any = false;
    (void)o;
    if (!removed)
        return oc_no_memory();
    for (int i = 0; i < g->n_nodes; i++) {
        const oc_node *n = &g->nodes[i];
        if (!all_known(g, n))
            continue;
        for (int k = 0; k < n->n_outputs; k++) {
            if (n->outputs[k] < 0)
                continue;
            oc_value *y = &g->values[n->outputs[k]];
            y->flags = (y->flags & ~(unsigned)OC_VALUE_KNOWN) |
                       OC_VALUE_INITIALIZER | OC_VALUE_FOLDED;
            y->producer = -1;
        }
        removed[i] = any = true;
    }
    if (any)
        oc_graph_remove_nodes(g, removed);
    free(removed);
    return NULL;
}
