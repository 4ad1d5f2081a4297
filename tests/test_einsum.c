/*
 * test_einsum.c - Einsum (ops/linalg/einsum.c) through a session, each
 * equation against loops written out here: products, transposes, traces
 * and diagonals, sums, outer products, the implicit output, ellipsis
 * broadcasting, three operands, integers, empty dims; the Gemm path
 * against the plain loop (the reference kernels) on products big enough
 * for the blocked kernel; a symbolic dim that disagrees at run time; and
 * the equations refused at load.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_builder.h"
#include "onnxc.h"

static void ok(onnxc_status *st)
{
    cr_assert_null(st, "%s", onnxc_status_message(st));
}

#define MAX_OPS 3

/* One Einsum node "ein" over n operands x0, x1, ... of element type
 * dtype; shape[k] as the model declares it (NULL: from dims). */
typedef struct ein_case {
    const char *eq;
    int n, dtype;
    int rank[MAX_OPS];
    int64_t dims[MAX_OPS][5];
    const char *shape[MAX_OPS];
} ein_case;

static onnxc_model *ein_model(const ein_case *c, onnxc_status **st)
{
    char names[64] = "", shape[MAX_OPS][64];
    mb_model *m = mb_new(8);
    mb_opset(m, "", 12);
    for (int k = 0; k < c->n; k++) {
        char name[16];
        snprintf(name, sizeof name, "x%d", k);
        shape[k][0] = 0;
        for (int d = 0; d < c->rank[k]; d++)
            snprintf(shape[k] + strlen(shape[k]), sizeof shape[k] - strlen(shape[k]),
                     "%s%lld", d ? "," : "", (long long)c->dims[k][d]);
        mb_input(m, name, c->dtype, c->shape[k] ? c->shape[k] : shape[k]);
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                 k ? "," : "", name);
    }
    Onnx__NodeProto *node = mb_node(m, "Einsum", "ein", names, "y");
    mb_attr_string(m, node, "equation", c->eq);
    mb_output(m, "y", c->dtype, NULL);
    onnxc_model *model = NULL;
    *st = mb_load(m, NULL, &model);
    mb_free(m);
    return model;
}

static onnxc_session *ein_session(const onnxc_model *model,
                                  onnxc_kernels kernels, int threads)
{
    onnxc_session_options *o = NULL;
    onnxc_session *s = NULL;
    ok(onnxc_session_options_create(&o));
    ok(onnxc_session_options_set_kernels(o, kernels));
    ok(onnxc_session_options_set_threads(o, threads));
    ok(onnxc_session_create(model, o, &s));
    onnxc_session_options_free(o);
    return s;
}

/* Runs the case on data[]; Y's elements into y (at most cap bytes), its
 * rank and dims into *rank and dims. */
static void run_case(const ein_case *c, const void *const *data,
                     onnxc_kernels kernels, int threads, void *y, size_t cap,
                     int *rank, int64_t *dims)
{
    onnxc_status *st = NULL;
    onnxc_model *model = ein_model(c, &st);
    ok(st);
    onnxc_session *s = ein_session(model, kernels, threads);
    for (int k = 0; k < c->n; k++)
        ok(onnxc_session_bind_input(s, (size_t)k, c->dtype, c->dims[k],
                                    (size_t)c->rank[k], data[k]));
    ok(onnxc_session_run(s));
    onnxc_tensor_view v;
    ok(onnxc_session_output(s, 0, &v));
    cr_assert(v.bytes <= cap, "%s: %zu bytes", c->eq, v.bytes);
    if (v.bytes)
        memcpy(y, v.data, v.bytes);
    *rank = v.rank;
    for (int d = 0; d < v.rank; d++)
        dims[d] = v.dims[d];
    onnxc_session_free(s);
    onnxc_model_free(model);
}

/* Small values whose products and sums floats hold exactly. */
static float *values(size_t n, int seed)
{
    float *v = malloc((n ? n : 1) * sizeof *v);
    cr_assert(v);
    for (size_t i = 0; i < n; i++)
        v[i] = (float)((int)((i * 7 + (size_t)seed * 13) % 11) - 5) / 4;
    return v;
}

/* Runs the case on the default kernels and checks Y's shape and values
 * against want (count floats). */
