/*
 * pool_2d.c - the fast path of 2-D float MaxPool (without Indices) and
 * AveragePool: plane by plane, the planes split over the session's
 * threads. The general walk (pool.c) goes output position by position
 * across every plane, striding a plane's size between reads; here each
 * plane's rows stay in cache. The taps and divisors are the general
 * walk's, in its order, so the results are the same bit for bit (a NaN
 * in a window gives NaN, not necessarily with the same payload).
 */
#include <math.h>

#include "ops/pool/pool.h"
#include "runtime/exec/thread_pool.h"

typedef struct plane_job {
    const pool_params *p;
    const oc_window *w;
    const float *x;
    float *y;
    const int64_t *col;       /* per output column: first, inside, padded */
    size_t planes, per_task;
} plane_job;

/* Branch-free: a NaN is noted beside the running max, which the compiler
 * then keeps in registers (maxss) instead of testing each tap. */
static float window_max(const float *x, int64_t iw, int64_t r0, int64_t rn,
                        int64_t rd, int64_t c0, int64_t cn, int64_t cd)
{
    float v = x[r0 * iw + c0];
    int nan = 0;
    for (int64_t r = 0; r < rn; r++) {
        const float *row = x + (r0 + r * rd) * iw + c0;
        for (int64_t c = 0; c < cn; c++) {
            float u = row[c * cd];
            v = u > v ? u : v;
            nan |= u != u;
        }
    }
    return nan ? NAN : v;
}

static double window_sum(const float *x, int64_t iw, int64_t r0, int64_t rn,
                         int64_t rd, int64_t c0, int64_t cn, int64_t cd)
{
    double s = 0;
    for (int64_t r = 0; r < rn; r++) {
        const float *row = x + (r0 + r * rd) * iw + c0;
        for (int64_t c = 0; c < cn; c++)
            s += row[c * cd];
    }
    return s;
}

static void plane_task(void *arg, size_t t, int thread)
{
    const plane_job *j = arg;
    const oc_window *w = j->w;
    int64_t ih = w->in[0], iw = w->in[1], oh = w->out[0], ow = w->out[1];
    int64_t rd = w->dilations[0], cd = w->dilations[1];
    size_t lo, hi;
    (void)thread;
    oc_task_span(t, j->per_task, j->planes, &lo, &hi);
    for (size_t pl = lo; pl < hi; pl++) {
        const float *x = j->x + pl * (size_t)(ih * iw);
        float *y = j->y + pl * (size_t)(oh * ow);
        for (int64_t oy = 0; oy < oh; oy++) {
            int64_t r0, rn, rp;
            oc_pooling_dim_taps(w, 0, oy, &r0, &rn, &rp);
            for (int64_t ox = 0; ox < ow; ox++) {
                const int64_t *c = &j->col[3 * ox];
                if (j->p->kind == POOL_MAX) {
                    y[oy * ow + ox] = window_max(x, iw, r0, rn, rd, c[0], c[1], cd);
                    continue;
                }
                double n = j->p->count_include_pad ? (double)(rp * c[2])
                                                   : (double)(rn * c[1]);
                y[oy * ow + ox] =
                    (float)(window_sum(x, iw, r0, rn, rd, c[0], c[1], cd) / n);
            }
        }
    }
}

bool oc_pooling_plane_walk_fits(const pool_params *p, const oc_window *w,
                                onnxc_dtype dtype, bool indices)
{
    return p->plane_walk && w->dims == 2 && dtype == ONNXC_FLOAT && !indices &&
           (p->kind == POOL_MAX || p->kind == POOL_AVERAGE);
}

size_t oc_pooling_plane_walk_workspace(const oc_window *w)
{
    return 3 * (size_t)w->out[1] * sizeof(int64_t);
}

void oc_pooling_plane_walk(const oc_run_ctx *ctx, const oc_window *w)
{
    const oc_tensor *x = ctx->in[0];
    int64_t *col = ctx->workspace;
    for (int64_t ox = 0; ox < w->out[1]; ox++)
        oc_pooling_dim_taps(w, 1, ox, &col[3 * ox], &col[3 * ox + 1],
                            &col[3 * ox + 2]);
    plane_job j = {
        .p = ctx->params, .w = w, .x = x->data, .y = ctx->out[0]->data,
        .col = col, .planes = (size_t)x->dims[0] * (size_t)x->dims[1],
    };
    /* A task is at least ~64K taps: smaller ones cost more to hand out
     * than they save. */
    double taps = (double)(w->out[0] * w->out[1]) * (double)(w->kernel[0] * w->kernel[1]);
    size_t tasks = ctx->threads > 1 ? (size_t)ctx->threads : 1;
    size_t worth = (size_t)((double)j.planes * taps / 65536.0) + 1;
    if (tasks > worth)
        tasks = worth;
    if (tasks > j.planes)
        tasks = j.planes;
    j.per_task = (j.planes + tasks - 1) / tasks;
    if (tasks > 1)
        oc_thread_pool_run(ctx->pool, tasks, plane_task, &j);
    else
        plane_task(&j, 0, 0);
}
