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
 * ops/activation/relu.c), and min(cap, t) keeps a NaN t. Written once:
 * NAME, TGT its target, VF the vector type, P the intrinsics' prefix,
 * MASK the type of a lane mask, NEG(v, zero) the lanes below zero,
 * PICK(v, w, neg) w in those lanes and v in the others. */
#define OC_VEC_ACT(NAME, TGT, VF, P, MASK, NEG, PICK)                         \
    TGT static inline VF NAME(VF v, int act, VF slope)                        \
    {                                                                         \
        if (act != GEMM_ACT_RELU && act != GEMM_ACT_LEAKY_RELU &&             \
            act != GEMM_ACT_RELU_CAP)                                         \
            return v;                                                         \
        VF zero = P##setzero_ps();                                            \
        MASK neg = NEG(v, zero);                                              \
        if (act == GEMM_ACT_LEAKY_RELU)                                       \
            return PICK(v, P##mul_ps(v, slope), neg);                         \
        v = PICK(v, zero, neg);                                               \
        return act == GEMM_ACT_RELU_CAP ? P##min_ps(slope, v) : v;            \
    }
#define OC_NEG_512(v, zero) _mm512_cmp_ps_mask(v, zero, _CMP_LT_OQ)
#define OC_PICK_512(v, w, neg) _mm512_mask_mov_ps(v, neg, w)
#define OC_NEG_256(v, zero) _mm256_cmp_ps(v, zero, _CMP_LT_OQ)
#define OC_PICK_256(v, w, neg) _mm256_blendv_ps(v, w, neg)
OC_VEC_ACT(oc_act512, __attribute__((target("avx512f"))), __m512, _mm512_,
           __mmask16, OC_NEG_512, OC_PICK_512)
OC_VEC_ACT(oc_act256, __attribute__((target("avx2,fma"))), __m256, _mm256_,
           __m256, OC_NEG_256, OC_PICK_256)
#endif

#endif
