/*
 * loss_common.c - the kernel of NegativeLogLikelihoodLoss and
 * SoftmaxCrossEntropyLoss (versions 12 and 13 of each).
 *
 * Input 0 is [N, C, d1, ..., dk] (k >= 0), the class axis second; the
 * target [N, d1, ..., dk] holds one class per sample, int32 or int64; the
 * optional weight is [C]. A sample's loss is -logp[class] * weight[class],
 * and 0 when its class equals ignore_index (then its weight counts for
 * nothing in the mean either). "mean" divides the sum of the losses by
 * the sum of the counted samples' weights (their number without weights):
 * when every sample is ignored that is 0 / 0, NaN, as in torch and the
 * ONNX reference. A class outside [0, C) that is not ignore_index is a
 * run error naming the node and the sample.
 *
 * Without ignore_index no class is ignored (the spec gives it no
 * default); onnxruntime's kernels read an absent one as -1, which only
 * matters for a target holding -1, an error here.
 *
 * SoftmaxCrossEntropyLoss takes logp = (x - max) - log(sum exp(x - max))
 * along C (subtracting the max first keeps the digits of scores far from
 * 0), in double for float tensors as Softmax does, and writes it to
 * its optional second output; the losses, sums and the mean are taken in
 * double too and rounded once.
 */
#include <math.h>
#include <string.h>

#include "ops/common/dims_value.h"
#include "ops/loss/loss_common.h"

onnxc_status *oc_loss_prepare(const oc_prepare_ctx *ctx, bool softmax,
                              void **params)
{
    static const char *const attrs[] = {"reduction", "ignore_index", NULL};
    static const char *const names[] = {"none", "sum", "mean"};
    const oc_node *node = ctx->node;
    const char *reduction;
    char desc[300];
    onnxc_status *err;
    loss_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    p->softmax = softmax;
    p->has_ignore = oc_node_attr(node, "ignore_index") != NULL;
    if ((err = oc_check_attrs(node, attrs)) ||
        (err = oc_attr_int(node, "ignore_index", 0, &p->ignore_index)) ||
        (err = oc_attr_string(node, "reduction", "mean", &reduction)))
        return err;
    for (int r = 0;; r++) {
        if (r == 3)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "%s: reduction '%s' is not one of none, sum, mean",
                            oc_node_desc(node, desc, sizeof desc), reduction);
        if (strcmp(reduction, names[r]) == 0) {
            p->reduction = (loss_reduction)r;
            break;
        }
    }
    *params = p;
    return NULL;
}

/* The names the spec gives the tensors of either operator. */
static const char *input_name(const loss_params *p, int k)
{
    static const char *const nll[] = {"input", "target", "weight"};
    static const char *const sce[] = {"scores", "labels", "weights"};
    return (p->softmax ? sce : nll)[k];
}

onnxc_status *oc_loss_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const loss_params *p = ctx->params;
    const oc_type *x = ctx->in[0], *t = ctx->in[1];
    const oc_type *w = ctx->n_in > 2 ? ctx->in[2] : NULL;
    char desc[300], s1[128], s2[128];
    oc_shape expect;
    if (x->dtype != ONNXC_FLOAT && x->dtype != ONNXC_DOUBLE)
        return oc_bad_dtype(node, input_name(p, 0), x->dtype, "float, double");
    if (t->dtype != ONNXC_INT32 && t->dtype != ONNXC_INT64)
        return oc_bad_dtype(node, input_name(p, 1), t->dtype, "int32, int64");
    if (w && w->dtype != x->dtype)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: %s is %s, %s %s; they share one type",
                        oc_node_desc(node, desc, sizeof desc), input_name(p, 2),
                        onnxc_dtype_name(w->dtype), input_name(p, 0),
                        onnxc_dtype_name(x->dtype));
    if (x->shape.rank >= 0 && x->shape.rank < 2)
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: %s has rank %d; it must be [N, C, ...], rank 2 or more",
                        oc_node_desc(node, desc, sizeof desc), input_name(p, 0),
                        x->shape.rank);
    /* The target's shape: input 0's without the class axis. */
    expect.rank = x->shape.rank < 0 ? -1 : x->shape.rank - 1;
    if (expect.rank >= 0) {
        expect.dims[0] = x->shape.dims[0];
        for (int d = 1; d < expect.rank; d++)
            expect.dims[d] = x->shape.dims[d + 1];
        if (t->shape.rank >= 0 && !oc_shape_compatible(&t->shape, &expect))
            return oc_error(ONNXC_ERR_SHAPE, "%s: %s is %s, expected %s",
                            oc_node_desc(node, desc, sizeof desc),
                            input_name(p, 1),
                            oc_shape_format(&t->shape, NULL, s1, sizeof s1),
                            oc_shape_format(&expect, NULL, s2, sizeof s2));
    } else {
        expect = t->shape;
    }
    if (w && w->shape.rank >= 0 &&
        (w->shape.rank != 1 ||
         (x->shape.rank >= 0 &&
          !oc_dim_compatible(w->shape.dims[0], x->shape.dims[1]))))
        return oc_error(ONNXC_ERR_SHAPE, "%s: %s is %s, expected [C] of %s %s",
                        oc_node_desc(node, desc, sizeof desc), input_name(p, 2),
                        oc_shape_format(&w->shape, NULL, s1, sizeof s1),
                        input_name(p, 0),
                        oc_shape_format(&x->shape, NULL, s2, sizeof s2));
    ctx->out[0]->dtype = x->dtype;
    if (p->reduction == LOSS_NONE)
        ctx->out[0]->shape = expect;
    else
        ctx->out[0]->shape.rank = 0;
    if (ctx->n_out > 1) {
        ctx->out[1]->dtype = x->dtype;
        ctx->out[1]->shape = x->shape;
    }
    return NULL;
}

