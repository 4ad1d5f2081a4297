/*
 * exp.c - Exp: y = e to the x, elementwise (versions 1, 6, 13), float and
 * double, from libm (<tgmath.h> picks the float or double function).
 */
#include <tgmath.h>

#include "ops/common/unary.h"

UNARY_MATH_OP(exp, "Exp", exp(x), 1, 6, 13)
