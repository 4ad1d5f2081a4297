/*
 * test_math.c - the math functions of ops/math (Exp, Log, Sqrt,
 * Reciprocal, Floor, Ceil, Round, the trigonometric and hyperbolic
 * functions and their inverses) in ulps against long double references:
 * for float, every binade (subnormals included) sampled at 64 mantissas
 * of each sign, and the special values (NaN, +-inf, +-0, the largest and
 * least values, the edges of each domain); for double, a sample of the
 * same. The error is counted against the reference rounded to the
 * tensor's type, so 0 means correctly rounded. The largest error of each
 * function is printed (ctest -V) for the README.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_harness.h"

typedef long double (*ref_fn)(long double);

static long double reciprocal_ref(long double x) { return 1 / x; }
static long double round_ref(long double x) { return rintl(x); }

static const struct fn {
    const char *op;
    int opset;
    ref_fn ref;
    int max_ulps;     /* what the test allows */
} FNS[] = {
    {"Exp", 13, expl, 1},       {"Log", 13, logl, 1},
    {"Sqrt", 13, sqrtl, 0},     {"Reciprocal", 13, reciprocal_ref, 0},
    {"Floor", 13, floorl, 0},   {"Ceil", 13, ceill, 0},
    {"Round", 11, round_ref, 0}, {"Sin", 7, sinl, 1},
    {"Cos", 7, cosl, 1},        {"Tan", 7, tanl, 2},
    {"Asin", 7, asinl, 2},      {"Acos", 7, acosl, 2},
    {"Atan", 7, atanl, 2},      {"Sinh", 9, sinhl, 2},
    {"Cosh", 9, coshl, 2},      {"Asinh", 9, asinhl, 2},
    {"Acosh", 9, acoshl, 2},    {"Atanh", 9, atanhl, 2},
};

/* Floats in order as integers (-0 and +0 both 0). */
static long double ordinal(onnxc_dtype t, double v)
{
    if (t == ONNXC_FLOAT) {
        float f = (float)v;
        int32_t i;
        memcpy(&i, &f, sizeof i);
        return i < 0 ? -(long double)(i & INT32_MAX) : (long double)i;
    }
    int64_t i;
    memcpy(&i, &v, sizeof i);
    return i < 0 ? -(long double)(i & INT64_MAX) : (long double)i;
}

/* ulps of y from ref rounded to t; NaN matches only NaN, an infinity
 * only itself. */
static long double ulps_from(onnxc_dtype t, double y, long double ref)
{
    if (isnan(y) || isnan(ref))
        return isnan(y) && isnan(ref) ? 0 : INFINITY;
    double r = t == ONNXC_FLOAT ? (double)(float)ref : (double)ref;
    if (isinf(y) || isinf(r))
        return y == r ? 0 : INFINITY;
    return fabsl(ordinal(t, y) - ordinal(t, r));
}

/* The inputs: 64 mantissas of each binade of t, both signs, then the
 * special values. *n gets their count; free() the result. */
static double *inputs(onnxc_dtype t, size_t *n)
{
    int lo = t == ONNXC_FLOAT ? -149 : -1074, hi = t == ONNXC_FLOAT ? 127 : 1023;
    int mant = t == ONNXC_FLOAT ? 24 : 53;
    static const double special[] = {
        0.0, -0.0, INFINITY, -INFINITY, NAN, 1.0, -1.0, 0.5, -0.5, 2.0,
        FLT_MAX, -FLT_MAX, FLT_MIN, -FLT_MIN, FLT_TRUE_MIN, -FLT_TRUE_MIN,
        DBL_MAX, -DBL_MAX, DBL_MIN, DBL_TRUE_MIN, 88.72283935546875, 89.0,
        -87.33654022216797, -103.97, 710.0, -745.2, 1.0000001, 0.99999994,
        -1.0000001, -0.99999994, 1.5, 2.5, -2.5, 0.49999997, 1e30, -1e30,
        3.14159265358979, 1.5707963267948966, 1e-40, 8388608.5, 4503599627370497.0};
    size_t count = (size_t)(hi - lo + 1) * 128 + sizeof special / sizeof special[0];
    double *x = malloc(count * sizeof *x);
    cr_assert_not_null(x);
    size_t k = 0;
    for (int e = lo; e <= hi; e++) {
        /* a binade [2^e, 2^(e+1)); below the normals, the subnormal one */
        for (int j = 0; j < 64; j++) {
            /* j/64 in the high bits of the mantissa, j in the low ones;
             * rounded to the type by set_elem (below the normals) */
            double v = ldexp(1.0 + j / 64.0 + ldexp(j, 1 - mant), e);
            x[k++] = v;
            x[k++] = -v;
        }
    }
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
        x[k++] = special[i];
    *n = k;
    return x;
}

static long double worst_for(const struct fn *f, onnxc_dtype t)
{
    size_t n;
    double *x = inputs(t, &n);
    void *xd = alloc_elems(n, t), *yd = alloc_elems(n, t);
    for (size_t i = 0; i < n; i++)
        set_elem(t, xd, i, x[i]);
    int64_t dims[1] = {(int64_t)n};
    kernel k;
    kernel_open_ok(&k, f->op, f->opset, NULL, 0);
    oc_tensor xt = tensor_of(t, 1, dims, xd), yt = tensor_of(t, 1, dims, yd);
    const oc_tensor *in[1] = {&xt};
    oc_tensor *out[1] = {&yt};
    kernel_run(&k, in, out);
    /* long double holds 11 bits beyond a double: the reference rounded
     * to double may itself be an ulp off, so double gets one more */
    int allowed = f->max_ulps + (t == ONNXC_DOUBLE);
    long double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double xi = get_elem(t, xd, i), y = get_elem(t, yd, i);
        long double e = ulps_from(t, y, f->ref((long double)xi));
        cr_assert(e <= allowed, "%s(%.17g) = %.17g (%s), reference %.21Lg: "
                  "%Lg ulps, allowed %d", f->op, xi, y, onnxc_dtype_name(t),
                  f->ref((long double)xi), e, allowed);
        if (e > worst)
            worst = e;
    }
    kernel_close(&k);
    free(x);
    free(xd);
    free(yd);
    return worst;
}

Test(math, float_functions_are_within_their_ulps_over_every_binade)
{
    for (size_t i = 0; i < sizeof FNS / sizeof FNS[0]; i++)
        fprintf(stderr, "math float %-10s max %Lg ulp\n", FNS[i].op,
                worst_for(&FNS[i], ONNXC_FLOAT));
}

Test(math, double_functions_are_within_their_ulps_over_every_binade)
{
    for (size_t i = 0; i < sizeof FNS / sizeof FNS[0]; i++)
        fprintf(stderr, "math double %-10s max %Lg ulp\n", FNS[i].op,
                worst_for(&FNS[i], ONNXC_DOUBLE));
}

Test(math, integer_inputs_are_refused_with_the_types_that_run)
{
    kernel k;
    kernel_open_ok(&k, "Exp", 13, NULL, 0);
    int64_t dims[1] = {2};
    oc_type x = type_of(ONNXC_INT32, 1, dims), y;
    const oc_type *in[1] = {&x};
    expect_error(kernel_infer(&k, in, &y), ONNXC_ERR_UNSUPPORTED, "int32",
                 "float, double", NULL);
    kernel_close(&k);
}
