/*
 * reduce_sum_square.c - ReduceSumSquare: y = sum of x^2 over axes (versions 1, 11, 13, 18); axes an input from 18. See
 * ops/common/reduce.h.
 */
#include "ops/common/reduce.h"

REDUCE_OP(reduce_sum_square, "ReduceSumSquare", OC_REDUCE_SUM_SQUARE, 18, REDUCE_ARITH_TYPES, 1, 11, 13, 18)
