/*
 * test_kernels.c - Gemm, Relu and LeakyRelu against naive references
 * written here, their shape and type checks, and the operator registry.
 *
 * Kernels are driven the way the runtime drives them: oc_ops_find, then
 * prepare on a hand-built node, infer on types, run on tensors.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_harness.h"
#include "ops/kernels/cpu_features.h"

/* ---------------------------------------------------------------- Gemm */

typedef enum c_kind {
    C_ABSENT, C_SCALAR, C_ONE, C_N, C_1N, C_M1, C_MN, C_KINDS
} c_kind;

static const char *const c_names[] = {"absent", "[]",    "[1]",  "[N]",
                                      "[1,N]",  "[M,1]", "[M,N]"};

/* C's dims for a kind; returns the rank (-1 when absent). */
static int c_dims(c_kind kind, int64_t m, int64_t n, int64_t *dims)
{
    switch (kind) {
    case C_SCALAR: return 0;
    case C_ONE: dims[0] = 1; return 1;
    case C_N: dims[0] = n; return 1;
    case C_1N: dims[0] = 1; dims[1] = n; return 2;
    case C_M1: dims[0] = m; dims[1] = 1; return 2;
    case C_MN: dims[0] = m; dims[1] = n; return 2;
    default: return -1;
    }
}

/* The element of C added to Y[i][j], by the ONNX broadcasting rule. */
static size_t c_index(c_kind kind, size_t i, size_t j, size_t n)
{
    switch (kind) {
    case C_N: case C_1N: return j;
    case C_M1: return i;
    case C_MN: return i * n + j;
    default: return 0;
    }
}

typedef struct gemm_case {
    int opset;
    onnxc_dtype dtype;
    int64_t m, n, k;
    bool ta, tb;
    float alpha, beta;
    c_kind c;
    bool c_nan;  /* C filled with NaN (only meaningful with beta == 0) */
    unsigned seed;
} gemm_case;

static const char *gemm_describe(const gemm_case *g, char *buf, size_t size)
{
    snprintf(buf, size,
             "Gemm opset %d %s M=%lld N=%lld K=%lld transA=%d transB=%d "
             "alpha=%g beta=%g C %s%s seed %u",
             g->opset, onnxc_dtype_name(g->dtype), (long long)g->m,
             (long long)g->n, (long long)g->k, g->ta, g->tb, g->alpha,
             g->beta, c_names[g->c], g->c_nan ? " (NaN)" : "", g->seed);
    return buf;
}

static void gemm_open(kernel *k, const gemm_case *g)
{
    oc_attr attrs[5] = {attr_float("alpha", g->alpha),
                        attr_float("beta", g->beta),
                        attr_int("transA", g->ta), attr_int("transB", g->tb),
                        /* Before 7, C broadcasts only when asked to. */
                        attr_int("broadcast", g->c != C_MN || (g->seed & 1))};
    kernel_open_ok(k, "Gemm", g->opset, attrs, g->opset < 7 ? 5 : 4);
}

/* Runs one case through infer and run and checks every output element
 * against a long double reference. */
static void gemm_check(const gemm_case *g)
{
    char what[256];
    gemm_describe(g, what, sizeof what);
    rng r = rng_seed(g->seed);
    kernel k;
    gemm_open(&k, g);

    int64_t a_dims[2] = {g->ta ? g->k : g->m, g->ta ? g->m : g->k};
    int64_t b_dims[2] = {g->tb ? g->n : g->k, g->tb ? g->k : g->n};
    int64_t cd[2] = {0, 0}, y_dims[2] = {g->m, g->n};
    int c_rank = c_dims(g->c, g->m, g->n, cd);
    oc_type ta = type_of(g->dtype, 2, a_dims), tb = type_of(g->dtype, 2, b_dims);
    oc_type tc = type_of(g->dtype, c_rank < 0 ? 0 : c_rank, cd), ty;
    const oc_type *in_types[3] = {&ta, &tb, c_rank < 0 ? NULL : &tc};

    onnxc_status *st = kernel_infer(&k, in_types, &ty);
    cr_assert_null(st, "%s: infer failed: %s", what, onnxc_status_message(st));
    cr_assert(ty.dtype == g->dtype && ty.shape.rank == 2 &&
                  dim_is_known(ty.shape.dims[0]) &&
                  ty.shape.dims[0].value == g->m &&
                  dim_is_known(ty.shape.dims[1]) &&
                  ty.shape.dims[1].value == g->n,
              "%s: infer gave %s rank %d", what, onnxc_dtype_name(ty.dtype),
              ty.shape.rank);

    size_t na = count_of(2, a_dims), nb = count_of(2, b_dims);
    size_t nc = c_rank < 0 ? 0 : count_of(c_rank, cd), ny = count_of(2, y_dims);
    void *a = alloc_elems(na, g->dtype), *b = alloc_elems(nb, g->dtype);
    void *c = alloc_elems(nc, g->dtype), *y = alloc_elems(ny, g->dtype);
    for (size_t i = 0; i < na; i++)
        set_elem(g->dtype, a, i, rng_unit(&r));
    for (size_t i = 0; i < nb; i++)
        set_elem(g->dtype, b, i, rng_unit(&r));
    for (size_t i = 0; i < nc; i++)
        set_elem(g->dtype, c, i, g->c_nan ? NAN : 4 * rng_unit(&r));
    /* NaN everywhere, so an element the kernel skips cannot pass. */
    for (size_t i = 0; i < ny; i++)
        set_elem(g->dtype, y, i, NAN);

    oc_tensor xa = tensor_of(g->dtype, 2, a_dims, a);
    oc_tensor xb = tensor_of(g->dtype, 2, b_dims, b);
    oc_tensor xc = tensor_of(g->dtype, c_rank < 0 ? 0 : c_rank, cd, c);
    oc_tensor xy = tensor_of(g->dtype, 2, y_dims, y);
    const oc_tensor *in[3] = {&xa, &xb, c_rank < 0 ? NULL : &xc};
    oc_tensor *out[1] = {&xy};
    kernel_run(&k, in, out);

    /* Rounding grows with the magnitudes summed, not with the result
     * (which may cancel to ~0): the bound is relative to that scale. */
    long double rel = g->dtype == ONNXC_FLOAT ? 1e-5L : 1e-13L;
    long double alpha = g->alpha, beta = g->beta;
    size_t m = (size_t)g->m, n = (size_t)g->n, kk = (size_t)g->k;
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            long double acc = 0, scale = 0;
            for (size_t l = 0; l < kk; l++) {
                /* A'[i][l] and B'[l][j] read from the stored layout. */
                long double av = get_elem(g->dtype, a, g->ta ? l * m + i
                                                             : i * kk + l);
                long double bv = get_elem(g->dtype, b, g->tb ? j * kk + l
                                                             : l * n + j);
                acc += av * bv;
                scale += fabsl(av * bv);
            }
            long double ref = alpha * acc;
            scale *= fabsl(alpha);
            if (c_rank >= 0 && beta != 0) {
                long double cv = get_elem(g->dtype, c, c_index(g->c, i, j, n));
                ref += beta * cv;
                scale += fabsl(beta * cv);
            }
            double got = get_elem(g->dtype, y, i * n + j);
            cr_assert(fabsl((long double)got - ref) <= rel * scale,
                      "%s: Y[%zu][%zu] = %.17g, reference %.17Lg (scale %Lg)",
                      what, i, j, got, ref, scale);
        }
    free(a);
    free(b);
    free(c);
    free(y);
    kernel_close(&k);
}

