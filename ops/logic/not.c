/*
 * not.c - Not: the logical negation of a bool tensor (version 1). Any
 * nonzero byte reads as true (see compare.h).
 */
#include "ops/common/map.h"

MAP_LOOP(not_bool, uint8_t, x == 0)

static const map_kernels not_kernels = {
    .loops = {[ONNXC_BOOL] = not_bool},
    .types = "bool",
};

static onnxc_status *not_prepare(const oc_prepare_ctx *ctx, void **params)
{
    return oc_map_prepare(ctx, &not_kernels, params);
}

static const int not_versions[] = {1, 0};

const oc_op oc_op_not = {
    .domain = "",
    .op_type = "Not",
    .versions = not_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = "bool",
    .prepare = not_prepare,
    .infer = oc_map_infer,
    .run = oc_map_run,
};
