/*
 * test_cnn_ops.c - InstanceNormalization (ops/nn/instance_norm.c), LRN
 * (ops/nn/lrn.c) and MaxUnpool (ops/pool/max_unpool.c) through a session
 * against plain long double loops written from the spec: both versions
 * of each, float and double, LRN's even and odd windows, MaxUnpool with
 * and without output_shape; and the bad inputs each refuses, by name.
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

static const char *type_name(int dtype)
{
    return dtype == ONNXC_FLOAT ? "float" : "double";
}

/* n random values in [-2, 2], as floats too. */
static void fill(rng *r, double *x, float *xf, size_t n, int dtype)
{
    for (size_t i = 0; i < n; i++) {
        x[i] = (double)rng_below(r, 4001) / 1000 - 2;
        if (dtype == ONNXC_FLOAT)
            x[i] = xf[i] = (float)x[i];
    }
}

static const void *data_of(int dtype, const double *x, const float *xf)
{
    return dtype == ONNXC_FLOAT ? (const void *)xf : (const void *)x;
}

static double element(const onnxc_tensor_view *y, int dtype, size_t i)
{
    return dtype == ONNXC_FLOAT ? ((const float *)y->data)[i]
                                : ((const double *)y->data)[i];
}

/* ---- InstanceNormalization ---- */

static onnxc_status *instance_norm_model(int opset, int dtype, const char *xdims,
                                         const char *cdims, float eps,
                                         onnxc_model **model)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", opset);
    mb_input(m, "x", dtype, xdims);
    mb_input(m, "scale", dtype, cdims);
    mb_input(m, "b", dtype, cdims);
    Onnx__NodeProto *node = mb_node(m, "InstanceNormalization", "in", "x,scale,b", "y");
    mb_attr_float(m, node, "epsilon", eps);
    mb_output(m, "y", dtype, NULL);
    onnxc_status *st = mb_load(m, NULL, model);
    mb_free(m);
    return st;
}

static void check_instance_norm(int opset, int dtype, const int64_t *dims,
                                int rank, const char *text, float eps)
{
    size_t c = (size_t)dims[1], planes = (size_t)dims[0] * c, n = 1;
    for (int d = 2; d < rank; d++)
        n *= (size_t)dims[d];
    double x[512], s[8], b[8];
    float xf[512], sf[8], bf[8];
    rng r = rng_seed((uint64_t)opset * 7 + (uint64_t)rank);
    cr_assert(planes * n <= 512 && c <= 8);
    fill(&r, x, xf, planes * n, dtype);
    fill(&r, s, sf, c, dtype);
    fill(&r, b, bf, c, dtype);
    int64_t cd[1] = {(int64_t)c};
    char cdims[32];
    snprintf(cdims, sizeof cdims, "%zu", c);
    onnxc_model *model = NULL;
    onnxc_session *ss = NULL;
    onnxc_tensor_view y;
    ok(instance_norm_model(opset, dtype, text, cdims, eps, &model));
    ok(onnxc_session_create(model, NULL, &ss));
    ok(onnxc_session_bind_input(ss, 0, dtype, dims, (size_t)rank, data_of(dtype, x, xf)));
    ok(onnxc_session_bind_input(ss, 1, dtype, cd, 1, data_of(dtype, s, sf)));
    ok(onnxc_session_bind_input(ss, 2, dtype, cd, 1, data_of(dtype, b, bf)));
    ok(onnxc_session_run(ss));
    ok(onnxc_session_output(ss, 0, &y));
    for (size_t p = 0; p < planes; p++) {
        long double sum = 0, sq = 0;
        for (size_t i = 0; i < n; i++)
            sum += x[p * n + i];
        long double mean = sum / n;
        for (size_t i = 0; i < n; i++)
            sq += (x[p * n + i] - mean) * (x[p * n + i] - mean);
        long double sd = sqrtl(sq / n + (long double)eps);
        for (size_t i = 0; i < n; i++) {
            long double want = s[p % c] * (x[p * n + i] - mean) / sd + b[p % c];
            double got = element(&y, dtype, p * n + i);
            cr_assert(fabsl(got - want) <= (dtype == ONNXC_FLOAT ? 1e-6 : 1e-14) *
                                               (1 + fabsl(want)),
                      "opset %d %s [%s] element %zu: %.17g, want %.17Lg", opset,
                      type_name(dtype), text, p * n + i, got, want);
        }
    }
    onnxc_session_free(ss);
    onnxc_model_free(model);
}

Test(instance_norm, both_versions_and_types_at_ranks_3_to_5)
{
    const int64_t d4[] = {2, 3, 4, 5}, d3[] = {3, 2, 7}, d5[] = {1, 4, 2, 3, 2};
    for (int v = 0; v < 2; v++)
        for (int t = 0; t < 2; t++) {
            int opset = v ? 6 : 1, dtype = t ? ONNXC_DOUBLE : ONNXC_FLOAT;
            check_instance_norm(opset, dtype, d4, 4, "2,3,4,5", 1e-5f);
            check_instance_norm(opset, dtype, d3, 3, "3,2,7", 0.5f);
            check_instance_norm(opset, dtype, d5, 5, "1,4,2,3,2", 1e-2f);
        }
}

