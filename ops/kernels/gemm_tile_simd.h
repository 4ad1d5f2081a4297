/*
 * gemm_tile_simd.h - the packed path's micro-kernel (an MR x NR tile of
 * Y += Ap * Bp, the sums in registers) and the row path's kernel, written
 * once for the vector widths that run them. gemm_tiles.c includes this
 * file once per instruction set, after defining:
 *
 *   TS(name)            the set's name for each function defined here
 *   TS_TARGET           its target attribute
 *   TS_MR, TS_NR        the tile: rows, and columns (two vectors)
 *   TS_UNROLL           a _Pragma unrolling the tile's row loop TS_MR times
 *   ts_vec              the vector type, of TS_NR / 2 floats
 *   ts_zero(), ts_set1(x), ts_load(p) (aligned), ts_loadu(p),
 *   ts_storeu(p, v), ts_fmadd(a, b, c), ts_mul(a, b), ts_add(a, b)
 *                       as their names say
 *   ts_act(v, act, slope)   the fused activation (GEMM_ACT_*) of v
 *
 * and the file #undefs them all at its end. It defines TS(tile) and
 * TS(rows), the gemm_kernel's .tile and .rows.
 */

#define TS_HALF (TS_NR / 2)
/* A pointer per three rows of A as stored (see TS(sums)). */
#define TS_ROW_PTRS ((TS_MR + 2) / 3)

/* The sums of rows [0, m) of the tile (m a constant once inlined),
 * A'(i, l) at ap[i * lda + l * astep]: with lda == 1 (a packed panel)
 * the values of a step are contiguous; with astep == 1 (A as stored)
 * they are rows apart, and one pointer per three rows reaches them by a
 * scaled index, which x86 addresses without arithmetic. */
TS_TARGET static inline __attribute__((always_inline)) void
TS(sums)(int m, bool rows_apart, size_t kc, const float *ap, size_t lda,
         size_t astep, const float *bp, ts_vec acc[][2])
{
    const float *r[TS_ROW_PTRS];
    for (int q = 0; q < (m + 2) / 3; q++)
        r[q] = ap + (size_t)(3 * q) * lda;
    for (size_t l = 0; l < kc; l++, bp += TS_NR) {
        ts_vec b0 = ts_load(bp), b1 = ts_load(bp + TS_HALF);
        TS_UNROLL
        for (int i = 0; i < m; i++) {
            ts_vec a = ts_set1(rows_apart ? r[i / 3][(size_t)(i % 3) * lda]
                                          : ap[i]);
            acc[i][0] = ts_fmadd(a, b0, acc[i][0]);
            acc[i][1] = ts_fmadd(a, b1, acc[i][1]);
        }
        if (rows_apart)
            for (int q = 0; q < (m + 2) / 3; q++)
                r[q]++;
        else
            ap += astep;
    }
}

/* Rows [0, m) of the tile, m a constant once inlined. */
TS_TARGET static inline __attribute__((always_inline)) void
TS(tile_rows)(int m, size_t kc, const float *ap, size_t lda, size_t astep,
              const float *bp, float *t, size_t ldt,
              const gemm_tile_store *st)
{
    bool accumulate = st->accumulate;
    int act = st->act;
    ts_vec acc[TS_MR][2];
    if (accumulate)
        prefetch_tile(t, ldt, m, TS_NR * sizeof(float));
    for (int i = 0; i < m; i++)
        acc[i][0] = acc[i][1] = ts_zero();
    if (lda == 1)
        TS(sums)(m, false, kc, ap, 1, astep, bp, acc);
    else
        TS(sums)(m, true, kc, ap, lda, 1, bp, acc);
    ts_vec slope = ts_set1(st->act_alpha), va = ts_set1(st->alpha);
    for (int i = 0; i < m; i++) {
        float *row = t + (size_t)i * ldt;
        ts_vec y0 = ts_mul(va, acc[i][0]);
        ts_vec y1 = ts_mul(va, acc[i][1]);
        if (accumulate) {
            y0 = ts_add(ts_loadu(row), y0);
            y1 = ts_add(ts_loadu(row + TS_HALF), y1);
        } else if (st->row_c) {
            ts_vec c = ts_set1(st->row_c[i]);
            y0 = ts_add(c, y0);
            y1 = ts_add(c, y1);
        }
        ts_storeu(row, ts_act(y0, act, slope));
        ts_storeu(row + TS_HALF, ts_act(y1, act, slope));
    }
}

/* A tile of `rows` rows: a kernel of its own for each count, so that M's
 * edge costs its rows only (256 = 18 x 14 + 4 computed 10 rows for
 * nothing with a single 14-row kernel). */
