/*
 * test_gemm_fast.c - the fast float Gemm paths against the reference loop:
 * every micro-kernel this CPU runs (AVX-512, AVX2+FMA, portable), the
 * blocked driver with and without prepacked B, and the small path, over
 * shapes that cross every block edge, all transposes, C broadcasts, alpha,
 * beta and fused activations; and the narrow path (N <= 16) on every N
 * from 1 to 20, K from 0 to 40 and M from 0 to 300, its rows split over
 * calls and threads, and its NaN, infinities and signed zeros; and the
 * row path (M <= 4) likewise, N and K across its edges, B prepacked or
 * not, on 1 to 3 threads.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/kernels/gemm_kernel.h"
#include "runtime/exec/thread_pool.h"

static uint64_t rng_state;

static float rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (float)((rng_state >> 40) / (double)(1 << 24)) * 2.0f - 1.0f;
}

/* 64-byte aligned floats; C11 wants the size a multiple of the alignment. */
static float *aligned_floats(size_t n)
{
    float *v = aligned_alloc(64, ((n ? n : 1) * sizeof(float) + 63) / 64 * 64);
    cr_assert(v);
    return v;
}

static float *rand_floats(size_t n)
{
    float *v = malloc((n ? n : 1) * sizeof *v);
    cr_assert(v);
    for (size_t i = 0; i < n; i++)
        v[i] = rnd();
    return v;
}

typedef struct shape {
    size_t m, n, k;
} shape;

/* Edges of every block: MR (4, 6, 14), NR (8, 16, 32), KC (512), NC (32
 * tiles: 256, 512 or 1024 columns), the threads' row groups, and the
 * small-path threshold; A's rows read in place (most K) or packed (K =
 * 1024: rows 4 KB apart, which would share a cache set). */
static const shape SHAPES[] = {
    {33, 33, 33},   {64, 64, 64},   {1, 100, 300},  {2, 37, 41},
    {13, 31, 257},  {15, 33, 255},  {29, 65, 513},  {281, 17, 19},
    {300, 40, 30},  {7, 2100, 20},  {40, 31, 1},    {50, 50, 0},
    {97, 101, 103}, {23, 40, 512},  {17, 33, 1024}, {31, 1025, 33},
    {19, 47, 511},  {45, 257, 1025},
};

/* C broadcast forms: none, scalar, [N], [1,N], [M,1], [M,N]. */
static void c_form(int form, size_t m, size_t n, size_t *rs, size_t *cs,
                   size_t *count)
{
    static const size_t RS[] = {0, 0, 0, 0, 1, 0}, CS[] = {0, 0, 1, 1, 0, 1};
    *rs = form == 5 ? n : RS[form];
    *cs = CS[form];
    *count = form == 0 ? 0 : form == 1 ? 1 : form == 4 ? m : form == 5 ? m * n : n;
}

/* Reference and fast agree within float rounding of the sums involved. */
static void expect_close(const float *got, const float *want, size_t count,
                         size_t k, const char *what)
{
    for (size_t i = 0; i < count; i++) {
        float tol = 1e-5f * (float)(k + 4) * (1 + fabsf(want[i]));
        if (isnan(want[i]))
            cr_assert(isnan(got[i]), "%s: [%zu] expected NaN, got %g", what,
                      i, got[i]);
        else
            cr_assert(fabsf(got[i] - want[i]) <= tol,
                      "%s: [%zu] expected %.9g, got %.9g", what, i, want[i],
                      got[i]);
    }
}

/* Special values come out as the reference has them: NaN where it has
 * NaN, every other value bit for bit (the sign of zero included). */
static void expect_same_bits(const float *got, const float *want,
                             size_t count, const char *what)
{
    for (size_t i = 0; i < count; i++) {
        uint32_t gb, wb;
        memcpy(&gb, &got[i], sizeof gb);
        memcpy(&wb, &want[i], sizeof wb);
        bool same = isnan(want[i]) ? isnan(got[i]) : gb == wb;
        cr_assert(same, "%s: [%zu] expected %g (0x%08x), got %g (0x%08x)",
                  what, i, want[i], wb, got[i], gb);
    }
}

/* A C of special values: NaN, -0, +0 and 1.5 in turn (beta == 0 must
 * ignore the NaN). */
static void fill_special_c(float *c, size_t count)
{
    for (size_t i = 0; i < count; i++)
        c[i] = i % 4 == 0 ? NAN : i % 4 == 1 ? -0.0f : i % 4 == 2 ? 0.0f : 1.5f;
}

