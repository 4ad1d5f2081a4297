/*
 * reciprocal.c - Reciprocal: y = 1 / x, elementwise (versions 1, 6, 13),
 * float and double, from libm (<tgmath.h> picks the float or double
 * function).
 */
#include <tgmath.h>

#include "ops/common/unary.h"

UNARY_MATH_OP(reciprocal, "Reciprocal", (real)1 / x, 1, 6, 13)
