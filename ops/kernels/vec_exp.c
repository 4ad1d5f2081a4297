/*
 * vec_exp.c - the float32 Sigmoid, Tanh and Softmax/LogSoftmax row loops,
 * scalar and SIMD, and the run-time choice between them (see vec_exp.h).
 *
 * Sigmoid and Tanh run in float lanes (below): a float exp (Cody-Waite
 * reduction, a degree-7 polynomial, 2^n through the exponent bits, in two
 * steps where the result may be subnormal) and one division; measured
 * within 2 ulps of the exact result, subnormal results included (nothing
 * is flushed). The Softmax rows widen to double (vec_exp_body.h): there
 * exp(x - max) must not take the rounding of a float x - max (~|x - max|
 * ulps), and the sum is kept in double as in the scalar code.
 *
 * The scalar loops are the ops' former libm code, kept bit for bit: the
 * fallback on CPUs without AVX2+FMA and for the portable and reference
 * kernel sets.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ops/kernels/cpu_features.h"
#include "ops/kernels/vec_exp.h"

/* ------------------------------------------------------------- scalar */

static void sigmoid_scalar(float *y, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float v = x[i], e = expf(-fabsf(v));
        y[i] = v >= 0 ? 1 / (1 + e) : e / (1 + e);
    }
}

static void exp_scalar(float *y, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = expf(x[i]);
}

static void tanh_scalar(float *y, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        y[i] = tanhf(x[i]);
}

/* The largest of x, NaN skipped. As a select (maxss), not a branch: over
 * a row's lanes the branch went either way at random, and Softmax's short
 * rows paid its mispredictions once per row. */
static float max_scalar(const float *x, size_t n)
{
    float m = -INFINITY;
    for (size_t i = 0; i < n; i++)
        m = x[i] > m ? x[i] : m;
    return m;
}

static double expsum_scalar(float *y, const float *x, size_t n, double max)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        double e = exp(x[i] - max);
        if (y)
            y[i] = (float)e;
        sum += e;
    }
    return sum;
}

static void scale_scalar(float *y, size_t n, double s)
{
    for (size_t i = 0; i < n; i++)
        y[i] = (float)(y[i] * s);
}

/* Softmax's float-lane loops have no scalar twins of their own: the
 * scalar exp-sum and scale are already exact in double. */
#define softmax_expsum_scalar expsum_scalar
#define softmax_scale_scalar scale_scalar

static void shift_scalar(float *y, const float *x, size_t n, double max,
                         double sub)
{
    for (size_t i = 0; i < n; i++)
        y[i] = (float)((x[i] - max) - sub);
}

static double sum_scalar(const float *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    return s;
}

static double sqdev_scalar(const float *x, size_t n, double m)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += (x[i] - m) * (x[i] - m);
    return s;
}

static void norm_scalar(float *y, const float *x, size_t n, double m,
                        double is, const float *scale, const float *bias)
{
    for (size_t i = 0; i < n; i++) {
        double t = (x[i] - m) * is;
        if (scale)
            t *= scale[i];
        if (bias)
            t += bias[i];
        y[i] = (float)t;
    }
}

