/*
 * sigmoid.c - Sigmoid: y = 1 / (1 + exp(-x)) elementwise (versions 1, 6,
 * 13).
 *
 * Version 1 carries the legacy `consumed_inputs` attribute, which is
 * ignored; 13 adds bfloat16, which onnxc does not run. exp is only ever
 * taken of -|x|, so it cannot overflow: for x < 0 the same value is
 * e / (1 + e) with e = exp(x), which keeps the small results accurate
 * instead of losing them to 1 - (something near 1).
 */
#include <tgmath.h>

#include "ops/common/unary.h"
#include "ops/kernels/vec_exp.h"

UNARY_LOOP_OF_TYPE(sigmoid_double, double, real e = exp(-fabs(x));
                   y = x >= 0 ? 1 / (1 + e) : e / (1 + e))

/* float: the same formula, vectorized in float lanes where the CPU
 * allows (vec_exp.h: within 2 ulps, subnormal results kept) */
static void sigmoid_float(void *y, const void *x, size_t n,
                          const unary_params *p)
{
    oc_vec_sigmoid_f32(p->isa, y, x, n);
}

static onnxc_status *sigmoid_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    static const char *const v1_attrs[] = {"consumed_inputs", NULL};
    static const char *const none[] = {NULL};
    return oc_unary_prepare(ctx, node->op_version < 6 ? v1_attrs : none,
                         sigmoid_float, sigmoid_double, params);
}

static const int sigmoid_versions[] = {1, 6, 13, 0};

const oc_op oc_op_sigmoid = {
    .domain = "",
    .op_type = "Sigmoid",
    .versions = sigmoid_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = UNARY_TYPES,
    .prepare = sigmoid_prepare,
    .infer = oc_unary_infer,
    .run = oc_unary_run,
};
