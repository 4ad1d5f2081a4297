/*
 * test_fast_paths.c - the vectorized, threaded paths of LayerNormalization,
 * ReduceSum/ReduceMean, Softmax and Pow(x, 2) against their plain loops
 * (the portable kernels) and against references written here in long
 * double, on one thread and on several: the row kernels of vec_exp.h on
 * every ISA this CPU has, then each op on shapes that take the fast path
 * (vector bodies, tails, several tasks) and shapes that leave it.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_harness.h"
#include "ops/kernels/vec_exp.h"

static const char *const isa_names[] = {"scalar", "avx2", "avx512"};

static float *random_floats(size_t n, double scale, double shift, unsigned seed)
{
    rng r = rng_seed(seed);
    float *x = alloc_elems(n, ONNXC_FLOAT);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(shift + scale * rng_unit(&r));
    return x;
}

/* a within rel of b's magnitude plus abs (both NaN also passes) */
static bool near(double a, double b, double rel, double abs)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    if (isinf(a) || isinf(b))
        return a == b;
    return fabs(a - b) <= rel * fabs(b) + abs;
}

/* ------------------------------------------------------ the row kernels */

Test(row_kernels, every_isa_gives_the_scalar_loops_results)
{
    /* lengths around the vector widths (4 doubles .. 4 x 8) and long ones */
    static const size_t lens[] = {0, 1, 3, 7, 8, 15, 16, 31, 32, 33, 63, 768, 1001};
    for (int isa = VEC_AVX2; isa <= VEC_AVX512; isa++) {
        if (!oc_vec_isa_available((vec_isa)isa))
            continue;
        for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
            size_t n = lens[l];
            float *x = random_floats(n, 10, 3, (unsigned)(100 + l));
            float *sc = random_floats(n, 1, 0.5, (unsigned)(200 + l));
            float *b = random_floats(n, 1, 0, (unsigned)(300 + l));
            float *y = alloc_elems(n, ONNXC_FLOAT), *w = alloc_elems(n, ONNXC_FLOAT);
            long double s = 0, q = 0, abs_sum = 0;
            for (size_t i = 0; i < n; i++) {
                s += x[i];
                abs_sum += fabsl((long double)x[i]);
            }
            double m = n ? (double)(s / (long double)n) : 0;
            for (size_t i = 0; i < n; i++)
                q += ((long double)x[i] - m) * ((long double)x[i] - m);
            const char *what = isa_names[isa];
            double got = oc_vec_sum_f32((vec_isa)isa, x, n);
            cr_assert(near(got, (double)s, 0, 1e-15 * (double)abs_sum),
                      "%s sum n=%zu: %.17g, reference %.17Lg", what, n, got, s);
            cr_assert(near(got, oc_vec_sum_f32(VEC_SCALAR, x, n), 0,
                           1e-15 * (double)abs_sum), "%s sum n=%zu vs scalar", what, n);
            got = oc_vec_sqdev_f32((vec_isa)isa, x, n, m);
            cr_assert(near(got, (double)q, 1e-14, 0),
                      "%s sqdev n=%zu: %.17g, reference %.17Lg", what, n, got, q);
            for (int with = 0; with < 4; with++) {
                const float *ps = with & 1 ? sc : NULL, *pb = with & 2 ? b : NULL;
                oc_vec_norm_f32((vec_isa)isa, y, x, n, m, 0.3, ps, pb);
                oc_vec_norm_f32(VEC_SCALAR, w, x, n, m, 0.3, ps, pb);
                for (size_t i = 0; i < n; i++) {
                    long double t = ((long double)x[i] - m) * 0.3L;
                    if (ps)
                        t *= ps[i];
                    if (pb)
                        t += pb[i];
                    cr_assert(near(y[i], (double)t, 1.2e-7, 1e-12) &&
                                  near(w[i], (double)t, 1.2e-7, 1e-12),
                              "%s norm n=%zu y[%zu] = %.9g, scalar %.9g, "
                              "reference %.12Lg", what, n, i, y[i], w[i], t);
                }
            }
            double *acc = calloc(n + 1, sizeof *acc), *acc2 = calloc(n + 1, sizeof *acc2);
            cr_assert(acc && acc2);
            for (int rep = 0; rep < 3; rep++) {
                /* rows of n / 3 + 1 (at most 2 of them), then one row of n */
                size_t cols = n / 3 + 1, rows = n / cols;
                oc_vec_accum_f32((vec_isa)isa, acc, x, cols, rows, cols);
                oc_vec_accum_f32(VEC_SCALAR, acc2, x, cols, rows, cols);
                oc_vec_accum_f32((vec_isa)isa, acc, x, n, 1, 0);
                oc_vec_accum_f32(VEC_SCALAR, acc2, x, n, 1, 0);
            }
            cr_assert(n == 0 || memcmp(acc, acc2, n * sizeof *acc) == 0,
                      "%s accum n=%zu", what, n);
            free(acc);
            free(acc2);
            free(x);
            free(sc);
            free(b);
            free(y);
            free(w);
        }
    }
}

