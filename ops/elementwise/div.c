/*
 * div.c - Div: y = A / B, elementwise with broadcasting (versions 1, 6, 7,
 * 13, 14; see binary.h for the legacy broadcast of 1 and 6).
 *
 * Integer division truncates toward zero, as onnxruntime's does. What the
 * spec leaves undefined must still not crash the process: an integer
 * divided by zero gives 0, and INT_MIN / -1 wraps to INT_MIN.
 */
#include "ops/common/binary.h"

#define DIV_SIGNED(T) (z == 0 ? (T)0 : z == -1 ? WRAP(T, 0 - (uint64_t)x) : (T)(x / z))
#define DIV_UNSIGNED(T) (z == 0 ? (T)0 : (T)(x / z))

BINARY_LOOP(div_float, float, x / z)
BINARY_LOOP(div_double, double, x / z)
BINARY_LOOP(div_int8, int8_t, DIV_SIGNED(int8_t))
BINARY_LOOP(div_int16, int16_t, DIV_SIGNED(int16_t))
BINARY_LOOP(div_int32, int32_t, DIV_SIGNED(int32_t))
BINARY_LOOP(div_int64, int64_t, DIV_SIGNED(int64_t))
BINARY_LOOP(div_uint8, uint8_t, DIV_UNSIGNED(uint8_t))
BINARY_LOOP(div_uint16, uint16_t, DIV_UNSIGNED(uint16_t))
BINARY_LOOP(div_uint32, uint32_t, DIV_UNSIGNED(uint32_t))
BINARY_LOOP(div_uint64, uint64_t, DIV_UNSIGNED(uint64_t))

static const binary_kernels div_kernels = {
    .loops = {
        [ONNXC_FLOAT] = div_float, [ONNXC_DOUBLE] = div_double,
        [ONNXC_INT8] = div_int8, [ONNXC_INT16] = div_int16,
        [ONNXC_INT32] = div_int32, [ONNXC_INT64] = div_int64,
        [ONNXC_UINT8] = div_uint8, [ONNXC_UINT16] = div_uint16,
        [ONNXC_UINT32] = div_uint32, [ONNXC_UINT64] = div_uint64,
    },
    .types = BINARY_TYPES,
};

static onnxc_status *div_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    oc_pool *pool = ctx->pool;
    return oc_binary_prepare(node, pool, &div_kernels, params);
}

const oc_op oc_op_div = {
    .domain = "",
    .op_type = "Div",
    .versions = oc_binary_arith_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = BINARY_TYPES,
    .prepare = div_prepare,
    .infer = oc_binary_infer,
    .run = oc_binary_run,
};
