/*
 * test_pow.c - Pow (ops/elementwise/pow.c) through a session against
 * values worked out here: integer powers exact and wrapping, negative
 * integer exponents, an integer base with a float exponent converting as
 * Cast does, float special cases, broadcasting in both forms, and the
 * refusals (mixed types before 12, a legacy axis, bool exponents).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "model_builder.h"
#include "onnxc.h"

static void ok(onnxc_status *st)
{
    cr_assert_null(st, "%s", onnxc_status_message(st));
}

static mb_model *pow_model(int opset, int xt, const char *xs, int et,
                           const char *es)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", opset);
    mb_input(m, "x", xt, xs);
    mb_input(m, "e", et, es);
    mb_node(m, "Pow", "pow", "x,e", "y");
    mb_output(m, "y", xt, NULL);
    return m;
}

/* Runs pow over x [n] and e [ne] (ne 1 or n); y's bytes into out. */
static void run_pow(int opset, int xt, const void *x, int et, const void *e,
                    int n, int ne, void *out)
{
    char xs[8], es[8];
    snprintf(xs, sizeof xs, "%d", n);
    snprintf(es, sizeof es, "%d", ne);
    onnxc_model *model = NULL;
    onnxc_session *s = NULL;
    mb_model *m = pow_model(opset, xt, xs, et, es);
    ok(mb_load(m, NULL, &model));
    mb_free(m);
    ok(onnxc_session_create(model, NULL, &s));
    int64_t dx[1] = {n}, de[1] = {ne};
    ok(onnxc_session_bind_input(s, 0, (onnxc_dtype)xt, dx, 1, x));
    ok(onnxc_session_bind_input(s, 1, (onnxc_dtype)et, de, 1, e));
    ok(onnxc_session_run(s));
    onnxc_tensor_view v;
    ok(onnxc_session_output(s, 0, &v));
    memcpy(out, v.data, v.bytes);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(pow, integer_powers_are_exact_and_wrap)
{
    const int64_t x[6] = {2, 3, -1, -1, 1, 5}, e[6] = {62, 41, 3, 4, -7, -1};
    int64_t y[6];
    run_pow(15, ONNXC_INT64, x, ONNXC_INT64, e, 6, 6, y);
    cr_assert_eq(y[0], INT64_C(1) << 62);
    cr_assert(y[2] == -1 && y[3] == 1 && y[4] == 1 && y[5] == 0,
              "%lld %lld %lld %lld", (long long)y[2], (long long)y[3],
              (long long)y[4], (long long)y[5]);
    /* 3^41 wraps: the low 64 bits of the exact power */
    uint64_t want = 1;
    for (int i = 0; i < 41; i++)
        want *= 3;
    cr_assert_eq((uint64_t)y[1], want);
}

Test(pow, an_integer_base_with_a_float_exponent_converts_as_cast)
{
    const int32_t x[4] = {2, 2, -8, 9};
    const float e[4] = {40.0f, 0.5f, 1.0f / 3.0f, 0.5f};
    int32_t y[4];
    run_pow(15, ONNXC_INT32, x, ONNXC_FLOAT, e, 4, 4, y);
    /* 2^40 saturates; 2^0.5 truncates to 1; (-8)^(1/3) is NaN: 0 */
    cr_assert(y[0] == INT32_MAX && y[1] == 1 && y[2] == 0 && y[3] == 3,
              "%d %d %d %d", y[0], y[1], y[2], y[3]);
}

Test(pow, float_special_values_and_a_broadcast_exponent)
{
    const float x[5] = {0.0f, -0.0f, -2.0f, INFINITY, 4.0f};
    const float e[1] = {-1.0f};
    float y[5];
    run_pow(13, ONNXC_FLOAT, x, ONNXC_FLOAT, e, 5, 1, y);
    cr_assert(y[0] == INFINITY && y[1] == -INFINITY && y[2] == -0.5f &&
                  y[3] == 0.0f && y[4] == 0.25f,
              "%g %g %g %g %g", (double)y[0], (double)y[1], (double)y[2],
              (double)y[3], (double)y[4]);
    const double xd[2] = {2.0, -8.0};
    const int64_t ed[2] = {-2, 3};
    double yd[2];
    run_pow(15, ONNXC_DOUBLE, xd, ONNXC_INT64, ed, 2, 2, yd);
    cr_assert(yd[0] == 0.25 && yd[1] == -512.0);
}

static void expect_refused(mb_model *m, onnxc_code code, const char *part)
{
    onnxc_model *model = NULL;
    onnxc_status *st = mb_load(m, NULL, &model);
    mb_free(m);
    cr_assert_null(model);
    cr_assert_not_null(st);
    cr_assert_eq(onnxc_status_code(st), code, "%s", onnxc_status_message(st));
    cr_assert(strstr(onnxc_status_message(st), part), "%s",
              onnxc_status_message(st));
    onnxc_status_free(st);
}

Test(pow, refusals_name_the_node)
{
    expect_refused(pow_model(7, ONNXC_FLOAT, "4", ONNXC_DOUBLE, "4"),
                   ONNXC_ERR_INVALID_MODEL, "before version 12");
    expect_refused(pow_model(13, ONNXC_FLOAT, "4", ONNXC_BOOL, "4"),
                   ONNXC_ERR_UNSUPPORTED, "bool");
    expect_refused(pow_model(13, ONNXC_UINT8, "4", ONNXC_FLOAT, "4"),
                   ONNXC_ERR_UNSUPPORTED, "uint8");
    expect_refused(pow_model(1, ONNXC_FLOAT, "2,3", ONNXC_FLOAT, "3"),
                   ONNXC_ERR_SHAPE, "broadcast is not 1");
    mb_model *m = pow_model(1, ONNXC_FLOAT, "2,3", ONNXC_FLOAT, "2");
    Onnx__NodeProto *n = mb_proto(m)->graph->node[0];
    mb_attr_int(m, n, "broadcast", 1);
    mb_attr_int(m, n, "axis", 0);
    expect_refused(m, ONNXC_ERR_UNSUPPORTED, "'axis'");
}

Test(pow, version_1_broadcasts_the_exponent_onto_trailing_dims)
{
    mb_model *m = pow_model(1, ONNXC_FLOAT, "2,3", ONNXC_FLOAT, "3");
    mb_attr_int(m, mb_proto(m)->graph->node[0], "broadcast", 1);
    onnxc_model *model = NULL;
    onnxc_session *s = NULL;
    ok(mb_load(m, NULL, &model));
    mb_free(m);
    ok(onnxc_session_create(model, NULL, &s));
    const float x[6] = {1, 2, 3, 4, 5, 6}, e[3] = {0, 1, 2};
    int64_t dx[2] = {2, 3}, de[1] = {3};
    ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, dx, 2, x));
    ok(onnxc_session_bind_input(s, 1, ONNXC_FLOAT, de, 1, e));
    ok(onnxc_session_run(s));
    onnxc_tensor_view v;
    ok(onnxc_session_output(s, 0, &v));
    const float want[6] = {1, 2, 9, 1, 5, 36};
    cr_assert_eq(memcmp(v.data, want, sizeof want), 0);
    onnxc_session_free(s);
    onnxc_model_free(model);
}
