/*
 * bit_shift.c - BitShift: x shifted left or right (attribute direction,
 * required) by z bits, elementwise with broadcasting, unsigned integers
 * only (version 11). A shift by the width or more gives 0, as NumPy
 * does; C leaves it undefined.
 */
#include <string.h>

#include "runtime/core/status.h"
#include "ops/common/binary.h"

#define SHIFT(T, x, z, OP) ((z) >= 8 * sizeof(T) ? (T)0 : (T)((x) OP (z)))

BINARY_LOOP(left_uint8, uint8_t, SHIFT(uint8_t, x, z, <<))
BINARY_LOOP(left_uint16, uint16_t, SHIFT(uint16_t, x, z, <<))
BINARY_LOOP(left_uint32, uint32_t, SHIFT(uint32_t, x, z, <<))
BINARY_LOOP(left_uint64, uint64_t, SHIFT(uint64_t, x, z, <<))
BINARY_LOOP(right_uint8, uint8_t, SHIFT(uint8_t, x, z, >>))
BINARY_LOOP(right_uint16, uint16_t, SHIFT(uint16_t, x, z, >>))
BINARY_LOOP(right_uint32, uint32_t, SHIFT(uint32_t, x, z, >>))
BINARY_LOOP(right_uint64, uint64_t, SHIFT(uint64_t, x, z, >>))

#define SHIFT_TYPES "uint8, uint16, uint32, uint64"
static const char *const shift_attrs[] = {"direction", NULL};

static const binary_kernels left_kernels = {
    .loops = {[ONNXC_UINT8] = left_uint8, [ONNXC_UINT16] = left_uint16,
              [ONNXC_UINT32] = left_uint32, [ONNXC_UINT64] = left_uint64},
    .types = SHIFT_TYPES,
    .any_version = true,
    .attrs = shift_attrs,
};

static const binary_kernels right_kernels = {
    .loops = {[ONNXC_UINT8] = right_uint8, [ONNXC_UINT16] = right_uint16,
              [ONNXC_UINT32] = right_uint32, [ONNXC_UINT64] = right_uint64},
    .types = SHIFT_TYPES,
    .any_version = true,
    .attrs = shift_attrs,
};

static onnxc_status *bit_shift_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    char desc[300];
    const char *direction;
    onnxc_status *err = oc_attr_string(node, "direction", "", &direction);
    if (err)
        return err;
    bool left = strcmp(direction, "LEFT") == 0;
    if (!left && strcmp(direction, "RIGHT") != 0)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: direction must be LEFT or RIGHT, got '%s'",
                        oc_node_desc(node, desc, sizeof desc), direction);
    return oc_binary_prepare(node, ctx->pool,
                             left ? &left_kernels : &right_kernels, params);
}

static const int bit_shift_versions[] = {11, 0};

const oc_op oc_op_bit_shift = {
    .domain = "",
    .op_type = "BitShift",
    .versions = bit_shift_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = SHIFT_TYPES,
    .prepare = bit_shift_prepare,
    .infer = oc_binary_infer,
    .run = oc_binary_run,
};
