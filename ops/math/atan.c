/*
 * atan.c - Atan: y = the arctangent, elementwise (versions 7), float and
 * double, from libm (<tgmath.h> picks the float or double function).
 */
#include <tgmath.h>

#include "ops/common/unary.h"

UNARY_MATH_OP(atan, "Atan", atan(x), 7)
