/* conv_depthwise.c - the direct single-channel window (see conv_depthwise.h).
 *
 * The plain 2-D loop adds one tap at a time into the output row (a load
 * and a store of y per tap). Where the CPU has AVX2+FMA or AVX-512 and the
 * stride is 1 or 2, the output columns are computed a vector at a time
 * instead, the whole window summed in a register before one store (a
 * stride of 2 takes the even lanes of two loads; the last part-vector
 * loads and stores under a mask, so nothing past the taps is read); the
 * vectors at the edges load only the lanes whose taps fall inside the
 * input, 0 in the others (the zeros the pads stand for). The tests hold
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

/* The output columns [*lo, *hi) whose every tap lies inside the input. */
static void interior_columns(const oc_window *w, int64_t *lo, int64_t *hi)
{
    *lo = 0;
    *hi = w->out[1];
    for (int64_t kx = 0; kx < w->kernel[1]; kx++) {
        int64_t a, b;
        inside_range(w->out[1], w->strides[1], w->pad_begin[1],
                     kx * w->dilations[1], w->in[1], &a, &b);
        *lo = a > *lo ? a : *lo;
        *hi = b < *hi ? b : *hi;
    }
    if (*hi < *lo)
        *hi = *lo;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_X86_VEC 1

/* The plane a vector of VW output columns by up to four output rows at a
 * time, the last part-vector through masked loads and stores: NAME the
 * function, TGT its target, VF the vector type, P the intrinsics'
 * prefix, LOADN(q, n) and STOREN(p, v, n) the first n floats (0 <= n <=
 * VW, the rest 0 / left alone), LOADR(q, a, b) lanes [a, b) from q[0],
 * q[1], ... (the rest 0, nothing else read), EVEN(a, b) the
 * even-indexed floats of a then b. Four rows are four chains of FMAs (one
 * would wait on each FMA's latency, 4 cycles, 9 times for a 3x3 window)
 * sharing each tap's weight and lane masks. A vector whose columns all
 * have every tap inside the input loads plainly; one at an edge loads
 * each tap's lanes that fall inside the row, the others 0, so the edges
 * cost a vector, not a scalar point each (they were a third of
 * mobilenet_v2's time). */
#define DEPTHWISE_2D(NAME, TGT, VF, VW, P, LOADN, STOREN, LOADR, EVEN)          \
    /* Lanes [a, b) from row[c + a], the rest 0 (lane 0's column c may lie \
     * before the row: only c + a is formed, inside it). */                    \
    TGT static inline VF NAME##_range(const float *row, int64_t c, int64_t a, \
                                      int64_t b)                               \
    {                                                                          \
        return a < b ? LOADR(row + (c + a), a, b) : P##setzero_ps();           \
    }                                                                          \
    /* Output rows [oy, oy + rows) x columns [ox, ox + VW) (or to ow), at     \
     * stride sx; rows and sx constants once inlined. */                       \
    TGT static inline __attribute__((always_inline)) void NAME##_block(        \
        int rows, int sx, const oc_window *w, const float *x, const float *wt, \
        float bias, int64_t oy, int64_t ox, bool inside, float *y)             \
    {                                                                          \
        int64_t ih = w->in[0], iw = w->in[1], ow = w->out[1];                  \
        int64_t kh = w->kernel[0], kw = w->kernel[1];                          \
        int64_t n = ow - ox < VW ? ow - ox : VW;                               \
        /* floats a tap reads: n, or 2n - 1 at stride 2 */                     \
        int64_t n0 = sx == 1 ? n : (2 * n - 1 < VW ? 2 * n - 1 : VW);          \
        int64_t n1 = sx == 1 ? 0 : 2 * n - 1 - n0;                             \
        VF acc[4];                                                             \
        for (int r = 0; r < rows; r++)                                         \
            acc[r] = P##set1_ps(bias);                                         \
        for (int64_t ky = 0; ky < kh; ky++) {                                  \
            const float *xr[4];   /* each row's input row, or NULL: a pad */   \
            for (int r = 0; r < rows; r++) {                                   \
                int64_t iy = (oy + r) * w->strides[0] - w->pad_begin[0] +      \
                             ky * w->dilations[0];                             \
                xr[r] = iy >= 0 && iy < ih ? x + iy * iw : NULL;               \
            }                                                                  \
            for (int64_t kx = 0; kx < kw; kx++) {                              \
                /* the input column of lane 0; at an edge, the lanes of   \
                 * each load that fall inside the row */                       \
                int64_t c = ox * sx - w->pad_begin[1] + kx * w->dilations[1];  \
                int64_t a0 = 0, b0 = n0, a1 = 0, b1 = n1;                      \
                if (!inside) {                                                 \
                    depthwise_lanes(c, n0, iw, &a0, &b0);                      \
                    depthwise_lanes(c + VW, n1, iw, &a1, &b1);                 \
                }                                                              \
                VF k = P##set1_ps(wt[ky * kw + kx]);                           \
                for (int r = 0; r < rows; r++) {                               \
                    if (!xr[r])                                                \
                        continue;                                              \
                    const float *row = xr[r];                                  \
                    VF v = inside ? LOADN(row + c, n0)                         \
                                  : NAME##_range(row, c, a0, b0);              \
                    if (sx == 2)                                               \
                        v = EVEN(v, inside                                     \
                                        ? LOADN(row + c + VW, n1)              \
                                        : NAME##_range(row, c + VW, a1, b1));  \
                    acc[r] = P##fmadd_ps(k, v, acc[r]);                        \
                }                                                              \
            }                                                                  \
        }                                                                      \
        for (int r = 0; r < rows; r++)                                         \
            STOREN(y + (oy + r) * ow + ox, acc[r], n);                         \
    }                                                                          \
    TGT static void NAME(const oc_window *w, const float *x, const float *wt,  \
                         float bias, float *y)                                 \
    {                                                                          \
        int64_t oh = w->out[0], ow = w->out[1], lo, hi;                        \
        int sx = (int)w->strides[1];                                           \
        interior_columns(w, &lo, &hi);                                         \
        for (int64_t oy = 0; oy < oh; oy += 4)                                 \
            for (int64_t ox = 0; ox < ow; ox += VW) {                          \
                int64_t n = ow - ox < VW ? ow - ox : VW;                       \
                bool inside = ox >= lo && ox + n <= hi;                        \
                int rows = oh - oy < 4 ? (int)(oh - oy) : 4;                   \
                switch (rows * 2 + sx - 1) {                                   \
                DEPTHWISE_CASE(NAME, 1, 1) DEPTHWISE_CASE(NAME, 1, 2)          \
                DEPTHWISE_CASE(NAME, 2, 1) DEPTHWISE_CASE(NAME, 2, 2)          \
                DEPTHWISE_CASE(NAME, 3, 1) DEPTHWISE_CASE(NAME, 3, 2)          \
                DEPTHWISE_CASE(NAME, 4, 1) DEPTHWISE_CASE(NAME, 4, 2)          \
                }                                                              \
            }                                                                  \
    }
#define DEPTHWISE_CASE(NAME, rows, sx)                                         \
    case (rows) * 2 + (sx) - 1:                                                \
        NAME##_block(rows, sx, w, x, wt, bias, oy, ox, inside, y);             \
        break;

/* The lanes [*a, *b) of [0, m) whose columns c + lane lie in [0, iw). */
static inline void depthwise_lanes(int64_t c, int64_t m, int64_t iw,
                                   int64_t *a, int64_t *b)
{
    *a = c < 0 ? -c : 0;
    *b = iw - c < m ? iw - c : m;
    if (*b < *a)
        *b = *a;
}

#define TGT_AVX2 __attribute__((target("avx2,fma")))
#define TGT_AVX512 __attribute__((target("avx512f")))

TGT_AVX2 static inline __m256i first_n_256(int64_t n)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n),
                              _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
