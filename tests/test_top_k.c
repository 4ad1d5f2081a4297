/*
 * test_top_k.c - TopK (ops/reduce/top_k.c) through a session against a
 * plain reference (a stable insertion sort of each line): random lines
 * full of ties along a middle axis, largest and smallest, every k from 0
 * to n, NaN, integers, version 1's attribute, k as a graph input that
 * changes between runs, and the refusals (k above the axis, negative k).
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

/* X [A, N, B] (dtype), TopK along axis 1 at opset 11 (K a graph input
 * when k_input, else an initializer holding k). */
static onnxc_model *top_k_model(int dtype, int a, int n, int b, int64_t k,
                                bool largest, bool k_input)
{
    char xs[32];
    snprintf(xs, sizeof xs, "%d,%d,%d", a, n, b);
    mb_model *m = mb_new(8);
    mb_opset(m, "", 11);
    mb_input(m, "x", dtype, xs);
    if (k_input)
        mb_input(m, "k", ONNXC_INT64, "1");
    else
        mb_initializer_raw(m, "k", ONNXC_INT64, "1", &k, sizeof k);
    Onnx__NodeProto *node = mb_node(m, "TopK", "topk", "x,k", "v,i");
    mb_attr_int(m, node, "axis", 1);
    mb_attr_int(m, node, "largest", largest);
    mb_output(m, "v", dtype, NULL);
    mb_output(m, "i", ONNXC_INT64, NULL);
    onnxc_model *model = NULL;
    ok(mb_load(m, NULL, &model));
    mb_free(m);
    return model;
}

/* Whether x[a] ranks before x[b] (NaN above every number). */
static bool before(const float *x, int a, int b, bool largest)
{
    float u = x[a], v = x[b];
    bool ugt = u > v || (isnan(u) && !isnan(v));
    bool vgt = v > u || (isnan(v) && !isnan(u));
    if (ugt || vgt)
        return ugt == largest;
    return a < b;
}

/* The reference: indices of one strided line, in rank order. */
static void reference_order(const float *line, int n, int stride, bool largest,
                            int *order)
{
    float v[64];
    for (int j = 0; j < n; j++) {
        v[j] = line[j * stride];
        order[j] = j;
    }
    for (int j = 1; j < n; j++)
        for (int t = j; t > 0 && before(v, order[t], order[t - 1], largest); t--) {
            int s = order[t];
            order[t] = order[t - 1];
            order[t - 1] = s;
        }
}

Test(top_k, random_lines_with_ties_every_k)
{
    enum { A = 3, N = 17, B = 5 };
    float x[A * N * B];
    rng r = rng_seed(12345);
    for (int t = 0; t < A * N * B; t++)   /* few values: many ties */
        x[t] = (float)rng_below(&r, 6) - 2;
    x[7] = NAN;
    x[40] = -INFINITY;
    for (int largest = 0; largest < 2; largest++)
        for (int64_t k = 0; k <= N; k++) {
            onnxc_model *model = top_k_model(ONNXC_FLOAT, A, N, B, k, largest, false);
            onnxc_session *s = NULL;
            int64_t xd[] = {A, N, B};
            ok(onnxc_session_create(model, NULL, &s));
            ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, xd, 3, x));
            ok(onnxc_session_run(s));
            onnxc_tensor_view v, i;
            ok(onnxc_session_output(s, 0, &v));
            ok(onnxc_session_output(s, 1, &i));
            cr_assert(v.rank == 3 && v.dims[1] == k && i.dims[1] == k);
            const float *vv = v.data;
            const int64_t *iv = i.data;
            for (int a = 0; a < A; a++)
                for (int b = 0; b < B; b++) {
                    int order[N];
                    reference_order(x + a * N * B + b, N, B, largest, order);
                    for (int j = 0; j < k; j++) {
                        size_t at = ((size_t)a * (size_t)k + (size_t)j) * B + (size_t)b;
                        float want = x[(a * N + order[j]) * B + b];
                        cr_assert(iv[at] == order[j], "k %lld largest %d line %d,%d rank %d: index %lld, want %d",
                                  (long long)k, largest, a, b, j,
                                  (long long)iv[at], order[j]);
                        cr_assert(memcmp(&vv[at], &want, sizeof want) == 0);
                    }
                }
            onnxc_session_free(s);
            onnxc_model_free(model);
        }
}