static void accum_scalar(double *acc, const float *x, size_t n, size_t rows,
                         size_t stride)
{
    size_t r = 0;
    for (; r + 4 <= rows; r += 4, x += 4 * stride)
        for (size_t i = 0; i < n; i++)
            acc[i] += ((double)x[i] + x[i + stride]) +
                      ((double)x[i + 2 * stride] + x[i + 3 * stride]);
    for (; r < rows; r++, x += stride)
        for (size_t i = 0; i < n; i++)
            acc[i] += x[i];
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define HAVE_X86_VEC 1

/* ------------------------------------------------------------ AVX2+FMA */

#define TGT __attribute__((target("avx2,fma")))
#define NAME(f) f##_avx2
#define vd __m256d
#define W 4
#define LD(p) _mm256_cvtps_pd(_mm_loadu_ps(p))
#define ST(p, v) _mm_storeu_ps((p), _mm256_cvtpd_ps(v))
#define STORED(p, v) _mm256_storeu_pd((p), (v))
#define LDD(p) _mm256_loadu_pd(p)
#define SET1(c) _mm256_set1_pd(c)
#define ADD _mm256_add_pd
#define SUB _mm256_sub_pd
#define MUL _mm256_mul_pd
#define FMA _mm256_fmadd_pd
#define FNMA _mm256_fnmadd_pd
#define MAX _mm256_max_pd
#define SEL_LT(a, b, t, f)                                                     \
    _mm256_blendv_pd((f), (t), _mm256_cmp_pd((a), (b), _CMP_LT_OQ))
#define SEL_NAN(a, t, f)                                                       \
    _mm256_blendv_pd((f), (t), _mm256_cmp_pd((a), (a), _CMP_UNORD_Q))
#define POW2(t)                                                                \
    _mm256_castsi256_pd(_mm256_slli_epi64(                                     \
        _mm256_add_epi64(_mm256_castpd_si256(t), _mm256_set1_epi64x(1023)),    \
        52))

#include "ops/kernels/vec_exp_body.h"
#include "ops/kernels/vec_rows_body.h"

/* Sigmoid in float lanes. e = exp(-|x|), -|x| clamped at -104 (where
 * the result rounds to 0): n = round(a log2e), r = a - n ln2 (ln2 in two
 * parts, n ln2hi exact), e^r by its Taylor polynomial of degree 7 (5e-9
 * relative), times 2^n in two steps, 2^(n/2) then the rest, so a
 * subnormal e is rounded once. Then the quotient (x < 0 ? e : 1) /
 * (1 + e), 1 + e's rounding error (Fast2Sum: e <= 1) taken back in it as
 * Tanh does below (without it: 2.004 ulps over every 4099th float). */
/* e = exp(a) for a in [-104, 88.8] (e rounds to 0 at -104 and overflows
 * to inf above 88.72), the steps Sigmoid's comment gives. */
/* a = n ln2 + r, n = round(a log2e), |r| <= ln2/2 (ln2 in two parts, n
 * ln2hi exact); declares n and r. */
#define EXP_REDUCE_PS(P, a, n, r)                                              \
    vf n = ROUND_PS(P##mul_ps(a, P##set1_ps(0x1.715476p0f)));                  \
    vf r = P##fnmadd_ps(n, P##set1_ps(0x1.63p-1f), a);                         \
    r = P##fnmadd_ps(n, P##set1_ps(-0x1.bd0106p-13f), r);
/* t = 1/2 + r/6 + ... + r^5/5040 (Horner), declared: e^r = 1 + r + r^2 t,
 * the Taylor polynomial of degree 7 that exp and expm1 share. */
#define EXP_TAIL_PS(P, r, t)                                                   \
    vf t = P##set1_ps(1.0f / 5040);                                            \
    t = P##fmadd_ps(t, r, P##set1_ps(1.0f / 720));                             \
    t = P##fmadd_ps(t, r, P##set1_ps(1.0f / 120));                             \
    t = P##fmadd_ps(t, r, P##set1_ps(1.0f / 24));                              \
    t = P##fmadd_ps(t, r, P##set1_ps(1.0f / 6));                               \
    t = P##fmadd_ps(t, r, P##set1_ps(0.5f));
#define EXPF_PS(P, SFX, a, e) EXPF_LO_PS(P, SFX, a, e, )
/* The same with a statement LO run on the reduced argument r: Softmax adds
 * there the part of x - max that a float a could not hold. */
#define EXPF_LO_PS(P, SFX, a, e, LO)                                           \
    vf e;                                                                      \
    {                                                                          \
    vf one_ = P##set1_ps(1);                                                   \
    EXP_REDUCE_PS(P, a, n, r)                                                  \
    LO                                                                         \
    EXP_TAIL_PS(P, r, p)                                                       \
    p = P##fmadd_ps(p, r, one_);                                               \
    p = P##fmadd_ps(p, r, one_);                                               \
    e = SCALE2N_PS(p, n);                                                      \
    }

/* q = num / (d + err), err a correction far below d (a rounding error),
 * without a division (Tanh over 64K floats, AVX-512, 1 thread: 23.2 ->
 * 21.3 us; over every 4099th float Tanh 1.89 -> 1.46 ulps, Sigmoid 1.74
 * -> 1.26, the correction now inside the quotient's residual): q0 =
 * num r with r ~ 1/d to 2^-13 (RECIP_PS), the residual num - q0 (d + err)
 * by two fnmadds (near exact: it is ~2^-13 of num, so its rounding is
 * ~2^-37 of it), and q = q0 + residual r, whose error is r's squared,
 * 2^-26, plus the last rounding. d is finite and at least 1 here. */
#define QUOTIENT_PS(P, num, d, err, q)                                         \
    vf q;                                                                      \
    {                                                                          \
    vf r_ = RECIP_PS(P, d), q0_ = P##mul_ps(num, r_);                          \
    vf e_ = P##fnmadd_ps(q0_, err, P##fnmadd_ps(q0_, d, num));                 \
    q = P##fmadd_ps(e_, r_, q0_);                                              \
    }

/* SCALE2N_PS(p, n): p 2^n for a float n in [-151, 128], rounded once (a
 * subnormal result too). AVX-512 has it as one instruction (scalef);
 * AVX2 builds it in two steps, 2^(n/2) then the rest, in the exponent
 * bits (scale2n_avx2 below). */

#define SIGMOID_PS(P, SFX)                                                     \
    vf one = P##set1_ps(1), zero = P##setzero_ps();                            \
    vf a = P##max_ps(P##sub_ps(zero, ABS_PS(v)), P##set1_ps(-104.0f));         \
    EXPF_PS(P, SFX, a, e)                                                      \
    vf num = SEL_LT_PS(v, zero, e, one);                                       \
    vf d = P##add_ps(one, e), err = P##add_ps(P##sub_ps(one, d), e);           \
    QUOTIENT_PS(P, num, d, err, s)                                             \
    return SEL_NAN_PS(v, P##add_ps(v, v), s);

/* Tanh in float lanes, on a = |x| with x's sign put back (so -0 stays
 * -0): tanh(a) = m / (m + 2) with m = expm1(2a), one formula for every a
 * (no cancellation near 0, where m ~ 2a), 2a clamped at 19, where it
 * rounds to 1. expm1(b) = 2^n (q + 1) - 1 = fma(2^n, q, 2^n - 1) with b =
 * n ln2 + r as in Sigmoid and q = e^r - 1 = r + r^2 (1/2 + r/6 + ... +
 * r^5/5040) (truncation 5e-9 relative); n in [0, 28], so 2^n is one step
 * and 2^n - 1 exact. m + 2 rounds by up to half an ulp of a number near
 * 2, nearly an ulp of t: its error err is recovered (Fast2Sum, the larger
 * of m and 2 first) and the quotient taken of m + 2 + err (measured over
 * every 4099th float: 2.29 ulps without this step). NaN passes the
 * clamp (min_ps gives its second operand when one is NaN) and every step
 * after. */
#define TANH_PS(P, SFX)                                                        \
    vf a = ABS_PS(v);                                                          \
    vi sign = P##xor_si##SFX(P##castps_si##SFX(v), P##castps_si##SFX(a));      \
    vf b = P##min_ps(P##set1_ps(19.0f), P##add_ps(a, a));                      \
    EXP_REDUCE_PS(P, b, n, r)                                                  \
    EXP_TAIL_PS(P, r, s)                                                       \
    vf q = P##fmadd_ps(P##mul_ps(r, r), s, r);                                 \
    vf two_n = SCALE2N_PS(P##set1_ps(1), n);                                   \
    vf m = P##fmadd_ps(two_n, q, P##sub_ps(two_n, P##set1_ps(1)));             \
    vf two = P##set1_ps(2), d = P##add_ps(m, two);                             \
    vf err = P##add_ps(P##sub_ps(P##max_ps(m, two), d), P##min_ps(m, two));    \
    QUOTIENT_PS(P, m, d, err, t)                                               \
    return P##castsi##SFX##_ps(P##or_si##SFX(P##castps_si##SFX(t), sign));

/* Exp in float lanes: x clamped to [-104, 88.8], where the result has
 * rounded to 0 or overflowed to inf, then exp as in Sigmoid, whose 2^n
 * in two steps keeps results near both ends right (2^128 and 2^-150 are
 * not floats). NaN stays NaN; -0 gives 1. */
#define EXP_PS(P, SFX)                                                         \
    vf a = P##min_ps(P##max_ps(v, P##set1_ps(-104.0f)), P##set1_ps(88.8f));    \
    EXPF_PS(P, SFX, a, e)                                                      \
    return SEL_NAN_PS(v, P##add_ps(v, v), e);

/* Softmax's terms in float lanes: d = x - max rounded, its rounding
 * error lo recovered exactly (TwoSum) and added to the reduced argument,
 * so e = exp(x - max) is not off by the ~|d| ulps a rounded d costs
 * (what made the scalar and double loops widen to double). d <= 0, so
 * only underflow needs care: below -104 (and for -inf, where TwoSum
 * gives NaN) lo is 0 and e rounds to 0. A NaN d passes the clamp (max_ps
 * gives its second operand when one is NaN) and every step after. */
#define SOFTMAX_TERM_PS(P, SFX)                                                \
    vf d = P##sub_ps(v, m);                                                    \
    vf bb = P##sub_ps(d, v);                                                   \
    vf lo = P##add_ps(P##sub_ps(v, P##sub_ps(d, bb)),                          \
                      P##sub_ps(P##sub_ps(P##setzero_ps(), m), bb));           \
    vf a = P##max_ps(P##set1_ps(-104.0f), d);   /* NaN d: a is d */            \
    lo = SEL_LT_PS(d, P##set1_ps(-104.0f), P##setzero_ps(), lo);               \
    EXPF_LO_PS(P, SFX, a, e, r = P##add_ps(r, lo);)                            \
    return e;   /* NaN for NaN: every step keeps it */

/* The sum in double of Softmax's terms over x[0, n), each stored in y:
 * F the term, CVT_LO/CVT_HI a vector's two halves widened to double. */
#define SOFTMAX_EXPSUM_LOOP(NAMEF, F, VF, VD, WF, P, PD, CVT_LO, CVT_HI)        \
    TGT static double NAMEF(float *y, const float *x, size_t n, float max)     \
    {                                                                          \
        VF m = P##set1_ps(max);                                                \
        VD acc0 = PD##setzero_pd(), acc1 = acc0;                               \
        size_t i = 0;                                                          \
        for (; i + 2 * WF <= n; i += 2 * WF) {   /* two chains at a time */    \
            VF e = F(P##loadu_ps(x + i), m), f = F(P##loadu_ps(x + i + WF), m); \
            P##storeu_ps(y + i, e);                                            \
            P##storeu_ps(y + i + WF, f);                                       \
            acc0 = PD##add_pd(acc0, PD##add_pd(CVT_LO(e), CVT_HI(e)));         \
            acc1 = PD##add_pd(acc1, PD##add_pd(CVT_LO(f), CVT_HI(f)));         \
        }                                                                      \
        for (; i + WF <= n; i += WF) {                                         \
            VF e = F(P##loadu_ps(x + i), m);                                   \
            P##storeu_ps(y + i, e);                                            \
            acc0 = PD##add_pd(acc0, PD##add_pd(CVT_LO(e), CVT_HI(e)));         \
        }                                                                      \
        double lanes[WF / 2], sum = 0;                                         \
        PD##storeu_pd(lanes, PD##add_pd(acc0, acc1));                          \
        for (int k = 0; k < WF / 2; k++)                                       \
            sum += lanes[k];                                                   \
        if (i < n) {                                                           \
            float buf[WF];                                                     \
            size_t k = n - i;                                                  \
            for (size_t t = 0; t < WF; t++)                                    \
                buf[t] = t < k ? x[i + t] : -INFINITY;   /* terms 0 */         \
            P##storeu_ps(buf, F(P##loadu_ps(buf), m));                         \
            memcpy(y + i, buf, k * sizeof *buf);                               \
            for (size_t t = 0; t < k; t++)                                     \
                sum += buf[t];                                                 \
        }                                                                      \
        return sum;                                                            \
    }

/* y[i] *= s for a double s held as two floats, hi + lo: fma(y, hi, y lo),
 * whose one rounding is that of a double product but for y lo's own
 * (2^-24 of a term 2^-24 the size of the result), at float width. */
#define SCALE2_LOOP_PS(NAMEF, P, VF, WF)                                       \
    TGT static void NAMEF(float *y, size_t n, double s)                        \
    {                                                                          \
        float hi = (float)s, lo = (float)(s - hi);                             \
        VF h = P##set1_ps(hi), l = P##set1_ps(lo);                             \
        size_t i = 0;                                                          \
        for (; i + WF <= n; i += WF) {                                         \
            VF v = P##loadu_ps(y + i);                                         \
            P##storeu_ps(y + i, P##fmadd_ps(v, h, P##mul_ps(v, l)));           \
        }                                                                      \
        for (; i < n; i++)                                                     \
            y[i] = fmaf(y[i], hi, y[i] * lo);                                  \
    }

#define MAP_LOOP_PS(NAMEF, F, VF, WF, LDF, STF)                                  \
    TGT static void NAMEF(float *y, const float *x, size_t n)                  \
    {                                                                          \
        size_t i = 0;                                                          \
        for (; i + 2 * WF <= n; i += 2 * WF) {                                 \
            VF a = F(LDF(x + i)), b = F(LDF(x + i + WF));               \
            STF(y + i, a);                                                     \
            STF(y + i + WF, b);                                                \
        }                                                                      \
        for (; i < n; i += WF) {                                               \
            float buf[WF] = {0};                                               \
            size_t k = n - i < WF ? n - i : WF;                                \
            memcpy(buf, x + i, k * sizeof *buf);                               \
            STF(buf, F(LDF(buf)));                                              \
            memcpy(y + i, buf, k * sizeof *buf);                               \
        }                                                                      \
    }

/* The largest element of x[0, n) (NaNs skipped: max_ps(a, b) gives b
 * where a is NaN), two vectors of WF floats at a time; P the intrinsics'
 * prefix (_mm256_, _mm512_). */
#define MAX_LOOP_PS(NAMEF, P, VF, WF)                                          \
    TGT static float NAMEF(const float *x, size_t n)                           \
    {                                                                          \
        VF m0 = P##set1_ps(-INFINITY), m1 = m0;                                \
        size_t i = 0;                                                          \
        for (; i + 2 * WF <= n; i += 2 * WF) {                                 \
            m0 = P##max_ps(P##loadu_ps(x + i), m0);                            \
            m1 = P##max_ps(P##loadu_ps(x + i + WF), m1);                       \
        }                                                                      \
        float lanes[WF];                                                       \
        P##storeu_ps(lanes, P##max_ps(m0, m1));                                \
        float m = max_scalar(lanes, WF);                                       \
        float t = max_scalar(x + i, n - i);                                    \
        return t > m ? t : m;                                                  \
    }

#define vf __m256
#define vi __m256i
/* rcp_ps is good to 1.5 2^-12: one Newton step, r (2 - d r), makes it
 * 2^-22 (QUOTIENT_PS needs 2^-13). */
TGT static inline __m256 recip_avx2(__m256 d)
{
    __m256 r = _mm256_rcp_ps(d);
    return _mm256_mul_ps(r, _mm256_fnmadd_ps(d, r, _mm256_set1_ps(2)));
}
#define RECIP_PS(P, d) recip_avx2(d)
TGT static inline __m256 scale2n_avx2(__m256 p, __m256 n)
{
    __m256i ni = _mm256_cvtps_epi32(n);
    __m256i n1 = _mm256_srai_epi32(ni, 1), n2 = _mm256_sub_epi32(ni, n1);
    __m256i bias = _mm256_set1_epi32(127);
    __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n1, bias), 23));
    __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n2, bias), 23));
    return _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
}
#define SCALE2N_PS(p, n) scale2n_avx2((p), (n))
#define ABS_PS(v) _mm256_andnot_ps(_mm256_set1_ps(-0.0f), (v))
#define ROUND_PS(v) _mm256_round_ps((v), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define SEL_LT_PS(a, b, t, f)                                                  \
    _mm256_blendv_ps((f), (t), _mm256_cmp_ps((a), (b), _CMP_LT_OQ))
#define SEL_NAN_PS(a, t, f)                                                    \
    _mm256_blendv_ps((f), (t), _mm256_cmp_ps((a), (a), _CMP_UNORD_Q))
TGT static inline __m256 sigmoid_v256(__m256 v) { SIGMOID_PS(_mm256_, 256) }
TGT static inline __m256 tanh_v256(__m256 v) { TANH_PS(_mm256_, 256) }
TGT static inline __m256 exp_v256(__m256 v) { EXP_PS(_mm256_, 256) }
TGT static inline __m256 softmax_term_v256(__m256 v, __m256 m)
{
    SOFTMAX_TERM_PS(_mm256_, 256)
}
#define CVT_LO_256(e) _mm256_cvtps_pd(_mm256_castps256_ps128(e))
#define CVT_HI_256(e) _mm256_cvtps_pd(_mm256_extractf128_ps((e), 1))
SOFTMAX_EXPSUM_LOOP(softmax_expsum_avx2, softmax_term_v256, __m256, __m256d, 8,
                    _mm256_, _mm256_, CVT_LO_256, CVT_HI_256)
MAP_LOOP_PS(exp_avx2, exp_v256, __m256, 8, _mm256_loadu_ps, _mm256_storeu_ps)
MAP_LOOP_PS(sigmoid_avx2, sigmoid_v256, __m256, 8, _mm256_loadu_ps,
            _mm256_storeu_ps)
MAP_LOOP_PS(tanh_avx2, tanh_v256, __m256, 8, _mm256_loadu_ps,
            _mm256_storeu_ps)
#undef vf
#undef vi
#undef RECIP_PS
#undef SCALE2N_PS
#undef ABS_PS
#undef ROUND_PS
#undef SEL_LT_PS
#undef SEL_NAN_PS

MAX_LOOP_PS(max_avx2, _mm256_, __m256, 8)
SCALE2_LOOP_PS(softmax_scale_avx2, _mm256_, __m256, 8)

#undef TGT
#undef NAME
#undef vd
#undef W
#undef LD
#undef ST
#undef STORED
#undef LDD
#undef SET1
#undef ADD
#undef SUB
#undef MUL
#undef FMA
#undef FNMA
#undef MAX
#undef SEL_LT
#undef SEL_NAN
#undef POW2

/* ------------------------------------------------------------ AVX-512F */

#define TGT __attribute__((target("avx512f")))
#define NAME(f) f##_avx512
#define vd __m512d
#define W 8
#define LD(p) _mm512_cvtps_pd(_mm256_loadu_ps(p))
#define ST(p, v) _mm256_storeu_ps((p), _mm512_cvtpd_ps(v))
#define STORED(p, v) _mm512_storeu_pd((p), (v))
#define LDD(p) _mm512_loadu_pd(p)
#define SET1(c) _mm512_set1_pd(c)
#define ADD _mm512_add_pd
#define SUB _mm512_sub_pd
#define MUL _mm512_mul_pd
#define FMA _mm512_fmadd_pd
#define FNMA _mm512_fnmadd_pd
#define MAX _mm512_max_pd
#define SEL_LT(a, b, t, f)                                                     \
    _mm512_mask_blend_pd(_mm512_cmp_pd_mask((a), (b), _CMP_LT_OQ), (f), (t))
#define SEL_NAN(a, t, f)                                                       \
    _mm512_mask_blend_pd(_mm512_cmp_pd_mask((a), (a), _CMP_UNORD_Q), (f), (t))
#define POW2(t)                                                                \
    _mm512_castsi512_pd(_mm512_slli_epi64(                                     \
        _mm512_add_epi64(_mm512_castpd_si512(t), _mm512_set1_epi64(1023)),     \
        52))

#include "ops/kernels/vec_exp_body.h"
#include "ops/kernels/vec_rows_body.h"

#define vf __m512
#define vi __m512i
#define RECIP_PS(P, d) _mm512_rcp14_ps(d)   /* to 2^-14 */
#define SCALE2N_PS(p, n) _mm512_scalef_ps((p), (n))
#define ABS_PS(v) _mm512_abs_ps(v)
#define ROUND_PS(v) _mm512_roundscale_ps((v), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define SEL_LT_PS(a, b, t, f)                                                  \
    _mm512_mask_blend_ps(_mm512_cmp_ps_mask((a), (b), _CMP_LT_OQ), (f), (t))
#define SEL_NAN_PS(a, t, f)                                                    \
    _mm512_mask_blend_ps(_mm512_cmp_ps_mask((a), (a), _CMP_UNORD_Q), (f), (t))
TGT static inline __m512 sigmoid_v512(__m512 v) { SIGMOID_PS(_mm512_, 512) }
TGT static inline __m512 tanh_v512(__m512 v) { TANH_PS(_mm512_, 512) }
TGT static inline __m512 exp_v512(__m512 v) { EXP_PS(_mm512_, 512) }
TGT static inline __m512 softmax_term_v512(__m512 v, __m512 m)
{
    SOFTMAX_TERM_PS(_mm512_, 512)
}
#define CVT_LO_512(e) _mm512_cvtps_pd(_mm512_castps512_ps256(e))
#define CVT_HI_512(e)                                                          \
    _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(e), 1)))