static void check_f32(const ein_case *c, const void *const *data,
                      const double *want, int want_rank,
                      const int64_t *want_dims, size_t count)
{
    float y[512];
    int64_t dims[8];
    int rank;
    cr_assert(count <= 512);
    run_case(c, data, ONNXC_KERNELS_AUTO, 1, y, sizeof y, &rank, dims);
    cr_assert_eq(rank, want_rank, "%s: rank %d", c->eq, rank);
    for (int d = 0; d < rank; d++)
        cr_assert_eq(dims[d], want_dims[d], "%s: dim %d is %lld", c->eq, d,
                     (long long)dims[d]);
    for (size_t i = 0; i < count; i++)
        cr_assert(fabs(y[i] - want[i]) <= 1e-5 * (1 + fabs(want[i])),
                  "%s: y[%zu] = %g, want %g", c->eq, i, y[i], want[i]);
}

Test(einsum, matmul_and_its_implicit_form)
{
    float *a = values(12, 1), *b = values(20, 2);
    double want[15] = {0};
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 5; k++)
            for (int j = 0; j < 4; j++)
                want[i * 5 + k] += (double)a[i * 4 + j] * b[j * 5 + k];
    const void *data[] = {a, b};
    const char *eqs[] = {"ij,jk->ik", "ij,jk", " i j , j k -> i k "};
    for (int e = 0; e < 3; e++) {
        ein_case c = {eqs[e], 2, ONNXC_FLOAT, {2, 2}, {{3, 4}, {4, 5}}, {0}};
        check_f32(&c, data, want, 2, (int64_t[]){3, 5}, 15);
    }
    free(a);
    free(b);
}

Test(einsum, batched_matmul)
{
    float *a = values(2 * 3 * 4, 3), *b = values(2 * 4 * 2, 4);
    double want[12] = {0};
    for (int t = 0; t < 2; t++)
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 2; k++)
                for (int j = 0; j < 4; j++)
                    want[(t * 3 + i) * 2 + k] +=
                        (double)a[(t * 3 + i) * 4 + j] * b[(t * 4 + j) * 2 + k];
    ein_case c = {"bij,bjk->bik", 2, ONNXC_FLOAT, {3, 3},
                  {{2, 3, 4}, {2, 4, 2}}, {0}};
    check_f32(&c, (const void *const[]){a, b}, want, 3, (int64_t[]){2, 3, 2},
              12);
    free(a);
    free(b);
}

Test(einsum, transpose_trace_diagonal_sum)
{
    float *x = values(12, 5), *sq = values(16, 6);
    double t[12], trace = 0, diag[4], sum = 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++) {
            t[j * 3 + i] = x[i * 4 + j];
            sum += x[i * 4 + j];
        }
    for (int i = 0; i < 4; i++) {
        diag[i] = sq[i * 5];
        trace += sq[i * 5];
    }
    ein_case c = {"ij->ji", 1, ONNXC_FLOAT, {2}, {{3, 4}}, {0}};
    check_f32(&c, (const void *const[]){x}, t, 2, (int64_t[]){4, 3}, 12);
    c.eq = "ij->";
    check_f32(&c, (const void *const[]){x}, &sum, 0, NULL, 1);
    ein_case s = {"ii->", 1, ONNXC_FLOAT, {2}, {{4, 4}}, {0}};
    check_f32(&s, (const void *const[]){sq}, &trace, 0, NULL, 1);
    s.eq = "ii";   /* implicit: a letter seen twice is summed */
    check_f32(&s, (const void *const[]){sq}, &trace, 0, NULL, 1);
    s.eq = "ii->i";
    check_f32(&s, (const void *const[]){sq}, diag, 1, (int64_t[]){4}, 4);
    free(x);
    free(sq);
}

Test(einsum, outer_product_and_inner_product)
{
    float *a = values(3, 7), *b = values(4, 8);
    double outer[12], inner = 0;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++)
            outer[i * 4 + j] = (double)a[i] * b[j];
    for (int i = 0; i < 3; i++)
        inner += (double)a[i] * a[i];
    ein_case c = {"i,j->ij", 2, ONNXC_FLOAT, {1, 1}, {{3}, {4}}, {0}};
    check_f32(&c, (const void *const[]){a, b}, outer, 2, (int64_t[]){3, 4}, 12);
    c.eq = "j,i";   /* implicit: i before j */
    double swapped[12];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++)
            swapped[i * 3 + j] = (double)b[i] * a[j];
    check_f32(&c, (const void *const[]){a, b}, swapped, 2, (int64_t[]){4, 3},
              12);
    ein_case d = {"i,i", 2, ONNXC_FLOAT, {1, 1}, {{3}, {3}}, {0}};
    check_f32(&d, (const void *const[]){a, a}, &inner, 0, NULL, 1);
    free(a);
    free(b);
}