static const int gemm_opsets[] = {6, 7, 9, 11, 13};
static const float gemm_scalars[] = {0.0f, 1.0f, -1.0f, 0.5f, -2.25f,
                                     1000.0f, 3.0e20f};
#define N_SCALARS (sizeof gemm_scalars / sizeof gemm_scalars[0])

/* Dims mostly random in 0..40, often the edge sizes and primes. */
static int64_t gemm_dim(rng *r)
{
    static const int64_t edge[] = {0, 1, 2, 3, 7, 13, 31, 37};
    if (rng_below(r, 3) == 0)
        return edge[rng_below(r, sizeof edge / sizeof edge[0])];
    return rng_below(r, 41);
}

Test(gemm, matches_reference_for_every_opset_transpose_and_c_shape)
{
    unsigned seed = 0;
    for (size_t o = 0; o < sizeof gemm_opsets / sizeof gemm_opsets[0]; o++)
        for (int d = 0; d < 2; d++)
            for (int t = 0; t < 4; t++)
                for (int c = 0; c < C_KINDS; c++)
                    for (int rep = 0; rep < 3; rep++) {
                        gemm_case g = {0};
                        seed++;
                        rng r = rng_seed(seed * 7919u);
                        g.opset = gemm_opsets[o];
                        if (c == C_ABSENT && g.opset < 11)
                            continue;  /* C is required before 11 */
                        g.dtype = d ? ONNXC_DOUBLE : ONNXC_FLOAT;
                        g.ta = t & 1;
                        g.tb = (t >> 1) & 1;
                        g.c = (c_kind)c;
                        /* Cycling through the pairs reaches all 49. */
                        g.alpha = gemm_scalars[seed % N_SCALARS];
                        g.beta = gemm_scalars[(seed / N_SCALARS) % N_SCALARS];
                        g.m = gemm_dim(&r);
                        g.n = gemm_dim(&r);
                        g.k = gemm_dim(&r);
                        g.seed = seed;
                        gemm_check(&g);
                    }
}

Test(gemm, edge_sizes_in_every_combination)
{
    /* Zero-sized M, N or K, and 1s, which a random draw may miss. */
    static const int64_t sizes[] = {0, 1, 2, 5};
    unsigned seed = 100000;
    for (int d = 0; d < 2; d++)
        for (size_t i = 0; i < 4; i++)
            for (size_t j = 0; j < 4; j++)
                for (size_t l = 0; l < 4; l++)
                    for (int t = 0; t < 4; t++) {
                        gemm_case g = {.opset = 13, .alpha = 1.5f,
                                       .beta = -0.5f, .c = C_MN};
                        g.dtype = d ? ONNXC_DOUBLE : ONNXC_FLOAT;
                        g.m = sizes[i];
                        g.n = sizes[j];
                        g.k = sizes[l];
                        g.ta = t & 1;
                        g.tb = (t >> 1) & 1;
                        g.seed = ++seed;
                        gemm_check(&g);
                    }
}