static void check_kernel(const gemm_kernel *kernel)
{
    rng_state = 0x9e3779b97f4a7c15ull;
    int variant = 0;
    for (size_t s = 0; s < sizeof SHAPES / sizeof SHAPES[0]; s++) {
        for (int t = 0; t < 4; t++, variant++) {
            shape sh = SHAPES[s];
            gemm_f32_problem p = {0};
            size_t c_count;
            p.m = sh.m;
            p.n = sh.n;
            p.k = sh.k;
            p.trans_a = t & 1;
            p.trans_b = t & 2;
            int form = variant % 6;
            c_form(form, sh.m, sh.n, &p.c_rs, &p.c_cs, &c_count);
            static const float ALPHA[] = {1, -0.5f, 2.5f, 0};
            static const float BETA[] = {1, 0, -1.5f, 3};
            p.alpha = ALPHA[variant % 4];
            p.beta = BETA[(variant / 4) % 4];
            p.act = (variant / 3) % 4;  /* every act with every alpha */
            p.act_alpha = 0.1f;
            float *a = rand_floats(sh.m * sh.k), *b = rand_floats(sh.k * sh.n);
            float *c = form ? rand_floats(c_count) : NULL;
            float *want = rand_floats(sh.m * sh.n), *got = rand_floats(sh.m * sh.n);
            p.a = a;
            p.b = b;
            p.c = c;

            char what[160];
            snprintf(what, sizeof what,
                     "%s %zux%zux%zu transA=%d transB=%d C-form %d alpha %g "
                     "beta %g act %d",
                     kernel->name, sh.m, sh.n, sh.k, p.trans_a, p.trans_b, form,
                     p.alpha, p.beta, p.act);
            p.y = want;
            oc_gemm_f32_reference(&p);

            size_t ws_floats = oc_gemm_f32_workspace_floats(kernel, 1000, 1000, 1000, 1,
                                                         false);
            float *ws = aligned_floats(ws_floats);
            p.y = got;
            oc_gemm_f32_blocked(kernel, &p, ws, NULL);
            expect_close(got, want, sh.m * sh.n, sh.k, what);

            /* Prepacked B takes the same arithmetic: identical bits. */
            float *packed = aligned_floats(oc_gemm_f32_packed_b_floats(kernel, sh.k, sh.n) + 16);
            cr_assert(packed);
            oc_gemm_f32_pack_b(kernel, b, p.trans_b, sh.k, sh.n, packed);
            float *again = rand_floats(sh.m * sh.n);
            p.y = again;
            p.b_packed = packed;
            oc_gemm_f32_blocked(kernel, &p, ws, NULL);
            cr_assert(memcmp(again, got, sh.m * sh.n * sizeof(float)) == 0,
                      "%s: prepacked B changes the result", what);
            p.b_packed = NULL;

            p.y = again;
            oc_gemm_f32_small(&p, NULL);
            expect_close(again, want, sh.m * sh.n, sh.k, what);

            free(a);
            free(b);
            free(c);
            free(want);
            free(got);
            free(again);
            free(ws);
            free(packed);
        }
    }
}

Test(gemm_fast, portable_kernel_matches_the_reference)
{
    check_kernel(oc_gemm_f32_kernel_portable());
}

Test(gemm_fast, avx2_kernel_matches_the_reference)
{
    const gemm_kernel *k = oc_gemm_f32_kernel_avx2();
    if (!k)
        cr_skip_test("this CPU has no AVX2+FMA");
    check_kernel(k);
}

Test(gemm_fast, avx512_kernel_matches_the_reference)
{
    const gemm_kernel *k = oc_gemm_f32_kernel_avx512();
    if (!k)
        cr_skip_test("this CPU has no AVX-512");
    check_kernel(k);
}

