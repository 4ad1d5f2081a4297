/*
 * reduce_min.c - ReduceMin: y = min of x over axes (a NaN wins) (versions 1, 11, 12, 13, 18, 20); axes an input from 18. See
 * ops/common/reduce.h.
 */
#include "ops/common/reduce.h"

REDUCE_OP(reduce_min, "ReduceMin", OC_REDUCE_MIN, 18, REDUCE_MINMAX_TYPES, 1, 11, 12, 13, 18, 20)
