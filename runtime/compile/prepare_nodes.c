/*
 * prepare_nodes.c - has each node's operator parse and check its
 * attributes into the params its other stages read.
 *
 * Runs on the checked graph (for inference) and again on each program,
 * whose params may differ (the kernels chosen, what fusions add).
 */
#include "runtime/compile/compile.h"
#include "runtime/graph/op.h"

onnxc_status *oc_pass_prepare_nodes(oc_graph *g, const oc_compile_options *o)
{
    for (int i = 0; i < g->n_nodes; i++) {
        oc_node *n = &g->nodes[i];
        oc_prepare_ctx ctx = {.node = n, .pool = &g->pool,
                              .kernels = o ? o->kernels : ONNXC_KERNELS_AUTO};
        onnxc_status *err = n->op->prepare(&ctx, &n->params);
        if (err)
            return err;
    }
    return NULL;
}
