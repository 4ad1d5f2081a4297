/*
 * sin.c - Sin: y = the sine, elementwise (versions 7), float and double,
 * from libm (<tgmath.h> picks the float or double function).
 */
#include <tgmath.h>

#include "ops/common/unary.h"

UNARY_MATH_OP(sin, "Sin", sin(x), 7)
