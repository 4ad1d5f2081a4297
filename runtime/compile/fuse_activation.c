/*
 * fuse_activation.c - folds a Relu, a LeakyRelu, or a Clip whose min is
 * +0 (ReLU6, as mobilenets have it) that is the only reader of a node's
 * float output into that node, when its operator applies one in its store
 * (fuse_activation: Gemm, MatMul, Conv, ConvTranspose).
 *
 * The activation then costs no pass over memory and its tensor no arena
 * space. Matched on operator identity, never on names. A Clip is taken
 * only when its bounds are known here: attributes before version 11, else
 * constant inputs of one float (min exactly +0; max any, FLT_MAX when
 * absent, as Clip's own loop has it).
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "runtime/compile/compile.h"
#include "runtime/core/status.h"
#include "runtime/graph/op.h"

/* The float attribute `name` of n, or `otherwise` when absent; false when
 * present with another type. */
static bool float_attr(const oc_node *n, const char *name, float otherwise,
                       float *v)
{
    const oc_attr *a = oc_node_attr(n, name);
    *v = a ? a->f : otherwise;
    return !a || a->type == OC_ATTR_FLOAT;
}

/* Clip's bound from input k (absent: `otherwise`); false unless constant,
 * float and of one element. */
static bool clip_input(const oc_graph *g, const oc_node *n, int k,
                       float otherwise, float *v)
{
    double d;
    *v = otherwise;
    if (k >= n->n_inputs || n->inputs[k] < 0)
        return true;
    const oc_value *b = oc_compile_constant(g, n->inputs[k]);
    if (!b || b->dtype != ONNXC_FLOAT ||
        !oc_compile_scalar(b, ONNXC_MAX_RANK, &d))
        return false;
    *v = (float)d;   /* a float read as a double: exact */
    return true;
}

/* The activation `n` applies and its parameter, or OC_ACT_NONE. */
static oc_activation activation_of(const oc_graph *g, const oc_node *n,
                                   float *param)
{
    float lo, hi;
    *param = 0;
    switch (n->op->id) {
    case OC_OP_RELU:
        return OC_ACT_RELU;
    case OC_OP_LEAKY_RELU:
        return float_attr(n, "alpha", 0.01f, param) ? OC_ACT_LEAKY_RELU
                                                    : OC_ACT_NONE;
    case OC_OP_CLIP:
        if (n->op_version < 11
                ? !float_attr(n, "min", -FLT_MAX, &lo) ||
                      !float_attr(n, "max", FLT_MAX, &hi)
                : !clip_input(g, n, 1, -FLT_MAX, &lo) ||
                      !clip_input(g, n, 2, FLT_MAX, &hi))
            return OC_ACT_NONE;
        /* min(max(x, +0), hi) is Clip's own loop only from +0, not -0 */
        if (lo != 0 || signbit(lo))
            return OC_ACT_NONE;
        *param = hi;
        return OC_ACT_RELU_CAP;
    default:
        return OC_ACT_NONE;
    }
}

static bool take_activation(oc_graph *g, oc_node *n, const oc_node *next)
{
    int v = n->outputs[0];
    float param;
    oc_activation act = activation_of(g, next, &param);
    return n->op->fuse_activation && act != OC_ACT_NONE &&
           g->values[v].dtype == ONNXC_FLOAT && next->inputs[0] == v &&
           n->op->fuse_activation(n, n->params, act, param);
}

onnxc_status *oc_pass_fuse_activation(oc_graph *g, const oc_compile_options *o)
{
    (void)o;
    return oc_compile_fuse_pairs(g, take_activation);
}
