/*
 * relu.c - Relu: y = max(0, x) elementwise (versions 1, 6, 13, 14).
 *
 * Version 1 carries the legacy `consumed_inputs` attribute, which is
 * ignored. 13 adds bfloat16 and 14 signed integers. Only values below
 * zero change: NaN stays NaN and -0 stays -0, as in onnxruntime (the
 * spec's max(0, x) leaves the sign of zero open).
 */
#include "runtime/core/status.h"
#include "ops/common/op_util.h"

static onnxc_status *relu_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    static const char *const v1_attrs[] = {"consumed_inputs", NULL};
    static const char *const none[] = {NULL};
    *params = NULL;
    return oc_check_attrs(node, node->op_version < 6 ? v1_attrs : none);
}

static onnxc_status *relu_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const oc_type *const *in = ctx->in;
    oc_type *const *out = ctx->out;
    switch (in[0]->dtype) {
    case ONNXC_FLOAT:
    case ONNXC_DOUBLE:
        break;
    case ONNXC_INT8:
    case ONNXC_INT16:
    case ONNXC_INT32:
    case ONNXC_INT64:
        if (node->op_version >= 14)
            break;
        /* fall through */
    default:
        return oc_bad_dtype(node, "X", in[0]->dtype,
                            node->op_version >= 14
                                ? "float, double, int8, int16, int32, int64"
                                : "float, double");
    }
    *out[0] = *in[0];
    return NULL;
}

#define RELU_LOOP(T, x, y, n)                                                  \
    for (size_t i = 0; i < (n); i++) {                                         \
        T v = ((const T *)(x))[i];                                             \
        ((T *)(y))[i] = v < 0 ? 0 : v;                                        \
    }

static onnxc_status *relu_run(const oc_run_ctx *ctx)
{
    const oc_tensor *const *in = ctx->in;
    oc_tensor *const *out = ctx->out;
    const void *x = in[0]->data;
    void *y = out[0]->data;
    size_t n = oc_tensor_count(in[0]);
    switch (in[0]->dtype) {
    case ONNXC_FLOAT: RELU_LOOP(float, x, y, n); break;
    case ONNXC_DOUBLE: RELU_LOOP(double, x, y, n); break;
    case ONNXC_INT8: RELU_LOOP(int8_t, x, y, n); break;
    case ONNXC_INT16: RELU_LOOP(int16_t, x, y, n); break;
    case ONNXC_INT32: RELU_LOOP(int32_t, x, y, n); break;
    case ONNXC_INT64: RELU_LOOP(int64_t, x, y, n); break;
    default: break;  /* infer refused every other type */
    }
    return NULL;
}

static const int relu_versions[] = {1, 6, 13, 14, 0};

const oc_op oc_op_relu = {
    .domain = "",
    .op_type = "Relu",
    .id = OC_OP_RELU,
    .versions = relu_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = "float, double; int8, int16, int32, int64 from version 14",
    .prepare = relu_prepare,
    .infer = relu_infer,
    .run = relu_run,
};
