/*
 * cos.c - Cos: y = the cosine, elementwise (versions 7), float and double,
 * from libm (<tgmath.h> picks the float or double function).
 */
#include <tgmath.h>

#include "ops/common/unary.h"

UNARY_MATH_OP(cos, "Cos", cos(x), 7)