TGT_AVX2 static inline __m256 loadn_256(const float *q, int64_t n)
{
    return n == 8 ? _mm256_loadu_ps(q) : _mm256_maskload_ps(q, first_n_256(n));
}
TGT_AVX2 static inline void storen_256(float *p, __m256 v, int64_t n)
{
    if (n == 8)
        _mm256_storeu_ps(p, v);
    else
        _mm256_maskstore_ps(p, first_n_256(n), v);
}
/* shuffle the even lanes within 128-bit halves, then order the pairs */
TGT_AVX2 static inline __m256 even_256(__m256 a, __m256 b)
{
    __m256 e = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
    return _mm256_castpd_ps(
        _mm256_permute4x64_pd(_mm256_castps_pd(e), _MM_SHUFFLE(3, 1, 2, 0)));
}
/* Lanes [a, b) from q[0], q[1], ... (q is lane a's float), the rest 0:
 * nothing before q or past q + (b - a) is read. */
TGT_AVX2 static inline __m256 loadr_256(const float *q, int64_t a, int64_t b)
{
    _Alignas(32) float buf[8] = {0};
    memcpy(buf + a, q, (size_t)(b - a) * sizeof *q);
    return _mm256_load_ps(buf);
}
TGT_AVX512 static inline __m512 loadr_512(const float *q, int64_t a, int64_t b)
{
    __mmask16 m = (__mmask16)(((1u << b) - 1) & ~((1u << a) - 1));
    return _mm512_maskz_expandloadu_ps(m, q);
}
TGT_AVX512 static inline __m512 loadn_512(const float *q, int64_t n)
{
    return _mm512_maskz_loadu_ps((__mmask16)((1u << n) - 1), q);
}
TGT_AVX512 static inline void storen_512(float *p, __m512 v, int64_t n)
{
    _mm512_mask_storeu_ps(p, (__mmask16)((1u << n) - 1), v);
}
TGT_AVX512 static inline __m512 even_512(__m512 a, __m512 b)
{
    return _mm512_permutex2var_ps(
        a, _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26,
                             28, 30),
        b);
}

DEPTHWISE_2D(plane_2d_avx2, TGT_AVX2, __m256, 8, _mm256_, loadn_256,
             storen_256, loadr_256, even_256)
DEPTHWISE_2D(plane_2d_avx512, TGT_AVX512, __m512, 16, _mm512_, loadn_512,
             storen_512, loadr_512, even_512)
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
