/*
 * acosh.c - Acosh: y = the inverse hyperbolic cosine (NaN below 1),
 * elementwise (versions 9), float and double, from libm (<tgmath.h> picks
 * the float or double function).
 */
#include <tgmath.h>

#include "ops/common/unary.h"

UNARY_MATH_OP(acosh, "Acosh", acosh(x), 9)
