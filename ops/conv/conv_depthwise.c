/* conv_depthwise.c - the direct single-channel window (see conv_depthwise.h).
 *
 * The plain 2-D loop adds one tap at a time into the output row (a load
 * and a store of y per tap). Where the CPU has AVX2+FMA or AVX-512 and the
 * stride is 1 or 2, the output columns are computed a vector at a time
 * instead, the whole window summed in a register before one store (a
 * stride of 2 takes the even lanes of two loads; the last part-vector
 * stores under a mask). That loop reads a copy of the input plane with
 * its pads written out as zeros, so every load is a plain one: loading
 * only the lanes inside the input instead cost a masked or byte-wise load
 * per tap at each edge, and on planes of 7 or 14 columns every vector is
 * at an edge (AVX2: 1.3 GFLOP/s on mobilenet_v2's 14x14 planes). The
 * tests hold the two loops to each other and to written-out loops
 * (tests/test_conv.c). */
#include <string.h>

#include "ops/conv/conv_columns.h"
#include "ops/conv/conv_depthwise.h"
#include "ops/kernels/vec_act.h"
#include "runtime/core/shape.h"

/* The widest vector's floats, times the largest stride the vector loop
 * takes: how far past the copy's last row its loads reach. */
#define PAD_SLACK 32

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

/* The padded copy's rows and columns: the input the windows cover, from
 * the first pad row and column on. */
static int64_t padded_rows(const oc_window *w)
{
    return (w->out[0] - 1) * w->strides[0] +
           (w->kernel[0] - 1) * w->dilations[0] + 1;
}
static int64_t padded_cols(const oc_window *w)
{
    return (w->out[1] - 1) * w->strides[1] +
           (w->kernel[1] - 1) * w->dilations[1] + 1;
}

#ifdef OC_HAVE_VEC_ACT
#define HAVE_X86_VEC 1

/* The plane a vector of VW output columns by up to four output rows at a
 * time, from the padded copy xp (pw floats a row): NAME the function, TGT
 * its target, VF the vector type, P the intrinsics' prefix, LOADN(q, n)
 * and STOREN(p, v, n) the first n floats (0 < n <= VW; the rest 0, left
 * alone), EVEN(a,
 * b) the even-indexed floats of a then b. Four rows are four chains of
 * FMAs (one would wait on each FMA's latency, 4 cycles, 9 times for a
 * 3x3 window) sharing each tap's weight. A part-vector at a row's end
 * loads whole vectors all the same: the lanes past it read the next row,
 * or the zeroed slack after the last, and are not stored. ACT(v, act,
 * slope) applies the fused activation on the store. */