Test(gemm_fast, relu_keeps_nan_and_negative_zero)
{
    const gemm_kernel *kernels[] = {oc_gemm_f32_kernel_portable(),
                                    oc_gemm_f32_kernel_avx2(),
                                    oc_gemm_f32_kernel_avx512()};
    for (int i = 0; i < 3; i++) {
        if (!kernels[i])
            continue;
        /* 40x40x40: the blocked path. Row 0 of A is NaN; row 1 is zero
         * and B positive, so with alpha = -1 and no C, Y's row 1 is
         * -1 * (+0) = -0 before Relu. */
        size_t m = 40, n = 40, k = 40;
        float *a = rand_floats(m * k), *b = rand_floats(k * n);
        float *y = rand_floats(m * n);
        for (size_t l = 0; l < k * n; l++)
            b[l] = fabsf(b[l]) + 0.5f;
        for (size_t l = 0; l < k; l++) {
            a[l] = NAN;
            a[k + l] = 0;
        }
        gemm_f32_problem p = {.m = m, .n = n, .k = k, .a = a, .b = b,
                              .alpha = -1, .beta = 1, .y = y,
                              .act = GEMM_ACT_RELU};
        float *ws = aligned_floats(
            oc_gemm_f32_workspace_floats(kernels[i], m, n, k, 1, false));
        oc_gemm_f32_blocked(kernels[i], &p, ws, NULL);
        for (size_t j = 0; j < n; j++) {
            cr_assert(isnan(y[j]), "%s: NaN lost at %zu", kernels[i]->name, j);
            cr_assert(y[n + j] == 0 && signbit(y[n + j]),
                      "%s: Relu(-0) must stay -0", kernels[i]->name);
        }
        free(a);
        free(b);
        free(y);
        free(ws);
    }
}

/* ------------------------------------------------------ the narrow path */

/* The kernels this CPU runs: portable always, then AVX2 and AVX-512. */
static int available_kernels(const gemm_kernel **out)
{
    const gemm_kernel *all[] = {oc_gemm_f32_kernel_portable(),
                                oc_gemm_f32_kernel_avx2(),
                                oc_gemm_f32_kernel_avx512()};
    int n = 0;
    for (int i = 0; i < 3; i++)
        if (all[i])
            out[n++] = all[i];
    return n;
}

typedef struct narrow_case {
    size_t m, n, k;
    bool trans_a, trans_b;
    int form;          /* c_form */
    float alpha, beta;
    int act;
} narrow_case;

/* Floats of Y's guard: written as a pattern past M x N, checked after. */
#define GUARD 40
#define GUARD_BITS 0x7fa5a5a5u  /* a NaN no computation produces */

static void fill_guard(float *y, size_t count)
{
    uint32_t bits = GUARD_BITS;
    for (size_t i = 0; i < count; i++)
        memcpy(&y[i], &bits, sizeof bits);
}

static bool guard_intact(const float *y, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        uint32_t bits;
        memcpy(&bits, &y[i], sizeof bits);
        if (bits != GUARD_BITS)
            return false;
    }
    return true;
}

static void describe(const gemm_kernel *kernel, const narrow_case *nc,
                     char *what, size_t size)
{
    snprintf(what, size,
             "narrow %s M=%zu N=%zu K=%zu transA=%d transB=%d C-form %d "
             "alpha %g beta %g act %d",
             kernel->name, nc->m, nc->n, nc->k, nc->trans_a, nc->trans_b,
             nc->form, nc->alpha, nc->beta, nc->act);
}

/* A path (the narrow or the row one) against the reference, on one
 * kernel: B as stored, then prepacked (the same arithmetic, so the same
 * bits, both transposes), then on the given thread pools (the same bits
 * again: columns split, never K), then through oc_gemm_f32_compute's
 * dispatch (whichever path it picks), prepacked B or not; nothing written
 * past Y. */
typedef void path_fn(const gemm_kernel *kernel, const gemm_f32_problem *p,
                     oc_thread_pool *pool);

