/*
 * asinh.c - Asinh: y = the inverse hyperbolic sine, elementwise (versions
 * 9), float and double, from libm (<tgmath.h> picks the float or double
 * function).
 */
#include <tgmath.h>

#include "ops/common/unary.h"

UNARY_MATH_OP(asinh, "Asinh", asinh(x), 9)
