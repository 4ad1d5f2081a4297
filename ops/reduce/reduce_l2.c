/*
 * reduce_l2.c - ReduceL2: y = sqrt(sum of x^2) over axes (versions 1, 11, 13, 18); axes an input from 18. See
 * ops/common/reduce.h.
 */
#include "ops/common/reduce.h"

REDUCE_OP(reduce_l2, "ReduceL2", OC_REDUCE_L2, 18, REDUCE_ARITH_TYPES, 1, 11, 13, 18)
