/*
 * reduce_l1.c - ReduceL1: y = sum of |x| over axes (versions 1, 11, 13, 18); axes an input from 18. See
 * ops/common/reduce.h.
 */
#include "ops/common/reduce.h"

REDUCE_OP(reduce_l1, "ReduceL1", OC_REDUCE_L1, 18, REDUCE_ARITH_TYPES, 1, 11, 13, 18)
