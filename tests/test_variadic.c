/*
 * test_variadic.c - Max, Min, Sum and Mean (ops/common/variadic.c) through
 * a session: more inputs than any fixed cap (20), broadcasting among them,
 * NaN in Max and Min, the integer types from 12, and the refusals (mixed
 * types, unequal shapes before version 8, integers before 12).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model_builder.h"
#include "onnxc.h"

static void ok(onnxc_status *st)
{
    cr_assert_null(st, "%s", onnxc_status_message(st));
}

/* NAME over inputs x0..x{n-1} of type `elem`, input k of shape shapes[k]. */
static mb_model *variadic_model(const char *name, int opset, int elem, int n,
                                const char *const *shapes)
{
    char names[512] = "", one[16];
    mb_model *m = mb_new(8);
    mb_opset(m, "", opset);
    for (int k = 0; k < n; k++) {
        snprintf(one, sizeof one, "x%d", k);
        mb_input(m, one, elem, shapes[k]);
        if (k)
            strcat(names, ",");
        strcat(names, one);
    }
    mb_node(m, name, "v", names, "y");
    mb_output(m, "y", elem, NULL);
    return m;
}

Test(variadic, sum_of_twenty_broadcast_inputs)
{
    enum { N = 20 };
    const char *shapes[N];
    float data[N][6];
    onnxc_model *model = NULL;
    onnxc_session *s = NULL;
    for (int k = 0; k < N; k++) {
        shapes[k] = k % 3 == 0 ? "2,3" : k % 3 == 1 ? "3" : "2,1";
        for (int i = 0; i < 6; i++)
            data[k][i] = (float)(k * 10 + i);
    }
    mb_model *m = variadic_model("Sum", 13, ONNXC_FLOAT, N, shapes);
    ok(mb_load(m, NULL, &model));
    mb_free(m);
    ok(onnxc_session_create(model, NULL, &s));
    for (int k = 0; k < N; k++) {
        int64_t d23[2] = {2, 3}, d3[1] = {3}, d21[2] = {2, 1};
        const int64_t *dims = k % 3 == 0 ? d23 : k % 3 == 1 ? d3 : d21;
        ok(onnxc_session_bind_input(s, (size_t)k, ONNXC_FLOAT, dims,
                                    k % 3 == 1 ? 1 : 2, data[k]));
    }
    ok(onnxc_session_run(s));
    onnxc_tensor_view v;
    ok(onnxc_session_output(s, 0, &v));
    cr_assert(v.rank == 2 && v.dims[0] == 2 && v.dims[1] == 3);
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 3; c++) {
            double want = 0;
            for (int k = 0; k < N; k++)
                want += k % 3 == 0 ? data[k][r * 3 + c]
                        : k % 3 == 1 ? data[k][c] : data[k][r];
            cr_assert_eq(((const float *)v.data)[r * 3 + c], (float)want,
                         "[%d,%d]", r, c);
        }
    onnxc_session_free(s);
    onnxc_model_free(model);
}

/* Runs NAME over three [4] inputs of type elem and returns y's bytes in out. */
static void run3(const char *name, int opset, int elem, const void *a,
                 const void *b, const void *c, size_t esize, void *out)
{
    const char *shapes[3] = {"4", "4", "4"};
    const void *in[3] = {a, b, c};
    int64_t dims[1] = {4};
    onnxc_model *model = NULL;
    onnxc_session *s = NULL;
    mb_model *m = variadic_model(name, opset, elem, 3, shapes);
    ok(mb_load(m, NULL, &model));
    mb_free(m);
    ok(onnxc_session_create(model, NULL, &s));
    for (int k = 0; k < 3; k++)
        ok(onnxc_session_bind_input(s, (size_t)k, (onnxc_dtype)elem, dims, 1,
                                    in[k]));
    ok(onnxc_session_run(s));
    onnxc_tensor_view v;
    ok(onnxc_session_output(s, 0, &v));
    memcpy(out, v.data, 4 * esize);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(variadic, max_min_and_mean_elementwise)
{
    const float a[4] = {1, NAN, 3, -1}, b[4] = {2, 0, NAN, -2},
                c[4] = {0, 5, 1, -3};
    float y[4];
    run3("Max", 13, ONNXC_FLOAT, a, b, c, sizeof(float), y);
    cr_assert(y[0] == 2 && isnan(y[1]) && isnan(y[2]) && y[3] == -1);
    run3("Min", 8, ONNXC_FLOAT, a, b, c, sizeof(float), y);
    cr_assert(y[0] == 0 && isnan(y[1]) && isnan(y[2]) && y[3] == -3);
    const float d[4] = {1, 2, 3, 4}, e[4] = {2, 2, 2, 2}, f[4] = {0, 5, 1, -3};
    run3("Mean", 13, ONNXC_FLOAT, d, e, f, sizeof(float), y);
    cr_assert(y[0] == 1 && y[1] == 3 && y[2] == 2 && y[3] == 1);
    const int64_t i[4] = {INT64_MIN, 7, -1, 0}, j[4] = {0, 8, -2, 0},
                  k[4] = {1, 6, -3, 0};
    int64_t z[4];
    run3("Max", 12, ONNXC_INT64, i, j, k, sizeof(int64_t), z);
    cr_assert(z[0] == 1 && z[1] == 8 && z[2] == -1 && z[3] == 0);
    run3("Min", 13, ONNXC_INT64, i, j, k, sizeof(int64_t), z);
    cr_assert(z[0] == INT64_MIN && z[1] == 6 && z[2] == -3 && z[3] == 0);
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

Test(variadic, refusals_name_the_node_and_the_input)
{
    const char *same[2] = {"2,3", "2,3"}, *bcast[2] = {"2,3", "3"};
    mb_model *m = variadic_model("Sum", 13, ONNXC_FLOAT, 2, same);
    Onnx__ModelProto *p = mb_proto(m);
    p->graph->input[1]->type->tensor_type->elem_type = ONNXC_DOUBLE;
    expect_refused(m, ONNXC_ERR_INVALID_MODEL, "input 1 is double");
    expect_refused(variadic_model("Max", 6, ONNXC_FLOAT, 2, bcast),
                   ONNXC_ERR_SHAPE, "before version 8");
    expect_refused(variadic_model("Max", 8, ONNXC_INT32, 2, same),
                   ONNXC_ERR_UNSUPPORTED, "int32");
    expect_refused(variadic_model("Mean", 13, ONNXC_INT32, 2, same),
                   ONNXC_ERR_UNSUPPORTED, "int32");
}
