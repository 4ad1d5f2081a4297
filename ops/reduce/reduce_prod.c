/*
 * reduce_prod.c - ReduceProd: y = product of x over axes (versions 1, 11, 13, 18); axes an input from 18. See
 * ops/common/reduce.h.
 */
#include "ops/common/reduce.h"

REDUCE_OP(reduce_prod, "ReduceProd", OC_REDUCE_PROD, 18, REDUCE_ARITH_TYPES, 1, 11, 13, 18)