SOFTMAX_EXPSUM_LOOP(softmax_expsum_avx512, softmax_term_v512, __m512, __m512d,
                    16, _mm512_, _mm512_, CVT_LO_512, CVT_HI_512)
MAP_LOOP_PS(exp_avx512, exp_v512, __m512, 16, _mm512_loadu_ps,
            _mm512_storeu_ps)
MAP_LOOP_PS(sigmoid_avx512, sigmoid_v512, __m512, 16, _mm512_loadu_ps,
            _mm512_storeu_ps)
MAP_LOOP_PS(tanh_avx512, tanh_v512, __m512, 16, _mm512_loadu_ps,
            _mm512_storeu_ps)

MAX_LOOP_PS(max_avx512, _mm512_, __m512, 16)
SCALE2_LOOP_PS(softmax_scale_avx512, _mm512_, __m512, 16)

#endif /* x86 */

/* ------------------------------------------------------------ dispatch */

bool oc_vec_isa_available(vec_isa isa)
{
#ifdef HAVE_X86_VEC
    unsigned cpu = oc_cpu_features();
    switch (isa) {
    case VEC_SCALAR:
        return true;
    case VEC_AVX2:
        return cpu & OC_CPU_AVX2_FMA;
    case VEC_AVX512:
        return cpu & OC_CPU_AVX512F;
    }
    return false;
#else
    return isa == VEC_SCALAR;
#endif
}