Test(gemm, known_values)
{
    /* A' = A^T = [[1,3],[2,4]], B = [[5,6],[7,8]]:
     * 2 * A'B = [[52,60],[76,88]]; minus C [1,N] = [1,2]. */
    float a[] = {1, 2, 3, 4}, b[] = {5, 6, 7, 8}, c[] = {1, 2}, y[4];
    const float want[] = {51, 58, 75, 86};
    int64_t d22[2] = {2, 2}, d12[2] = {1, 2};
    oc_attr attrs[] = {attr_float("alpha", 2), attr_float("beta", -1),
                       attr_int("transA", 1)};
    kernel k;
    kernel_open_ok(&k, "Gemm", 13, attrs, 3);
    oc_tensor xa = tensor_of(ONNXC_FLOAT, 2, d22, a);
    oc_tensor xb = tensor_of(ONNXC_FLOAT, 2, d22, b);
    oc_tensor xc = tensor_of(ONNXC_FLOAT, 2, d12, c);
    oc_tensor xy = tensor_of(ONNXC_FLOAT, 2, d22, y);
    const oc_tensor *in[3] = {&xa, &xb, &xc};
    oc_tensor *out[1] = {&xy};
    kernel_run(&k, in, out);
    for (int i = 0; i < 4; i++)
        cr_assert_float_eq(y[i], want[i], 1e-6, "Y[%d] = %g, want %g", i,
                           y[i], want[i]);
    kernel_close(&k);
}

/* Y = C broadcast over a 3x3 output, with A'B == 0. */
static void gemm_broadcast_c(int opset, int c_rank, const int64_t *c_shape,
                             const float *c, float *y)
{
    float a[6] = {0}, b[6] = {0};
    int64_t a_dims[2] = {3, 2}, b_dims[2] = {2, 3}, y_dims[2] = {3, 3};
    oc_attr attrs[] = {attr_int("broadcast", 1)};
    kernel k;
    kernel_open_ok(&k, "Gemm", opset, attrs, opset < 7 ? 1 : 0);
    oc_type ta = type_of(ONNXC_FLOAT, 2, a_dims);
    oc_type tb = type_of(ONNXC_FLOAT, 2, b_dims);
    oc_type tc = type_of(ONNXC_FLOAT, c_rank, c_shape), ty;
    const oc_type *types[3] = {&ta, &tb, &tc};
    onnxc_status *st = kernel_infer(&k, types, &ty);
    cr_assert_null(st, "opset %d: %s", opset, onnxc_status_message(st));
    oc_tensor xa = tensor_of(ONNXC_FLOAT, 2, a_dims, a);
    oc_tensor xb = tensor_of(ONNXC_FLOAT, 2, b_dims, b);
    oc_tensor xc = tensor_of(ONNXC_FLOAT, c_rank, c_shape, (void *)c);
    oc_tensor xy = tensor_of(ONNXC_FLOAT, 2, y_dims, y);
    const oc_tensor *in[3] = {&xa, &xb, &xc};
    oc_tensor *out[1] = {&xy};
    kernel_run(&k, in, out);
    kernel_close(&k);
}

Test(gemm, one_d_c_is_a_row_when_m_equals_n)
{
    const float c[3] = {10, 20, 30};
    const int64_t n3[1] = {3}, m1[2] = {3, 1};
    for (size_t o = 0; o < sizeof gemm_opsets / sizeof gemm_opsets[0]; o++) {
        float y[9];
        gemm_broadcast_c(gemm_opsets[o], 1, n3, c, y);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                cr_assert_eq(y[i * 3 + j], c[j],
                             "opset %d C [3]: Y[%d][%d] = %g, want C[%d] = %g",
                             gemm_opsets[o], i, j, y[i * 3 + j], j, c[j]);
        /* And [M,1] is a column. */
        gemm_broadcast_c(gemm_opsets[o], 2, m1, c, y);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                cr_assert_eq(y[i * 3 + j], c[i],
                             "opset %d C [3,1]: Y[%d][%d] = %g, want %g",
                             gemm_opsets[o], i, j, y[i * 3 + j], c[i]);
    }
}

Test(gemm, beta_zero_ignores_nan_in_c)
{
    /* NaN * 0 is NaN, so C must not be read at all. */
    unsigned seed = 200000;
    for (size_t o = 0; o < sizeof gemm_opsets / sizeof gemm_opsets[0]; o++)
        for (int d = 0; d < 2; d++)
            for (int c = C_SCALAR; c < C_KINDS; c++) {
                gemm_case g = {.opset = gemm_opsets[o], .m = 4, .n = 5,
                               .k = 3, .alpha = 1.0f, .beta = 0.0f,
                               .c = (c_kind)c, .c_nan = true};
                g.dtype = d ? ONNXC_DOUBLE : ONNXC_FLOAT;
                g.seed = ++seed;
                /* gemm_check's reference skips C when beta == 0 and
                 * fails on any NaN in Y. */
                gemm_check(&g);
            }
}

/* infer on A, B and C of the given shapes (C absent when c_rank < 0). */
static onnxc_status *gemm_infer(kernel *k, onnxc_dtype dtype,
                                const int64_t *a, const int64_t *b,
                                int c_rank, const int64_t *c)
{
    oc_type ta = type_of(dtype, 2, a), tb = type_of(dtype, 2, b);
    oc_type tc = type_of(dtype, c_rank < 0 ? 0 : c_rank, c), ty;
    const oc_type *in[3] = {&ta, &tb, c_rank < 0 ? NULL : &tc};
    return kernel_infer(k, in, &ty);
}

Test(gemm_infer, inner_dim_mismatch_names_the_node_and_shapes)
{
    const int64_t a[2] = {2, 3}, b[2] = {4, 5}, c[2] = {2, 5};
    kernel k;
    kernel_open_ok(&k, "Gemm", 13, NULL, 0);
    expect_error(gemm_infer(&k, ONNXC_FLOAT, a, b, 2, c), ONNXC_ERR_SHAPE,
                 "'" KERNEL_LABEL "'", "inner dims", "[2,3]", "[4,5]", NULL);
    kernel_close(&k);

    /* With transA the inner dim of [2,3] is 2, which [4,5] lacks too. */
    oc_attr ta[] = {attr_int("transA", 1)};
    kernel_open_ok(&k, "Gemm", 13, ta, 1);
    expect_error(gemm_infer(&k, ONNXC_FLOAT, a, b, -1, NULL), ONNXC_ERR_SHAPE,
                 KERNEL_LABEL, "transA=1", NULL);
    kernel_close(&k);
}

