/*
 * pool_2d.c - the fast path of 2-D float MaxPool (without Indices) and
 * AveragePool: plane by plane, the planes split over the session's
 * threads. The general walk (pool.c) goes output position by position
 * across every plane, striding a plane's size between reads; here each
 * plane's rows stay in cache. AveragePool's taps and divisors are the
 * general walk's, in its order: the same bits. MaxPool's are the same
 * values (a NaN in a window gives NaN, not necessarily with the same
 * payload), but where -0 and +0 tie for a window's max, which one is
 * kept may differ: the general walk keeps the first in row-major order,
 * the two passes below the first row of the first column. The spec does
 * not say which.
 *
 * MaxPool goes in two passes per output row, as a max over a rectangle
 * is a max over its rows of maxes over its columns: first each input
 * column's max over the window's rows, whole rows at a time (loops the
 * compiler vectorizes), then each output's max over its columns of that
 * one row. A 3x3 window of stride 2 took 25 cycles an output a window
 * at a time (squeezenet1_1's MaxPools were 28% of its run).
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
    int64_t inner_lo, inner_hi;   /* the output columns all inside */
    char *rows;               /* MaxPool: per thread, an input row's maxes
                               * and whether a NaN was among them */
} plane_job;

/* The column table, then per thread a row of maxes and one of NaN
 * flags, each on cache lines of its own (two threads writing one line
 * made the pool slower on two threads than on one). */
static size_t rows_at(const oc_window *w)
{
    return oc_align64(3 * (size_t)w->out[1] * sizeof(int64_t));
}

static size_t thread_bytes(const oc_window *w)
{
    return oc_align64((size_t)w->in[1] * sizeof(float)) +
           oc_align64((size_t)w->in[1]);
}

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

/* Row oy of a max pool: the column maxes over the window's rows into
 * colmax (a NaN where one was met), then each output's max over them. */
static void max_row(const plane_job *j, const float *x, int64_t oy,
                    float *colmax, unsigned char *nan, float *y)
{
    const oc_window *w = j->w;
    int64_t iw = w->in[1], ow = w->out[1], cd = w->dilations[1];
    int64_t r0, rn, rp;
    oc_pooling_dim_taps(w, 0, oy, &r0, &rn, &rp);
    const float *row = x + r0 * iw;
    for (int64_t c = 0; c < iw; c++) {
        colmax[c] = row[c];
        nan[c] = row[c] != row[c];
    }
    for (int64_t r = 1; r < rn; r++) {
        row = x + (r0 + r * w->dilations[0]) * iw;
        for (int64_t c = 0; c < iw; c++) {
            float u = row[c];
            colmax[c] = u > colmax[c] ? u : colmax[c];
            nan[c] |= u != u;
        }
    }
    for (int64_t c = 0; c < iw; c++)
        colmax[c] = nan[c] ? NAN : colmax[c];
    /* The outputs whose taps all fall inside, [lo, hi), a tap at a time
     * across them (a NaN met stays); the others a window at a time. */
    int64_t lo = j->inner_lo, hi = j->inner_hi, s = w->strides[1];
    for (int64_t ox = 0; ox < ow; ox++) {
        if (ox >= lo && ox < hi)
            continue;
        const int64_t *t = &j->col[3 * ox];
        y[ox] = window_max(colmax, iw, 0, 1, 1, t[0], t[1], cd);
    }
    if (lo >= hi)
        return;
    /* Output ox's tap k at colmax[b + ox * s + k * cd], b + lo * s >= 0:
     * indices, so that no pointer is formed before the row. */
    int64_t b = j->col[3 * lo] - lo * s;
    for (int64_t ox = lo; ox < hi; ox++)
        y[ox] = colmax[b + ox * s];
    for (int64_t k = 1; k < w->kernel[1]; k++) {
        for (int64_t ox = lo; ox < hi; ox++) {
            float u = colmax[b + k * cd + ox * s];
            y[ox] = u > y[ox] || u != u ? u : y[ox];
        }
    }
}

static void plane_task(void *arg, size_t t, int thread)
{
    const plane_job *j = arg;
    const oc_window *w = j->w;
    int64_t ih = w->in[0], iw = w->in[1], oh = w->out[0], ow = w->out[1];
    int64_t rd = w->dilations[0], cd = w->dilations[1];
    size_t lo, hi;
    oc_task_span(t, j->per_task, j->planes, &lo, &hi);
    for (size_t pl = lo; pl < hi; pl++) {
        const float *x = j->x + pl * (size_t)(ih * iw);
        float *y = j->y + pl * (size_t)(oh * ow);
        if (j->p->kind == POOL_MAX) {
            char *mine = j->rows + (size_t)thread * thread_bytes(w);
            for (int64_t oy = 0; oy < oh; oy++)
                max_row(j, x, oy, (float *)(void *)mine,
                        (unsigned char *)mine +
                            oc_align64((size_t)iw * sizeof(float)),
                        y + oy * ow);
            continue;
        }
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

size_t oc_pooling_plane_walk_workspace(const oc_window *w, int threads)
{
    size_t t = threads > 1 ? (size_t)threads : 1;
    return rows_at(w) + t * thread_bytes(w);
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
    j.inner_lo = j.inner_hi = 0;
    for (int64_t ox = 0; ox < w->out[1]; ox++)
        if (col[3 * ox + 1] == w->kernel[1]) {
            if (j.inner_hi == 0)
                j.inner_lo = ox;
            j.inner_hi = ox + 1;
        }
    j.rows = (char *)ctx->workspace + rows_at(w);
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
