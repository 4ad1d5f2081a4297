/*
 * vec_exp_body.h - the double SIMD loops of vec_exp.c (the Softmax and
 * LogSoftmax rows; Sigmoid and Tanh compute in float lanes there),
 * written once over a few macros and included once per instruction set
 * (AVX2+FMA, AVX-512F), which defines them first:
 *
 *   TGT              the function attribute enabling the instruction set
 *   NAME(f)          f with the set's suffix
 *   vd, W            a vector of W doubles
 *   LD(p), ST(p,v)   W floats to vd widened, vd to W floats rounded
 *   STORED(p,v)      stores vd to W doubles
 *   SET1, ADD, SUB, MUL, MAX, FMA(a,b,c) a*b+c, FNMA(a,b,c) c-a*b
 *   SEL_LT(a,b,t,f)  a < b ? t : f lane-wise (ordered)
 *   SEL_NAN(a,t,f)   a is NaN ? t : f
 *   POW2(t)          2^n from t = n + 0x1.8p52 (n's bits in t's mantissa)
 *
 * Not a header to include anywhere else.
 */

/* exp(x) for x in [-708, 709]: x = n ln2 + r with |r| <= ln2/2 (ln2 in
 * two parts, Cody-Waite), e^r by its Taylor polynomial of degree 9
 * (truncation 7e-12 relative: 1/8000 of a float ulp), scaled by 2^n
 * built in the exponent bits. n >= -1021 keeps 2^n normal, so no
 * two-step scale is needed. */
TGT static inline vd NAME(exp_pd)(vd x)
{
    vd t = FMA(x, SET1(0x1.71547652b82fep0), SET1(0x1.8p52));
    vd n = SUB(t, SET1(0x1.8p52));
    vd r = FNMA(n, SET1(0x1.62e42fefa39efp-1), x);
    r = FNMA(n, SET1(0x1.abc9e3b39803fp-56), r);
    vd p = SET1(1.0 / 362880);
    p = FMA(p, r, SET1(1.0 / 40320));
    p = FMA(p, r, SET1(1.0 / 5040));
    p = FMA(p, r, SET1(1.0 / 720));
    p = FMA(p, r, SET1(1.0 / 120));
    p = FMA(p, r, SET1(1.0 / 24));
    p = FMA(p, r, SET1(1.0 / 6));
    p = FMA(p, r, SET1(0.5));
    p = FMA(p, r, SET1(1.0));
    p = FMA(p, r, SET1(1.0));
    return MUL(p, POW2(t));
}

/* exp(x - max) as float, 0 below -708 (exp is < 1e-307 there), NaN for
 * NaN. */
TGT static inline vd NAME(expterm_pd)(vd d)
{
    vd e = NAME(exp_pd)(MAX(d, SET1(-708)));
    e = SEL_LT(d, SET1(-708), SET1(0), e);
    return SEL_NAN(d, d, e);
}

TGT static double NAME(expsum)(float *y, const float *x, size_t n, double max)
{
    vd m = SET1(max), acc0 = SET1(0), acc1 = SET1(0);
    size_t i = 0;
    for (; i + 2 * W <= n; i += 2 * W) {
        vd a = NAME(expterm_pd)(SUB(LD(x + i), m));
        vd b = NAME(expterm_pd)(SUB(LD(x + i + W), m));
        if (y) {
            ST(y + i, a);
            ST(y + i + W, b);
        }
        acc0 = ADD(acc0, a);
        acc1 = ADD(acc1, b);
    }
    double lanes[W], sum = 0;
    STORED(lanes, ADD(acc0, acc1));
    for (int j = 0; j < W; j++)
        sum += lanes[j];
    for (; i < n; i += W) {
        float buf[W] = {0};
        size_t k = n - i < W ? n - i : W;
        memcpy(buf, x + i, k * sizeof *buf);
        vd a = NAME(expterm_pd)(SUB(LD(buf), m));
        if (y) {
            ST(buf, a);
            memcpy(y + i, buf, k * sizeof *buf);
        }
        STORED(lanes, a);
        for (size_t j = 0; j < k; j++)
            sum += lanes[j];
    }
    return sum;
}

TGT static void NAME(scale)(float *y, size_t n, double s)
{
    vd sv = SET1(s);
    size_t i = 0;
    for (; i + W <= n; i += W)
        ST(y + i, MUL(LD(y + i), sv));
    for (; i < n; i++)
        y[i] = (float)(y[i] * s);
}

TGT static void NAME(shift)(float *y, const float *x, size_t n, double max,
                            double sub)
{
    vd m = SET1(max), s = SET1(sub);
    size_t i = 0;
    for (; i + W <= n; i += W)
        ST(y + i, SUB(SUB(LD(x + i), m), s));
    for (; i < n; i++)
        y[i] = (float)((x[i] - max) - sub);
}
