/*
 * tanh.c - Tanh: y = tanh(x) elementwise (versions 1, 6, 13).
 *
 * Version 1 carries the legacy `consumed_inputs` attribute, which is
 * ignored; 13 adds bfloat16, which onnxc does not run. libm's tanh keeps
 * -0 and subnormals (onnxruntime flushes subnormal results to zero).
 */
#include <tgmath.h>

#include "ops/common/unary.h"
#include "ops/kernels/vec_exp.h"

UNARY_LOOP_OF_TYPE(tanh_double, double, y = tanh(x))

/* float: vectorized where the CPU allows (vec_exp.h), libm's tanhf
 * otherwise; either keeps -0 and subnormals */
static void tanh_float(void *y, const void *x, size_t n,
                       const unary_params *p)
{
    oc_vec_tanh_f32(p->isa, y, x, n);
}

static onnxc_status *tanh_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    static const char *const v1_attrs[] = {"consumed_inputs", NULL};
    static const char *const none[] = {NULL};
    return oc_unary_prepare(ctx, node->op_version < 6 ? v1_attrs : none,
                         tanh_float, tanh_double, params);
}

static const int tanh_versions[] = {1, 6, 13, 0};

const oc_op oc_op_tanh = {
    .domain = "",
    .op_type = "Tanh",
    .versions = tanh_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = UNARY_TYPES,
    .prepare = tanh_prepare,
    .infer = oc_unary_infer,
    .run = oc_unary_run,
};