vec_isa oc_vec_select(onnxc_kernels kernels)
{
    if (kernels == ONNXC_KERNELS_PORTABLE || kernels == ONNXC_KERNELS_REFERENCE)
        return VEC_SCALAR;
    if (kernels != ONNXC_KERNELS_AVX2 && oc_vec_isa_available(VEC_AVX512))
        return VEC_AVX512;
    return oc_vec_isa_available(VEC_AVX2) ? VEC_AVX2 : VEC_SCALAR;
}

#ifdef HAVE_X86_VEC
#define DISPATCH(isa, f, ...)                                                  \
    switch (isa) {                                                             \
    case VEC_AVX512:                                                           \
        return f##_avx512(__VA_ARGS__);                                        \
    case VEC_AVX2:                                                             \
        return f##_avx2(__VA_ARGS__);                                          \
    default:                                                                   \
        return f##_scalar(__VA_ARGS__);                                        \
    }
#else
#define DISPATCH(isa, f, ...)                                                  \
    (void)isa;                                                                 \
    return f##_scalar(__VA_ARGS__);
#endif

void oc_vec_sigmoid_f32(vec_isa isa, float *y, const float *x, size_t n)
{
    DISPATCH(isa, sigmoid, y, x, n)
}

void oc_vec_exp_f32(vec_isa isa, float *y, const float *x, size_t n)
{
    DISPATCH(isa, exp, y, x, n)
}

