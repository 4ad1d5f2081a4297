/*
 * mean.c - Mean: the elementwise mean (the sum divided by the count) of
 * any number of inputs, broadcast together (versions 1, 6, 8, 13; numpy
 * broadcasting from 8), float and double. See ops/common/variadic.h.
 */
#include "ops/common/variadic.h"

BINARY_LOOP(mean_float, float, x + z)
BINARY_LOOP(mean_double, double, x + z)

static const char mean_types[] = "float, double";

static const variadic_kernels mean_kernels = {
    .loops = {[ONNXC_FLOAT] = mean_float, [ONNXC_DOUBLE] = mean_double},
    .types = mean_types,
    .mean = true,
};

VARIADIC_OP(mean, "Mean", mean_kernels, 1, 6, 8, 13)
