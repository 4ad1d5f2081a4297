/*
 * fuse_activation.c - folds a Relu or LeakyRelu that is the only reader of
 * a node's float output into that node, when its operator applies one in
 * its store (fuse_activation: Gemm, MatMul).
 *
 * The activation then costs no pass over memory and its tensor no arena
 * space. Matched on operator identity, never on names.
 */
#include "runtime/compile/compile.h"
#include "runtime/core/status.h"
#include "runtime/graph/op.h"

static oc_activation activation_of(const oc_node *n)
{
    switch (n->op->id) {
    case OC_OP_RELU: return OC_ACT_RELU;
    case OC_OP_LEAKY_RELU: return OC_ACT_LEAKY_RELU;
    default: return OC_ACT_NONE;
    }
}

static bool take_activation(oc_graph *g, oc_node *n, const oc_node *next)
{
    int v = n->outputs[0];
    oc_activation act = activation_of(next);
    return n->op->fuse_activation && act != OC_ACT_NONE &&
           g->values[v].dtype == ONNXC_FLOAT && next->inputs[0] == v &&
           n->op->fuse_activation(n, n->params, next, act);
}

onnxc_status *oc_pass_fuse_activation(oc_graph *g, const oc_compile_options *o)
{
    (void)o;
    return oc_compile_fuse_pairs(g, take_activation);
}
