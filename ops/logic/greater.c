/*
 * greater.c - Greater: y = (A > B), elementwise with broadcasting, bool out
 * (versions 1, 7, 9, 13; before 7 the legacy broadcast of binary.h).
 * A comparison with NaN is false.
 */
#include "ops/common/compare.h"

COMPARE_KERNELS(greater, >, false, COMPARE_TYPES)
COMPARE_PREPARE(greater)

static const int greater_versions[] = {1, 7, 9, 13, 0};

const oc_op oc_op_greater = {
    .domain = "",
    .op_type = "Greater",
    .versions = greater_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .types = COMPARE_TYPES,
    .prepare = greater_prepare,
    .infer = oc_binary_infer,
    .run = oc_binary_run,
};
