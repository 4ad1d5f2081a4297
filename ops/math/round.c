/*
 * round.c - Round: y = x rounded to the nearest integer, halves to even
 * (rint, in the default rounding mode), elementwise (version 11), float and
 * double, from libm (<tgmath.h> picks the float or double function).
 */
#include <tgmath.h>

#include "ops/common/unary.h"

UNARY_MATH_OP(round, "Round", rint(x), 11)
