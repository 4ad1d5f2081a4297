/*
 * convert.h - element type conversions for Cast and CastLike, and the
 * half-precision storage types. (ops/common/convert.c)
 *
 * float -> integer truncates toward zero; NaN gives 0 and a value out of
 * the target's range its nearest bound (the spec leaves both undefined:
 * this is the saturating choice, the same on every CPU). To bool: x != 0
 * (NaN is true). Integer -> integer keeps the low bits (two's
 * complement). To float16 and bfloat16: round to nearest even, once,
 * from any source (double and 64-bit integers too), NaN and infinities
 * kept (Cast 19 and onnxruntime).
 */
#ifndef ONNXC_CONVERT_H
#define ONNXC_CONVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onnxc.h"

/* Whether Cast converts from and to dtype. */
bool oc_convert_supports(onnxc_dtype dtype);

/* n elements of type `from` at src into type `to` at dst (not
 * overlapping unless the types are the same). */
void oc_convert(const void *src, onnxc_dtype from, void *dst, onnxc_dtype to,
                size_t n);

uint16_t oc_half_from_float(float f);
float oc_float_from_half(uint16_t h);
uint16_t oc_bfloat16_from_float(float f);
float oc_float_from_bfloat16(uint16_t b);

#endif