Test(row_kernels, special_values_as_the_scalar_loops)
{
    /* NaN and infinities in a row make its sum NaN or inf on every ISA */
    static const float sp[] = {NAN, INFINITY, -INFINITY, 0.0f, -0.0f, 3e38f};
    enum { LEN = 37 };
    float x[LEN];
    for (int isa = VEC_AVX2; isa <= VEC_AVX512; isa++) {
        if (!oc_vec_isa_available((vec_isa)isa))
            continue;
        for (size_t s = 0; s < sizeof sp / sizeof sp[0]; s++)
            for (size_t at = 0; at < LEN; at++) {
                for (size_t i = 0; i < LEN; i++)
                    x[i] = i == at ? sp[s] : (float)i - 18;
                double a = oc_vec_sum_f32((vec_isa)isa, x, LEN);
                double b = oc_vec_sum_f32(VEC_SCALAR, x, LEN);
                cr_assert(isnan(b) ? isnan(a) : a == b, "%s sum, %a at %zu: "
                          "%g, scalar %g", isa_names[isa], sp[s], at, a, b);
            }
    }
}

/* ----------------------------------------------------------- the ops */

/* Runs k on in/out once with `threads` threads (1: none). */
static void run_threads(const kernel *k, const oc_tensor *const *in,
                        oc_tensor *const *out, int threads)
{
    oc_thread_pool *pool = NULL;
    if (threads > 1)
        cr_assert_null(oc_thread_pool_create(threads, &pool));
    kernel_run_on(k, in, out, pool);
    oc_thread_pool_free(pool);
}

/* LayerNormalization of x [rows, n] (as rank 3 [a, b, n] when split),
 * Scale and B of shape [n] (or, with per_row false, Scale [rows, 1]: the
 * plain loops only), every output; fast (AUTO kernels) and plain
 * (PORTABLE) against a long double reference. */
