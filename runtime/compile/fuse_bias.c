/*
 * fuse_bias.c - folds an Add of a constant bias row into the node before
 * it, when that node's operator takes one into its store (fuse_bias).
 *
 * A Linear over a 3-D input exports as MatMul + Add; fused, the bias costs
 * no pass over memory. The Add is recognised by its operator identity and
 * version (Add from 7, when it broadcasts numpy-style), never by name.
 */
#include "runtime/compile/compile.h"
#include "runtime/core/status.h"
#include "runtime/graph/op.h"

/* The constant float bias of an Add reading y: the Add's other input, a
 * constant of shape [n] or [1, ..., 1, n] no longer than y, with n y's
 * last dim, so that adding it keeps y's shape. */
static const oc_value *bias_of(const oc_graph *g, const oc_node *add, int y)
{
    if (add->op->id != OC_OP_ADD || add->op_version < 7 || add->n_inputs != 2)
        return NULL;
    int other = add->inputs[0] == y ? add->inputs[1] : add->inputs[0];
    if (other == y || (add->inputs[0] != y && add->inputs[1] != y))
        return NULL;
    const oc_value *b = &g->values[other], *out = &g->values[y];
    int r = b->shape.rank, ry = out->shape.rank;
    if (b->dtype != ONNXC_FLOAT || !oc_value_is_constant(b) || !b->data ||
        r < 1 || ry < 1 || r > ry || !dim_is_known(out->shape.dims[ry - 1]) ||
        b->shape.dims[r - 1].value != out->shape.dims[ry - 1].value)
        return NULL;
    for (int d = 0; d < r - 1; d++)
        if (b->shape.dims[d].value != 1)
            return NULL;
    return b;
}

static bool take_bias(oc_graph *g, oc_node *n, const oc_node *add)
{
    int y = n->outputs[0];
    const oc_value *bias = n->op->fuse_bias && g->values[y].dtype == ONNXC_FLOAT
                               ? bias_of(g, add, y)
                               : NULL;
    return bias &&
           n->op->fuse_bias(n, n->params, bias->data,
                            (size_t)bias->shape.dims[bias->shape.rank - 1].value);
}

onnxc_status *oc_pass_fuse_bias(oc_graph *g, const oc_compile_options *o)
{
    (void)o;
    return oc_compile_fuse_pairs(g, take_bias);
}
