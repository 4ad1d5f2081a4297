/*
 * instance_norm.c - InstanceNormalization (1, 6): each (n, c) plane of an
 * N x C x D1 x ... x Dk input normalized to mean 0 and variance 1 over its
 * spatial dims, then scaled and shifted per channel:
 * y = scale[c] * (x - mean) / sqrt(var + epsilon) + B[c].
 *
 * The statistics are MeanVarianceNormalization's: the reduction engine's
 * mean and two-pass variance over the spatial axes, in double, which stay
 * double until each output is rounded once. Float and double (float16 is
 * refused). Version 1's consumed_inputs is a legacy optimization hint and
 * is ignored. X needs at least one spatial dim, as onnxruntime requires:
 * a plane of no dims would be normalized over one element.
 */
#include <math.h>

#include "ops/common/reduce.h"

typedef struct instance_norm_params {
    float epsilon;
} instance_norm_params;

static onnxc_status *instance_norm_prepare(const oc_prepare_ctx *ctx,
                                           void **params)
{
    static const char *const v1_attrs[] = {"consumed_inputs", "epsilon", NULL};
    static const char *const v6_attrs[] = {"epsilon", NULL};
    onnxc_status *err;
    instance_norm_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(ctx->node, ctx->node->op_version < 6 ? v1_attrs
                                                                   : v6_attrs)) ||
        (err = oc_attr_float(ctx->node, "epsilon", 1e-5f, &p->epsilon)))
        return err;
    *params = p;
    return NULL;
}

static onnxc_status *instance_norm_infer(const oc_infer_ctx *ctx)
{
    static const char *const names[] = {"input", "scale", "B"};
    const oc_node *node = ctx->node;
    const oc_type *x = ctx->in[0];
    char desc[300], s1[128], s2[128];
    if (x->dtype != ONNXC_FLOAT && x->dtype != ONNXC_DOUBLE)
        return oc_bad_dtype(node, "input", x->dtype, "float, double");
    if (x->shape.rank >= 0 && x->shape.rank < 3)
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: input has rank %d; expected N x C x at least one "
                        "spatial dim",
                        oc_node_desc(node, desc, sizeof desc), x->shape.rank);
    for (int k = 1; k < 3; k++) {
        const oc_type *t = ctx->in[k];
        if (t->dtype != x->dtype)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "%s: %s is %s, input %s; they share one type",
                            oc_node_desc(node, desc, sizeof desc), names[k],
                            onnxc_dtype_name(t->dtype),
                            onnxc_dtype_name(x->dtype));
        if (t->shape.rank < 0 || x->shape.rank < 0)
            continue;
        if (t->shape.rank != 1 ||
            !oc_dim_compatible(t->shape.dims[0], x->shape.dims[1]))
            return oc_error(ONNXC_ERR_SHAPE,
                            "%s: %s has shape %s; expected [C] for input %s",
                            oc_node_desc(node, desc, sizeof desc), names[k],
                            oc_shape_format(&t->shape, NULL, s1, sizeof s1),
                            oc_shape_format(&x->shape, NULL, s2, sizeof s2));
    }
    ctx->out[0]->dtype = x->dtype;
    ctx->out[0]->shape = x->shape;
    return NULL;
}

/* The spatial axes, one bit each: the statistics reduce over them. */
static unsigned spatial_mask(const oc_tensor *x)
{
    return ((1u << x->rank) - 1) & ~3u;
}

/* The means or the variances: N x C x 1 x ... in double. */
static void stats_tensor(const oc_tensor *x, void *data, oc_tensor *s)
{
    s->dtype = ONNXC_DOUBLE;
    s->rank = x->rank;
    for (int d = 0; d < x->rank; d++)
        s->dims[d] = d < 2 ? x->dims[d] : 1;
    s->data = data;
}

/* Bytes of one statistics tensor, rounded so the second starts aligned. */
static size_t stats_bytes(const oc_tensor *x)
{
    return oc_align64((size_t)x->dims[0] * (size_t)x->dims[1] * sizeof(double));
}

static size_t instance_norm_workspace(const oc_run_ctx *ctx)
{
    return 2 * stats_bytes(ctx->in[0]);
}

/* Each of the planes (rows of n elements; plane r is of channel r % c)
 * scaled and shifted by its statistics. */
#define INSTANCE_NORM_APPLY(name, T)                                           \
    static void name(const oc_run_ctx *ctx, size_t planes, size_t c, size_t n, \
                     const double *mean, const double *var)                   \
    {                                                                          \
        const instance_norm_params *p = ctx->params;                           \
        const T *x = ctx->in[0]->data, *scale = ctx->in[1]->data;              \
        const T *bias = ctx->in[2]->data;                                      \
        T *y = ctx->out[0]->data;                                              \
        for (size_t r = 0; r < planes; r++) {                                  \
            double a = scale[r % c] / sqrt(var[r] + p->epsilon);               \
            double b = bias[r % c], m = mean[r];                               \
            for (size_t i = r * n; i < (r + 1) * n; i++)                       \
                y[i] = (T)((x[i] - m) * a + b);                                \
        }                                                                      \
    }

INSTANCE_NORM_APPLY(apply_float, float)
INSTANCE_NORM_APPLY(apply_double, double)

static onnxc_status *instance_norm_run(const oc_run_ctx *ctx)
{
    const oc_tensor *x = ctx->in[0];
    oc_tensor mean, var;
    size_t c = (size_t)x->dims[1], planes = (size_t)x->dims[0] * c;
    size_t count = oc_tensor_count(x);
    if (count == 0)
        return NULL;
    stats_tensor(x, ctx->workspace, &mean);
    stats_tensor(x, (char *)ctx->workspace + stats_bytes(x), &var);
    oc_reduce_tensor(OC_REDUCE_MEAN, x, spatial_mask(x), &mean);
    oc_reduce_tensor(OC_REDUCE_VARIANCE, x, spatial_mask(x), &var);
    if (x->dtype == ONNXC_FLOAT)
        apply_float(ctx, planes, c, count / planes, mean.data, var.data);
    else
        apply_double(ctx, planes, c, count / planes, mean.data, var.data);
    return NULL;
}

static const int instance_norm_versions[] = {1, 6, 0};

const oc_op oc_op_instance_normalization = {
    .domain = "",
    .op_type = "InstanceNormalization",
    .versions = instance_norm_versions,
    .last_opset = 21,
    .min_inputs = 3, .max_inputs = 3,
    .min_outputs = 1, .max_outputs = 1,
    .types = "float, double",
    .prepare = instance_norm_prepare,
    .infer = instance_norm_infer,
    .run = instance_norm_run,
    .workspace = instance_norm_workspace,
};
