/*
 * gemm_kernel.h - the float Gemm kernels behind ops/gemm.c.
 *
 *   Y = act(alpha * A' * B' + beta * C)
 *
 * with A' = A or A^T, B' = B or B^T, C broadcast through strides, and an
 * optional activation fused into the store (Relu or LeakyRelu folded into
 * the Gemm by the fusion pass). The ways to compute it, tested against
 * each other:
 *  - oc_gemm_f32_reference: the plain triple loop, the definition;
 *  - the narrow path: few output columns (N <= 16) and K <= 256 (the
 *    10 -> 5 -> 3 layers from batch 2 on): a row of Y at a time, Y(i, :)
 *    += A'(i, l) * B'(l, :) with one SIMD vector holding the row, eight
 *    rows at once;
 *  - the row path: a few rows of Y (M <= 4: batch 1 to 4) against a
 *    prepacked B (or one not transposed), which it streams once from
 *    memory, panel after panel, with the rows' sums in registers
 *    (matrix-vector products, bound by memory bandwidth);
 *  - the small path: loops in a cache-friendly order, no packing, for the
 *    other tiny layers, and long dot products (matrix-vector) when B is
 *    transposed and not prepacked;
 *  - the blocked path: B packed into panels sized for L1/L2, A read in
 *    place or packed, and a register-tiled micro-kernel (AVX-512,
 *    AVX2+FMA, or portable C).
 * Results are the same whatever the thread count: work is split over
 * blocks of M and N, never K.
 */
#ifndef ONNXC_GEMM_KERNEL_H
#define ONNXC_GEMM_KERNEL_H

#include <stdbool.h>
#include <stddef.h>

#include "onnxc.h"

struct oc_thread_pool;

/* The activations a store applies: Relu, LeakyRelu (act_alpha its
 * slope), and Relu capped at act_alpha (a Clip whose min is +0: ReLU6),
 * each as its operator computes it (NaN and -0 stay). */
enum { GEMM_ACT_NONE, GEMM_ACT_RELU, GEMM_ACT_LEAKY_RELU, GEMM_ACT_RELU_CAP };

/* B made a block at a time, by its owner, on the thread about to use it,
 * instead of packed whole beforehand: rows [l0, l0 + kc) and columns
 * [j0, j1) of B' (j0 a multiple of nr), as oc_gemm_f32_pack_b lays out
 * one block: panel q of nr columns at out + q * kc * nr, row l of it at
 * + l * nr, zero past column j1. The blocked path only; a Conv's columns
 * made from its input while they are in cache, never stored whole. */
typedef struct gemm_b_maker {
    void (*make)(const void *ctx, size_t l0, size_t kc, size_t j0,
                 size_t j1, size_t nr, float *out);
    const void *ctx;
} gemm_b_maker;

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
    const float *b_packed;  /* B packed by oc_gemm_f32_pack_b, or NULL */
    const gemm_b_maker *b_maker;  /* or B made a block at a time (b unread) */
} gemm_f32_problem;

/* K rows of B' per packed block (the blocked path's KC); a prepacked B
 * with K <= GEMM_F32_KC is one block: panel p of NR columns starts at
 * p * K * NR, row l of it at + l * NR. */
#define GEMM_F32_KC 512

/* The narrow path's limits: problems with N <= GEMM_NARROW_MAX_N and K <=
 * GEMM_NARROW_MAX_K go to it, but for a few shapes (oc_gemm_f32_is_narrow);
 * oc_gemm_f32_narrow takes any N, a column block at a time, and K up to
 * GEMM_NARROW_MAX_K (<= GEMM_F32_KC: a prepacked B is one block). */
#define GEMM_NARROW_MAX_N 16
#define GEMM_NARROW_MAX_K 256

/* A block of columns for the narrow path: columns [j0, j0 + nb) of Y,
 * nb <= the kernel's narrow_width. Row l of the block of B' is
 * bp + l * ldb: narrow_width floats readable there, zero past nb. */
typedef struct gemm_narrow_block {
    const gemm_f32_problem *p;
    const float *bp;
    size_t ldb;
    size_t j0, nb;
} gemm_narrow_block;

