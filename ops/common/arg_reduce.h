/*
 * arg_reduce.h - ArgMax and ArgMin: the int64 index of the largest
 * (smallest) element along one axis (versions 1, 11, 12, 13): keepdims,
 * a negative axis from 11, select_last_index from 12 (ties go to the
 * first index otherwise). A NaN counts as beyond every number, as in
 * numpy: the first NaN wins (the last with select_last_index).
 * (ops/common/arg_reduce.c)
 */
#ifndef ONNXC_ARG_REDUCE_H
#define ONNXC_ARG_REDUCE_H

#include "ops/common/op_util.h"

onnxc_status *oc_arg_reduce_prepare(const oc_prepare_ctx *ctx, bool max,
                                    void **params);
onnxc_status *oc_arg_reduce_infer(const oc_infer_ctx *ctx);
onnxc_status *oc_arg_reduce_run(const oc_run_ctx *ctx);

#define ARG_REDUCE_TYPES "float, double, int8, int16, int32, int64, uint8, " \
                         "uint16, uint32, uint64"

#define ARG_REDUCE_OP(op, NAME, MAX)                                           \
    static onnxc_status *op##_prepare(const oc_prepare_ctx *ctx, void **params) \
    {                                                                          \
        return oc_arg_reduce_prepare(ctx, MAX, params);                       \
    }                                                                          \
    static const int op##_versions[] = {1, 11, 12, 13, 0};                     \
    const oc_op oc_op_##op = {                                                 \
        .domain = "",                                                          \
        .op_type = NAME,                                                       \
        .versions = op##_versions,                                             \
        .last_opset = 21,                                                      \
        .min_inputs = 1, .max_inputs = 1,                                      \
        .min_outputs = 1, .max_outputs = 1,                                    \
        .types = ARG_REDUCE_TYPES,                                             \
        .prepare = op##_prepare,                                               \
        .infer = oc_arg_reduce_infer,                                          \
        .run = oc_arg_reduce_run,                                              \
    };

#endif
