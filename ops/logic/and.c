/*
 * and.c - And: y = A and B on bool tensors, with broadcasting (versions 1, 7;
 * before 7 the legacy broadcast of binary.h).
 */
#include "ops/common/compare.h"

LOGIC_KERNELS(and, &)
COMPARE_PREPARE(and)

static const int and_versions[] = {1, 7, 0};

const oc_op oc_op_and = {
    .domain = "",
    .op_type = "And",
    .versions = and_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .types = "bool",
    .prepare = and_prepare,
    .infer = oc_binary_infer,
    .run = oc_binary_run,
};
