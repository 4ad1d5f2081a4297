/*
 * leaky_relu.c - LeakyRelu: y = x for x >= 0, alpha * x otherwise
 * (versions 1, 6, 16).
 *
 * alpha is a float32 attribute, 0.01 by default, applied as the tensor's
 * type. Version 1 carries the legacy `consumed_inputs` attribute, which
 * is ignored; 16 adds bfloat16.
 */
#include "runtime/core/status.h"
#include "ops/common/op_util.h"

typedef struct leaky_relu_params {
    float alpha;
} leaky_relu_params;

static onnxc_status *leaky_relu_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    oc_pool *pool = ctx->pool;
    static const char *const v1_attrs[] = {"alpha", "consumed_inputs", NULL};
    static const char *const attrs[] = {"alpha", NULL};
    onnxc_status *err;
    leaky_relu_params *p = oc_pool_alloc(pool, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(node, node->op_version < 6 ? v1_attrs : attrs)) ||
        (err = oc_attr_float(node, "alpha", 0.01f, &p->alpha)))
        return err;
    *params = p;
    return NULL;
}

static onnxc_status *leaky_relu_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const oc_type *const *in = ctx->in;
    oc_type *const *out = ctx->out;
    if (in[0]->dtype != ONNXC_FLOAT && in[0]->dtype != ONNXC_DOUBLE)
        return oc_bad_dtype(node, "X", in[0]->dtype, "float, double");
    *out[0] = *in[0];
    return NULL;
}

static onnxc_status *leaky_relu_run(const oc_run_ctx *ctx)
{
    const void *params = ctx->params;
    const oc_tensor *const *in = ctx->in;
    oc_tensor *const *out = ctx->out;
    const leaky_relu_params *p = params;
    size_t n = oc_tensor_count(in[0]);
    if (in[0]->dtype == ONNXC_FLOAT) {
        const float *x = in[0]->data;
        float *y = out[0]->data, alpha = p->alpha;
        for (size_t i = 0; i < n; i++)
            y[i] = x[i] >= 0 ? x[i] : alpha * x[i];
    } else {
        const double *x = in[0]->data;
        double *y = out[0]->data, alpha = p->alpha;
        for (size_t i = 0; i < n; i++)
            y[i] = x[i] >= 0 ? x[i] : alpha * x[i];
    }
    return NULL;
}

static const int leaky_relu_versions[] = {1, 6, 16, 0};

const oc_op oc_op_leaky_relu = {
    .domain = "",
    .op_type = "LeakyRelu",
    .id = OC_OP_LEAKY_RELU,
    .versions = leaky_relu_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = "float, double",
    .prepare = leaky_relu_prepare,
    .infer = leaky_relu_infer,
    .run = leaky_relu_run,
};