/* The row path's limit: problems with M <= GEMM_ROWS_MAX_M go to it
 * (oc_gemm_f32_is_rows), or to the small path. */
#define GEMM_ROWS_MAX_M 4

/* How a tile stores its sums: tile(i, j) = (accumulate ? tile(i, j) :
 * row_c ? row_c[i] : +0) + alpha * sum, then the activation act when it
 * is not GEMM_ACT_NONE (the sum is then final). row_c, beta * C's value
 * for each row (a Conv's bias), on the first block of K saves a pass
 * that would fill Y with it and a load of Y in every tile. */
typedef struct gemm_tile_store {
    float alpha;
    bool accumulate;
    const float *row_c;
    int act;              /* GEMM_ACT_* */
    float act_alpha;
} gemm_tile_store;

/* A micro-kernel: computes an MR x NR tile. */
typedef struct gemm_kernel {
    const char *name;
    int mr, nr;
    /* Rows [0, rows) of a tile, rows <= mr: tile = as `st` says, from
     * A' * Bp over kc steps; Bp: kc x nr packed k-major;
     * A'(i, l) = ap[i * lda + l * astep], with lda == 1 (a packed panel,
     * astep = mr) or astep == 1 (A as stored, lda = K); rows of A and
     * of the tile past `rows` are neither read nor written. Storing
     * rather than adding to a zeroed tile keeps the sign of a -0
     * product, as the definition does. */
    void (*tile)(size_t kc, size_t rows, const float *ap, size_t lda,
                 size_t astep, const float *bp, float *tile, size_t ldt,
                 const gemm_tile_store *st);
    /* The narrow path's kernel: rows [i0, i1) of a column block of Y,
     * from start to activation, in the definition's order: alpha *
     * (sum over l, from +0) + beta * C, then the activation. Each row is
     * computed the same way whichever rows share the call. */
    void (*narrow)(const gemm_narrow_block *blk, size_t i0, size_t i1);
    int narrow_width;   /* columns per block: divides nr */
    /* The row path's kernel: rows [0, m) of Y, m <= GEMM_ROWS_MAX_M,
     * against `panels` NR-wide panels of B', kc rows each:
     *   y(i, q * NR + c) = (accumulate ? y(i, q * NR + c) : +0)
     *                      + sum over l < kc, in order, of
     *                        A'(i, l) * bp[q * pstride + l * ldb + c]
     * with A'(i, l) = a[i * a_i + l * a_l] and y(i, j) = y[i * ldy + j]
     * (a prepacked block: ldb = NR, pstride = kc * NR; B as stored, not
     * transposed: ldb = N, pstride = NR). Raw sums: alpha, C and the
     * activation come after the last block. One FMA per step whatever m
     * and however many panels share the call, so a column's bits do not
     * depend on its neighbours, nor on where K is cut into blocks. */
    void (*rows)(size_t m, size_t kc, const float *a, size_t a_i,
                 size_t a_l, const float *bp, size_t ldb, size_t pstride,
                 size_t panels, float *y, size_t ldy, bool accumulate);
} gemm_kernel;

/* The definition: the plain loop, in float and double. */
void oc_gemm_f32_reference(const gemm_f32_problem *p);

/* The kernel the session options ask for: the fastest this CPU has for
 * ONNXC_KERNELS_AUTO, else the one named (one the CPU lacks falls back to
 * the next slower). NULL means the reference loop. */
const gemm_kernel *oc_gemm_f32_select(onnxc_kernels kernels);
/* The kernels compiled in, for tests: those the CPU cannot run are NULL. */
const gemm_kernel *oc_gemm_f32_kernel_avx512(void);
const gemm_kernel *oc_gemm_f32_kernel_avx2(void);
const gemm_kernel *oc_gemm_f32_kernel_portable(void);

/* True when the problem is small enough for the small path, or has
 * few enough rows for the row path (M <= GEMM_ROWS_MAX_M): the blocked
 * path is for the rest. */
