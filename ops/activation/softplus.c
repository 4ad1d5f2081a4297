/*
 * softplus.c - Softplus: y = ln(1 + exp(x)) elementwise (version 1).
 *
 * Written so exp never overflows and nothing is lost to rounding 1 + tiny:
 * for x > 0 it is x + log1p(exp(-x)) (Softplus(100) is 100, not inf), else
 * log1p(exp(x)) (Softplus(-20) keeps its 2e-9). NaN gives NaN.
 */
#include <tgmath.h>

#include "ops/common/unary.h"

UNARY_LOOPS(softplus, y = x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)))

static onnxc_status *softplus_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const none[] = {NULL};
    return oc_unary_prepare(ctx, none, softplus_float, softplus_double,
                         params);
}

static const int softplus_versions[] = {1, 0};

const oc_op oc_op_softplus = {
    .domain = "",
    .op_type = "Softplus",
    .versions = softplus_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = UNARY_TYPES,
    .prepare = softplus_prepare,
    .infer = oc_unary_infer,
    .run = oc_unary_run,
};
