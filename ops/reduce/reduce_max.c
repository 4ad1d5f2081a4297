/*
 * reduce_max.c - ReduceMax: y = max of x over axes (a NaN wins) (versions 1, 11, 12, 13, 18, 20); axes an input from 18. See
 * ops/common/reduce.h.
 */
#include "ops/common/reduce.h"

REDUCE_OP(reduce_max, "ReduceMax", OC_REDUCE_MAX, 18, REDUCE_MINMAX_TYPES, 1, 11, 12, 13, 18, 20)
