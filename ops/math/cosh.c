/*
 * cosh.c - Cosh: y = the hyperbolic cosine, elementwise (versions 9), float
 * and double, from libm (<tgmath.h> picks the float or double function).
 */
#include <tgmath.h>

#include "ops/common/unary.h"

UNARY_MATH_OP(cosh, "Cosh", cosh(x), 9)
