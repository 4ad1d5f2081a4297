/*
 * gemm_blocked.c - the blocked, packed Gemm driver (the GotoBLAS loop
 * nest). B is packed in KC x NC blocks of NR-wide panels, A in MC x KC
 * blocks of MR-tall panels (alpha folded in), and the micro-kernel runs
 * over MR x NR tiles of Y with its accumulators in registers. Transposes
 * are absorbed by the packing, so every variant runs the same kernel.
 */
#include <string.h>

#include "gemm_kernel.h"

/* Block sizes: a KC x NR panel of B stays in L1 while an MC x KC block of
 * A stays in L2; NC bounds the packed B block. */
#define KC 256
#define MC_TILES 20
#define NC_TILES 64

void gemm_f32_init_y(const gemm_f32_problem *p);

static size_t round_up(size_t x, size_t to)
{
    return (x + to - 1) / to * to;
}


bool gemm_f32_is_small(size_t m, size_t n, size_t k)
{
    /* Below this much work, packing costs more than it gains. */
    return m * n * k <= 32 * 32 * 32 || m < 2;
}

size_t gemm_f32_workspace_floats(const gemm_kernel *kernel, size_t m,
                                 size_t n, size_t k)
{
    if (!kernel || gemm_f32_is_small(m, n, k))
        return 0;
    size_t mr = (size_t)kernel->mr, nr = (size_t)kernel->nr;
    size_t a = (size_t)MC_TILES * mr * KC;
    size_t b = (size_t)NC_TILES * nr * KC;
    return a + b + mr * nr + 16;
}


/* Packs rows [i0, i0 + mc) x cols [l0, l0 + kc) of A' into MR-tall panels,
 * k-major, times alpha; rows past M are zero. */
static void pack_a(const gemm_f32_problem *p, size_t mr, size_t i0, size_t mc,
                   size_t l0, size_t kc, float *out)
{
    for (size_t ir = 0; ir < mc; ir += mr) {
        size_t rows = mc - ir < mr ? mc - ir : mr;
        if (!p->trans_a) {
            for (size_t r = 0; r < rows; r++) {
                const float *src = p->a + (i0 + ir + r) * p->k + l0;
                for (size_t l = 0; l < kc; l++)
                    out[l * mr + r] = p->alpha * src[l];
            }
        } else {
            for (size_t l = 0; l < kc; l++) {
                const float *src = p->a + (l0 + l) * p->m + i0 + ir;
                for (size_t r = 0; r < rows; r++)
                    out[l * mr + r] = p->alpha * src[r];
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

void gemm_f32_blocked(const gemm_kernel *kernel, const gemm_f32_problem *p,
                      float *workspace)
{
    size_t m = p->m, n = p->n, k = p->k;
    size_t mr = (size_t)kernel->mr, nr = (size_t)kernel->nr;
    size_t mc_max = MC_TILES * mr, nc_max = NC_TILES * nr;
    size_t npad = round_up(n, nr);
    float *ap = workspace;
    float *bp = ap + mc_max * KC;
    float *edge = bp + nc_max * KC;

    gemm_f32_init_y(p);
    if (k == 0) {
        gemm_f32_activate(p->y, m * n, p->act, p->act_alpha);
        return;
    }
    for (size_t j0 = 0; j0 < n; j0 += nc_max) {
        size_t nc = n - j0 < nc_max ? n - j0 : nc_max;
        for (size_t l0 = 0; l0 < k; l0 += KC) {
            size_t kc = k - l0 < KC ? k - l0 : KC;
            int act = l0 + kc == k ? p->act : GEMM_ACT_NONE;
            const float *bblock;
            if (p->b_packed) {
                bblock = p->b_packed + l0 * npad + j0 * kc;
            } else {
                pack_b(p->b, p->trans_b, k, n, nr, l0, kc, j0, nc, bp);
                bblock = bp;
            }
            for (size_t i0 = 0; i0 < m; i0 += mc_max) {
                size_t mc = m - i0 < mc_max ? m - i0 : mc_max;
                pack_a(p, mr, i0, mc, l0, kc, ap);
                for (size_t jr = 0; jr < nc; jr += nr) {
                    size_t cols = nc - jr < nr ? nc - jr : nr;
                    const float *bpanel = bblock + (jr / nr) * kc * nr;
                    for (size_t ir = 0; ir < mc; ir += mr) {
                        size_t rows = mc - ir < mr ? mc - ir : mr;
                        const float *apanel = ap + (ir / mr) * kc * mr;
                        float *y = p->y + (i0 + ir) * n + j0 + jr;
                        if (rows == mr && cols == nr) {
                            kernel->tile(kc, apanel, bpanel, y, n, act,
                                         p->act_alpha);
                            continue;
                        }
                        /* An edge tile: run the full tile on a copy. */
                        for (size_t r = 0; r < rows; r++)
                            memcpy(edge + r * nr, y + r * n, cols * sizeof *y);
                        kernel->tile(kc, apanel, bpanel, edge, nr, act,
                                     p->act_alpha);
                        for (size_t r = 0; r < rows; r++)
                            memcpy(y + r * n, edge + r * nr, cols * sizeof *y);
                    }
                }
            }
        }
    }
}

void gemm_f32_compute(const gemm_kernel *kernel, const gemm_f32_problem *p,
                      float *workspace)
{
    if (!kernel)
        gemm_f32_reference(p);
    else if (gemm_f32_is_small(p->m, p->n, p->k))
        gemm_f32_small(p);  /* reads B as stored, prepacked or not */
    else
        gemm_f32_blocked(kernel, p, workspace);
}
