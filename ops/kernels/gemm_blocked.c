/*
 * gemm_blocked.c - the blocked, packed Gemm driver (the GotoBLAS loop
 * nest). B is packed whole in KC-row blocks of NR-wide panels (prepacked
 * so once at load, when it is a weight); A, a group of MR-row micro-
 * panels at a time, unless the micro-kernel reads it in place; and the
 * micro-kernel (applying alpha) runs over MR x NR tiles of Y with its
 * accumulators in registers. Transposes are absorbed by the packing, so
 * every variant runs the same kernel.
 *
 * Where each operand lives: for a block of K, a group of up to MC_TILES
 * row tiles of A is packed (280 KB) and kept in L2; B's block is taken NC
 * columns at a time (512 KB), which stay in L2 while every A micro-panel
 * of the group (28 KB, in L1) passes it, one tile per B panel. Y, read
 * and written once per block of K, is the only operand left in memory:
 * the tile prefetches it.
 *
 * Threads take tasks: a group of row tiles against a chunk of columns,
 * over the whole of K, so tasks write disjoint parts of Y and nobody waits
 * for anybody before the end. The sums of each element are the same
 * whatever the thread count (K is never split).
 */
#include <string.h>

#include "runtime/exec/thread_pool.h"
#include "ops/kernels/gemm_kernel.h"

/* Block sizes, measured on Zen 4 (32 KB L1, 1 MB L2 a core):
 *  - KC is GEMM_F32_KC: each block of K adds into Y, a pass of Y through
 *    memory, so the longer the better while an A micro-panel (MR x KC)
 *    fits L1; 512 against 256 made 1024^3 and 2048^3 5-8% faster;
 *  - NC: columns of a B block held in L2 (KC x NC floats, 512 KB); on one
 *    thread 256 to 1024 are within 2%, on two 256 keeps each core's
 *    copy of the block apart from the other's traffic;
 *  - MC_TILES: row tiles of A packed at once (the group, in L2);
 *  - MT_TASKS: tasks per thread on several threads, so that one that
 *    starts late (waking a thread costs tens of microseconds on a virtual
 *    machine) or is preempted leaves its share to the others, and the
 *    last task to finish is short; 4, 8 and 16 measured within noise. */
#define KC GEMM_F32_KC
#define NC 256
#define MC_TILES 10
#define MT_TASKS 8

static size_t round_up(size_t x, size_t to)
{
    return (x + to - 1) / to * to;
}


bool oc_gemm_f32_is_small(size_t m, size_t n, size_t k)
{
    /* Below this much work, packing costs more than it gains; and a
     * narrow B (the 10 -> 5 layers) would leave most of a 16- or 32-wide
     * tile empty. A few rows would leave most of a 14-tall (6, 4) tile
     * empty: the row path takes them, or the small path when the row
     * path does not (oc_gemm_f32_is_rows). */
    return m * n * k <= 32 * 32 * 32 || m <= GEMM_ROWS_MAX_M || n < 16 ||
           k < 8;
}

bool oc_gemm_f32_packed_b_suffices(size_t k, size_t n)
{
    /* Asked of the dispatch itself, so that the two cannot drift apart:
     * M <= GEMM_ROWS_MAX_M takes the row path when N >= 8 (B prepacked);
     * oc_gemm_f32_is_small only grows false as M grows, so if the next M is
     * not small, no larger one is: they take the narrow or blocked path.
     * Only weights of 2^14 floats (64 KB) or more are worth releasing. */
    return n * k >= ((size_t)1 << 14) && n >= 8 &&
           !oc_gemm_f32_is_small(GEMM_ROWS_MAX_M + 1, n, k);
}

/* Below this much work (multiply-adds), waking threads costs more than
 * splitting saves: the problem stays on the calling thread. */
#define PARALLEL_MIN_WORK ((size_t)1 << 22)

/* Rows [i0, i1) x columns [j0, j1) of Y = beta * C broadcast, or 0:
 * where the K blocks start adding. Each task does its own part, so the
 * pass over Y is split between the threads and leaves it in their
 * caches. */
static void init_y(const gemm_f32_problem *p, size_t i0, size_t i1,
                   size_t j0, size_t j1)
{
    for (size_t i = i0; i < i1; i++) {
        float *y = p->y + i * p->n;
        if (!p->c || p->beta == 0) {
            for (size_t j = j0; j < j1; j++)
                y[j] = 0;
            continue;
        }
        /* beta in a local: a store to y could alias p->beta, which
         * kept the loop from being vectorized. */
        const float *c = p->c + i * p->c_rs;
        float beta = p->beta;
        if (p->c_cs == 1 && beta == 1)  /* a bias as it is */
            memcpy(y + j0, c + j0, (j1 - j0) * sizeof *y);
        else if (p->c_cs == 1)  /* a row of C: vectorized */
            for (size_t j = j0; j < j1; j++)
                y[j] = beta * c[j];
        else if (p->c_cs == 0) {  /* a column of C (a Conv's bias): a fill */
            float v = beta * c[0];
            for (size_t j = j0; j < j1; j++)
                y[j] = v;
        } else
            for (size_t j = j0; j < j1; j++)
                y[j] = beta * c[j * p->c_cs];
    }
}

