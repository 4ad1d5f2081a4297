/*
 * gemm_small.c - Gemm for layers too small to repay packing: the loops in
 * the order that keeps the innermost one contiguous, so the compiler
 * vectorizes it, and no memory beyond Y.
 */
#include "gemm_kernel.h"

/* Y = beta * C broadcast, or 0: the start of every fast path. */
void gemm_f32_init_y(const gemm_f32_problem *p);
void gemm_f32_init_y(const gemm_f32_problem *p)
{
    size_t m = p->m, n = p->n;
    for (size_t i = 0; i < m; i++) {
        float *y = p->y + i * n;
        if (p->c && p->beta != 0) {
            const float *c = p->c + i * p->c_rs;
            for (size_t j = 0; j < n; j++)
                y[j] = p->beta * c[j * p->c_cs];
        } else {
            for (size_t j = 0; j < n; j++)
                y[j] = 0;
        }
    }
}

void gemm_f32_small(const gemm_f32_problem *p)
{
    size_t m = p->m, n = p->n, k = p->k;
    gemm_f32_init_y(p);
    if (p->trans_b) {
        /* B is N x K: row j of B is column j of B', contiguous. */
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < n; j++) {
                const float *b = p->b + j * k;
                float acc = 0;
                if (!p->trans_a) {
                    const float *a = p->a + i * k;
                    for (size_t l = 0; l < k; l++)
                        acc += a[l] * b[l];
                } else {
                    for (size_t l = 0; l < k; l++)
                        acc += p->a[l * m + i] * b[l];
                }
                p->y[i * n + j] += p->alpha * acc;
            }
    } else {
        /* B is K x N: accumulate rows of B into rows of Y. */
        for (size_t i = 0; i < m; i++) {
            float *y = p->y + i * n;
            for (size_t l = 0; l < k; l++) {
                float a = p->alpha * (p->trans_a ? p->a[l * m + i] : p->a[i * k + l]);
                const float *b = p->b + l * n;
                for (size_t j = 0; j < n; j++)
                    y[j] += a * b[j];
            }
        }
    }
    gemm_f32_activate(p->y, m * n, p->act, p->act_alpha);
}
