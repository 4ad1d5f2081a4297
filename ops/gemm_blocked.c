/*
 * gemm_blocked.c - the blocked, packed Gemm driver (the GotoBLAS loop
 * nest). B is packed in KC x NC blocks of NR-wide panels, A in MC x KC
 * blocks of MR-tall panels, and the micro-kernel (applying alpha) runs
 * over MR x NR tiles of Y with its accumulators in registers. Transposes
 * are absorbed by the packing, so every variant runs the same kernel.
 */
#include <string.h>

#include "../runtime/thread_pool.h"
#include "gemm_kernel.h"

/* Block sizes: a KC x NR panel of B stays in L1 while an MC x KC block of
 * A stays in L2; NC bounds the packed B block. */
#define KC GEMM_F32_KC
#define MC_TILES 20
#define NC_TILES 64


static size_t round_up(size_t x, size_t to)
{
    return (x + to - 1) / to * to;
}


bool gemm_f32_is_small(size_t m, size_t n, size_t k)
{
    /* Below this much work, packing costs more than it gains; and a
     * narrow B (the 10 -> 5 layers) would leave most of a 16- or 32-wide
     * tile empty. */
    return m * n * k <= 32 * 32 * 32 || m < 2 || n < 16 || k < 8;
}

/* Below this much work (multiply-adds), waking threads costs more than
 * splitting saves: the problem stays on the calling thread. */
#define PARALLEL_MIN_WORK ((size_t)1 << 22)

/* Y = beta * C broadcast, or 0: where the K blocks start adding. */
static void init_y(const gemm_f32_problem *p)
{
    for (size_t i = 0; i < p->m; i++) {
        float *y = p->y + i * p->n;
        if (p->c && p->beta != 0) {
            const float *c = p->c + i * p->c_rs;
            for (size_t j = 0; j < p->n; j++)
                y[j] = p->beta * c[j * p->c_cs];
        } else {
            for (size_t j = 0; j < p->n; j++)
                y[j] = 0;
        }
    }
}

/* Per thread: a packed block of A and an edge tile, 64-byte aligned. */
static size_t thread_floats(const gemm_kernel *kernel)
{
    size_t mr = (size_t)kernel->mr, nr = (size_t)kernel->nr;
    return round_up((size_t)MC_TILES * mr * KC + mr * nr, 16);
}

size_t gemm_f32_workspace_floats(const gemm_kernel *kernel, size_t m,
                                 size_t n, size_t k, int threads)
{
    if (!kernel || gemm_f32_is_narrow(m, n, k) || gemm_f32_is_small(m, n, k))
        return 0;
    /* The packed block of B is shared by the threads. */
    size_t b = (size_t)NC_TILES * (size_t)kernel->nr * KC;
    return b + (size_t)(threads > 1 ? threads : 1) * thread_floats(kernel);
}


/* Packs rows [i0, i0 + mc) x cols [l0, l0 + kc) of A' into MR-tall panels,
 * k-major; rows past M are zero. */
static void pack_a(const gemm_f32_problem *p, size_t mr, size_t i0, size_t mc,
                   size_t l0, size_t kc, float *out)
{
    for (size_t ir = 0; ir < mc; ir += mr) {
        size_t rows = mc - ir < mr ? mc - ir : mr;
        if (!p->trans_a) {
            for (size_t r = 0; r < rows; r++) {
                const float *src = p->a + (i0 + ir + r) * p->k + l0;
                for (size_t l = 0; l < kc; l++)
                    out[l * mr + r] = src[l];
            }
        } else {
            for (size_t l = 0; l < kc; l++) {
                const float *src = p->a + (l0 + l) * p->m + i0 + ir;
                for (size_t r = 0; r < rows; r++)
                    out[l * mr + r] = src[r];
            }
        }
        for (size_t r = rows; r < mr; r++)
            for (size_t l = 0; l < kc; l++)
                out[l * mr + r] = 0;
        out += kc * mr;
    }
}

/* Packs rows [l0, l0 + kc) x cols [j0, j0 + nc) of B' into NR-wide panels,
 * k-major; columns past N are zero. */
static void pack_b(const float *b, bool trans_b, size_t k, size_t n, size_t nr,
                   size_t l0, size_t kc, size_t j0, size_t nc, float *out)
{
    for (size_t jr = 0; jr < nc; jr += nr) {
        size_t cols = nc - jr < nr ? nc - jr : nr;
        for (size_t l = 0; l < kc; l++) {
            float *dst = out + l * nr;
            if (!trans_b) {
                const float *src = b + (l0 + l) * n + j0 + jr;
                for (size_t c = 0; c < cols; c++)
                    dst[c] = src[c];
            } else {
                for (size_t c = 0; c < cols; c++)
                    dst[c] = b[(j0 + jr + c) * k + l0 + l];
            }
            for (size_t c = cols; c < nr; c++)
                dst[c] = 0;
        }
        out += kc * nr;
    }
}

size_t gemm_f32_packed_b_floats(const gemm_kernel *kernel, size_t k, size_t n)
{
    return k * round_up(n, (size_t)kernel->nr);
}

/* The prepacked layout is the blocked one: for each KC block of K, its
 * panels across the whole of N. */
void gemm_f32_pack_b(const gemm_kernel *kernel, const float *b, bool trans_b,
                     size_t k, size_t n, float *out)
{
    size_t nr = (size_t)kernel->nr, npad = round_up(n, nr);
    for (size_t l0 = 0; l0 < k; l0 += KC) {
        size_t kc = k - l0 < KC ? k - l0 : KC;
        pack_b(b, trans_b, k, n, nr, l0, kc, 0, n, out + l0 * npad);
    }
}

