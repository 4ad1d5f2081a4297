/*
 * test_packed_weights.c - a weight whose every reader runs on the copy it
 * prepacked is held once: the stored copy is released when the first
 * session compiles the program that packs it. Runs at
 * every batch (each Gemm path) and thread count must still match the
 * definition; a weight something else reads, a weight that is a graph
 * output, and a small weight keep their stored copy.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/api/model.h"
#include "model_builder.h"
#include "onnxc.h"

#define IN 256
#define HID 64
#define OUT 256

static float *ramp(size_t n, float scale)
{
    float *v = malloc(n * sizeof *v);
    cr_assert(v);
    for (size_t i = 0; i < n; i++)
        v[i] = (float)((i * 37) % 23) * scale - 11 * scale;
    return v;
}

static const oc_value *value_named(const onnxc_model *model, const char *name)
{
    const oc_graph *g = model->graph;
    for (int v = 0; v < g->n_values; v++)
        if (!strcmp(g->values[v].name, name))
            return &g->values[v];
    cr_assert_fail("no value '%s'", name);
    return NULL;
}

/* x [batch, IN] -> Gemm(W1 [HID, IN], transB) -> Relu -> MatMul(W2
 * [HID, OUT]) = y; W2 also feeds Add(W2, W2) = z (SHARED_BY_ADD), or is
 * a graph output itself (SHARED_AS_OUTPUT). */
enum { NOT_SHARED, SHARED_BY_ADD, SHARED_AS_OUTPUT };

static onnxc_model *mlp(const float *w1, const float *w2, int shared)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "batch,256");
    mb_initializer_f32(m, "w1", "64,256", w1, HID * IN);
    mb_initializer_f32(m, "w2", "64,256", w2, HID * OUT);
    Onnx__NodeProto *gemm = mb_node(m, "Gemm", "fc1", "x,w1", "h");
    mb_attr_int(m, gemm, "transB", 1);
    mb_node(m, "Relu", "relu", "h", "r");
    mb_node(m, "MatMul", "fc2", "r,w2", "y");
    mb_output(m, "y", ONNXC_FLOAT, "batch,256");
    if (shared == SHARED_BY_ADD) {
        mb_node(m, "Add", "twice", "w2,w2", "z");
        mb_output(m, "z", ONNXC_FLOAT, "64,256");
    } else if (shared == SHARED_AS_OUTPUT) {
        mb_output(m, "w2", ONNXC_FLOAT, "64,256");
    }
    onnxc_model *model = NULL;
    onnxc_status *st = mb_load(m, NULL, &model);
    cr_assert_null(st, "%s", onnxc_status_message(st));
    mb_free(m);
    return model;
}

/* y = relu(x W1^T) W2, in double. */
static void reference(const float *x, const float *w1, const float *w2,
                      size_t batch, double *y)
{
    double h[HID];
    for (size_t b = 0; b < batch; b++) {
        for (int j = 0; j < HID; j++) {
            double s = 0;
            for (int l = 0; l < IN; l++)
                s += (double)x[b * IN + l] * w1[j * IN + l];
            h[j] = s > 0 ? s : 0;
        }
        for (int j = 0; j < OUT; j++) {
            double s = 0;
            for (int l = 0; l < HID; l++)
                s += h[l] * w2[l * OUT + j];
            y[b * OUT + j] = s;
        }
    }
}

/* Every batch from 1 to 6 (the row path, then the blocked one), and 17
 * and 64, on 1 and 2 threads, against the definition. */
static void check_runs_with(const onnxc_model *model, onnxc_kernels kernels,
                            const float *w1, const float *w2)
{
    static const size_t BATCH[] = {1, 2, 3, 4, 5, 6, 17, 64};
    for (int threads = 1; threads <= 2; threads++) {
        onnxc_session_options *o = NULL;
        onnxc_session *s = NULL;
        cr_assert_null(onnxc_session_options_create(&o));
        cr_assert_null(onnxc_session_options_set_threads(o, threads));
        cr_assert_null(onnxc_session_options_set_kernels(o, kernels));
        cr_assert_null(onnxc_session_create(model, o, &s));
        for (size_t t = 0; t < sizeof BATCH / sizeof BATCH[0]; t++) {
            size_t batch = BATCH[t];
            float *x = ramp(batch * IN, 0.01f);
            double *want = malloc(batch * OUT * sizeof *want);
            cr_assert(want);
            reference(x, w1, w2, batch, want);
            int64_t dims[] = {(int64_t)batch, IN};
            cr_assert_null(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, dims,
                                                    2, x));
            cr_assert_null(onnxc_session_run(s));
            onnxc_tensor_view v;
            cr_assert_null(onnxc_session_output(s, 0, &v));
            const float *y = v.data;
            for (size_t i = 0; i < batch * OUT; i++)
                cr_assert(fabs(y[i] - want[i]) <= 1e-4 * (1 + fabs(want[i])),
                          "batch %zu, %d threads, y[%zu] = %g, want %g",
                          batch, threads, i, y[i], want[i]);
            free(x);
            free(want);
        }
        onnxc_session_free(s);
        onnxc_session_options_free(o);
    }
}