#define DEPTHWISE_2D(NAME, TGT, VF, VW, P, LOADN, STOREN, EVEN, ACT)           \
    /* Output rows [oy, oy + rows) x columns [ox, ox + VW) (or to ow), at     \
     * stride sx, of a kh x kw window; rows, sx and (for 3x3) kh and kw      \
     * constants once inlined. */                                              \
    TGT static inline __attribute__((always_inline)) void NAME##_block(        \
        int rows, int sx, int64_t kh, int64_t kw, const oc_window *w,          \
        const float *xp, int64_t pw, const float *wt, float bias, int act,     \
        VF slope, int64_t oy, int64_t ox, float *y)                            \
    {                                                                          \
        int64_t ow = w->out[1], sy = w->strides[0];                            \
        int64_t dy = w->dilations[0], dx = w->dilations[1];                    \
        int64_t n = ow - ox < VW ? ow - ox : VW;                               \
        VF acc[4];                                                             \
        for (int r = 0; r < rows; r++)                                         \
            acc[r] = P##set1_ps(bias);                                         \
        for (int64_t ky = 0; ky < kh; ky++)                                    \
            for (int64_t kx = 0; kx < kw; kx++) {                              \
                VF k = P##set1_ps(wt[ky * kw + kx]);                           \
                /* at stride 2, column 2 ox + kx dx of the row's even     \
                 * or odd half (split_copy) */                                 \
                int64_t c = sx == 1 ? ox + kx * dx                             \
                                    : ((kx * dx) & 1) * ((pw + 1) / 2) + ox +  \
                                          ((kx * dx) >> 1);                    \
                const float *q = xp + (oy * sy + ky * dy) * pw + c;            \
                for (int r = 0; r < rows; r++)                                 \
                    acc[r] = P##fmadd_ps(k, P##loadu_ps(q + r * sy * pw),      \
                                         acc[r]);                              \
            }                                                                  \
        for (int r = 0; r < rows; r++)                                         \
            STOREN(y + (oy + r) * ow + ox, ACT(acc[r], act, slope), n);        \
    }                                                                          \
    /* dst[0, n) = src[0, n): the copy into the padded plane (libc's      \
     * memcpy, called per row of 7 or 14 floats, took as long as the     \
     * window sums). */                                                    \
    TGT static void NAME##_copy(float *dst, const float *src, int64_t n)      \
    {                                                                          \
        int64_t j = 0;                                                         \
        for (; j + VW <= n; j += VW)                                           \
            P##storeu_ps(dst + j, P##loadu_ps(src + j));                       \
        if (j < n)                                                             \
            STOREN(dst + j, LOADN(src + j, n - j), n - j);                     \
    }                                                                          \
    /* dst[0, m) = src[0], src[2], ..., src[2 (m - 1)]: a row's even or     \
     * odd columns, for stride 2 (taking the even lanes of two loads at     \
     * each tap, 9 times over for a 3x3 window, cost twice the time of     \
     * stride 1). */                                                       \
    TGT static void NAME##_split(float *dst, const float *src, int64_t m,     \
                                 int64_t avail)                                \
    {                                                                          \
        int64_t i = 0;                                                         \
        /* whole loads while the avail floats at src hold them */           \
        for (; i + VW <= m && 2 * i + 2 * VW <= avail; i += VW)                \
            P##storeu_ps(dst + i, EVEN(P##loadu_ps(src + 2 * i),              \
                                       P##loadu_ps(src + 2 * i + VW)));       \
        for (; i < m; i += VW) {                                               \
            /* 2 n - 1 floats make n */                                      \
            int64_t n = m - i < VW ? m - i : VW, rest = 2 * n - 1;             \
            VF a = LOADN(src + 2 * i, rest < VW ? rest : VW);                  \
            VF b = LOADN(src + 2 * i + VW, rest > VW ? rest - VW : 0);         \
            STOREN(dst + i, EVEN(a, b), n);                                    \
        }                                                                      \
    }                                                                          \
    TGT static void NAME(const oc_window *w, const float *xp,                  \
                         const float *wt, float bias, int act,                 \
                         float act_alpha, float *y)                            \
    {                                                                          \
        VF slope = P##set1_ps(act_alpha);                                      \
        int64_t oh = w->out[0], ow = w->out[1], pw = padded_cols(w);           \
        int64_t kh = w->kernel[0], kw = w->kernel[1];                          \
        int sx = (int)w->strides[1];                                           \
        bool k3 = kh == 3 && kw == 3;                                          \
        for (int64_t oy = 0; oy < oh; oy += 4)                                 \
            for (int64_t ox = 0; ox < ow; ox += VW) {                          \
                int rows = oh - oy < 4 ? (int)(oh - oy) : 4;                   \
                switch ((rows * 2 + sx - 1) * 2 + k3) {                        \
                DEPTHWISE_CASES(NAME, 1) DEPTHWISE_CASES(NAME, 2)              \
                DEPTHWISE_CASES(NAME, 3) DEPTHWISE_CASES(NAME, 4)              \
                }                                                              \
            }                                                                  \
    }
