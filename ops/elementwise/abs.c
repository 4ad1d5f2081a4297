/*
 * abs.c - Abs: y = |x| elementwise (versions 1, 6, 13), every numeric
 * type. |-0.0| is +0.0 and NaN stays NaN (fabs); |INT_MIN| wraps to
 * INT_MIN, as onnxruntime gives.
 */
#include <math.h>

#include "ops/common/map.h"

MAP_LOOP(abs_float, float, fabsf(x))
MAP_LOOP(abs_double, double, fabs(x))
MAP_LOOPS_SIGNED(abs, x < 0 ? MAP_NEG_WRAP(elem, x) : x)
MAP_LOOPS_UNSIGNED(abs, x)

static const map_kernels abs_kernels = {
    .loops = {MAP_ENTRIES_FLOAT(abs), MAP_ENTRIES_SIGNED(abs),
              MAP_ENTRIES_UNSIGNED(abs)},
    .types = "all numeric types",
};

static onnxc_status *abs_prepare(const oc_prepare_ctx *ctx, void **params)
{
    return oc_map_prepare(ctx, &abs_kernels, params);
}

static const int abs_versions[] = {1, 6, 13, 0};

const oc_op oc_op_abs = {
    .domain = "",
    .op_type = "Abs",
    .versions = abs_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = "all numeric types",
    .prepare = abs_prepare,
    .infer = oc_map_infer,
    .run = oc_map_run,
};
