/*
 * gemm_tiles.c - the micro-kernels: an MR x NR tile of Y += Ap * Bp with
 * the accumulators in registers, and the activation on the final store;
 * and the narrow path's kernels: whole rows of a narrow Y (N <= 16), one
 * SIMD vector per row, Y(i, :) = sum over l of A'(i, l) * B'(l, :), eight
 * rows at a time so that eight independent FMA chains fill the pipes.
 *
 * The SIMD kernels are compiled for their instruction sets with target
 * attributes and chosen at run time from the CPU's features, so one binary
 * runs everywhere. The portable kernel is plain C.
 */
#include <stdlib.h>
#include <string.h>

#include "ops/kernels/cpu_features.h"
#include "ops/kernels/gemm_kernel.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_X86_KERNELS 1
#endif

/* ------------------------------------------------------------ portable */

#define PORTABLE_MR 4
#define PORTABLE_NR 8

static void tile_portable(size_t kc, size_t rows, const float *ap,
                          size_t lda, size_t astep, const float *bp, float *t,
                          size_t ldt, float alpha, bool accumulate, int act,
                          float act_alpha)
{
    float acc[PORTABLE_MR][PORTABLE_NR] = {{0}};
    for (size_t l = 0; l < kc; l++, ap += astep, bp += PORTABLE_NR)
        for (size_t i = 0; i < rows; i++)
            for (int j = 0; j < PORTABLE_NR; j++)
                acc[i][j] += ap[i * lda] * bp[j];
    for (size_t i = 0; i < rows; i++) {
        float *row = t + i * ldt;
        for (int j = 0; j < PORTABLE_NR; j++)
            row[j] = accumulate ? row[j] + alpha * acc[i][j] : alpha * acc[i][j];
        oc_gemm_f32_activate(row, PORTABLE_NR, act, act_alpha);
    }
}

/* Rows of the narrow path's SIMD kernels computed at once: eight
 * independent FMA chains, enough to fill two FMA pipes of latency 4. */
#define NARROW_ROWS 8

/* How the C term reaches a row of the narrow path. */
enum {
    NARROW_C_NONE,  /* no C, or beta == 0 */
    NARROW_C_SAME,  /* the same for every row: beta * C computed once */
    NARROW_C_ROW,   /* C(i, j0 ..): a row per row of Y */
    NARROW_C_COL,   /* C(i, 0): one value per row ([M, 1]) */
};

static int narrow_c_mode(const gemm_f32_problem *p)
{
    if (!p->c || p->beta == 0)  /* beta == 0 ignores C, NaN included */
        return NARROW_C_NONE;
    if (p->c_rs == 0)
        return NARROW_C_SAME;
    return p->c_cs ? NARROW_C_ROW : NARROW_C_COL;
}

/* Plain C: four rows of eight columns, the sums in the definition's
 * order (+0, then each product added), as the reference. */
static void narrow_portable(const gemm_narrow_block *blk, size_t i0, size_t i1)
{
    const gemm_f32_problem *p = blk->p;
    size_t k = p->k, n = p->n, nb = blk->nb, j0 = blk->j0;
    size_t a_i = p->trans_a ? 1 : k, a_l = p->trans_a ? p->m : 1;
    bool has_c = narrow_c_mode(p) != NARROW_C_NONE;
    for (size_t i = i0; i < i1; i += PORTABLE_MR) {
        float acc[PORTABLE_MR][PORTABLE_NR] = {{0}};
        const float *ar[PORTABLE_MR];
        for (size_t r = 0; r < PORTABLE_MR; r++)
            ar[r] = p->a + (i + r < i1 ? i + r : i1 - 1) * a_i;
        const float *b = blk->bp;
        for (size_t l = 0; l < k; l++, b += blk->ldb)
            for (int r = 0; r < PORTABLE_MR; r++) {
                float a = ar[r][l * a_l];
                for (int j = 0; j < PORTABLE_NR; j++)
                    acc[r][j] += a * b[j];
            }
        for (size_t r = 0; r < PORTABLE_MR && i + r < i1; r++) {
            float *y = p->y + (i + r) * n + j0;
            const float *c = has_c ? p->c + (i + r) * p->c_rs + j0 * p->c_cs
                                   : NULL;
            for (size_t j = 0; j < nb; j++) {
                float v = p->alpha * acc[r][j];
                if (c)
                    v += p->beta * c[j * p->c_cs];
                y[j] = v;
            }
            oc_gemm_f32_activate(y, nb, p->act, p->act_alpha);
        }
    }
}