static void layer_norm_case(int64_t a, int64_t b, int64_t n, bool per_row,
                            unsigned seed)
{
    int64_t xd[3] = {a, b, n}, sd[2] = {a * b, 1};
    size_t count = (size_t)(a * b * n), rows = (size_t)(a * b);
    float *x = random_floats(count, 50, 7, seed);
    size_t sn = per_row ? (size_t)n : rows;
    float *sc = random_floats(sn, 1, 0.2, seed + 1);
    float *bias = random_floats(sn, 1, 0, seed + 2);
    oc_attr attrs[1] = {attr_int("axis", -1)};
    float *ys[2], *means[2], *invs[2];
    for (int fast = 0; fast < 2; fast++)
        for (int threads = 1; threads <= 2; threads++) {
            kernel_use(fast ? ONNXC_KERNELS_AUTO : ONNXC_KERNELS_PORTABLE);
            kernel k;
            kernel_open_outputs_ok(&k, "LayerNormalization", 17, attrs, 1, 3);
            float *y = alloc_elems(count, ONNXC_FLOAT);
            float *mean = alloc_elems(rows, ONNXC_FLOAT);
            float *inv = alloc_elems(rows, ONNXC_FLOAT);
            int64_t md[3] = {a, b, 1};
            oc_tensor tx = tensor_of(ONNXC_FLOAT, 3, xd, x);
            oc_tensor ts = per_row ? tensor_of(ONNXC_FLOAT, 1, &n, sc)
                                   : tensor_of(ONNXC_FLOAT, 2, sd, sc);
            oc_tensor tb = per_row ? tensor_of(ONNXC_FLOAT, 1, &n, bias)
                                   : tensor_of(ONNXC_FLOAT, 2, sd, bias);
            if (!per_row) { /* [a*b, 1] onto [a, b, n] needs rank 2 x */
                xd[0] = a * b;
                xd[1] = n;
                tx = tensor_of(ONNXC_FLOAT, 2, xd, x);
                md[0] = a * b;
                md[1] = 1;
            }
            oc_tensor ty = tensor_of(ONNXC_FLOAT, tx.rank, xd, y);
            oc_tensor tm = tensor_of(ONNXC_FLOAT, tx.rank, md, mean);
            oc_tensor ti = tensor_of(ONNXC_FLOAT, tx.rank, md, inv);
            const oc_tensor *in[3] = {&tx, &ts, &tb};
            oc_tensor *out[3] = {&ty, &tm, &ti};
            run_threads(&k, in, out, threads);
            kernel_close(&k);
            if (!per_row) {
                xd[0] = a;
                xd[1] = b;
            }
            if (threads == 1) {
                ys[fast] = y;
                means[fast] = mean;
                invs[fast] = inv;
                continue;
            }
            /* more threads, the same bytes */
            cr_assert(memcmp(y, ys[fast], count * sizeof *y) == 0 &&
                          memcmp(mean, means[fast], rows * sizeof *y) == 0 &&
                          memcmp(inv, invs[fast], rows * sizeof *y) == 0,
                      "LayerNorm %lldx%lldx%lld %s: 2 threads differ",
                      (long long)a, (long long)b, (long long)n,
                      fast ? "fast" : "plain");
            free(y);
            free(mean);
            free(inv);
        }
    kernel_use(ONNXC_KERNELS_AUTO);
    for (size_t r = 0; r < rows; r++) {
        const float *xr = x + r * (size_t)n;
        long double s = 0, q = 0;
        for (int64_t i = 0; i < n; i++)
            s += xr[i];
        long double m = s / n;
        for (int64_t i = 0; i < n; i++)
            q += (xr[i] - m) * (xr[i] - m);
        long double is = 1 / sqrtl(q / n + (long double)1e-5f);
        for (int fast = 0; fast < 2; fast++) {
            cr_assert(near(means[fast][r], (double)m, 1.2e-7, 1e-30) &&
                          near(invs[fast][r], (double)is, 1.2e-7, 0),
                      "LayerNorm %s row %zu: mean %.9g inv %.9g, reference "
                      "%.12Lg %.12Lg", fast ? "fast" : "plain", r,
                      means[fast][r], invs[fast][r], m, is);
            for (int64_t i = 0; i < n; i++) {
                size_t e = per_row ? (size_t)i : r;
                long double t = (xr[i] - m) * is * sc[e] + bias[e];
                float got = ys[fast][r * (size_t)n + (size_t)i];
                /* float rounding of the normalized value, then of the
                 * product and the sum: ulps of their magnitudes */
                long double mag = fabsl((xr[i] - m) * is * sc[e]) + fabsl(bias[e]);
                cr_assert(near(got, (double)t, 0, 3.6e-7 * (double)mag + 1e-30),
                          "LayerNorm %s %zu,%lld: %.9g, reference %.12Lg",
                          fast ? "fast" : "plain", r, (long long)i, got, t);
            }
        }
    }
    for (int fast = 0; fast < 2; fast++) {
        free(ys[fast]);
        free(means[fast]);
        free(invs[fast]);
    }
    free(x);
    free(sc);
    free(bias);
}

Test(fast_paths, layer_norm_fast_and_plain_against_the_reference)
{
    layer_norm_case(1, 1, 1, true, 10);
    layer_norm_case(2, 3, 7, true, 20);
    layer_norm_case(3, 5, 33, true, 30);
    layer_norm_case(4, 64, 768, true, 40);   /* several tasks */
    layer_norm_case(2, 3, 17, false, 50);    /* Scale per row: plain */
}

/* ReduceSum or ReduceMean (opset 11, axes attribute, keepdims) of a
 * random float x over `axes`: fast and plain, 1 and 2 threads, against
 * a long double reference. */
