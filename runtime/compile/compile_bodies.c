/*
 * compile_bodies.c - compiles the subgraphs of a program's nodes (If's
 * branches, a Loop's body) into programs of their own, with the same
 * options; the node's sessions run them (op.h, state_new).
 */
#include "runtime/compile/compile.h"
#include "runtime/core/status.h"

onnxc_status *oc_pass_compile_bodies(oc_graph *g, const oc_compile_options *o)
{
    onnxc_status *err;
    for (int i = 0; i < g->n_nodes; i++) {
        oc_node *n = &g->nodes[i];
        bool any = false;
        for (int a = 0; a < n->n_attrs; a++)
            any = any || n->attrs[a].g;
        if (!any)
            continue;
        n->bodies = oc_pool_calloc(&g->pool, (size_t)n->n_attrs, sizeof *n->bodies);
        if (!n->bodies)
            return oc_no_memory();
        for (int a = 0; a < n->n_attrs; a++)
            if (n->attrs[a].g &&
                (err = oc_compile_program(n->attrs[a].g, o, &n->bodies[a])))
                return oc_error_wrap(err, "node '%s' (%s), attribute '%s'",
                                     n->label, n->op_type, n->attrs[a].name);
    }
    return NULL;
}
