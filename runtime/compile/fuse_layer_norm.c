/*
 * fuse_layer_norm.c - turns the LayerNorm PyTorch decomposes before opset
 * 17 into one LayerNormalization node.
 *
 * torch exports nn.LayerNorm as
 *     mean = ReduceMean(x, axes, keepdims=1)    d = Sub(x, mean)
 *     var = ReduceMean(Pow(d, 2), axes)         std = Sqrt(Add(var, eps))
 *     y = Div(d, std) [Mul(gamma)] [Add(beta)]
 * seven to nine nodes that write six intermediate tensors the size of x.
 * LayerNormalization reads x twice and writes y once, and keeps its
 * statistics in double as the two ReduceMeans do, so the fused result
 * differs from the graph's by the float roundings of the intermediate
 * tensors only (and is the more accurate: with a mean far larger than the
 * spread, the graph's float mean loses the digits the difference needs).
 *
 * The nodes are recognised by operator identity and version, never by
 * name: the binary operators from 7 (numpy broadcasting), both ReduceMeans
 * over the same trailing axes (the attribute, or from 18 a constant
 * input) with keepdims 1, Pow's exponent a constant 2, eps a constant of
 * one element, and every intermediate value read by the next node alone
 * (d by the Pow and the Div) and not a graph output. A Mul by a constant
 * gamma and then an Add of a constant beta join when their shape is the
 * normalized dims' or broadcasts onto them; else the fused node ends at
 * the Div (or the Mul) and the rest stays as it is. Without gamma the
 * scale is a constant 1 of shape [1].
 *
 * LayerNormalization's epsilon is a float: a float64 graph fuses only when
 * its double eps is a float exactly (torch's 1e-5 is not), so that the
 * fused node adds the eps the graph does.
 */
#include <stdlib.h>

#include "runtime/compile/compile.h"
#include "runtime/core/status.h"
#include "runtime/graph/op.h"

/* One decomposed LayerNorm: the nodes it replaces (the last becomes the
 * LayerNormalization) and what that node reads. */
typedef struct layer_norm_match {
    int nodes[9];
    int n_nodes;
    int x, gamma, beta;   /* values; gamma and beta -1 when absent */
    int axis;             /* the first normalized axis, from 0 */
    float epsilon;
} layer_norm_match;

static oc_node *producer_of(oc_graph *g, int v)
{
    return v >= 0 && g->values[v].producer >= 0
               ? &g->nodes[g->values[v].producer]
               : NULL;
}

static bool is_op(const oc_node *n, oc_op_id id, int from_version)
{
    return n && n->op->id == id && n->op_version >= from_version &&
           n->n_outputs == 1 && n->outputs[0] >= 0;
}

/* n's output is read by `readers` node inputs and is not a graph output:
 * nothing else sees it once the nodes are fused. */
static bool private_output(const oc_graph *g, const oc_node *n, int readers)
{
    const oc_value *y = &g->values[n->outputs[0]];
    return y->consumers == readers && !(y->flags & OC_VALUE_OUTPUT);
}

/* The input of binary node n that is not v (v read once), or -1. */
static int other_input(const oc_node *n, int v)
{
    if (n->n_inputs != 2 || (n->inputs[0] == v) == (n->inputs[1] == v))
        return -1;
    return n->inputs[0] == v ? n->inputs[1] : n->inputs[0];
}

/* The axes ReduceMean n reduces over x of `rank` dims, one bit each; 0
 * when they are not given explicitly, not distinct, or keepdims is 0. */
static unsigned reduced_axes(const oc_graph *g, const oc_node *n, int rank)
{
    const oc_attr *keep = oc_node_attr(n, "keepdims");
    const int64_t *axes = NULL;
    size_t count = 0;
    unsigned mask = 0;
    if (keep && (keep->type != OC_ATTR_INT || keep->i != 1))
        return 0;
    if (n->op_version < 18) {
        const oc_attr *a = oc_node_attr(n, "axes");
        if (n->n_inputs != 1 || !a || a->type != OC_ATTR_INTS)
            return 0;
        axes = a->ints;
        count = a->count;
    } else {
        const oc_value *a =
            n->n_inputs == 2 ? oc_compile_constant(g, n->inputs[1]) : NULL;
        if (!a || a->dtype != ONNXC_INT64 || a->shape.rank != 1 ||
            !dim_is_known(a->shape.dims[0]))
            return 0;
        axes = a->data;
        count = (size_t)a->shape.dims[0].value;
    }
    for (size_t i = 0; i < count; i++) {
        int64_t axis = axes[i] < 0 ? axes[i] + rank : axes[i];
        if (axis < 0 || axis >= rank || (mask >> axis & 1))
            return 0;
        mask |= 1u << axis;
    }
    return mask;
}