/* The row path in plain C: a row at a time over each panel (8 KB at
 * most, which stays in L1 for the next row), the sums in order of l. */
static void rows_portable(size_t m, size_t kc, const float *a, size_t a_i,
                          size_t a_l, const float *bp, size_t ldb,
                          size_t pstride, size_t panels, float *y, size_t ldy,
                          bool accumulate)
{
    for (size_t q = 0; q < panels; q++, bp += pstride, y += PORTABLE_NR)
        for (size_t i = 0; i < m; i++) {
            float acc[PORTABLE_NR], *row = y + i * ldy;
            for (int j = 0; j < PORTABLE_NR; j++)
                acc[j] = accumulate ? row[j] : 0;
            for (size_t l = 0; l < kc; l++) {
                float ai = a[i * a_i + l * a_l];
                for (int j = 0; j < PORTABLE_NR; j++)
                    acc[j] += ai * bp[l * ldb + j];
            }
            for (int j = 0; j < PORTABLE_NR; j++)
                row[j] = acc[j];
        }
}

static const gemm_kernel kernel_portable = {
    .name = "portable", .mr = PORTABLE_MR, .nr = PORTABLE_NR,
    .tile = tile_portable, .narrow = narrow_portable,
    .narrow_width = PORTABLE_NR, .rows = rows_portable};

const gemm_kernel *oc_gemm_f32_kernel_portable(void)
{
    return &kernel_portable;
}

#ifdef HAVE_X86_KERNELS

/* ------------------------------------------------------------- AVX-512 */

/* Asks for the tile's rows of Y (bytes per row) before the sums start,
 * when they will be added to: Y is the one operand the blocking leaves in
 * memory, and its loads came after the last step, with nothing left to
 * hide their latency (at K = 1024 and 2048, with two blocks of K or more,
 * the prefetch made the product 3% faster). */
static inline __attribute__((always_inline)) void
prefetch_tile(const float *t, size_t ldt, int m, size_t bytes)
{
    for (int i = 0; i < m; i++)
        for (size_t b = 0; b < bytes; b += 64)
            _mm_prefetch((const char *)(t + (size_t)i * ldt) + b, _MM_HINT_T0);
}

/* 14 x 32: 28 zmm accumulators, 2 for B, 1 for the broadcast of A. */
#define AVX512_MR 14
#define AVX512_NR 32

__attribute__((target("avx512f")))
static __m512 act512(__m512 v, int act, __m512 slope)
{
    __m512 zero = _mm512_setzero_ps();
    if (act == GEMM_ACT_RELU) {
        /* Only lanes below zero: NaN and -0 stay, as in ops/relu.c. */
        __mmask16 neg = _mm512_cmp_ps_mask(v, zero, _CMP_LT_OQ);
        return _mm512_mask_mov_ps(v, neg, zero);
    }
    if (act == GEMM_ACT_LEAKY_RELU) {
        __mmask16 neg = _mm512_cmp_ps_mask(v, zero, _CMP_LT_OQ);
        return _mm512_mask_mul_ps(v, neg, v, slope);
    }
    return v;
}

/* The sums of rows [0, m) of the tile (m a constant once inlined),
 * A'(i, l) at ap[i * lda + l * astep]: with lda == 1 (a packed panel)
 * the values of a step are contiguous; with astep == 1 (A as stored)
 * they are rows apart, and one pointer per three rows reaches them by a
 * scaled index, which x86 addresses without arithmetic. */
__attribute__((target("avx512f"))) static inline
    __attribute__((always_inline)) void
    tile_avx512_sums(int m, bool rows_apart, size_t kc, const float *ap,
                     size_t lda, size_t astep, const float *bp,
                     __m512 acc[][2])
{
    const float *r[5];
    for (int q = 0; q < (m + 2) / 3; q++)
        r[q] = ap + (size_t)(3 * q) * lda;
    for (size_t l = 0; l < kc; l++, bp += AVX512_NR) {
        __m512 b0 = _mm512_load_ps(bp), b1 = _mm512_load_ps(bp + 16);
#pragma GCC unroll 14
        for (int i = 0; i < m; i++) {
            __m512 a = _mm512_set1_ps(rows_apart ? r[i / 3][(size_t)(i % 3) * lda]
                                                 : ap[i]);
            acc[i][0] = _mm512_fmadd_ps(a, b0, acc[i][0]);
            acc[i][1] = _mm512_fmadd_ps(a, b1, acc[i][1]);
        }
        if (rows_apart)
            for (int q = 0; q < (m + 2) / 3; q++)
                r[q]++;
        else
            ap += astep;
    }
}

