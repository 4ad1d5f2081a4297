/*
 * test_activations.c - the float activations (Sigmoid, Tanh, Erf,
 * Softplus, Softsign, Elu, Selu, HardSigmoid, HardSwish, Gelu), PRelu and
 * Clip against references written here, their special values (NaN, ±inf,
 * ±0, subnormals, as onnxruntime gives them), every version's attributes,
 * and their type and shape checks.
 *
 * The activations' references are the formulas in long double (with the
 * textbook identity where the plain formula would cancel: expm1, log1p,
 * erfc); results must be within a few ulps of them, measured after
 * rounding the reference to the tensor's type. Kernels are driven the way
 * the runtime drives them: oc_ops_find, prepare on a hand-built node, infer
 * on types, run on tensors, out of place and in place.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_harness.h"

/* ------------------------------------------------------------ helpers */

static const int64_t consumed_value[] = {0};

static oc_attr attr_consumed(void)
{
    oc_attr a = {.name = "consumed_inputs", .type = OC_ATTR_INTS,
                 .ints = consumed_value, .count = 1};
    return a;
}

/* Floats in order as integers, -0 and +0 both 0: ulps apart is their
 * difference. Exact in long double, which has a 64-bit mantissa. */
static long double ordinal(onnxc_dtype dtype, double v)
{
    if (dtype == ONNXC_FLOAT) {
        float f = (float)v;
        int32_t i;
        memcpy(&i, &f, sizeof i);
        return i < 0 ? -(long double)(i & INT32_MAX) : (long double)i;
    }
    int64_t i;
    memcpy(&i, &v, sizeof i);
    return i < 0 ? -(long double)(i & INT64_MAX) : (long double)i;
}

/* How many ulps y is from the reference rounded to y's type; NaN is 0
 * from NaN and infinitely far from anything else. */
static long double ulps_from(onnxc_dtype dtype, double y, long double ref)
{
    if (isnan(y) || isnan(ref))
        return isnan(y) && isnan(ref) ? 0 : INFINITY;
    double r = dtype == ONNXC_FLOAT ? (double)(float)ref : (double)ref;
    return fabsl(ordinal(dtype, y) - ordinal(dtype, r));
}

/* ------------------------------------------------ the float activations */

/* The attributes a reference reads: their values, as float32 like ONNX. */
typedef struct coefs {
    float alpha, beta, gamma;
} coefs;

static long double sigmoid_ref(long double x, const coefs *c)
{
    (void)c;
    return 1 / (1 + expl(-x));
}

static long double tanh_ref(long double x, const coefs *c)
{
    (void)c;
    return tanhl(x);
}

static long double erf_ref(long double x, const coefs *c)
{
    (void)c;
    return erfl(x);
}

static long double softplus_ref(long double x, const coefs *c)
{
    (void)c;
    /* ln(1 + e^x), with e^x never overflowing. */
    return x > 0 ? x + log1pl(expl(-x)) : log1pl(expl(x));
}

static long double softsign_ref(long double x, const coefs *c)
{
    (void)c;
    return x / (1 + fabsl(x));
}

static long double elu_ref(long double x, const coefs *c)
{
    return x >= 0 ? x : c->alpha * expm1l(x);
}

static long double selu_ref(long double x, const coefs *c)
{
    return x > 0 ? c->gamma * x : c->gamma * (c->alpha * expm1l(x));
}

