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

#include "ops/kernels/cpu_features.h"
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
                               * and their even / odd split */
    bool avx2;                /* the AVX2 build of the MaxPool rows */
} plane_job;

/* The column table, then per thread a row of maxes and its split,
 * each on cache lines of its own (two threads writing one line
 * made the pool slower on two threads than on one). */
static size_t rows_at(const oc_window *w)
{
    return oc_align64(3 * (size_t)w->out[1] * sizeof(int64_t));
}

static size_t thread_bytes(const oc_window *w)
{
    return 2 * oc_align64((size_t)w->in[1] * sizeof(float));
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

/* NaN-propagating max: u when it is larger or a NaN, else v (so a NaN
 * once taken stays); compiled as compares and a blend, vectorized. */
#define MAX_NAN(u, v) ((u) > (v) || (u) != (u) ? (u) : (v))

/* Outputs [a, b) of a row from its column maxes, a window at a time:
 * those with a tap in the padding. */
static inline __attribute__((always_inline)) void
edge_max(const plane_job *j, const float *colmax, int64_t a, int64_t b,
         float *y)
{
    for (int64_t ox = a; ox < b; ox++) {
        const int64_t *t = &j->col[3 * ox];
        y[ox] = window_max(colmax, j->w->in[1], 0, 1, 1, t[0], t[1],
                           j->w->dilations[1]);
    }
}

/* Row oy of a max pool: the column maxes over the window's rows into
 * colmax, then each output's max over them; at stride 2 the maxes are
 * first split into their even and odd columns, so that every tap reads
 * consecutive floats. restrict, and no flag array beside the maxes: the
 * loops vectorize (a NaN met stays, as MAX_NAN keeps it). */
static inline __attribute__((always_inline)) void
max_row(const plane_job *j, const float *x, int64_t oy, float *restrict colmax,
        float *restrict split, float *restrict y)
{
    const oc_window *w = j->w;
    int64_t iw = w->in[1], ow = w->out[1], cd = w->dilations[1];
    int64_t r0, rn, rp;
    oc_pooling_dim_taps(w, 0, oy, &r0, &rn, &rp);
    const float *row = x + r0 * iw;
    for (int64_t c = 0; c < iw; c++)
        colmax[c] = row[c];
    for (int64_t r = 1; r < rn; r++) {
        row = x + (r0 + r * w->dilations[0]) * iw;
        for (int64_t c = 0; c < iw; c++)
            colmax[c] = MAX_NAN(row[c], colmax[c]);
    }
    /* The outputs whose taps all fall inside, [lo, hi), a tap at a time
     * across them; the others a window at a time. */
    int64_t lo = j->inner_lo, hi = j->inner_hi, s = w->strides[1];
    if (lo >= hi)
        lo = hi = ow;   /* none inside: every output is an edge one */
    edge_max(j, colmax, 0, lo, y);
    edge_max(j, colmax, hi, ow, y);
    if (lo >= hi)
        return;
    /* Output ox's tap k at colmax[b + ox * s + k * cd], b + lo * s >= 0:
     * indices, so that no pointer is formed before the row. */
    int64_t b = j->col[3 * lo] - lo * s;
    if (s == 2) {
        /* colmax[c] at split[(c & 1) * even + c / 2] */
        int64_t even = (iw + 1) / 2;
        for (int64_t i = 0; i < even; i++)
            split[i] = colmax[2 * i];
        for (int64_t i = 0; i < iw / 2; i++)
            split[even + i] = colmax[2 * i + 1];
        for (int64_t k = 0; k < w->kernel[1]; k++) {
            /* tap k of output ox: column c + 2 ox, at split[t + ox]; c
             * may be below 0 (a pad), so t is floored, and an index */
            int64_t c = b + k * cd, odd = c & 1;
            int64_t t = odd * even + (c - odd) / 2;
            if (k == 0)
                for (int64_t ox = lo; ox < hi; ox++)
                    y[ox] = split[t + ox];
            else
                for (int64_t ox = lo; ox < hi; ox++)
                    y[ox] = MAX_NAN(split[t + ox], y[ox]);
        }
        return;
    }
    for (int64_t ox = lo; ox < hi; ox++)
        y[ox] = colmax[b + ox * s];
    for (int64_t k = 1; k < w->kernel[1]; k++)
        for (int64_t ox = lo; ox < hi; ox++)
            y[ox] = MAX_NAN(colmax[b + k * cd + ox * s], y[ox]);
}

/* A plane's output rows: the loops above compiled for the baseline's SSE
 * and, chosen at run time, for AVX2 (8 floats at a time). */
#define MAX_PLANE(NAME, TGT)                                                \
    TGT static void NAME(const plane_job *j, const float *x, float *colmax, \
                         float *split, float *y)                            \
    {                                                                       \
        for (int64_t oy = 0; oy < j->w->out[0]; oy++)                       \
            max_row(j, x, oy, colmax, split, y + oy * j->w->out[1]);        \
    }
MAX_PLANE(max_plane, )
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
MAX_PLANE(max_plane_avx2, __attribute__((target("avx2"))))
#define HAVE_MAX_PLANE_AVX2 1
#endif

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
            float *colmax = (float *)(void *)mine;
            float *split = (float *)(void *)(mine + oc_align64((size_t)iw *
                                                               sizeof(float)));
#ifdef HAVE_MAX_PLANE_AVX2
            if (j->avx2) {
                max_plane_avx2(j, x, colmax, split, y);
                continue;
            }
#endif
            max_plane(j, x, colmax, split, y);
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
    j.avx2 = (oc_cpu_features() & OC_CPU_AVX2_FMA) != 0;
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