Test(gemm_infer, transposes_decide_the_output_shape)
{
    /* A^T is [3,2] and B^T is [2,7]. */
    const int64_t a[2] = {2, 3}, b[2] = {7, 2};
    oc_attr attrs[] = {attr_int("transA", 1), attr_int("transB", 1)};
    kernel k;
    kernel_open_ok(&k, "Gemm", 13, attrs, 2);
    oc_type ta = type_of(ONNXC_DOUBLE, 2, a), tb = type_of(ONNXC_DOUBLE, 2, b);
    oc_type ty;
    const oc_type *in[3] = {&ta, &tb, NULL};
    onnxc_status *st = kernel_infer(&k, in, &ty);
    cr_assert_null(st, "%s", onnxc_status_message(st));
    cr_assert_eq(ty.dtype, ONNXC_DOUBLE);
    cr_assert_eq(ty.shape.rank, 2);
    cr_assert_eq(ty.shape.dims[0].value, 3);
    cr_assert_eq(ty.shape.dims[1].value, 7);
    kernel_close(&k);
}

Test(gemm_infer, c_that_does_not_broadcast_is_refused)
{
    const int64_t a[2] = {3, 4}, b[2] = {4, 5};
    const int64_t c_rows[2] = {4, 5}, c_cols[2] = {3, 6}, c_row[1] = {6},
                  c_3d[3] = {1, 3, 5};
    for (size_t o = 1; o < sizeof gemm_opsets / sizeof gemm_opsets[0]; o++) {
        kernel k;
        kernel_open_ok(&k, "Gemm", gemm_opsets[o], NULL, 0);
        expect_error(gemm_infer(&k, ONNXC_FLOAT, a, b, 2, c_rows),
                     ONNXC_ERR_SHAPE, KERNEL_LABEL, "C of shape [4,5]",
                     "does not broadcast", "[3,5]", NULL);
        expect_error(gemm_infer(&k, ONNXC_FLOAT, a, b, 2, c_cols),
                     ONNXC_ERR_SHAPE, KERNEL_LABEL, "[3,6]", NULL);
        expect_error(gemm_infer(&k, ONNXC_FLOAT, a, b, 1, c_row),
                     ONNXC_ERR_SHAPE, KERNEL_LABEL, "[6]", NULL);
        expect_error(gemm_infer(&k, ONNXC_FLOAT, a, b, 3, c_3d),
                     ONNXC_ERR_SHAPE, KERNEL_LABEL, "[1,3,5]", NULL);
        kernel_close(&k);
    }
}

Test(gemm_infer, opset_6_broadcasts_c_only_when_asked)
{
    const int64_t a[2] = {3, 4}, b[2] = {4, 5}, c_n[1] = {5}, c_mn[2] = {3, 5};
    kernel k;

    /* broadcast absent means 0. */
    kernel_open_ok(&k, "Gemm", 6, NULL, 0);
    cr_assert_eq(k.node.op_version, 6);
    expect_error(gemm_infer(&k, ONNXC_FLOAT, a, b, 1, c_n), ONNXC_ERR_SHAPE,
                 KERNEL_LABEL, "Gemm-6", "broadcast=0", "[5]", NULL);
    cr_assert_null(gemm_infer(&k, ONNXC_FLOAT, a, b, 2, c_mn));
    kernel_close(&k);

    oc_attr off[] = {attr_int("broadcast", 0)};
    kernel_open_ok(&k, "Gemm", 6, off, 1);
    expect_error(gemm_infer(&k, ONNXC_FLOAT, a, b, 1, c_n), ONNXC_ERR_SHAPE,
                 KERNEL_LABEL, "broadcast=0", NULL);
    kernel_close(&k);

    oc_attr on[] = {attr_int("broadcast", 1)};
    kernel_open_ok(&k, "Gemm", 6, on, 1);
    onnxc_status *st = gemm_infer(&k, ONNXC_FLOAT, a, b, 1, c_n);
    cr_assert_null(st, "broadcast=1 with C [N]: %s", onnxc_status_message(st));
    kernel_close(&k);
}

Test(gemm_infer, c_is_required_before_opset_11)
{
    const int64_t a[2] = {3, 4}, b[2] = {4, 5};
    static const int before[] = {6, 7, 9}, after[] = {11, 13};
    kernel k;
    for (size_t i = 0; i < 3; i++) {
        kernel_open_ok(&k, "Gemm", before[i], NULL, 0);
        onnxc_status *st = gemm_infer(&k, ONNXC_FLOAT, a, b, -1, NULL);
        cr_assert_not_null(st, "opset %d accepted Gemm without C", before[i]);
        expect_error(st, ONNXC_ERR_INVALID_MODEL, KERNEL_LABEL, "C is required",
                     NULL);
        kernel_close(&k);
    }
    for (size_t i = 0; i < 2; i++) {
        kernel_open_ok(&k, "Gemm", after[i], NULL, 0);
        onnxc_status *st = gemm_infer(&k, ONNXC_FLOAT, a, b, -1, NULL);
        cr_assert_null(st, "opset %d: %s", after[i], onnxc_status_message(st));
        kernel_close(&k);
    }
}