Test(top_k, integers_at_their_extremes)
{
    const int64_t x[6] = {INT64_MIN, 5, INT64_MAX, 5, -1, INT64_MAX};
    onnxc_model *model = top_k_model(ONNXC_INT64, 1, 6, 1, 3, true, false);
    onnxc_session *s = NULL;
    int64_t xd[] = {1, 6, 1};
    ok(onnxc_session_create(model, NULL, &s));
    ok(onnxc_session_bind_input(s, 0, ONNXC_INT64, xd, 3, x));
    ok(onnxc_session_run(s));
    onnxc_tensor_view v, i;
    ok(onnxc_session_output(s, 0, &v));
    ok(onnxc_session_output(s, 1, &i));
    const int64_t want_v[3] = {INT64_MAX, INT64_MAX, 5}, want_i[3] = {2, 5, 1};
    cr_assert(memcmp(v.data, want_v, sizeof want_v) == 0);
    cr_assert(memcmp(i.data, want_i, sizeof want_i) == 0);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(top_k, k_as_a_graph_input_changes_the_plan)
{
    const float x[5] = {3, 1, 4, 1, 5};
    onnxc_model *model = top_k_model(ONNXC_FLOAT, 1, 5, 1, 0, false, true);
    onnxc_session *s = NULL;
    int64_t xd[] = {1, 5, 1}, kd[] = {1};
    ok(onnxc_session_create(model, NULL, &s));
    ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, xd, 3, x));
    const int64_t ks[3] = {2, 4, 2};
    const float want[4] = {1, 1, 3, 4};
    for (int r = 0; r < 3; r++) {
        ok(onnxc_session_bind_input(s, 1, ONNXC_INT64, kd, 1, &ks[r]));
        ok(onnxc_session_run(s));
        onnxc_tensor_view v;
        ok(onnxc_session_output(s, 0, &v));
        cr_assert(v.dims[1] == ks[r]);
        cr_assert(memcmp(v.data, want, (size_t)ks[r] * sizeof(float)) == 0);
    }
    const int64_t too_many = 6;
    ok(onnxc_session_bind_input(s, 1, ONNXC_INT64, kd, 1, &too_many));
    onnxc_status *st = onnxc_session_run(s);
    cr_assert(st && strstr(onnxc_status_message(st), "node 'topk'") &&
                  strstr(onnxc_status_message(st), "K is 6"),
              "%s", onnxc_status_message(st));
    onnxc_status_free(st);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(top_k, version_1_takes_k_as_an_attribute)
{
    mb_model *m = mb_new(3);
    mb_opset(m, "", 1);
    mb_input(m, "x", ONNXC_DOUBLE, "2,3");
    Onnx__NodeProto *node = mb_node(m, "TopK", "topk", "x", "v,i");
    mb_attr_int(m, node, "k", 1);
    mb_output(m, "v", ONNXC_DOUBLE, NULL);
    mb_output(m, "i", ONNXC_INT64, NULL);
    onnxc_model *model = NULL;
    onnxc_session *s = NULL;
    ok(mb_load(m, NULL, &model));
    mb_free(m);
    ok(onnxc_session_create(model, NULL, &s));
    const double x[6] = {1, 9, 2, -3, -1, -2};
    int64_t xd[] = {2, 3};
    ok(onnxc_session_bind_input(s, 0, ONNXC_DOUBLE, xd, 2, x));
    ok(onnxc_session_run(s));
    onnxc_tensor_view v, i;
    ok(onnxc_session_output(s, 0, &v));
    ok(onnxc_session_output(s, 1, &i));
    const double want_v[2] = {9, -1};
    const int64_t want_i[2] = {1, 1};
    cr_assert(memcmp(v.data, want_v, sizeof want_v) == 0);
    cr_assert(memcmp(i.data, want_i, sizeof want_i) == 0);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(top_k, refusals_at_load)
{
    struct {
        int64_t k;
        const char *part;
    } cases[] = {{4, "K is 4, more than the 3 elements"},
                 {-1, "K is -1"}};
    for (size_t c = 0; c < 2; c++) {
        mb_model *m = mb_new(8);
        mb_opset(m, "", 11);
        mb_input(m, "x", ONNXC_FLOAT, "2,3");
        mb_initializer_raw(m, "k", ONNXC_INT64, "1", &cases[c].k, sizeof(int64_t));
        mb_node(m, "TopK", "topk", "x,k", "v,i");
        mb_output(m, "v", ONNXC_FLOAT, NULL);
        mb_output(m, "i", ONNXC_INT64, NULL);
        onnxc_model *model = NULL;
        onnxc_status *st = mb_load(m, NULL, &model);
        mb_free(m);
        cr_assert(st && strstr(onnxc_status_message(st), "node 'topk'") &&
                      strstr(onnxc_status_message(st), cases[c].part),
                  "case %zu: %s", c, st ? onnxc_status_message(st) : "loaded");
        onnxc_status_free(st);
        onnxc_model_free(model);
    }
}
