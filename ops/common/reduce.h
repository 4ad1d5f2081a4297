/*
 * reduce.h - the reduction engine the Reduce* operators share: which
 * axes (an attribute in older versions, an int64 input from 13 for
 * ReduceSum and from 18 for the rest), keepdims, noop_with_empty_axes,
 * the output shape, and one walk over any set of axes for every kind of
 * reduction and element type. (ops/common/reduce.c)
 *
 * Each operator file names its kind, versions and types and stamps its
 * oc_op with REDUCE_OP; this file does the rest.
 *
 * Floating-point inputs accumulate in double, so that a sum's error does
 * not grow with its length (10^7 float32 elements sum to the float
 * nearest the exact sum in practice, not one off by thousands of ulps).
 * Integers accumulate in 64 bits and wrap, as the arithmetic ops do.
 * An empty reduction gives the identity of its kind: 0 for sums, 1 for
 * products, -inf (the type's least value) for a max, +inf (its greatest)
 * for a min, -inf for the log-sums, NaN for a mean of nothing.
 */
#ifndef ONNXC_REDUCE_H
#define ONNXC_REDUCE_H

#include "ops/common/axes.h"
#include "ops/common/op_util.h"
#include "ops/kernels/vec_exp.h"

typedef enum oc_reduce_kind {
    OC_REDUCE_SUM,
    OC_REDUCE_MEAN,
    OC_REDUCE_MAX,
    OC_REDUCE_MIN,
    OC_REDUCE_PROD,
    OC_REDUCE_L1,
    OC_REDUCE_L2,
    OC_REDUCE_LOG_SUM,
    OC_REDUCE_LOG_SUM_EXP,
    OC_REDUCE_SUM_SQUARE,
    OC_REDUCE_VARIANCE      /* population variance, two passes (MVN) */
} oc_reduce_kind;

typedef struct oc_reduce_params {
    oc_reduce_kind kind;
    bool axes_input;       /* axes come as input 1, not as an attribute */
    oc_axes axes;          /* the attribute's (count -1: none) */
    bool keepdims;
    bool noop_with_empty_axes;
    vec_isa isa;           /* the vector loops the session's kernels allow */
} oc_reduce_params;

/* axes_input_from: the first version taking axes as an input. */
onnxc_status *oc_reduce_prepare(const oc_prepare_ctx *ctx, oc_reduce_kind kind,
                                int axes_input_from, void **params);
onnxc_status *oc_reduce_infer(const oc_infer_ctx *ctx);
onnxc_status *oc_reduce_run(const oc_run_ctx *ctx);

/* Reduces x over the axes set in mask (bit d: axis d) into y, whose
 * data holds the outputs in order (keepdims or not, the same layout), of
 * x's type or, for a float x, double: the accumulator unrounded. For
 * kernels built on reductions (MeanVarianceNormalization); VARIANCE
 * takes float and double only. */
void oc_reduce_tensor(oc_reduce_kind kind, const oc_tensor *x, unsigned mask,
                      oc_tensor *y);

/* ReduceSum and ReduceMean of a float x over adjacent axes (mask) into
 * y, vectorized and across ctx's threads; false (nothing done) for what
 * it does not cover, which oc_reduce_tensor does. (reduce_fast.c) */
bool oc_reduce_fast(const oc_run_ctx *ctx, vec_isa isa, oc_reduce_kind kind,
                    const oc_tensor *x, unsigned mask, oc_tensor *y);

/* The element types of each group of kinds, for the op tables. */
#define REDUCE_ARITH_TYPES "float, double, int32, int64, uint32, uint64"
#define REDUCE_MINMAX_TYPES \
    "float, double, int32, int64, uint32, uint64; int8, uint8 from 12; bool from 20"

/* A Reduce operator: `oc_op_<op>` named NAME, of kind KIND, at the
 * versions VERSIONS (a 0-ended list), axes an input from version
 * AXES_INPUT_FROM. ReduceMean has an identity for the compiler's fusions
 * (the decomposed LayerNorm starts with one). */
#define REDUCE_OP(op, NAME, KIND, AXES_INPUT_FROM, TYPES, ...)                 \
    static const int op##_versions[] = {__VA_ARGS__, 0};                       \
    static onnxc_status *op##_prepare(const oc_prepare_ctx *ctx,               \
                                      void **params)                           \
    {                                                                          \
        return oc_reduce_prepare(ctx, KIND, AXES_INPUT_FROM, params);          \
    }                                                                          \
    const oc_op oc_op_##op = {                                                 \
        .domain = "",                                                          \
        .op_type = NAME,                                                       \
        .id = (KIND) == OC_REDUCE_MEAN ? OC_OP_REDUCE_MEAN : OC_OP_OTHER,      \
        .versions = op##_versions,                                             \
        .last_opset = 21,                                                      \
        .min_inputs = 1, .max_inputs = 2,                                      \
        .min_outputs = 1, .max_outputs = 1,                                    \
        .value_inputs = 1u << 1,                                               \
        .types = TYPES,                                                        \
        .prepare = op##_prepare,                                               \
        .infer = oc_reduce_infer,                                              \
        .run = oc_reduce_run,                                                  \
    };

#endif