void oc_vec_tanh_f32(vec_isa isa, float *y, const float *x, size_t n)
{
    DISPATCH(isa, tanh, y, x, n)
}

float oc_vec_max_f32(vec_isa isa, const float *x, size_t n)
{
    DISPATCH(isa, max, x, n)
}

double oc_vec_expsum_f32(vec_isa isa, float *y, const float *x, size_t n,
                      double max)
{
    DISPATCH(isa, expsum, y, x, n, max)
}

double oc_vec_softmax_expsum_f32(vec_isa isa, float *y, const float *x,
                                 size_t n, float max)
{
    DISPATCH(isa, softmax_expsum, y, x, n, max)
}

void oc_vec_softmax_scale_f32(vec_isa isa, float *y, size_t n, double s)
{
    DISPATCH(isa, softmax_scale, y, n, s)
}

void oc_vec_scale_f32(vec_isa isa, float *y, size_t n, double s)
{
    DISPATCH(isa, scale, y, n, s)
}

void oc_vec_shift_f32(vec_isa isa, float *y, const float *x, size_t n,
                   double max, double sub)
{
    DISPATCH(isa, shift, y, x, n, max, sub)
}

double oc_vec_sum_f32(vec_isa isa, const float *x, size_t n)
{
    DISPATCH(isa, sum, x, n)
}

double oc_vec_sqdev_f32(vec_isa isa, const float *x, size_t n, double m)
{
    DISPATCH(isa, sqdev, x, n, m)
}

void oc_vec_norm_f32(vec_isa isa, float *y, const float *x, size_t n, double m,
                     double is, const float *scale, const float *bias)
{
    DISPATCH(isa, norm, y, x, n, m, is, scale, bias)
}

void oc_vec_accum_f32(vec_isa isa, double *acc, const float *x, size_t n,
                      size_t rows, size_t stride)
{
    DISPATCH(isa, accum, acc, x, n, rows, stride)
}