/* Per thread: a packed group of A's row tiles (when A is not read in
 * place) and an edge tile, 64-byte aligned. */
static size_t thread_floats(const gemm_kernel *kernel)
{
    size_t mr = (size_t)kernel->mr, nr = (size_t)kernel->nr;
    return round_up(MC_TILES * mr * KC + mr * nr, 16);
}

size_t oc_gemm_f32_workspace_floats(const gemm_kernel *kernel, size_t m,
                                 size_t n, size_t k, int threads,
                                 bool b_prepacked)
{
    if (!kernel || oc_gemm_f32_is_narrow(m, n, k) || oc_gemm_f32_is_small(m, n, k))
        return 0;
    /* B packed whole, shared by the threads, unless it was prepacked. */
    size_t b = b_prepacked ? 0 : oc_gemm_f32_packed_b_floats(kernel, k, n);
    return round_up(b, 16) +
           (size_t)(threads > 1 ? threads : 1) * thread_floats(kernel);
}

/* With a maker, whether B is made whole before the product: when the
 * threads would need more tasks than B has panels, they split the rows,
 * and each row group would make every block of B again (8 times over, a
 * 512-row layer of resnet18 on 2 threads); then the tasks make it once,
 * shared. Else each task makes its blocks as it reaches them. */
static bool made_whole(size_t n, size_t nr, size_t threads)
{
    return threads > 1 && (n + nr - 1) / nr < MT_TASKS * threads;
}

size_t oc_gemm_f32_made_b_workspace_floats(const gemm_kernel *kernel,
                                           size_t n, size_t k, int threads)
{
    /* Whichever way the run goes: a small product runs on one thread. */
    size_t t = threads > 1 ? (size_t)threads : 1;
    size_t each = t * (thread_floats(kernel) + (size_t)KC * NC);
    size_t whole = round_up(oc_gemm_f32_packed_b_floats(kernel, k, n), 16) +
                   t * thread_floats(kernel);
    return made_whole(n, (size_t)kernel->nr, t) && whole > each ? whole : each;
}

/* Making B whole: task t makes block t / chunks of K, chunk t % chunks of
 * NC columns, into the prepacked layout. */
typedef struct make_job {
    const gemm_f32_problem *p;
    size_t nr, npad, chunks;
    float *out;
} make_job;