static void path_check(const gemm_kernel *kernel, const narrow_case *nc,
                       path_fn *path, const char *name,
                       oc_thread_pool *const *pools, int npools)
{
    size_t m = nc->m, n = nc->n, k = nc->k, c_count;
    gemm_f32_problem p = {.m = m, .n = n, .k = k, .trans_a = nc->trans_a,
                          .trans_b = nc->trans_b, .alpha = nc->alpha,
                          .beta = nc->beta, .act = nc->act,
                          .act_alpha = 0.1f};
    c_form(nc->form, m, n, &p.c_rs, &p.c_cs, &c_count);
    float *a = rand_floats(m * k), *b = rand_floats(k * n);
    float *c = nc->form ? rand_floats(c_count) : NULL;
    float *want = rand_floats(m * n);
    float *got = rand_floats(m * n + GUARD);
    float *again = rand_floats(m * n + GUARD);
    float *packed = aligned_floats(oc_gemm_f32_packed_b_floats(kernel, k, n) + 16);
    p.a = a;
    p.b = b;
    p.c = c;
    char what[200];
    describe(kernel, nc, what, sizeof what);

    p.y = want;
    oc_gemm_f32_reference(&p);

    fill_guard(got + m * n, GUARD);
    p.y = got;
    path(kernel, &p, NULL);
    expect_close(got, want, m * n, k, what);
    cr_assert(guard_intact(got + m * n, GUARD), "%s %s: wrote past Y", name,
              what);

    oc_gemm_f32_pack_b(kernel, b, p.trans_b, k, n, packed);
    p.b_packed = packed;
    for (int t = -1; t < npools; t++) {
        fill_guard(again + m * n, GUARD);
        p.y = again;
        path(kernel, &p, t < 0 ? NULL : pools[t]);
        cr_assert(memcmp(again, got, m * n * sizeof(float)) == 0,
                  "%s %s: prepacked B%s changes the result", name, what,
                  t < 0 ? "" : " on more threads");
        cr_assert(guard_intact(again + m * n, GUARD),
                  "%s %s: wrote past Y (packed)", name, what);
    }

    /* The dispatch, prepacked B or not; the blocked path's workspace
     * when it takes it. */
    for (int pre = 0; pre < 2; pre++) {
        size_t ws_floats =
            oc_gemm_f32_workspace_floats(kernel, m, n, k, 1, pre == 1);
        float *ws = aligned_floats(ws_floats + 16);
        p.b_packed = pre ? packed : NULL;
        p.y = again;
        oc_gemm_f32_compute(kernel, &p, ws, NULL);
        expect_close(again, want, m * n, k, what);
        free(ws);
    }

    free(a);
    free(b);
    free(c);
    free(want);
    free(got);
    free(again);
    free(packed);
}

static const float NARROW_ALPHA[] = {1, -0.5f, 2.5f, 0, -1};
static const float NARROW_BETA[] = {1, 0, -1.5f, 3};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Case number i of a sweep: every transpose, C form, activation, alpha
 * and beta in turn (their counts 4, 6, 4 (changing every 7th), 5, 4
 * cycle independently). */
static narrow_case narrow_variant(size_t i, size_t m, size_t n, size_t k)
{
    narrow_case nc = {.m = m, .n = n, .k = k};
    nc.trans_a = i & 1;
    nc.trans_b = (i >> 1) & 1;
    nc.form = (int)(i % 6);
    nc.act = (int)((i / 7) % 4);
    nc.alpha = NARROW_ALPHA[i % COUNT(NARROW_ALPHA)];
    nc.beta = NARROW_BETA[(i / 3) % COUNT(NARROW_BETA)];
    return nc;
}

/* N 1..20 (past 16 in blocks of the kernel's width), K 0..40, M from 0
 * to 300 with every edge of the groups of 8 rows. */
Test(gemm_narrow, matches_the_reference_on_every_kernel_n_and_k)
{
    static const size_t M[] = {0, 1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 23,
                               31, 33, 64, 100, 129, 255, 300};
    const gemm_kernel *kernels[3];
    int nk = available_kernels(kernels);
    for (int q = 0; q < nk; q++) {
        rng_state = 0x2545f4914f6cdd1dull + (uint64_t)q;
        size_t i = 0;
        for (size_t n = 1; n <= 20; n++)
            for (size_t k = 0; k <= 40; k++, i++) {
                narrow_case nc =
                    narrow_variant(i, M[(i * 7) % COUNT(M)], n, k);
                path_check(kernels[q], &nc, oc_gemm_f32_narrow, "narrow",
                           NULL, 0);
            }
    }
}

/* Every M from 0 to 300 on the reference network's shapes and on a zmm
 * one (9..16 columns), cycling through the variants. */
Test(gemm_narrow, matches_the_reference_for_every_m_up_to_300)
{
    static const size_t NK[][2] = {{5, 10}, {3, 5}, {13, 7}};
    const gemm_kernel *kernels[3];
    int nk = available_kernels(kernels);
    for (int q = 0; q < nk; q++) {
        rng_state = 0x9e3779b97f4a7c15ull ^ (uint64_t)q;
        size_t i = 0;
        for (size_t s = 0; s < COUNT(NK); s++)
            for (size_t m = 0; m <= 300; m++, i++) {
                narrow_case nc = narrow_variant(i, m, NK[s][0], NK[s][1]);
                path_check(kernels[q], &nc, oc_gemm_f32_narrow, "narrow",
                           NULL, 0);
            }
    }
}

