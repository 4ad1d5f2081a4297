/*
 * tan.c - Tan: y = the tangent, elementwise (versions 7), float and double,
 * from libm (<tgmath.h> picks the float or double function).
 */
#include <tgmath.h>

#include "ops/common/unary.h"

UNARY_MATH_OP(tan, "Tan", tan(x), 7)