Test(einsum, ellipsis_broadcasts_the_batch)
{
    /* A [2, 1, 3, 4] and B [3, 4, 2]: the batch [2, 3]. */
    float *a = values(2 * 3 * 4, 9), *b = values(3 * 4 * 2, 10);
    double want[2 * 3 * 3 * 2] = {0};
    for (int p = 0; p < 2; p++)
        for (int q = 0; q < 3; q++)
            for (int i = 0; i < 3; i++)
                for (int k = 0; k < 2; k++)
                    for (int j = 0; j < 4; j++)
                        want[((p * 3 + q) * 3 + i) * 2 + k] +=
                            (double)a[(p * 3 + i) * 4 + j] *
                            b[(q * 4 + j) * 2 + k];
    ein_case c = {"...ij,...jk->...ik", 2, ONNXC_FLOAT, {4, 3},
                  {{2, 1, 3, 4}, {3, 4, 2}}, {0}};
    const void *data[] = {a, b};
    check_f32(&c, data, want, 4, (int64_t[]){2, 3, 3, 2}, 36);
    c.eq = "...ij,...jk";   /* implicit: the ellipsis first */
    check_f32(&c, data, want, 4, (int64_t[]){2, 3, 3, 2}, 36);
    free(a);
    free(b);
}

Test(einsum, an_explicit_output_without_ellipsis_sums_it)
{
    float *x = values(24, 11), *sq = values(2 * 3 * 3, 12);
    double want[4] = {0}, diag[6];
    for (int i = 0; i < 24; i++)
        want[i % 4] += x[i];
    for (int b = 0; b < 2; b++)
        for (int i = 0; i < 3; i++)
            diag[b * 3 + i] = sq[b * 9 + i * 4];
    ein_case c = {"...i->i", 1, ONNXC_FLOAT, {3}, {{2, 3, 4}}, {0}};
    check_f32(&c, (const void *const[]){x}, want, 1, (int64_t[]){4}, 4);
    ein_case d = {"...ii->...i", 1, ONNXC_FLOAT, {3}, {{2, 3, 3}}, {0}};
    check_f32(&d, (const void *const[]){sq}, diag, 2, (int64_t[]){2, 3}, 6);
    free(x);
    free(sq);
}

Test(einsum, three_operands)
{
    float *a = values(6, 13), *b = values(12, 14), *c3 = values(20, 15);
    double want[10] = {0};
    for (int i = 0; i < 2; i++)
        for (int l = 0; l < 5; l++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 4; k++)
                    want[i * 5 + l] += (double)a[i * 3 + j] * b[j * 4 + k] *
                                       c3[k * 5 + l];
    ein_case c = {"ij,jk,kl->il", 3, ONNXC_FLOAT, {2, 2, 2},
                  {{2, 3}, {3, 4}, {4, 5}}, {0}};
    check_f32(&c, (const void *const[]){a, b, c3}, want, 2, (int64_t[]){2, 5},
              10);
    free(a);
    free(b);
    free(c3);
}

Test(einsum, int64_products_wrap)
{
    int64_t a[6] = {1, -2, 3, 4, 5, -6}, b[6] = {7, 8, -9, 10, 11, 12};
    int64_t want[4] = {0}, y[4];
    for (int i = 0; i < 2; i++)
        for (int k = 0; k < 2; k++)
            for (int j = 0; j < 3; j++)
                want[i * 2 + k] += a[i * 3 + j] * b[j * 2 + k];
    ein_case c = {"ij,jk->ik", 2, ONNXC_INT64, {2, 2}, {{2, 3}, {3, 2}}, {0}};
    int64_t dims[8];
    int rank;
    run_case(&c, (const void *const[]){a, b}, ONNXC_KERNELS_AUTO, 1, y,
             sizeof y, &rank, dims);
    cr_assert(rank == 2 && dims[0] == 2 && dims[1] == 2);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(y[i], want[i], "y[%d] = %lld, want %lld", i,
                     (long long)y[i], (long long)want[i]);
    /* 2^62 * 4 wraps to 0, plus 3 * -1. */
    int64_t big[2] = {INT64_C(1) << 62, 3}, by[2] = {4, -1}, dot;
    ein_case d = {"i,i->", 2, ONNXC_INT64, {1, 1}, {{2}, {2}}, {0}};
    run_case(&d, (const void *const[]){big, by}, ONNXC_KERNELS_AUTO, 1, &dot,
             sizeof dot, &rank, dims);
    cr_assert(rank == 0 && dot == -3, "%lld", (long long)dot);
}

