/*
 * gemm_kernel.h - the float Gemm kernels behind ops/gemm.c.
 *
 *   Y = act(alpha * A' * B' + beta * C)
 *
 * with A' = A or A^T, B' = B or B^T, C broadcast through strides, and an
 * optional activation fused into the store (Relu or LeakyRelu folded into
 * the Gemm by the fusion pass). Three ways to compute it, tested against
 * each other:
 *  - gemm_f32_reference: the plain triple loop, the definition;
 *  - the small path: loops in a cache-friendly order, no packing, for the
 *    tiny layers (1x10x5) where packing would cost more than it saves;
 *  - the blocked path: A and B packed into panels sized for L1/L2, and a
 *    register-tiled micro-kernel (AVX-512, AVX2+FMA, or portable C).
 * Results are the same whatever the thread count: work is split over
 * blocks of M and N, never K.
 */
#ifndef ONNXC_GEMM_KERNEL_H
#define ONNXC_GEMM_KERNEL_H

#include <stdbool.h>
#include <stddef.h>

struct oc_thread_pool;

enum { GEMM_ACT_NONE, GEMM_ACT_RELU, GEMM_ACT_LEAKY_RELU };

typedef struct gemm_f32_problem {
    size_t m, n, k;
    const float *a;       /* M x K, or K x M when trans_a */
    const float *b;       /* K x N, or N x K when trans_b */
    bool trans_a, trans_b;
    float alpha, beta;
    const float *c;       /* NULL, or C(i, j) = c[i * c_rs + j * c_cs] */
    size_t c_rs, c_cs;
    float *y;             /* M x N, row-major */
    int act;              /* GEMM_ACT_* */
    float act_alpha;      /* LeakyRelu's slope */
    const float *b_packed;  /* B packed by gemm_f32_pack_b, or NULL */
} gemm_f32_problem;

/* A micro-kernel: computes an MR x NR tile. */
typedef struct gemm_kernel {
    const char *name;
    int mr, nr;
    /* tile = (accumulate ? tile : 0) + alpha * (Ap * Bp) over kc steps;
     * Ap: kc x mr, Bp: kc x nr, both packed k-major. Storing rather than
     * adding to a zeroed tile keeps the sign of a -0 product, as the
     * definition does. When act is not GEMM_ACT_NONE the sum is final and
     * the activation is applied on the store. */
    void (*tile)(size_t kc, const float *ap, const float *bp, float *tile,
                 size_t ldt, float alpha, bool accumulate, int act,
                 float act_alpha);
} gemm_kernel;

/* The definition: the plain loop, in float and double. */
void gemm_f32_reference(const gemm_f32_problem *p);

/* The kernel for this CPU, or the one ONNXC_GEMM names ("avx512", "avx2",
 * "portable", "reference": for tests and benchmarks). NULL means the
 * reference loop. */
const gemm_kernel *gemm_f32_select(void);
/* The kernels compiled in, for tests: those the CPU cannot run are NULL. */
const gemm_kernel *gemm_f32_kernel_avx512(void);
const gemm_kernel *gemm_f32_kernel_avx2(void);
const gemm_kernel *gemm_f32_kernel_portable(void);

/* True when the problem is small enough for the small path. */
bool gemm_f32_is_small(size_t m, size_t n, size_t k);

/* Floats of scratch the blocked path needs for a problem of this size
 * (packed panels of A and B, one edge tile); 0 for the small path. The
 * session plans it in its arena, so runs allocate nothing. */
size_t gemm_f32_workspace_floats(const gemm_kernel *kernel, size_t m,
                                 size_t n, size_t k, int threads);

/* Computes the problem with `kernel` (NULL: the reference loop); small
 * problems take the small path whatever the kernel. workspace: at least
 * gemm_f32_workspace_floats floats for the pool's thread count, 64-byte
 * aligned. pool: the threads to split M and N over, or NULL. */
void gemm_f32_compute(const gemm_kernel *kernel, const gemm_f32_problem *p,
                      float *workspace, struct oc_thread_pool *pool);

/* One path only, whatever the size (for tests). */
void gemm_f32_blocked(const gemm_kernel *kernel, const gemm_f32_problem *p,
                      float *workspace, struct oc_thread_pool *pool);
void gemm_f32_small(const gemm_f32_problem *p, struct oc_thread_pool *pool);

/* Prepacking B, once, when it is a weight: the floats needed, and the
 * packing itself into `out` (16-float aligned). */
size_t gemm_f32_packed_b_floats(const gemm_kernel *kernel, size_t k, size_t n);
void gemm_f32_pack_b(const gemm_kernel *kernel, const float *b, bool trans_b,
                     size_t k, size_t n, float *out);

/* Applies the activation to n floats in place. */
void gemm_f32_activate(float *y, size_t n, int act, float act_alpha);

#endif
