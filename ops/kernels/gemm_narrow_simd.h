/*
 * gemm_narrow_simd.h - the narrow path's SIMD kernel, written once for
 * the vector shapes that run it. gemm_tiles.c includes this file once per
 * shape, after defining:
 *
 *   NS(name)             the shape's name for each function defined here
 *   NS_TARGET            its target attribute
 *   NS_WIDTH             floats per vector (8 or 16)
 *   NS_PLAIN_STORES      1: a row that covers Y's whole row is stored with
 *                        a plain store whose spill lands in the next row,
 *                        which the call writes afterwards (for AVX2, whose
 *                        masked store is slow on AMD's cores); 0: masked
 *                        stores only
 *   ns_vec, ns_mask      the vector type, and that of a lane mask
 *   ns_first(nb)         the mask of the first nb lanes
 *   ns_zero(), ns_set1(x), ns_loadu(p), ns_storeu(p, v),
 *   ns_fmadd(a, b, c), ns_mul(a, b),
 *   ns_add(a, b), ns_max(a, b), ns_min(a, b)  as their names say (max
 *                        as maxps: a > b ? a : b; min as minps: a < b ?
 *                        a : b)
 *   ns_load_first(p, m)  the lanes under m, 0 elsewhere, reading nothing
 *                        else
 *   ns_store_first(p, m, v)  stores the lanes under m only
 *   ns_leaky(v, zero, slope)   v < 0 ? slope * v : v, lane by lane
 *
 * and the file #undefs them all at its end.
 *
 * Every row is computed by the same operations wherever it falls (a full
 * group of eight, or the last, partial one): the sum from +0 with one
 * FMA per step of K in order, alpha * sum unless alpha is 1 (1 * x is x,
 * bit for bit), + beta * C (or + -0 without C, which changes nothing,
 * not even a zero's sign), then the activation. So results do not depend
 * on how the rows are split over calls and threads.
 */

/* Eight rows' sums: acc[r] = sum over l of A'(row r, l) * B'(l, :). */
NS_TARGET static inline __attribute__((always_inline)) void
NS(sums)(const float *const *ar, size_t a_l, const float *b, size_t ldb,
         size_t k, ns_vec *acc)
{
    for (int r = 0; r < NARROW_ROWS; r++)
        acc[r] = ns_zero();
    for (size_t l = 0; l < k; l++, b += ldb) {
        ns_vec bv = ns_loadu(b);
        size_t o = l * a_l;
#pragma GCC unroll 8
        for (int r = 0; r < NARROW_ROWS; r++)
            acc[r] = ns_fmadd(ns_set1(ar[r][o]), bv, acc[r]);
    }
}

/* A row's sum to its stored value. */
NS_TARGET static inline __attribute__((always_inline)) ns_vec
NS(finish)(ns_vec v, ns_vec cterm, int act, bool scale, ns_vec alpha,
           ns_vec slope)
{
    if (scale)
        v = ns_mul(alpha, v);
    v = ns_add(v, cterm);
    if (act == GEMM_ACT_RELU)
        v = ns_max(ns_zero(), v);  /* v < 0 ? +0 : v: NaN and -0 stay */
    else if (act == GEMM_ACT_LEAKY_RELU)
        v = ns_leaky(v, ns_zero(), slope);
    else if (act == GEMM_ACT_RELU_CAP)  /* slope: the cap; NaN stays */
        v = ns_min(slope, ns_max(ns_zero(), v));
    return v;
}

/* The C term of rows that share it: beta * C, or -0 without C. */
NS_TARGET static inline __attribute__((always_inline)) ns_vec
NS(same_c)(const gemm_f32_problem *p, int c_mode, const float *c, ns_mask m)
{
    if (c_mode == NARROW_C_NONE)
        return ns_set1(-0.0f);
    ns_vec beta = ns_set1(p->beta);
    if (c_mode == NARROW_C_SAME)
        return ns_mul(beta, p->c_cs ? ns_load_first(c, m) : ns_set1(c[0]));
    return ns_zero();  /* per row: not used */
}

/* Any rows, any C: a group of eight at a time, the last one's missing
 * rows repeating row i1 - 1 and left unstored. The partial group of
 * NS(fast), and every row when C differs per row. */
