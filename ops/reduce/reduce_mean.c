/*
 * reduce_mean.c - ReduceMean: y = mean of x over axes (integers: the sum divided by the count, truncated) (versions 1, 11, 13, 18); axes an input from 18. See
 * ops/common/reduce.h.
 */
#include "ops/common/reduce.h"

REDUCE_OP(reduce_mean, "ReduceMean", OC_REDUCE_MEAN, 18, REDUCE_ARITH_TYPES, 1, 11, 13, 18)