Test(einsum, empty_dims_give_zeros)
{
    float a[1], b[1];
    float y[8];
    int64_t dims[8];
    int rank;
    ein_case c = {"ij,jk->ik", 2, ONNXC_FLOAT, {2, 2}, {{2, 0}, {0, 3}}, {0}};
    memset(y, 0xff, sizeof y);
    run_case(&c, (const void *const[]){a, b}, ONNXC_KERNELS_AUTO, 1, y,
             sizeof y, &rank, dims);
    cr_assert(rank == 2 && dims[0] == 2 && dims[1] == 3);
    for (int i = 0; i < 6; i++)
        cr_assert(y[i] == 0, "y[%d] = %g", i, y[i]);
    ein_case d = {"ij->j", 1, ONNXC_FLOAT, {2}, {{0, 4}}, {0}};
    memset(y, 0xff, sizeof y);
    run_case(&d, (const void *const[]){a}, ONNXC_KERNELS_AUTO, 1, y, sizeof y,
             &rank, dims);
    cr_assert(rank == 1 && dims[0] == 4);
    for (int i = 0; i < 4; i++)
        cr_assert(y[i] == 0, "y[%d] = %g", i, y[i]);
    ein_case e = {"ij->i", 1, ONNXC_FLOAT, {2}, {{0, 4}}, {0}};
    run_case(&e, (const void *const[]){a}, ONNXC_KERNELS_AUTO, 1, y, sizeof y,
             &rank, dims);
    cr_assert(rank == 1 && dims[0] == 0);
}

/* The Gemm path (the default kernels, one and two threads) against the
 * plain loop (the reference kernels), on products that take the blocked
 * kernel, with transposed operands, a diagonal and broadcast batches. */
Test(einsum, the_gemm_path_matches_the_plain_loop)
{
    ein_case cases[] = {
        {"bij,bkj->bik", 2, ONNXC_FLOAT, {3, 3}, {{3, 37, 70}, {3, 45, 70}}, {0}},
        {"ji,jk->ki", 2, ONNXC_FLOAT, {2, 2}, {{90, 33}, {90, 41}}, {0}},
        {"...ij,...jk->...ik", 2, ONNXC_FLOAT, {4, 3},
         {{2, 1, 20, 30}, {3, 30, 25}}, {0}},
        {"iij,jk->ki", 2, ONNXC_FLOAT, {3, 2}, {{24, 24, 40}, {40, 30}}, {0}},
        {"bi,bj->bij", 2, ONNXC_FLOAT, {2, 2}, {{5, 20}, {5, 30}}, {0}},
        {"ij,ij->", 2, ONNXC_FLOAT, {2, 2}, {{30, 40}, {30, 40}}, {0}},
    };
    enum { CAP = 3 * 37 * 45 + 1 };
    float *want = malloc(CAP * sizeof *want), *got = malloc(CAP * sizeof *got);
    cr_assert(want && got);
    for (size_t t = 0; t < sizeof cases / sizeof *cases; t++) {
        const ein_case *c = &cases[t];
        size_t na = 1, nb = 1;
        for (int d = 0; d < c->rank[0]; d++)
            na *= (size_t)c->dims[0][d];
        for (int d = 0; d < c->rank[1]; d++)
            nb *= (size_t)c->dims[1][d];
        float *a = values(na, 16), *b = values(nb, 17);
        for (size_t i = 0; i < na; i++)
            a[i] += (float)i / (float)na;   /* not exact: a tolerance */
        const void *data[] = {a, b};
        int64_t wd[8], gd[8];
        int wr, gr;
        run_case(c, data, ONNXC_KERNELS_REFERENCE, 1, want, CAP * sizeof(float),
                 &wr, wd);
        size_t count = 1;
        for (int d = 0; d < wr; d++)
            count *= (size_t)wd[d];
        for (int threads = 1; threads <= 2; threads++) {
            run_case(c, data, ONNXC_KERNELS_AUTO, threads, got,
                     CAP * sizeof(float), &gr, gd);
            cr_assert(gr == wr && !memcmp(gd, wd, (size_t)wr * sizeof *wd),
                      "%s", c->eq);
            for (size_t i = 0; i < count; i++)
                cr_assert(fabsf(got[i] - want[i]) <= 1e-4f * (1 + fabsf(want[i])),
                          "%s, %d threads: y[%zu] = %.9g, plain %.9g", c->eq,
                          threads, i, got[i], want[i]);
        }
        free(a);
        free(b);
    }
    free(want);
    free(got);
}

