/*
 * sub.c - Sub: y = A - B, elementwise with broadcasting (versions 1, 6,
 * 7, 13, 14; see binary.h for the legacy broadcast of 1 and 6).
 *
 * Integers wrap around on overflow.
 */
#include "ops/common/binary.h"

BINARY_LOOP(sub_float, float, x - z)
BINARY_LOOP(sub_double, double, x - z)
BINARY_LOOP(sub_int8, int8_t, WRAP(int8_t, (uint64_t)x - (uint64_t)z))
BINARY_LOOP(sub_int16, int16_t, WRAP(int16_t, (uint64_t)x - (uint64_t)z))
BINARY_LOOP(sub_int32, int32_t, WRAP(int32_t, (uint64_t)x - (uint64_t)z))
BINARY_LOOP(sub_int64, int64_t, WRAP(int64_t, (uint64_t)x - (uint64_t)z))
BINARY_LOOP(sub_uint8, uint8_t, WRAP(uint8_t, (uint64_t)x - (uint64_t)z))
BINARY_LOOP(sub_uint16, uint16_t, WRAP(uint16_t, (uint64_t)x - (uint64_t)z))
BINARY_LOOP(sub_uint32, uint32_t, WRAP(uint32_t, (uint64_t)x - (uint64_t)z))
BINARY_LOOP(sub_uint64, uint64_t, x - z)

static const binary_kernels sub_kernels = {
    .loops = {
        [ONNXC_FLOAT] = sub_float, [ONNXC_DOUBLE] = sub_double,
        [ONNXC_INT8] = sub_int8, [ONNXC_INT16] = sub_int16,
        [ONNXC_INT32] = sub_int32, [ONNXC_INT64] = sub_int64,
        [ONNXC_UINT8] = sub_uint8, [ONNXC_UINT16] = sub_uint16,
        [ONNXC_UINT32] = sub_uint32, [ONNXC_UINT64] = sub_uint64,
    },
    .types = BINARY_TYPES,
};

static onnxc_status *sub_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    oc_pool *pool = ctx->pool;
    return oc_binary_prepare(node, pool, &sub_kernels, params);
}

const oc_op oc_op_sub = {
    .domain = "",
    .op_type = "Sub",
    .versions = oc_binary_arith_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = BINARY_TYPES,
    .prepare = sub_prepare,
    .infer = oc_binary_infer,
    .run = oc_binary_run,
};
