/* conv_depthwise.c - the direct single-channel window (see conv_depthwise.h).
 *
 * The plain 2-D loop adds one tap at a time into the output row (a load
 * and a store of y per tap). Where the CPU has AVX2+FMA or AVX-512 and the
 * stride is 1 or 2, the columns whose every tap lies inside the input are
 * computed a vector at a time instead, the whole window summed in a
 * register before one store (a stride of 2 takes the even lanes of two
 * loads); the few columns at the edges go point by point. The tests hold
 * the two to each other and to written-out loops (tests/test_conv.c). */
#include <string.h>

#include "ops/conv/conv_columns.h"
#include "ops/conv/conv_depthwise.h"

/* The output columns [*lo, *hi) whose input column o * stride - pad + at
 * lies inside [0, in). */
static void inside_range(int64_t out, int64_t stride, int64_t pad, int64_t at,
                         int64_t in, int64_t *lo, int64_t *hi)
{
    int64_t first = at - pad;        /* input column of output column 0 */
    *lo = first >= 0 ? 0 : (-first + stride - 1) / stride;
    *hi = first >= in ? 0 : (in - 1 - first) / stride + 1;
    if (*hi > out)
        *hi = out;
    if (*lo > *hi)
        *lo = *hi;
}

static void plane_2d(const oc_window *w, const float *x, const float *wt,
                     float bias, float *y)
{
    int64_t ih = w->in[0], iw = w->in[1], oh = w->out[0], ow = w->out[1];
    int64_t kh = w->kernel[0], kw = w->kernel[1];
    int64_t sy = w->strides[0], sx = w->strides[1];
    int64_t dy = w->dilations[0], dx = w->dilations[1];
    for (int64_t i = 0; i < oh * ow; i++)
        y[i] = bias;
    for (int64_t kx = 0; kx < kw; kx++) {
        int64_t lo, hi;
        inside_range(ow, sx, w->pad_begin[1], kx * dx, iw, &lo, &hi);
        if (lo >= hi)
            continue;
        int64_t x0 = lo * sx - w->pad_begin[1] + kx * dx;
        for (int64_t oy = 0; oy < oh; oy++) {
            float *yr = y + oy * ow + lo;
            for (int64_t ky = 0; ky < kh; ky++) {
                int64_t iy = oy * sy - w->pad_begin[0] + ky * dy;
                if (iy < 0 || iy >= ih)
                    continue;
                const float *xr = x + iy * iw + x0;
                float k = wt[ky * kw + kx];
                int64_t n = hi - lo;
                if (sx == 1)
                    for (int64_t t = 0; t < n; t++)
                        yr[t] += k * xr[t];
                else
                    for (int64_t t = 0; t < n; t++)
                        yr[t] += k * xr[t * sx];
            }
        }
    }
}

/* One output point of a 2-D plane, every tap checked. */
static float point_2d(const oc_window *w, const float *x, const float *wt,
                      float bias, int64_t oy, int64_t ox)
{
    float acc = bias;
    for (int64_t ky = 0; ky < w->kernel[0]; ky++) {
        int64_t iy = oy * w->strides[0] - w->pad_begin[0] + ky * w->dilations[0];
        if (iy < 0 || iy >= w->in[0])
            continue;
        for (int64_t kx = 0; kx < w->kernel[1]; kx++) {
            int64_t ix = ox * w->strides[1] - w->pad_begin[1] + kx * w->dilations[1];
            if (ix >= 0 && ix < w->in[1])
                acc += wt[ky * w->kernel[1] + kx] * x[iy * w->in[1] + ix];
        }
    }
    return acc;
}

/* The output columns [*lo, *hi) whose every tap lies inside the input,
 * and `beyond` floats after it too (a stride-2 vector loads one float past
 * its last tap). */