/* A call on rows [i0, i1) writes those rows and nothing else: what lets
 * threads split M (the AVX2 kernel stores whole vectors that spill into
 * the next row, and must not spill out of its range). */
Test(gemm_narrow, a_call_writes_only_its_rows)
{
    static const size_t RANGES[][2] = {{0, 40}, {3, 11}, {5, 6}, {8, 24},
                                       {17, 40}, {0, 1}, {39, 40}, {1, 38}};
    static const size_t NS[] = {1, 2, 3, 5, 7, 8, 9, 13, 16};
    const gemm_kernel *kernels[3];
    int nk = available_kernels(kernels);
    rng_state = 12345;
    for (int q = 0; q < nk; q++) {
        const gemm_kernel *kernel = kernels[q];
        size_t width = (size_t)kernel->narrow_width;
        for (size_t s = 0; s < COUNT(NS); s++) {
            size_t m = 40, n = NS[s], k = 9;
            float *a = rand_floats(m * k), *b = rand_floats(k * n);
            float *c = rand_floats(n), *want = rand_floats(m * n);
            float *y = rand_floats(m * n + GUARD);
            gemm_f32_problem p = {.m = m, .n = n, .k = k, .a = a, .b = b,
                                  .alpha = 1, .beta = 1, .c = c, .c_cs = 1,
                                  .act = GEMM_ACT_RELU};
            p.y = want;
            oc_gemm_f32_reference(&p);
            /* The first column block, as oc_gemm_f32_narrow lays it out. */
            size_t nb = n < width ? n : width;
            float *bp = aligned_floats(k * width + 16);
            for (size_t l = 0; l < k; l++)
                for (size_t j = 0; j < width; j++)
                    bp[l * width + j] = j < nb ? b[l * n + j] : 0;
            gemm_narrow_block blk = {.p = &p, .bp = bp, .ldb = width,
                                     .j0 = 0, .nb = nb};
            p.y = y;
            for (size_t r = 0; r < COUNT(RANGES); r++) {
                size_t i0 = RANGES[r][0], i1 = RANGES[r][1];
                fill_guard(y, m * n + GUARD);
                kernel->narrow(&blk, i0, i1);
                for (size_t i = 0; i < m; i++) {
                    bool inside = i >= i0 && i < i1;
                    for (size_t j = 0; j < n; j++) {
                        bool written = inside && j < nb;
                        if (written) {
                            expect_close(&y[i * n + j], &want[i * n + j], 1, k,
                                         kernel->name);
                        } else {
                            cr_assert(guard_intact(&y[i * n + j], 1),
                                      "%s N=%zu rows [%zu, %zu): wrote (%zu, "
                                      "%zu)",
                                      kernel->name, n, i0, i1, i, j);
                        }
                    }
                }
                cr_assert(guard_intact(y + m * n, GUARD),
                          "%s N=%zu rows [%zu, %zu): wrote past Y",
                          kernel->name, n, i0, i1);
            }
            free(a);
            free(b);
            free(c);
            free(want);
            free(y);
            free(bp);
        }
    }
}

/* Splitting M over 2..4 threads gives the bits of 1 thread: every row is
 * computed by the same instructions wherever the split falls. The sizes
 * are past the threshold where the narrow path splits. */
Test(gemm_narrow, threads_give_identical_bits)
{
    static const size_t SPLIT[][3] = {{20011, 5, 10}, {20011, 3, 5},
                                      {9001, 13, 40}, {16000, 16, 12}};
    const gemm_kernel *kernels[3];
    int nk = available_kernels(kernels);
    rng_state = 777;
    for (int q = 0; q < nk; q++)
        for (size_t s = 0; s < COUNT(SPLIT); s++) {
            size_t m = SPLIT[s][0], n = SPLIT[s][1], k = SPLIT[s][2];
            float *a = rand_floats(m * k), *b = rand_floats(k * n);
            float *c = rand_floats(n);
            float *one = rand_floats(m * n), *many = rand_floats(m * n);
            gemm_f32_problem p = {.m = m, .n = n, .k = k, .a = a, .b = b,
                                  .trans_b = true, .alpha = 0.75f,
                                  .beta = 1, .c = c, .c_cs = 1,
                                  .act = GEMM_ACT_LEAKY_RELU,
                                  .act_alpha = 0.01f};
            cr_assert(oc_gemm_f32_is_narrow(m, n, k));
            p.y = one;
            oc_gemm_f32_narrow(kernels[q], &p, NULL);
            for (int t = 2; t <= 4; t++) {
                oc_thread_pool *pool;
                cr_assert_null(oc_thread_pool_create(t, &pool));
                p.y = many;
                oc_gemm_f32_narrow(kernels[q], &p, pool);
                oc_thread_pool_free(pool);
                cr_assert(memcmp(one, many, m * n * sizeof(float)) == 0,
                          "%s %zux%zux%zu: %d threads differ from 1",
                          kernels[q]->name, m, n, k, t);
            }
            free(a);
            free(b);
            free(c);
            free(one);
            free(many);
        }
}

