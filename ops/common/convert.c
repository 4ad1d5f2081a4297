/* convert.c - element type conversions (see convert.h). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ops/common/convert.h"

uint16_t oc_half_from_float(float f)
{
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    uint32_t sign = (x >> 16) & 0x8000, abs = x & 0x7FFFFFFF;
    if (abs > 0x7F800000)
        return (uint16_t)(sign | 0x7E00 | ((abs >> 13) & 0x3FF));
    if (abs >= 0x477FF000)  /* 65520 and above round to infinity */
        return (uint16_t)(sign | 0x7C00);
    if (abs < 0x38800000) {
        /* a subnormal half: units of 2^-24, scaled exactly, rounded to
         * nearest even (the default rounding mode) */
        float a;
        memcpy(&a, &abs, sizeof a);
        return (uint16_t)(sign | (uint32_t)lrintf(a * 16777216.0f));
    }
    uint32_t mant = abs & 0x7FFFFF, rest = mant & 0x1FFF;
    uint32_t h = ((abs >> 23) - 127 + 15) << 10 | mant >> 13;
    if (rest > 0x1000 || (rest == 0x1000 && (h & 1)))
        h++;  /* a carry into the exponent is the right result */
    return (uint16_t)(sign | h);
}

float oc_float_from_half(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    uint32_t e = (h >> 10) & 0x1F, m = h & 0x3FF, x;
    float f;
    if (e == 0) {
        f = ldexpf((float)m, -24);
        return sign ? -f : f;
    }
    x = e == 0x1F ? sign | 0x7F800000 | m << 13
                  : sign | (e - 15 + 127) << 23 | m << 13;
    memcpy(&f, &x, sizeof f);
    return f;
}

uint16_t oc_bfloat16_from_float(float f)
{
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    if ((x & 0x7FFFFFFF) > 0x7F800000)
        return (uint16_t)(x >> 16 | 0x40);  /* stays a (quiet) NaN */
    x += 0x7FFF + ((x >> 16) & 1);
    return (uint16_t)(x >> 16);
}

float oc_float_from_bfloat16(uint16_t b)
{
    uint32_t x = (uint32_t)b << 16;
    float f;
    memcpy(&f, &x, sizeof f);
    return f;
}

bool oc_convert_supports(onnxc_dtype t)
{
    return t != ONNXC_UNDEFINED && t != ONNXC_STRING &&
           t != ONNXC_COMPLEX64 && t != ONNXC_COMPLEX128 &&
           onnxc_dtype_size(t) > 0;
}

/* One element on its way: a float value, or a signed or unsigned
 * integer, whichever holds the source exactly. */
typedef struct element {
    enum { AS_FLOAT, AS_INT, AS_UINT } kind;
    double f;
    int64_t i;
    uint64_t u;
} element;

static element read_at(const void *src, onnxc_dtype t, size_t k)
{
    element e = {AS_INT, 0, 0, 0};
    switch (t) {
    case ONNXC_FLOAT: e.kind = AS_FLOAT; e.f = ((const float *)src)[k]; break;
    case ONNXC_DOUBLE: e.kind = AS_FLOAT; e.f = ((const double *)src)[k]; break;
    case ONNXC_FLOAT16:
        e.kind = AS_FLOAT;
        e.f = oc_float_from_half(((const uint16_t *)src)[k]);
        break;
    case ONNXC_BFLOAT16:
        e.kind = AS_FLOAT;
        e.f = oc_float_from_bfloat16(((const uint16_t *)src)[k]);
        break;
    case ONNXC_INT8: e.i = ((const int8_t *)src)[k]; break;
    case ONNXC_INT16: e.i = ((const int16_t *)src)[k]; break;
    case ONNXC_INT32: e.i = ((const int32_t *)src)[k]; break;
    case ONNXC_INT64: e.i = ((const int64_t *)src)[k]; break;
    case ONNXC_BOOL: e.i = ((const uint8_t *)src)[k] != 0; break;
    case ONNXC_UINT8: e.i = ((const uint8_t *)src)[k]; break;
    case ONNXC_UINT16: e.i = ((const uint16_t *)src)[k]; break;
    case ONNXC_UINT32: e.i = ((const uint32_t *)src)[k]; break;
    case ONNXC_UINT64: e.kind = AS_UINT; e.u = ((const uint64_t *)src)[k]; break;
    default: break;
    }
    return e;
}

/* A float truncated toward zero into [lo, hi]; NaN is 0. lo and hi are
 * exact in double only up to 2^53: the comparisons use bounds that are
 * (hi + 1 is a power of two, exact). */
static int64_t to_signed(double f, int64_t lo, int64_t hi)
{
    if (isnan(f))
        return 0;
    if (f <= (double)lo)
        return lo;
    if (f >= -(double)lo)  /* -(lo) = hi + 1 */
        return hi;
    return (int64_t)f;
}

