/*
 * test_fold_batch_norm.c - the fold_batch_norm pass: a Conv followed by
 * an inference BatchNormalization compiles to the Conv alone, whose
 * output matches the unfolded program's (the fusions switched off in the
 * session options) within rtol 1e-5, in float and double, at every
 * BatchNormalization version the fold reads; the near misses (a second
 * reader of the Conv's output, BatchNormalization parameters or Conv
 * weights that are graph inputs, training mode) keep both nodes.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "model_builder.h"
#include "onnxc.h"
#include "test_rng.h"

#define M 4                     /* output channels */
#define X_COUNT (2 * 3 * 5 * 5)
#define W_COUNT (M * 3 * 3 * 3)
#define Y_COUNT (2 * M * 3 * 3)

typedef struct fold_spec {
    int opset;                  /* BatchNormalization 6, 9, 14 or 15 */
    onnxc_dtype dtype;
    bool no_bias;               /* the Conv without B */
    bool second_reader;         /* the Conv's output also read by a Relu */
    bool stats_input;           /* BatchNormalization's mean a graph input */
    bool weights_input;         /* the Conv's W a graph input */
    bool training;              /* is_test 0 (6), 3 outputs (14, 15) */
    bool then_relu;             /* a Relu after the BatchNormalization */
} fold_spec;

static double x_v[X_COUNT], w_v[W_COUNT], stats_v[5][M];

static void initializer(mb_model *m, onnxc_dtype t, const char *name,
                        const char *dims, const double *v, size_t n)
{
    float f[W_COUNT];
    for (size_t i = 0; i < n; i++)
        f[i] = (float)v[i];
    mb_initializer_raw(m, name, t, dims, t == ONNXC_FLOAT ? (const void *)f : v,
                       n * (t == ONNXC_FLOAT ? sizeof *f : sizeof *v));
}

static onnxc_model *fold_model(const fold_spec *s)
{
    static const char *const stat_names[] = {"scale", "bn_b", "mean", "var"};
    const int64_t pads[] = {1, 1, 1, 1}, strides[] = {2, 2};
    mb_model *m = mb_new(8);
    onnxc_model *model = NULL;
    onnxc_dtype t = s->dtype;
    mb_opset(m, "", s->opset);
    mb_input(m, "x", t, "2,3,5,5");
    if (s->weights_input)
        mb_input(m, "w", t, "4,3,3,3");
    else
        initializer(m, t, "w", "4,3,3,3", w_v, W_COUNT);
    if (!s->no_bias)
        initializer(m, t, "b", "4", stats_v[4], M);
    for (int k = 0; k < 4; k++)
        if (s->stats_input && k == 2)
            mb_input(m, stat_names[k], t, "4");
        else
            initializer(m, t, stat_names[k], "4", stats_v[k], M);
    Onnx__NodeProto *conv = mb_node(m, "Conv", "conv", s->no_bias ? "x,w" : "x,w,b", "c");
    mb_attr_ints(m, conv, "pads", pads, 4);
    mb_attr_ints(m, conv, "strides", strides, 2);
    bool three = s->training && s->opset >= 14;
    Onnx__NodeProto *bn = mb_node(m, "BatchNormalization", "bn",
                                  "c,scale,bn_b,mean,var",
                                  three ? "y,rm,rv" : "y");
    mb_attr_float(m, bn, "epsilon", 1e-3f);
    if (s->opset < 7)
        mb_attr_int(m, bn, "is_test", s->training ? 0 : 1);
    if (three)
        mb_attr_int(m, bn, "training_mode", 1);
    if (s->then_relu)
        mb_node(m, "Relu", "relu", "y", "out");
    mb_output(m, s->then_relu ? "out" : "y", t, NULL);
    if (s->second_reader) {
        mb_node(m, "Relu", "other", "c", "c_relu");
        mb_output(m, "c_relu", t, NULL);
    }
    onnxc_status *st = mb_load(m, NULL, &model);
    cr_assert_null(st, "%s", onnxc_status_message(st));
    mb_free(m);
    return model;
}

/* Runs the model with the optimizations given; output 0 into y. Returns
 * how many BatchNormalization nodes the program runs. */