static void check_runs(const onnxc_model *model, const float *w1,
                       const float *w2)
{
    check_runs_with(model, ONNXC_KERNELS_AUTO, w1, w2);
}

Test(packed_weights, released_when_every_reader_runs_on_its_packed_copy)
{
    float *w1 = ramp(HID * IN, 0.02f), *w2 = ramp(HID * OUT, 0.03f);
    /* 64 x 256 floats each: N * K = 2^14, large enough that no batch takes
     * the path that reads B as stored. The first session compiles the
     * program that packs them; the reference kernels pack nothing and so
     * release nothing. */
    static const onnxc_kernels KERNELS[] = {ONNXC_KERNELS_AUTO,
                                            ONNXC_KERNELS_PORTABLE,
                                            ONNXC_KERNELS_REFERENCE};
    for (int k = 0; k < 3; k++) {
        onnxc_model *model = mlp(w1, w2, NOT_SHARED);
        cr_assert_not_null(value_named(model, "w1")->data);
        check_runs_with(model, KERNELS[k], w1, w2);
        bool packs = KERNELS[k] != ONNXC_KERNELS_REFERENCE;
        cr_assert_eq(value_named(model, "w1")->data == NULL, packs);
        cr_assert_eq(value_named(model, "w2")->data == NULL, packs);
        onnxc_model_free(model);
    }
    free(w1);
    free(w2);
}

Test(packed_weights, a_released_weight_refuses_a_program_that_reads_it)
{
    float *w1 = ramp(HID * IN, 0.02f), *w2 = ramp(HID * OUT, 0.03f);
    onnxc_model *model = mlp(w1, w2, NOT_SHARED);
    check_runs(model, w1, w2);
    onnxc_session_options *o = NULL;
    onnxc_session *s = NULL;
    cr_assert_null(onnxc_session_options_create(&o));
    cr_assert_null(onnxc_session_options_set_kernels(o, ONNXC_KERNELS_REFERENCE));
    onnxc_status *st = onnxc_session_create(model, o, &s);
    cr_assert_eq(onnxc_status_code(st), ONNXC_ERR_UNSUPPORTED);
    cr_assert_not_null(strstr(onnxc_status_message(st), "weight 'w1'"),
                       "%s", onnxc_status_message(st));
    cr_assert_null(s);
    onnxc_status_free(st);
    /* The program it compiled first still serves new sessions. */
    check_runs(model, w1, w2);
    onnxc_session_options_free(o);
    onnxc_model_free(model);
    free(w1);
    free(w2);
}

Test(packed_weights, kept_when_another_node_reads_it_or_it_is_an_output)
{
    float *w1 = ramp(HID * IN, 0.02f), *w2 = ramp(HID * OUT, 0.03f);
    float *x = ramp(IN, 0.01f);
    for (int shared = SHARED_BY_ADD; shared <= SHARED_AS_OUTPUT; shared++) {
        onnxc_model *model = mlp(w1, w2, shared);
        cr_assert_not_null(value_named(model, "w2")->data);
        check_runs(model, w1, w2);
        /* Output 1 read the stored copy: 2 * W2 (the Add), or W2. */
        onnxc_session *s = NULL;
        cr_assert_null(onnxc_session_create(model, NULL, &s));
        int64_t dims[] = {1, IN};
        cr_assert_null(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, dims, 2,
                                                x));
        cr_assert_null(onnxc_session_run(s));
        onnxc_tensor_view v;
        cr_assert_null(onnxc_session_output(s, 1, &v));
        float times = shared == SHARED_BY_ADD ? 2 : 1;
        for (int i = 0; i < HID * OUT; i++)
            cr_assert_eq(((const float *)v.data)[i], times * w2[i]);
        onnxc_session_free(s);
        onnxc_model_free(model);
    }
    free(x);
    free(w1);
    free(w2);
}

Test(packed_weights, small_weights_keep_their_stored_copy)
{
    /* 10 -> 5: the small path reads B as stored at batch 1. */
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "batch,10");
    float *w = ramp(50, 0.1f);
    mb_initializer_f32(m, "w", "5,10", w, 50);
    Onnx__NodeProto *gemm = mb_node(m, "Gemm", "fc", "x,w", "y");
    mb_attr_int(m, gemm, "transB", 1);
    mb_output(m, "y", ONNXC_FLOAT, "batch,5");
    onnxc_model *model = NULL;
    cr_assert_null(mb_load(m, NULL, &model));
    mb_free(m);
    onnxc_session *s = NULL;
    cr_assert_null(onnxc_session_create(model, NULL, &s));
    cr_assert_not_null(value_named(model, "w")->data);
    onnxc_session_free(s);
    onnxc_model_free(model);
    free(w);
}
