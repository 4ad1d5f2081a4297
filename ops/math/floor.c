/*
 * floor.c - Floor: y = the largest integer not above x, elementwise
 * (versions 1, 6, 13), float and double, from libm (<tgmath.h> picks the
 * float or double function).
 */
#include <tgmath.h>

#include "ops/common/unary.h"

UNARY_MATH_OP(floor, "Floor", floor(x), 1, 6, 13)
