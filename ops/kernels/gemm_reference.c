/*
 * gemm_reference.c - the Gemm everything else is tested against: the
 * plain triple loop, straight from the definition.
 */
#include <string.h>

#include "ops/kernels/gemm_kernel.h"

void oc_gemm_f32_activate(float *y, size_t n, int act, float act_alpha)
{
    if (act == GEMM_ACT_RELU) {
        for (size_t i = 0; i < n; i++)
            y[i] = y[i] < 0 ? 0 : y[i];  /* NaN and -0 stay, as Relu */
    } else if (act == GEMM_ACT_LEAKY_RELU) {
        for (size_t i = 0; i < n; i++)
            y[i] = y[i] >= 0 ? y[i] : act_alpha * y[i];
    } else if (act == GEMM_ACT_RELU_CAP) {
        for (size_t i = 0; i < n; i++) {  /* as Clip's loop */
            float v = y[i] < 0 ? 0 : y[i];
            y[i] = v > act_alpha ? act_alpha : v;
        }
    }
}

void oc_gemm_f32_reference(const gemm_f32_problem *p)
{
    size_t m = p->m, n = p->n, k = p->k;
    /* Element (i, l) of A' is a[i * a_i + l * a_l]; likewise for B'. */
    size_t a_i = p->trans_a ? 1 : k, a_l = p->trans_a ? m : 1;
    size_t b_l = p->trans_b ? 1 : n, b_j = p->trans_b ? k : 1;
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            float acc = 0;
            for (size_t l = 0; l < k; l++)
                acc += p->a[i * a_i + l * a_l] * p->b[l * b_l + j * b_j];
            float v = p->alpha * acc;
            /* beta == 0 ignores C entirely, NaN included, as BLAS and
             * onnxruntime do. */
            if (p->c && p->beta != 0)
                v += p->beta * p->c[i * p->c_rs + j * p->c_cs];
            p->y[i * n + j] = v;
        }
    oc_gemm_f32_activate(p->y, m * n, p->act, p->act_alpha);
}