TS_TARGET static void
TS(tile)(size_t kc, size_t rows, const float *ap, size_t lda, size_t astep,
         const float *bp, float *t, size_t ldt, const gemm_tile_store *st)
{
#define TS_CASE(m)                                                          \
    case m:                                                                 \
        TS(tile_rows)(m, kc, ap, lda, astep, bp, t, ldt, st);               \
        break;
    switch (rows) {
        TS_CASE(1) TS_CASE(2) TS_CASE(3) TS_CASE(4) TS_CASE(5) TS_CASE(6)
#if TS_MR > 6
        TS_CASE(7) TS_CASE(8) TS_CASE(9) TS_CASE(10) TS_CASE(11) TS_CASE(12)
        TS_CASE(13) TS_CASE(14)
#endif
    }
#undef TS_CASE
}

/* The row path: m rows of np panels at once (both constants once
 * inlined), two vectors of sums per row and panel; B read once for all
 * the rows, A's values broadcast from cache. */
TS_TARGET static inline __attribute__((always_inline)) void
TS(rows_step)(int m, int np, size_t kc, const float *a, size_t a_i,
              size_t a_l, const float *bp, size_t ldb, size_t pstride,
              float *y, size_t ldy, bool accumulate)
{
    ts_vec acc[2][GEMM_ROWS_MAX_M][2];
    for (int q = 0; q < np; q++)
        for (int i = 0; i < m; i++)
            for (int h = 0; h < 2; h++)
                acc[q][i][h] =
                    accumulate ? ts_loadu(y + q * TS_NR + i * ldy + h * TS_HALF)
                               : ts_zero();
    for (size_t l = 0; l < kc; l++, bp += ldb, a += a_l) {
        ts_vec b[2][2];
        for (int q = 0; q < np; q++)
            for (int h = 0; h < 2; h++)
                b[q][h] = ts_loadu(bp + q * pstride + h * TS_HALF);
        for (int i = 0; i < m; i++) {
            ts_vec ai = ts_set1(a[(size_t)i * a_i]);
            for (int q = 0; q < np; q++)
                for (int h = 0; h < 2; h++)
                    acc[q][i][h] = ts_fmadd(ai, b[q][h], acc[q][i][h]);
        }
    }
    for (int q = 0; q < np; q++)
        for (int i = 0; i < m; i++)
            for (int h = 0; h < 2; h++)
                ts_storeu(y + q * TS_NR + i * ldy + h * TS_HALF, acc[q][i][h]);
}

/* One or two rows take two panels at a time: with one panel, their two
 * or four chains of dependent FMAs (4 cycles each) would keep the FMA
 * unit waiting when B comes from cache. */
TS_TARGET static void
TS(rows)(size_t m, size_t kc, const float *a, size_t a_i, size_t a_l,
         const float *bp, size_t ldb, size_t pstride, size_t panels, float *y,
         size_t ldy, bool accumulate)
{
    size_t q = 0;
    for (; m <= 2 && q + 2 <= panels; q += 2, bp += 2 * pstride,
                                      y += 2 * TS_NR) {
        if (m == 1)
            TS(rows_step)(1, 2, kc, a, a_i, a_l, bp, ldb, pstride, y, ldy,
                          accumulate);
        else
            TS(rows_step)(2, 2, kc, a, a_i, a_l, bp, ldb, pstride, y, ldy,
                          accumulate);
    }
    for (; q < panels; q++, bp += pstride, y += TS_NR) {
        if (m == 1)
            TS(rows_step)(1, 1, kc, a, a_i, a_l, bp, ldb, 0, y, ldy, accumulate);
        else if (m == 2)
            TS(rows_step)(2, 1, kc, a, a_i, a_l, bp, ldb, 0, y, ldy, accumulate);
        else if (m == 3)
            TS(rows_step)(3, 1, kc, a, a_i, a_l, bp, ldb, 0, y, ldy, accumulate);
        else
            TS(rows_step)(4, 1, kc, a, a_i, a_l, bp, ldb, 0, y, ldy, accumulate);
    }
}

#undef TS_HALF
#undef TS_ROW_PTRS
#undef TS
#undef TS_TARGET
#undef TS_MR
#undef TS_NR
#undef TS_UNROLL
#undef ts_vec
#undef ts_zero
#undef ts_set1
#undef ts_load
#undef ts_loadu
#undef ts_storeu
#undef ts_fmadd
#undef ts_mul
#undef ts_add
#undef ts_act
