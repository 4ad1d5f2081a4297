/*
 * test_det.c - Det (ops/linalg/det.c) through a session: batches of
 * random matrices against the Leibniz formula in long double (a sum over
 * every permutation, no pivoting to share a bug with), matrices that need
 * a row swap, singular ones, 0x0 and 1x1, and the refusals: non-square at
 * load, and symbolic dims that turn out unequal at run.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model_builder.h"
#include "onnxc.h"
#include "test_rng.h"

static void ok(onnxc_status *st)
{
    cr_assert_null(st, "%s", onnxc_status_message(st));
}

static onnxc_status *det_model(int dtype, const char *dims, onnxc_model **model)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 11);
    mb_input(m, "x", dtype, dims);
    mb_node(m, "Det", "det", "x", "y");
    mb_output(m, "y", dtype, NULL);
    onnxc_status *st = mb_load(m, NULL, model);
    mb_free(m);
    return st;
}

/* The sum over permutations p of sign(p) * prod a[i][p[i]], by Heap's
 * order of generating them (each step one swap: the sign flips). */
static long double leibniz(const double *a, int n)
{
    int p[6], c[6] = {0};
    long double sum = 0;
    int sign = 1;
    for (int i = 0; i < n; i++)
        p[i] = i;
    for (int i = 0;;) {
        long double term = sign;
        for (int r = 0; r < n; r++)
            term *= a[r * n + p[r]];
        sum += term;
        while (i < n && c[i] >= i) {
            c[i] = 0;
            i++;
        }
        if (i >= n)
            return sum;
        int j = i % 2 ? c[i] : 0, t = p[j];
        p[j] = p[i];
        p[i] = t;
        sign = -sign;
        c[i]++;
        i = 0;
    }
}

static void run_det(int dtype, const char *dims_text, const int64_t *dims, int rank,
                    const void *x, onnxc_tensor_view *y, onnxc_session **s,
                    onnxc_model **model)
{
    ok(det_model(dtype, dims_text, model));
    ok(onnxc_session_create(*model, NULL, s));
    ok(onnxc_session_bind_input(*s, 0, dtype, dims, (size_t)rank, x));
    ok(onnxc_session_run(*s));
    ok(onnxc_session_output(*s, 0, y));
}

Test(det, random_batches_against_the_leibniz_formula)
{
    rng r = rng_seed(7);
    for (int n = 1; n <= 5; n++)
        for (int t = 0; t < 2; t++) {
            int dtype = t ? ONNXC_DOUBLE : ONNXC_FLOAT;
            enum { B = 3 };
            double a[B * 25];
            float af[B * 25];
            for (int i = 0; i < B * n * n; i++) {
                a[i] = (double)rng_below(&r, 2001) / 250 - 4;
                af[i] = (float)a[i];
                a[i] = t ? a[i] : af[i];
            }
            char text[32];
            snprintf(text, sizeof text, "%d,%d,%d", B, n, n);
            int64_t dims[] = {B, n, n};
            onnxc_model *model = NULL;
            onnxc_session *s = NULL;
            onnxc_tensor_view y;
            run_det(dtype, text, dims, 3, t ? (void *)a : (void *)af, &y, &s, &model);
            cr_assert(y.rank == 1 && y.dims[0] == B);
            for (int b = 0; b < B; b++) {
                long double want = leibniz(a + b * n * n, n), scale = 1;
                for (int i = 0; i < n; i++)
                    scale *= 4;
                double got = t ? ((const double *)y.data)[b] : ((const float *)y.data)[b];
                double tol = (t ? 1e-13 : 1e-5) * (double)scale;
                cr_assert(fabsl(got - want) <= tol, "%s n %d batch %d: %.17g, want %.17Lg",
                          t ? "double" : "float", n, b, got, want);
            }
            onnxc_session_free(s);
            onnxc_model_free(model);
        }
}

Test(det, row_swaps_singular_and_tiny_matrices)
{
    const float swap[] = {0, 1, 1, 0}, singular[] = {1, 2, 2, 4},
                lower[] = {0, 0, 2, 1, 3, 0, 5, 7, 11};
    const struct {
        const char *text;
        int64_t dims[2];
        const float *x;
        float want;
    } cases[] = {{"2,2", {2, 2}, swap, -1}, {"2,2", {2, 2}, singular, 0},
                 {"3,3", {3, 3}, lower, -16}};
    for (size_t c = 0; c < 3; c++) {
        onnxc_model *model = NULL;
        onnxc_session *s = NULL;
        onnxc_tensor_view y;
        run_det(ONNXC_FLOAT, cases[c].text, cases[c].dims, 2, cases[c].x, &y, &s, &model);
        cr_assert(y.rank == 0 && *(const float *)y.data == cases[c].want, "case %zu: %g",
                  c, *(const float *)y.data);
        onnxc_session_free(s);
        onnxc_model_free(model);
    }
    /* a batch of two 0x0 matrices: the empty product; one 1x1: itself */
    const int64_t empty[] = {2, 0, 0}, one[] = {1, 1};
    const double x1 = -2.5;
    onnxc_model *model = NULL;
    onnxc_session *s = NULL;
    onnxc_tensor_view y;
    run_det(ONNXC_DOUBLE, "2,0,0", empty, 3, &x1, &y, &s, &model);
    cr_assert(y.rank == 1 && y.dims[0] == 2 && ((const double *)y.data)[0] == 1 &&
              ((const double *)y.data)[1] == 1);
    onnxc_session_free(s);
    onnxc_model_free(model);
    run_det(ONNXC_DOUBLE, "1,1", one, 2, &x1, &y, &s, &model);
    cr_assert(y.rank == 0 && *(const double *)y.data == -2.5);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(det, non_square_matrices_are_refused)
{
    const char *shapes[] = {"2,3", "4", "2,3,4"};
    for (size_t c = 0; c < 3; c++) {
        onnxc_model *model = NULL;
        onnxc_status *st = det_model(ONNXC_FLOAT, shapes[c], &model);
        cr_assert(st && strstr(onnxc_status_message(st), "node 'det'") &&
                      strstr(onnxc_status_message(st), "square"),
                  "%s: %s", shapes[c], st ? onnxc_status_message(st) : "loaded");
        onnxc_status_free(st);
        onnxc_model_free(model);
    }
    /* symbolic dims the run binds unequal; the session stays usable */
    onnxc_model *model = NULL;
    onnxc_session *s = NULL;
    ok(det_model(ONNXC_FLOAT, "m,n", &model));
    ok(onnxc_session_create(model, NULL, &s));
    const float x[6] = {1, 2, 3, 4, 5, 6};
    const int64_t bad[] = {2, 3}, good[] = {2, 2};
    onnxc_status *st = onnxc_session_bind_input(s, 0, ONNXC_FLOAT, bad, 2, x);
    if (!st)
        st = onnxc_session_run(s);
    cr_assert(st && strstr(onnxc_status_message(st), "node 'det'") &&
                  strstr(onnxc_status_message(st), "square"),
              "%s", st ? onnxc_status_message(st) : "ran");
    onnxc_status_free(st);
    ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, good, 2, x));
    ok(onnxc_session_run(s));
    onnxc_tensor_view y;
    ok(onnxc_session_output(s, 0, &y));
    cr_assert(*(const float *)y.data == -2);
    onnxc_session_free(s);
    onnxc_model_free(model);
}
