/*
 * vec_act.h - the activations a kernel applies to a vector before storing
 * it (GEMM_ACT_*: Relu, LeakyRelu, Relu capped at a value), for AVX2 and
 * AVX-512: the Gemm tiles' and the depthwise Conv's stores share them.
 * x86 with GCC or Clang only; the includer checks (OC_HAVE_VEC_ACT).
 */
#ifndef ONNXC_VEC_ACT_H
#define ONNXC_VEC_ACT_H

#include "ops/kernels/gemm_kernel.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define OC_HAVE_VEC_ACT 1

/* act on v, `slope` LeakyRelu's slope or the cap, as each operator
 * computes it: only lanes below zero change (NaN and -0 stay, as in
 * ops/activation/relu.c), and min(cap, t) keeps a NaN t. */
__attribute__((target("avx512f"))) static inline __m512
oc_act512(__m512 v, int act, __m512 slope)
{
    __m512 zero = _mm512_setzero_ps();
    __mmask16 neg = _mm512_cmp_ps_mask(v, zero, _CMP_LT_OQ);
    if (act == GEMM_ACT_RELU)
        return _mm512_mask_mov_ps(v, neg, zero);
    if (act == GEMM_ACT_LEAKY_RELU)
        return _mm512_mask_mul_ps(v, neg, v, slope);
    if (act == GEMM_ACT_RELU_CAP)
        return _mm512_min_ps(slope, _mm512_mask_mov_ps(v, neg, zero));
    return v;
}

__attribute__((target("avx2,fma"))) static inline __m256
oc_act256(__m256 v, int act, __m256 slope)
{
    __m256 zero = _mm256_setzero_ps();
    __m256 neg = _mm256_cmp_ps(v, zero, _CMP_LT_OQ);
    if (act == GEMM_ACT_RELU)
        return _mm256_blendv_ps(v, zero, neg);
    if (act == GEMM_ACT_LEAKY_RELU)
        return _mm256_blendv_ps(v, _mm256_mul_ps(v, slope), neg);
    if (act == GEMM_ACT_RELU_CAP)
        return _mm256_min_ps(slope, _mm256_blendv_ps(v, zero, neg));
    return v;
}
#endif

#endif
