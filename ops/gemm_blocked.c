/*
 * gemm_blocked.c - the blocked, packed Gemm driver (the GotoBLAS loop
 * nest, in the order BLIS uses for a kernel whose vectors run along N).
 * B is packed in KC x NC blocks of NR-wide panels (or prepacked so once),
 * A a micro-panel of MR rows x KC at a time unless the micro-kernel reads
 * it in place, and the micro-kernel (applying alpha) runs over MR x NR
 * tiles of Y with its accumulators in registers. Transposes are absorbed
 * by the packing, so every variant runs the same kernel.
 *
 * Which operand stays where: the kernel broadcasts MR values of A and
 * loads NR of B per step, so it reads B at twice A's rate (14 x 32). An
 * A micro-panel (MR x KC, 28 KB) stays in L1 while the B panels of the
 * block stream past it from L2/L3, one tile each; the other order (a B
 * panel of 64 KB held against many A panels) fits no L1 and was 5-10%
 * slower from 1024^3 on.
 */
#include <string.h>

#include "../runtime/thread_pool.h"
#include "gemm_kernel.h"

/* Block sizes. KC is GEMM_F32_KC: each block of K adds into Y, a pass of
 * Y through memory, so the longer the better while an A micro-panel
 * (MR x KC) fits L1; 512 against 256 made 1024^3 and 2048^3 5-8% faster.
 * NC bounds the packed B block: 32 panels (1024 columns of AVX-512's) per
 * A micro-panel pass; 16 was 3-5% slower, 64 no faster. */
#define KC GEMM_F32_KC
#define NC_TILES 32

static size_t round_up(size_t x, size_t to)
{
    return (x + to - 1) / to * to;
}


bool gemm_f32_is_small(size_t m, size_t n, size_t k)
{
    /* Below this much work, packing costs more than it gains; and a
     * narrow B (the 10 -> 5 layers) would leave most of a 16- or 32-wide
     * tile empty. A few rows would leave most of a 14-tall (6, 4) tile
     * empty: the row path takes them, or the small path when the row
     * path does not (gemm_f32_is_rows). */
    return m * n * k <= 32 * 32 * 32 || m <= GEMM_ROWS_MAX_M || n < 16 ||
           k < 8;
}

/* Below this much work (multiply-adds), waking threads costs more than
 * splitting saves: the problem stays on the calling thread. */
#define PARALLEL_MIN_WORK ((size_t)1 << 22)

/* Y = beta * C broadcast, or 0: where the K blocks start adding. */
static void init_y(const gemm_f32_problem *p)
{
    for (size_t i = 0; i < p->m; i++) {
        float *y = p->y + i * p->n;
        if (!p->c || p->beta == 0) {
            for (size_t j = 0; j < p->n; j++)
                y[j] = 0;
            continue;
        }
        const float *c = p->c + i * p->c_rs;
        if (p->c_cs == 1) {  /* a row of C (a bias): vectorized */
            for (size_t j = 0; j < p->n; j++)
                y[j] = p->beta * c[j];
        } else {
            for (size_t j = 0; j < p->n; j++)
                y[j] = p->beta * c[j * p->c_cs];
        }
    }
}

/* Per thread: a packed micro-panel of A (when A is not read in place)
 * and an edge tile, 64-byte aligned. */
