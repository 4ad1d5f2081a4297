/*
 * variadic.h - what Max, Min, Sum and Mean share: any number of inputs of
 * one type, broadcast together (numpy-style from version 8, equal shapes
 * before), folded pairwise into the output with a binary loop; Mean
 * divides the sum by the count. (ops/common/variadic.c)
 */
#ifndef ONNXC_VARIADIC_H
#define ONNXC_VARIADIC_H

#include "ops/common/binary.h"

typedef struct variadic_kernels {
    bcast_loop loops[BINARY_DTYPES];   /* y = f(a, b), by element type */
    const char *types;
    /* The arithmetic ops' rule: float and double before version 12, every
     * type in loops from 12 (Max, Min); false: every type in loops. */
    bool ints_from_12;
    bool mean;          /* divide by the number of inputs at the end */
} variadic_kernels;

onnxc_status *oc_variadic_prepare(const oc_prepare_ctx *ctx,
                                  const variadic_kernels *kernels,
                                  void **params);
onnxc_status *oc_variadic_infer(const oc_infer_ctx *ctx);
onnxc_status *oc_variadic_run(const oc_run_ctx *ctx);

/* `oc_op_<op>` named NAME over kernels KERNELS at the versions listed;
 * the file defines `<op>_types`, the type list both point to (a member of
 * KERNELS is not a constant expression in C, as clang insists). */
#define VARIADIC_OP(op, NAME, KERNELS, ...)                                    \
    static onnxc_status *op##_prepare(const oc_prepare_ctx *ctx, void **params) \
    {                                                                          \
        return oc_variadic_prepare(ctx, &(KERNELS), params);                  \
    }                                                                          \
    static const int op##_versions[] = {__VA_ARGS__, 0};                       \
    const oc_op oc_op_##op = {                                                 \
        .domain = "",                                                          \
        .op_type = NAME,                                                       \
        .versions = op##_versions,                                             \
        .last_opset = 21,                                                      \
        .min_inputs = 1, .max_inputs = OC_VARIADIC,                            \
        .min_outputs = 1, .max_outputs = 1,                                    \
        .types = op##_types,                                                   \
        .prepare = op##_prepare,                                               \
        .infer = oc_variadic_infer,                                            \
        .run = oc_variadic_run,                                                \
    };

#endif