static void interior_columns(const oc_window *w, int64_t beyond, int64_t *lo,
                             int64_t *hi)
{
    *lo = 0;
    *hi = w->out[1];
    for (int64_t kx = 0; kx < w->kernel[1]; kx++) {
        int64_t a, b;
        inside_range(w->out[1], w->strides[1], w->pad_begin[1],
                     kx * w->dilations[1], w->in[1] - beyond, &a, &b);
        *lo = a > *lo ? a : *lo;
        *hi = b < *hi ? b : *hi;
    }
    if (*hi < *lo)
        *hi = *lo;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_X86_VEC 1

/* The plane with its interior columns a vector of VW at a time: NAME the
 * function, TGT its target, VF the vector type, P the intrinsics'
 * prefix, EVEN(p) the even-indexed floats of p[0, 2 VW). */
#define DEPTHWISE_2D(NAME, TGT, VF, VW, P, EVEN)                                \
    TGT static void NAME(const oc_window *w, const float *x, const float *wt,  \
                         float bias, float *y)                                 \
    {                                                                          \
        int64_t ih = w->in[0], iw = w->in[1], oh = w->out[0], ow = w->out[1];  \
        int64_t kh = w->kernel[0], kw = w->kernel[1], sx = w->strides[1];      \
        int64_t lo, hi;                                                        \
        interior_columns(w, sx - 1, &lo, &hi);                                 \
        int64_t vec_end = lo + (hi - lo) / VW * VW;                            \
        for (int64_t oy = 0; oy < oh; oy++) {                                  \
            float *yr = y + oy * ow;                                           \
            for (int64_t ox = 0; ox < lo; ox++)                                \
                yr[ox] = point_2d(w, x, wt, bias, oy, ox);                     \
            for (int64_t ox = vec_end; ox < ow; ox++)                          \
                yr[ox] = point_2d(w, x, wt, bias, oy, ox);                     \
            for (int64_t ox = lo; ox < vec_end; ox += VW) {                    \
                VF acc = P##set1_ps(bias);                                     \
                for (int64_t ky = 0; ky < kh; ky++) {                          \
                    int64_t iy = oy * w->strides[0] - w->pad_begin[0] +        \
                                 ky * w->dilations[0];                         \
                    if (iy < 0 || iy >= ih)                                    \
                        continue;                                              \
                    const float *xr = x + iy * iw + ox * sx - w->pad_begin[1]; \
                    for (int64_t kx = 0; kx < kw; kx++) {                      \
                        const float *q = xr + kx * w->dilations[1];            \
                        VF v = sx == 1 ? P##loadu_ps(q) : EVEN(q);             \
                        acc = P##fmadd_ps(P##set1_ps(wt[ky * kw + kx]), v, acc); \
                    }                                                          \
                }                                                              \
                P##storeu_ps(yr + ox, acc);                                    \
            }                                                                  \
        }                                                                      \
    }

/* even lanes of two 8-float loads: shuffle within lanes, then order the
 * 64-bit pairs */
#define EVEN_256(q)                                                            \
    _mm256_castpd_ps(_mm256_permute4x64_pd(                                    \
        _mm256_castps_pd(_mm256_shuffle_ps(_mm256_loadu_ps(q),                 \
                                           _mm256_loadu_ps((q) + 8),           \
                                           _MM_SHUFFLE(2, 0, 2, 0))),          \
        _MM_SHUFFLE(3, 1, 2, 0)))
#define EVEN_512(q)                                                            \
    _mm512_permutex2var_ps(_mm512_loadu_ps(q),                                 \
                           _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16,   \
                                             18, 20, 22, 24, 26, 28, 30),     \
                           _mm512_loadu_ps((q) + 16))

DEPTHWISE_2D(plane_2d_avx2, __attribute__((target("avx2,fma"))), __m256, 8,
             _mm256_, EVEN_256)
DEPTHWISE_2D(plane_2d_avx512, __attribute__((target("avx512f"))), __m512, 16,
             _mm512_, EVEN_512)
#endif

void oc_conv_depthwise_plane_f32(vec_isa isa, const oc_window *w,
                                 const float *x, const float *weights,
                                 float bias, float *y)
{
    if (w->dims == 2) {
#ifdef HAVE_X86_VEC
        if (isa != VEC_SCALAR && (w->strides[1] == 1 || w->strides[1] == 2)) {
            if (isa == VEC_AVX512)
                plane_2d_avx512(w, x, weights, bias, y);
            else
                plane_2d_avx2(w, x, weights, bias, y);
            return;
        }
#else
        (void)isa;
#endif
        plane_2d(w, x, weights, bias, y);
        return;
    }
    size_t n = oc_conv_out_size(w), taps = oc_conv_kernel_size(w);
    for (size_t j = 0; j < n; j++)
        y[j] = bias;
    for (size_t r = 0; r < taps; r++)
        oc_conv_axpy_f32(w, x, r, weights[r], y);
}
