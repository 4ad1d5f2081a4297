/*
 * equal.c - Equal: y = (A == B), elementwise with broadcasting, bool out
 * (versions 1, 7, 11, 13, 19; before 7 the legacy broadcast of binary.h).
 * NaN equals nothing. The spec lists bool and integers before 11 and all
 * numeric types from 11; every type runs at every version.
 */
#include "ops/common/compare.h"

COMPARE_KERNELS(equal, ==, true, COMPARE_TYPES ", bool")
COMPARE_PREPARE(equal)

static const int equal_versions[] = {1, 7, 11, 13, 19, 0};

const oc_op oc_op_equal = {
    .domain = "",
    .op_type = "Equal",
    .versions = equal_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .types = COMPARE_TYPES ", bool",
    .prepare = equal_prepare,
    .infer = oc_binary_infer,
    .run = oc_binary_run,
};