/* One problem of special values on the narrow path: NaN where the
 * reference has NaN, and every other value bit for bit. */
static void special_check(const gemm_kernel *kernel, size_t n, int form,
                          float alpha, float beta, int act)
{
    size_t m = 19, k = 6, c_count;
    gemm_f32_problem p = {.m = m, .n = n, .k = k, .alpha = alpha,
                          .beta = beta, .act = act, .act_alpha = 0.5f};
    c_form(form, m, n, &p.c_rs, &p.c_cs, &c_count);
    float *a = malloc(m * k * sizeof *a), *b = malloc(k * n * sizeof *b);
    float *c = malloc((c_count + 1) * sizeof *c);
    float *want = malloc(m * n * sizeof *want);
    float *got = malloc(m * n * sizeof *got);
    cr_assert(a && b && c && want && got);
    for (size_t i = 0; i < m * k; i++)
        a[i] = (float)((int)(i % 5) - 2);  /* -2 .. 2 */
    for (size_t l = 0; l < k; l++) {
        a[0 * k + l] = 0;                  /* +0 sums: alpha * +0 */
        a[1 * k + l] = l == 2 ? NAN : 1;   /* a NaN */
        a[2 * k + l] = l == 3 ? INFINITY : 0.5f;
        a[3 * k + l] = -0.0f;              /* -0 products, a +0 sum */
    }
    for (size_t i = 0; i < k * n; i++)
        b[i] = (float)((int)(i % 3) - 1) * 0.25f;  /* -0.25, 0, 0.25 */
    fill_special_c(c, c_count);
    p.a = a;
    p.b = b;
    p.c = form ? c : NULL;
    p.y = want;
    oc_gemm_f32_reference(&p);
    p.y = got;
    oc_gemm_f32_narrow(kernel, &p, NULL);
    char what[160];
    snprintf(what, sizeof what, "%s N=%zu C-form %d alpha %g beta %g act %d",
             kernel->name, n, form, alpha, beta, act);
    expect_same_bits(got, want, m * n, what);
    free(a);
    free(b);
    free(c);
    free(want);
    free(got);
}

/* NaN, infinities and the sign of zero come out as the reference has
 * them, through alpha, beta * C and each activation: A has a row of
 * zeros (alpha * +0 is -0 for a negative alpha), of -0, a row with a NaN
 * and one with an infinity; C has NaN, -0 and +0 (and beta == 0 must
 * ignore its NaN). The values are exact in float, so the FMA's single
 * rounding cannot differ from the reference's two. */
Test(gemm_narrow, nan_infinity_and_signed_zero_as_the_reference)
{
    static const float ALPHA[] = {1, -1, 0, 2};
    static const float BETA[] = {0, 1, -1};
    const gemm_kernel *kernels[3];
    int nk = available_kernels(kernels);
    for (int q = 0; q < nk; q++)
        for (size_t n = 1; n <= 16; n += 3)
            for (int form = 0; form < 6; form++)
                for (size_t ai = 0; ai < COUNT(ALPHA); ai++)
                    for (size_t bi = 0; bi < COUNT(BETA); bi++)
                        for (int act = 0; act < 4; act++)
                            special_check(kernels[q], n, form, ALPHA[ai],
                                          BETA[bi], act);
}

/* The dispatch: the reference network's layers from batch 2 on, any
 * narrow layer with a short K; not batch 1 below 8 columns, nor one
 * column with a long K (the small path's dots win there). */
