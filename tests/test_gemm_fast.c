/*
 * test_gemm_fast.c - the fast float Gemm paths against the reference loop:
 * every micro-kernel this CPU runs (AVX-512, AVX2+FMA, portable), the
 * blocked driver with and without prepacked B, and the small path, over
 * shapes that cross every block edge, all transposes, C broadcasts, alpha,
 * beta and fused activations.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gemm_kernel.h"

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

/* Edges of every block: MR (4, 6, 14), NR (8, 16, 32), KC (256), MC (20
 * tiles), NC (64 tiles), and the small-path threshold. */
static const shape SHAPES[] = {
    {33, 33, 33},  {64, 64, 64},  {1, 100, 300}, {2, 37, 41},   {13, 31, 257},
    {15, 33, 255}, {29, 65, 513}, {281, 17, 19}, {300, 40, 30}, {7, 2100, 20},
    {40, 31, 1},   {50, 50, 0},   {97, 101, 103},
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
            p.act = variant % 3;
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
            gemm_f32_reference(&p);

            size_t ws_floats = gemm_f32_workspace_floats(kernel, 1000, 1000, 1000, 1);
            float *ws = aligned_floats(ws_floats);
            p.y = got;
            gemm_f32_blocked(kernel, &p, ws, NULL);
            expect_close(got, want, sh.m * sh.n, sh.k, what);

            /* Prepacked B takes the same arithmetic: identical bits. */
            float *packed = aligned_floats(gemm_f32_packed_b_floats(kernel, sh.k, sh.n) + 16);
            cr_assert(packed);
            gemm_f32_pack_b(kernel, b, p.trans_b, sh.k, sh.n, packed);
            float *again = rand_floats(sh.m * sh.n);
            p.y = again;
            p.b_packed = packed;
            gemm_f32_blocked(kernel, &p, ws, NULL);
            cr_assert(memcmp(again, got, sh.m * sh.n * sizeof(float)) == 0,
                      "%s: prepacked B changes the result", what);
            p.b_packed = NULL;

            p.y = again;
            gemm_f32_small(&p, NULL);
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
    check_kernel(gemm_f32_kernel_portable());
}

Test(gemm_fast, avx2_kernel_matches_the_reference)
{
    const gemm_kernel *k = gemm_f32_kernel_avx2();
    if (!k)
        cr_skip_test("this CPU has no AVX2+FMA");
    check_kernel(k);
}

Test(gemm_fast, avx512_kernel_matches_the_reference)
{
    const gemm_kernel *k = gemm_f32_kernel_avx512();
    if (!k)
        cr_skip_test("this CPU has no AVX-512");
    check_kernel(k);
}

Test(gemm_fast, relu_keeps_nan_and_negative_zero)
{
    const gemm_kernel *kernels[] = {gemm_f32_kernel_portable(),
                                    gemm_f32_kernel_avx2(),
                                    gemm_f32_kernel_avx512()};
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
        float *ws = aligned_floats(gemm_f32_workspace_floats(kernels[i], m, n, k, 1));
        gemm_f32_blocked(kernels[i], &p, ws, NULL);
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
