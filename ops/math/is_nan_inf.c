/*
 * is_nan_inf.c - IsNaN (versions 9, 13, 20) and IsInf (10, 20): a bool
 * per element of a float or double X. IsInf's detect_positive and
 * detect_negative (both 1 by default) choose which infinities count.
 * float16 and bfloat16 are refused (no arithmetic on them yet).
 */
#include <math.h>

#include "ops/common/op_util.h"

typedef struct is_params {
    bool inf;             /* IsInf; else IsNaN */
    bool positive, negative;
} is_params;

static onnxc_status *is_prepare(const oc_prepare_ctx *ctx, bool inf,
                                void **params)
{
    static const char *const inf_attrs[] = {"detect_positive",
                                            "detect_negative", NULL};
    static const char *const none[] = {NULL};
    int64_t pos = 1, neg = 1;
    onnxc_status *err;
    is_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(ctx->node, inf ? inf_attrs : none)) ||
        (err = oc_attr_int(ctx->node, "detect_positive", 1, &pos)) ||
        (err = oc_attr_int(ctx->node, "detect_negative", 1, &neg)))
        return err;
    p->inf = inf;
    p->positive = pos != 0;
    p->negative = neg != 0;
    *params = p;
    return NULL;
}

static onnxc_status *is_nan_prepare(const oc_prepare_ctx *ctx, void **params)
{
    return is_prepare(ctx, false, params);
}

static onnxc_status *is_inf_prepare(const oc_prepare_ctx *ctx, void **params)
{
    return is_prepare(ctx, true, params);
}

static onnxc_status *is_infer(const oc_infer_ctx *ctx)
{
    const oc_type *x = ctx->in[0];
    if (x->dtype != ONNXC_FLOAT && x->dtype != ONNXC_DOUBLE)
        return oc_bad_dtype(ctx->node, "X", x->dtype, "float, double");
    ctx->out[0]->dtype = ONNXC_BOOL;
    ctx->out[0]->shape = x->shape;
    return NULL;
}

static bool test_value(const is_params *p, double v)
{
    if (!p->inf)
        return isnan(v);
    return (p->positive && v == INFINITY) || (p->negative && v == -INFINITY);
}

static onnxc_status *is_run(const oc_run_ctx *ctx)
{
    const is_params *p = ctx->params;
    const oc_tensor *x = ctx->in[0];
    uint8_t *y = ctx->out[0]->data;
    size_t n = oc_tensor_count(x);
    for (size_t i = 0; i < n; i++)
        y[i] = test_value(p, x->dtype == ONNXC_FLOAT
                                 ? (double)((const float *)x->data)[i]
                                 : ((const double *)x->data)[i]);
    return NULL;
}

static const int is_nan_versions[] = {9, 13, 20, 0};
static const int is_inf_versions[] = {10, 20, 0};

const oc_op oc_op_is_nan = {
    .domain = "",
    .op_type = "IsNaN",
    .versions = is_nan_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .types = "float, double",
    .prepare = is_nan_prepare,
    .infer = is_infer,
    .run = is_run,
};

const oc_op oc_op_is_inf = {
    .domain = "",
    .op_type = "IsInf",
    .versions = is_inf_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .types = "float, double",
    .prepare = is_inf_prepare,
    .infer = is_infer,
    .run = is_run,
};