/* One (K block, N block) step of the loop nest, shared by its tasks. */
typedef struct blocked_step {
    const gemm_kernel *kernel;
    const gemm_f32_problem *p;
    float *thread_ws;      /* thread t's scratch: + t * thread_floats */
    const float *bblock;   /* packed B for this step */
    size_t j0, nc, l0, kc;
    int act;
    bool accumulate;       /* false: the first K block, and no C term */
    size_t mc_max, chunks, chunk_cols;
} blocked_step;

/* Task t: rows block t / chunks, columns chunk t % chunks of this step. */
static void blocked_task(void *ctx, size_t t, int thread)
{
    const blocked_step *st = ctx;
    const gemm_f32_problem *p = st->p;
    size_t mr = (size_t)st->kernel->mr, nr = (size_t)st->kernel->nr;
    size_t i0 = t / st->chunks * st->mc_max;
    size_t mc = p->m - i0 < st->mc_max ? p->m - i0 : st->mc_max;
    size_t jr0 = t % st->chunks * st->chunk_cols;
    size_t jr1 = jr0 + st->chunk_cols < st->nc ? jr0 + st->chunk_cols : st->nc;
    float *ap = st->thread_ws + (size_t)thread * thread_floats(st->kernel);
    float *edge = ap + st->mc_max * KC;
    size_t n = p->n, kc = st->kc;

    pack_a(p, mr, i0, mc, st->l0, kc, ap);
    for (size_t jr = jr0; jr < jr1; jr += nr) {
        size_t cols = st->nc - jr < nr ? st->nc - jr : nr;
        const float *bpanel = st->bblock + (jr / nr) * kc * nr;
        for (size_t ir = 0; ir < mc; ir += mr) {
            size_t rows = mc - ir < mr ? mc - ir : mr;
            const float *apanel = ap + (ir / mr) * kc * mr;
            float *y = p->y + (i0 + ir) * n + st->j0 + jr;
            if (rows == mr && cols == nr) {
                st->kernel->tile(kc, apanel, bpanel, y, n, p->alpha,
                                 st->accumulate, st->act, p->act_alpha);
                continue;
            }
            /* An edge tile: run the full tile on a copy. */
            for (size_t r = 0; r < rows; r++)
                memcpy(edge + r * nr, y + r * n, cols * sizeof *y);
            st->kernel->tile(kc, apanel, bpanel, edge, nr, p->alpha,
                             st->accumulate, st->act, p->act_alpha);
            for (size_t r = 0; r < rows; r++)
                memcpy(y + r * n, edge + r * nr, cols * sizeof *y);
        }
    }
}

void gemm_f32_blocked(const gemm_kernel *kernel, const gemm_f32_problem *p,
                      float *workspace, oc_thread_pool *pool)
{
    size_t m = p->m, n = p->n, k = p->k;
    size_t nr = (size_t)kernel->nr;
    size_t nc_max = NC_TILES * nr;
    size_t npad = round_up(n, nr);
    if (m * n * k < PARALLEL_MIN_WORK)
        pool = NULL;
    int threads = thread_pool_size(pool);
    blocked_step st = {.kernel = kernel, .p = p,
                       .mc_max = MC_TILES * (size_t)kernel->mr,
                       .thread_ws = workspace + nc_max * KC};
    float *bp = workspace;

    /* With a C term, Y starts as beta * C and every K block adds; without
     * one, the first K block stores. */
    bool has_c = p->c && p->beta != 0;
    if (has_c || k == 0)
        init_y(p);
    if (k == 0) {
        gemm_f32_activate(p->y, m * n, p->act, p->act_alpha);
        return;
    }
    size_t row_blocks = (m + st.mc_max - 1) / st.mc_max;
    for (st.j0 = 0; st.j0 < n; st.j0 += nc_max) {
        st.nc = n - st.j0 < nc_max ? n - st.j0 : nc_max;
        /* Enough tasks to keep every thread busy: split columns too when
         * there are few row blocks. */
        size_t panels = (st.nc + nr - 1) / nr, want = 2 * (size_t)threads;
        st.chunks = threads > 1 && row_blocks < want
                        ? (want + row_blocks - 1) / row_blocks
                        : 1;
        if (st.chunks > panels)
            st.chunks = panels;
        st.chunk_cols = (panels + st.chunks - 1) / st.chunks * nr;
        st.chunks = (st.nc + st.chunk_cols - 1) / st.chunk_cols;
        for (st.l0 = 0; st.l0 < k; st.l0 += KC) {
            st.kc = k - st.l0 < KC ? k - st.l0 : KC;
            st.act = st.l0 + st.kc == k ? p->act : GEMM_ACT_NONE;
            st.accumulate = has_c || st.l0 > 0;
            if (p->b_packed) {
                st.bblock = p->b_packed + st.l0 * npad + st.j0 * st.kc;
            } else {
                pack_b(p->b, p->trans_b, k, n, nr, st.l0, st.kc, st.j0, st.nc,
                       bp);
                st.bblock = bp;
            }
            thread_pool_run(pool, row_blocks * st.chunks, blocked_task, &st);
        }
    }
}

void gemm_f32_compute(const gemm_kernel *kernel, const gemm_f32_problem *p,
                      float *workspace, oc_thread_pool *pool)
{
    /* An empty Y has no memory behind it (its pointer may be NULL). */
    if (p->m == 0 || p->n == 0)
        return;
    if (!kernel)
        gemm_f32_reference(p);
    else if (gemm_f32_is_narrow(p->m, p->n, p->k))
        gemm_f32_narrow(kernel, p, pool);  /* reads the prepacked B */
    else if (gemm_f32_is_small(p->m, p->n, p->k))
        gemm_f32_small(p, pool);  /* reads B as stored, prepacked or not */
    else
        gemm_f32_blocked(kernel, p, workspace, pool);
}
