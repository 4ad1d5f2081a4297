/*
 * gemm_tiles.c - the micro-kernels: an MR x NR tile of Y += Ap * Bp with
 * the accumulators in registers, and the activation on the final store;
 * and the narrow path's kernels: whole rows of a narrow Y (N <= 16), one
 * SIMD vector per row, Y(i, :) = sum over l of A'(i, l) * B'(l, :), eight
 * rows at a time so that eight independent FMA chains fill the pipes.
 *
 * The SIMD kernels are compiled for their instruction sets with target
 * attributes and chosen at run time from the CPU's features, so one binary
 * runs everywhere; each is written once for every vector width
 * (gemm_tile_simd.h, gemm_narrow_simd.h) and instantiated here per
 * instruction set. The portable kernel is plain C.
 */
#include <stdlib.h>
#include <string.h>

#include "ops/kernels/cpu_features.h"
#include "ops/kernels/gemm_kernel.h"
#include "ops/kernels/vec_act.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_X86_KERNELS 1
#endif

/* ------------------------------------------------------------ portable */

#define PORTABLE_MR 4
#define PORTABLE_NR 8

static void tile_portable(size_t kc, size_t rows, const float *ap,
                          size_t lda, size_t astep, const float *bp, float *t,
                          size_t ldt, const gemm_tile_store *st)
{
    float acc[PORTABLE_MR][PORTABLE_NR] = {{0}};
    for (size_t l = 0; l < kc; l++, ap += astep, bp += PORTABLE_NR)
        for (size_t i = 0; i < rows; i++)
            for (int j = 0; j < PORTABLE_NR; j++)
                acc[i][j] += ap[i * lda] * bp[j];
    for (size_t i = 0; i < rows; i++) {
        float *row = t + i * ldt;
        for (int j = 0; j < PORTABLE_NR; j++) {
            float v = st->alpha * acc[i][j];
            if (st->accumulate)
                v = row[j] + v;
            else if (st->row_c)
                v = st->row_c[i] + v;
            row[j] = v;
        }
        oc_gemm_f32_activate(row, PORTABLE_NR, st->act, st->act_alpha);
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

/* The tile and the row path (gemm_tile_simd.h). */
#define TS(name) avx512_##name
#define TS_TARGET __attribute__((target("avx512f")))
#define TS_MR AVX512_MR
#define TS_NR AVX512_NR
#define TS_UNROLL _Pragma("GCC unroll 14")
#define ts_vec __m512
#define ts_zero() _mm512_setzero_ps()
#define ts_set1(x) _mm512_set1_ps(x)
#define ts_load(p) _mm512_load_ps(p)
#define ts_loadu(p) _mm512_loadu_ps(p)
#define ts_storeu(p, v) _mm512_storeu_ps(p, v)
#define ts_fmadd(a, b, c) _mm512_fmadd_ps(a, b, c)
#define ts_mul(a, b) _mm512_mul_ps(a, b)
#define ts_add(a, b) _mm512_add_ps(a, b)
#define ts_act(v, act, slope) oc_act512(v, act, slope)
#include "ops/kernels/gemm_tile_simd.h"

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
#define ns_min(a, b) _mm256_min_ps(a, b)
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
#define ns_min(a, b) _mm512_min_ps(a, b)
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

static void narrow_avx2(const gemm_narrow_block *blk, size_t i0, size_t i1);

static const gemm_kernel kernel_avx512 = {
    .name = "avx512", .mr = AVX512_MR, .nr = AVX512_NR, .tile = avx512_tile,
    .narrow = narrow_avx512, .narrow_width = 16, .rows = avx512_rows};
/* AVX-512 without VL (Xeon Phi): the AVX2 narrow kernel. */
static const gemm_kernel kernel_avx512_novl = {
    .name = "avx512", .mr = AVX512_MR, .nr = AVX512_NR, .tile = avx512_tile,
    .narrow = narrow_avx2, .narrow_width = 8, .rows = avx512_rows};

/* ---------------------------------------------------------- AVX2 + FMA */

/* 6 x 16: 12 ymm accumulators, 2 for B, 1 for the broadcast of A. */
#define AVX2_MR 6
#define AVX2_NR 16

/* The tile and the row path (gemm_tile_simd.h). */
#define TS(name) avx2_##name
#define TS_TARGET __attribute__((target("avx2,fma")))
#define TS_MR AVX2_MR
#define TS_NR AVX2_NR
#define TS_UNROLL _Pragma("GCC unroll 6")
#define ts_vec __m256
#define ts_zero() _mm256_setzero_ps()
#define ts_set1(x) _mm256_set1_ps(x)
#define ts_load(p) _mm256_load_ps(p)
#define ts_loadu(p) _mm256_loadu_ps(p)
#define ts_storeu(p, v) _mm256_storeu_ps(p, v)
#define ts_fmadd(a, b, c) _mm256_fmadd_ps(a, b, c)
#define ts_mul(a, b) _mm256_mul_ps(a, b)
#define ts_add(a, b) _mm256_add_ps(a, b)
#define ts_act(v, act, slope) oc_act256(v, act, slope)
#include "ops/kernels/gemm_tile_simd.h"

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
#define ns_min(a, b) _mm256_min_ps(a, b)
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

static const gemm_kernel kernel_avx2 = {
    .name = "avx2", .mr = AVX2_MR, .nr = AVX2_NR, .tile = avx2_tile,
    .narrow = narrow_avx2, .narrow_width = 8, .rows = avx2_rows};

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