Test(gemm_infer, unsupported_and_mixed_types_are_refused)
{
    const int64_t a[2] = {3, 4}, b[2] = {4, 5};
    kernel k;
    kernel_open_ok(&k, "Gemm", 13, NULL, 0);
    expect_error(gemm_infer(&k, ONNXC_INT32, a, b, -1, NULL),
                 ONNXC_ERR_UNSUPPORTED, KERNEL_LABEL, "Gemm-13", "int32",
                 "not supported", NULL);
    expect_error(gemm_infer(&k, ONNXC_INT64, a, b, -1, NULL),
                 ONNXC_ERR_UNSUPPORTED, "int64", NULL);

    oc_type ta = type_of(ONNXC_FLOAT, 2, a), tb = type_of(ONNXC_DOUBLE, 2, b);
    oc_type ty;
    const oc_type *in[3] = {&ta, &tb, NULL};
    expect_error(kernel_infer(&k, in, &ty),
                 ONNXC_ERR_INVALID_MODEL, KERNEL_LABEL, "float", "double",
                 NULL);
    kernel_close(&k);
}

Test(gemm_infer, non_matrix_inputs_are_refused)
{
    const int64_t a[3] = {2, 3, 4}, b[2] = {4, 5};
    kernel k;
    kernel_open_ok(&k, "Gemm", 13, NULL, 0);
    oc_type ta = type_of(ONNXC_FLOAT, 3, a), tb = type_of(ONNXC_FLOAT, 2, b);
    oc_type ty;
    const oc_type *in[3] = {&ta, &tb, NULL};
    expect_error(kernel_infer(&k, in, &ty), ONNXC_ERR_SHAPE,
                 KERNEL_LABEL, "2-D", "[2,3,4]", NULL);
    kernel_close(&k);
}

Test(gemm_prepare, attributes_are_checked)
{
    kernel k;
    /* broadcast is gone from 7 on. */
    oc_attr bc[] = {attr_int("broadcast", 1)};
    expect_error(kernel_open(&k, "Gemm", 7, bc, 1), ONNXC_ERR_UNSUPPORTED,
                 KERNEL_LABEL, "unknown attribute 'broadcast'", NULL);
    kernel_close(&k);

    oc_attr bad_name[] = {attr_int("transC", 1)};
    expect_error(kernel_open(&k, "Gemm", 13, bad_name, 1),
                 ONNXC_ERR_UNSUPPORTED, "transC", NULL);
    kernel_close(&k);

    oc_attr bad_type[] = {attr_int("alpha", 2)};
    expect_error(kernel_open(&k, "Gemm", 13, bad_type, 1),
                 ONNXC_ERR_INVALID_MODEL, KERNEL_LABEL, "'alpha'", "float",
                 NULL);
    kernel_close(&k);
}

/* ------------------------------------------------- Relu and LeakyRelu */

/* The references, in the tensor's own type like the spec. Relu keeps
 * NaN and -0 as onnxruntime does (max(0, x) leaves the sign of zero open). */
static float relu_ref_f(float x) { return x < 0 ? 0.0f : x; }
static double relu_ref_d(double x) { return x < 0 ? 0.0 : x; }
static float leaky_ref_f(float x, float alpha) { return x < 0 ? alpha * x : x; }
static double leaky_ref_d(double x, float alpha)
{
    return x < 0 ? (double)alpha * x : x;
}

/* infer must give the input's type; then run out of place and in place,
 * compare with the reference (leaky: alpha, else Relu). */
static void check_unary(kernel *k, onnxc_dtype dtype, int rank,
                        const int64_t *dims, bool leaky, float alpha,
                        unsigned seed)
{
    char shape[128];
    oc_type tx = type_of(dtype, rank, dims), ty;
    const oc_type *types[1] = {&tx};
    onnxc_status *st = kernel_infer(k, types, &ty);
    snprintf(shape, sizeof shape, "%s-%d %s rank %d seed %u",
             k->node.op_type, k->node.op_version, onnxc_dtype_name(dtype),
             rank, seed);
    cr_assert_null(st, "%s: infer failed: %s", shape,
                   onnxc_status_message(st));
    cr_assert(ty.dtype == dtype && ty.shape.rank == rank, "%s: infer changed "
              "the type", shape);
    for (int i = 0; i < rank; i++)
        cr_assert_eq(ty.shape.dims[i].value, dims[i], "%s: dim %d", shape, i);

    rng r = rng_seed(seed);
    size_t n = count_of(rank, dims), size = onnxc_dtype_size(dtype);
    void *x = alloc_elems(n, dtype), *y = alloc_elems(n, dtype);
    void *z = alloc_elems(n, dtype), *want = alloc_elems(n, dtype);
    fill_random(&r, dtype, x, n, N_SPECIAL_BASIC);
    memset(y, 0xA5, n * size);
    for (size_t i = 0; i < n; i++) {
        if (dtype == ONNXC_FLOAT) {
            float v = ((float *)x)[i];
            ((float *)want)[i] = leaky ? leaky_ref_f(v, alpha) : relu_ref_f(v);
        } else {
            double v = ((double *)x)[i];
            ((double *)want)[i] = leaky ? leaky_ref_d(v, alpha) : relu_ref_d(v);
        }
    }

    oc_tensor tin = tensor_of(dtype, rank, dims, x);
    oc_tensor tout = tensor_of(dtype, rank, dims, y);
    const oc_tensor *in[1] = {&tin};
    oc_tensor *out[1] = {&tout};
    kernel_run(k, in, out);
    for (size_t i = 0; i < n; i++)
        cr_assert(same_value(dtype, y, want, i),
                  "%s alpha %g: x[%zu] = %g gave %g, want %g", shape, alpha, i,
                  get_elem(dtype, x, i), get_elem(dtype, y, i),
                  get_elem(dtype, want, i));

    /* In place: the runtime hands the same buffer as input and output. */
    memcpy(z, x, n * size);
    oc_tensor tz = tensor_of(dtype, rank, dims, z);
    const oc_tensor *in_z[1] = {&tz};
    oc_tensor *out_z[1] = {&tz};
    kernel_run(k, in_z, out_z);
    cr_assert(memcmp(z, y, n * size) == 0, "%s: in place differs", shape);

    free(x);
    free(y);
    free(z);
    free(want);
}

