/*
 * log.c - Log: y = the natural logarithm (-inf at 0, NaN below), elementwise
 * (versions 1, 6, 13), float and double, from libm (<tgmath.h> picks the
 * float or double function).
 */
#include <tgmath.h>

#include "ops/common/unary.h"

UNARY_MATH_OP(log, "Log", log(x), 1, 6, 13)
