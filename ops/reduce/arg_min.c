/*
 * arg_min.c - ArgMin: the index of the smallest element along one axis
 * (versions 1, 11, 12, 13). See ops/common/arg_reduce.h.
 */
#include "ops/common/arg_reduce.h"

ARG_REDUCE_OP(arg_min, "ArgMin", false)
