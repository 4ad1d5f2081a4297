/*
 * sum.c - Sum: the elementwise sum of any number of inputs, broadcast
 * together (versions 1, 6, 8, 13; numpy broadcasting from 8), float and
 * double. See ops/common/variadic.h.
 */
#include "ops/common/variadic.h"

BINARY_LOOP(sum_float, float, x + z)
BINARY_LOOP(sum_double, double, x + z)

static const char sum_types[] = "float, double";

static const variadic_kernels sum_kernels = {
    .loops = {[ONNXC_FLOAT] = sum_float, [ONNXC_DOUBLE] = sum_double},
    .types = sum_types,
};

VARIADIC_OP(sum, "Sum", sum_kernels, 1, 6, 8, 13)
