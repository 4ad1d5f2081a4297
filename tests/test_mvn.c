/*
 * test_mvn.c - MeanVarianceNormalization (ops/nn/mean_variance_norm.c)
 * through a session against a long double reference written from the
 * spec's function body: the default per-channel axes and others, float
 * and double, both versions, a mean far from zero beside a small spread
 * (where E[X^2] - E[X]^2 in float would cancel), a constant group, and
 * axes the input's rank does not have.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_builder.h"
#include "onnxc.h"
#include "test_rng.h"

static void ok(onnxc_status *st)
{
    cr_assert_null(st, "%s", onnxc_status_message(st));
}

/* X of dims (text) through MVN at opset `opset`; axes NULL: the default. */
static onnxc_status *mvn_model(int opset, int dtype, const char *dims,
                               const int64_t *axes, size_t n_axes,
                               onnxc_model **model)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", opset);
    mb_input(m, "x", dtype, dims);
    Onnx__NodeProto *node = mb_node(m, "MeanVarianceNormalization", "mvn", "x", "y");
    if (axes)
        mb_attr_ints(m, node, "axes", axes, n_axes);
    mb_output(m, "y", dtype, NULL);
    onnxc_status *st = mb_load(m, NULL, model);
    mb_free(m);
    return st;
}

/* The reference: each element's group is the set of elements whose
 * index agrees with its own outside the reduced dims (bit d of mask). */
static void mvn_reference(int rank, const int64_t *dims, unsigned mask,
                          const double *x, long double *want)
{
    size_t n = 1;
    for (int d = 0; d < rank; d++)
        n *= (size_t)dims[d];
    size_t *key = calloc(n, sizeof *key);
    long double *sum = calloc(n, sizeof *sum), *sq = calloc(n, sizeof *sq);
    size_t *cnt = calloc(n, sizeof *cnt);
    cr_assert(key && sum && sq && cnt);
    for (size_t i = 0; i < n; i++) {
        size_t left = i, stride = 1, k = 0;
        for (int d = rank - 1; d >= 0; d--) {
            size_t digit = left % (size_t)dims[d];
            left /= (size_t)dims[d];
            if (!(mask >> d & 1))
                k += digit * stride;
            stride *= (size_t)dims[d];
        }
        key[i] = k;
        sum[k] += x[i];
        cnt[k]++;
    }
    for (size_t i = 0; i < n; i++) {
        long double d = x[i] - sum[key[i]] / cnt[key[i]];
        sq[key[i]] += d * d;
    }
    for (size_t i = 0; i < n; i++) {
        size_t k = key[i];
        long double mean = sum[k] / cnt[k], sd = sqrtl(sq[k] / cnt[k]);
        want[i] = (x[i] - mean) / (sd + 1e-9L);
    }
    free(key);
    free(sum);
    free(sq);
    free(cnt);
}

static void check(int opset, int dtype, int rank, const int64_t *dims,
                  const int64_t *axes, size_t n_axes, unsigned mask,
                  double offset, double spread, double tol)
{
    char text[64] = "";
    size_t n = 1;
    for (int d = 0; d < rank; d++) {
        n *= (size_t)dims[d];
        snprintf(text + strlen(text), sizeof text - strlen(text), "%s%lld",
                 d ? "," : "", (long long)dims[d]);
    }
    double *x = malloc(n * sizeof *x);
    float *xf = malloc(n * sizeof *xf);
    long double *want = malloc(n * sizeof *want);
    cr_assert(x && xf && want);
    rng r = rng_seed((uint64_t)opset * 31 + (uint64_t)rank);
    for (size_t i = 0; i < n; i++) {
        x[i] = offset + spread * ((double)rng_below(&r, 2001) / 1000 - 1);
        if (dtype == ONNXC_FLOAT)
            x[i] = xf[i] = (float)x[i];
    }
    mvn_reference(rank, dims, mask, x, want);
    onnxc_model *model = NULL;
    onnxc_session *s = NULL;
    ok(mvn_model(opset, dtype, text, axes, n_axes, &model));
    ok(onnxc_session_create(model, NULL, &s));
    ok(onnxc_session_bind_input(s, 0, dtype, dims, (size_t)rank,
                                dtype == ONNXC_FLOAT ? (void *)xf : (void *)x));
    ok(onnxc_session_run(s));
    onnxc_tensor_view y;
    ok(onnxc_session_output(s, 0, &y));
    for (size_t i = 0; i < n; i++) {
        double got = dtype == ONNXC_FLOAT ? ((const float *)y.data)[i]
                                          : ((const double *)y.data)[i];
        cr_assert(fabsl(got - want[i]) <= tol * (1 + fabsl(want[i])),
                  "opset %d %s X[%s] element %zu: %.17g, want %.17Lg", opset,
                  dtype == ONNXC_FLOAT ? "float" : "double", text, i, got,
                  want[i]);
    }
    onnxc_session_free(s);
    onnxc_model_free(model);
    free(x);
    free(xf);
    free(want);
}

