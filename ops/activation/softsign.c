/*
 * softsign.c - Softsign: y = x / (1 + |x|) elementwise (version 1).
 *
 * The spec's formula is computed as written: ±inf gives inf / inf = NaN,
 * as in onnxruntime, rather than the limit ±1.
 */
#include <tgmath.h>

#include "ops/common/unary.h"

UNARY_LOOPS(softsign, y = x / (1 + fabs(x)))

static onnxc_status *softsign_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const none[] = {NULL};
    return oc_unary_prepare(ctx, none, softsign_float, softsign_double,
                         params);
}

static const int softsign_versions[] = {1, 0};

const oc_op oc_op_softsign = {
    .domain = "",
    .op_type = "Softsign",
    .versions = softsign_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = UNARY_TYPES,
    .prepare = softsign_prepare,
    .infer = oc_unary_infer,
    .run = oc_unary_run,
};