Test(einsum, a_symbolic_dim_disagreeing_at_run_is_named_then_recovers)
{
    ein_case c = {"ij,jk->ik", 2, ONNXC_FLOAT, {2, 2}, {{2, 3}, {3, 2}},
                  {"m,k1", "k2,n"}};
    onnxc_status *st = NULL;
    onnxc_model *model = ein_model(&c, &st);
    ok(st);
    onnxc_session *s = ein_session(model, ONNXC_KERNELS_AUTO, 1);
    float a[6] = {1, 2, 3, 4, 5, 6}, b[8] = {1, 0, 0, 1, 1, 1, 0, 0};
    ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, (int64_t[]){2, 3}, 2, a));
    ok(onnxc_session_bind_input(s, 1, ONNXC_FLOAT, (int64_t[]){4, 2}, 2, b));
    st = onnxc_session_run(s);
    const char *msg = onnxc_status_message(st);
    cr_assert_not_null(st);
    cr_assert(strstr(msg, "node 'ein'") && strstr(msg, "letter 'j'"), "%s",
              msg);
    onnxc_status_free(st);
    ok(onnxc_session_bind_input(s, 1, ONNXC_FLOAT, (int64_t[]){3, 2}, 2, b));
    ok(onnxc_session_run(s));
    onnxc_tensor_view v;
    ok(onnxc_session_output(s, 0, &v));
    const float *y = v.data;
    /* [1 2 3; 4 5 6] x [1 0; 0 1; 1 1] */
    cr_assert(y[0] == 4 && y[1] == 5 && y[2] == 10 && y[3] == 11, "%g %g %g %g",
              y[0], y[1], y[2], y[3]);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(einsum, refusals_at_load_name_the_node)
{
    struct {
        ein_case c;
        onnxc_code code;
        const char *part;
    } cases[] = {
        {{"ij,j%->i", 2, ONNXC_FLOAT, {2, 1}, {{2, 3}, {3}}, {0}},
         ONNXC_ERR_INVALID_MODEL, "unexpected '%'"},
        {{"ij->i", 2, ONNXC_FLOAT, {2, 1}, {{2, 3}, {3}}, {0}},
         ONNXC_ERR_INVALID_MODEL, "1 terms for 2 operands"},
        {{"ij,jk->iz", 2, ONNXC_FLOAT, {2, 2}, {{2, 3}, {3, 4}}, {0}},
         ONNXC_ERR_INVALID_MODEL, "output letter 'z'"},
        {{"ij,jk->ik", 2, ONNXC_FLOAT, {2, 2}, {{2, 3}, {4, 5}}, {0}},
         ONNXC_ERR_SHAPE, "letter 'j' is 3 in operand 0 but 4 in operand 1"},
        {{"ij->ii", 1, ONNXC_FLOAT, {2}, {{2, 3}}, {0}},
         ONNXC_ERR_INVALID_MODEL, "appears twice"},
        {{"ijk->i", 1, ONNXC_FLOAT, {2}, {{2, 3}}, {0}},
         ONNXC_ERR_SHAPE, "rank 2"},
        {{"...i,...i", 2, ONNXC_FLOAT, {2, 2}, {{2, 3}, {4, 3}}, {0}},
         ONNXC_ERR_SHAPE, "do not broadcast"},
        {{"i->i", 1, ONNXC_BOOL, {1}, {{2}}, {0}}, ONNXC_ERR_UNSUPPORTED, "bool"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        onnxc_status *st = NULL;
        onnxc_model *model = ein_model(&cases[k].c, &st);
        const char *msg = onnxc_status_message(st);
        cr_assert_not_null(st, "case %zu loaded", k);
        cr_assert_eq(onnxc_status_code(st), cases[k].code, "case %zu: %s", k,
                     msg);
        cr_assert(strstr(msg, "node 'ein'") && strstr(msg, cases[k].part),
                  "case %zu: %s", k, msg);
        onnxc_status_free(st);
        onnxc_model_free(model);
    }
}