/* Rows [0, m) of the tile, m a constant once inlined. */
__attribute__((target("avx512f"))) static inline
    __attribute__((always_inline)) void
    tile_avx512_rows(int m, size_t kc, const float *ap, size_t lda,
                     size_t astep, const float *bp, float *t, size_t ldt,
                     float alpha, bool accumulate, int act, float act_alpha)
{
    __m512 acc[AVX512_MR][2];
    if (accumulate)
        prefetch_tile(t, ldt, m, AVX512_NR * sizeof(float));
    for (int i = 0; i < m; i++)
        acc[i][0] = acc[i][1] = _mm512_setzero_ps();
    if (lda == 1)
        tile_avx512_sums(m, false, kc, ap, 1, astep, bp, acc);
    else
        tile_avx512_sums(m, true, kc, ap, lda, 1, bp, acc);
    __m512 slope = _mm512_set1_ps(act_alpha), va = _mm512_set1_ps(alpha);
    for (int i = 0; i < m; i++) {
        float *row = t + (size_t)i * ldt;
        __m512 y0 = _mm512_mul_ps(va, acc[i][0]);
        __m512 y1 = _mm512_mul_ps(va, acc[i][1]);
        if (accumulate) {
            y0 = _mm512_add_ps(_mm512_loadu_ps(row), y0);
            y1 = _mm512_add_ps(_mm512_loadu_ps(row + 16), y1);
        }
        _mm512_storeu_ps(row, act512(y0, act, slope));
        _mm512_storeu_ps(row + 16, act512(y1, act, slope));
    }
}

/* A tile of `rows` rows: a kernel of its own for each count, so that M's
 * edge costs its rows only (256 = 18 x 14 + 4 computed 10 rows for
 * nothing). */
__attribute__((target("avx512f")))
static void tile_avx512(size_t kc, size_t rows, const float *ap, size_t lda,
                        size_t astep, const float *bp, float *t, size_t ldt,
                        float alpha, bool accumulate, int act,
                        float act_alpha)
{
#define TILE_AVX512(m)                                                  \
    case m:                                                             \
        tile_avx512_rows(m, kc, ap, lda, astep, bp, t, ldt, alpha,      \
                         accumulate, act, act_alpha);                   \
        break;
    switch (rows) {
        TILE_AVX512(1) TILE_AVX512(2) TILE_AVX512(3) TILE_AVX512(4)
        TILE_AVX512(5) TILE_AVX512(6) TILE_AVX512(7) TILE_AVX512(8)
        TILE_AVX512(9) TILE_AVX512(10) TILE_AVX512(11) TILE_AVX512(12)
        TILE_AVX512(13) TILE_AVX512(14)
    }
#undef TILE_AVX512
}

/* The narrow path (gemm_narrow_simd.h): up to 8 columns in a ymm (on
 * CPUs that split zmm operations in two, twice the rate of a masked zmm),
 * with AVX-512VL's masks at the row's edge; 9 to 16 in a zmm. */
#define NS(name) narrow_avx512_8_##name
#define NS_TARGET __attribute__((target("avx512f,avx512vl,avx2,fma")))
#define NS_WIDTH 8
#define NS_PLAIN_STORES 0
#define ns_vec __m256
#define ns_mask __mmask8
#define ns_first(nb) ((__mmask8)((1u << (nb)) - 1))
#define ns_zero() _mm256_setzero_ps()
#define ns_set1(x) _mm256_set1_ps(x)
#define ns_loadu(p) _mm256_loadu_ps(p)
#define ns_storeu(p, v) _mm256_storeu_ps(p, v)
#define ns_fmadd(a, b, c) _mm256_fmadd_ps(a, b, c)
#define ns_mul(a, b) _mm256_mul_ps(a, b)
#define ns_add(a, b) _mm256_add_ps(a, b)
#define ns_max(a, b) _mm256_max_ps(a, b)
#define ns_load_first(p, m) _mm256_maskz_loadu_ps(m, p)
#define ns_store_first(p, m, v) _mm256_mask_storeu_ps(p, m, v)
#define ns_leaky(v, zero, slope) \
    _mm256_mask_mul_ps(v, _mm256_cmp_ps_mask(v, zero, _CMP_LT_OQ), v, slope)
