/*
 * mul.c - Mul: y = A * B, elementwise with broadcasting (versions 1, 6,
 * 7, 13, 14; see binary.h for the legacy broadcast of 1 and 6).
 *
 * Integers wrap around on overflow.
 */
#include "ops/common/binary.h"

BINARY_LOOP(mul_float, float, x * z)
BINARY_LOOP(mul_double, double, x * z)
BINARY_LOOP(mul_int8, int8_t, WRAP(int8_t, (uint64_t)x * (uint64_t)z))
BINARY_LOOP(mul_int16, int16_t, WRAP(int16_t, (uint64_t)x * (uint64_t)z))
BINARY_LOOP(mul_int32, int32_t, WRAP(int32_t, (uint64_t)x * (uint64_t)z))
BINARY_LOOP(mul_int64, int64_t, WRAP(int64_t, (uint64_t)x * (uint64_t)z))
BINARY_LOOP(mul_uint8, uint8_t, WRAP(uint8_t, (uint64_t)x * (uint64_t)z))
BINARY_LOOP(mul_uint16, uint16_t, WRAP(uint16_t, (uint64_t)x * (uint64_t)z))
BINARY_LOOP(mul_uint32, uint32_t, WRAP(uint32_t, (uint64_t)x * (uint64_t)z))
BINARY_LOOP(mul_uint64, uint64_t, x * z)

static const binary_kernels mul_kernels = {
    .loops = {
        [ONNXC_FLOAT] = mul_float, [ONNXC_DOUBLE] = mul_double,
        [ONNXC_INT8] = mul_int8, [ONNXC_INT16] = mul_int16,
        [ONNXC_INT32] = mul_int32, [ONNXC_INT64] = mul_int64,
        [ONNXC_UINT8] = mul_uint8, [ONNXC_UINT16] = mul_uint16,
        [ONNXC_UINT32] = mul_uint32, [ONNXC_UINT64] = mul_uint64,
    },
    .types = BINARY_TYPES,
};

static onnxc_status *mul_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    oc_pool *pool = ctx->pool;
    return oc_binary_prepare(node, pool, &mul_kernels, params);
}

const oc_op oc_op_mul = {
    .domain = "",
    .op_type = "Mul",
    .versions = oc_binary_arith_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = BINARY_TYPES,
    .prepare = mul_prepare,
    .infer = oc_binary_infer,
    .run = oc_binary_run,
};
