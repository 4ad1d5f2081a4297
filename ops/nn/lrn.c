/*
 * lrn.c - LRN (1, 13), local response normalization across channels
 * (AlexNet's): y = x / (bias + alpha / size * sum of x^2 over the
 * channels c - floor((size - 1) / 2) .. c + ceil((size - 1) / 2) that
 * exist) ^ beta, for an N x C x D1 x ... x Dk input.
 *
 * The sums of squares run in double, one channel's window at a time into
 * a row of the spatial size (the workspace), so that the input is read
 * along its rows. Float and double (float16 and bfloat16 are refused).
 */
#include <math.h>
#include <string.h>

#include "ops/common/op_util.h"

typedef struct lrn_params {
    float alpha, beta, bias;
    int64_t size;
} lrn_params;

static onnxc_status *lrn_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const attrs[] = {"alpha", "beta", "bias", "size", NULL};
    const oc_node *node = ctx->node;
    char desc[300];
    onnxc_status *err;
    lrn_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(node, attrs)) ||
        (err = oc_attr_float(node, "alpha", 1e-4f, &p->alpha)) ||
        (err = oc_attr_float(node, "beta", 0.75f, &p->beta)) ||
        (err = oc_attr_float(node, "bias", 1.0f, &p->bias)) ||
        (err = oc_attr_int(node, "size", -1, &p->size)))
        return err;
    if (!oc_node_attr(node, "size") || p->size < 1)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: size is %s; expected the number of channels "
                        "to sum over, at least 1",
                        oc_node_desc(node, desc, sizeof desc),
                        oc_node_attr(node, "size") ? "below 1" : "missing");
    *params = p;
    return NULL;
}

static onnxc_status *lrn_infer(const oc_infer_ctx *ctx)
{
    const oc_type *x = ctx->in[0];
    char desc[300];
    if (x->dtype != ONNXC_FLOAT && x->dtype != ONNXC_DOUBLE)
        return oc_bad_dtype(ctx->node, "X", x->dtype, "float, double");
    if (x->shape.rank >= 0 && x->shape.rank < 3)
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: X has rank %d; expected N x C x at least one "
                        "spatial dim",
                        oc_node_desc(ctx->node, desc, sizeof desc),
                        x->shape.rank);
    ctx->out[0]->dtype = x->dtype;
    ctx->out[0]->shape = x->shape;
    return NULL;
}

/* The spatial size: the elements of one (n, c) plane. */
static size_t plane_size(const oc_tensor *x)
{
    size_t n = 1;
    for (int d = 2; d < x->rank; d++)
        n *= (size_t)x->dims[d];
    return n;
}

static size_t lrn_workspace(const oc_run_ctx *ctx)
{
    return plane_size(ctx->in[0]) * sizeof(double);
}

#define LRN_RUN(name, T)                                                       \
    static void name(const oc_run_ctx *ctx, size_t batch, size_t channels,     \
                     size_t n)                                                 \
    {                                                                          \
        const lrn_params *p = ctx->params;                                     \
        const T *x = ctx->in[0]->data;                                         \
        T *y = ctx->out[0]->data;                                              \
        double *sq = ctx->workspace;                                           \
        size_t before = (size_t)(p->size - 1) / 2;                             \
        size_t after = (size_t)p->size - 1 - before;                           \
        double scale = (double)p->alpha / (double)p->size;                     \
        for (size_t b = 0; b < batch; b++)                                     \
            for (size_t c = 0; c < channels; c++) {                            \
                size_t lo = c > before ? c - before : 0;                       \
                size_t hi = channels - 1 - c > after ? c + after : channels - 1; \
                const T *xb = x + b * channels * n;                            \
                memset(sq, 0, n * sizeof *sq);                                 \
                for (size_t k = lo; k <= hi; k++)                              \
                    for (size_t i = 0; i < n; i++)                             \
                        sq[i] += (double)xb[k * n + i] * xb[k * n + i];        \
                for (size_t i = 0; i < n; i++)                                 \
                    y[(b * channels + c) * n + i] =                            \
                        (T)(xb[c * n + i] /                                    \
                            pow(p->bias + scale * sq[i], p->beta));            \
            }                                                                  \
    }

LRN_RUN(lrn_float, float)
LRN_RUN(lrn_double, double)

static onnxc_status *lrn_run(const oc_run_ctx *ctx)
{
    const oc_tensor *x = ctx->in[0];
    size_t batch = (size_t)x->dims[0], channels = (size_t)x->dims[1];
    size_t n = plane_size(x);
    if (batch * channels * n == 0)
        return NULL;
    if (x->dtype == ONNXC_FLOAT)
        lrn_float(ctx, batch, channels, n);
    else
        lrn_double(ctx, batch, channels, n);
    return NULL;
}

static const int lrn_versions[] = {1, 13, 0};

const oc_op oc_op_lrn = {
    .domain = "",
    .op_type = "LRN",
    .versions = lrn_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .types = "float, double",
    .prepare = lrn_prepare,
    .infer = lrn_infer,
    .run = lrn_run,
    .workspace = lrn_workspace,
};