#include "ops/kernels/gemm_narrow_simd.h"

#define NS(name) narrow_avx512_16_##name
#define NS_TARGET __attribute__((target("avx512f,fma")))
#define NS_WIDTH 16
#define NS_PLAIN_STORES 0
#define ns_vec __m512
#define ns_mask __mmask16
#define ns_first(nb) ((__mmask16)((1u << (nb)) - 1))
#define ns_zero() _mm512_setzero_ps()
#define ns_set1(x) _mm512_set1_ps(x)
#define ns_loadu(p) _mm512_loadu_ps(p)
#define ns_storeu(p, v) _mm512_storeu_ps(p, v)
#define ns_fmadd(a, b, c) _mm512_fmadd_ps(a, b, c)
#define ns_mul(a, b) _mm512_mul_ps(a, b)
#define ns_add(a, b) _mm512_add_ps(a, b)
#define ns_max(a, b) _mm512_max_ps(a, b)
#define ns_load_first(p, m) _mm512_maskz_loadu_ps(m, p)
#define ns_store_first(p, m, v) _mm512_mask_storeu_ps(p, m, v)
#define ns_leaky(v, zero, slope) \
    _mm512_mask_mul_ps(v, _mm512_cmp_ps_mask(v, zero, _CMP_LT_OQ), v, slope)
#include "ops/kernels/gemm_narrow_simd.h"

__attribute__((target("avx512f,avx512vl,avx2,fma")))
static void narrow_avx512(const gemm_narrow_block *blk, size_t i0, size_t i1)
{
    if (blk->nb <= 8)
        narrow_avx512_8_kernel(blk, i0, i1);
    else
        narrow_avx512_16_kernel(blk, i0, i1);
}

/* The row path: m rows of np panels at once (both constants once
 * inlined), two zmm of sums per row and panel; B read once for all the
 * rows, A's values broadcast from cache. */
__attribute__((target("avx512f"))) static inline
    __attribute__((always_inline)) void
    rows_avx512_step(int m, int np, size_t kc, const float *a, size_t a_i,
                     size_t a_l, const float *bp, size_t ldb, size_t pstride,
                     float *y, size_t ldy, bool accumulate)
{
    __m512 acc[2][GEMM_ROWS_MAX_M][2];
    for (int q = 0; q < np; q++)
        for (int i = 0; i < m; i++)
            for (int h = 0; h < 2; h++)
                acc[q][i][h] =
                    accumulate
                        ? _mm512_loadu_ps(y + q * AVX512_NR + i * ldy + h * 16)
                        : _mm512_setzero_ps();
    for (size_t l = 0; l < kc; l++, bp += ldb, a += a_l) {
        __m512 b[2][2];
        for (int q = 0; q < np; q++)
            for (int h = 0; h < 2; h++)
                b[q][h] = _mm512_loadu_ps(bp + q * pstride + h * 16);
        for (int i = 0; i < m; i++) {
            __m512 ai = _mm512_set1_ps(a[(size_t)i * a_i]);
            for (int q = 0; q < np; q++)
                for (int h = 0; h < 2; h++)
                    acc[q][i][h] = _mm512_fmadd_ps(ai, b[q][h], acc[q][i][h]);
        }
    }
    for (int q = 0; q < np; q++)
        for (int i = 0; i < m; i++)
            for (int h = 0; h < 2; h++)
                _mm512_storeu_ps(y + q * AVX512_NR + i * ldy + h * 16,
                                 acc[q][i][h]);
}

/* One or two rows take two panels at a time: with one panel, their two
 * or four chains of dependent FMAs (4 cycles each) would keep the FMA
 * unit waiting when B comes from cache. */
