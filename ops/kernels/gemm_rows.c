/*
 * gemm_rows.c - Gemm for a few rows of Y (M <= 4: batch 1 to 4 of a
 * Linear layer): matrix-vector products.
 *
 * Such a product does M multiply-adds per float of B it reads, so it runs
 * at the speed memory delivers B (the big MLP at batch 1 reads 96 MB of
 * weights per inference). That speed needs B read once, in long
 * sequential runs the hardware prefetchers follow. A prepacked B (a
 * weight) is laid out so: for each block of KC rows of B', its NR-wide
 * panels one after the other, each kc x NR floats contiguous. The kernel
 * streams a thread's panels of a block in order, the M rows' NR sums of a
 * panel in registers (A's few values broadcast from cache), and stores
 * the sums into Y, where the next block adds to them. A float stored and
 * reloaded is unchanged, so each element's sum is the plain one: from +0,
 * one FMA per step of K in order, whatever the blocks and the split.
 *
 * A B that is not prepacked is read with the same arithmetic, so the
 * bits are those of the prepacked B: as stored when it is not transposed
 * (the rows of B' are its rows, a few at a time), else, and at N's edge,
 * a panel at a time packed on the stack (oc_gemm_f32_is_rows sends a
 * transposed B that is not prepacked to the small path's dot products,
 * faster; oc_gemm_f32_rows itself takes any B).
 *
 * The blocked path would compute these rows in tiles of 14 (6, 4) rows,
 * mostly empty here; the small path's dot products read B as stored, a
 * dot at a time, compiled for the baseline instruction set.
 *
 * Threads split N into one contiguous range of panels each (a sequential
 * run per block and thread), never K: every column is computed by the same
 * instructions whichever range it falls in, so the bits do not depend on
 * the thread count.
 */
#include "runtime/exec/thread_pool.h"
#include "ops/kernels/gemm_kernel.h"

/* The widest panel of any kernel (AVX-512's): the edge panel's sums are
 * kept on the stack, Y having no room past N. */
#define ROWS_MAX_NR 32
/* Rows of B' per panel packed on the stack when B is not prepacked and
 * must be packed (transposed, or at N's edge): 8 KB, in L1. */
#define ROWS_STACK_K 64
/* Rows of B at a time when B is read as stored (not transposed, not
 * prepacked): a panel reads 128 bytes of each, then the next panel the
 * next 128, so these rows are as many streams in flight. Measured on
 * 1x4096x4096 (AVX-512, 1 thread): 4 rows 5.0 ms, 8 rows 3.8, 16 rows
 * 6.6, 256 rows 10; the prepacked B, one stream, 3.0. */
#define ROWS_DIRECT_K 8

/* Splitting over threads pays from about this many multiply-adds (M * N
 * * K): a hand-off costs a few microseconds, the time to stream about
 * 256 KB of B. */
#define ROWS_PARALLEL_MIN_WORK ((size_t)1 << 18)

/* Not below 8 columns: a panel is 8 to 32 wide, and the small path's few
 * dot products beat one mostly empty panel (1x5x10: 60 ns against 40).
 * Not for a B stored transposed that is not prepacked either: its panels
 * would be transposed on the stack as they go, slower than the small
 * path's dot products along B's rows (1x1024x1024: 5x). */
bool oc_gemm_f32_is_rows(const gemm_f32_problem *p)
{
    return p->m <= GEMM_ROWS_MAX_M && p->n >= 8 &&
           (p->b_packed || !p->trans_b);
}

/* What every block of a range of panels needs. */
typedef struct rows_range {
    const gemm_kernel *kernel;
    const gemm_f32_problem *p;
    size_t nr, a_i, a_l;
} rows_range;

/* Panel q of B' (rows [l0, l0 + kc)) packed on the stack a chunk of K at
 * a time, into y (ldy): for a B that is not prepacked, transposed or at
 * N's edge. */
static void rows_stack_panel(const rows_range *r, size_t l0, size_t kc,
                             size_t q, float *y, size_t ldy)
{
    _Alignas(64) float panel[ROWS_STACK_K * ROWS_MAX_NR];
    const gemm_f32_problem *p = r->p;
    size_t j = q * r->nr, nc = p->n - j < r->nr ? p->n - j : r->nr;
    for (size_t l = l0; l < l0 + kc; l += ROWS_STACK_K) {
        size_t lc = l0 + kc - l < ROWS_STACK_K ? l0 + kc - l : ROWS_STACK_K;
        oc_gemm_f32_pack_b_panels(p->b, p->trans_b, p->k, p->n, r->nr, l, lc, j,
                               nc, panel);
        r->kernel->rows(p->m, lc, p->a + l * r->a_l, r->a_i, r->a_l, panel,
                        r->nr, 0, 1, y, ldy, l > 0);
    }
}