static size_t thread_floats(const gemm_kernel *kernel)
{
    size_t mr = (size_t)kernel->mr, nr = (size_t)kernel->nr;
    return round_up(mr * KC + mr * nr, 16);
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


/* The tallest micro-tile (AVX-512's 14 rows). */
#define PACK_A_MAX_MR 16

/* Packs rows [i0, i0 + rows) x cols [l0, l0 + kc) of A' into one
 * MR-tall panel, k-major; rows past `rows` are zero. */
static void pack_a(const gemm_f32_problem *p, size_t mr, size_t i0,
                   size_t rows, size_t l0, size_t kc, float *out)
{
    if (!p->trans_a) {
        /* Across the rows at each step rather than along one row at a
         * time: the rows' cache misses overlap (a row at a time, each 1 KB
         * run of A started a miss of its own, and packing took 9% of the
         * time of a 1024^3 product; across them, 5%), and the stores are
         * contiguous. */
        const float *src[PACK_A_MAX_MR];
        for (size_t r = 0; r < rows; r++)
            src[r] = p->a + (i0 + r) * p->k + l0;
        for (size_t l = 0; l < kc; l++)
            for (size_t r = 0; r < rows; r++)
                out[l * mr + r] = src[r][l];
    } else {
        for (size_t l = 0; l < kc; l++) {
            const float *src = p->a + (l0 + l) * p->m + i0;
            for (size_t r = 0; r < rows; r++)
                out[l * mr + r] = src[r];
        }
    }
    for (size_t r = rows; r < mr; r++)
        for (size_t l = 0; l < kc; l++)
            out[l * mr + r] = 0;
}

void gemm_f32_pack_b_panels(const float *b, bool trans_b, size_t k, size_t n,
                            size_t nr, size_t l0, size_t kc, size_t j0,
                            size_t nc, float *out)
{
    for (size_t jr = 0; jr < nc; jr += nr) {
        size_t cols = nc - jr < nr ? nc - jr : nr;
        if (!trans_b) {
            for (size_t l = 0; l < kc; l++) {
                const float *src = b + (l0 + l) * n + j0 + jr;
                for (size_t c = 0; c < cols; c++)
                    out[l * nr + c] = src[c];
            }
        } else {
            /* Along B's rows, which are contiguous: a column at a time of
             * the panel, written to cache, rather than a gather across
             * nr rows of B per step. */
            for (size_t c = 0; c < cols; c++) {
                const float *src = b + (j0 + jr + c) * k + l0;
                for (size_t l = 0; l < kc; l++)
                    out[l * nr + c] = src[l];
            }
        }
        for (size_t l = 0; l < kc; l++)
            for (size_t c = cols; c < nr; c++)
                out[l * nr + c] = 0;
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
        gemm_f32_pack_b_panels(b, trans_b, k, n, nr, l0, kc, 0, n,
                               out + l0 * npad);
    }
}

/* One (K block, N block) step of the loop nest, shared by its tasks: a
 * task is a group of MR-row tiles against a chunk of the block's
 * columns. */
typedef struct blocked_step {
    const gemm_kernel *kernel;
    const gemm_f32_problem *p;
    float *thread_ws;      /* thread t's scratch: + t * thread_floats */
    const float *bblock;   /* packed B for this step */
    size_t j0, nc, l0, kc;
    int act;
    bool accumulate;       /* false: the first K block, and no C term */
    bool a_in_place;       /* A read in place by the kernel, not packed */
    size_t row_tiles, row_groups, chunks, chunk_cols;
} blocked_step;

/* Whether the kernel may read MR rows of A in place, lda floats apart:
 * not when more of them fall in one set of a 32 KB, 8-way L1 than it has
 * ways (rows 4 KB apart, K = 1024, put all 14 in one set: evicting each
 * other, they made the product 1.7x slower; 2 KB apart, 7 per set, were
 * 5% faster than packing); then they are packed. */
static bool a_rows_in_place(size_t lda, size_t mr)
{
    unsigned char per_set[64] = {0};
    for (size_t i = 0; i < mr; i++)
        if (++per_set[(i * lda * sizeof(float) / 64) % 64] > 7)
            return false;
    return true;
}

/* The tile at rows [i, i + rows) x the block's columns [jr, jr + cols). */
static void blocked_tile(const blocked_step *st, const float *apanel,
                         size_t lda, size_t astep, size_t i, size_t rows,
                         size_t jr, size_t cols, float *edge)
{
    const gemm_f32_problem *p = st->p;
    size_t n = p->n, nr = (size_t)st->kernel->nr;
    const float *bpanel = st->bblock + (jr / nr) * st->kc * nr;
    float *y = p->y + i * n + st->j0 + jr;
    if (cols == nr) {
        st->kernel->tile(st->kc, rows, apanel, lda, astep, bpanel, y, n,
                         p->alpha, st->accumulate, st->act, p->act_alpha);
        return;
    }
    /* N's edge: the tile's full width on a copy. */
    for (size_t r = 0; r < rows; r++)
        memcpy(edge + r * nr, y + r * n, cols * sizeof *y);
    st->kernel->tile(st->kc, rows, apanel, lda, astep, bpanel, edge, nr,
                     p->alpha, st->accumulate, st->act, p->act_alpha);
    for (size_t r = 0; r < rows; r++)
        memcpy(y + r * n, edge + r * nr, cols * sizeof *y);
}

/* Task t: row group t / chunks (tiles split evenly between the groups),
 * column chunk t % chunks. */
static void blocked_task(void *ctx, size_t t, int thread)
{
    const blocked_step *st = ctx;
    const gemm_f32_problem *p = st->p;
    size_t mr = (size_t)st->kernel->mr, nr = (size_t)st->kernel->nr;
    size_t g = t / st->chunks;
    size_t i0 = g * st->row_tiles / st->row_groups * mr;
    size_t i1 = (g + 1) * st->row_tiles / st->row_groups * mr;
    size_t jr0 = t % st->chunks * st->chunk_cols;
    size_t jr1 = jr0 + st->chunk_cols < st->nc ? jr0 + st->chunk_cols : st->nc;
    float *ap = st->thread_ws + (size_t)thread * thread_floats(st->kernel);
    float *edge = ap + mr * KC;
    if (i1 > p->m)
        i1 = p->m;
    for (size_t i = i0; i < i1; i += mr) {
        size_t rows = i1 - i < mr ? i1 - i : mr;
        const float *apanel = ap;
        size_t lda = 1, astep = mr;
        if (st->a_in_place) {
            /* Packing took 8% of the time at 256^3. */
            apanel = p->a + i * p->k + st->l0;
            lda = p->k;
            astep = 1;
        } else {
            pack_a(p, mr, i, rows, st->l0, st->kc, ap);
        }
        for (size_t jr = jr0; jr < jr1; jr += nr)
            blocked_tile(st, apanel, lda, astep, i, rows, jr,
                         st->nc - jr < nr ? st->nc - jr : nr, edge);
    }
}

void gemm_f32_blocked(const gemm_kernel *kernel, const gemm_f32_problem *p,
                      float *workspace, oc_thread_pool *pool)
{
    size_t m = p->m, n = p->n, k = p->k;
    size_t mr = (size_t)kernel->mr, nr = (size_t)kernel->nr;
    size_t nc_max = NC_TILES * nr;
    size_t npad = round_up(n, nr);
    if (m * n * k < PARALLEL_MIN_WORK)
        pool = NULL;
    size_t threads = (size_t)thread_pool_size(pool);
    blocked_step st = {.kernel = kernel, .p = p,
                       .row_tiles = (m + mr - 1) / mr,
                       .thread_ws = workspace + nc_max * KC,
                       .a_in_place = !p->trans_a && a_rows_in_place(k, mr)};
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
    /* Tasks: one on one thread; on more, four per thread, so that a
     * thread that starts late (waking costs tens of microseconds on a
     * virtual machine) or is preempted leaves its share to the others.
     * Rows first, in groups whose tile counts differ by one at most;
     * columns too when there are not enough tiles of rows. */
    size_t want = threads > 1 ? 4 * threads : 1;
    st.row_groups = st.row_tiles < want ? st.row_tiles : want;
    for (st.j0 = 0; st.j0 < n; st.j0 += nc_max) {
        st.nc = n - st.j0 < nc_max ? n - st.j0 : nc_max;
        size_t panels = (st.nc + nr - 1) / nr;
        st.chunks = (want + st.row_groups - 1) / st.row_groups;
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
                gemm_f32_pack_b_panels(p->b, p->trans_b, k, n, nr, st.l0,
                                       st.kc, st.j0, st.nc, bp);
                st.bblock = bp;
            }
            thread_pool_run(pool, st.row_groups * st.chunks, blocked_task,
                            &st);
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
    else if (gemm_f32_is_rows(p))
        gemm_f32_rows(kernel, p, pool);    /* the prepacked B, if any */
    else if (gemm_f32_is_small(p->m, p->n, p->k))
        gemm_f32_small(p, pool);  /* reads B as stored, prepacked or not */
    else
        gemm_f32_blocked(kernel, p, workspace, pool);
}