__attribute__((target("avx512f")))
static void rows_avx512(size_t m, size_t kc, const float *a, size_t a_i,
                        size_t a_l, const float *bp, size_t ldb,
                        size_t pstride, size_t panels, float *y, size_t ldy,
                        bool accumulate)
{
    size_t q = 0;
    for (; m <= 2 && q + 2 <= panels; q += 2, bp += 2 * pstride,
                                      y += 2 * AVX512_NR) {
        if (m == 1)
            rows_avx512_step(1, 2, kc, a, a_i, a_l, bp, ldb, pstride, y, ldy,
                             accumulate);
        else
            rows_avx512_step(2, 2, kc, a, a_i, a_l, bp, ldb, pstride, y, ldy,
                             accumulate);
    }
    for (; q < panels; q++, bp += pstride, y += AVX512_NR) {
        if (m == 1)
            rows_avx512_step(1, 1, kc, a, a_i, a_l, bp, ldb, 0, y, ldy,
                             accumulate);
        else if (m == 2)
            rows_avx512_step(2, 1, kc, a, a_i, a_l, bp, ldb, 0, y, ldy,
                             accumulate);
        else if (m == 3)
            rows_avx512_step(3, 1, kc, a, a_i, a_l, bp, ldb, 0, y, ldy,
                             accumulate);
        else
            rows_avx512_step(4, 1, kc, a, a_i, a_l, bp, ldb, 0, y, ldy,
                             accumulate);
    }
}

static void narrow_avx2(const gemm_narrow_block *blk, size_t i0, size_t i1);
static void rows_avx2(size_t m, size_t kc, const float *a, size_t a_i,
                      size_t a_l, const float *bp, size_t ldb, size_t pstride,
                      size_t panels, float *y, size_t ldy, bool accumulate);

static const gemm_kernel kernel_avx512 = {
    .name = "avx512", .mr = AVX512_MR, .nr = AVX512_NR, .tile = tile_avx512,
    .narrow = narrow_avx512, .narrow_width = 16, .rows = rows_avx512};
/* AVX-512 without VL (Xeon Phi): the AVX2 narrow kernel. */
static const gemm_kernel kernel_avx512_novl = {
    .name = "avx512", .mr = AVX512_MR, .nr = AVX512_NR, .tile = tile_avx512,
    .narrow = narrow_avx2, .narrow_width = 8, .rows = rows_avx512};

/* ---------------------------------------------------------- AVX2 + FMA */

/* 6 x 16: 12 ymm accumulators, 2 for B, 1 for the broadcast of A. */
#define AVX2_MR 6
#define AVX2_NR 16

__attribute__((target("avx2,fma")))
static __m256 act256(__m256 v, int act, __m256 slope)
{
    __m256 zero = _mm256_setzero_ps();
    if (act == GEMM_ACT_RELU) {
        __m256 neg = _mm256_cmp_ps(v, zero, _CMP_LT_OQ);
        return _mm256_blendv_ps(v, zero, neg);
    }
    if (act == GEMM_ACT_LEAKY_RELU) {
        __m256 neg = _mm256_cmp_ps(v, zero, _CMP_LT_OQ);
        return _mm256_blendv_ps(v, _mm256_mul_ps(v, slope), neg);
    }
    return v;
}

/* As tile_avx512_sums: up to six rows, a pointer per three. */
__attribute__((target("avx2,fma"))) static inline
    __attribute__((always_inline)) void
    tile_avx2_sums(int m, bool rows_apart, size_t kc, const float *ap,
                   size_t lda, size_t astep, const float *bp, __m256 acc[][2])
{
    const float *r[2];
    for (int q = 0; q < (m + 2) / 3; q++)
        r[q] = ap + (size_t)(3 * q) * lda;
    for (size_t l = 0; l < kc; l++, bp += AVX2_NR) {
        __m256 b0 = _mm256_load_ps(bp), b1 = _mm256_load_ps(bp + 8);
#pragma GCC unroll 6
        for (int i = 0; i < m; i++) {
            __m256 a = _mm256_set1_ps(rows_apart ? r[i / 3][(size_t)(i % 3) * lda]
                                                  : ap[i]);
            acc[i][0] = _mm256_fmadd_ps(a, b0, acc[i][0]);
            acc[i][1] = _mm256_fmadd_ps(a, b1, acc[i][1]);
        }
        if (rows_apart)
            for (int q = 0; q < (m + 2) / 3; q++)
                r[q]++;
        else
            ap += astep;
    }
}

