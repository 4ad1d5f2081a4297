/*
 * gemm_tiles.c - the micro-kernels: an MR x NR tile of Y += Ap * Bp with
 * the accumulators in registers, and the activation on the final store.
 *
 * The SIMD kernels are compiled for their instruction sets with target
 * attributes and chosen at run time from the CPU's features, so one binary
 * runs everywhere. The portable kernel is plain C.
 */
#include <stdlib.h>
#include <string.h>

#include "gemm_kernel.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_X86_KERNELS 1
#endif

/* ------------------------------------------------------------ portable */

#define PORTABLE_MR 4
#define PORTABLE_NR 8

static void tile_portable(size_t kc, const float *ap, const float *bp,
                          float *t, size_t ldt, float alpha, bool accumulate,
                          int act, float act_alpha)
{
    float acc[PORTABLE_MR][PORTABLE_NR] = {{0}};
    for (size_t l = 0; l < kc; l++, ap += PORTABLE_MR, bp += PORTABLE_NR)
        for (int i = 0; i < PORTABLE_MR; i++)
            for (int j = 0; j < PORTABLE_NR; j++)
                acc[i][j] += ap[i] * bp[j];
    for (int i = 0; i < PORTABLE_MR; i++) {
        float *row = t + (size_t)i * ldt;
        for (int j = 0; j < PORTABLE_NR; j++)
            row[j] = accumulate ? row[j] + alpha * acc[i][j] : alpha * acc[i][j];
        gemm_f32_activate(row, PORTABLE_NR, act, act_alpha);
    }
}

static const gemm_kernel kernel_portable = {"portable", PORTABLE_MR,
                                            PORTABLE_NR, tile_portable};

const gemm_kernel *gemm_f32_kernel_portable(void)
{
    return &kernel_portable;
}

#ifdef HAVE_X86_KERNELS

/* ------------------------------------------------------------- AVX-512 */

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

__attribute__((target("avx512f")))
static void tile_avx512(size_t kc, const float *ap, const float *bp, float *t,
                        size_t ldt, float alpha, bool accumulate, int act,
                        float act_alpha)
{
    __m512 acc[AVX512_MR][2];
    for (int i = 0; i < AVX512_MR; i++)
        acc[i][0] = acc[i][1] = _mm512_setzero_ps();
    for (size_t l = 0; l < kc; l++, ap += AVX512_MR, bp += AVX512_NR) {
        __m512 b0 = _mm512_load_ps(bp), b1 = _mm512_load_ps(bp + 16);
#pragma GCC unroll 14
        for (int i = 0; i < AVX512_MR; i++) {
            __m512 a = _mm512_set1_ps(ap[i]);
            acc[i][0] = _mm512_fmadd_ps(a, b0, acc[i][0]);
            acc[i][1] = _mm512_fmadd_ps(a, b1, acc[i][1]);
        }
    }
    __m512 slope = _mm512_set1_ps(act_alpha), va = _mm512_set1_ps(alpha);
    for (int i = 0; i < AVX512_MR; i++) {
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

static const gemm_kernel kernel_avx512 = {"avx512", AVX512_MR, AVX512_NR,
                                          tile_avx512};

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

__attribute__((target("avx2,fma")))
static void tile_avx2(size_t kc, const float *ap, const float *bp, float *t,
                      size_t ldt, float alpha, bool accumulate, int act,
                      float act_alpha)
{
    __m256 acc[AVX2_MR][2];
    for (int i = 0; i < AVX2_MR; i++)
        acc[i][0] = acc[i][1] = _mm256_setzero_ps();
    for (size_t l = 0; l < kc; l++, ap += AVX2_MR, bp += AVX2_NR) {
        __m256 b0 = _mm256_load_ps(bp), b1 = _mm256_load_ps(bp + 8);
#pragma GCC unroll 6
        for (int i = 0; i < AVX2_MR; i++) {
            __m256 a = _mm256_broadcast_ss(ap + i);
            acc[i][0] = _mm256_fmadd_ps(a, b0, acc[i][0]);
            acc[i][1] = _mm256_fmadd_ps(a, b1, acc[i][1]);
        }
    }
    __m256 slope = _mm256_set1_ps(act_alpha), va = _mm256_set1_ps(alpha);
    for (int i = 0; i < AVX2_MR; i++) {
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

static const gemm_kernel kernel_avx2 = {"avx2", AVX2_MR, AVX2_NR, tile_avx2};

const gemm_kernel *gemm_f32_kernel_avx512(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") ? &kernel_avx512 : NULL;
}

const gemm_kernel *gemm_f32_kernel_avx2(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")
               ? &kernel_avx2
               : NULL;
}

#else

const gemm_kernel *gemm_f32_kernel_avx512(void) { return NULL; }
const gemm_kernel *gemm_f32_kernel_avx2(void) { return NULL; }

#endif

const gemm_kernel *gemm_f32_select(void)
{
    /* ONNXC_GEMM forces a kernel, for tests ('CI runs with the fast path
     * off too') and benchmarks; a kernel the CPU lacks falls through. */
    const char *force = getenv("ONNXC_GEMM");
    const gemm_kernel *k;
    if (force && strcmp(force, "reference") == 0)
        return NULL;
    if (force && strcmp(force, "portable") == 0)
        return &kernel_portable;
    if (!(force && strcmp(force, "avx2") == 0) && (k = gemm_f32_kernel_avx512()))
        return k;
    if ((k = gemm_f32_kernel_avx2()))
        return k;
    return &kernel_portable;
}
