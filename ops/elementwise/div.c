/*
 * div.c - Div: y = A / B, elementwise with broadcasting (versions 1, 6, 7,
 * 13, 14; see binary.h for the legacy broadcast of 1 and 6).
 *
 * Integer division truncates toward zero, as onnxruntime's does. What the
 * spec leaves undefined must still not crash the process: an integer
 * divided by zero gives 0, and INT_MIN / -1 wraps to INT_MIN.
 */
#include "ops/common/binary.h"

#define DIV_SIGNED(T) (z == 0 ? (T)0 : z == -1 ? WRAP(T, 0 - (uint64_t)x) : (T)(x / z))
#define DIV_UNSIGNED(T) (z == 0 ? (T)0 : (T)(x / z))

BINARY_ARITH_OP(div, "Div", OC_OP_DIV, x / z, DIV_SIGNED, DIV_UNSIGNED)
