/*
 * gemm_small.c - Gemm for layers too small to repay packing: the loops in
 * the order that keeps the innermost one contiguous, so the compiler
 * vectorizes it, and no memory beyond Y.
 */
#include "runtime/exec/thread_pool.h"
#include "ops/kernels/gemm_kernel.h"

/* A dot product with 16 independent partial sums: the compiler keeps them
 * in vector registers, and no chain of dependent adds limits it (with one
 * accumulator, a 1024-long dot waits on 1024 adds in a row). */
static float dot(const float *a, const float *b, size_t k)
{
    float acc = 0;
    if (k < 32) {  /* too short for partial sums to pay */
        for (size_t l = 0; l < k; l++)
            acc += a[l] * b[l];
        return acc;
    }
    float part[16] = {0};
    size_t l = 0;
    for (; l + 16 <= k; l += 16)
        for (int q = 0; q < 16; q++)
            part[q] += a[l + q] * b[l + q];
    for (; l < k; l++)
        acc += a[l] * b[l];
    for (int q = 0; q < 16; q++)
        acc += part[q];
    return acc;
}

void oc_gemm_f32_finish(const gemm_f32_problem *p, size_t i, size_t j0,
                     size_t j1)
{
    float *y = p->y + i * p->n;
    /* beta == 0 ignores C, NaN included, as the reference. */
    const float *c = p->c && p->beta != 0 ? p->c + i * p->c_rs : NULL;
    float alpha = p->alpha, beta = p->beta;
    if (c && p->c_cs == 1)   /* a row of C (a bias): vectorized */
        for (size_t j = j0; j < j1; j++)
            y[j] = alpha * y[j] + beta * c[j];
    else if (c)
        for (size_t j = j0; j < j1; j++)
            y[j] = alpha * y[j] + beta * c[j * p->c_cs];
    else if (alpha != 1)
        for (size_t j = j0; j < j1; j++)
            y[j] = alpha * y[j];
    oc_gemm_f32_activate(y + j0, j1 - j0, p->act, p->act_alpha);
}

/* Columns [j0, j1) of the result, from start to activation, evaluated as
 * the definition reads: alpha * (A' B') + beta * C. */
static void small_columns(const gemm_f32_problem *p, size_t j0, size_t j1)
{
    size_t m = p->m, n = p->n, k = p->k;
    for (size_t i = 0; i < m; i++) {
        float *y = p->y + i * n;
        if (p->trans_b) {
            /* B is N x K: row j of B is column j of B', contiguous. */
            for (size_t j = j0; j < j1; j++) {
                const float *b = p->b + j * k;
                float acc = 0;
                if (!p->trans_a) {
                    acc = dot(p->a + i * k, b, k);
                } else {
                    for (size_t l = 0; l < k; l++)
                        acc += p->a[l * m + i] * b[l];
                }
                y[j] = acc;
            }
        } else {
            /* B is K x N: accumulate rows of B into the row of Y. */
            for (size_t j = j0; j < j1; j++)
                y[j] = 0;
            for (size_t l = 0; l < k; l++) {
                float a = p->trans_a ? p->a[l * m + i] : p->a[i * k + l];
                const float *b = p->b + l * n;
                for (size_t j = j0; j < j1; j++)
                    y[j] += a * b[j];
            }
        }
        oc_gemm_f32_finish(p, i, j0, j1);
    }
}

/* Columns per task when a small problem is split over threads: whole
 * cache lines, and enough work to repay waking a thread. */
#define SMALL_TASK_COLUMNS 256

static void small_task(void *ctx, size_t t, int thread)
{
    const gemm_f32_problem *p = ctx;
    size_t j0 = t * SMALL_TASK_COLUMNS;
    size_t j1 = j0 + SMALL_TASK_COLUMNS < p->n ? j0 + SMALL_TASK_COLUMNS : p->n;
    (void)thread;
    small_columns(p, j0, j1);
}

void oc_gemm_f32_small(const gemm_f32_problem *p, oc_thread_pool *pool)
{
    /* Wide layers (the big MLP at batch 1: a 4096 x 1024 matrix-vector
     * product, bound by memory) are split over columns. */
    size_t tasks = (p->n + SMALL_TASK_COLUMNS - 1) / SMALL_TASK_COLUMNS;
    if (oc_thread_pool_size(pool) > 1 && tasks > 1 &&
        p->m * p->n * p->k >= (size_t)1 << 20)
        oc_thread_pool_run(pool, tasks, small_task, (void *)p);
    else
        small_columns(p, 0, p->n);
}
