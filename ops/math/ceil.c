/*
 * ceil.c - Ceil: y = the smallest integer not below x, elementwise (versions
 * 1, 6, 13), float and double, from libm (<tgmath.h> picks the float or
 * double function).
 */
#include <tgmath.h>

#include "ops/common/unary.h"

UNARY_MATH_OP(ceil, "Ceil", ceil(x), 1, 6, 13)
