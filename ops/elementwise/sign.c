/*
 * sign.c - Sign: 1, 0 or -1 by the sign of x, elementwise (versions 9,
 * 13), every numeric type. Zero of either sign gives 0; NaN gives NaN
 * (the spec does not say; NumPy does so).
 */
#include "ops/common/map.h"

MAP_LOOPS_FLOAT(sign, x > 0 ? 1 : x < 0 ? -1 : x == 0 ? 0 : x)
MAP_LOOPS_SIGNED(sign, x > 0 ? 1 : x < 0 ? -1 : 0)
MAP_LOOPS_UNSIGNED(sign, x > 0)

static const map_kernels sign_kernels = {
    .loops = {MAP_ENTRIES_FLOAT(sign), MAP_ENTRIES_SIGNED(sign),
              MAP_ENTRIES_UNSIGNED(sign)},
    .types = "all numeric types",
};

static onnxc_status *sign_prepare(const oc_prepare_ctx *ctx, void **params)
{
    return oc_map_prepare(ctx, &sign_kernels, params);
}

static const int sign_versions[] = {9, 13, 0};

const oc_op oc_op_sign = {
    .domain = "",
    .op_type = "Sign",
    .versions = sign_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = "all numeric types",
    .prepare = sign_prepare,
    .infer = oc_map_infer,
    .run = oc_map_run,
};
