/*
 * reduce_log_sum.c - ReduceLogSum: y = log(sum of x) over axes (versions 1, 11, 13, 18); axes an input from 18. See
 * ops/common/reduce.h.
 */
#include "ops/common/reduce.h"

REDUCE_OP(reduce_log_sum, "ReduceLogSum", OC_REDUCE_LOG_SUM, 18, REDUCE_ARITH_TYPES, 1, 11, 13, 18)
