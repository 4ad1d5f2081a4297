/*
 * fuse_pairs.c - what the fusion passes share: the walk by which a node
 * and the only reader of its output become one node, and the reading of
 * the constants a match depends on.
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

const oc_value *oc_compile_constant(const oc_graph *g, int v)
{
    const oc_value *c = v >= 0 ? &g->values[v] : NULL;
    return c && oc_value_is_constant(c) && c->data ? c : NULL;
}

bool oc_compile_scalar(const oc_value *c, int max_rank, double *out)
{
    if (!c || c->shape.rank < 0 || c->shape.rank > max_rank)
        return false;
    for (int d = 0; d < c->shape.rank; d++)
        if (!dim_is_known(c->shape.dims[d]) || c->shape.dims[d].value != 1)
            return false;
    switch (c->dtype) {
    case ONNXC_FLOAT: *out = *(const float *)c->data; return true;
    case ONNXC_DOUBLE: *out = *(const double *)c->data; return true;
    case ONNXC_INT32: *out = *(const int32_t *)c->data; return true;
    case ONNXC_INT64: *out = (double)*(const int64_t *)c->data; return true;
    default: return false;
    }
}
