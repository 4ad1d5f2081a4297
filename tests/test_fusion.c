/*
 * test_fusion.c - the graph's fusion passes: an Add of a constant bias
 * after a float MatMul (a Linear over a 3-D input) and the Relu after it
 * both join the MatMul's store; a Clip from +0 (ReLU6) joins a Conv's,
 * a depthwise Conv's or a MatMul's. Fused and unfused runs must agree, and
 * the fused plan must hold fewer tensors.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* A session of the model compiled with `optimize`. */
static onnxc_session *session_of(const onnxc_model *model, unsigned optimize)
{
    onnxc_session_options *o = NULL;
    onnxc_session *s = NULL;
    cr_assert_null(onnxc_session_options_create(&o));
    cr_assert_null(onnxc_session_options_set_optimizations(o, optimize));
    cr_assert_null(onnxc_session_create(model, o, &s));
    onnxc_session_options_free(o);
    return s;
}

/* Runs the model; returns the plan's tensor count and copies Y out. */
static size_t run(const onnxc_model *model, unsigned optimize, float *y)
{
    onnxc_session *s = session_of(model, optimize);
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

/* A producer (Conv, depthwise Conv or MatMul) of x [1, 2, 5, 5] and a
 * Clip after it: version `v`, bounds as attributes (v < 11) or inputs;
 * min / max NULL when absent, or "x" for a computed max (a graph input).
 * Returns the plan's tensor count; Y (1 x 2|4 x 5 x 5) into y. */
typedef enum { P_CONV, P_DEPTHWISE, P_MATMUL } producer;

static size_t run_clip(producer pr, int v, const float *min, const float *max,
                       bool max_computed, unsigned optimize, float *y,
                       size_t *n_y)
{
    static float cx[50], cw[72], cb[4], six = 6;
    for (int i = 0; i < 50; i++)
        cx[i] = (float)((i * 7) % 11) - 5.0f;
    for (int i = 0; i < 72; i++)
        cw[i] = (float)((i * 5) % 9) * 0.5f - 1.8f;
    for (int i = 0; i < 4; i++)
        cb[i] = (float)i - 1.5f;
    mb_model *m = mb_new(8);
    mb_opset(m, "", v);
    mb_input(m, "x", ONNXC_FLOAT, "1,2,5,5");
    if (max_computed)
        mb_input(m, "cap", ONNXC_FLOAT, "");
    if (pr == P_MATMUL) {
        mb_initializer_f32(m, "w", "5,5", cw, 25);
        mb_node(m, "MatMul", "p", "x,w", "t");
    } else {
        int64_t pads[] = {1, 1, 1, 1};
        bool dw = pr == P_DEPTHWISE;
        mb_initializer_f32(m, "w", dw ? "2,1,3,3" : "4,2,3,3", cw, dw ? 18 : 72);
        mb_initializer_f32(m, "b", dw ? "2" : "4", cb, dw ? 2 : 4);
        Onnx__NodeProto *c = mb_node(m, "Conv", "p", "x,w,b", "t");
        mb_attr_ints(m, c, "pads", pads, 4);
        if (dw)
            mb_attr_int(m, c, "group", 2);
    }
    char in[32] = "t";
    if (v >= 11) {
        if (min)
            mb_initializer_f32(m, "lo", "", min, 1);
        if (max && !max_computed)
            mb_initializer_f32(m, "hi", "", max, 1);
        strcat(in, min ? ",lo" : ",");
        strcat(in, max_computed ? ",cap" : max ? ",hi" : "");
    }
    Onnx__NodeProto *clip = mb_node(m, "Clip", "clip", in, "y");
    if (v < 11 && min)
        mb_attr_float(m, clip, "min", *min);
    if (v < 11 && max)
        mb_attr_float(m, clip, "max", *max);
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    onnxc_model *model = NULL;
    onnxc_status *st = mb_load(m, NULL, &model);
    cr_assert_null(st, "%s", onnxc_status_message(st));
    mb_free(m);
    onnxc_session *s = session_of(model, optimize);
    int64_t dims[] = {1, 2, 5, 5};
    cr_assert_null(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, dims, 4, cx));
    if (max_computed)
        cr_assert_null(onnxc_session_bind_input(s, 1, ONNXC_FLOAT, NULL, 0, &six));
    cr_assert_null(onnxc_session_run(s));
    onnxc_tensor_view out;
    cr_assert_null(onnxc_session_output(s, 0, &out));
    *n_y = out.bytes / sizeof(float);
    memcpy(y, out.data, out.bytes);
    onnxc_plan_stats stats;
    cr_assert_null(onnxc_session_plan_stats(s, &stats));
    onnxc_session_free(s);
    onnxc_model_free(model);
    return stats.tensors;
}

Test(fusion, a_clip_from_zero_joins_the_store_and_others_stay)
{
    const float zero = 0, neg_zero = -0.0f, minus1 = -1, six = 6, two = 2;
    struct {
        int v;
        const float *min, *max;
        bool computed, fused;
    } forms[] = {
        {13, &zero, &six, false, true},   /* ReLU6 as torch exports it */
        {6, &zero, &six, false, true},    /* attributes */
        {11, &zero, NULL, false, true},   /* no max: FLT_MAX */
        {13, &zero, &minus1, false, true},/* max below min: all max */
        {13, &minus1, &six, false, false},
        {13, &neg_zero, &six, false, false},
        {13, NULL, &two, false, false},
        {13, &zero, &six, true, false},   /* max computed */
    };
    for (int pr = P_CONV; pr <= P_MATMUL; pr++)
        for (size_t f = 0; f < sizeof forms / sizeof *forms; f++) {
            float fused[100], plain[100];
            size_t nf, np;
            size_t tf = run_clip((producer)pr, forms[f].v, forms[f].min,
                                 forms[f].max, forms[f].computed,
                                 ONNXC_OPTIMIZE_ALL, fused, &nf);
            run_clip((producer)pr, forms[f].v, forms[f].min, forms[f].max,
                     forms[f].computed, ONNXC_OPTIMIZE_NONE, plain, &np);
            cr_assert_eq(nf, np);
            cr_assert_eq(tf, forms[f].fused ? (size_t)1 : (size_t)2,
                         "producer %d, form %zu: %zu tensors", pr, f, tf);
            bool clipped = false;
            for (size_t i = 0; i < nf; i++) {
                cr_assert(memcmp(&fused[i], &plain[i], sizeof(float)) == 0,
                          "producer %d, form %zu, y[%zu]: %.9g fused, %.9g not",
                          pr, f, i, fused[i], plain[i]);
                clipped = clipped || plain[i] == 6;
            }
            if (f == 0)
                cr_assert(clipped, "producer %d: the cap is reached", pr);
        }
}
