/*
 * neg.c - Neg: y = -x elementwise (versions 1, 6, 13). Floats, and the
 * signed integers from 6; -INT_MIN wraps to INT_MIN, as onnxruntime gives.
 */
#include "ops/common/map.h"

MAP_LOOPS_FLOAT(neg, -x)
MAP_LOOPS_SIGNED(neg, MAP_NEG_WRAP(elem, x))

static const map_kernels neg_kernels = {
    .loops = {MAP_ENTRIES_FLOAT(neg), MAP_ENTRIES_SIGNED(neg)},
    .types = "float, double, int8, int16, int32, int64",
};

static onnxc_status *neg_prepare(const oc_prepare_ctx *ctx, void **params)
{
    return oc_map_prepare(ctx, &neg_kernels, params);
}

static const int neg_versions[] = {1, 6, 13, 0};

const oc_op oc_op_neg = {
    .domain = "",
    .op_type = "Neg",
    .versions = neg_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = "float, double, int8, int16, int32, int64",
    .prepare = neg_prepare,
    .infer = oc_map_infer,
    .run = oc_map_run,
};