NS_TARGET __attribute__((noinline)) static void
NS(rows)(const gemm_narrow_block *blk, size_t i0, size_t i1)
{
    const gemm_f32_problem *p = blk->p;
    size_t k = p->k, n = p->n, nb = blk->nb;
    size_t a_i = p->trans_a ? 1 : k, a_l = p->trans_a ? p->m : 1;
    int c_mode = narrow_c_mode(p), act = p->act;
    bool scale = p->alpha != 1;
    ns_mask m = ns_first(nb);
    ns_vec alpha = ns_set1(p->alpha), beta = ns_set1(p->beta);
    ns_vec slope = ns_set1(p->act_alpha);
    const float *c = c_mode != NARROW_C_NONE ? p->c + blk->j0 * p->c_cs : NULL;
    ns_vec same = NS(same_c)(p, c_mode, c, m);
    float *y = p->y + blk->j0;
    for (size_t i = i0; i < i1; i += NARROW_ROWS) {
        const float *ar[NARROW_ROWS];
        ns_vec acc[NARROW_ROWS];
        for (size_t r = 0; r < NARROW_ROWS; r++)
            ar[r] = p->a + (i + r < i1 ? i + r : i1 - 1) * a_i;
        NS(sums)(ar, a_l, blk->bp, blk->ldb, k, acc);
        for (size_t r = 0; r < NARROW_ROWS && i + r < i1; r++) {
            ns_vec cterm = same;
            if (c_mode == NARROW_C_ROW)
                cterm = ns_mul(beta, ns_load_first(c + (i + r) * p->c_rs, m));
            else if (c_mode == NARROW_C_COL)
                cterm = ns_mul(beta, ns_set1(c[(i + r) * p->c_rs]));
            ns_vec v = NS(finish)(acc[r], cterm, act, scale, alpha, slope);
            float *yr = y + (i + r) * n;
            if (NS_PLAIN_STORES &&
                (nb == NS_WIDTH ||
                 (blk->j0 == 0 && nb == n && (i + r) * n + NS_WIDTH <= i1 * n)))
                ns_storeu(yr, v);
            else
                ns_store_first(yr, m, v);
        }
    }
}

/* Full groups of eight rows with C the same for every row (or none),
 * act and scale constant, everything in registers; the rest to
 * NS(rows). */
NS_TARGET static inline __attribute__((always_inline)) void
NS(fast)(const gemm_narrow_block *blk, size_t i0, size_t i1, const int act,
         const bool scale)
{
    const gemm_f32_problem *p = blk->p;
    const size_t k = p->k, n = p->n, nb = blk->nb, ldb = blk->ldb;
    const size_t a_i = p->trans_a ? 1 : k, a_l = p->trans_a ? p->m : 1;
    const int c_mode = narrow_c_mode(p);
    const ns_mask m = ns_first(nb);
    const ns_vec alpha = ns_set1(p->alpha), slope = ns_set1(p->act_alpha);
    const float *c = c_mode != NARROW_C_NONE ? p->c + blk->j0 * p->c_cs : NULL;
    const ns_vec same = NS(same_c)(p, c_mode, c, m);
    const float *const a = p->a, *const bp = blk->bp;
    float *const y = p->y + blk->j0;
    /* Plain stores: full vectors, or whole rows whose spill stays in rows
     * this call writes later. */
    const bool whole = NS_PLAIN_STORES && blk->j0 == 0 && nb == n;
    const size_t end = i1 * n;
    size_t i = i0;
    for (; i + NARROW_ROWS <= i1; i += NARROW_ROWS) {
        const float *ar[NARROW_ROWS];
        ns_vec acc[NARROW_ROWS];
        for (size_t r = 0; r < NARROW_ROWS; r++)
            ar[r] = a + (i + r) * a_i;
        NS(sums)(ar, a_l, bp, ldb, k, acc);
        float *yr = y + i * n;
        bool plain = NS_PLAIN_STORES &&
                     (nb == NS_WIDTH ||
                      (whole && (i + NARROW_ROWS - 1) * n + NS_WIDTH <= end));
#pragma GCC unroll 8
        for (size_t r = 0; r < NARROW_ROWS; r++) {
            ns_vec v = NS(finish)(acc[r], same, act, scale, alpha, slope);
            if (plain)
                ns_storeu(yr + r * n, v);
            else
                ns_store_first(yr + r * n, m, v);
        }
    }
    if (i < i1)
        NS(rows)(blk, i, i1);
}

/* The kernel: one specialised loop per activation and alpha == 1 or not
 * (the reference network's layers), NS(rows) when C differs per row. */
NS_TARGET static void NS(kernel)(const gemm_narrow_block *blk, size_t i0,
                                 size_t i1)
{
    const gemm_f32_problem *p = blk->p;
    int c_mode = narrow_c_mode(p);
    if (c_mode == NARROW_C_ROW || c_mode == NARROW_C_COL) {
        NS(rows)(blk, i0, i1);
        return;
    }
    bool scale = p->alpha != 1;
    /* NS(fast) with the activation and the scaling constants, so that
     * each instance carries neither test in its loop */
#define NS_FAST(ACT)                                                           \
    if (scale)                                                                 \
        NS(fast)(blk, i0, i1, ACT, true);                                      \
    else                                                                       \
        NS(fast)(blk, i0, i1, ACT, false);                                     \
    break;
    switch (p->act) {
    case GEMM_ACT_RELU: NS_FAST(GEMM_ACT_RELU)
    case GEMM_ACT_LEAKY_RELU: NS_FAST(GEMM_ACT_LEAKY_RELU)
    case GEMM_ACT_RELU_CAP: NS_FAST(GEMM_ACT_RELU_CAP)
    default: NS_FAST(GEMM_ACT_NONE)
    }
#undef NS_FAST
}

#undef NS
#undef NS_TARGET
#undef NS_WIDTH
#undef NS_PLAIN_STORES
#undef ns_vec
#undef ns_mask
#undef ns_first
#undef ns_zero
#undef ns_set1
#undef ns_loadu
#undef ns_storeu
#undef ns_fmadd
#undef ns_mul
#undef ns_add
#undef ns_max
#undef ns_min
#undef ns_load_first
#undef ns_store_first
#undef ns_leaky