static int run(const onnxc_model *model, const fold_spec *s, unsigned optimize,
               double *y)
{
    const int64_t xd[] = {2, 3, 5, 5}, wd[] = {4, 3, 3, 3}, md[] = {4};
    float xf[X_COUNT], wf[W_COUNT], mf[M];
    onnxc_session_options *o = NULL;
    onnxc_session *session = NULL;
    onnxc_tensor_view v;
    bool f = s->dtype == ONNXC_FLOAT;
    for (size_t i = 0; i < X_COUNT; i++)
        xf[i] = (float)x_v[i];
    for (size_t i = 0; i < W_COUNT; i++)
        wf[i] = (float)w_v[i];
    for (size_t i = 0; i < M; i++)
        mf[i] = (float)stats_v[2][i];
    cr_assert_null(onnxc_session_options_create(&o));
    cr_assert_null(onnxc_session_options_set_optimizations(o, optimize));
    onnxc_status *st = onnxc_session_create(model, o, &session);
    cr_assert_null(st, "%s", onnxc_status_message(st));
    onnxc_session_options_free(o);
    int k = 0;
    cr_assert_null(onnxc_session_bind_input(session, k++, s->dtype, xd, 4,
                                            f ? (const void *)xf : x_v));
    if (s->weights_input)
        cr_assert_null(onnxc_session_bind_input(session, k++, s->dtype, wd, 4,
                                                f ? (const void *)wf : w_v));
    if (s->stats_input)
        cr_assert_null(onnxc_session_bind_input(session, k++, s->dtype, md, 1,
                                                f ? (const void *)mf
                                                  : stats_v[2]));
    st = onnxc_session_run(session);
    cr_assert_null(st, "%s", onnxc_status_message(st));
    cr_assert_null(onnxc_session_output(session, 0, &v));
    cr_assert_eq(v.bytes, Y_COUNT * onnxc_dtype_size(s->dtype));
    for (size_t i = 0; i < Y_COUNT; i++)
        y[i] = f ? ((const float *)v.data)[i] : ((const double *)v.data)[i];
    int norms = 0;
    size_t nodes = onnxc_session_node_count(session);
    for (size_t i = 0; i < nodes; i++) {
        const char *op;
        cr_assert_null(onnxc_session_node_op_type(session, i, &op));
        norms += !strcmp(op, "BatchNormalization");
    }
    onnxc_session_free(session);
    return norms;
}

static void values(uint64_t seed)
{
    rng r = rng_seed(seed);
    for (size_t i = 0; i < X_COUNT; i++)
        x_v[i] = (double)rng_below(&r, 2001) / 1000 - 1;
    for (size_t i = 0; i < W_COUNT; i++)
        w_v[i] = (double)rng_below(&r, 2001) / 1000 - 1;
    for (int k = 0; k < 5; k++)
        for (int c = 0; c < M; c++)
            stats_v[k][c] = (double)rng_below(&r, 2001) / 1000 - 1 +
                            (k == 0 || k == 3 ? 1.5 : 0);   /* scale, var > 0 */
}

/* The spec folded (folds) or not: BatchNormalization nodes in the
 * optimized program, and its output against the unoptimized one's. */
static void check(const fold_spec *s, bool folds)
{
    double fused[Y_COUNT], plain[Y_COUNT];
    values((uint64_t)s->opset * 17 + s->dtype);
    onnxc_model *model = fold_model(s);
    int norms = run(model, s, ONNXC_OPTIMIZE_ALL, fused);
    int plain_norms = run(model, s, ONNXC_OPTIMIZE_FOLD, plain);
    cr_assert_eq(plain_norms, 1);
    cr_assert_eq(norms, folds ? 0 : 1, "opset %d %s: %d BatchNormalization nodes",
                 s->opset, s->dtype == ONNXC_FLOAT ? "float" : "double", norms);
    for (size_t i = 0; i < Y_COUNT; i++)
        cr_assert(fabs(fused[i] - plain[i]) <= 1e-5 * fabs(plain[i]) + 1e-6,
                  "opset %d element %zu: folded %.9g, unfolded %.9g",
                  s->opset, i, fused[i], plain[i]);
    onnxc_model_free(model);
}

Test(fold_batch_norm, conv_then_inference_batch_norm_folds_at_every_version)
{
    const int opsets[] = {6, 9, 14, 15};
    for (int v = 0; v < 4; v++)
        for (int t = 0; t < 2; t++)
            for (int nb = 0; nb < 2; nb++) {
                fold_spec s = {.opset = opsets[v],
                               .dtype = t ? ONNXC_DOUBLE : ONNXC_FLOAT,
                               .no_bias = nb};
                check(&s, true);
            }
}

Test(fold_batch_norm, a_relu_after_still_fuses_into_the_folded_conv)
{
    fold_spec s = {.opset = 15, .dtype = ONNXC_FLOAT, .then_relu = true};
    check(&s, true);
}

Test(fold_batch_norm, near_misses_keep_the_batch_norm)
{
    fold_spec second = {.opset = 15, .dtype = ONNXC_FLOAT, .second_reader = true};
    fold_spec stats = {.opset = 15, .dtype = ONNXC_DOUBLE, .stats_input = true};
    fold_spec weights = {.opset = 9, .dtype = ONNXC_FLOAT, .weights_input = true};
    fold_spec train6 = {.opset = 6, .dtype = ONNXC_FLOAT, .training = true};
    check(&second, false);
    check(&stats, false);
    check(&weights, false);
    check(&train6, false);
}

/* Training mode with its three outputs: the running statistics are
 * outputs of the BatchNormalization, which stays (the run computes batch
 * statistics, so it is not compared with a fold). */
Test(fold_batch_norm, training_mode_keeps_its_node)
{
    fold_spec s = {.opset = 15, .dtype = ONNXC_FLOAT, .training = true};
    double y[Y_COUNT];
    values(3);
    onnxc_model *model = fold_model(&s);
    cr_assert_eq(run(model, &s, ONNXC_OPTIMIZE_ALL, y), 1);
    onnxc_model_free(model);
}
