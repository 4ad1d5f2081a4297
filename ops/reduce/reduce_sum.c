/*
 * reduce_sum.c - ReduceSum: y = sum of x over axes (versions 1, 11, 13); axes an input from 13. See
 * ops/common/reduce.h.
 */
#include "ops/common/reduce.h"

REDUCE_OP(reduce_sum, "ReduceSum", OC_REDUCE_SUM, 13, REDUCE_ARITH_TYPES, 1, 11, 13)
