/*
 * release_weights.c - frees the stored copy of each weight whose readers
 * all run on the copy they prepacked, so that a model holds its large
 * weights once, not twice.
 *
 * Not a graph output (the caller reads it), nor a value a caller may bind
 * (a default), nor a folded Constant (its data is the node's attribute).
 * Small weights share pool blocks and stay. The weights live in the
 * checked graph, shared by every program: a program compiled later with
 * other options whose readers need a weight released by an earlier one is
 * refused, naming it.
 */
#include "runtime/compile/compile.h"
#include "runtime/core/file.h"
#include "runtime/core/status.h"
#include "runtime/graph/op.h"

bool oc_read_packed_only(const oc_graph *g, int v)
{
    for (int i = 0; i < g->n_nodes; i++) {
        const oc_node *n = &g->nodes[i];
        for (int k = 0; k < n->n_inputs; k++)
            if (n->inputs[k] == v &&
                (!n->op->reads_packed_only ||
                 !n->op->reads_packed_only(n, n->params, k)))
                return false;
    }
    return true;
}

onnxc_status *oc_pass_release_weights(oc_graph *g, const oc_compile_options *o)
{
    oc_graph *store = g->source ? g->source : g;
    (void)o;
    for (int v = 0; v < g->n_values; v++) {
        oc_value *val = &g->values[v];
        bool weight = (val->flags & OC_VALUE_INITIALIZER) &&
                      !(val->flags & (OC_VALUE_INPUT | OC_VALUE_FOLDED));
        if (!weight || val->consumers == 0)
            continue;
        bool packed_only = oc_read_packed_only(g, v);
        if (!val->data && val->bytes && !packed_only)
            return oc_error(ONNXC_ERR_UNSUPPORTED,
                            "weight '%s' was released after an earlier "
                            "session of this model packed it for other "
                            "options (kernels, optimizations); load the "
                            "model again for a session with these options",
                            val->name);
        if (!val->data || (val->flags & OC_VALUE_OUTPUT) || !packed_only)
            continue;
        if (val->flags & OC_VALUE_MAPPED) {
            /* in the mapped file: its pages go; nothing reads them again */
            oc_file_forget(val->data, val->bytes);
            val->data = NULL;
            if (g->source)
                g->source->values[v].data = NULL;
        } else if (oc_pool_release(&store->pool, val->data)) {
            val->data = NULL;
            if (g->source)
                g->source->values[v].data = NULL;
        }
    }
    return NULL;
}
