/*
 * less_or_equal.c - LessOrEqual: y = (A <= B), elementwise with broadcasting, bool out
 * (versions 12, 16). A comparison with NaN is false.
 */
#include "ops/common/compare.h"

COMPARE_KERNELS(less_or_equal, <=, false, COMPARE_TYPES)
COMPARE_PREPARE(less_or_equal)

static const int less_or_equal_versions[] = {12, 16, 0};

const oc_op oc_op_less_or_equal = {
    .domain = "",
    .op_type = "LessOrEqual",
    .versions = less_or_equal_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .types = COMPARE_TYPES,
    .prepare = less_or_equal_prepare,
    .infer = oc_binary_infer,
    .run = oc_binary_run,
};