/* The first axis of mask when it is the trailing axes of `rank`, else -1. */
static int trailing_from(unsigned mask, int rank)
{
    for (int axis = 0; axis < rank; axis++)
        if (mask == ((1u << rank) - 1) - ((1u << axis) - 1))
            return axis;
    return -1;
}

/* Whether constant c, of x's type, is the shape of x's normalized dims
 * (from axis on) or broadcasts onto them: multiplying or adding it leaves
 * every row's shape and the dims before axis alone. */
static bool fits_rows(const oc_value *c, const oc_value *x, int axis)
{
    int r = c ? c->shape.rank : -1, rx = x->shape.rank;
    if (!c || c->dtype != x->dtype || r < 0 || r > rx)
        return false;
    for (int d = 0; d < r; d++) {
        oc_dim cd = c->shape.dims[d], xd = x->shape.dims[rx - r + d];
        if (!dim_is_known(cd))
            return false;
        if (cd.value != 1 && (rx - r + d < axis || !dim_is_known(xd) ||
                              xd.value != cd.value))
            return false;
    }
    return true;
}

static void add_node(layer_norm_match *m, const oc_graph *g, const oc_node *n)
{
    m->nodes[m->n_nodes++] = (int)(n - g->nodes);
}

/* The decomposed LayerNorm ending at Div node `div`, or false. */
static bool match_layer_norm(oc_graph *g, oc_node *div, layer_norm_match *m)
{
    if (!is_op(div, OC_OP_DIV, 7) || div->n_inputs != 2)
        return false;
    oc_node *sub = producer_of(g, div->inputs[0]);
    oc_node *root = producer_of(g, div->inputs[1]);
    if (!is_op(sub, OC_OP_SUB, 7) || sub->n_inputs != 2 ||
        !is_op(root, OC_OP_SQRT, 1) || !private_output(g, root, 1) ||
        !private_output(g, sub, 2))
        return false;
    int x = sub->inputs[0], d = sub->outputs[0];
    const oc_value *xv = &g->values[x];
    int rank = xv->shape.rank;
    oc_node *mean = producer_of(g, sub->inputs[1]);
    oc_node *add = producer_of(g, root->inputs[0]);
    if ((xv->dtype != ONNXC_FLOAT && xv->dtype != ONNXC_DOUBLE) || rank < 1 ||
        g->values[div->outputs[0]].dtype != xv->dtype ||
        !is_op(mean, OC_OP_REDUCE_MEAN, 1) || mean->inputs[0] != x ||
        !private_output(g, mean, 1) || !is_op(add, OC_OP_ADD, 7) ||
        !private_output(g, add, 1))
        return false;
    /* add = var + eps, either way round */
    oc_node *var = producer_of(g, add->inputs[0]);
    int eps_input = 1;
    if (!is_op(var, OC_OP_REDUCE_MEAN, 1)) {
        var = producer_of(g, add->inputs[1]);
        eps_input = 0;
    }
    if (!is_op(var, OC_OP_REDUCE_MEAN, 1) || add->n_inputs != 2 ||
        add->inputs[1 - eps_input] != var->outputs[0] ||
        !private_output(g, var, 1))
        return false;
    oc_node *pow = producer_of(g, var->inputs[0]);
    double two, eps;
    if (!is_op(pow, OC_OP_POW, 7) || pow->n_inputs != 2 ||
        pow->inputs[0] != d || !private_output(g, pow, 1) ||
        !oc_compile_scalar(oc_compile_constant(g, pow->inputs[1]),
                           ONNXC_MAX_RANK, &two) ||
        two != 2)
        return false;
    const oc_value *eps_value = oc_compile_constant(g, add->inputs[eps_input]);
    if (!eps_value || eps_value->dtype != xv->dtype ||
        !oc_compile_scalar(eps_value, rank, &eps) || (double)(float)eps != eps)
        return false;
    unsigned axes = reduced_axes(g, mean, rank);
    m->axis = trailing_from(axes, rank);
    if (m->axis < 0 || reduced_axes(g, var, rank) != axes)
        return false;
    m->x = x;
    m->epsilon = (float)eps;
    m->gamma = m->beta = -1;
    m->n_nodes = 0;
    add_node(m, g, mean), add_node(m, g, sub), add_node(m, g, pow);
    add_node(m, g, var), add_node(m, g, add), add_node(m, g, root);
    add_node(m, g, div);
    /* then perhaps Mul(gamma), then perhaps Add(beta) */
    oc_node *last = div, *next = oc_graph_only_reader(g, div);
    int c;
    if (is_op(next, OC_OP_MUL, 7) &&
        fits_rows(oc_compile_constant(g, c = other_input(next,
                                                         last->outputs[0])),
                  xv, m->axis)) {
        m->gamma = c;
        add_node(m, g, last = next);
        next = oc_graph_only_reader(g, last);
    }
    if (is_op(next, OC_OP_ADD, 7) &&
        fits_rows(oc_compile_constant(g, c = other_input(next,
                                                         last->outputs[0])),
                  xv, m->axis)) {
        m->beta = c;
        add_node(m, g, next);
    }
    return true;
}