Test(mvn, default_axes_per_channel_both_versions_and_types)
{
    const int64_t dims[] = {2, 3, 4, 5};
    for (int v = 0; v < 2; v++) {
        int opset = v ? 13 : 9;
        check(opset, ONNXC_FLOAT, 4, dims, NULL, 0, 0xD, 0, 3, 4e-7);
        check(opset, ONNXC_DOUBLE, 4, dims, NULL, 0, 0xD, 0, 3, 1e-14);
    }
}

Test(mvn, other_axes_and_ranks)
{
    const int64_t d3[] = {3, 7, 4}, d2[] = {5, 6}, d5[] = {2, 2, 3, 2, 3};
    const int64_t last[] = {-1}, middle[] = {1}, outer[] = {0, 3, 4};
    check(13, ONNXC_FLOAT, 3, d3, last, 1, 0x4, 0, 1, 4e-7);
    check(13, ONNXC_DOUBLE, 3, d3, middle, 1, 0x2, 0, 1, 1e-14);
    check(9, ONNXC_FLOAT, 2, d2, middle, 1, 0x2, 5, 2, 4e-7);
    check(13, ONNXC_DOUBLE, 5, d5, outer, 3, 0x19, -2, 1, 1e-14);
}

/* A mean of 4096 with a spread of 1/64: float's E[X^2] - E[X]^2 would
 * have nothing left of the variance. */
Test(mvn, a_large_mean_beside_a_small_spread)
{
    const int64_t dims[] = {2, 3, 4, 5};
    check(13, ONNXC_FLOAT, 4, dims, NULL, 0, 0xD, 4096, 1.0 / 64, 4e-6);
}

Test(mvn, a_constant_group_gives_zeros)
{
    const int64_t axes[] = {1}, dims[] = {2, 3};
    const float x[6] = {5, 5, 5, 1, 2, 3};
    onnxc_model *model = NULL;
    onnxc_session *s = NULL;
    ok(mvn_model(13, ONNXC_FLOAT, "2,3", axes, 1, &model));
    ok(onnxc_session_create(model, NULL, &s));
    ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, dims, 2, x));
    ok(onnxc_session_run(s));
    onnxc_tensor_view y;
    ok(onnxc_session_output(s, 0, &y));
    const float *yv = y.data;
    float sd = sqrtf(2.0f / 3);
    cr_assert(yv[0] == 0 && yv[1] == 0 && yv[2] == 0);
    cr_assert(fabsf(yv[3] + 1 / sd) < 1e-6f && yv[4] == 0 &&
              fabsf(yv[5] - 1 / sd) < 1e-6f);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(mvn, axes_the_input_does_not_have_are_refused_at_load)
{
    const int64_t far[] = {0, 3}, twice[] = {1, -1};
    struct {
        const char *dims;
        const int64_t *axes;
        size_t n;
        const char *part;
    } cases[] = {{"2,3,4", NULL, 0, "3"},       /* the default [0, 2, 3] */
                 {"2,3", far, 2, "3"},
                 {"2,3", twice, 2, "twice"}};
    for (size_t c = 0; c < 3; c++) {
        onnxc_model *model = NULL;
        onnxc_status *st = mvn_model(13, ONNXC_FLOAT, cases[c].dims, cases[c].axes,
                                     cases[c].n, &model);
        cr_assert(st && strstr(onnxc_status_message(st), "node 'mvn'") &&
                      strstr(onnxc_status_message(st), cases[c].part),
                  "case %zu: %s", c, st ? onnxc_status_message(st) : "loaded");
        onnxc_status_free(st);
        onnxc_model_free(model);
    }
}
