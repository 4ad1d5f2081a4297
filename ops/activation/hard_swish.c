/*
 * hard_swish.c - HardSwish: y = x * max(0, min(1, x / 6 + 1/2))
 * elementwise (version 14).
 *
 * Computed as x * clamp((x + 3) / 6): near x = -3, where the result is
 * small, x + 3 is exact, while x / 6 + 1/2 would cancel to little more
 * than the rounding error of x / 6 (thousands of ulps; onnxruntime has
 * them). NaN stays NaN; -inf gives -inf * 0 = NaN, as in onnxruntime.
 */
#include "ops/common/unary.h"

UNARY_LOOPS(hard_swish, real v = (x + 3) / 6;
            y = x * (v < 0 ? 0 : v > 1 ? 1 : v))

static onnxc_status *hard_swish_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const none[] = {NULL};
    return oc_unary_prepare(ctx, none, hard_swish_float,
                         hard_swish_double, params);
}

static const int hard_swish_versions[] = {14, 0};

const oc_op oc_op_hard_swish = {
    .domain = "",
    .op_type = "HardSwish",
    .versions = hard_swish_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = UNARY_TYPES,
    .prepare = hard_swish_prepare,
    .infer = oc_unary_infer,
    .run = oc_unary_run,
};