static uint64_t to_unsigned(double f, uint64_t hi)
{
    if (isnan(f) || f <= 0)
        return 0;
    if (f >= (double)hi + 1.0)  /* hi + 1 is a power of two */
        return hi;
    return (uint64_t)f;
}

/* The element as a float of the target precision. */
static double as_double(element e)
{
    return e.kind == AS_FLOAT ? e.f : e.kind == AS_INT ? (double)e.i : (double)e.u;
}

static float as_float(element e)
{
    return e.kind == AS_FLOAT ? (float)e.f : e.kind == AS_INT ? (float)e.i
                                                              : (float)e.u;
}

/* d rounded to float toward zero, the last bit set when inexact (round
 * to odd): rounding that again to a format of at most 22 bits of
 * precision (float16: 11, bfloat16: 8) gives what one rounding of d
 * would, with no double rounding. */
static float odd_float(double d)
{
    float f = (float)d;
    if ((double)f == d || isnan(d))
        return f;
    if (fabs((double)f) > fabs(d))
        f = nextafterf(f, 0.0f);
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    x |= 1;
    memcpy(&f, &x, sizeof f);
    return f;
}

/* The same from an integer of magnitude m: above 2^53 going through
 * double would round once already. The top 24 bits are exact in a
 * float; any bit below them is the sticky one. */
static float odd_float_from_int(uint64_t m, bool negative)
{
    int shift = 0;
    while (m >> shift >= (UINT64_C(1) << 24))
        shift++;
    bool sticky = shift && (m & ((UINT64_C(1) << shift) - 1));
    float f = ldexpf((float)(m >> shift), shift);
    if (sticky) {
        uint32_t x;
        memcpy(&x, &f, sizeof x);
        x |= 1;
        memcpy(&f, &x, sizeof f);
    }
    return negative ? -f : f;
}

/* The element as a float rounded to odd, for float16 and bfloat16. */
static float as_odd_float(element e)
{
    if (e.kind == AS_FLOAT)
        return odd_float(e.f);
    if (e.kind == AS_UINT)
        return odd_float_from_int(e.u, false);
    return odd_float_from_int(e.i < 0 ? 0 - (uint64_t)e.i : (uint64_t)e.i,
                              e.i < 0);
}

static int64_t as_signed(element e, int64_t lo, int64_t hi)
{
    if (e.kind == AS_FLOAT)
        return to_signed(e.f, lo, hi);
    return e.kind == AS_INT ? e.i : (int64_t)e.u;
}

static uint64_t as_unsigned(element e, uint64_t hi)
{
    if (e.kind == AS_FLOAT)
        return to_unsigned(e.f, hi);
    return e.kind == AS_INT ? (uint64_t)e.i : e.u;
}

static void write_at(void *dst, onnxc_dtype t, size_t k, element e)
{
    switch (t) {
    case ONNXC_FLOAT: ((float *)dst)[k] = as_float(e); break;
    case ONNXC_DOUBLE: ((double *)dst)[k] = as_double(e); break;
    case ONNXC_FLOAT16:
        ((uint16_t *)dst)[k] = oc_half_from_float(as_odd_float(e));
        break;
    case ONNXC_BFLOAT16:
        ((uint16_t *)dst)[k] = oc_bfloat16_from_float(as_odd_float(e));
        break;
    case ONNXC_BOOL:
        ((uint8_t *)dst)[k] = e.kind == AS_FLOAT ? e.f != 0
                              : e.kind == AS_INT ? e.i != 0
                                                 : e.u != 0;
        break;
    case ONNXC_INT8: ((int8_t *)dst)[k] = (int8_t)as_signed(e, INT8_MIN, INT8_MAX); break;
    case ONNXC_INT16:
        ((int16_t *)dst)[k] = (int16_t)as_signed(e, INT16_MIN, INT16_MAX);
        break;
    case ONNXC_INT32:
        ((int32_t *)dst)[k] = (int32_t)as_signed(e, INT32_MIN, INT32_MAX);
        break;
    case ONNXC_INT64: ((int64_t *)dst)[k] = as_signed(e, INT64_MIN, INT64_MAX); break;
    case ONNXC_UINT8: ((uint8_t *)dst)[k] = (uint8_t)as_unsigned(e, UINT8_MAX); break;
    case ONNXC_UINT16:
        ((uint16_t *)dst)[k] = (uint16_t)as_unsigned(e, UINT16_MAX);
        break;
    case ONNXC_UINT32:
        ((uint32_t *)dst)[k] = (uint32_t)as_unsigned(e, UINT32_MAX);
        break;
    case ONNXC_UINT64: ((uint64_t *)dst)[k] = as_unsigned(e, UINT64_MAX); break;
    default: break;
    }
}

void oc_convert(const void *src, onnxc_dtype from, void *dst, onnxc_dtype to,
                size_t n)
{
    if (from == to) {
        if (src != dst && n)
            memmove(dst, src, n * onnxc_dtype_size(to));
        return;
    }
    for (size_t k = 0; k < n; k++)
        write_at(dst, to, k, read_at(src, from, k));
}