static void reduce_case(const char *op, int rank, const int64_t *dims,
                        const int64_t *axes, int n_axes, unsigned seed)
{
    size_t count = count_of(rank, dims);
    float *x = random_floats(count, 10, 1, seed);
    int64_t yd[ONNXC_MAX_RANK];
    unsigned mask = 0;
    for (int i = 0; i < n_axes; i++)
        mask |= 1u << (axes[i] < 0 ? axes[i] + rank : axes[i]);
    for (int d = 0; d < rank; d++)
        yd[d] = mask >> d & 1 ? 1 : dims[d];
    size_t outs = count_of(rank, yd);
    bool mean = strcmp(op, "ReduceMean") == 0;
    /* the reference: each output's sum, by the odometer of x */
    long double *want = calloc(outs + 1, sizeof *want), *mag = calloc(outs + 1, sizeof *mag);
    cr_assert(want && mag);
    size_t red = count / (outs ? outs : 1);
    for (size_t i = 0; i < count; i++) {
        size_t rem = i, o = 0, stride = 1;
        for (int d = rank - 1; d >= 0; d--) {
            size_t c = rem % (size_t)dims[d];
            rem /= (size_t)dims[d];
            if (!(mask >> d & 1))
                o += c * stride;
            stride *= (size_t)yd[d];
        }
        want[o] += x[i];
        mag[o] += fabsl((long double)x[i]);
    }
    oc_attr attrs[1] = {attr_ints("axes", axes, (size_t)n_axes)};
    float *first = NULL;
    for (int fast = 0; fast < 2; fast++)
        for (int threads = 1; threads <= 2; threads++) {
            kernel_use(fast ? ONNXC_KERNELS_AUTO : ONNXC_KERNELS_PORTABLE);
            kernel k;
            kernel_open_ok(&k, op, 11, attrs, 1);
            float *y = alloc_elems(outs, ONNXC_FLOAT);
            oc_tensor tx = tensor_of(ONNXC_FLOAT, rank, dims, x);
            oc_tensor ty = tensor_of(ONNXC_FLOAT, rank, yd, y);
            const oc_tensor *in[2] = {&tx, NULL};   /* the op takes an axes input from 13 */
            oc_tensor *out[1] = {&ty};
            run_threads(&k, in, out, threads);
            kernel_close(&k);
            for (size_t o = 0; o < outs; o++) {
                long double w = mean ? want[o] / (long double)red : want[o];
                long double mg = mean ? mag[o] / (long double)red : mag[o];
                cr_assert(near(y[o], (double)w, 6e-8, 1e-15 * (double)mg),
                          "%s %s %d threads, mask %x, y[%zu] = %.9g, "
                          "reference %.12Lg", op, fast ? "fast" : "plain",
                          threads, mask, o, y[o], w);
            }
            if (!first) {
                first = y;
                continue;
            }
            /* both paths sum in double: the same float almost always */
            for (size_t o = 0; o < outs; o++)
                cr_assert(near(y[o], first[o], 1.2e-7, 0),
                          "%s mask %x: y[%zu] %.9g against the plain loop's %.9g",
                          op, mask, o, y[o], first[o]);
            free(y);
        }
    kernel_use(ONNXC_KERNELS_AUTO);
    free(first);
    free(want);
    free(mag);
    free(x);
}

Test(fast_paths, reduce_sum_and_mean_over_every_axis_set)
{
    /* every set of axes of rank 1..4 shapes, adjacent (the fast path) or
     * not (the walk), with dims around the vector widths */
    static const int64_t shapes[][4] = {{37, 1, 1, 1}, {5, 17, 1, 1},
                                        {3, 4, 33, 1}, {2, 3, 5, 9}};
    unsigned seed = 500;
    for (int o = 0; o < 2; o++)
        for (int rank = 1; rank <= 4; rank++)
            for (unsigned m = 1; m < 1u << rank; m++) {
                int64_t axes[4];
                int n = 0;
                for (int d = 0; d < rank; d++)
                    if (m >> d & 1)
                        axes[n++] = d - (d % 2 ? rank : 0);  /* some negative */
                reduce_case(o ? "ReduceMean" : "ReduceSum", rank,
                            shapes[rank - 1], axes, n, ++seed);
            }
    /* the benchmark's shapes, scaled down: several tasks, COLUMNS blocks */
    static const int64_t big[3] = {16, 64, 1100};
    static const int64_t last[1] = {-1}, mid[1] = {1}, two[2] = {1, 2};
    reduce_case("ReduceMean", 3, big, last, 1, 900);
    reduce_case("ReduceMean", 3, big, mid, 1, 901);
    reduce_case("ReduceSum", 3, big, two, 2, 902);
}