static void expect_refused(onnxc_status *st, onnxc_model *model,
                           const char *node, const char *part)
{
    cr_assert(st && strstr(onnxc_status_message(st), node) &&
                  strstr(onnxc_status_message(st), part),
              "want an error naming %s and '%s': %s", node, part,
              st ? onnxc_status_message(st) : "accepted");
    onnxc_status_free(st);
    onnxc_model_free(model);
}

Test(instance_norm, scale_of_other_than_c_and_rank_2_are_refused)
{
    onnxc_model *model = NULL;
    expect_refused(instance_norm_model(6, ONNXC_FLOAT, "2,3,4", "4", 1e-5f, &model),
                   model, "node 'in'", "expected [C]");
    model = NULL;
    expect_refused(instance_norm_model(6, ONNXC_FLOAT, "2,3", "3", 1e-5f, &model),
                   model, "node 'in'", "rank 2");
}

/* ---- LRN ---- */

static onnxc_status *lrn_model(int opset, int dtype, const char *dims,
                               int64_t size, float alpha, float beta,
                               float bias, onnxc_model **model)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", opset);
    mb_input(m, "x", dtype, dims);
    Onnx__NodeProto *node = mb_node(m, "LRN", "lrn", "x", "y");
    if (size)
        mb_attr_int(m, node, "size", size);
    mb_attr_float(m, node, "alpha", alpha);
    mb_attr_float(m, node, "beta", beta);
    mb_attr_float(m, node, "bias", bias);
    mb_output(m, "y", dtype, NULL);
    onnxc_status *st = mb_load(m, NULL, model);
    mb_free(m);
    return st;
}