static long double clamp01(long double v)
{
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

static long double hard_sigmoid_ref(long double x, const coefs *c)
{
    return clamp01((long double)c->alpha * x + c->beta);
}

static long double hard_swish_ref(long double x, const coefs *c)
{
    (void)c;
    /* x / 6 + 1/2, which near -3 cancels less in this form. */
    return x * clamp01((x + 3) / 6);
}

static long double gelu_ref(long double x, const coefs *c)
{
    (void)c;
    /* 1 + erf(t) = erfc(-t) */
    return x * erfcl(-x / sqrtl(2)) / 2;
}

static long double gelu_tanh_ref(long double x, const coefs *c)
{
    (void)c;
    /* (1 + tanh(u)) / 2 = 1 / (1 + e^(-2u)) */
    long double u = sqrtl(2 / acosl(-1)) * (x + 0.044715L * x * x * x);
    return x / (1 + expl(-2 * u));
}

/* One op under test: its versions, which version 1 carries
 * consumed_inputs, its float attributes and their defaults. */
typedef struct activation {
    const char *op;
    const int versions[4];          /* 0-ended */
    bool v1_consumed;
    const char *approximate;        /* Gelu: the attribute, NULL: absent */
    const char *attrs[3];           /* float attributes, NULL-ended */
    long double (*ref)(long double x, const coefs *c);
    /* Measured worst cases against these references are below these.
     * Gelu in double also gets tail * x^2: the rounding of its erfc or
     * exp argument, which the function amplifies (see gelu.c). */
    int ulps_float, ulps_double;
    double tail;
} activation;

static const activation activations[] = {
    {"Sigmoid", {1, 6, 13}, true, NULL, {NULL}, sigmoid_ref, 3, 3, 0},
    {"Tanh", {1, 6, 13}, true, NULL, {NULL}, tanh_ref, 3, 3, 0},
    {"Erf", {9, 13}, false, NULL, {NULL}, erf_ref, 2, 2, 0},
    {"Softplus", {1}, false, NULL, {NULL}, softplus_ref, 3, 3, 0},
    {"Softsign", {1}, false, NULL, {NULL}, softsign_ref, 2, 2, 0},
    {"Elu", {1, 6}, true, NULL, {"alpha"}, elu_ref, 2, 2, 0},
    {"Selu", {1, 6}, true, NULL, {"alpha", "gamma"}, selu_ref, 3, 3, 0},
    {"HardSigmoid", {1, 6}, true, NULL, {"alpha", "beta"}, hard_sigmoid_ref,
     1, 1, 0},
    {"HardSwish", {14}, false, NULL, {NULL}, hard_swish_ref, 3, 3, 0},
    {"Gelu", {20}, false, NULL, {NULL}, gelu_ref, 1, 2, 1.5},
    {"Gelu", {20}, false, "none", {NULL}, gelu_ref, 1, 2, 1.5},
    {"Gelu", {20}, false, "tanh", {NULL}, gelu_tanh_ref, 1, 2, 4},
};
#define N_ACTIVATIONS (sizeof activations / sizeof activations[0])

static double ulps_allowed(const activation *a, onnxc_dtype dtype, double x)
{
    if (dtype == ONNXC_FLOAT)
        return a->ulps_float;
    return a->ulps_double + (isfinite(x) ? a->tail * x * x : 0);
}

/* The spec's defaults, which for Selu changed at version 6. */
static coefs default_coefs(const char *op, int version)
{
    coefs c = {0, 0, 0};
    if (strcmp(op, "Elu") == 0)
        c.alpha = 1.0f;
    if (strcmp(op, "HardSigmoid") == 0) {
        c.alpha = 0.2f;
        c.beta = 0.5f;
    }
    if (strcmp(op, "Selu") == 0) {
        c.alpha = version < 6 ? 1.6732f : 1.67326319217681884765625f;
        c.gamma = version < 6 ? 1.0507f : 1.05070102214813232421875f;
    }
    return c;
}

static float *coef_named(coefs *c, const char *name)
{
    return strcmp(name, "alpha") == 0  ? &c->alpha
           : strcmp(name, "beta") == 0 ? &c->beta
                                       : &c->gamma;
}

/* Opens `a` at `version`; with `given`, sets each of its float attributes
 * to a random value (into *c), else leaves them to their defaults. */
static void activation_open(kernel *k, const activation *a, int version,
                            bool given, rng *r, coefs *c)
{
    oc_attr attrs[5];
    int n = 0;
    *c = default_coefs(a->op, version);
    for (int i = 0; given && a->attrs[i]; i++) {
        float v = (float)(0.1 + 2 * fabs(rng_unit(r)));
        *coef_named(c, a->attrs[i]) = v;
        attrs[n++] = attr_float(a->attrs[i], v);
    }
    if (a->approximate)
        attrs[n++] = attr_string("approximate", a->approximate);
    if (version == 1 && a->v1_consumed && given)
        attrs[n++] = attr_consumed();
    kernel_open_ok(k, a->op, version, attrs, n);
    cr_assert_eq(k->node.op_version, version, "%s opset %d selected %d",
                 a->op, version, k->node.op_version);
}

/* infer gives X's type; run out of place and in place; every element
 * within the op's ulps of the reference. */
static void check_activation(const activation *a, kernel *k, const coefs *c,
                             onnxc_dtype dtype, int rank, const int64_t *dims,
                             unsigned seed)
{
    char what[160];
    snprintf(what, sizeof what, "%s-%d%s%s %s rank %d seed %u", a->op,
             k->node.op_version, a->approximate ? " approximate=" : "",
             a->approximate ? a->approximate : "", onnxc_dtype_name(dtype),
             rank, seed);
    oc_type tx = type_of(dtype, rank, dims), ty;
    const oc_type *types[1] = {&tx};
    memset(&ty, 0, sizeof ty);
    onnxc_status *st = kernel_infer(k, types, &ty);
    cr_assert_null(st, "%s: infer failed: %s", what,
                   onnxc_status_message(st));
    cr_assert(ty.dtype == dtype && ty.shape.rank == rank,
              "%s: infer changed the type", what);
    for (int i = 0; i < rank; i++)
        cr_assert_eq(ty.shape.dims[i].value, dims[i], "%s: dim %d", what, i);

    rng r = rng_seed(seed);
    size_t n = count_of(rank, dims), size = onnxc_dtype_size(dtype);
    void *x = alloc_elems(n, dtype), *y = alloc_elems(n, dtype);
    void *z = alloc_elems(n, dtype);
    fill_random(&r, dtype, x, n, N_SPECIAL);
    memset(y, 0xA5, n * size);
    oc_tensor tin = tensor_of(dtype, rank, dims, x);
    oc_tensor tout = tensor_of(dtype, rank, dims, y);
    const oc_tensor *in[1] = {&tin};
    oc_tensor *out[1] = {&tout};
    kernel_run(k, in, out);

    for (size_t i = 0; i < n; i++) {
        double xv = get_elem(dtype, x, i), yv = get_elem(dtype, y, i);
        long double want = a->ref(xv, c);
        double allowed = ulps_allowed(a, dtype, xv);
        cr_assert(ulps_from(dtype, yv, want) <= allowed,
                  "%s: x[%zu] = %.17g gave %.17g, reference %.20Lg (%Lg ulps, "
                  "%g allowed)",
                  what, i, xv, yv, want, ulps_from(dtype, yv, want), allowed);
    }

    /* In place: the runtime hands the same buffer as input and output. */
    memcpy(z, x, n * size);
    oc_tensor tz = tensor_of(dtype, rank, dims, z);
    const oc_tensor *in_z[1] = {&tz};
    oc_tensor *out_z[1] = {&tz};
    kernel_run(k, in_z, out_z);
    cr_assert(memcmp(z, y, n * size) == 0, "%s: in place differs", what);
    free(x);
    free(y);
    free(z);
}

Test(activations, every_version_matches_reference_on_random_shapes)
{
    unsigned seed = 0;
    for (size_t o = 0; o < N_ACTIVATIONS; o++) {
        const activation *a = &activations[o];
        for (const int *v = a->versions; *v; v++)
            for (int d = 0; d < 2; d++)
                for (int rep = 0; rep < 12; rep++) {
                    rng r = rng_seed(++seed);
                    int64_t dims[ONNXC_MAX_RANK];
                    int rank = random_shape(&r, dims);
                    kernel k;
                    coefs c;
                    activation_open(&k, a, *v, rep & 1, &r, &c);
                    check_activation(a, &k, &c,
                                     d ? ONNXC_DOUBLE : ONNXC_FLOAT, rank,
                                     dims, seed);
                    kernel_close(&k);
                }
    }
}

Test(activations, a_long_sweep_of_floats_and_doubles)
{
    /* Every input between -20 and 20 in steps of 2^-8, with the
     * specials: where the formulas cancel or overflow if written
     * carelessly. */
    int64_t dims[1] = {2 * 20 * 256 + 1};
    unsigned seed = 5000;
    for (size_t o = 0; o < N_ACTIVATIONS; o++) {
        const activation *a = &activations[o];
        /* The current version where there are two. */
        int v = a->versions[1] ? a->versions[1] : a->versions[0];
        for (int d = 0; d < 2; d++) {
            onnxc_dtype dtype = d ? ONNXC_DOUBLE : ONNXC_FLOAT;
            size_t n = (size_t)dims[0];
            void *x = alloc_elems(n, dtype), *y = alloc_elems(n, dtype);
            for (size_t i = 0; i < n; i++)
                set_elem(dtype, x, i, -20 + (double)i / 256);
            kernel k;
            coefs c;
            rng r = rng_seed(++seed);
            activation_open(&k, a, v, false, &r, &c);
            oc_tensor tx = tensor_of(dtype, 1, dims, x);
            oc_tensor ty = tensor_of(dtype, 1, dims, y);
            const oc_tensor *in[1] = {&tx};
            oc_tensor *out[1] = {&ty};
            kernel_run(&k, in, out);
            for (size_t i = 0; i < n; i++) {
                double xv = get_elem(dtype, x, i), yv = get_elem(dtype, y, i);
                long double want = a->ref(xv, &c);
                cr_assert(ulps_from(dtype, yv, want) <=
                              ulps_allowed(a, dtype, xv),
                          "%s %s: x = %.17g gave %.17g, reference %.20Lg "
                          "(%Lg ulps)",
                          a->op, onnxc_dtype_name(dtype), xv, yv, want,
                          ulps_from(dtype, yv, want));
            }
            kernel_close(&k);
            free(x);
            free(y);
        }
    }
}

/* Runs op (default attributes) on one float and gives the result. */
static float run_one_f(const char *op, int opset, const oc_attr *attrs,
                       int n_attrs, float x)
{
    float y = 12345.0f;
    int64_t dims[1] = {1};
    kernel k;
    kernel_open_ok(&k, op, opset, attrs, n_attrs);
    oc_tensor tx = tensor_of(ONNXC_FLOAT, 1, dims, &x);
    oc_tensor ty = tensor_of(ONNXC_FLOAT, 1, dims, &y);
    const oc_tensor *in[1] = {&tx};
    oc_tensor *out[1] = {&ty};
    kernel_run(&k, in, out);
    kernel_close(&k);
    return y;
}

static double run_one_d(const char *op, int opset, double x)
{
    double y = 12345.0;
    int64_t dims[1] = {1};
    kernel k;
    kernel_open_ok(&k, op, opset, NULL, 0);
    oc_tensor tx = tensor_of(ONNXC_DOUBLE, 1, dims, &x);
    oc_tensor ty = tensor_of(ONNXC_DOUBLE, 1, dims, &y);
    const oc_tensor *in[1] = {&tx};
    oc_tensor *out[1] = {&ty};
    kernel_run(&k, in, out);
    kernel_close(&k);
    return y;
}

static float f1(const char *op, int opset, float x)
{
    return run_one_f(op, opset, NULL, 0, x);
}

static bool is_pos_zero(double v) { return v == 0 && !signbit(v); }
static bool is_neg_zero(double v) { return v == 0 && signbit(v); }

Test(activations, nan_propagates_through_every_op)
{
    for (size_t o = 0; o < N_ACTIVATIONS; o++) {
        const activation *a = &activations[o];
        int v = a->versions[0];
        oc_attr attrs[1];
        int n = 0;
        if (a->approximate)
            attrs[n++] = attr_string("approximate", a->approximate);
        for (int s = 0; s < 2; s++) {
            float y = run_one_f(a->op, v, attrs, n, s ? -NAN : NAN);
            cr_assert(isnan(y), "%s(NaN) = %g", a->op, y);
        }
        if (!a->approximate) {
            double yd = run_one_d(a->op, v, NAN);
            cr_assert(isnan(yd), "%s(NaN) in double = %g", a->op, yd);
        }
    }
}

Test(activations, signed_zeros_follow_onnxruntime)
{
    /* Odd functions keep the sign; Elu's x >= 0 branch keeps -0; Selu
     * computes alpha * exp(x) - alpha in onnxruntime, which gives +0. */
    static const char *const keep_sign[] = {"Tanh", "Erf", "Softsign",
                                            "HardSwish"};
    for (size_t i = 0; i < 4; i++) {
        int v = strcmp(keep_sign[i], "Erf") == 0         ? 13
                : strcmp(keep_sign[i], "HardSwish") == 0 ? 14
                : strcmp(keep_sign[i], "Softsign") == 0  ? 1
                                                         : 13;
        cr_assert(is_neg_zero(f1(keep_sign[i], v, -0.0f)), "%s(-0)",
                  keep_sign[i]);
        cr_assert(is_pos_zero(f1(keep_sign[i], v, 0.0f)), "%s(+0)",
                  keep_sign[i]);
        cr_assert(is_neg_zero(run_one_d(keep_sign[i], v, -0.0)),
                  "%s(-0) in double", keep_sign[i]);
    }
    cr_assert(is_neg_zero(f1("Elu", 6, -0.0f)), "Elu(-0) must stay -0");
    cr_assert(is_pos_zero(f1("Selu", 6, -0.0f)), "Selu(-0) must be +0");
    cr_assert(is_pos_zero(run_one_d("Selu", 6, -0.0)), "Selu(-0) double");
    cr_assert(is_pos_zero(f1("Selu", 6, 0.0f)), "Selu(+0)");
    cr_assert(is_neg_zero(f1("Gelu", 20, -0.0f)), "Gelu(-0) must be -0");
    cr_assert_eq(f1("Sigmoid", 13, -0.0f), 0.5f);
    cr_assert_eq(f1("HardSigmoid", 6, -0.0f), 0.5f);
    cr_assert_eq(f1("Softplus", 1, -0.0f), (float)M_LN2);
    /* HardSwish and Gelu below their knees: x times +0 is -0. */
    cr_assert(is_neg_zero(f1("HardSwish", 14, -20.0f)), "HardSwish(-20)");
    cr_assert(is_neg_zero(f1("Gelu", 20, -20.0f)), "Gelu(-20)");
}

Test(activations, infinities_and_extremes)
{
    cr_assert_eq(f1("Sigmoid", 13, INFINITY), 1.0f);
    cr_assert(is_pos_zero(f1("Sigmoid", 13, -INFINITY)));
    /* exp of the large magnitude never overflows, and the small results
     * are kept, not flushed: e^-100 is a float subnormal. */
    cr_assert_eq(f1("Sigmoid", 13, 100.0f), 1.0f);
    float s = f1("Sigmoid", 13, -100.0f);
    cr_assert(s > 0 && s < 4e-44f, "Sigmoid(-100) = %g", s);
    cr_assert_float_eq(f1("Sigmoid", 13, -30.0f), 9.3576230e-14f, 1e-20);
    cr_assert_eq(f1("Tanh", 13, INFINITY), 1.0f);
    cr_assert_eq(f1("Tanh", 13, -INFINITY), -1.0f);
    cr_assert_eq(f1("Tanh", 13, FLT_TRUE_MIN), FLT_TRUE_MIN,
                 "a subnormal must not be flushed");
    cr_assert_eq(f1("Erf", 13, INFINITY), 1.0f);
    cr_assert_eq(f1("Erf", 13, -INFINITY), -1.0f);
    /* Softplus: x + log1p(e^-x), not log(1 + e^x) = inf. */
    cr_assert_eq(f1("Softplus", 1, 100.0f), 100.0f);
    cr_assert_eq(f1("Softplus", 1, FLT_MAX), FLT_MAX);
    cr_assert_eq(f1("Softplus", 1, INFINITY), INFINITY);
    cr_assert(is_pos_zero(f1("Softplus", 1, -INFINITY)));
    cr_assert_float_eq(f1("Softplus", 1, -20.0f), 2.0611536e-9f, 1e-15);
    cr_assert_float_eq(f1("Softsign", 1, FLT_MAX), 1.0f, 0);
    /* The spec's formula: inf / inf, as onnxruntime gives it. */
    cr_assert(isnan(f1("Softsign", 1, INFINITY)));
    cr_assert_eq(f1("Elu", 6, -INFINITY), -1.0f);
    cr_assert_eq(f1("Elu", 6, INFINITY), INFINITY);
    /* expm1 keeps tiny negative results (exp(x) - 1 would give 0). */
    cr_assert_eq(f1("Elu", 6, -1e-30f), -1e-30f);
    cr_assert_float_eq(f1("Selu", 6, -INFINITY),
                       -1.67326319217681884765625f * 1.05070102214813232421875f,
                       1e-6);
    cr_assert_eq(f1("HardSigmoid", 6, INFINITY), 1.0f);
    cr_assert(is_pos_zero(f1("HardSigmoid", 6, -INFINITY)));
    cr_assert_eq(f1("HardSwish", 14, INFINITY), INFINITY);
    cr_assert(isnan(f1("HardSwish", 14, -INFINITY)), "-inf * 0 as spec'd");
    cr_assert_eq(f1("Gelu", 20, INFINITY), INFINITY);
    cr_assert(isnan(f1("Gelu", 20, -INFINITY)), "-inf * 0 as spec'd");
    /* 1 + erf(x / sqrt 2) would cancel to 5.96e-8 granularity here. */
    cr_assert_float_eq(f1("Gelu", 20, -5.0f), -1.4332579e-6f, 1e-12);
    cr_assert_float_eq(f1("Gelu", 20, -10.0f), -7.6198530e-23f, 1e-29);
    double dsig = run_one_d("Sigmoid", 13, -700.0);
    cr_assert(dsig > 0 && dsig < 1e-303, "Sigmoid(-700) double = %g", dsig);
    cr_assert_eq(run_one_d("Softplus", 1, 1000.0), 1000.0);
}

Test(activations, known_values)
{
    oc_attr tanh_form[] = {attr_string("approximate", "tanh")};
    cr_assert_float_eq(f1("Sigmoid", 6, 1.0f), 0.7310586f, 1e-7);
    cr_assert_float_eq(f1("Tanh", 6, 0.5f), 0.46211716f, 1e-7);
    cr_assert_float_eq(f1("Erf", 9, 1.0f), 0.84270079f, 1e-7);
    cr_assert_float_eq(f1("Softplus", 1, 1.0f), 1.3132617f, 1e-7);
    cr_assert_float_eq(f1("Softsign", 1, -3.0f), -0.75f, 0);
    cr_assert_float_eq(f1("Elu", 6, -1.0f), -0.63212056f, 1e-7);
    cr_assert_float_eq(f1("HardSigmoid", 6, 1.0f), 0.7f, 1e-7);
    cr_assert_float_eq(f1("HardSwish", 14, 1.0f), 0.6666667f, 1e-7);
    cr_assert_float_eq(f1("HardSwish", 14, 4.0f), 4.0f, 0);
    cr_assert_float_eq(f1("Gelu", 20, 1.0f), 0.8413447f, 1e-7);
    cr_assert_float_eq(run_one_f("Gelu", 20, tanh_form, 1, 1.0f), 0.8411920f,
                       1e-7);
}

Test(activations, attribute_defaults_by_version)
{
    /* Selu's defaults changed at 6 (1.6732 and 1.0507 before). */
    float v1 = f1("Selu", 1, 1.0f), v6 = f1("Selu", 6, 1.0f);
    cr_assert_eq(v1, 1.0507f, "Selu-1(1) = %.9g", v1);
    cr_assert_eq(v6, 1.05070102214813232421875f, "Selu-6(1) = %.9g", v6);
    float n1 = f1("Selu", 1, -1.0f);
    cr_assert_float_eq(n1, 1.0507f * 1.6732f * expm1f(-1.0f), 1e-6);
    cr_assert_float_eq(f1("Elu", 1, -1.0f), expm1f(-1.0f), 1e-7);
    cr_assert_float_eq(f1("HardSigmoid", 1, 1.0f), 0.7f, 1e-7);

    oc_attr elu[] = {attr_float("alpha", 2.0f)};
    cr_assert_float_eq(run_one_f("Elu", 6, elu, 1, -1.0f),
                       2 * expm1f(-1.0f), 1e-7);
    oc_attr selu[] = {attr_float("alpha", 2.0f), attr_float("gamma", 3.0f)};
    cr_assert_float_eq(run_one_f("Selu", 6, selu, 2, -1.0f),
                       6 * expm1f(-1.0f), 1e-6);
    cr_assert_eq(run_one_f("Selu", 6, selu, 2, 1.0f), 3.0f);
    oc_attr hs[] = {attr_float("alpha", 0.5f), attr_float("beta", 0.25f)};
    cr_assert_eq(run_one_f("HardSigmoid", 6, hs, 2, 1.0f), 0.75f);
    cr_assert_eq(run_one_f("HardSigmoid", 6, hs, 2, 2.0f), 1.0f);
    cr_assert_eq(run_one_f("HardSigmoid", 6, hs, 2, -1.0f), 0.0f);
}

Test(activations, consumed_inputs_only_where_the_version_has_it)
{
    oc_attr consumed[] = {attr_consumed()};
    kernel k;
    for (size_t o = 0; o < N_ACTIVATIONS; o++) {
        const activation *a = &activations[o];
        if (a->approximate)
            continue;
        for (const int *v = a->versions; *v; v++) {
            onnxc_status *st = kernel_open(&k, a->op, *v, consumed, 1);
            if (*v == 1 && a->v1_consumed)
                cr_assert_null(st, "%s-1 must accept consumed_inputs: %s",
                               a->op, onnxc_status_message(st));
            else
                expect_error(st, ONNXC_ERR_UNSUPPORTED, KERNEL_LABEL,
                             "unknown attribute 'consumed_inputs'", NULL);
            kernel_close(&k);
        }
    }
}

Test(activations, unknown_and_mistyped_attributes_are_refused)
{
    kernel k;
    oc_attr alpha[] = {attr_float("alpha", 0.5f)};
    expect_error(kernel_open(&k, "Sigmoid", 13, alpha, 1),
                 ONNXC_ERR_UNSUPPORTED, KERNEL_LABEL, "Sigmoid-13", "'alpha'",
                 NULL);
    kernel_close(&k);
    oc_attr gamma[] = {attr_float("gamma", 0.5f)};
    expect_error(kernel_open(&k, "Elu", 6, gamma, 1), ONNXC_ERR_UNSUPPORTED,
                 "Elu-6", "'gamma'", NULL);
    kernel_close(&k);
    expect_error(kernel_open(&k, "HardSwish", 14, alpha, 1),
                 ONNXC_ERR_UNSUPPORTED, "HardSwish-14", "'alpha'", NULL);
    kernel_close(&k);
    oc_attr approx[] = {attr_string("approximate", "tanh")};
    expect_error(kernel_open(&k, "Tanh", 13, approx, 1),
                 ONNXC_ERR_UNSUPPORTED, "'approximate'", NULL);
    kernel_close(&k);

    oc_attr alpha_int[] = {attr_int("alpha", 1)};
    expect_error(kernel_open(&k, "Elu", 6, alpha_int, 1),
                 ONNXC_ERR_INVALID_MODEL, KERNEL_LABEL, "'alpha'", "float",
                 NULL);
    kernel_close(&k);
    oc_attr gamma_int[] = {attr_int("gamma", 1)};
    expect_error(kernel_open(&k, "Selu", 6, gamma_int, 1),
                 ONNXC_ERR_INVALID_MODEL, "'gamma'", NULL);
    kernel_close(&k);
    oc_attr beta_int[] = {attr_int("beta", 1)};
    expect_error(kernel_open(&k, "HardSigmoid", 6, beta_int, 1),
                 ONNXC_ERR_INVALID_MODEL, "'beta'", NULL);
    kernel_close(&k);

    oc_attr bad_form[] = {attr_string("approximate", "fast")};
    expect_error(kernel_open(&k, "Gelu", 20, bad_form, 1),
                 ONNXC_ERR_INVALID_MODEL, KERNEL_LABEL, "Gelu-20",
                 "got \"fast\"", "\"none\" or \"tanh\"", NULL);
    kernel_close(&k);
    oc_attr form_int[] = {attr_int("approximate", 1)};
    expect_error(kernel_open(&k, "Gelu", 20, form_int, 1),
                 ONNXC_ERR_INVALID_MODEL, "'approximate'", "a non-string",
                 NULL);
    kernel_close(&k);
}

Test(activations, versions_start_where_the_spec_does)
{
    static const struct {
        const char *op;
        int first;
    } first[] = {{"Sigmoid", 1}, {"Tanh", 1}, {"Erf", 9}, {"Softplus", 1},
                 {"Softsign", 1}, {"Elu", 1}, {"Selu", 1},
                 {"HardSigmoid", 1}, {"HardSwish", 14}, {"Gelu", 20},
                 {"PRelu", 1}, {"Clip", 1}};
    for (size_t i = 0; i < sizeof first / sizeof first[0]; i++) {
        int version = -1;
        cr_assert_not_null(oc_ops_find("", first[i].op, first[i].first, &version),
                           "%s at opset %d", first[i].op, first[i].first);
        cr_assert_eq(version, first[i].first);
        cr_assert_not_null(oc_ops_find("", first[i].op, 21, &version),
                           "%s at opset 21", first[i].op);
        if (first[i].first > 1)
            cr_assert_null(oc_ops_find("", first[i].op, first[i].first - 1,
                                    &version),
                           "%s before opset %d", first[i].op, first[i].first);
    }
    int version = -1;
    oc_ops_find("", "Sigmoid", 12, &version);
    cr_assert_eq(version, 6);
    oc_ops_find("", "Erf", 21, &version);
    cr_assert_eq(version, 13);
    oc_ops_find("", "Selu", 21, &version);
    cr_assert_eq(version, 6);
    oc_ops_find("", "PRelu", 8, &version);
    cr_assert_eq(version, 7);
    oc_ops_find("", "PRelu", 15, &version);
    cr_assert_eq(version, 9);
    oc_ops_find("", "Clip", 10, &version);
    cr_assert_eq(version, 6);
    oc_ops_find("", "Clip", 12, &version);
    cr_assert_eq(version, 12);
}

static onnxc_status *infer_one(kernel *k, const oc_type *x, oc_type *y)
{
    const oc_type *types[1] = {x};
    memset(y, 0, sizeof *y);
    return kernel_infer(k, types, y);
}

Test(activations, only_float_and_double_run)
{
    static const onnxc_dtype refused[] = {ONNXC_INT32, ONNXC_INT8,
                                          ONNXC_UINT64, ONNXC_FLOAT16,
                                          ONNXC_BFLOAT16, ONNXC_BOOL};
    int64_t dims[1] = {4};
    for (size_t o = 0; o < N_ACTIVATIONS; o++) {
        const activation *a = &activations[o];
        for (const int *v = a->versions; *v; v++)
            for (size_t t = 0; t < sizeof refused / sizeof refused[0]; t++) {
                kernel k;
                coefs c;
                activation_open(&k, a, *v, false, NULL, &c);
                oc_type tx = type_of(refused[t], 1, dims), ty;
                char version[64];
                snprintf(version, sizeof version, "%s-%d", a->op, *v);
                expect_error(infer_one(&k, &tx, &ty), ONNXC_ERR_UNSUPPORTED,
                             KERNEL_LABEL, version,
                             onnxc_dtype_name(refused[t]), "float, double",
                             NULL);
                kernel_close(&k);
            }
    }
}

Test(activations, static_shapes_pass_through_symbols_and_unknown_rank)
{
    kernel k;
    kernel_open_ok(&k, "Tanh", 13, NULL, 0);
    oc_type tx, ty;
    memset(&tx, 0, sizeof tx);
    tx.dtype = ONNXC_FLOAT;
    tx.shape.rank = 2;
    tx.shape.dims[0].value = -1;
    tx.shape.dims[0].sym = 0;
    tx.shape.dims[1] = dim_known(7);
    cr_assert_null(infer_one(&k, &tx, &ty));
    cr_assert(ty.shape.rank == 2 && ty.shape.dims[0].sym == 0 &&
              ty.shape.dims[1].value == 7);
    cr_assert_null(ty.data, "an activation's output is not a constant");
    tx.shape.rank = -1;
    cr_assert_null(infer_one(&k, &tx, &ty));
    cr_assert_eq(ty.shape.rank, -1);
    kernel_close(&k);
}

/* --------------------------------------------------------------- PRelu */

/* X's element i, as indices, and the slope element it uses: slope dims
 * aligned to X's last ones (numpy), 1s broadcast. */
static size_t slope_index(int x_rank, const int64_t *x_dims, size_t i,
                          int s_rank, const int64_t *s_dims)
{
    int64_t idx[ONNXC_MAX_RANK];
    for (int d = x_rank - 1; d >= 0; d--) {
        idx[d] = (int64_t)(i % (size_t)x_dims[d]);
        i /= (size_t)x_dims[d];
    }
    size_t at = 0;
    for (int d = 0; d < s_rank; d++) {
        int64_t xi = idx[x_rank - s_rank + d];
        at = at * (size_t)s_dims[d] + (size_t)(s_dims[d] == 1 ? 0 : xi);
    }
    return at;
}

/* Runs PRelu-opset on x (x_dims) and slope (s_dims), out of place and in
 * place, against y = x < 0 ? slope * x : x with the slope element given
 * by `channel` (versions 1 and 6: dim 1) or numpy alignment. */
static void check_prelu(int opset, onnxc_dtype dtype, int x_rank,
                        const int64_t *x_dims, int s_rank,
                        const int64_t *s_dims, bool channel, unsigned seed)
{
    char what[160];
    snprintf(what, sizeof what, "PRelu opset %d %s x rank %d slope rank %d "
             "seed %u", opset, onnxc_dtype_name(dtype), x_rank, s_rank, seed);
    kernel k;
    kernel_open_ok(&k, "PRelu", opset, NULL, 0);
    oc_type tx = type_of(dtype, x_rank, x_dims);
    oc_type ts = type_of(dtype, s_rank, s_dims), ty;
    const oc_type *types[2] = {&tx, &ts};
    memset(&ty, 0, sizeof ty);
    onnxc_status *st = kernel_infer(&k, types, &ty);
    cr_assert_null(st, "%s: infer: %s", what, onnxc_status_message(st));
    cr_assert(ty.dtype == dtype && ty.shape.rank == x_rank, "%s: type", what);
    for (int d = 0; d < x_rank; d++)
        cr_assert_eq(ty.shape.dims[d].value, x_dims[d], "%s: dim %d", what, d);

    rng r = rng_seed(seed);
    size_t n = count_of(x_rank, x_dims), ns = count_of(s_rank, s_dims);
    size_t size = onnxc_dtype_size(dtype);
    void *x = alloc_elems(n, dtype), *s = alloc_elems(ns, dtype);
    void *y = alloc_elems(n, dtype), *z = alloc_elems(n, dtype);
    bool is_float = dtype == ONNXC_FLOAT || dtype == ONNXC_DOUBLE;
    if (is_float) {
        fill_random(&r, dtype, x, n, N_SPECIAL);
        for (size_t i = 0; i < ns; i++)
            set_elem(dtype, s, i, 3 * rng_unit(&r));
    } else {
        for (size_t i = 0; i < n * size; i++)
            ((unsigned char *)x)[i] = (unsigned char)rng_next(&r);
        for (size_t i = 0; i < ns * size; i++)
            ((unsigned char *)s)[i] = (unsigned char)rng_next(&r);
    }
    memset(y, 0xA5, n * size);
    oc_tensor txx = tensor_of(dtype, x_rank, x_dims, x);
    oc_tensor tss = tensor_of(dtype, s_rank, s_dims, s);
    oc_tensor tyy = tensor_of(dtype, x_rank, x_dims, y);
    const oc_tensor *in[2] = {&txx, &tss};
    oc_tensor *out[1] = {&tyy};
    kernel_run(&k, in, out);

    for (size_t i = 0; i < n; i++) {
        size_t j;
        if (!channel)
            j = slope_index(x_rank, x_dims, i, s_rank, s_dims);
        else if (ns == 1)
            j = 0;
        else  /* dim 1 of X: strip the dims after it */
            j = (i / (size_t)(count_of(x_rank - 2, x_dims + 2))) %
                (size_t)x_dims[1];
        bool ok;
        switch (dtype) {
        case ONNXC_FLOAT: {
            float xv = ((float *)x)[i];
            float want = xv < 0 ? ((float *)s)[j] * xv : xv;
            ok = memcmp((float *)y + i, &want, size) == 0 ||
                 (isnan(want) && isnan(((float *)y)[i]));
            break;
        }
        case ONNXC_DOUBLE: {
            double xv = ((double *)x)[i];
            double want = xv < 0 ? ((double *)s)[j] * xv : xv;
            ok = memcmp((double *)y + i, &want, size) == 0 ||
                 (isnan(want) && isnan(((double *)y)[i]));
            break;
        }
        case ONNXC_INT32: {
            int32_t xv = ((int32_t *)x)[i];
            /* wraps around like onnxruntime */
            uint64_t product = (uint64_t)((int32_t *)s)[j] * (uint64_t)xv;
            int32_t want = xv < 0 ? (int32_t)(uint32_t)product : xv;
            ok = ((int32_t *)y)[i] == want;
            break;
        }
        case ONNXC_INT64: {
            int64_t xv = ((int64_t *)x)[i];
            int64_t want = xv < 0 ? (int64_t)((uint64_t)((int64_t *)s)[j] *
                                              (uint64_t)xv)
                                  : xv;
            ok = ((int64_t *)y)[i] == want;
            break;
        }
        default:  /* unsigned: never below 0 */
            ok = memcmp((char *)y + i * size, (char *)x + i * size, size) == 0;
        }
        cr_assert(ok, "%s: element %zu (slope element %zu) differs", what, i,
                  j);
    }

    memcpy(z, x, n * size);
    oc_tensor tz = tensor_of(dtype, x_rank, x_dims, z);
    const oc_tensor *in_z[2] = {&tz, &tss};
    oc_tensor *out_z[1] = {&tz};
    kernel_run(&k, in_z, out_z);
    cr_assert(memcmp(z, y, n * size) == 0, "%s: in place differs", what);
    free(x);
    free(s);
    free(y);
    free(z);
    kernel_close(&k);
}

Test(prelu, slope_broadcasts_onto_x_from_version_7)
{
    static const int opsets[] = {7, 9, 16};
    unsigned seed = 20000;
    for (size_t o = 0; o < 3; o++)
        for (int d = 0; d < 2; d++)
            for (int rep = 0; rep < 40; rep++) {
                rng r = rng_seed(++seed);
                int64_t x_dims[ONNXC_MAX_RANK], s_dims[ONNXC_MAX_RANK];
                int x_rank = random_shape(&r, x_dims);
                /* A suffix of X's dims, some of them 1. */
                int s_rank = (int)rng_below(&r, (unsigned)x_rank + 1);
                for (int i = 0; i < s_rank; i++) {
                    int64_t xd = x_dims[x_rank - s_rank + i];
                    s_dims[i] = rng_below(&r, 3) == 0 ? 1 : xd;
                }
                check_prelu(opsets[o], d ? ONNXC_DOUBLE : ONNXC_FLOAT, x_rank,
                            x_dims, s_rank, s_dims, false, seed);
            }
}

Test(prelu, integer_types_from_version_9)
{
    static const onnxc_dtype types[] = {ONNXC_INT32, ONNXC_INT64,
                                        ONNXC_UINT32, ONNXC_UINT64};
    unsigned seed = 30000;
    for (size_t t = 0; t < 4; t++)
        for (int rep = 0; rep < 20; rep++) {
            rng r = rng_seed(++seed);
            int64_t x_dims[ONNXC_MAX_RANK], s_dims[1];
            int x_rank = random_shape(&r, x_dims);
            int s_rank = x_rank > 0 && (rep & 1);
            if (s_rank)
                s_dims[0] = x_dims[x_rank - 1];
            check_prelu(rep & 2 ? 16 : 9, types[t], x_rank, x_dims, s_rank,
                        s_dims, false, seed);
        }

    /* The extremes by hand: INT32_MIN * -1 wraps to itself. */
    int32_t x[] = {INT32_MIN, -3, 0, 5, INT32_MAX}, s[] = {-1}, y[5];
    int64_t dims[1] = {5}, one[1] = {1};
    kernel k;
    kernel_open_ok(&k, "PRelu", 16, NULL, 0);
    oc_tensor tx = tensor_of(ONNXC_INT32, 1, dims, x);
    oc_tensor ts = tensor_of(ONNXC_INT32, 1, one, s);
    oc_tensor ty = tensor_of(ONNXC_INT32, 1, dims, y);
    const oc_tensor *in[2] = {&tx, &ts};
    oc_tensor *out[1] = {&ty};
    kernel_run(&k, in, out);
    const int32_t want[] = {INT32_MIN, 3, 0, 5, INT32_MAX};
    for (int i = 0; i < 5; i++)
        cr_assert_eq(y[i], want[i], "PRelu(%d) = %d", x[i], y[i]);
    kernel_close(&k);
}

Test(prelu, versions_1_and_6_take_one_slope_one_per_channel_or_x_shape)
{
    /* The PyTorch-converted test_PReLU_* shapes, and others. */
    static const int64_t shapes[][5] = {
        {2, 3, 4}, {2, 3, 4, 5}, {2, 3, 4, 5, 6}, {1, 7}, {3, 1, 2}};
    static const int ranks[] = {3, 4, 5, 2, 3};
    unsigned seed = 40000;
    for (int opset = 1; opset <= 6; opset += 5)
        for (int d = 0; d < 2; d++)
            for (size_t s = 0; s < 5; s++) {
                int64_t one[1] = {1}, per_c[1] = {shapes[s][1]};
                int64_t per_c_col[3] = {shapes[s][1], 1, 1};
                onnxc_dtype dt = d ? ONNXC_DOUBLE : ONNXC_FLOAT;
                check_prelu(opset, dt, ranks[s], shapes[s], 1, one, true,
                            ++seed);
                check_prelu(opset, dt, ranks[s], shapes[s], 1, per_c, true,
                            ++seed);
                /* Any shape holding C elements: per channel. */
                check_prelu(opset, dt, ranks[s], shapes[s], 3, per_c_col, true,
                            ++seed);
                /* X's shape: elementwise. */
                check_prelu(opset, dt, ranks[s], shapes[s], ranks[s],
                            shapes[s], false, ++seed);
            }
    /* Where C is all of X, per channel and elementwise agree. */
    int64_t x131[3] = {1, 3, 1}, s3[1] = {3};
    check_prelu(6, ONNXC_FLOAT, 3, x131, 1, s3, true, ++seed);
    check_prelu(6, ONNXC_FLOAT, 3, x131, 3, x131, false, ++seed);

    /* consumed_inputs in 1 only. */
    oc_attr consumed[] = {attr_consumed()};
    kernel k;
    kernel_open_ok(&k, "PRelu", 1, consumed, 1);
    kernel_close(&k);
    expect_error(kernel_open(&k, "PRelu", 6, consumed, 1),
                 ONNXC_ERR_UNSUPPORTED, "PRelu-6", "consumed_inputs", NULL);
    kernel_close(&k);
}

static onnxc_status *prelu_infer(kernel *k, onnxc_dtype xt, int x_rank,
                                 const int64_t *x_dims, onnxc_dtype st,
                                 int s_rank, const int64_t *s_dims)
{
    oc_type tx = type_of(xt, x_rank, x_dims), ts = type_of(st, s_rank, s_dims);
    oc_type ty;
    const oc_type *types[2] = {&tx, &ts};
    memset(&ty, 0, sizeof ty);
    return kernel_infer(k, types, &ty);
}

Test(prelu, shapes_and_types_that_do_not_fit_are_refused)
{
    const int64_t x[3] = {2, 3, 4}, s4[1] = {4}, s3[1] = {3}, s34[2] = {3, 4};
    const int64_t s234[4] = {1, 2, 3, 4}, s5[1] = {5}, s2[1] = {2};
    kernel k;
    kernel_open_ok(&k, "PRelu", 16, NULL, 0);
    cr_assert_null(prelu_infer(&k, ONNXC_FLOAT, 3, x, ONNXC_FLOAT, 1, s4));
    cr_assert_null(prelu_infer(&k, ONNXC_FLOAT, 3, x, ONNXC_FLOAT, 2, s34));
    /* From 7 a [3] slope aligns with X's last dim, 4. */
    expect_error(prelu_infer(&k, ONNXC_FLOAT, 3, x, ONNXC_FLOAT, 1, s3),
                 ONNXC_ERR_SHAPE, KERNEL_LABEL, "PRelu-16", "[3]", "[2,3,4]",
                 NULL);
    /* Unidirectional: the slope may not grow X. */
    expect_error(prelu_infer(&k, ONNXC_FLOAT, 3, x, ONNXC_FLOAT, 4, s234),
                 ONNXC_ERR_SHAPE, "[1,2,3,4]", NULL);
    expect_error(prelu_infer(&k, ONNXC_FLOAT, 3, x, ONNXC_DOUBLE, 1, s4),
                 ONNXC_ERR_SHAPE, "float", "double", NULL);
    expect_error(prelu_infer(&k, ONNXC_INT8, 3, x, ONNXC_INT8, 1, s4),
                 ONNXC_ERR_UNSUPPORTED, "int8", "int32", NULL);
    kernel_close(&k);

    /* Integers only from 9. */
    kernel_open_ok(&k, "PRelu", 8, NULL, 0);
    expect_error(prelu_infer(&k, ONNXC_INT32, 3, x, ONNXC_INT32, 1, s4),
                 ONNXC_ERR_UNSUPPORTED, "PRelu-7", "int32", "float, double",
                 NULL);
    kernel_close(&k);

    /* Before 7: one slope, or X's dim 1 of them. */
    kernel_open_ok(&k, "PRelu", 6, NULL, 0);
    cr_assert_null(prelu_infer(&k, ONNXC_FLOAT, 3, x, ONNXC_FLOAT, 1, s3));
    expect_error(prelu_infer(&k, ONNXC_FLOAT, 3, x, ONNXC_FLOAT, 1, s4),
                 ONNXC_ERR_SHAPE, "PRelu-6", "[4]", "[2,3,4]", "X's dim 1",
                 "X's shape", NULL);
    expect_error(prelu_infer(&k, ONNXC_FLOAT, 3, x, ONNXC_FLOAT, 1, s5),
                 ONNXC_ERR_SHAPE, "[5]", NULL);
    /* X's own shape: elementwise. */
    cr_assert_null(prelu_infer(&k, ONNXC_FLOAT, 3, x, ONNXC_FLOAT, 3, x));
    cr_assert_null(prelu_infer(&k, ONNXC_FLOAT, 1, s2, ONNXC_FLOAT, 1, s2));
    /* A 1-D X has no channel dim. */
    expect_error(prelu_infer(&k, ONNXC_FLOAT, 1, s2, ONNXC_FLOAT, 1, s3),
                 ONNXC_ERR_SHAPE, "[3]", "[2]", NULL);
    /* Broadcasting came at 7. */
    expect_error(prelu_infer(&k, ONNXC_FLOAT, 3, x, ONNXC_FLOAT, 2, s34),
                 ONNXC_ERR_SHAPE, "[3,4]", NULL);
    kernel_close(&k);
}

Test(prelu, symbolic_dims_are_left_to_the_plan)
{
    kernel k;
    kernel_open_ok(&k, "PRelu", 16, NULL, 0);
    oc_type tx, ts, ty;
    memset(&tx, 0, sizeof tx);
    tx.dtype = ONNXC_FLOAT;
    tx.shape.rank = 2;
    tx.shape.dims[0] = dim_known(2);
    tx.shape.dims[1].value = -1;
    tx.shape.dims[1].sym = 0;
    int64_t s5[1] = {5};
    ts = type_of(ONNXC_FLOAT, 1, s5);
    const oc_type *types[2] = {&tx, &ts};
    cr_assert_null(kernel_infer(&k, types, &ty));
    cr_assert(ty.shape.rank == 2 && ty.shape.dims[1].sym == 0,
              "Y keeps X's symbol");
    tx.shape.rank = -1;
    cr_assert_null(kernel_infer(&k, types, &ty));
    cr_assert_eq(ty.shape.rank, -1);
    kernel_close(&k);
}

Test(prelu, negative_zero_and_nan_as_onnxruntime)
{
    float x[] = {-0.0f, 0.0f, NAN, -INFINITY, INFINITY, -2.0f}, s[] = {-1.0f};
    float y[6];
    int64_t dims[1] = {6}, one[1] = {1};
    kernel k;
    kernel_open_ok(&k, "PRelu", 16, NULL, 0);
    oc_tensor tx = tensor_of(ONNXC_FLOAT, 1, dims, x);
    oc_tensor ts = tensor_of(ONNXC_FLOAT, 1, one, s);
    oc_tensor ty = tensor_of(ONNXC_FLOAT, 1, dims, y);
    const oc_tensor *in[2] = {&tx, &ts};
    oc_tensor *out[1] = {&ty};
    kernel_run(&k, in, out);
    cr_assert(is_neg_zero(y[0]), "PRelu(-0) = %g", y[0]);
    cr_assert(is_pos_zero(y[1]));
    cr_assert(isnan(y[2]));
    cr_assert_eq(y[3], INFINITY);
    cr_assert_eq(y[4], INFINITY);
    cr_assert_eq(y[5], 2.0f);
    kernel_close(&k);
}

/* ---------------------------------------------------------------- Clip */

/* Clip-opset on float x, with bounds as attributes (opset < 11) or as
 * inputs (NAN in lo/hi: omitted). */
static void run_clip_f(int opset, float lo, float hi, const float *x,
                       float *y, int64_t n)
{
    oc_attr attrs[2] = {0};
    int n_attrs = 0;
    bool inputs = opset >= 11;
    if (!inputs && !isnan(lo))
        attrs[n_attrs++] = attr_float("min", lo);
    if (!inputs && !isnan(hi))
        attrs[n_attrs++] = attr_float("max", hi);
    kernel k;
    kernel_open_ok(&k, "Clip", opset, attrs, n_attrs);
    int64_t dims[1] = {n};
    oc_tensor tx = tensor_of(ONNXC_FLOAT, 1, dims, (void *)x);
    oc_tensor tl = tensor_of(ONNXC_FLOAT, 0, NULL, &lo);
    oc_tensor th = tensor_of(ONNXC_FLOAT, 0, NULL, &hi);
    oc_tensor ty = tensor_of(ONNXC_FLOAT, 1, dims, y);
    const oc_tensor *in[3] = {&tx, inputs && !isnan(lo) ? &tl : NULL,
                              inputs && !isnan(hi) ? &th : NULL};
    oc_tensor *out[1] = {&ty};
    oc_type t_x = type_of(ONNXC_FLOAT, 1, dims);
    oc_type t_b = type_of(ONNXC_FLOAT, 0, NULL), t_y;
    const oc_type *types[3] = {&t_x, in[1] ? &t_b : NULL,
                               in[2] ? &t_b : NULL};
    onnxc_status *st = kernel_infer(&k, types, &t_y);
    cr_assert_null(st, "Clip-%d infer: %s", opset, onnxc_status_message(st));
    kernel_run(&k, in, out);
    kernel_close(&k);
}

Test(clip, bounds_from_attributes_before_11_and_inputs_after)
{
    static const int opsets[] = {1, 6, 11, 12, 13};
    const float x[] = {-3.0f, -1.0f, -0.5f, 0.0f, 0.25f, 1.0f, 7.0f};
    for (size_t o = 0; o < 5; o++) {
        float y[7];
        run_clip_f(opsets[o], -0.5f, 0.5f, x, y, 7);
        const float want[] = {-0.5f, -0.5f, -0.5f, 0.0f, 0.25f, 0.5f, 0.5f};
        for (int i = 0; i < 7; i++)
            cr_assert_eq(y[i], want[i], "Clip opset %d: x = %g gave %g",
                         opsets[o], x[i], y[i]);
        /* Only one bound. */
        run_clip_f(opsets[o], NAN, 0.0f, x, y, 7);
        for (int i = 0; i < 7; i++)
            cr_assert_eq(y[i], x[i] > 0 ? 0.0f : x[i]);
        run_clip_f(opsets[o], 0.0f, NAN, x, y, 7);
        for (int i = 0; i < 7; i++)
            cr_assert_eq(y[i], x[i] < 0 ? 0.0f : x[i]);
    }
}

Test(clip, absent_bounds_by_version)
{
    const float x[] = {-INFINITY, INFINITY, -FLT_MAX, 3.0f, NAN};
    float y[5];
    /* 1 and 6 on float: -FLT_MAX and FLT_MAX. */
    for (int opset = 1; opset <= 6; opset += 5) {
        run_clip_f(opset, NAN, NAN, x, y, 5);
        cr_assert_eq(y[0], -FLT_MAX, "Clip-%d(-inf) = %g", opset, y[0]);
        cr_assert_eq(y[1], FLT_MAX);
        cr_assert_eq(y[2], -FLT_MAX);
        cr_assert_eq(y[3], 3.0f);
        cr_assert(isnan(y[4]));
    }
    /* From 11 an omitted input is the type's lowest() or max(). */
    run_clip_f(13, NAN, NAN, x, y, 5);
    cr_assert_eq(y[0], -FLT_MAX, "Clip-13(-inf) = %g", y[0]);
    cr_assert_eq(y[1], FLT_MAX);
    cr_assert_eq(y[3], 3.0f);
    cr_assert(isnan(y[4]));
    run_clip_f(11, NAN, 1.0f, x, y, 5);
    cr_assert_eq(y[0], -FLT_MAX);
    cr_assert_eq(y[1], 1.0f);

    /* 6 declares float32 defaults, which double tensors get too. */
    double xd[] = {-1e300, 1e300, 2.5}, yd[3];
    int64_t dims[1] = {3};
    kernel k;
    kernel_open_ok(&k, "Clip", 6, NULL, 0);
    oc_tensor tx = tensor_of(ONNXC_DOUBLE, 1, dims, xd);
    oc_tensor ty = tensor_of(ONNXC_DOUBLE, 1, dims, yd);
    const oc_tensor *in[3] = {&tx, NULL, NULL};
    oc_tensor *out[1] = {&ty};
    kernel_run(&k, in, out);
    cr_assert_eq(yd[0], -(double)FLT_MAX);
    cr_assert_eq(yd[1], (double)FLT_MAX);
    cr_assert_eq(yd[2], 2.5);
    kernel_close(&k);

    /* 1 declares none: an absent bound is double's own limit, a given
     * one applies. */
    oc_attr max_attr[] = {attr_float("max", 2.0f)};
    kernel_open_ok(&k, "Clip", 1, max_attr, 1);
    kernel_run(&k, in, out);
    cr_assert_eq(yd[0], -1e300, "Clip-1 double(-1e300) = %g", yd[0]);
    cr_assert_eq(yd[1], 2.0);
    kernel_close(&k);

    /* From 11, double's own range. */
    double xi[] = {-INFINITY, INFINITY, -1e300};
    kernel_open_ok(&k, "Clip", 13, NULL, 0);
    tx = tensor_of(ONNXC_DOUBLE, 1, dims, xi);
    kernel_run(&k, in, out);
    cr_assert_eq(yd[0], -DBL_MAX);
    cr_assert_eq(yd[1], DBL_MAX);
    cr_assert_eq(yd[2], -1e300);
    kernel_close(&k);
}

Test(clip, min_above_max_gives_max_and_nan_as_onnxruntime)
{
    const float x[] = {-2.0f, 0.0f, 2.0f, NAN, -0.0f};
    float y[5];
    run_clip_f(13, 1.0f, -1.0f, x, y, 5);
    for (int i = 0; i < 3; i++)
        cr_assert_eq(y[i], -1.0f, "min > max: x = %g gave %g", x[i], y[i]);
    cr_assert(isnan(y[3]), "NaN stays NaN");
    /* A NaN bound clips nothing (x < NaN is false). */
    float nan_bounds[5];
    kernel k;
    float lo = NAN, hi = 1.0f;
    int64_t dims[1] = {5};
    kernel_open_ok(&k, "Clip", 13, NULL, 0);
    oc_tensor tx = tensor_of(ONNXC_FLOAT, 1, dims, (void *)x);
    oc_tensor tl = tensor_of(ONNXC_FLOAT, 0, NULL, &lo);
    oc_tensor th = tensor_of(ONNXC_FLOAT, 0, NULL, &hi);
    oc_tensor ty = tensor_of(ONNXC_FLOAT, 1, dims, nan_bounds);
    const oc_tensor *in[3] = {&tx, &tl, &th};
    oc_tensor *out[1] = {&ty};
    kernel_run(&k, in, out);
    cr_assert_eq(nan_bounds[0], -2.0f);
    cr_assert_eq(nan_bounds[2], 1.0f);
    cr_assert(is_neg_zero(nan_bounds[4]), "-0 within bounds stays -0");
    kernel_close(&k);
}

/* Clip-12 on every value of interest of an integer type, with a [1]
 * shaped max and a scalar min, against the same clamp done here. */
#define CHECK_CLIP_INT(T, DTYPE, MIN, MAX)                                     \
    do {                                                                       \
        T x[] = {MIN, (T)(MIN + 1), (T)(MIN / 2), 0, 1, (T)(MAX / 2),          \
                 (T)(MAX - 1), MAX};                                           \
        T lo = (T)(MIN / 4), hi = (T)(MAX / 3), y[8];                          \
        int64_t dims[1] = {8}, one[1] = {1};                                   \
        kernel k;                                                              \
        kernel_open_ok(&k, "Clip", 12, NULL, 0);                               \
        oc_type t_x = type_of(DTYPE, 1, dims), t_l = type_of(DTYPE, 0, NULL);  \
        oc_type t_h = type_of(DTYPE, 1, one), t_y;                             \
        const oc_type *types[3] = {&t_x, &t_l, &t_h};                          \
        onnxc_status *st = kernel_infer(&k, types, &t_y);        \
        cr_assert_null(st, "Clip-12 %s: %s", onnxc_dtype_name(DTYPE),          \
                       onnxc_status_message(st));                              \
        oc_tensor tx = tensor_of(DTYPE, 1, dims, x);                           \
        oc_tensor tl = tensor_of(DTYPE, 0, NULL, &lo);                         \
        oc_tensor th = tensor_of(DTYPE, 1, one, &hi);                          \
        oc_tensor ty = tensor_of(DTYPE, 1, dims, y);                           \
        const oc_tensor *in[3] = {&tx, &tl, &th};                              \
        oc_tensor *out[1] = {&ty};                                             \
        kernel_run(&k, in, out);                                               \
        for (int i = 0; i < 8; i++)                                            \
            cr_assert_eq(y[i], x[i] < lo ? lo : x[i] > hi ? hi : x[i],         \
                         "Clip-12 %s: x[%d] = %lld gave %lld",                 \
                         onnxc_dtype_name(DTYPE), i, (long long)x[i],          \
                         (long long)y[i]);                                     \
        /* No bounds: nothing changes. */                                      \
        const oc_tensor *bare[3] = {&tx, NULL, NULL};                          \
        kernel_run(&k, bare, out);                                             \
        cr_assert(memcmp(x, y, sizeof x) == 0, "Clip-12 %s without bounds",    \
                  onnxc_dtype_name(DTYPE));                                    \
        kernel_close(&k);                                                      \
    } while (0)

Test(clip, every_integer_type_from_version_12)
{
    CHECK_CLIP_INT(int8_t, ONNXC_INT8, INT8_MIN, INT8_MAX);
    CHECK_CLIP_INT(int16_t, ONNXC_INT16, INT16_MIN, INT16_MAX);
    CHECK_CLIP_INT(int32_t, ONNXC_INT32, INT32_MIN, INT32_MAX);
    CHECK_CLIP_INT(int64_t, ONNXC_INT64, INT64_MIN, INT64_MAX);
    CHECK_CLIP_INT(uint8_t, ONNXC_UINT8, 0, UINT8_MAX);
    CHECK_CLIP_INT(uint16_t, ONNXC_UINT16, 0, UINT16_MAX);
    CHECK_CLIP_INT(uint32_t, ONNXC_UINT32, 0, UINT32_MAX);
    CHECK_CLIP_INT(uint64_t, ONNXC_UINT64, 0, UINT64_MAX);
}

Test(clip, random_float_and_double_tensors_in_place_too)
{
    unsigned seed = 50000;
    for (int d = 0; d < 2; d++)
        for (int rep = 0; rep < 30; rep++) {
            onnxc_dtype dtype = d ? ONNXC_DOUBLE : ONNXC_FLOAT;
            rng r = rng_seed(++seed);
            int64_t dims[ONNXC_MAX_RANK];
            int rank = random_shape(&r, dims);
            size_t n = count_of(rank, dims), size = onnxc_dtype_size(dtype);
            double lo = 8 * rng_unit(&r), hi = lo + 4 * fabs(rng_unit(&r));
            void *x = alloc_elems(n, dtype), *y = alloc_elems(n, dtype);
            void *z = alloc_elems(n, dtype), *want = alloc_elems(n, dtype);
            void *bl = alloc_elems(1, dtype), *bh = alloc_elems(1, dtype);
            set_elem(dtype, bl, 0, lo);
            set_elem(dtype, bh, 0, hi);
            lo = get_elem(dtype, bl, 0);  /* as the tensor holds them */
            hi = get_elem(dtype, bh, 0);
            fill_random(&r, dtype, x, n, N_SPECIAL);
            for (size_t i = 0; i < n; i++) {
                double v = get_elem(dtype, x, i);
                set_elem(dtype, want, i, v < lo ? lo : v > hi ? hi : v);
            }
            kernel k;
            kernel_open_ok(&k, "Clip", rep & 1 ? 13 : 11, NULL, 0);
            oc_tensor tx = tensor_of(dtype, rank, dims, x);
            oc_tensor tl = tensor_of(dtype, 0, NULL, bl);
            oc_tensor th = tensor_of(dtype, 0, NULL, bh);
            oc_tensor ty = tensor_of(dtype, rank, dims, y);
            const oc_tensor *in[3] = {&tx, &tl, &th};
            oc_tensor *out[1] = {&ty};
            kernel_run(&k, in, out);
            for (size_t i = 0; i < n; i++)
                cr_assert(same_value(dtype, y, want, i),
                          "Clip %s seed %u: x[%zu] = %g gave %g, want %g",
                          onnxc_dtype_name(dtype), seed, i,
                          get_elem(dtype, x, i), get_elem(dtype, y, i),
                          get_elem(dtype, want, i));
            memcpy(z, x, n * size);
            oc_tensor tz = tensor_of(dtype, rank, dims, z);
            const oc_tensor *in_z[3] = {&tz, &tl, &th};
            oc_tensor *out_z[1] = {&tz};
            kernel_run(&k, in_z, out_z);
            cr_assert(memcmp(z, y, n * size) == 0, "in place differs");
            kernel_close(&k);
            free(x);
            free(y);
            free(z);
            free(want);
            free(bl);
            free(bh);
        }
}

static onnxc_status *clip_infer3(kernel *k, onnxc_dtype xt, onnxc_dtype bt,
                                 int b_rank, const int64_t *b_dims,
                                 bool with_min, bool with_max)
{
    int64_t dims[2] = {3, 4};
    oc_type tx = type_of(xt, 2, dims), tb = type_of(bt, b_rank, b_dims), ty;
    const oc_type *types[3] = {&tx, with_min ? &tb : NULL,
                               with_max ? &tb : NULL};
    memset(&ty, 0, sizeof ty);
    onnxc_status *st = kernel_infer(k, types, &ty);
    if (!st)
        cr_assert(ty.dtype == xt && ty.shape.rank == 2 &&
                  ty.shape.dims[1].value == 4);
    return st;
}

Test(clip, checks_types_bounds_and_attributes_per_version)
{
    int64_t one[1] = {1}, two[1] = {2}, one_one[2] = {1, 1};
    kernel k;
    kernel_open_ok(&k, "Clip", 13, NULL, 0);
    const onnxc_dtype f = ONNXC_FLOAT, d = ONNXC_DOUBLE;
    cr_assert_null(clip_infer3(&k, f, f, 0, NULL, true, true));
    cr_assert_null(clip_infer3(&k, f, f, 1, one, false, true));
    cr_assert_null(
        clip_infer3(&k, ONNXC_UINT16, ONNXC_UINT16, 0, NULL, true, false));
    expect_error(clip_infer3(&k, f, f, 1, two, true, false), ONNXC_ERR_SHAPE,
                 KERNEL_LABEL, "Clip-13", "min", "scalar", "[2]", NULL);
    expect_error(clip_infer3(&k, f, f, 2, one_one, false, true),
                 ONNXC_ERR_SHAPE, "max", "[1,1]", NULL);
    expect_error(clip_infer3(&k, f, d, 0, NULL, true, false), ONNXC_ERR_SHAPE,
                 "min", "float", "double", NULL);
    expect_error(clip_infer3(&k, ONNXC_BOOL, ONNXC_BOOL, 0, NULL, false,
                             false),
                 ONNXC_ERR_UNSUPPORTED, "Clip-13", "bool", "int8", NULL);
    expect_error(clip_infer3(&k, ONNXC_BFLOAT16, ONNXC_BFLOAT16, 0, NULL,
                             false, false),
                 ONNXC_ERR_UNSUPPORTED, "bfloat16", NULL);
    kernel_close(&k);

    /* Integers from 12. */
    kernel_open_ok(&k, "Clip", 11, NULL, 0);
    expect_error(clip_infer3(&k, ONNXC_INT8, ONNXC_INT8, 0, NULL, false,
                             false),
                 ONNXC_ERR_UNSUPPORTED, "Clip-11", "int8", "float, double",
                 NULL);
    kernel_close(&k);

    /* Before 11 the bounds are attributes; inputs are refused. */
    kernel_open_ok(&k, "Clip", 6, NULL, 0);
    expect_error(clip_infer3(&k, f, f, 0, NULL, true, false),
                 ONNXC_ERR_INVALID_MODEL, KERNEL_LABEL, "Clip-6", "attributes",
                 NULL);
    expect_error(clip_infer3(&k, ONNXC_INT32, ONNXC_INT32, 0, NULL, false,
                             false),
                 ONNXC_ERR_UNSUPPORTED, "int32", NULL);
    kernel_close(&k);

    oc_attr consumed[] = {attr_consumed(), attr_float("min", 0)};
    kernel_open_ok(&k, "Clip", 1, consumed, 2);
    kernel_close(&k);
    expect_error(kernel_open(&k, "Clip", 6, consumed, 2),
                 ONNXC_ERR_UNSUPPORTED, "Clip-6", "consumed_inputs", NULL);
    kernel_close(&k);
    oc_attr min_attr[] = {attr_float("min", 0)};
    expect_error(kernel_open(&k, "Clip", 11, min_attr, 1),
                 ONNXC_ERR_UNSUPPORTED, "Clip-11", "unknown attribute 'min'",
                 NULL);
    kernel_close(&k);
    oc_attr min_int[] = {attr_int("min", 0)};
    expect_error(kernel_open(&k, "Clip", 6, min_int, 1),
                 ONNXC_ERR_INVALID_MODEL, "'min'", "float", NULL);
    kernel_close(&k);
}

/* ------------------------------------- the vectorized float loops */

#include "ops/kernels/vec_exp.h"

/* The names of the vector ISAs, indexed by vec_isa, for messages. */
static const char *const vec_isa_names[] = {"scalar", "avx2", "avx512"};

/* The vectorized float functions, by number: 0 Sigmoid, 1 Tanh, 2 Exp. */
enum { VEC_FUNCTIONS = 3 };
static const char *const vec_function_names[] = {"Sigmoid", "Tanh", "Exp"};

static void vec_function(int f, vec_isa isa, float *y, const float *x,
                         size_t n)
{
    if (f == 0)
        oc_vec_sigmoid_f32(isa, y, x, n);
    else if (f == 1)
        oc_vec_tanh_f32(isa, y, x, n);
    else
        oc_vec_exp_f32(isa, y, x, n);
}

/* Runs function f's float loop for isa over x and checks every result
 * within 3 ulps of the long double reference. */
static void check_vec_ulps(vec_isa isa, int f, const float *x, float *y,
                           size_t n)
{
    vec_function(f, isa, y, x, n);
    for (size_t i = 0; i < n; i++) {
        long double want = f == 0   ? sigmoid_ref(x[i], NULL)
                           : f == 1 ? tanh_ref(x[i], NULL)
                                    : expl(x[i]);
        long double u = ulps_from(ONNXC_FLOAT, y[i], want);
        cr_assert(u <= 3, "%s %s: x = %a gave %a, reference %.20Lg (%Lg ulps)",
                  vec_function_names[f], vec_isa_names[isa], x[i], y[i], want,
                  u);
    }
}

Test(vecmath, sigmoid_tanh_and_exp_within_3_ulps_on_every_isa)
{
    /* Every 97th float in [-100, 100], the inputs whose Sigmoid and Exp
     * are subnormal ([-104, -87], every 7th), those where Exp overflows
     * ([88, 89], every 7th) and the tiny inputs, in chunks whose odd
     * lengths exercise the tails. */
    enum { CHUNK = 4093 };
    float *x = malloc(CHUNK * sizeof *x), *y = malloc(CHUNK * sizeof *y);
    cr_assert(x && y);
    for (int isa = VEC_SCALAR; isa <= VEC_AVX512; isa++) {
        if (!oc_vec_isa_available((vec_isa)isa))
            continue;
        for (int f = 0; f < VEC_FUNCTIONS; f++) {
            size_t n = 0;
            for (uint32_t b = 0; b <= 0x42C80000u; b += 97)
                for (int s = 0; s < 2; s++) {
                    uint32_t bits = b | (s ? 0x80000000u : 0);
                    memcpy(&x[n++], &bits, sizeof bits);
                    if (n == CHUNK) {
                        check_vec_ulps((vec_isa)isa, f, x, y, n);
                        n = 0;
                    }
                }
            static const float ranges[2][2] = {{-104, -87}, {88, 89}};
            for (int g = 0; g < 2; g++)
                for (float v = ranges[g][0]; v < ranges[g][1];
                     v = nextafterf(v, INFINITY)) {
                    for (int k = 0; k < 6; k++)
                        v = nextafterf(v, INFINITY);
                    x[n++] = v;
                    if (n == CHUNK) {
                        check_vec_ulps((vec_isa)isa, f, x, y, n);
                        n = 0;
                    }
                }
            check_vec_ulps((vec_isa)isa, f, x, y, n);
        }
    }
    free(x);
    free(y);
}

Test(vecmath, special_values_as_the_scalar_loops_give_them)
{
    /* The harness's specials and inputs whose results saturate or are x
     * itself, bit for bit as the scalar (libm) loops give them, NaN as
     * NaN; each at every lane position of a vector and in a tail. */
    float sp[N_SPECIAL + 8 + 6];
    memcpy(sp, special_f, sizeof special_f);
    static const float more[8] = {104.0f, -104.0f, 200.0f, -200.0f,
                                  0x1p-28f, -0x1p-28f, 1e30f, -1e30f};
    memcpy(sp + N_SPECIAL, more, sizeof more);
    /* and for Exp, the edges: the last finite result and the first inf,
     * the last nonzero and the first 0 (libm's expf is correctly rounded
     * there, so the loops must agree with it bit for bit) */
    static const float exp_edges[6] = {88.72283f, 88.72284f, -103.97207f,
                                       -103.97208f, -87.33654f, -87.33655f};
    memcpy(sp + N_SPECIAL + 8, exp_edges, sizeof exp_edges);
    enum { LEN = 37 };
    float x[LEN], y[LEN], want[LEN];
    for (int isa = VEC_AVX2; isa <= VEC_AVX512; isa++) {
        if (!oc_vec_isa_available((vec_isa)isa))
            continue;
        for (int f = 0; f < VEC_FUNCTIONS; f++)
            for (size_t s = 0; s < (f == 2 ? sizeof sp / sizeof sp[0]
                                             : N_SPECIAL + 8); s++) {
                for (size_t at = 0; at < LEN; at++) {
                    for (size_t i = 0; i < LEN; i++)
                        x[i] = i == at ? sp[s] : 0.25f * (float)i - 4;
                    vec_function(f, (vec_isa)isa, y, x, LEN);
                    vec_function(f, VEC_SCALAR, want, x, LEN);
                    /* An ordinary result (none of 0, +-1, 1/2, inf, NaN,
                     * x itself): within 3 ulps, as everywhere; the rest
                     * bit for bit */
                    float w = want[at];
                    bool plain = w != 0 && fabsf(w) != 1 && w != 0.5f &&
                                 w != x[at] && !isinf(w) && !isnan(w);
                    long double ref = f == 0   ? sigmoid_ref(x[at], NULL)
                                      : f == 1 ? tanh_ref(x[at], NULL)
                                               : expl(x[at]);
                    bool same = plain ? ulps_from(ONNXC_FLOAT, y[at], ref) <= 3
                                : isnan(w) ? isnan(y[at]) != 0
                                : memcmp(&y[at], &w, sizeof w) == 0;
                    cr_assert(same, "%s %s: x = %a at %zu gave %a, scalar %a",
                              vec_function_names[f], vec_isa_names[isa],
                              sp[s], at, y[at], w);
                }
            }
    }
}

Test(vecmath, onnxc_vecmath_selects_the_loop)
{
    /* The ops follow the kernels the session asks for: each ISA the CPU
     * has gives its own loop's results through the kernel, in place too. */
    static const onnxc_kernels kernels_of[] = {
        ONNXC_KERNELS_PORTABLE, ONNXC_KERNELS_AVX2, ONNXC_KERNELS_AVX512};
    for (int isa = VEC_SCALAR; isa <= VEC_AVX512; isa++) {
        if (!oc_vec_isa_available((vec_isa)isa))
            continue;
        kernel_use(kernels_of[isa]);
        cr_assert_eq(oc_vec_select(kernels_of[isa]), (vec_isa)isa);
        for (int f = 0; f < VEC_FUNCTIONS; f++) {
            /* long enough for the run to split it over threads */
            enum { LEN = 300001 };
            size_t bytes = LEN * sizeof(float);
            float *x = malloc(bytes), *y = malloc(bytes), *want = malloc(bytes);
            cr_assert(x && y && want);
            for (size_t i = 0; i < LEN; i++)
                x[i] = (float)(i % 1000) * 0.037f - 18;
            vec_function(f, (vec_isa)isa, want, x, LEN);
            int64_t dims[1] = {LEN};
            kernel k;
            kernel_open_ok(&k, vec_function_names[f], 13, NULL, 0);
            oc_tensor tx = tensor_of(ONNXC_FLOAT, 1, dims, x);
            oc_tensor ty = tensor_of(ONNXC_FLOAT, 1, dims, y);
            const oc_tensor *in[1] = {&tx};
            oc_tensor *out[1] = {&ty};
            for (int threads = 1; threads <= 3; threads++) {
                oc_thread_pool *pool = NULL;
                if (threads > 1)
                    cr_assert_null(oc_thread_pool_create(threads, &pool));
                memset(y, 0xff, bytes);
                kernel_run_on(&k, in, out, pool);
                oc_thread_pool_free(pool);
                cr_assert(memcmp(y, want, bytes) == 0, "%s %s, %d threads",
                          vec_function_names[f], vec_isa_names[isa], threads);
            }
            oc_tensor tz = tensor_of(ONNXC_FLOAT, 1, dims, x);
            const oc_tensor *in_z[1] = {&tz};
            oc_tensor *out_z[1] = {&tz};
            kernel_run(&k, in_z, out_z);
            cr_assert(memcmp(x, want, bytes) == 0, "%s %s in place",
                      vec_function_names[f], vec_isa_names[isa]);
            kernel_close(&k);
            free(x);
            free(y);
            free(want);
        }
    }
    kernel_use(ONNXC_KERNELS_AUTO);
}
