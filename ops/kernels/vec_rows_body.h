/*
 * vec_rows_body.h - the row statistics of vec_exp.c in double lanes
 * (ReduceSum/ReduceMean's sums, LayerNormalization's mean, variance and
 * scaling), written once over vec_exp_body.h's macros and included after
 * it once per instruction set. Besides those it needs
 *
 *   LDD(p)           loads W doubles
 *
 * Sums run in four vectors of W doubles and then lane by lane: another
 * order than the scalar loops' one by one, but in double, so a float
 * result of either is almost always the same float. Not a header to
 * include anywhere else.
 */

/* Adds the W lanes of v to s, in order. */
TGT static inline double NAME(lanes_sum)(vd v, double s)
{
    double lanes[W];
    STORED(lanes, v);
    for (int j = 0; j < W; j++)
        s += lanes[j];
    return s;
}

TGT static double NAME(sum)(const float *x, size_t n)
{
    vd a0 = SET1(0), a1 = a0, a2 = a0, a3 = a0;
    size_t i = 0;
    for (; i + 4 * W <= n; i += 4 * W) {
        a0 = ADD(a0, LD(x + i));
        a1 = ADD(a1, LD(x + i + W));
        a2 = ADD(a2, LD(x + i + 2 * W));
        a3 = ADD(a3, LD(x + i + 3 * W));
    }
    double s = NAME(lanes_sum)(ADD(ADD(a0, a1), ADD(a2, a3)), 0);
    for (; i < n; i++)
        s += x[i];
    return s;
}

/* The sum of (x[i] - m)^2: a variance about its mean, no cancellation. */
TGT static double NAME(sqdev)(const float *x, size_t n, double m)
{
    vd mv = SET1(m), a0 = SET1(0), a1 = a0;
    size_t i = 0;
    for (; i + 2 * W <= n; i += 2 * W) {
        vd d0 = SUB(LD(x + i), mv), d1 = SUB(LD(x + i + W), mv);
        a0 = FMA(d0, d0, a0);
        a1 = FMA(d1, d1, a1);
    }
    double s = NAME(lanes_sum)(ADD(a0, a1), 0);
    for (; i < n; i++)
        s += (x[i] - m) * (x[i] - m);
    return s;
}

/* y[i] = (x[i] - m) * is * scale[i] + bias[i], in double, rounded once;
 * scale and bias may be NULL (1 and 0). */
TGT static void NAME(norm)(float *y, const float *x, size_t n, double m,
                           double is, const float *scale, const float *bias)
{
    vd mv = SET1(m), iv = SET1(is);
    size_t i = 0;
    for (; i + W <= n; i += W) {
        vd t = MUL(SUB(LD(x + i), mv), iv);
        if (scale)
            t = MUL(t, LD(scale + i));
        if (bias)
            t = ADD(t, LD(bias + i));
        ST(y + i, t);
    }
    for (; i < n; i++) {
        double t = (x[i] - m) * is;
        if (scale)
            t *= scale[i];
        if (bias)
            t += bias[i];
        y[i] = (float)t;
    }
}

/* acc[i] += rows of x, stride apart: a reduction over a middle axis.
 * Four rows per pass over acc, so its loads and stores are a quarter of
 * X's (one row at a time, they were the bound). */
TGT static void NAME(accum)(double *acc, const float *x, size_t n, size_t rows,
                            size_t stride)
{
    size_t r = 0;
    for (; r + 4 <= rows; r += 4, x += 4 * stride) {
        const float *x1 = x + stride, *x2 = x + 2 * stride, *x3 = x + 3 * stride;
        size_t i = 0;
        for (; i + W <= n; i += W) {
            vd s = ADD(ADD(LD(x + i), LD(x1 + i)), ADD(LD(x2 + i), LD(x3 + i)));
            STORED(acc + i, ADD(LDD(acc + i), s));
        }
        for (; i < n; i++)
            acc[i] += ((double)x[i] + x1[i]) + ((double)x2[i] + x3[i]);
    }
    for (; r < rows; r++, x += stride) {
        size_t i = 0;
        for (; i + W <= n; i += W)
            STORED(acc + i, ADD(LDD(acc + i), LD(x + i)));
        for (; i < n; i++)
            acc[i] += x[i];
    }
}
