/*
 * reduce_fast.c - ReduceSum and ReduceMean of float tensors over one run
 * of adjacent axes, the shape models reduce in (a LayerNorm's last axis,
 * a pooling's middle one): x seen as [outer, red, inner], summed in double
 * lanes (vec_exp.h) and spread over the session's threads. Where the CPU
 * has no vector loops, or the axes are scattered, reduce.c's walk does it;
 * the tests hold the two to each other.
 *
 * inner 1: each output a contiguous row of red elements. inner > 1: for
 * each outer index, the red rows of inner elements added into columns of
 * double accumulators, COLUMNS at a time, so X streams through once in
 * memory order whatever the axis.
 */
#include <string.h>

#include "ops/common/reduce.h"
#include "ops/kernels/vec_exp.h"
#include "runtime/exec/thread_pool.h"

/* Accumulators of one task on the stack: 16 KiB, in L1. Wide enough that
 * the usual rows (a hidden size up to 2048) are summed whole, X read in
 * memory order: in blocks of part of a row, the jumps from block to block
 * defeat the prefetchers (ReduceMean over axis 1 of [64, 128, 768]: 2.9 ms
 * with 512 columns). */
#define COLUMNS 2048
/* A task's share of X at the least, in elements: below it, handing out
 * work costs more than it saves. */
#define TASK_MIN 16384

typedef struct fast_job {
    vec_isa isa;
    bool mean;
    const float *x;
    float *y;
    size_t outer, red, inner, blocks;   /* blocks: of COLUMNS, per outer */
    size_t units, per_task;             /* outputs (inner 1) or blocks */
} fast_job;

static void fast_task(void *ctx, size_t t, int thread)
{
    const fast_job *j = ctx;
    size_t u0, u1;
    oc_task_span(t, j->per_task, j->units, &u0, &u1);
    (void)thread;
    for (size_t u = u0; u < u1; u++) {
        if (j->inner == 1) {
            double s = oc_vec_sum_f32(j->isa, j->x + u * j->red, j->red);
            j->y[u] = (float)(j->mean ? s / (double)j->red : s);
            continue;
        }
        size_t o = u / j->blocks, c0 = (u % j->blocks) * COLUMNS;
        size_t w = j->inner - c0 < COLUMNS ? j->inner - c0 : COLUMNS;
        double acc[COLUMNS];
        memset(acc, 0, w * sizeof *acc);   /* w only: inner may be 2 */
        const float *p = j->x + o * j->red * j->inner + c0;
        oc_vec_accum_f32(j->isa, acc, p, w, j->red, j->inner);
        float *y = j->y + o * j->inner + c0;
        for (size_t c = 0; c < w; c++)
            y[c] = (float)(j->mean ? acc[c] / (double)j->red : acc[c]);
    }
}

bool oc_reduce_fast(const oc_run_ctx *ctx, vec_isa isa, oc_reduce_kind kind,
                    const oc_tensor *x, unsigned mask, oc_tensor *y)
{
    if (isa == VEC_SCALAR || x->dtype != ONNXC_FLOAT ||
        y->dtype != ONNXC_FLOAT ||
        (kind != OC_REDUCE_SUM && kind != OC_REDUCE_MEAN) || mask == 0)
        return false;
    /* the reduced axes one run: mask's bits adjacent */
    unsigned low = mask & -mask;
    if ((mask + low) & mask)
        return false;
    fast_job j = {.isa = isa, .mean = kind == OC_REDUCE_MEAN, .x = x->data,
                  .y = y->data, .outer = 1, .red = 1, .inner = 1};
    for (int d = 0; d < x->rank; d++) {
        size_t n = (size_t)x->dims[d];
        if (mask >> d & 1)
            j.red *= n;
        else if (mask >> d)
            j.outer *= n;
        else
            j.inner *= n;
    }
    if (j.red == 0 || j.outer * j.inner == 0)
        return false;   /* empty reductions: the walk gives the identities */
    j.blocks = (j.inner + COLUMNS - 1) / COLUMNS;
    j.units = j.inner == 1 ? j.outer : j.outer * j.blocks;
    size_t per_unit = j.inner == 1 ? j.red : j.red * (j.inner < COLUMNS ? j.inner : COLUMNS);
    size_t min_units = TASK_MIN / per_unit + 1;
    size_t tasks = ctx->threads > 1 ? (size_t)ctx->threads * 4 : 1;
    if (j.units / min_units < tasks)
        tasks = j.units / min_units ? j.units / min_units : 1;
    j.per_task = (j.units + tasks - 1) / tasks;
    tasks = (j.units + j.per_task - 1) / j.per_task;
    oc_thread_pool_run(tasks > 1 ? ctx->pool : NULL, tasks, fast_task, &j);
    return true;
}