Test(relu, random_tensors_and_special_values)
{
    static const int opsets[] = {6, 13, 14};
    unsigned seed = 0;
    for (size_t o = 0; o < 3; o++)
        for (int d = 0; d < 2; d++)
            for (int rep = 0; rep < 40; rep++) {
                rng r = rng_seed(++seed);
                int64_t dims[ONNXC_MAX_RANK];
                int rank = random_shape(&r, dims);
                kernel k;
                kernel_open_ok(&k, "Relu", opsets[o], NULL, 0);
                check_unary(&k, d ? ONNXC_DOUBLE : ONNXC_FLOAT, rank, dims,
                            false, 0, seed);
                kernel_close(&k);
            }
}

Test(relu, nan_stays_and_negative_zero_becomes_positive)
{
    float x[] = {NAN, -0.0f, -INFINITY, INFINITY, -FLT_TRUE_MIN, FLT_TRUE_MIN};
    float y[6];
    int64_t dims[1] = {6};
    kernel k;
    kernel_open_ok(&k, "Relu", 14, NULL, 0);
    oc_tensor tx = tensor_of(ONNXC_FLOAT, 1, dims, x);
    oc_tensor ty = tensor_of(ONNXC_FLOAT, 1, dims, y);
    const oc_tensor *in[1] = {&tx};
    oc_tensor *out[1] = {&ty};
    kernel_run(&k, in, out);
    cr_assert(isnan(y[0]), "Relu(NaN) = %g", y[0]);
    cr_assert(y[1] == 0 && signbit(y[1]), "Relu(-0) = %g, want -0 (as onnxruntime)", y[1]);
    cr_assert(y[2] == 0 && !signbit(y[2]), "Relu(-inf) = %g, want +0", y[2]);
    cr_assert(isinf(y[3]) && y[3] > 0, "Relu(inf) = %g", y[3]);
    cr_assert(y[4] == 0 && !signbit(y[4]), "Relu(-denormal) = %g", y[4]);
    cr_assert_eq(y[5], FLT_TRUE_MIN, "a subnormal must not be flushed");
    kernel_close(&k);
}

/* Relu over every value of interest of a signed integer type. */
#define CHECK_RELU_INT(T, DTYPE, MIN, MAX)                                     \
    do {                                                                       \
        T x[] = {MIN, (T)(MIN + 1), -100, -1, 0, 1, 100, (T)(MAX - 1), MAX};   \
        T y[sizeof x / sizeof x[0]];                                           \
        int64_t dims[2] = {3, 3};                                              \
        oc_type tx = type_of(DTYPE, 2, dims), ty_;                             \
        const oc_type *types[1] = {&tx};                                       \
        onnxc_status *st = kernel_infer(&k, types, &ty_);        \
        cr_assert_null(st, "Relu-14 %s: %s", onnxc_dtype_name(DTYPE),         \
                       onnxc_status_message(st));                              \
        cr_assert_eq(ty_.dtype, DTYPE);                                        \
        oc_tensor in_t = tensor_of(DTYPE, 2, dims, x);                         \
        oc_tensor out_t = tensor_of(DTYPE, 2, dims, y);                        \
        const oc_tensor *in[1] = {&in_t};                                      \
        oc_tensor *out[1] = {&out_t};                                          \
        kernel_run(&k, in, out);                                               \
        for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)                    \
            cr_assert_eq(y[i], x[i] > 0 ? x[i] : 0,                            \
                         "Relu-14 %s: x[%zu] = %lld gave %lld",                \
                         onnxc_dtype_name(DTYPE), i, (long long)x[i],          \
                         (long long)y[i]);                                     \
    } while (0)

Test(relu, opset_14_runs_signed_integers)
{
    kernel k;
    kernel_open_ok(&k, "Relu", 14, NULL, 0);
    CHECK_RELU_INT(int8_t, ONNXC_INT8, INT8_MIN, INT8_MAX);
    CHECK_RELU_INT(int16_t, ONNXC_INT16, INT16_MIN, INT16_MAX);
    CHECK_RELU_INT(int32_t, ONNXC_INT32, INT32_MIN, INT32_MAX);
    CHECK_RELU_INT(int64_t, ONNXC_INT64, INT64_MIN, INT64_MAX);
    kernel_close(&k);
}

static onnxc_status *oc_unary_infer(kernel *k, onnxc_dtype dtype)
{
    int64_t dims[1] = {4};
    oc_type tx = type_of(dtype, 1, dims), ty;
    const oc_type *types[1] = {&tx};
    return kernel_infer(k, types, &ty);
}