Test(fast_paths, softmax_rows_on_threads_give_one_threads_bytes)
{
    static const int64_t dims[2] = {3000, 129};
    size_t count = 3000 * 129;
    for (int kind = 0; kind < 2; kind++)
        for (int dt = 0; dt < 2; dt++) {
            onnxc_dtype dtype = dt ? ONNXC_DOUBLE : ONNXC_FLOAT;
            size_t size = onnxc_dtype_size(dtype);
            char *x = alloc_elems(count, dtype);
            rng r = rng_seed(77);
            for (size_t i = 0; i < count; i++) {
                double v = 20 * rng_unit(&r);
                if (dt)
                    ((double *)x)[i] = v;
                else
                    ((float *)x)[i] = (float)v;
            }
            char *y[2];
            for (int threads = 1; threads <= 2; threads++) {
                kernel k;
                kernel_open_ok(&k, kind ? "LogSoftmax" : "Softmax", 13, NULL, 0);
                y[threads - 1] = alloc_elems(count, dtype);
                oc_tensor tx = tensor_of(dtype, 2, dims, x);
                oc_tensor ty = tensor_of(dtype, 2, dims, y[threads - 1]);
                const oc_tensor *in[1] = {&tx};
                oc_tensor *out[1] = {&ty};
                run_threads(&k, in, out, threads);
                kernel_close(&k);
            }
            cr_assert(memcmp(y[0], y[1], count * size) == 0, "%s %s",
                      kind ? "LogSoftmax" : "Softmax", onnxc_dtype_name(dtype));
            /* and each row sums to 1 (Softmax) */
            for (size_t row = 0; kind == 0 && row < 3000; row += 499) {
                double s = 0;
                for (size_t i = 0; i < 129; i++)
                    s += dt ? ((double *)y[0])[row * 129 + i]
                            : ((float *)y[0])[row * 129 + i];
                cr_assert(fabs(s - 1) < 1e-5, "row %zu sums to %.9g", row, s);
            }
            free(x);
            free(y[0]);
            free(y[1]);
        }
}

Test(fast_paths, pow_of_two_is_powf_bit_for_bit)
{
    /* x * x against libm's pow for the exponent 2 as float, double and
     * int64, on ordinary values and the special ones */
    enum { N = 64 };
    float x[N], y[N];
    for (int i = 0; i < N; i++)
        x[i] = i < N_SPECIAL ? special_f[i] : (float)(i - 40) * 1.37e-3f * (float)i;
    float e_f = 2;
    double e_d = 2;
    int64_t e_i = 2;
    const void *es[3] = {&e_f, &e_d, &e_i};
    static const onnxc_dtype et[3] = {ONNXC_FLOAT, ONNXC_DOUBLE, ONNXC_INT64};
    int64_t dims[1] = {N};
    for (int t = 0; t < 3; t++) {
        kernel k;
        kernel_open_ok(&k, "Pow", 15, NULL, 0);
        oc_tensor tx = tensor_of(ONNXC_FLOAT, 1, dims, x);
        oc_tensor te = tensor_of(et[t], 0, NULL, (void *)es[t]);
        oc_tensor ty = tensor_of(ONNXC_FLOAT, 1, dims, y);
        const oc_tensor *in[2] = {&tx, &te};
        oc_tensor *out[1] = {&ty};
        kernel_run(&k, in, out);
        kernel_close(&k);
        for (int i = 0; i < N; i++) {
            float w = (float)pow(x[i], 2.0);
            cr_assert(isnan(w) ? isnan(y[i]) != 0 : memcmp(&w, &y[i], sizeof w) == 0,
                      "Pow(%a, 2 as %s) = %a, pow gives %a", x[i],
                      onnxc_dtype_name(et[t]), y[i], w);
        }
    }
}

/* 2-D MaxPool (no Indices) and AveragePool: the plane walk (AUTO
 * kernels; 1 and 2 threads) gives the general walk's results (PORTABLE)
 * bit for bit, NaN for NaN, over strides, pads, dilations, ceil_mode and
 * count_include_pad. */