/* The run's shapes, which the plan may have left symbolic. */
static onnxc_status *check_run_shapes(const oc_run_ctx *ctx, size_t *n,
                                      size_t *c, size_t *d)
{
    const loss_params *p = ctx->params;
    const oc_tensor *x = ctx->in[0], *t = ctx->in[1];
    const oc_tensor *w = ctx->n_in > 2 ? ctx->in[2] : NULL;
    bool same = t->rank == x->rank - 1 && t->dims[0] == x->dims[0];
    char s1[128], s2[128];
    for (int k = 1; same && k < t->rank; k++)
        same = t->dims[k] == x->dims[k + 1];
    if (!same)
        return oc_run_error(ctx, "%s is %s, %s %s; expected the second without its axis 1",
                            input_name(p, 1),
                            oc_dims_format(t->dims, t->rank, s1, sizeof s1),
                            input_name(p, 0),
                            oc_dims_format(x->dims, x->rank, s2, sizeof s2));
    if (w && (w->rank != 1 || w->dims[0] != x->dims[1]))
        return oc_run_error(ctx, "%s is %s, expected [%lld]", input_name(p, 2),
                            oc_dims_format(w->dims, w->rank, s1, sizeof s1),
                            (long long)x->dims[1]);
    *n = (size_t)x->dims[0];
    *c = (size_t)x->dims[1];
    *d = oc_tensor_count(t) / (*n ? *n : 1);
    return NULL;
}

/* One kernel per element type; the target is read through oc_int_at. */
#define LOSS_KERNEL(name, T)                                                   \
    static onnxc_status *name(const oc_run_ctx *ctx, size_t n, size_t c,       \
                              size_t d)                                        \
    {                                                                          \
        const loss_params *p = ctx->params;                                    \
        const T *x = ctx->in[0]->data;                                         \
        const oc_tensor *t = ctx->in[1];                                       \
        const oc_tensor *wt = ctx->n_in > 2 ? ctx->in[2] : NULL;               \
        const T *w = wt ? wt->data : NULL;                                     \
        T *y = ctx->out[0]->data;                                              \
        T *lp = ctx->n_out > 1 && ctx->out[1] ? ctx->out[1]->data : NULL;      \
        double total = 0, weights = 0;                                         \
        for (size_t i = 0; i < n; i++)                                         \
            for (size_t j = 0; j < d; j++) {                                   \
                const T *row = x + i * c * d + j;   /* stride d along C */    \
                double m = 0, ls = 0, loss = 0;   /* logp = x - m - ls */     \
                if (p->softmax) {                                              \
                    double s = 0;                                              \
                    m = -INFINITY;                                             \
                    for (size_t k = 0; k < c; k++)                             \
                        if (row[k * d] > m)    /* a NaN makes s NaN */   \
                            m = row[k * d];                                    \
                    for (size_t k = 0; k < c; k++)                             \
                        s += exp(row[k * d] - m);                              \
                    ls = log(s);                                               \
                    if (lp)                                                    \
                        for (size_t k = 0; k < c; k++)                         \
                            lp[(i * c + k) * d + j] = (T)(row[k * d] - m - ls); \
                }                                                              \
                int64_t cls = oc_int_at(t->data, t->dtype, i * d + j);         \
                if (!(p->has_ignore && cls == p->ignore_index)) {              \
                    if (cls < 0 || (uint64_t)cls >= c)                         \
                        return oc_run_error(                                   \
                            ctx, "%s element %zu = %lld is not a class of [0, %zu)%s", \
                            input_name(p, 1), i * d + j, (long long)cls, c,    \
                            p->has_ignore ? " nor ignore_index" : "");         \
                    double wc = w ? (double)w[cls] : 1.0;                      \
                    loss = -((double)row[(size_t)cls * d] - m - ls) * wc;      \
                    weights += wc;                                             \
                }                                                              \
                if (p->reduction == LOSS_NONE)                                 \
                    y[i * d + j] = (T)loss;                                    \
                else                                                           \
                    total += loss;                                             \
            }                                                                  \
        if (p->reduction == LOSS_SUM)                                          \
            y[0] = (T)total;                                                   \
        else if (p->reduction == LOSS_MEAN)                                    \
            y[0] = (T)(total / weights);                                       \
        return NULL;                                                           \
    }

LOSS_KERNEL(loss_float, float)
LOSS_KERNEL(loss_double, double)

onnxc_status *oc_loss_run(const oc_run_ctx *ctx)
{
    size_t n, c, d;
    onnxc_status *err = check_run_shapes(ctx, &n, &c, &d);
    if (err)
        return err;
    if (ctx->in[0]->dtype == ONNXC_DOUBLE)
        return loss_double(ctx, n, c, d);
    return loss_float(ctx, n, c, d);
}
