/*
 * max.c - Max: the elementwise maximum of any number of inputs, broadcast
 * together (versions 1, 6, 8, 12, 13; numpy broadcasting from 8; the
 * integer types from 12). A NaN among a float element's inputs makes it
 * NaN, as numpy's maximum does. See ops/common/variadic.h.
 */
#include <math.h>

#include "ops/common/variadic.h"

#define PICK_FLOAT(x, z) ((x) > (z) || isnan(x) ? (x) : (z))
#define PICK_INT(x, z) ((x) > (z) ? (x) : (z))

BINARY_LOOP(max_float, float, PICK_FLOAT(x, z))
BINARY_LOOP(max_double, double, PICK_FLOAT(x, z))
BINARY_LOOP(max_int8, int8_t, PICK_INT(x, z))
BINARY_LOOP(max_int16, int16_t, PICK_INT(x, z))
BINARY_LOOP(max_int32, int32_t, PICK_INT(x, z))
BINARY_LOOP(max_int64, int64_t, PICK_INT(x, z))
BINARY_LOOP(max_uint8, uint8_t, PICK_INT(x, z))
BINARY_LOOP(max_uint16, uint16_t, PICK_INT(x, z))
BINARY_LOOP(max_uint32, uint32_t, PICK_INT(x, z))
BINARY_LOOP(max_uint64, uint64_t, PICK_INT(x, z))

static const char max_types[] = "float, double; the integer types from 12";

static const variadic_kernels max_kernels = {
    .loops = {
        [ONNXC_FLOAT] = max_float, [ONNXC_DOUBLE] = max_double,
        [ONNXC_INT8] = max_int8, [ONNXC_INT16] = max_int16,
        [ONNXC_INT32] = max_int32, [ONNXC_INT64] = max_int64,
        [ONNXC_UINT8] = max_uint8, [ONNXC_UINT16] = max_uint16,
        [ONNXC_UINT32] = max_uint32, [ONNXC_UINT64] = max_uint64,
    },
    .types = max_types,
    .ints_from_12 = true,
};

VARIADIC_OP(max, "Max", max_kernels, 1, 6, 8, 12, 13)
