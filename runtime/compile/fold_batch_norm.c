/*
 * fold_batch_norm.c - folds an inference BatchNormalization that is the
 * only reader of a Conv's output into the Conv's weights and bias.
 *
 * With f = scale / sqrt(var + epsilon) per output channel m, the pair
 * computes Conv(x, W * f[m], (b - mean) * f + B): the same numbers less
 * a pass over the output and its tensor. The folded W and b are new
 * constants, computed in double and rounded once to the Conv's type
 * (float or double), so the result differs from the unfolded graph's by
 * a rounding of the output and of the weights only. The Conv's own W and
 * b are left as they are (another node may read them).
 *
 * Matched on operator identity and version, never on names: a Conv with
 * constant W [M, ...] and constant b [M] if any; a BatchNormalization of
 * one output in inference mode (is_test=1 before 7, where the default is
 * training; one output from 7 on), spatial (the default before 9), with
 * constant scale, B, mean and var [M] of W's type; the Conv's output
 * read by the BatchNormalization alone and not a graph output. Anything
 * else (and a fold that runs out of memory) leaves both nodes as they are.
 */
#include <math.h>

#include "runtime/compile/compile.h"
#include "runtime/core/status.h"
#include "runtime/graph/op.h"

/* Value v when it is a constant of type dtype with known dims; NULL when
 * not (or v is -1). */
static const oc_value *constant_of(const oc_graph *g, int v, onnxc_dtype dtype)
{
    const oc_value *c = v >= 0 ? &g->values[v] : NULL;
    if (!c || !oc_value_is_constant(c) || !c->data || c->dtype != dtype ||
        c->shape.rank < 0)
        return NULL;
    for (int d = 0; d < c->shape.rank; d++)
        if (!dim_is_known(c->shape.dims[d]))
            return NULL;
    return c;
}

/* Whether constant c is a vector of m elements. */
static bool per_channel(const oc_value *c, int64_t m)
{
    return c && c->shape.rank == 1 && c->shape.dims[0].value == m;
}

/* An int attribute of n, fallback when absent; -1 when not an int. */
static int64_t int_attr(const oc_node *n, const char *name, int64_t fallback)
{
    const oc_attr *a = oc_node_attr(n, name);
    return !a ? fallback : a->type == OC_ATTR_INT ? a->i : -1;
}

/* Whether BatchNormalization node bn computes with its mean and var
 * inputs, per channel, into one output; its epsilon in *eps. */
static bool inference_form(const oc_node *bn, double *eps)
{
    const oc_attr *e = oc_node_attr(bn, "epsilon");
    int v = bn->op_version;
    if (bn->n_outputs != 1 || bn->n_inputs != 5 || (e && e->type != OC_ATTR_FLOAT))
        return false;
    if (v < 7 && int_attr(bn, "is_test", 0) != 1)
        return false;
    if (v < 9 && int_attr(bn, "spatial", 1) != 1)
        return false;
    if (v >= 14 && int_attr(bn, "training_mode", 0) != 0)
        return false;
    *eps = e ? e->f : 1e-5f;
    return true;
}

static double load(const void *data, onnxc_dtype dtype, size_t i)
{
    return dtype == ONNXC_FLOAT ? ((const float *)data)[i]
                                : ((const double *)data)[i];
}

static void store(void *data, onnxc_dtype dtype, size_t i, double v)
{
    if (dtype == ONNXC_FLOAT)
        ((float *)data)[i] = (float)v;
    else
        ((double *)data)[i] = v;
}

/* A new constant like `like` (type, shape) holding data; its index, or -1
 * when out of memory. */
static int add_constant(oc_graph *g, int like, const char *name, void *data,
                        size_t bytes)
{
    oc_value c = {0};
    c.name = name;
    c.dtype = g->values[like].dtype;
    c.shape = g->values[like].shape;
    c.flags = OC_VALUE_INITIALIZER | OC_VALUE_FOLDED;
    c.data = data;
    c.bytes = bytes;
    c.producer = c.last_use = -1;
    return oc_graph_add_value(g, &c);
}

static bool take_batch_norm(oc_graph *g, oc_node *conv, const oc_node *bn)
{
    double eps;
    if (conv->op->id != OC_OP_CONV || bn->op->id != OC_OP_BATCH_NORMALIZATION ||
        conv->n_outputs != 1 || conv->n_inputs < 2 ||
        bn->inputs[0] != conv->outputs[0] || !inference_form(bn, &eps))
        return false;
    onnxc_dtype dtype = g->values[conv->outputs[0]].dtype;
    const oc_value *w = constant_of(g, conv->inputs[1], dtype);
    const oc_value *b = conv->n_inputs > 2 && conv->inputs[2] >= 0
                            ? constant_of(g, conv->inputs[2], dtype)
                            : NULL;
    if ((dtype != ONNXC_FLOAT && dtype != ONNXC_DOUBLE) || !w ||
        w->shape.rank < 3 || (conv->n_inputs > 2 && conv->inputs[2] >= 0 && !b))
        return false;
    int64_t m = w->shape.dims[0].value;
    const oc_value *stats[4];   /* scale, B, mean, var */
    for (int k = 0; k < 4; k++)
        if (!per_channel(stats[k] = constant_of(g, bn->inputs[1 + k], dtype), m))
            return false;
    if (b && !per_channel(b, m))
        return false;
    size_t esize = onnxc_dtype_size(dtype), count = w->bytes / esize;
    size_t inner = m > 0 ? count / (size_t)m : 0;
    void *wd = oc_pool_alloc(&g->pool, w->bytes ? w->bytes : 1);
    void *bd = oc_pool_alloc(&g->pool, (size_t)m * esize + 1);
    int *inputs = oc_pool_calloc(&g->pool, 3, sizeof *inputs);
    const char **names = oc_pool_calloc(&g->pool, 3, sizeof *names);
    if (!wd || !bd || !inputs || !names || inner * (size_t)m != count)
        return false;
    for (size_t c = 0; c < (size_t)m; c++) {
        double f = load(stats[0]->data, dtype, c) /
                   sqrt(load(stats[3]->data, dtype, c) + eps);
        double bias = b ? load(b->data, dtype, c) : 0;
        for (size_t i = c * inner; i < (c + 1) * inner; i++)
            store(wd, dtype, i, load(w->data, dtype, i) * f);
        store(bd, dtype, c, (bias - load(stats[2]->data, dtype, c)) * f +
                                load(stats[1]->data, dtype, c));
    }
    int bn_scale = bn->inputs[1];
    size_t w_bytes = w->bytes;
    int wv = add_constant(g, conv->inputs[1], "fold_batch_norm_W", wd, w_bytes);
    int bv = wv < 0 ? -1
                    : add_constant(g, bn_scale, "fold_batch_norm_B", bd,
                                   (size_t)m * esize);
    if (bv < 0)
        return false;
    inputs[0] = conv->inputs[0];
    inputs[1] = wv;
    inputs[2] = bv;
    for (int k = 0; k < 3; k++)
        names[k] = g->values[inputs[k]].name;
    names[0] = conv->input_names[0];
    conv->inputs = inputs;
    conv->input_names = names;
    conv->n_inputs = 3;
    return true;
}

onnxc_status *oc_pass_fold_batch_norm(oc_graph *g, const oc_compile_options *o)
{
    (void)o;
    return oc_compile_fuse_pairs(g, take_batch_norm);
}
