/*
 * sqrt.c - Sqrt: y = the square root (NaN below 0), elementwise (versions 1,
 * 6, 13), float and double, from libm (<tgmath.h> picks the float or double
 * function).
 */
#include <tgmath.h>

#include "ops/common/unary.h"

UNARY_MATH_OP_ID(sqrt, "Sqrt", OC_OP_SQRT, sqrt(x), 1, 6, 13)