Test(gemm_narrow, dispatch_takes_the_narrow_shapes)
{
    cr_assert(oc_gemm_f32_is_narrow(1024, 5, 10));
    cr_assert(oc_gemm_f32_is_narrow(1024, 3, 5));
    cr_assert(oc_gemm_f32_is_narrow(2, 5, 10));
    cr_assert(oc_gemm_f32_is_narrow(64, 16, 256));
    cr_assert(oc_gemm_f32_is_narrow(1, 16, 32));
    cr_assert(!oc_gemm_f32_is_narrow(1, 5, 10));
    cr_assert(!oc_gemm_f32_is_narrow(1024, 17, 10));
    cr_assert(!oc_gemm_f32_is_narrow(1024, 5, 257));
    cr_assert(!oc_gemm_f32_is_narrow(1024, 1, 200));
    /* The narrow path needs no workspace. */
    const gemm_kernel *kernels[3];
    int nk = available_kernels(kernels);
    for (int q = 0; q < nk; q++)
        cr_assert_eq(oc_gemm_f32_workspace_floats(kernels[q], 1024, 16, 200, 2,
                                               false),
                     0);
}

/* --------------------------------------------------------- the row path */

/* M 1..4 (and 0) against N and K across every edge: panels of 8, 16 and
 * 32 columns (and pairs of them), the blocks of 512 of K and the chunks
 * of 8 and 64, 0, 1, primes, past 1024; every transpose, C form, alpha,
 * beta and activation in turn. */
Test(gemm_rows, matches_the_reference_on_every_kernel)
{
    static const size_t N[] = {1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64,
                               65, 97, 127, 129, 1031};
    static const size_t K[] = {0, 1, 2, 7, 8, 9, 13, 63, 65, 255, 256, 257,
                               511, 512, 513, 1031};
    const gemm_kernel *kernels[3];
    int nk = available_kernels(kernels);
    for (int q = 0; q < nk; q++) {
        rng_state = 0x5851f42d4c957f2dull + (uint64_t)q;
        size_t i = 0;
        for (size_t x = 0; x < COUNT(N); x++)
            for (size_t y = 0; y < COUNT(K); y++, i++) {
                size_t m = i % 9 == 8 ? 0 : 1 + i % 4;
                narrow_case rc = narrow_variant(i, m, N[x], K[y]);
                path_check(kernels[q], &rc, oc_gemm_f32_rows, "rows", NULL,
                           0);
            }
    }
}

/* Problems large enough to be split over threads: 2 and 3 threads give
 * the bits of 1, prepacked B or not. */
Test(gemm_rows, threads_give_identical_bits)
{
    static const size_t SPLIT[][3] = {{1, 4096, 1024}, {1, 4099, 67},
                                      {2, 1031, 300},  {3, 2053, 129},
                                      {4, 1000, 999},  {1, 257, 1031}};
    const gemm_kernel *kernels[3];
    int nk = available_kernels(kernels);
    oc_thread_pool *pools[2];
    cr_assert_null(oc_thread_pool_create(2, &pools[0]));
    cr_assert_null(oc_thread_pool_create(3, &pools[1]));
    rng_state = 4242;
    for (int q = 0; q < nk; q++)
        for (size_t s = 0; s < COUNT(SPLIT); s++) {
            narrow_case rc = narrow_variant(s + (size_t)q, SPLIT[s][0],
                                            SPLIT[s][1], SPLIT[s][2]);
            cr_assert(rc.m * rc.n * rc.k >= (size_t)1 << 18,
                      "too small to split");
            path_check(kernels[q], &rc, oc_gemm_f32_rows, "rows", pools,
                       2);
        }
    oc_thread_pool_free(pools[0]);
    oc_thread_pool_free(pools[1]);
}

/* One problem of special values on the row path: NaN where the reference
 * has NaN, every other value bit for bit (as special_check, with N past
 * a panel and K past a block of 512). */
