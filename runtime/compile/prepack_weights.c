/*
 * prepack_weights.c - gives each operator with a prepack hook the chance
 * to put its constant inputs into its kernel's layout, once per program
 * (Gemm and MatMul pack a weight B for their micro-kernels).
 *
 * A weight read in place from the mapped file whose readers are all
 * packed has its pages dropped at once, so that the model never holds a
 * large weight twice: not at the end (release_weights), when every packed
 * copy would already sit beside every mapped original.
 */
#include <stdlib.h>

#include "runtime/compile/compile.h"
#include "runtime/core/file.h"
#include "runtime/core/status.h"
#include "runtime/graph/op.h"

onnxc_status *oc_pass_prepack_weights(oc_graph *g, const oc_compile_options *o)
{
    int slots = 1;
    onnxc_status *err = NULL;
    (void)o;
    for (int i = 0; i < g->n_nodes; i++)
        if (g->nodes[i].in_slots > slots)
            slots = g->nodes[i].in_slots;
    const oc_value **in = calloc((size_t)slots, sizeof *in);
    if (!in)
        return oc_no_memory();
    for (int i = 0; !err && i < g->n_nodes; i++) {
        oc_node *n = &g->nodes[i];
        if (!n->op->prepack)
            continue;
        for (int k = 0; k < n->in_slots; k++)
            in[k] = k < n->n_inputs && n->inputs[k] >= 0
                        ? &g->values[n->inputs[k]]
                        : NULL;
        oc_prepack_ctx ctx = {.node = n, .params = n->params,
                              .n_in = n->n_inputs, .in = in, .pool = &g->pool};
        err = n->op->prepack(&ctx);
        for (int k = 0; !err && k < n->n_inputs; k++) {
            int v = n->inputs[k];
            const oc_value *val = v >= 0 ? &g->values[v] : NULL;
            if (val && (val->flags & OC_VALUE_MAPPED) && val->data &&
                val->last_use <= i && oc_read_packed_only(g, v))
                oc_file_forget(val->data, val->bytes);
        }
    }
    free(in);
    return err;
}
