/*
 * test_fusion.c - the graph's fusion passes: an Add of a constant bias
 * after a float MatMul (a Linear over a 3-D input) and the Relu after it
 * both join the MatMul's store. Fused and unfused runs must agree, and
 * the fused plan must hold fewer tensors.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>

#include "model_builder.h"
#include "onnxc.h"

#define B 2
#define S 3
#define K 4
#define N 5

static float x[B * S * K], w[K * N], bias[N];

static void fill(void)
{
    for (int i = 0; i < B * S * K; i++)
        x[i] = (float)((i * 7) % 11) - 5.0f;
    for (int i = 0; i < K * N; i++)
        w[i] = (float)((i * 5) % 9) * 0.25f - 1.0f;
    for (int i = 0; i < N; i++)
        bias[i] = (float)i - 2.5f;
}

/* MatMul(x, W) + bias -> Relu, with the bias as [N] or [1, N], on either
 * side of the Add. */
static onnxc_model *linear_relu(const char *bias_dims, bool bias_first)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "batch,3,4");
    mb_initializer_f32(m, "w", "4,5", w, K * N);
    mb_initializer_f32(m, "b", bias_dims, bias, N);
    mb_node(m, "MatMul", "mm", "x,w", "t");
    mb_node(m, "Add", "add", bias_first ? "b,t" : "t,b", "u");
    mb_node(m, "Relu", "relu", "u", "y");
    mb_output(m, "y", ONNXC_FLOAT, "batch,3,5");
    onnxc_model *model = NULL;
    onnxc_status *st = mb_load(m, NULL, &model);
    cr_assert_null(st, "%s", onnxc_status_message(st));
    mb_free(m);
    return model;
}

/* Runs the model; returns the plan's tensor count and copies Y out. */
static size_t run(const onnxc_model *model, unsigned optimize, float *y)
{
    onnxc_session_options *o = NULL;
    onnxc_session *s = NULL;
    cr_assert_null(onnxc_session_options_create(&o));
    cr_assert_null(onnxc_session_options_set_optimizations(o, optimize));
    cr_assert_null(onnxc_session_create(model, o, &s));
    onnxc_session_options_free(o);
    int64_t dims[] = {B, S, K};
    cr_assert_null(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, dims, 3, x));
    cr_assert_null(onnxc_session_run(s));
    onnxc_tensor_view v;
    cr_assert_null(onnxc_session_output(s, 0, &v));
    cr_assert_eq(v.bytes, sizeof(float) * B * S * N);
    for (int i = 0; i < B * S * N; i++)
        y[i] = ((const float *)v.data)[i];
    onnxc_plan_stats stats;
    cr_assert_null(onnxc_session_plan_stats(s, &stats));
    onnxc_session_free(s);
    return stats.tensors;
}

Test(fusion, matmul_bias_relu_fuse_and_match_the_definition)
{
    fill();
    const char *forms[] = {"5", "1,5", "1,1,5"};
    for (int f = 0; f < 3; f++)
        for (int first = 0; first < 2; first++) {
            float fused[B * S * N], plain[B * S * N];
            /* one model, two programs: fused and not */
            onnxc_model *model = linear_relu(forms[f], first);
            size_t fused_tensors = run(model, ONNXC_OPTIMIZE_ALL, fused);
            size_t plain_tensors = run(model, ONNXC_OPTIMIZE_NONE, plain);
            onnxc_model_free(model);
            cr_assert_eq(fused_tensors, (size_t)1, "bias %s: fused into one",
                         forms[f]);
            cr_assert_eq(plain_tensors, (size_t)3);
            for (int r = 0; r < B * S; r++)
                for (int j = 0; j < N; j++) {
                    double want = bias[j];
                    for (int l = 0; l < K; l++)
                        want += (double)x[r * K + l] * w[l * N + j];
                    want = want < 0 ? 0 : want;
                    cr_assert_float_eq(fused[r * N + j], want, 1e-5,
                                       "fused y[%d][%d]", r, j);
                    cr_assert_float_eq(plain[r * N + j], want, 1e-5,
                                       "unfused y[%d][%d]", r, j);
                }
        }
}

Test(fusion, a_bias_that_would_broadcast_y_is_not_fused)
{
    fill();
    /* [3, 5]: a bias per (seq, feature), not a row: the Add stays. */
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "batch,3,4");
    mb_initializer_f32(m, "w", "4,5", w, K * N);
    float b15[15];
    for (int i = 0; i < 15; i++)
        b15[i] = (float)i;
    mb_initializer_f32(m, "b", "3,5", b15, 15);
    mb_node(m, "MatMul", "mm", "x,w", "t");
    mb_node(m, "Add", "add", "t,b", "y");
    mb_output(m, "y", ONNXC_FLOAT, "batch,3,5");
    onnxc_model *model = NULL;
    cr_assert_null(mb_load(m, NULL, &model));
    mb_free(m);
    float y[B * S * N];
    cr_assert_eq(run(model, ONNXC_OPTIMIZE_ALL, y), (size_t)2,
                 "MatMul and Add both run");
    for (int r = 0; r < B * S; r++)
        for (int j = 0; j < N; j++) {
            double want = b15[(r % S) * N + j];
            for (int l = 0; l < K; l++)
                want += (double)x[r * K + l] * w[l * N + j];
            cr_assert_float_eq(y[r * N + j], want, 1e-5);
        }
    onnxc_model_free(model);
}