static void rows_special_check(const gemm_kernel *kernel, size_t m, size_t n,
                               int form, float alpha, float beta, int act,
                               bool trans_b)
{
    size_t k = 600, c_count;
    gemm_f32_problem p = {.m = m, .n = n, .k = k, .trans_b = trans_b,
                          .alpha = alpha, .beta = beta, .act = act,
                          .act_alpha = 0.5f};
    c_form(form, m, n, &p.c_rs, &p.c_cs, &c_count);
    float *a = malloc(m * k * sizeof *a), *b = malloc(k * n * sizeof *b);
    float *c = malloc((c_count + 1) * sizeof *c);
    float *want = malloc(m * n * sizeof *want);
    float *got = malloc(m * n * sizeof *got);
    float *packed = aligned_floats(oc_gemm_f32_packed_b_floats(kernel, k, n) + 16);
    cr_assert(a && b && c && want && got);
    /* Row 0 of A: +0 (sums of +0 and -0 products: +0, then alpha * +0);
     * row 1: a NaN at l = 2; row 2: an infinity at l = 260, in the
     * second block of K; row 3: -0. */
    for (size_t l = 0; l < k; l++) {
        float v[4] = {0, l == 2 ? NAN : 1, l == 260 ? INFINITY : 0.5f, -0.0f};
        for (size_t i = 0; i < m; i++)
            a[i * k + l] = v[i];
    }
    for (size_t i = 0; i < k * n; i++)
        b[i] = (float)((int)(i % 3) - 1) * 0.25f;  /* -0.25, 0, 0.25 */
    fill_special_c(c, c_count);
    p.a = a;
    p.b = b;
    p.c = form ? c : NULL;
    p.y = want;
    oc_gemm_f32_reference(&p);
    oc_gemm_f32_pack_b(kernel, b, trans_b, k, n, packed);
    for (int pre = 0; pre < 2; pre++) {
        p.b_packed = pre ? packed : NULL;
        p.y = got;
        oc_gemm_f32_rows(kernel, &p, NULL);
        char what[200];
        snprintf(what, sizeof what,
                 "rows %s M=%zu N=%zu transB=%d packed %d C-form %d alpha %g "
                 "beta %g act %d",
                 kernel->name, m, n, trans_b, pre, form, alpha, beta, act);
        expect_same_bits(got, want, m * n, what);
    }
    free(a);
    free(b);
    free(c);
    free(want);
    free(got);
    free(packed);
}

/* NaN, infinities and the sign of zero come out as the reference has
 * them, through alpha, beta * C and each activation. The values are
 * exact in float, so the FMA's single rounding cannot differ from the
 * reference's two. */
Test(gemm_rows, nan_infinity_and_signed_zero_as_the_reference)
{
    static const float ALPHA[] = {1, -1, 0, 2};
    static const float BETA[] = {0, 1, -1};
    static const size_t N[] = {8, 37, 70};
    const gemm_kernel *kernels[3];
    int nk = available_kernels(kernels);
    for (int q = 0; q < nk; q++)
        for (size_t m = 1; m <= GEMM_ROWS_MAX_M; m++)
            for (size_t s = 0; s < COUNT(N); s++)
                for (int form = 0; form < 6; form++)
                    for (size_t ai = 0; ai < COUNT(ALPHA); ai++)
                        for (size_t bi = 0; bi < COUNT(BETA); bi++)
                            for (int act = 0; act < 3; act++)
                                rows_special_check(kernels[q], m, N[s], form,
                                                   ALPHA[ai], BETA[bi], act,
                                                   (form + act) % 2);
}

/* The dispatch: up to 4 rows from 8 columns on, a B it reads well
 * (prepacked, or not transposed); the small path's dots otherwise. */
Test(gemm_rows, dispatch_takes_few_rows)
{
    float one = 1;
    gemm_f32_problem p = {.m = 1, .n = 4096, .k = 1024, .trans_b = true,
                          .b_packed = &one};
    cr_assert(oc_gemm_f32_is_rows(&p));
    p.m = 4;
    cr_assert(oc_gemm_f32_is_rows(&p));
    p.m = 5;
    cr_assert(!oc_gemm_f32_is_rows(&p));
    p.m = 1;
    p.n = 7;
    cr_assert(!oc_gemm_f32_is_rows(&p));  /* 1x7: a few dots */
    p.n = 8;
    cr_assert(oc_gemm_f32_is_rows(&p));
    p.b_packed = NULL;
    cr_assert(!oc_gemm_f32_is_rows(&p));  /* transposed, as stored */
    p.trans_b = false;
    cr_assert(oc_gemm_f32_is_rows(&p));
    /* Neither the row path nor the small one needs a workspace. */
    const gemm_kernel *kernels[3];
    int nk = available_kernels(kernels);
    for (int q = 0; q < nk; q++)
        for (size_t m = 1; m <= GEMM_ROWS_MAX_M; m++)
            cr_assert_eq(oc_gemm_f32_workspace_floats(kernels[q], m, 4096, 4096,
                                                   2, false),
                         0);
}