/* As tile_avx512_rows. */
__attribute__((target("avx2,fma"))) static inline
    __attribute__((always_inline)) void
    tile_avx2_rows(int m, size_t kc, const float *ap, size_t lda,
                   size_t astep, const float *bp, float *t, size_t ldt,
                   float alpha, bool accumulate, int act, float act_alpha)
{
    __m256 acc[AVX2_MR][2];
    if (accumulate)
        prefetch_tile(t, ldt, m, AVX2_NR * sizeof(float));
    for (int i = 0; i < m; i++)
        acc[i][0] = acc[i][1] = _mm256_setzero_ps();
    if (lda == 1)
        tile_avx2_sums(m, false, kc, ap, 1, astep, bp, acc);
    else
        tile_avx2_sums(m, true, kc, ap, lda, 1, bp, acc);
    __m256 slope = _mm256_set1_ps(act_alpha), va = _mm256_set1_ps(alpha);
    for (int i = 0; i < m; i++) {
        float *row = t + (size_t)i * ldt;
        __m256 y0 = _mm256_mul_ps(va, acc[i][0]);
        __m256 y1 = _mm256_mul_ps(va, acc[i][1]);
        if (accumulate) {
            y0 = _mm256_add_ps(_mm256_loadu_ps(row), y0);
            y1 = _mm256_add_ps(_mm256_loadu_ps(row + 8), y1);
        }
        _mm256_storeu_ps(row, act256(y0, act, slope));
        _mm256_storeu_ps(row + 8, act256(y1, act, slope));
    }
}

/* As tile_avx512: a kernel per row count. */
__attribute__((target("avx2,fma")))
static void tile_avx2(size_t kc, size_t rows, const float *ap, size_t lda,
                      size_t astep, const float *bp, float *t, size_t ldt,
                      float alpha, bool accumulate, int act, float act_alpha)
{
#define TILE_AVX2(m)                                                    \
    case m:                                                             \
        tile_avx2_rows(m, kc, ap, lda, astep, bp, t, ldt, alpha,        \
                       accumulate, act, act_alpha);                     \
        break;
    switch (rows) {
        TILE_AVX2(1) TILE_AVX2(2) TILE_AVX2(3) TILE_AVX2(4) TILE_AVX2(5)
        TILE_AVX2(6)
    }
#undef TILE_AVX2
}

/* The narrow path, up to 8 columns: a ymm per row. AVX2's masked store
 * (vmaskmovps) is slow on AMD's cores: whole rows are stored whole, see
 * NS_PLAIN_STORES. */
#define NS(name) narrow_avx2_##name
#define NS_TARGET __attribute__((target("avx2,fma")))
#define NS_WIDTH 8
#define NS_PLAIN_STORES 1
#define ns_vec __m256
#define ns_mask __m256i
#define ns_first(nb)                                   \
    _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(nb)), \
                       _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7))
#define ns_zero() _mm256_setzero_ps()
#define ns_set1(x) _mm256_set1_ps(x)
#define ns_loadu(p) _mm256_loadu_ps(p)
#define ns_storeu(p, v) _mm256_storeu_ps(p, v)
#define ns_fmadd(a, b, c) _mm256_fmadd_ps(a, b, c)
#define ns_mul(a, b) _mm256_mul_ps(a, b)
#define ns_add(a, b) _mm256_add_ps(a, b)
#define ns_max(a, b) _mm256_max_ps(a, b)
#define ns_load_first(p, m) _mm256_maskload_ps(p, m)
#define ns_store_first(p, m, v) _mm256_maskstore_ps(p, m, v)
#define ns_leaky(v, zero, slope)                                   \
    _mm256_blendv_ps(v, _mm256_mul_ps(v, slope),                   \
                     _mm256_cmp_ps(v, zero, _CMP_LT_OQ))
#include "ops/kernels/gemm_narrow_simd.h"

static void narrow_avx2(const gemm_narrow_block *blk, size_t i0, size_t i1)
{
    narrow_avx2_kernel(blk, i0, i1);
}

