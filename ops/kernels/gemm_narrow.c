/*
 * gemm_narrow.c - Gemm for a narrow Y: few columns (N <= 16) and a short
 * K, whatever M: the Linear(10, 5) -> Linear(5, 3) layers at batch 1024.
 *
 * Neither of the other paths suits them. The blocked path's tiles are 16
 * or 32 columns wide, mostly empty here, and packing A costs as much as
 * the product; the small path takes a dot product of length K per element
 * of Y, and a dot of 10 is all overhead. Here a row of Y is one SIMD
 * vector: Y(i, :) = sum over l of A'(i, l) * B'(l, :), a broadcast of A
 * times a row of B' per step, the row's sum kept in a register from start
 * to activation, eight rows at once (gemm_tiles.c has the kernels). Rows
 * of B' are read from the prepacked B (a weight), whose panels are
 * exactly those rows zero-padded; a B that is not prepacked is packed on
 * the stack first. Columns past 16 (for the tests, not the dispatch) are
 * done a block of the kernel's width at a time.
 *
 * Threads split M, never K: each row of Y is computed by the same
 * instructions whichever thread and group of rows it falls in.
 */
#include "runtime/exec/thread_pool.h"
#include "ops/kernels/gemm_kernel.h"

/* Where the narrow path beats the small one (its dot products) and the
 * blocked one, measured kernel against kernel (AVX-512, 1 thread): from
 * 2 rows on, by 1.5x to 25x, except for N = 1 with K past 128 (one long
 * dot per row, the small path's strength: 0.8x at K = 256). A single row
 * (batch 1) is one chain of K dependent FMAs, and the small path's N
 * short dots beat it below 8 columns (the reference network's 1x10x5 and
 * 1x5x3: 1.06x and 0.78x) or past K = 128. */
bool oc_gemm_f32_is_narrow(size_t m, size_t n, size_t k)
{
    if (n > GEMM_NARROW_MAX_N || k > GEMM_NARROW_MAX_K)
        return false;
    if (n == 1 && k > 128)
        return false;
    if (m == 1 && (n < 8 || k > 128))
        return false;
    return true;
}

/* Splitting rows over threads pays from about this much work: M * (K +
 * NARROW_ROW_COST) per column block, a row's vector multiply-adds plus
 * what its store costs in the same units. Measured on the reference
 * network (2 threads of a 2-CPU VM, bench/onnxc-bench, split against not
 * in alternation): at batch 3072 splitting was 25% slower, at 4096 and
 * 6144 a wash, at 8192 30% faster; a hand-off costs a few microseconds
 * (waking a worker that slept since the last session run), and far more
 * when the other CPU is busy. So the reference network's Linear(10, 5)
 * splits from batch 7282 on, its Linear(5, 3) from 10083; below, and for
 * every smaller layer, the calling thread does it all. */
#define NARROW_ROW_COST 8
#define NARROW_PARALLEL_MIN_WORK ((size_t)1 << 17)
/* Rows per task: a multiple of the kernels' groups of 8. */
#define NARROW_TASK_ALIGN 8

typedef struct narrow_job {
    const gemm_kernel *kernel;
    gemm_narrow_block blk;
    size_t rows;  /* per task */
} narrow_job;

static void narrow_task(void *ctx, size_t t, int thread)
{
    const narrow_job *job = ctx;
    size_t m = job->blk.p->m, i0 = t * job->rows;
    size_t i1 = m - i0 < job->rows ? m : i0 + job->rows;
    (void)thread;
    job->kernel->narrow(&job->blk, i0, i1);
}

/* Rows [0, k) x columns [j0, j0 + nb) of B' into rows of `width` floats,
 * zero past nb. */
static void pack_block(const gemm_f32_problem *p, size_t j0, size_t nb,
                       size_t width, float *out)
{
    for (size_t l = 0; l < p->k; l++, out += width) {
        for (size_t j = 0; j < nb; j++)
            out[j] = p->trans_b ? p->b[(j0 + j) * p->k + l]
                                : p->b[l * p->n + j0 + j];
        for (size_t j = nb; j < width; j++)
            out[j] = 0;
    }
}

void oc_gemm_f32_narrow(const gemm_kernel *kernel, const gemm_f32_problem *p,
                     oc_thread_pool *pool)
{
    /* Large enough for any kernel's block (16 columns at most). */
    _Alignas(64) float packed[GEMM_NARROW_MAX_K * 16];
    size_t m = p->m, n = p->n, k = p->k;
    size_t width = (size_t)kernel->narrow_width, nr = (size_t)kernel->nr;
    if (m == 0 || n == 0)
        return;
    if (k > GEMM_NARROW_MAX_K) {  /* past the stack's block of B: not ours */
        oc_gemm_f32_small(p, pool);
        return;
    }
    narrow_job job = {.kernel = kernel, .blk = {.p = p}, .rows = m};
    size_t tasks = 1;
    int threads = oc_thread_pool_size(pool);
    size_t blocks = (n + width - 1) / width;
    if (threads > 1 &&
        m * (k + NARROW_ROW_COST) * blocks >= NARROW_PARALLEL_MIN_WORK) {
        /* One task per thread, whole groups of rows each. */
        size_t per = (m + (size_t)threads - 1) / (size_t)threads;
        job.rows = (per + NARROW_TASK_ALIGN - 1) / NARROW_TASK_ALIGN *
                   NARROW_TASK_ALIGN;
        tasks = (m + job.rows - 1) / job.rows;
    }
    for (size_t j0 = 0; j0 < n; j0 += width) {
        job.blk.j0 = j0;
        job.blk.nb = n - j0 < width ? n - j0 : width;
        if (p->b_packed) {
            /* K <= KC: one block of panels nr wide; width divides nr. */
            job.blk.bp = p->b_packed + j0 / nr * k * nr + j0 % nr;
            job.blk.ldb = nr;
        } else {
            pack_block(p, j0, job.blk.nb, width, packed);
            job.blk.bp = packed;
            job.blk.ldb = width;
        }
        oc_thread_pool_run(tasks > 1 ? pool : NULL, tasks, narrow_task, &job);
    }
}