static void pool_case(const char *op, int opset, const oc_attr *attrs,
                      int n_attrs, int64_t c, int64_t h, int64_t w,
                      unsigned seed)
{
    int64_t xd[4] = {2, c, h, w};
    size_t count = (size_t)(2 * c * h * w);
    float *x = random_floats(count, 8, -4, seed);
    for (size_t i = 7; i < count; i += 101)
        x[i] = seed % 2 ? NAN : -INFINITY;
    oc_tensor tx = tensor_of(ONNXC_FLOAT, 4, xd, x);
    const oc_tensor *in[1] = {&tx};
    float *ys[3] = {0};
    size_t n = 0;
    for (int run = 0; run < 3; run++) {
        kernel k;
        kernel_use(run ? ONNXC_KERNELS_AUTO : ONNXC_KERNELS_PORTABLE);
        kernel_open_ok(&k, op, opset, attrs, n_attrs);
        oc_type t = type_of(ONNXC_FLOAT, 4, xd), yt;
        const oc_type *ti[1] = {&t};
        cr_assert_null(kernel_infer(&k, ti, &yt));
        int64_t yd[4];
        n = 1;
        for (int d = 0; d < 4; d++)
            n *= (size_t)(yd[d] = yt.shape.dims[d].value);
        ys[run] = alloc_elems(n, ONNXC_FLOAT);
        oc_tensor ty = tensor_of(ONNXC_FLOAT, 4, yd, ys[run]);
        oc_tensor *out[1] = {&ty};
        run_threads(&k, in, out, run == 2 ? 2 : 1);
        kernel_close(&k);
    }
    kernel_use(ONNXC_KERNELS_AUTO);
    for (int run = 1; run < 3; run++)
        for (size_t i = 0; i < n; i++)
            cr_assert(isnan(ys[0][i]) ? isnan(ys[run][i]) != 0
                                      : memcmp(&ys[0][i], &ys[run][i], 4) == 0,
                      "%s seed %u, %s: y[%zu] = %a, general walk %a", op, seed,
                      run == 2 ? "2 threads" : "1 thread", i, ys[run][i], ys[0][i]);
    for (int run = 0; run < 3; run++)
        free(ys[run]);
    free(x);
}

Test(fast_paths, pool_plane_walk_is_the_general_walk)
{
    static const int64_t k3[2] = {3, 3}, k2[2] = {2, 2}, k25[2] = {2, 5};
    static const int64_t s2[2] = {2, 2}, s13[2] = {1, 3};
    static const int64_t p1[4] = {1, 1, 1, 1}, p_odd[4] = {0, 2, 1, 0};
    static const int64_t d2[2] = {2, 2};
    for (int kind = 0; kind < 2; kind++) {
        const char *op = kind ? "AveragePool" : "MaxPool";
        oc_attr resnet[3] = {attr_ints("kernel_shape", k3, 2),
                             attr_ints("strides", s2, 2), attr_ints("pads", p1, 4)};
        pool_case(op, 12 - kind, resnet, 3, 64, 112, 112, 1);
        pool_case(op, 12 - kind, resnet, 3, 3, 9, 10, 2);
        oc_attr ceil[4] = {attr_ints("kernel_shape", k25, 2),
                           attr_ints("strides", s13, 2),
                           attr_ints("pads", p_odd, 4), attr_int("ceil_mode", 1)};
        pool_case(op, 11, ceil, 4, 5, 17, 16, 3);
        oc_attr plain[1] = {attr_ints("kernel_shape", k2, 2)};
        pool_case(op, 11, plain, 1, 7, 8, 8, 4);
    }
    oc_attr dil[3] = {attr_ints("kernel_shape", k3, 2),
                      attr_ints("dilations", d2, 2), attr_ints("pads", p1, 4)};
    pool_case("MaxPool", 12, dil, 3, 4, 13, 11, 5);
    oc_attr count_pad[4] = {attr_ints("kernel_shape", k3, 2),
                            attr_ints("strides", s2, 2), attr_ints("pads", p1, 4),
                            attr_int("count_include_pad", 1)};
    pool_case("AveragePool", 11, count_pad, 4, 6, 15, 14, 6);
}
