/*
 * greater_or_equal.c - GreaterOrEqual: y = (A >= B), elementwise with broadcasting, bool
 * out (versions 12, 16). A comparison with NaN is false.
 */
#include "ops/common/compare.h"

COMPARE_KERNELS(greater_or_equal, >=, false, COMPARE_TYPES)
COMPARE_PREPARE(greater_or_equal)

static const int greater_or_equal_versions[] = {12, 16, 0};

const oc_op oc_op_greater_or_equal = {
    .domain = "",
    .op_type = "GreaterOrEqual",
    .versions = greater_or_equal_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .types = COMPARE_TYPES,
    .prepare = greater_or_equal_prepare,
    .infer = oc_binary_infer,
    .run = oc_binary_run,
};
