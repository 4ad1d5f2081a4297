/*
 * sub.c - Sub: y = A - B, elementwise with broadcasting (versions 1, 6,
 * 7, 13, 14; see binary.h for the legacy broadcast of 1 and 6).
 *
 * Integers wrap around on overflow.
 */
#include "ops/common/binary.h"

#define SUB_INT(T) WRAP(T, (uint64_t)x - (uint64_t)z)

BINARY_ARITH_OP(sub, "Sub", OC_OP_SUB, x - z, SUB_INT, SUB_INT)
