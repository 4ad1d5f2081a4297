/*
 * reduce_log_sum_exp.c - ReduceLogSumExp: y = log(sum of exp(x)) over axes, shifted by the max so that exp does not overflow (versions 1, 11, 13, 18); axes an input from 18. See
 * ops/common/reduce.h.
 */
#include "ops/common/reduce.h"

REDUCE_OP(reduce_log_sum_exp, "ReduceLogSumExp", OC_REDUCE_LOG_SUM_EXP, 18, REDUCE_ARITH_TYPES, 1, 11, 13, 18)
