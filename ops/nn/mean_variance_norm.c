/*
 * mean_variance_norm.c - MeanVarianceNormalization (9, 13): each element
 * less the mean of its group, over the standard deviation of the group,
 * the groups running over `axes` (default [0, 2, 3]: per channel of an
 * NCHW batch).
 *
 * The spec defines it by a function body: (X - E[X]) / (sqrt(E[X^2] -
 * E[X]^2) + 1e-9). The statistics come from the reduction engine in
 * double and stay double, the variance about the mean (two passes), the same
 * number without the body's cancellation when the mean is large beside
 * the spread; the 1e-9 is added to the deviation as the body does, so a
 * constant group gives zeros.
 */
#include <math.h>

#include "ops/common/broadcast.h"
#include "ops/common/reduce.h"

#define MVN_EPSILON 1e-9

typedef struct mvn_params {
    oc_axes axes;
} mvn_params;

static onnxc_status *mvn_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const attrs[] = {"axes", NULL};
    onnxc_status *err;
    mvn_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(ctx->node, attrs)) ||
        (err = oc_axes_from_attr(ctx->node, &p->axes)))
        return err;
    if (p->axes.count < 0) {
        static const int64_t channel_axes[] = {0, 2, 3};
        p->axes.count = 3;
        for (int i = 0; i < 3; i++)
            p->axes.axes[i] = channel_axes[i];
    }
    *params = p;
    return NULL;
}

static onnxc_status *mvn_infer(const oc_infer_ctx *ctx)
{
    const mvn_params *p = ctx->params;
    const oc_type *x = ctx->in[0];
    unsigned mask;
    if (x->dtype != ONNXC_FLOAT && x->dtype != ONNXC_DOUBLE)
        return oc_bad_dtype(ctx->node, "X", x->dtype, "float, double");
    ctx->out[0]->dtype = x->dtype;
    ctx->out[0]->shape = x->shape;
    return x->shape.rank < 0 ? NULL
                             : oc_axes_mask(ctx->node, &p->axes, x->shape.rank, &mask);
}

/* The statistics' tensors: x's dims with the reduced ones 1, in double
 * (a float mean rounded to float would carry its rounding, a large
 * fraction of a small spread, into every output). */
static size_t stats_shape(const oc_run_ctx *ctx, unsigned mask, oc_tensor *s)
{
    const oc_tensor *x = ctx->in[0];
    size_t n = 1;
    s->dtype = ONNXC_DOUBLE;
    s->rank = x->rank;
    for (int d = 0; d < x->rank; d++) {
        s->dims[d] = mask >> d & 1 ? 1 : x->dims[d];
        n *= (size_t)s->dims[d];
    }
    return n;
}

/* The axes against x's rank (infer checked them when it knew the rank;
 * an input of unknown rank meets the check here). */
static onnxc_status *reduced_mask(const oc_run_ctx *ctx, unsigned *mask)
{
    const mvn_params *p = ctx->params;
    return oc_axes_mask(ctx->node, &p->axes, ctx->in[0]->rank, mask);
}

/* The means, then the variances, each from a 64-byte boundary. */
static size_t stats_bytes(const oc_run_ctx *ctx, unsigned mask, size_t *second)
{
    oc_tensor s;
    size_t n = stats_shape(ctx, mask, &s);
    *second = oc_align64(n * onnxc_dtype_size(s.dtype));
    return 2 * *second;
}

static size_t mvn_workspace(const oc_run_ctx *ctx)
{
    size_t second;
    unsigned mask;
    onnxc_status *err = reduced_mask(ctx, &mask);
    if (err) {
        onnxc_status_free(err);   /* run reports it */
        return 0;
    }
    return stats_bytes(ctx, mask, &second);
}

#define MVN_RUN(name, T)                                                       \
    static void name(void *cookie, void *yv, const void *const *in,           \
                     const size_t *step, size_t n)                             \
    {                                                                          \
        const T *x = in[0];                                                    \
        const double *m = in[1], *v = in[2];                                   \
        T *y = yv;                                                             \
        (void)cookie;                                                          \
        for (size_t i = 0; i < n; i++)                                         \
            y[i] = (T)((x[i * step[0]] - m[i * step[1]]) /                      \
                       (sqrt(v[i * step[2]]) + MVN_EPSILON));                   \
    }

MVN_RUN(mvn_float, float)
MVN_RUN(mvn_double, double)

static onnxc_status *mvn_run(const oc_run_ctx *ctx)
{
    const oc_tensor *x = ctx->in[0];
    oc_tensor *y = ctx->out[0], mean, var;
    unsigned mask;
    size_t second, esize = onnxc_dtype_size(x->dtype);
    onnxc_status *err = reduced_mask(ctx, &mask);
    if (err || oc_tensor_count(y) == 0)
        return err;
    stats_bytes(ctx, mask, &second);
    stats_shape(ctx, mask, &mean);
    var = mean;
    mean.data = ctx->workspace;
    var.data = (char *)ctx->workspace + second;
    oc_reduce_tensor(OC_REDUCE_MEAN, x, mask, &mean);
    oc_reduce_tensor(OC_REDUCE_VARIANCE, x, mask, &var);
    bcast_operand in[3];
    size_t sizes[3] = {esize, sizeof(double), sizeof(double)};
    oc_broadcast_align(x, x->rank, &in[0]);
    oc_broadcast_align(&mean, x->rank, &in[1]);
    oc_broadcast_align(&var, x->rank, &in[2]);
    oc_broadcast_walk_n(y->data, esize, y->dims, y->rank, 3, in, sizes,
                        x->dtype == ONNXC_FLOAT ? mvn_float : mvn_double, NULL);
    return NULL;
}

static const int mvn_versions[] = {9, 13, 0};

const oc_op oc_op_mean_variance_normalization = {
    .domain = "",
    .op_type = "MeanVarianceNormalization",
    .versions = mvn_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .types = "float, double",
    .prepare = mvn_prepare,
    .infer = mvn_infer,
    .run = mvn_run,
    .workspace = mvn_workspace,
};
