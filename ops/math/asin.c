/*
 * asin.c - Asin: y = the arcsine (NaN outside [-1, 1]), elementwise
 * (versions 7), float and double, from libm (<tgmath.h> picks the float or
 * double function).
 */
#include <tgmath.h>

#include "ops/common/unary.h"

UNARY_MATH_OP(asin, "Asin", asin(x), 7)