Test(relu, integers_before_opset_14_and_unsigned_are_refused)
{
    kernel k;
    kernel_open_ok(&k, "Relu", 13, NULL, 0);
    expect_error(oc_unary_infer(&k, ONNXC_INT32), ONNXC_ERR_UNSUPPORTED,
                 KERNEL_LABEL, "Relu-13", "int32", "float, double", NULL);
    kernel_close(&k);

    kernel_open_ok(&k, "Relu", 6, NULL, 0);
    expect_error(oc_unary_infer(&k, ONNXC_INT8), ONNXC_ERR_UNSUPPORTED, "Relu-6",
                 "int8", NULL);
    kernel_close(&k);

    /* 14 adds signed types only. */
    kernel_open_ok(&k, "Relu", 14, NULL, 0);
    expect_error(oc_unary_infer(&k, ONNXC_UINT8), ONNXC_ERR_UNSUPPORTED,
                 "Relu-14", "uint8", NULL);
    kernel_close(&k);
}

Test(leaky_relu, random_tensors_every_alpha)
{
    static const int opsets[] = {6, 16};
    /* NAN marks "attribute absent" (the default 0.01 applies). */
    static const float alphas[] = {NAN, 0.0f, -0.5f, 2.5f, 0.01f, 1e-3f};
    unsigned seed = 1000;
    for (size_t o = 0; o < 2; o++)
        for (size_t a = 0; a < sizeof alphas / sizeof alphas[0]; a++)
            for (int d = 0; d < 2; d++)
                for (int rep = 0; rep < 15; rep++) {
                    rng r = rng_seed(++seed);
                    int64_t dims[ONNXC_MAX_RANK];
                    int rank = random_shape(&r, dims);
                    bool given = !isnan(alphas[a]);
                    oc_attr attrs[] = {attr_float("alpha", alphas[a])};
                    kernel k;
                    kernel_open_ok(&k, "LeakyRelu", opsets[o], attrs,
                                   given ? 1 : 0);
                    check_unary(&k, d ? ONNXC_DOUBLE : ONNXC_FLOAT, rank, dims,
                                true, given ? alphas[a] : 0.01f, seed);
                    kernel_close(&k);
                }
}

Test(leaky_relu, default_alpha_is_0_01_and_nan_stays_nan)
{
    float x[] = {-2.0f, 3.0f, NAN, -INFINITY, -0.0f}, y[5];
    int64_t dims[1] = {5};
    kernel k;
    kernel_open_ok(&k, "LeakyRelu", 16, NULL, 0);
    oc_tensor tx = tensor_of(ONNXC_FLOAT, 1, dims, x);
    oc_tensor ty = tensor_of(ONNXC_FLOAT, 1, dims, y);
    const oc_tensor *in[1] = {&tx};
    oc_tensor *out[1] = {&ty};
    kernel_run(&k, in, out);
    cr_assert_float_eq(y[0], -0.02f, 1e-8, "LeakyRelu(-2) = %g", y[0]);
    cr_assert_eq(y[1], 3.0f);
    cr_assert(isnan(y[2]), "LeakyRelu(NaN) = %g", y[2]);
    cr_assert(isinf(y[3]) && y[3] < 0, "LeakyRelu(-inf) = %g", y[3]);
    /* -0 >= 0, so it passes through unchanged. */
    cr_assert(y[4] == 0 && signbit(y[4]), "LeakyRelu(-0) = %g", y[4]);
    kernel_close(&k);
}

Test(leaky_relu, non_float_types_are_refused)
{
    kernel k;
    kernel_open_ok(&k, "LeakyRelu", 16, NULL, 0);
    expect_error(oc_unary_infer(&k, ONNXC_INT32), ONNXC_ERR_UNSUPPORTED,
                 KERNEL_LABEL, "LeakyRelu-16", "int32", NULL);
    kernel_close(&k);
}

Test(legacy_attrs, consumed_inputs_is_accepted_at_version_1)
{
    static const int64_t consumed[] = {0};
    int64_t dims[2] = {2, 3};
    kernel k;

    oc_attr relu_attrs[] = {attr_ints("consumed_inputs", consumed, 1)};
    kernel_open_ok(&k, "Relu", 1, relu_attrs, 1);
    cr_assert_eq(k.node.op_version, 1);
    check_unary(&k, ONNXC_FLOAT, 2, dims, false, 0, 7);
    kernel_close(&k);

    oc_attr leaky_attrs[] = {attr_ints("consumed_inputs", consumed, 1),
                             attr_float("alpha", 0.2f)};
    kernel_open_ok(&k, "LeakyRelu", 1, leaky_attrs, 2);
    cr_assert_eq(k.node.op_version, 1);
    check_unary(&k, ONNXC_FLOAT, 2, dims, true, 0.2f, 8);
    kernel_close(&k);
}