bool oc_gemm_f32_is_small(size_t m, size_t n, size_t k);
/* True when the problem goes to the narrow path (checked first). */
bool oc_gemm_f32_is_narrow(size_t m, size_t n, size_t k);
/* True when the problem goes to the row path (checked after the narrow
 * one): a few rows, and a B it reads well. */
bool oc_gemm_f32_is_rows(const gemm_f32_problem *p);
/* True when, B (K x N) prepacked, every M takes a path that reads the
 * packed copy only (narrow, row or blocked, never the small path): the
 * stored B is then never read. */
bool oc_gemm_f32_packed_b_suffices(size_t k, size_t n);

/* Floats of scratch the blocked path needs for a problem of this size
 * (all of B packed, unless b_prepacked: the problem will carry B packed
 * by oc_gemm_f32_pack_b; and per thread a packed micro-panel of A and one
 * edge tile); 0 for the narrow, row and small paths. The session plans
 * it in its arena, so runs allocate nothing. */
size_t oc_gemm_f32_workspace_floats(const gemm_kernel *kernel, size_t m,
                                 size_t n, size_t k, int threads,
                                 bool b_prepacked);

/* The blocked path's scratch when B (K x N) comes from a gemm_b_maker:
 * per thread, the above and the block being made; or, on several threads
 * with fewer panels of B than tasks, B made whole first, shared. */
size_t oc_gemm_f32_made_b_workspace_floats(const gemm_kernel *kernel,
                                           size_t n, size_t k, int threads);

/* Computes the problem with `kernel` (NULL: the reference loop); narrow
 * and small problems take their paths whatever the kernel. workspace: at
 * least oc_gemm_f32_workspace_floats floats for the pool's thread count, 64-byte
 * aligned. pool: the threads to split M and N over, or NULL. */
void oc_gemm_f32_compute(const gemm_kernel *kernel, const gemm_f32_problem *p,
                      float *workspace, struct oc_thread_pool *pool);

/* One path only, whatever the size (for tests). */
void oc_gemm_f32_blocked(const gemm_kernel *kernel, const gemm_f32_problem *p,
                      float *workspace, struct oc_thread_pool *pool);
void oc_gemm_f32_small(const gemm_f32_problem *p, struct oc_thread_pool *pool);
/* M <= GEMM_ROWS_MAX_M; reads p->b_packed (packed by this kernel) when
 * set, else B as stored. No workspace. */
void oc_gemm_f32_rows(const gemm_kernel *kernel, const gemm_f32_problem *p,
                   struct oc_thread_pool *pool);
/* Any N, K <= GEMM_NARROW_MAX_K (a longer K goes to oc_gemm_f32_small);
 * reads p->b_packed when set (packed by this kernel), else B as stored.
 * No workspace: B is packed on the stack when it is not prepacked. */
void oc_gemm_f32_narrow(const gemm_kernel *kernel, const gemm_f32_problem *p,
                     struct oc_thread_pool *pool);

/* Prepacking B, once, when it is a weight: the floats needed, and the
 * packing itself into `out` (16-float aligned). */
size_t oc_gemm_f32_packed_b_floats(const gemm_kernel *kernel, size_t k, size_t n);
void oc_gemm_f32_pack_b(const gemm_kernel *kernel, const float *b, bool trans_b,
                     size_t k, size_t n, float *out);
/* Packs rows [l0, l0 + kc) x columns [j0, j0 + nc) of B' into nr-wide
 * panels, k-major (kc x nr floats each); columns past N are zero. */
void oc_gemm_f32_pack_b_panels(const float *b, bool trans_b, size_t k, size_t n,
                            size_t nr, size_t l0, size_t kc, size_t j0,
                            size_t nc, float *out);

/* Applies the activation to n floats in place. */
void oc_gemm_f32_activate(float *y, size_t n, int act, float act_alpha);
/* Row i, columns [j0, j1) of Y from the sums A'B' it holds to the final
 * values, as the definition reads: alpha * sum + beta * C, then the
 * activation. */
void oc_gemm_f32_finish(const gemm_f32_problem *p, size_t i, size_t j0,
                     size_t j1);

#endif
