/*
 * acos.c - Acos: y = the arccosine (NaN outside [-1, 1]), elementwise
 * (versions 7), float and double, from libm (<tgmath.h> picks the float or
 * double function).
 */
#include <tgmath.h>

#include "ops/common/unary.h"

UNARY_MATH_OP(acos, "Acos", acos(x), 7)
