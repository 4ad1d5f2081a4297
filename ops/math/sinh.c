/*
 * sinh.c - Sinh: y = the hyperbolic sine, elementwise (versions 9), float
 * and double, from libm (<tgmath.h> picks the float or double function).
 */
#include <tgmath.h>

#include "ops/common/unary.h"

UNARY_MATH_OP(sinh, "Sinh", sinh(x), 9)