static void make_task(void *ctx, size_t t, int thread)
{
    const make_job *mj = ctx;
    const gemm_f32_problem *p = mj->p;
    size_t l0 = t / mj->chunks * KC, j0 = t % mj->chunks * NC;
    size_t kc = p->k - l0 < KC ? p->k - l0 : KC;
    size_t j1 = p->n - j0 < NC ? p->n : j0 + NC;
    (void)thread;
    p->b_maker->make(p->b_maker->ctx, l0, kc, j0, j1, mj->nr,
                     mj->out + l0 * mj->npad + j0 / mj->nr * kc * mj->nr);
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

void oc_gemm_f32_pack_b_panels(const float *b, bool trans_b, size_t k, size_t n,
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

size_t oc_gemm_f32_packed_b_floats(const gemm_kernel *kernel, size_t k, size_t n)
{
    return k * round_up(n, (size_t)kernel->nr);
}

/* The prepacked layout is the blocked one: for each KC block of K, its
 * panels across the whole of N. */
void oc_gemm_f32_pack_b(const gemm_kernel *kernel, const float *b, bool trans_b,
                     size_t k, size_t n, float *out)
{
    size_t nr = (size_t)kernel->nr, npad = round_up(n, nr);
    for (size_t l0 = 0; l0 < k; l0 += KC) {
        size_t kc = k - l0 < KC ? k - l0 : KC;
        oc_gemm_f32_pack_b_panels(b, trans_b, k, n, nr, l0, kc, 0, n,
                               out + l0 * npad);
    }
}

/* What every task of a product needs. A task is a group of MR-row tiles
 * against a chunk of Y's columns, over the whole of K: tasks write
 * disjoint parts of Y, so the threads never wait for each other before
 * the end. */
typedef struct blocked_job {
    const gemm_kernel *kernel;
    const gemm_f32_problem *p;
    const float *b_packed;   /* all of B, in oc_gemm_f32_pack_b's layout */
    float *thread_ws;        /* thread t's scratch: + t * ws_floats */
    size_t ws_floats;        /* thread_floats, and a made block of B */
    size_t npad;             /* N rounded up to NR */
    bool has_c;              /* Y starts as beta * C: every block adds */
    bool row_c;              /* or C is a bias per row, stored by the
                              * first block's tiles (init_y skipped) */
    bool a_in_place;         /* A read in place by the kernel, not packed */
    size_t row_tiles, row_groups, chunks, chunk_cols;
} blocked_job;

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

/* One tile: rows [i, i + rows) x columns [j, j + cols) of Y, the K block
 * [l0, l0 + kc), B's panel at bpanel. */
static void blocked_tile(const blocked_job *job, const float *apanel,
                         size_t lda, size_t astep, const float *bpanel,
                         size_t i, size_t rows, size_t j, size_t cols,
                         size_t l0, size_t kc, float *edge)
{
    const gemm_f32_problem *p = job->p;
    size_t n = p->n, nr = (size_t)job->kernel->nr;
    gemm_tile_store st = {
        .alpha = p->alpha,
        .accumulate = job->has_c || l0 > 0,
        .row_c = job->row_c && l0 == 0 ? p->c + i : NULL,
        .act = l0 + kc == p->k ? p->act : GEMM_ACT_NONE,
        .act_alpha = p->act_alpha};
    float *y = p->y + i * n + j;
    if (cols == nr) {
        job->kernel->tile(kc, rows, apanel, lda, astep, bpanel, y, n, &st);
        return;
    }
    /* N's edge: the tile's full width on a copy. */
    for (size_t r = 0; st.accumulate && r < rows; r++)
        memcpy(edge + r * nr, y + r * n, cols * sizeof *y);
    job->kernel->tile(kc, rows, apanel, lda, astep, bpanel, edge, nr, &st);
    for (size_t r = 0; r < rows; r++)
        memcpy(y + r * n, edge + r * nr, cols * sizeof *y);
}

/* Task t: row group t / chunks (tiles split evenly between the groups),
 * column chunk t % chunks. For each block of K the group's rows of A are
 * packed (or read in place) once, then each NC block of B, in L2, passes
 * every A micro-panel of the group in turn. */
static void blocked_task(void *ctx, size_t t, int thread)
{
    const blocked_job *job = ctx;
    const gemm_f32_problem *p = job->p;
    size_t m = p->m, n = p->n, k = p->k;
    size_t mr = (size_t)job->kernel->mr, nr = (size_t)job->kernel->nr;
    size_t g = t / job->chunks;
    size_t i0 = g * job->row_tiles / job->row_groups * mr;
    size_t i1 = (g + 1) * job->row_tiles / job->row_groups * mr;
    size_t c0 = t % job->chunks * job->chunk_cols;
    size_t c1 = c0 + job->chunk_cols < n ? c0 + job->chunk_cols : n;
    float *ap = job->thread_ws + (size_t)thread * job->ws_floats;
    float *edge = ap + MC_TILES * mr * KC;
    float *made = ap + thread_floats(job->kernel);   /* p->b_maker's block */
    if (i1 > m)
        i1 = m;
    if (job->has_c)
        init_y(p, i0, i1, c0, c1);
    /* The group's rows in tiles of even heights (16 rows: 8 + 8, not 14
     * + 2, whose 2-row tile keeps too few sums in flight to hide the
     * FMA's latency); tile q's panel of A at ap + q * mr * kc. */
    size_t tiles = (i1 - i0 + mr - 1) / mr;
#define TILE_ROW(q) (i0 + (q) * (i1 - i0) / tiles)
    for (size_t l0 = 0; l0 < k; l0 += KC) {
        size_t kc = k - l0 < KC ? k - l0 : KC;
        const float *bblock =
            job->b_packed ? job->b_packed + l0 * job->npad : made;
        if (!job->a_in_place)
            for (size_t q = 0; q < tiles; q++)
                pack_a(p, mr, TILE_ROW(q), TILE_ROW(q + 1) - TILE_ROW(q), l0,
                       kc, ap + q * mr * kc);
        for (size_t j0 = c0; j0 < c1; j0 += NC) {
            size_t j1 = c1 - j0 < NC ? c1 : j0 + NC;
            size_t jb = 0;   /* the first column of bblock */
            if (!job->b_packed) {
                p->b_maker->make(p->b_maker->ctx, l0, kc, j0, j1, nr, made);
                jb = j0;
            }
            for (size_t q = 0; q < tiles; q++) {
                size_t i = TILE_ROW(q), rows = TILE_ROW(q + 1) - i;
                const float *apanel = ap + q * mr * kc;
                size_t lda = 1, astep = mr;
                if (job->a_in_place) {
                    /* Packing took 8% of the time at 256^3. */
                    apanel = p->a + i * k + l0;
                    lda = k;
                    astep = 1;
                }
                for (size_t j = j0; j < j1; j += nr)
                    blocked_tile(job, apanel, lda, astep,
                                 bblock + (j - jb) / nr * kc * nr, i, rows, j,
                                 j1 - j < nr ? j1 - j : nr, l0, kc, edge);
            }
        }
    }
#undef TILE_ROW
}

void oc_gemm_f32_blocked(const gemm_kernel *kernel, const gemm_f32_problem *p,
                      float *workspace, oc_thread_pool *pool)
{
    size_t m = p->m, n = p->n, k = p->k;
    size_t mr = (size_t)kernel->mr, nr = (size_t)kernel->nr;
    if (m * n * k < PARALLEL_MIN_WORK)
        pool = NULL;
    size_t threads = (size_t)oc_thread_pool_size(pool);
    bool make_each = p->b_maker && !made_whole(n, nr, threads);
    size_t b_floats = p->b_packed || make_each
                          ? 0 : oc_gemm_f32_packed_b_floats(kernel, k, n);
    blocked_job job = {.kernel = kernel, .p = p, .b_packed = p->b_packed,
                       .thread_ws = workspace + round_up(b_floats, 16),
                       .ws_floats = thread_floats(kernel) +
                                    (make_each ? (size_t)KC * NC : 0),
                       .npad = round_up(n, nr),
                       .has_c = p->c && p->beta != 0,
                       .row_tiles = (m + mr - 1) / mr,
                       .a_in_place = !p->trans_a && a_rows_in_place(k, mr)};

    /* With a C term, Y starts as beta * C (each task does its part) and
     * every K block adds; without one, the first K block stores; with a
     * bias per row (beta 1), the first K block stores it too. */
    if (job.has_c && p->beta == 1 && p->c_rs == 1 && p->c_cs == 0) {
        job.has_c = false;
        job.row_c = true;
    }
    if (k == 0) {
        init_y(p, 0, m, 0, n);
        oc_gemm_f32_activate(p->y, m * n, p->act, p->act_alpha);
        return;
    }
    /* B packed whole into the workspace: made by the maker's tasks, or
     * packed from B as stored. */
    if (!job.b_packed && !make_each) {
        if (p->b_maker) {
            size_t chunks = (n + NC - 1) / NC;
            make_job mj = {p, nr, job.npad, chunks, workspace};
            oc_thread_pool_run(pool, (k + KC - 1) / KC * chunks, make_task,
                               &mj);
        } else {
            oc_gemm_f32_pack_b(kernel, p->b, p->trans_b, k, n, workspace);
        }
        job.b_packed = workspace;
    }
    /* Row groups of MC_TILES tiles at most; on several threads, at least
     * MT_TASKS tasks a thread, with column chunks when there are not
     * enough row tiles for that. */
    size_t want = threads > 1 ? MT_TASKS * threads : 1;
    size_t panels = job.npad / nr;
    job.row_groups = (job.row_tiles + MC_TILES - 1) / MC_TILES;
    if (make_each) {
        /* Columns enough for every task (made_whole): each task makes
         * the blocks of its own; rows read in place need no packed
         * group, so they are one. */
        if (job.a_in_place)
            job.row_groups = 1;
        job.chunks = want < panels ? want : panels;
    } else {
        if (job.row_groups < want)
            job.row_groups = job.row_tiles < want ? job.row_tiles : want;
        job.chunks = (want + job.row_groups - 1) / job.row_groups;
        if (job.chunks > panels)
            job.chunks = panels;
    }
    job.chunk_cols = (panels + job.chunks - 1) / job.chunks * nr;
    job.chunks = (n + job.chunk_cols - 1) / job.chunk_cols;
    oc_thread_pool_run(pool, job.row_groups * job.chunks, blocked_task, &job);
}

void oc_gemm_f32_compute(const gemm_kernel *kernel, const gemm_f32_problem *p,
                      float *workspace, oc_thread_pool *pool)
{
    /* An empty Y has no memory behind it (its pointer may be NULL). */
    if (p->m == 0 || p->n == 0)
        return;
    if (!kernel)
        oc_gemm_f32_reference(p);
    else if (oc_gemm_f32_is_narrow(p->m, p->n, p->k))
        oc_gemm_f32_narrow(kernel, p, pool);  /* reads the prepacked B */
    else if (oc_gemm_f32_is_rows(p))
        oc_gemm_f32_rows(kernel, p, pool);    /* the prepacked B, if any */
    else if (oc_gemm_f32_is_small(p->m, p->n, p->k))
        oc_gemm_f32_small(p, pool);  /* reads B as stored, prepacked or not */
    else
        oc_gemm_f32_blocked(kernel, p, workspace, pool);
}
