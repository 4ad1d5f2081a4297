/*
 * atanh.c - Atanh: y = the inverse hyperbolic tangent (NaN outside [-1, 1]),
 * elementwise (versions 9), float and double, from libm (<tgmath.h> picks
 * the float or double function).
 */
#include <tgmath.h>

#include "ops/common/unary.h"

UNARY_MATH_OP(atanh, "Atanh", atanh(x), 9)