/* The row path: as rows_avx512_step, 16-wide panels in two ymm. */
__attribute__((target("avx2,fma"))) static inline
    __attribute__((always_inline)) void
    rows_avx2_step(int m, int np, size_t kc, const float *a, size_t a_i,
                   size_t a_l, const float *bp, size_t ldb, size_t pstride,
                   float *y, size_t ldy, bool accumulate)
{
    __m256 acc[2][GEMM_ROWS_MAX_M][2];
    for (int q = 0; q < np; q++)
        for (int i = 0; i < m; i++)
            for (int h = 0; h < 2; h++)
                acc[q][i][h] =
                    accumulate
                        ? _mm256_loadu_ps(y + q * AVX2_NR + i * ldy + h * 8)
                        : _mm256_setzero_ps();
    for (size_t l = 0; l < kc; l++, bp += ldb, a += a_l) {
        __m256 b[2][2];
        for (int q = 0; q < np; q++)
            for (int h = 0; h < 2; h++)
                b[q][h] = _mm256_loadu_ps(bp + q * pstride + h * 8);
        for (int i = 0; i < m; i++) {
            __m256 ai = _mm256_set1_ps(a[(size_t)i * a_i]);
            for (int q = 0; q < np; q++)
                for (int h = 0; h < 2; h++)
                    acc[q][i][h] = _mm256_fmadd_ps(ai, b[q][h], acc[q][i][h]);
        }
    }
    for (int q = 0; q < np; q++)
        for (int i = 0; i < m; i++)
            for (int h = 0; h < 2; h++)
                _mm256_storeu_ps(y + q * AVX2_NR + i * ldy + h * 8,
                                 acc[q][i][h]);
}

/* As rows_avx512: two panels at a time for one or two rows. */
__attribute__((target("avx2,fma")))
static void rows_avx2(size_t m, size_t kc, const float *a, size_t a_i,
                      size_t a_l, const float *bp, size_t ldb, size_t pstride,
                      size_t panels, float *y, size_t ldy, bool accumulate)
{
    size_t q = 0;
    for (; m <= 2 && q + 2 <= panels; q += 2, bp += 2 * pstride,
                                      y += 2 * AVX2_NR) {
        if (m == 1)
            rows_avx2_step(1, 2, kc, a, a_i, a_l, bp, ldb, pstride, y, ldy,
                           accumulate);
        else
            rows_avx2_step(2, 2, kc, a, a_i, a_l, bp, ldb, pstride, y, ldy,
                           accumulate);
    }
    for (; q < panels; q++, bp += pstride, y += AVX2_NR) {
        if (m == 1)
            rows_avx2_step(1, 1, kc, a, a_i, a_l, bp, ldb, 0, y, ldy,
                           accumulate);
        else if (m == 2)
            rows_avx2_step(2, 1, kc, a, a_i, a_l, bp, ldb, 0, y, ldy,
                           accumulate);
        else if (m == 3)
            rows_avx2_step(3, 1, kc, a, a_i, a_l, bp, ldb, 0, y, ldy,
                           accumulate);
        else
            rows_avx2_step(4, 1, kc, a, a_i, a_l, bp, ldb, 0, y, ldy,
                           accumulate);
    }
}

static const gemm_kernel kernel_avx2 = {
    .name = "avx2", .mr = AVX2_MR, .nr = AVX2_NR, .tile = tile_avx2,
    .narrow = narrow_avx2, .narrow_width = 8, .rows = rows_avx2};

const gemm_kernel *oc_gemm_f32_kernel_avx512(void)
{
    unsigned cpu = oc_cpu_features();
    if (!(cpu & OC_CPU_AVX512F))
        return NULL;
    if (cpu & OC_CPU_AVX512VL)
        return &kernel_avx512;
    return cpu & OC_CPU_AVX2_FMA ? &kernel_avx512_novl : NULL;
}

const gemm_kernel *oc_gemm_f32_kernel_avx2(void)
{
    return oc_cpu_features() & OC_CPU_AVX2_FMA ? &kernel_avx2 : NULL;
}

#else

const gemm_kernel *oc_gemm_f32_kernel_avx512(void) { return NULL; }
const gemm_kernel *oc_gemm_f32_kernel_avx2(void) { return NULL; }

#endif

const gemm_kernel *oc_gemm_f32_select(onnxc_kernels kernels)
{
    const gemm_kernel *k;
    if (kernels == ONNXC_KERNELS_REFERENCE)
        return NULL;
    if (kernels == ONNXC_KERNELS_PORTABLE)
        return &kernel_portable;
    if (kernels != ONNXC_KERNELS_AVX2 && (k = oc_gemm_f32_kernel_avx512()))
        return k;
    if ((k = oc_gemm_f32_kernel_avx2()))
        return k;
    return &kernel_portable;
}