#define DEPTHWISE_CASE(NAME, rows, sx, k3, kh, kw)                             \
    case ((rows) * 2 + (sx) - 1) * 2 + (k3):                                   \
        NAME##_block(rows, sx, kh, kw, w, xp, pw, wt, bias, act, slope, oy,    \
                     ox, y);                                                   \
        break;
#define DEPTHWISE_CASES(NAME, rows)                                            \
    DEPTHWISE_CASE(NAME, rows, 1, 0, kh, kw)                                   \
    DEPTHWISE_CASE(NAME, rows, 1, 1, 3, 3)                                     \
    DEPTHWISE_CASE(NAME, rows, 2, 0, kh, kw)                                   \
    DEPTHWISE_CASE(NAME, rows, 2, 1, 3, 3)

#define TGT_AVX2 __attribute__((target("avx2,fma")))
#define TGT_AVX512 __attribute__((target("avx512f")))

/* The first n floats, 0 <= n < 4, of q (the rest 0) or into p: AVX2's
 * masked loads and stores (vmaskmovps) are slow on AMD's cores, where
 * they took a third of the time on 7x7 planes. */
TGT_AVX2 static inline __m128 loadn_128(const float *q, int64_t n)
{
    if (n == 0)
        return _mm_setzero_ps();
    if (n == 1)
        return _mm_load_ss(q);
    /* loadl_epi64: an unaligned 8-byte load (gcc's _mm_load_sd reads
     * through a double pointer, which must be 8-byte aligned) */
    __m128 two = _mm_castsi128_ps(_mm_loadl_epi64((const __m128i *)q));
    return n == 2 ? two : _mm_movelh_ps(two, _mm_load_ss(q + 2));
}
TGT_AVX2 static inline void storen_128(float *p, __m128 v, int64_t n)
{
    if (n >= 2) {
        _mm_storel_epi64((__m128i *)p, _mm_castps_si128(v));
        v = _mm_movehl_ps(v, v);
        p += 2;
        n -= 2;
    }
    if (n)
        _mm_store_ss(p, v);
}
TGT_AVX2 static inline __m256 loadn_256(const float *q, int64_t n)
{
    if (n == 8)
        return _mm256_loadu_ps(q);
    if (n < 4)
        return _mm256_castps128_ps256(loadn_128(q, n));
    return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(q)),
                                loadn_128(q + 4, n - 4), 1);
}
TGT_AVX2 static inline void storen_256(float *p, __m256 v, int64_t n)
{
    if (n == 8) {
        _mm256_storeu_ps(p, v);
        return;
    }
    __m128 part = _mm256_castps256_ps128(v);
    if (n >= 4) {
        _mm_storeu_ps(p, part);
        part = _mm256_extractf128_ps(v, 1);
        p += 4;
        n -= 4;
    }
    if (n == 4)
        _mm_storeu_ps(p, part);
    else
        storen_128(p, part, n);
}
/* shuffle the even lanes within 128-bit halves, then order the pairs */
TGT_AVX2 static inline __m256 even_256(__m256 a, __m256 b)
{
    __m256 e = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
    return _mm256_castpd_ps(
        _mm256_permute4x64_pd(_mm256_castps_pd(e), _MM_SHUFFLE(3, 1, 2, 0)));
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
             storen_256, even_256, oc_act256)
DEPTHWISE_2D(plane_2d_avx512, TGT_AVX512, __m512, 16, _mm512_, loadn_512,
             storen_512, even_512, oc_act512)
#endif

/* Whether the vector loop takes w (and so reads a padded copy). */
static bool vector_loop(vec_isa isa, const oc_window *w)
{
#ifdef HAVE_X86_VEC
    return isa != VEC_SCALAR && w->dims == 2 &&
           (w->strides[1] == 1 || w->strides[1] == 2);
#else
    (void)isa;
    (void)w;
    return false;
#endif
}

