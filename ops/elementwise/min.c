/*
 * min.c - Min: the elementwise minimum of any number of inputs, broadcast
 * together (versions 1, 6, 8, 12, 13; numpy broadcasting from 8; the
 * integer types from 12). A NaN among a float element's inputs makes it
 * NaN, as numpy's minimum does. See ops/common/variadic.h.
 */
#include <math.h>

#include "ops/common/variadic.h"

#define PICK_FLOAT(x, z) ((x) < (z) || isnan(x) ? (x) : (z))
#define PICK_INT(x, z) ((x) < (z) ? (x) : (z))

BINARY_LOOP(min_float, float, PICK_FLOAT(x, z))
BINARY_LOOP(min_double, double, PICK_FLOAT(x, z))
BINARY_LOOP(min_int8, int8_t, PICK_INT(x, z))
BINARY_LOOP(min_int16, int16_t, PICK_INT(x, z))
BINARY_LOOP(min_int32, int32_t, PICK_INT(x, z))
BINARY_LOOP(min_int64, int64_t, PICK_INT(x, z))
BINARY_LOOP(min_uint8, uint8_t, PICK_INT(x, z))
BINARY_LOOP(min_uint16, uint16_t, PICK_INT(x, z))
BINARY_LOOP(min_uint32, uint32_t, PICK_INT(x, z))
BINARY_LOOP(min_uint64, uint64_t, PICK_INT(x, z))

static const char min_types[] = "float, double; the integer types from 12";

static const variadic_kernels min_kernels = {
    .loops = {
        [ONNXC_FLOAT] = min_float, [ONNXC_DOUBLE] = min_double,
        [ONNXC_INT8] = min_int8, [ONNXC_INT16] = min_int16,
        [ONNXC_INT32] = min_int32, [ONNXC_INT64] = min_int64,
        [ONNXC_UINT8] = min_uint8, [ONNXC_UINT16] = min_uint16,
        [ONNXC_UINT32] = min_uint32, [ONNXC_UINT64] = min_uint64,
    },
    .types = min_types,
    .ints_from_12 = true,
};

VARIADIC_OP(min, "Min", min_kernels, 1, 6, 8, 12, 13)