/* Rows [l0, l0 + kc) of B' (a block of the prepacked B when there is
 * one) against panels [q0, q1), of which panel `full` on is past N's
 * edge (the sums into `edge`). */
static void rows_block(const rows_range *r, size_t l0, size_t kc, size_t q0,
                       size_t full, size_t q1, float *edge)
{
    const gemm_f32_problem *p = r->p;
    size_t n = p->n, nr = r->nr;
    const float *a = p->a + l0 * r->a_l;
    if (p->b_packed) {
        const float *block = p->b_packed + l0 * ((n + nr - 1) / nr * nr);
        if (full > q0)
            r->kernel->rows(p->m, kc, a, r->a_i, r->a_l, block + q0 * kc * nr,
                            nr, kc * nr, full - q0, p->y + q0 * nr, n, l0 > 0);
        if (full < q1)
            r->kernel->rows(p->m, kc, a, r->a_i, r->a_l,
                            block + full * kc * nr, nr, kc * nr, 1, edge, nr,
                            l0 > 0);
        return;
    }
    if (!p->trans_b)  /* rows of B' are rows of B */
        for (size_t l = l0; l < l0 + kc && full > q0; l += ROWS_DIRECT_K) {
            size_t lc = l0 + kc - l < ROWS_DIRECT_K ? l0 + kc - l
                                                    : ROWS_DIRECT_K;
            r->kernel->rows(p->m, lc, p->a + l * r->a_l, r->a_i, r->a_l,
                            p->b + l * n + q0 * nr, n, nr, full - q0,
                            p->y + q0 * nr, n, l > 0);
        }
    else
        for (size_t q = q0; q < full; q++)
            rows_stack_panel(r, l0, kc, q, p->y + q * nr, n);
    if (full < q1)
        rows_stack_panel(r, l0, kc, full, edge, nr);
}

/* Panels [q0, q1) of Y's columns: the sums over every block of K, then
 * alpha, C and the activation. Only the last panel of N may be partial;
 * its sums go through `edge`. */
static void rows_panels(const gemm_kernel *kernel, const gemm_f32_problem *p,
                        size_t q0, size_t q1)
{
    _Alignas(64) float edge[GEMM_ROWS_MAX_M * ROWS_MAX_NR];
    size_t m = p->m, n = p->n, k = p->k, nr = (size_t)kernel->nr;
    rows_range r = {.kernel = kernel, .p = p, .nr = nr,
                    .a_i = p->trans_a ? 1 : k, .a_l = p->trans_a ? m : 1};
    size_t j0 = q0 * nr, j1 = q1 * nr < n ? q1 * nr : n;
    size_t full = q1 * nr <= n ? q1 : q1 - 1;  /* panels inside N */

    if (k == 0)  /* empty sums: +0, as the reference starts */
        for (size_t i = 0; i < m; i++)
            for (size_t j = j0; j < j1; j++)
                p->y[i * n + j] = 0;
    for (size_t l0 = 0; l0 < k; l0 += GEMM_F32_KC)
        rows_block(&r, l0, k - l0 < GEMM_F32_KC ? k - l0 : GEMM_F32_KC, q0,
                   full, q1, edge);
    if (full < q1 && k > 0)
        for (size_t i = 0; i < m; i++)
            for (size_t j = full * nr; j < n; j++)
                p->y[i * n + j] = edge[i * nr + j - full * nr];
    for (size_t i = 0; i < m; i++)
        oc_gemm_f32_finish(p, i, j0, j1);
}

typedef struct rows_job {
    const gemm_kernel *kernel;
    const gemm_f32_problem *p;
    size_t panels, per_task;
} rows_job;

static void rows_task(void *ctx, size_t t, int thread)
{
    const rows_job *job = ctx;
    size_t q0 = t * job->per_task;
    size_t q1 = job->panels - q0 < job->per_task ? job->panels
                                                 : q0 + job->per_task;
    (void)thread;
    rows_panels(job->kernel, job->p, q0, q1);
}

void oc_gemm_f32_rows(const gemm_kernel *kernel, const gemm_f32_problem *p,
                   oc_thread_pool *pool)
{
    size_t nr = (size_t)kernel->nr;
    rows_job job = {.kernel = kernel, .p = p, .panels = (p->n + nr - 1) / nr};
    size_t threads = (size_t)oc_thread_pool_size(pool), tasks = 1;
    if (p->m == 0 || p->n == 0)
        return;
    job.per_task = job.panels;
    if (threads > 1 && p->m * p->n * p->k >= ROWS_PARALLEL_MIN_WORK) {
        job.per_task = (job.panels + threads - 1) / threads;
        tasks = (job.panels + job.per_task - 1) / job.per_task;
    }
    oc_thread_pool_run(tasks > 1 ? pool : NULL, tasks, rows_task, &job);
}
