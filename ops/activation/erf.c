/*
 * erf.c - Erf: the error function, elementwise (versions 9, 13).
 *
 * The spec also lists the integer types (and 13 bfloat16); onnxc runs
 * float and double only, as onnxruntime does, and refuses the rest: the
 * erf of an integer rounded back to one is just its sign.
 */
#include <tgmath.h>

#include "ops/common/unary.h"

UNARY_LOOPS(erf, y = erf(x))

static onnxc_status *erf_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const none[] = {NULL};
    return oc_unary_prepare(ctx, none, erf_float, erf_double, params);
}

static const int erf_versions[] = {9, 13, 0};

const oc_op oc_op_erf = {
    .domain = "",
    .op_type = "Erf",
    .versions = erf_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = UNARY_TYPES,
    .prepare = erf_prepare,
    .infer = oc_unary_infer,
    .run = oc_unary_run,
};