static void check_lrn(int opset, int dtype, int64_t size)
{
    const int64_t dims[] = {2, 5, 3, 4};
    const size_t C = 5, n = 12, total = 2 * 5 * 12;
    const float alpha = 0.3f, beta = 0.6f, bias = 1.5f;
    double x[120];
    float xf[120];
    rng r = rng_seed((uint64_t)opset * 3 + (uint64_t)size);
    fill(&r, x, xf, total, dtype);
    onnxc_model *model = NULL;
    onnxc_session *s = NULL;
    onnxc_tensor_view y;
    ok(lrn_model(opset, dtype, "2,5,3,4", size, alpha, beta, bias, &model));
    ok(onnxc_session_create(model, NULL, &s));
    ok(onnxc_session_bind_input(s, 0, dtype, dims, 4, data_of(dtype, x, xf)));
    ok(onnxc_session_run(s));
    ok(onnxc_session_output(s, 0, &y));
    long long lo_off = (size - 1) / 2, hi_off = size - 1 - lo_off;
    for (size_t i = 0; i < total; i++) {
        long long c = (long long)(i / n % C);
        long double sq = 0;
        for (long long k = c - lo_off; k <= c + hi_off; k++)
            if (k >= 0 && k < (long long)C) {
                long double v = x[i + (size_t)(k - c) * n];
                sq += v * v;
            }
        long double want = x[i] / powl(bias + alpha / (long double)size * sq, beta);
        double got = element(&y, dtype, i);
        cr_assert(fabsl(got - want) <= (dtype == ONNXC_FLOAT ? 1e-6 : 1e-13) *
                                           (1 + fabsl(want)),
                  "opset %d %s size %lld element %zu: %.17g, want %.17Lg", opset,
                  type_name(dtype), (long long)size, i, got, want);
    }
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(lrn, both_versions_and_types_odd_and_even_windows)
{
    const int64_t sizes[] = {1, 2, 3, 4, 5, 9};
    for (int v = 0; v < 2; v++)
        for (int t = 0; t < 2; t++)
            for (size_t k = 0; k < 6; k++)
                check_lrn(v ? 13 : 1, t ? ONNXC_DOUBLE : ONNXC_FLOAT, sizes[k]);
}

Test(lrn, a_missing_or_zero_size_is_refused)
{
    onnxc_model *model = NULL;
    expect_refused(lrn_model(13, ONNXC_FLOAT, "1,3,2,2", 0, 1e-4f, 0.75f, 1, &model),
                   model, "node 'lrn'", "missing");
    model = NULL;
    expect_refused(lrn_model(13, ONNXC_FLOAT, "1,3,2,2", -3, 1e-4f, 0.75f, 1, &model),
                   model, "node 'lrn'", "below 1");
}

/* ---- MaxUnpool ---- */

/* X [1, 2, 2, 3] unpooled by a 2x2 window of stride 2 (Y [1, 2, 4, 6]
 * unpooled), output_shape an int64 graph input when `shaped`. */
static onnxc_status *max_unpool_model(int opset, int dtype, bool shaped,
                                      onnxc_model **model)
{
    const int64_t kernel[] = {2, 2};
    mb_model *m = mb_new(8);
    mb_opset(m, "", opset);
    mb_input(m, "x", dtype, "1,2,2,3");
    mb_input(m, "i", ONNXC_INT64, "1,2,2,3");
    if (shaped)
        mb_input(m, "shape", ONNXC_INT64, "4");
    Onnx__NodeProto *node = mb_node(m, "MaxUnpool", "unpool",
                                    shaped ? "x,i,shape" : "x,i", "y");
    mb_attr_ints(m, node, "kernel_shape", kernel, 2);
    mb_attr_ints(m, node, "strides", kernel, 2);
    mb_output(m, "y", dtype, NULL);
    onnxc_status *st = mb_load(m, NULL, model);
    mb_free(m);
    return st;
}

/* Runs the model of max_unpool_model at output_shape `shape` (NULL:
 * none) and checks Y against the scatter into [1, 2, 4, 6] placed at Y's
 * origin; a bad index or shape returns the run's error. */
static onnxc_status *check_max_unpool(int opset, int dtype, const int64_t *shape,
                                      const int64_t *ind)
{
    const int64_t xd[] = {1, 2, 2, 3}, sd[] = {4}, u[] = {1, 2, 4, 6};
    double x[12];
    float xf[12];
    rng r = rng_seed((uint64_t)opset);
    fill(&r, x, xf, 12, dtype);
    onnxc_model *model = NULL;
    onnxc_session *s = NULL;
    onnxc_tensor_view y;
    ok(max_unpool_model(opset, dtype, shape != NULL, &model));
    ok(onnxc_session_create(model, NULL, &s));
    ok(onnxc_session_bind_input(s, 0, dtype, xd, 4, data_of(dtype, x, xf)));
    ok(onnxc_session_bind_input(s, 1, ONNXC_INT64, xd, 4, ind));
    if (shape)
        ok(onnxc_session_bind_input(s, 2, ONNXC_INT64, sd, 1, shape));
    onnxc_status *st = onnxc_session_run(s);
    if (!st) {
        const int64_t *yd = shape ? shape : u;
        double want[2 * 2 * 8 * 8] = {0};
        cr_assert(yd[2] <= 8 && yd[3] <= 8 && yd[1] == 2 && yd[0] == 1);
        for (size_t k = 0; k < 12; k++) {
            int64_t c = ind[k] / 24, h = ind[k] / 6 % 4, w = ind[k] % 6;
            want[(c * yd[2] + h) * yd[3] + w] = x[k];
        }
        ok(onnxc_session_output(s, 0, &y));
        cr_assert(y.rank == 4 && y.dims[2] == yd[2] && y.dims[3] == yd[3]);
        for (size_t i = 0; i < (size_t)(2 * yd[2] * yd[3]); i++)
            cr_assert(element(&y, dtype, i) == want[i],
                      "opset %d %s element %zu: %g, want %g", opset,
                      type_name(dtype), i, element(&y, dtype, i), want[i]);
    }
    onnxc_session_free(s);
    onnxc_model_free(model);
    return st;
}

/* One index in each 2x2 window, as MaxPool gives them (flat over Y). */
static const int64_t pooled_indices[12] = {0, 3, 4, 13, 14, 17,
                                           24 + 6, 24 + 9, 24 + 10, 24 + 19, 24 + 20, 24 + 23};

Test(max_unpool, both_versions_and_types_with_and_without_output_shape)
{
    const int64_t same[] = {1, 2, 4, 6}, larger[] = {1, 2, 5, 7};
    for (int v = 0; v < 2; v++)
        for (int t = 0; t < 2; t++) {
            int opset = v ? 11 : 9, dtype = t ? ONNXC_DOUBLE : ONNXC_FLOAT;
            ok(check_max_unpool(opset, dtype, NULL, pooled_indices));
            ok(check_max_unpool(opset, dtype, same, pooled_indices));
            ok(check_max_unpool(opset, dtype, larger, pooled_indices));
        }
}

Test(max_unpool, indices_outside_y_and_a_small_output_shape_are_refused)
{
    const int64_t small[] = {1, 2, 3, 6}, channels[] = {1, 1, 4, 6};
    int64_t bad[12];
    memcpy(bad, pooled_indices, sizeof bad);
    bad[7] = 48;
    onnxc_status *st = check_max_unpool(11, ONNXC_FLOAT, NULL, bad);
    expect_refused(st, NULL, "node 'unpool'", "I[7] is 48");
    bad[7] = -1;
    st = check_max_unpool(11, ONNXC_DOUBLE, NULL, bad);
    expect_refused(st, NULL, "node 'unpool'", "I[7] is -1");
    st = check_max_unpool(11, ONNXC_FLOAT, small, pooled_indices);
    expect_refused(st, NULL, "node 'unpool'", "smaller than the unpooled shape");
    st = check_max_unpool(9, ONNXC_FLOAT, channels, pooled_indices);
    expect_refused(st, NULL, "node 'unpool'", "output_shape[1] is 1");
}