static void copy_row(vec_isa isa, float *dst, const float *src, int64_t n)
{
#ifdef HAVE_X86_VEC
    if (isa == VEC_AVX512)
        plane_2d_avx512_copy(dst, src, n);
    else
        plane_2d_avx2_copy(dst, src, n);
#else
    (void)isa;
    memcpy(dst, src, (size_t)n * sizeof *dst);
#endif
}

/* dst[i] = src[2 i] for i < m, src holding avail floats (>= 2 m - 1). */
static void split_row(vec_isa isa, float *dst, const float *src, int64_t m,
                      int64_t avail)
{
#ifdef HAVE_X86_VEC
    if (isa == VEC_AVX512)
        plane_2d_avx512_split(dst, src, m, avail);
    else
        plane_2d_avx2_split(dst, src, m, avail);
#else
    (void)isa;
    (void)avail;
    for (int64_t i = 0; i < m; i++)
        dst[i] = src[2 * i];
#endif
}

bool oc_conv_depthwise_scratch_floats(vec_isa isa, const oc_window *w,
                                      size_t *floats)
{
    *floats = 0;
    if (!vector_loop(isa, w))
        return true;
    size_t n;
    if (!oc_size_mul((size_t)padded_rows(w), (size_t)padded_cols(w), &n) ||
        n > SIZE_MAX / sizeof(float) - PAD_SLACK)
        return false;
    *floats = n + PAD_SLACK;
    return true;
}

void oc_conv_depthwise_clear(vec_isa isa, const oc_window *w, float *padded)
{
    size_t floats;
    if (oc_conv_depthwise_scratch_floats(isa, w, &floats))
        memset(padded, 0, floats * sizeof *padded);
}

void oc_conv_depthwise_pad_f32(vec_isa isa, const oc_window *w,
                               const float *x, float *padded)
{
    if (!vector_loop(isa, w))
        return;
    int64_t ph = padded_rows(w), pw = padded_cols(w);
    int64_t ih = w->in[0], iw = w->in[1];
    int64_t pt = w->pad_begin[0], pl = w->pad_begin[1];
    /* the input rows and columns the copy holds (the windows may stop
     * short of the input's end) */
    int64_t rows = ih < ph - pt ? ih : ph - pt;
    int64_t cols = iw < pw - pl ? iw : pw - pl;
    for (int64_t iy = 0; iy < rows && cols > 0; iy++) {
        float *row = padded + (iy + pt) * pw;
        const float *in = x + iy * iw;
        if (w->strides[1] == 1) {
            copy_row(isa, row + pl, in, cols);
            continue;
        }
        /* stride 2: padded column c at (c & 1) * half + c / 2; input
         * column j at c = pl + j */
        int64_t half = (pw + 1) / 2;
        for (int64_t phase = 0; phase < 2; phase++) {
            int64_t j0 = (phase + pl) & 1;
            if (j0 < cols)
                split_row(isa, row + phase * half + (pl + j0) / 2, in + j0,
                          (cols - j0 + 1) / 2, iw - j0);
        }
    }
}

void oc_conv_depthwise_plane_f32(vec_isa isa, const oc_window *w,
                                 const float *x, const float *weights,
                                 float bias, int act, float act_alpha,
                                 float *y)
{
    size_t n = oc_conv_out_size(w);
#ifdef HAVE_X86_VEC
    if (vector_loop(isa, w)) {
        if (isa == VEC_AVX512)
            plane_2d_avx512(w, x, weights, bias, act, act_alpha, y);
        else
            plane_2d_avx2(w, x, weights, bias, act, act_alpha, y);
        return;
    }
#endif
    if (w->dims == 2) {
        plane_2d(w, x, weights, bias, y);
    } else {
        size_t taps = oc_conv_kernel_size(w);
        for (size_t j = 0; j < n; j++)
            y[j] = bias;
        for (size_t r = 0; r < taps; r++)
            oc_conv_axpy_f32(w, x, r, weights[r], y);
    }
    oc_gemm_f32_activate(y, n, act, act_alpha);
}
