/*
 * test_threads.c - intra-op threads: results are bit-identical whatever
 * the thread count (Gemm splits M and N, never K), and idle workers sleep
 * between runs instead of spinning.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ops/kernels/gemm_kernel.h"
#include "model_builder.h"
#include "runtime/exec/thread_pool.h"

static float *ramp(size_t n, float scale)
{
    float *v = malloc(n * sizeof *v);
    cr_assert(v);
    for (size_t i = 0; i < n; i++)
        v[i] = (float)((i * 7919) % 1000) / 1000.0f * scale - scale / 2;
    return v;
}

/* Runs one problem on a pool of `threads` and returns Y (malloc'd). */
static float *gemm_on_threads(const gemm_kernel *kernel, gemm_f32_problem p,
                              int threads)
{
    oc_thread_pool *pool;
    cr_assert_null(oc_thread_pool_create(threads, &pool));
    size_t floats =
        oc_gemm_f32_workspace_floats(kernel, p.m, p.n, p.k, threads, false);
    float *ws = aligned_alloc(64, ((floats + 16) * sizeof(float) + 63) / 64 * 64);
    p.y = malloc(p.m * p.n * sizeof(float));
    cr_assert(ws && p.y);
    oc_gemm_f32_compute(kernel, &p, ws, pool);
    oc_thread_pool_free(pool);
    free(ws);
    return p.y;
}

Test(threads, gemm_results_are_bit_identical_for_1_to_4_threads)
{
    /* The fastest kernel this CPU has. */
    const gemm_kernel *kernel = oc_gemm_f32_select(ONNXC_KERNELS_AUTO);
    /* Blocked (row groups and column chunks, two blocks of K and of N,
     * edges everywhere), then a wide matrix-vector product (the row
     * path split over columns), then the small path. */
    const size_t shapes[][3] = {{333, 1100, 600}, {1, 4096, 600}, {3, 70, 2000}};
    for (size_t s = 0; s < 3; s++) {
        size_t m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
        float *a = ramp(m * k, 2), *b = ramp(k * n, 1), *c = ramp(n, 1);
        gemm_f32_problem p = {.m = m, .n = n, .k = k, .a = a, .b = b,
                              .trans_b = true, .alpha = 0.75f, .beta = 1,
                              .c = c, .c_cs = 1, .act = GEMM_ACT_RELU};
        float *one = gemm_on_threads(kernel, p, 1);
        for (int t = 2; t <= 4; t++) {
            float *many = gemm_on_threads(kernel, p, t);
            cr_assert(memcmp(one, many, m * n * sizeof(float)) == 0,
                      "%zux%zux%zu: %d threads differ from 1", m, n, k, t);
            free(many);
        }
        free(one);
        free(a);
        free(b);
        free(c);
    }
}

/* A single Gemm model: x [batch, 512] times an initializer [512, 512]. */
static onnxc_model *gemm_model(void)
{
    mb_model *mb = mb_new(8);
    mb_opset(mb, "", 13);
    mb_input(mb, "x", ONNXC_FLOAT, "batch,512");
    mb_output(mb, "y", ONNXC_FLOAT, "batch,512");
    float *w = ramp(512 * 512, 0.1f);
    mb_initializer_f32(mb, "w", "512,512", w, 512 * 512);
    mb_node(mb, "Gemm", "gemm", "x,w", "y");
    onnxc_model *model = NULL;
    cr_assert_null(mb_load(mb, NULL, &model));
    mb_free(mb);
    free(w);
    return model;
}

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

Test(threads, sessions_agree_across_thread_counts_and_workers_sleep)
{
    onnxc_model *model = gemm_model();
    const int64_t dims[2] = {256, 512};
    float *x = ramp(256 * 512, 1);
    float *first = NULL;
    for (int t = 1; t <= 3; t++) {
        onnxc_session_options *opt;
        onnxc_session *s;
        onnxc_tensor_view y;
        cr_assert_null(onnxc_session_options_create(&opt));
        cr_assert_null(onnxc_session_options_set_threads(opt, t));
        cr_assert_null(onnxc_session_create(model, opt, &s));
        onnxc_session_options_free(opt);
        cr_assert_null(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, dims, 2, x));
        cr_assert_null(onnxc_session_run(s));
        cr_assert_null(onnxc_session_output(s, 0, &y));
        if (!first) {
            first = malloc(y.bytes);
            memcpy(first, y.data, y.bytes);
        } else {
            cr_assert(memcmp(first, y.data, y.bytes) == 0,
                      "%d threads differ from 1", t);
        }
        /* Between runs the workers must sleep: 300 ms of wall time may
         * cost the process almost no CPU. */
        double before = cpu_seconds();
        struct timespec pause = {0, 300 * 1000 * 1000};
        nanosleep(&pause, NULL);
        double used = cpu_seconds() - before;
        cr_assert_lt(used, 0.03, "%d threads: %.3f s of CPU while idle", t,
                     used);
        onnxc_session_free(s);
    }
    free(first);
    free(x);
    onnxc_model_free(model);
}

Test(threads, thread_count_outside_1_to_max_is_refused)
{
    onnxc_session_options *opt;
    cr_assert_null(onnxc_session_options_create(&opt));
    onnxc_status *s = onnxc_session_options_set_threads(opt, 0);
    cr_assert_eq(onnxc_status_code(s), ONNXC_ERR_INVALID_ARGUMENT);
    onnxc_status_free(s);
    s = onnxc_session_options_set_threads(opt, ONNXC_MAX_THREADS + 1);
    cr_assert_eq(onnxc_status_code(s), ONNXC_ERR_INVALID_ARGUMENT);
    onnxc_status_free(s);
    onnxc_session_options_free(opt);
}
