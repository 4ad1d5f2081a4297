/*
 * xor.c - Xor: y = A xor B on bool tensors, with broadcasting (versions 1, 7;
 * before 7 the legacy broadcast of binary.h).
 */
#include "ops/common/compare.h"

LOGIC_KERNELS(xor, ^)
COMPARE_PREPARE(xor)

static const int xor_versions[] = {1, 7, 0};

const oc_op oc_op_xor = {
    .domain = "",
    .op_type = "Xor",
    .versions = xor_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .types = "bool",
    .prepare = xor_prepare,
    .infer = oc_binary_infer,
    .run = oc_binary_run,
};
