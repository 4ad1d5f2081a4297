/*
 * compare.h - the loops of the comparison and logical operators (Equal,
 * Greater, Less, GreaterOrEqual, LessOrEqual; And, Or, Xor): bool
 * outputs from inputs of any type, on the binary machinery (binary.h).
 *
 * bool elements are bytes read as uint8_t and tested against 0: a file
 * may hold any byte in a bool tensor, and reading 2 as C's bool would be
 * undefined.
 */
#ifndef ONNXC_COMPARE_H
#define ONNXC_COMPARE_H

#include "ops/common/binary.h"

/* The comparison `x OP z` for every numeric type (and bool, compared as
 * 0/1), into the binary_kernels `name` with its type text. */
#define COMPARE_KERNELS(name, OP, with_bool, types_text)                       \
    BINARY_LOOP_TO(name##_float, uint8_t, float, x OP z)                       \
    BINARY_LOOP_TO(name##_double, uint8_t, double, x OP z)                     \
    BINARY_LOOP_TO(name##_int8, uint8_t, int8_t, x OP z)                       \
    BINARY_LOOP_TO(name##_int16, uint8_t, int16_t, x OP z)                     \
    BINARY_LOOP_TO(name##_int32, uint8_t, int32_t, x OP z)                     \
    BINARY_LOOP_TO(name##_int64, uint8_t, int64_t, x OP z)                     \
    BINARY_LOOP_TO(name##_uint8, uint8_t, uint8_t, x OP z)                     \
    BINARY_LOOP_TO(name##_uint16, uint8_t, uint16_t, x OP z)                   \
    BINARY_LOOP_TO(name##_uint32, uint8_t, uint32_t, x OP z)                   \
    BINARY_LOOP_TO(name##_uint64, uint8_t, uint64_t, x OP z)                   \
    BINARY_LOOP_TO(name##_bool, uint8_t, uint8_t, (x != 0) OP (z != 0))        \
    static const binary_kernels name##_kernels = {                             \
        .loops = {                                                             \
            [ONNXC_FLOAT] = name##_float, [ONNXC_DOUBLE] = name##_double,      \
            [ONNXC_INT8] = name##_int8, [ONNXC_INT16] = name##_int16,          \
            [ONNXC_INT32] = name##_int32, [ONNXC_INT64] = name##_int64,        \
            [ONNXC_UINT8] = name##_uint8, [ONNXC_UINT16] = name##_uint16,      \
            [ONNXC_UINT32] = name##_uint32, [ONNXC_UINT64] = name##_uint64,    \
            [ONNXC_BOOL] = (with_bool) ? name##_bool : NULL,                   \
        },                                                                     \
        .types = types_text,                                                   \
        .out_dtype = ONNXC_BOOL,                                               \
        .any_version = true,                                                   \
    };

/* The bitwise OP (&, |, ^) of x != 0 and z != 0, bool inputs only. */
#define LOGIC_KERNELS(name, OP)                                                \
    BINARY_LOOP_TO(name##_bool, uint8_t, uint8_t,                              \
                   (uint8_t)((x != 0) OP (z != 0)))                            \
    static const binary_kernels name##_kernels = {                             \
        .loops = {[ONNXC_BOOL] = name##_bool},                                 \
        .types = "bool",                                                       \
        .out_dtype = ONNXC_BOOL,                                               \
        .any_version = true,                                                   \
    };

#define COMPARE_TYPES "all numeric types"

/* The prepare of every op here: the binary one over its kernels. */
#define COMPARE_PREPARE(name)                                                  \
    static onnxc_status *name##_prepare(const oc_prepare_ctx *ctx,             \
                                        void **params)                         \
    {                                                                          \
        return oc_binary_prepare(ctx->node, ctx->pool, &name##_kernels,        \
                                 params);                                      \
    }

#endif