/* A constant 1 of x's type and shape [1]: the scale of a LayerNorm
 * without gamma. Its index, or -1 when out of memory. */
static int ones_like(oc_graph *g, const oc_value *x)
{
    static const float one_f = 1;
    static const double one_d = 1;
    oc_value one = {0};
    one.name = "layer_norm_ones";
    one.dtype = x->dtype;
    one.shape.rank = 1;
    one.shape.dims[0] = dim_known(1);
    one.flags = OC_VALUE_INITIALIZER | OC_VALUE_FOLDED;
    one.data = x->dtype == ONNXC_FLOAT ? (const void *)&one_f : &one_d;
    one.bytes = x->dtype == ONNXC_FLOAT ? sizeof one_f : sizeof one_d;
    one.producer = one.last_use = -1;
    return oc_graph_add_value(g, &one);
}

/* Makes the last node of m the LayerNormalization of m's x, writing its
 * output. */
static onnxc_status *fuse(oc_graph *g, const layer_norm_match *m,
                          const oc_op *ln, const oc_compile_options *o)
{
    int scale = m->gamma >= 0 ? m->gamma : ones_like(g, &g->values[m->x]);
    oc_node *n = &g->nodes[m->nodes[m->n_nodes - 1]];
    oc_attr *attrs = oc_pool_calloc(&g->pool, 2, sizeof *attrs);
    int *inputs = oc_pool_calloc(&g->pool, 3, sizeof *inputs);
    const char **names = oc_pool_calloc(&g->pool, 3, sizeof *names);
    if (scale < 0 || !attrs || !inputs || !names)
        return oc_no_memory();
    attrs[0] = (oc_attr){.name = "axis", .type = OC_ATTR_INT, .i = m->axis};
    attrs[1] = (oc_attr){.name = "epsilon", .type = OC_ATTR_FLOAT,
                         .f = m->epsilon};
    inputs[0] = m->x;
    inputs[1] = scale;
    inputs[2] = m->beta;
    for (int k = 0; k < 3; k++)
        names[k] = inputs[k] >= 0 ? g->values[inputs[k]].name : "";
    n->op = ln;
    n->op_type = ln->op_type;
    n->domain = ln->domain;
    n->op_version = 17;
    n->attrs = attrs;
    n->n_attrs = 2;
    n->inputs = inputs;
    n->input_names = names;
    n->n_inputs = m->beta >= 0 ? 3 : 2;
    n->in_slots = ln->max_inputs;
    n->out_slots = ln->max_outputs;
    oc_prepare_ctx ctx = {.node = n, .pool = &g->pool, .kernels = o->kernels};
    return ln->prepare(&ctx, &n->params);
}

onnxc_status *oc_pass_fuse_layer_norm(oc_graph *g, const oc_compile_options *o)
{
    int version = 0;
    const oc_op *ln = oc_ops_find("", "LayerNormalization", 17, &version);
    if (!ln || ln->id != OC_OP_LAYER_NORMALIZATION || version != 17)
        return NULL;   /* a build without it fuses nothing */
    bool *removed = calloc((size_t)g->n_nodes + 1, sizeof *removed), any = false;
    onnxc_status *err = NULL;
    if (!removed)
        return oc_no_memory();
    for (int i = 0; i < g->n_nodes && !err; i++) {
        layer_norm_match m;
        if (removed[i] || !match_layer_norm(g, &g->nodes[i], &m))
            continue;
        for (int k = 0; k < m.n_nodes - 1; k++) {
            removed[m.nodes[k]] = true;
            g->values[g->nodes[m.nodes[k]].outputs[0]].producer = -1;
        }
        any = true;
        err = fuse(g, &m, ln, o);
    }
    if (any)
        oc_graph_remove_nodes(g, removed);
    free(removed);
    return err;
}