Test(legacy_attrs, unknown_attributes_are_refused)
{
    static const int64_t consumed[] = {0};
    oc_attr consumed_attr[] = {attr_ints("consumed_inputs", consumed, 1)};
    oc_attr alpha[] = {attr_float("alpha", 0.5f)};
    oc_attr beta[] = {attr_float("beta", 0.5f)};
    kernel k;

    /* consumed_inputs was dropped at 6. */
    expect_error(kernel_open(&k, "Relu", 6, consumed_attr, 1),
                 ONNXC_ERR_UNSUPPORTED, KERNEL_LABEL, "Relu-6",
                 "unknown attribute 'consumed_inputs'", NULL);
    kernel_close(&k);
    expect_error(kernel_open(&k, "LeakyRelu", 16, consumed_attr, 1),
                 ONNXC_ERR_UNSUPPORTED, "LeakyRelu-16", "consumed_inputs",
                 NULL);
    kernel_close(&k);
    expect_error(kernel_open(&k, "Relu", 14, alpha, 1), ONNXC_ERR_UNSUPPORTED,
                 "Relu-14", "'alpha'", NULL);
    kernel_close(&k);
    expect_error(kernel_open(&k, "Relu", 1, alpha, 1), ONNXC_ERR_UNSUPPORTED,
                 "Relu-1", "'alpha'", NULL);
    kernel_close(&k);
    expect_error(kernel_open(&k, "LeakyRelu", 6, beta, 1),
                 ONNXC_ERR_UNSUPPORTED, "LeakyRelu-6", "'beta'", NULL);
    kernel_close(&k);

    oc_attr alpha_int[] = {attr_int("alpha", 1)};
    expect_error(kernel_open(&k, "LeakyRelu", 16, alpha_int, 1),
                 ONNXC_ERR_INVALID_MODEL, "'alpha'", "must be a float", NULL);
    kernel_close(&k);
}

/* ------------------------------------------------------------ registry */

static void expect_version(const char *domain, const char *op_type,
                           int64_t opset, int want)
{
    int version = -1;
    const oc_op *op = oc_ops_find(domain, op_type, opset, &version);
    cr_assert_not_null(op, "oc_ops_find(\"%s\", %s, %lld) gave NULL", domain,
                       op_type, (long long)opset);
    cr_assert_str_eq(op->op_type, op_type);
    cr_assert_eq(version, want, "%s at opset %lld: version %d, want %d",
                 op_type, (long long)opset, version, want);
}

static void expect_none(const char *domain, const char *op_type,
                        int64_t opset)
{
    int version = -1;
    cr_assert_null(oc_ops_find(domain, op_type, opset, &version),
                   "oc_ops_find(\"%s\", %s, %lld) found an op", domain, op_type,
                   (long long)opset);
}

Test(oc_ops_find, picks_the_newest_version_not_above_the_opset)
{
    static const struct {
        const char *op;
        int opset, version;
    } cases[] = {
        {"Gemm", 1, 1},       {"Gemm", 5, 1},       {"Gemm", 6, 6},
        {"Gemm", 8, 7},       {"Gemm", 10, 9},      {"Gemm", 12, 11},
        {"Gemm", 13, 13},     {"Gemm", 17, 13},     {"Relu", 1, 1},
        {"Relu", 5, 1},       {"Relu", 12, 6},      {"Relu", 13, 13},
        {"Relu", 14, 14},     {"Relu", 21, 14},     {"LeakyRelu", 1, 1},
        {"LeakyRelu", 15, 6}, {"LeakyRelu", 16, 16}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_version("", cases[i].op, cases[i].opset, cases[i].version);
}

Test(oc_ops_find, out_of_range_opsets_and_unknown_ops_give_null)
{
    static const struct {
        const char *op;
        int newest;
    } ops[] = {{"Gemm", 13}, {"Relu", 14}, {"LeakyRelu", 16}};
    for (size_t i = 0; i < 3; i++) {
        int version = -1;
        const oc_op *op = oc_ops_find("", ops[i].op, 1, &version);
        cr_assert_not_null(op);
        expect_none("", ops[i].op, 0);
        expect_none("", ops[i].op, -1);
        /* The last opset checked still works; the next is unknown. */
        expect_version("", ops[i].op, op->last_opset, ops[i].newest);
        expect_none("", ops[i].op, op->last_opset + 1);
    }
    expect_none("", "NoSuchOp", 13);  /* no such operator */
    expect_none("", "relu", 13);  /* op types are case-sensitive */
    expect_none("", "", 13);
    expect_none("com.microsoft", "Gemm", 13);
}

Test(oc_ops_find, ai_onnx_is_the_default_domain)
{
    static const char *const ops[] = {"Gemm", "Relu", "LeakyRelu"};
    for (size_t i = 0; i < 3; i++) {
        int v1 = -1, v2 = -2;
        const oc_op *a = oc_ops_find("", ops[i], 13, &v1);
        const oc_op *b = oc_ops_find("ai.onnx", ops[i], 13, &v2);
        cr_assert_not_null(a);
        cr_assert_eq(a, b, "%s: \"\" and \"ai.onnx\" give different ops",
                     ops[i]);
        cr_assert_eq(v1, v2);
    }
}

Test(oc_ops_find, registry_lists_every_op)
{
    size_t n = 0;
    const oc_op *const *all = oc_ops_all(&n);
    cr_assert_geq(n, 3);
    for (size_t i = 0; i < n; i++) {
        cr_assert_not_null(all[i]->prepare);
        cr_assert_not_null(all[i]->infer);
        cr_assert_not_null(all[i]->run);
        cr_assert_gt(all[i]->versions[0], 0, "%s has no version",
                     all[i]->op_type);
    }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/* The features onnxc reads (from glibc's record, or cpuid where glibc
 * has none) are those libgcc's own cpuid finds. */
Test(kernels, cpu_features_agree_with_the_compilers_cpuid)
{
    unsigned f = oc_cpu_features();
    __builtin_cpu_init();
    bool avx2_fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    cr_expect_eq((f & OC_CPU_AVX2_FMA) != 0, avx2_fma);
    cr_expect_eq((f & OC_CPU_AVX512F) != 0, __builtin_cpu_supports("avx512f") != 0);
    cr_expect_eq((f & OC_CPU_AVX512VL) != 0, __builtin_cpu_supports("avx512vl") != 0);
}
#endif
