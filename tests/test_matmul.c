/*
 * test_matmul.c - MatMul against a naive numpy.matmul written here: 1-D
 * operands, broadcast batches, empty dims, float, double and the
 * integers, special values, B prepacked at load or not, fused
 * activations, thread counts, and infer's shapes, types and errors.
 *
 * The op is driven the way the runtime drives it: oc_ops_find, prepare on a
 * hand-built node, infer on types, prepack on a value, run on tensors.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_harness.h"
#include "runtime/exec/thread_pool.h"

#define MAX_RANK 6

/* ------------------------------------------------------------ helpers */

static bool is_float(onnxc_dtype t)
{
    return t == ONNXC_FLOAT || t == ONNXC_DOUBLE;
}

/* Integers as their 64-bit pattern: wrapping products and sums modulo
 * 2^64 truncate to the same low bits as the 32-bit ones. */
static uint64_t get_bits(onnxc_dtype t, const void *data, size_t i)
{
    switch (t) {
    case ONNXC_INT32: return (uint64_t)(int64_t)((const int32_t *)data)[i];
    case ONNXC_UINT32: return ((const uint32_t *)data)[i];
    case ONNXC_INT64: return (uint64_t)((const int64_t *)data)[i];
    default: return ((const uint64_t *)data)[i];
    }
}

static void set_bits(onnxc_dtype t, void *data, size_t i, uint64_t v)
{
    switch (t) {
    case ONNXC_INT32: ((int32_t *)data)[i] = (int32_t)(uint32_t)v; break;
    case ONNXC_UINT32: ((uint32_t *)data)[i] = (uint32_t)v; break;
    case ONNXC_INT64: ((int64_t *)data)[i] = (int64_t)v; break;
    default: ((uint64_t *)data)[i] = v; break;
    }
}

static bool same_bits_of(onnxc_dtype t, uint64_t a, uint64_t b)
{
    size_t bytes = onnxc_dtype_size(t);
    uint64_t mask = bytes == 8 ? UINT64_MAX : (UINT64_C(1) << (8 * bytes)) - 1;
    return ((a ^ b) & mask) == 0;
}

/* ---------------------------------------------------- the reference */

/* numpy.matmul's shapes: 1-D A is [1, K], 1-D B is [K, 1], the batch
 * dims broadcast. Fills the promoted operands' batch dims, aligned to
 * the output's batch rank, and M, K, N. */
typedef struct ref_layout {
    int batch_rank;
    int64_t a_batch[MAX_RANK], b_batch[MAX_RANK], y_batch[MAX_RANK];
    int64_t m, k, n;
} ref_layout;

static ref_layout ref_layout_of(int ra, const int64_t *ad, int rb,
                                const int64_t *bd)
{
    ref_layout r;
    memset(&r, 0, sizeof r);
    r.m = ra == 1 ? 1 : ad[ra - 2];
    r.k = ad[ra - 1];
    r.n = rb == 1 ? 1 : bd[rb - 1];
    int abr = ra > 2 ? ra - 2 : 0, bbr = rb > 2 ? rb - 2 : 0;
    r.batch_rank = abr > bbr ? abr : bbr;
    for (int d = 0; d < r.batch_rank; d++) {
        int ia = d - (r.batch_rank - abr), ib = d - (r.batch_rank - bbr);
        r.a_batch[d] = ia >= 0 ? ad[ia] : 1;
        r.b_batch[d] = ib >= 0 ? bd[ib] : 1;
        r.y_batch[d] = r.a_batch[d] == 1 ? r.b_batch[d] : r.a_batch[d];
    }
    return r;
}

/* The flat offset of a batch index into an operand's batch dims, with
 * broadcast dims pinned at 0, times the matrix size. */
static size_t ref_matrix(const int64_t *dims, int rank, const int64_t *idx,
                         size_t matrix)
{
    size_t off = 0;
    for (int d = 0; d < rank; d++)
        off = off * (size_t)dims[d] + (dims[d] == 1 ? 0 : (size_t)idx[d]);
    return off * matrix;
}

/* Y[t][i][j] for every batch index t: a real value and the sum of the
 * magnitudes of its terms (for the rounding bound), or integer bits. */
typedef struct ref_result {
    size_t count, k;
    long double *value, *scale;
    uint64_t *bits;
} ref_result;

static ref_result reference(onnxc_dtype t, const ref_layout *r, const void *a,
                            const void *b)
{
    ref_result out;
    size_t batches = count_of(r->batch_rank, r->y_batch);
    size_t m = (size_t)r->m, n = (size_t)r->n, k = (size_t)r->k;
    out.count = batches * m * n;
    out.k = k;
    out.value = calloc(out.count + 1, sizeof *out.value);
    out.scale = calloc(out.count + 1, sizeof *out.scale);
    out.bits = calloc(out.count + 1, sizeof *out.bits);
    cr_assert(out.value && out.scale && out.bits);
    int64_t idx[MAX_RANK] = {0};
    for (size_t bt = 0; bt < batches; bt++) {
        /* bt as a multi-index over the output's batch dims. */
        size_t rest = bt;
        for (int d = r->batch_rank - 1; d >= 0; d--) {
            idx[d] = (int64_t)(rest % (size_t)r->y_batch[d]);
            rest /= (size_t)r->y_batch[d];
        }
        size_t a0 = ref_matrix(r->a_batch, r->batch_rank, idx, m * k);
        size_t b0 = ref_matrix(r->b_batch, r->batch_rank, idx, k * n);
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < n; j++) {
                size_t o = (bt * m + i) * n + j;
                long double acc = 0, scale = 0;
                uint64_t bits = 0;
                for (size_t l = 0; l < k; l++) {
                    size_t ia = a0 + i * k + l, ib = b0 + l * n + j;
                    if (is_float(t)) {
                        long double p = (long double)get_elem(t, a, ia) *
                                        get_elem(t, b, ib);
                        acc += p;
                        scale += fabsl(p);
                    } else {
                        bits += get_bits(t, a, ia) * get_bits(t, b, ib);
                    }
                }
                out.value[o] = acc;
                out.scale[o] = scale;
                out.bits[o] = bits;
            }
    }
    return out;
}

static void ref_free(ref_result *r)
{
    free(r->value);
    free(r->scale);
    free(r->bits);
}

/* got agrees with the reference: NaN where it is NaN, the same infinity,
 * else within rounding of the magnitudes summed. act: 0 none, 1 Relu,
 * 2 LeakyRelu with slope. */
static void expect_matches(onnxc_dtype t, const void *y, const ref_result *r,
                           int act, float slope, const char *what)
{
    /* The worst case of summing K terms: K roundings of the sum. */
    long double eps = t == ONNXC_FLOAT ? 6e-8L : 1.2e-16L;
    long double rel = eps * (long double)(r->k + 2);
    for (size_t o = 0; o < r->count; o++) {
        if (!is_float(t)) {
            uint64_t got = get_bits(t, y, o);
            cr_assert(same_bits_of(t, got, r->bits[o]),
                      "%s: Y[%zu] = %llu, reference %llu", what, o,
                      (unsigned long long)got,
                      (unsigned long long)r->bits[o]);
            continue;
        }
        long double want = r->value[o], scale = r->scale[o];
        if (act == 1 && want < 0)
            want = 0;
        else if (act == 2 && want < 0) {
            want *= slope;
            scale *= slope;
        }
        double got = get_elem(t, y, o);
        if (isnan(want))
            cr_assert(isnan(got), "%s: Y[%zu] = %g, expected NaN", what, o,
                      got);
        else if (isinf(want))
            cr_assert(got == (double)want, "%s: Y[%zu] = %g, expected %Lg",
                      what, o, got, want);
        else
            cr_assert(fabsl((long double)got - want) <= rel * (scale + 1e-30L),
                      "%s: Y[%zu] = %.17g, reference %.17Lg (scale %Lg)", what,
                      o, got, want, scale);
    }
}

/* ------------------------------------------------------------ the cases */

typedef struct matmul_case {
    int ra;
    int64_t a[MAX_RANK];
    int rb;
    int64_t b[MAX_RANK];
    int ry;
    int64_t y[MAX_RANK];    /* numpy.matmul's result shape */
} matmul_case;

static const matmul_case CASES[] = {
    {1, {4}, 1, {4}, 0, {0}},
    {1, {4}, 2, {4, 6}, 1, {6}},
    {2, {3, 4}, 1, {4}, 1, {3}},
    {1, {4}, 3, {2, 4, 6}, 2, {2, 6}},
    {3, {2, 3, 4}, 1, {4}, 2, {2, 3}},
    {2, {3, 4}, 2, {4, 5}, 2, {3, 5}},
    {4, {2, 1, 3, 4}, 3, {5, 4, 6}, 4, {2, 5, 3, 6}},
    {3, {5, 3, 4}, 4, {2, 1, 4, 6}, 4, {2, 5, 3, 6}},
    {2, {3, 4}, 3, {2, 4, 6}, 3, {2, 3, 6}},
    {3, {2, 3, 4}, 3, {1, 4, 5}, 3, {2, 3, 5}},
    {3, {2, 3, 4}, 3, {2, 4, 5}, 3, {2, 3, 5}},
    {4, {1, 2, 3, 4}, 4, {2, 1, 4, 5}, 4, {2, 2, 3, 5}},
    {2, {3, 4}, 4, {1, 1, 4, 5}, 4, {1, 1, 3, 5}},
    {5, {2, 1, 2, 3, 4}, 4, {3, 1, 4, 2}, 5, {2, 3, 2, 3, 2}},
    /* Big enough for the packed, blocked kernel (K past one block too). */
    {3, {2, 70, 130}, 2, {130, 90}, 3, {2, 70, 90}},
    {3, {3, 40, 300}, 3, {3, 300, 70}, 3, {3, 40, 70}},
    {3, {2, 9, 20}, 2, {20, 7}, 3, {2, 9, 7}},
    /* Empty dims: K = 0 gives zeros; M, N or a batch of 0 give nothing. */
    {2, {3, 0}, 2, {0, 4}, 2, {3, 4}},
    {1, {0}, 1, {0}, 0, {0}},
    {4, {2, 1, 3, 0}, 3, {5, 0, 6}, 4, {2, 5, 3, 6}},
    {2, {0, 4}, 2, {4, 5}, 2, {0, 5}},
    {2, {3, 4}, 2, {4, 0}, 2, {3, 0}},
    {3, {0, 3, 4}, 2, {4, 5}, 3, {0, 3, 5}},
    {3, {1, 3, 4}, 3, {0, 4, 5}, 3, {0, 3, 5}},
};
#define N_CASES (sizeof CASES / sizeof CASES[0])

static const char *case_name(const matmul_case *c, onnxc_dtype t, char *buf,
                             size_t size)
{
    char sa[64], sb[64];
    snprintf(buf, size, "%s %s x %s", onnxc_dtype_name(t),
             oc_dims_format(c->a, c->ra, sa, sizeof sa),
             oc_dims_format(c->b, c->rb, sb, sizeof sb));
    return buf;
}

/* Fills an operand: values in [-1, 1) for reals; small integers with now
 * and then one large enough to wrap the products. */
static void fill(onnxc_dtype t, void *data, size_t count, rng *r)
{
    for (size_t i = 0; i < count; i++) {
        if (is_float(t)) {
            set_elem(t, data, i,
                     (double)(rng_next(r) >> 11) / 4503599627370496.0 - 1.0);
        } else {
            uint64_t v = rng_below(r, 8) == 0 ? rng_next(r)
                                              : (uint64_t)rng_below(r, 19) - 9;
            set_bits(t, data, i, v);
        }
    }
}

/* The shape infer gives matches numpy's. */
static void expect_infer_shape(const kernel *k, onnxc_dtype t,
                               const matmul_case *c, const char *what)
{
    oc_type ta = type_of(t, c->ra, c->a), tb = type_of(t, c->rb, c->b), ty;
    const oc_type *in[2] = {&ta, &tb};
    memset(&ty, 0, sizeof ty);
    onnxc_status *st = kernel_infer(k, in, &ty);
    cr_assert_null(st, "%s: infer failed: %s", what, onnxc_status_message(st));
    cr_assert_eq(ty.dtype, t, "%s: infer gave %s", what,
                 onnxc_dtype_name(ty.dtype));
    cr_assert_eq(ty.shape.rank, c->ry, "%s: rank %d, want %d", what,
                 ty.shape.rank, c->ry);
    for (int d = 0; d < c->ry; d++)
        cr_assert(dim_is_known(ty.shape.dims[d]) &&
                      ty.shape.dims[d].value == c->y[d],
                  "%s: dim %d is %lld, want %lld", what, d,
                  (long long)ty.shape.dims[d].value, (long long)c->y[d]);
}

/* Runs one case (infer, run) and compares with the reference. */
static void check_case(const matmul_case *c, onnxc_dtype t, int opset,
                       unsigned seed)
{
    char what[160];
    case_name(c, t, what, sizeof what);
    kernel k;
    kernel_open_ok(&k, "MatMul", opset, NULL, 0);
    expect_infer_shape(&k, t, c, what);

    rng r = rng_seed(seed);
    size_t na = count_of(c->ra, c->a), nb = count_of(c->rb, c->b);
    size_t ny = count_of(c->ry, c->y);
    void *a = alloc_elems(na, t), *b = alloc_elems(nb, t);
    void *y = alloc_elems(ny, t);
    fill(t, a, na, &r);
    fill(t, b, nb, &r);
    /* NaN (or a pattern) everywhere, so an element skipped cannot pass. */
    for (size_t i = 0; i < ny; i++) {
        if (is_float(t))
            set_elem(t, y, i, NAN);
        else
            set_bits(t, y, i, 0x5a5a5a5a5a5a5a5aull);
    }
    oc_tensor xa = tensor_of(t, c->ra, c->a, a);
    oc_tensor xb = tensor_of(t, c->rb, c->b, b);
    oc_tensor xy = tensor_of(t, c->ry, c->y, y);
    const oc_tensor *in[2] = {&xa, &xb};
    oc_tensor *out[1] = {&xy};
    kernel_run(&k, in, out);

    ref_layout lay = ref_layout_of(c->ra, c->a, c->rb, c->b);
    ref_result ref = reference(t, &lay, a, b);
    cr_assert_eq(ref.count, ny, "%s: reference has %zu elements, Y %zu", what,
                 ref.count, ny);
    expect_matches(t, y, &ref, 0, 0, what);
    ref_free(&ref);
    free(a);
    free(b);
    free(y);
    kernel_close(&k);
}

Test(matmul, float_and_double_match_numpy_matmul)
{
    for (size_t i = 0; i < N_CASES; i++) {
        check_case(&CASES[i], ONNXC_FLOAT, 13, (unsigned)i + 1);
        check_case(&CASES[i], ONNXC_DOUBLE, 13, (unsigned)i + 100);
        /* Version 1 runs the same for the real types. */
        check_case(&CASES[i], ONNXC_DOUBLE, 1, (unsigned)i + 200);
    }
}

Test(matmul, integers_wrap_from_version_9)
{
    static const onnxc_dtype ints[] = {ONNXC_INT32, ONNXC_INT64, ONNXC_UINT32,
                                       ONNXC_UINT64};
    for (size_t i = 0; i < N_CASES; i++)
        for (size_t t = 0; t < 4; t++)
            check_case(&CASES[i], ints[t], t % 2 ? 9 : 13,
                       (unsigned)(i * 4 + t + 300));
}

Test(matmul, known_values_and_wrapping)
{
    kernel k;
    kernel_open_ok(&k, "MatMul", 13, NULL, 0);
    /* [1,2,3] . [[1,2],[3,4],[5,6]] = [22, 28]. */
    float a[] = {1, 2, 3}, b[] = {1, 2, 3, 4, 5, 6}, y[2] = {NAN, NAN};
    int64_t da[] = {3}, db[] = {3, 2}, dy[] = {2};
    oc_tensor xa = tensor_of(ONNXC_FLOAT, 1, da, a);
    oc_tensor xb = tensor_of(ONNXC_FLOAT, 2, db, b);
    oc_tensor xy = tensor_of(ONNXC_FLOAT, 1, dy, y);
    const oc_tensor *in[2] = {&xa, &xb};
    oc_tensor *out[1] = {&xy};
    kernel_run(&k, in, out);
    cr_assert(y[0] == 22 && y[1] == 28, "got [%g, %g]", y[0], y[1]);

    /* INT32_MAX * 2 + 3 * 1 wraps to 1 in int32. */
    int32_t ia[] = {INT32_MAX, 3}, ib[] = {2, 1}, iy[1] = {7};
    int64_t d2[] = {2};
    oc_tensor ta = tensor_of(ONNXC_INT32, 1, d2, ia);
    oc_tensor tb = tensor_of(ONNXC_INT32, 1, d2, ib);
    oc_tensor ty = tensor_of(ONNXC_INT32, 0, NULL, iy);
    const oc_tensor *iin[2] = {&ta, &tb};
    oc_tensor *iout[1] = {&ty};
    kernel_run(&k, iin, iout);
    cr_assert_eq(iy[0], 1, "int32 wrapped to %d, want 1", iy[0]);
    kernel_close(&k);
}

/* Special values through both the kernel and the plain loop: NaN and
 * infinities propagate, inf * 0 is NaN, -0 terms add to zero. */
Test(matmul, special_values)
{
    static const double specials[] = {NAN, INFINITY, -INFINITY, 0.0, -0.0,
                                      1.0, -2.5};
    static const matmul_case shapes[] = {
        {3, {2, 5, 7}, 2, {7, 6}, 3, {2, 5, 6}},
        {3, {2, 40, 70}, 3, {2, 70, 50}, 3, {2, 40, 50}},
    };
    for (int dt = 0; dt < 2; dt++) {
        onnxc_dtype t = dt ? ONNXC_DOUBLE : ONNXC_FLOAT;
        for (size_t s = 0; s < 2; s++) {
            const matmul_case *c = &shapes[s];
            char what[160];
            case_name(c, t, what, sizeof what);
            kernel k;
            kernel_open_ok(&k, "MatMul", 13, NULL, 0);
            rng r = rng_seed(77 + s);
            size_t na = count_of(c->ra, c->a), nb = count_of(c->rb, c->b);
            size_t ny = count_of(c->ry, c->y);
            void *a = alloc_elems(na, t), *b = alloc_elems(nb, t);
            void *y = alloc_elems(ny, t);
            fill(t, a, na, &r);
            fill(t, b, nb, &r);
            /* A few specials in A, sparse so most outputs stay finite. */
            for (size_t i = 0; i < na; i += 13 + rng_below(&r, 40))
                set_elem(t, a, i, specials[rng_below(&r, 7)]);
            for (size_t i = 0; i < nb; i += 29 + rng_below(&r, 60))
                set_elem(t, b, i, specials[rng_below(&r, 7)]);
            oc_tensor xa = tensor_of(t, c->ra, c->a, a);
            oc_tensor xb = tensor_of(t, c->rb, c->b, b);
            oc_tensor xy = tensor_of(t, c->ry, c->y, y);
            const oc_tensor *in[2] = {&xa, &xb};
            oc_tensor *out[1] = {&xy};
            kernel_run(&k, in, out);
            ref_layout lay = ref_layout_of(c->ra, c->a, c->rb, c->b);
            ref_result ref = reference(t, &lay, a, b);
            expect_matches(t, y, &ref, 0, 0, what);
            ref_free(&ref);
            free(a);
            free(b);
            free(y);
            kernel_close(&k);
        }
    }
}

/* ------------------------------------ prepacking, fusion and threads */

/* B as the prepack_weights pass hands it over: a weight. */
static oc_value weight_of(const matmul_case *c, const void *b)
{
    oc_value v;
    memset(&v, 0, sizeof v);
    v.name = "W";
    v.dtype = ONNXC_FLOAT;
    v.shape = type_of(ONNXC_FLOAT, c->rb, c->b).shape;
    v.flags = OC_VALUE_INITIALIZER;
    v.data = b;
    v.bytes = count_of(c->rb, c->b) * sizeof(float);
    v.producer = -1;
    v.last_use = -1;
    return v;
}

typedef struct variant {
    bool prepack;
    int act;        /* 0 none, 1 Relu, 2 LeakyRelu */
    int threads;
} variant;

/* Runs case c in float with variant v; returns Y (the caller frees). */
static float *run_variant(const matmul_case *c, const float *a,
                          const float *b, variant v)
{
    kernel k;
    kernel_open_ok(&k, "MatMul", 13, NULL, 0);
    if (v.act) {
        oc_activation act = v.act == 1 ? OC_ACT_RELU : OC_ACT_LEAKY_RELU;
        float param = v.act == 1 ? 0 : 0.25f;
        cr_assert(k.op->fuse_activation(&k.node, k.params, act, param),
                  "the fusion was declined");
        /* A second activation is not fused over the first. */
        cr_assert(!k.op->fuse_activation(&k.node, k.params, act, param));
    }
    if (v.prepack) {
        oc_value w = weight_of(c, b), x;
        memset(&x, 0, sizeof x);
        const oc_value *vin[2] = {&x, &w};
        onnxc_status *st = kernel_prepack(&k, vin);
        cr_assert_null(st, "prepack failed: %s", onnxc_status_message(st));
    }
    oc_thread_pool *pool = NULL;
    if (v.threads > 1) {
        onnxc_status *st = oc_thread_pool_create(v.threads, &pool);
        cr_assert_null(st, "oc_thread_pool_create: %s", onnxc_status_message(st));
        cr_assert_eq(oc_thread_pool_size(pool), v.threads);
    }
    size_t ny = count_of(c->ry, c->y);
    float *y = alloc_elems(ny, ONNXC_FLOAT);
    for (size_t i = 0; i < ny; i++)
        y[i] = NAN;
    oc_tensor xa = tensor_of(ONNXC_FLOAT, c->ra, c->a, (void *)a);
    oc_tensor xb = tensor_of(ONNXC_FLOAT, c->rb, c->b, (void *)b);
    oc_tensor xy = tensor_of(ONNXC_FLOAT, c->ry, c->y, y);
    const oc_tensor *in[2] = {&xa, &xb};
    oc_tensor *out[1] = {&xy};
    oc_thread_pool_begin(pool);
    kernel_run_on(&k, in, out, pool);
    oc_thread_pool_end(pool);
    oc_thread_pool_free(pool);
    kernel_close(&k);
    return y;
}

/* Prepacked or not, fused or not, on one thread or four: the same as the
 * reference, and the same bits whatever the thread count. */
Test(matmul, prepacked_fused_and_threaded_runs_agree)
{
    static const matmul_case shapes[] = {
        {3, {4, 100, 256}, 2, {256, 300}, 3, {4, 100, 300}},
        {3, {2, 70, 130}, 3, {1, 130, 90}, 3, {2, 70, 90}},
        {3, {3, 40, 300}, 2, {300, 70}, 3, {3, 40, 70}},
        {3, {2, 5, 10}, 2, {10, 5}, 3, {2, 5, 5}},
        {2, {7, 33}, 2, {33, 17}, 2, {7, 17}},
        {1, {20}, 2, {20, 40}, 1, {40}},
        {2, {3, 0}, 2, {0, 4}, 2, {3, 4}},
        {2, {3, 4}, 2, {4, 0}, 2, {3, 0}},
        /* A batched B is never prepacked; threads still must agree. */
        {3, {3, 40, 300}, 3, {3, 300, 70}, 3, {3, 40, 70}},
    };
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const matmul_case *c = &shapes[s];
        char what[200], name[160];
        case_name(c, ONNXC_FLOAT, name, sizeof name);
        rng r = rng_seed(500 + s);
        size_t na = count_of(c->ra, c->a), nb = count_of(c->rb, c->b);
        size_t ny = count_of(c->ry, c->y);
        float *a = alloc_elems(na, ONNXC_FLOAT);
        float *b = alloc_elems(nb, ONNXC_FLOAT);
        fill(ONNXC_FLOAT, a, na, &r);
        fill(ONNXC_FLOAT, b, nb, &r);
        ref_layout lay = ref_layout_of(c->ra, c->a, c->rb, c->b);
        ref_result ref = reference(ONNXC_FLOAT, &lay, a, b);
        bool can_prepack = c->rb == 2 || (c->rb == 3 && c->b[0] == 1);
        for (int act = 0; act < 3; act++) {
            float *base = run_variant(c, a, b, (variant){false, act, 1});
            snprintf(what, sizeof what, "%s act %d", name, act);
            expect_matches(ONNXC_FLOAT, base, &ref, act, 0.25f, what);
            for (int pre = 0; pre < (can_prepack ? 2 : 1); pre++) {
                float *got = run_variant(c, a, b, (variant){pre, act, 4});
                snprintf(what, sizeof what, "%s act %d prepacked %d threads 4",
                         name, act, pre);
                cr_assert(ny == 0 || memcmp(got, base, ny * sizeof *got) == 0,
                          "%s: differs from one unpacked thread", what);
                free(got);
                if (pre) {
                    got = run_variant(c, a, b, (variant){true, act, 1});
                    cr_assert(ny == 0 ||
                                  memcmp(got, base, ny * sizeof *got) == 0,
                              "%s prepacked on one thread: differs", name);
                    free(got);
                }
            }
            free(base);
        }
        ref_free(&ref);
        free(a);
        free(b);
    }
}

/* A weight with a batch, or one a caller may override, is not packed:
 * the run reads B as given. */
Test(matmul, only_unbatched_fixed_weights_are_prepacked)
{
    static const matmul_case batched = {3, {2, 3, 4}, 3, {2, 4, 5},
                                        3, {2, 3, 5}};
    static const matmul_case plain = {2, {3, 4}, 2, {4, 5}, 2, {3, 5}};
    const matmul_case *cases[2] = {&batched, &plain};
    for (int i = 0; i < 2; i++) {
        const matmul_case *c = cases[i];
        rng r = rng_seed(900 + (unsigned)i);
        float a[24], b[40], b2[40], y[30];
        fill(ONNXC_FLOAT, a, count_of(c->ra, c->a), &r);
        fill(ONNXC_FLOAT, b, count_of(c->rb, c->b), &r);
        fill(ONNXC_FLOAT, b2, count_of(c->rb, c->b), &r);
        kernel k;
        kernel_open_ok(&k, "MatMul", 13, NULL, 0);
        oc_value w = weight_of(c, b), x;
        memset(&x, 0, sizeof x);
        /* The plain B is an overridable input: not packed either. */
        if (i == 1)
            w.flags |= OC_VALUE_INPUT;
        const oc_value *vin[2] = {&x, &w};
        cr_assert_null(kernel_prepack(&k, vin));
        /* Run on other data: a packed copy of b would give b's product. */
        oc_tensor xa = tensor_of(ONNXC_FLOAT, c->ra, c->a, a);
        oc_tensor xb = tensor_of(ONNXC_FLOAT, c->rb, c->b, b2);
        oc_tensor xy = tensor_of(ONNXC_FLOAT, c->ry, c->y, y);
        const oc_tensor *in[2] = {&xa, &xb};
        oc_tensor *out[1] = {&xy};
        kernel_run(&k, in, out);
        ref_layout lay = ref_layout_of(c->ra, c->a, c->rb, c->b);
        ref_result ref = reference(ONNXC_FLOAT, &lay, a, b2);
        expect_matches(ONNXC_FLOAT, y, &ref, 0, 0, "unpacked B");
        ref_free(&ref);
        kernel_close(&k);
    }
}

/* ------------------------------------------------------------- infer */

static onnxc_status *infer_shapes(const kernel *k, const oc_type *a,
                                  const oc_type *b, oc_type *y)
{
    const oc_type *in[2] = {a, b};
    memset(y, 0, sizeof *y);
    return kernel_infer(k, in, y);
}

static oc_dim sym(int32_t s)
{
    oc_dim d = {-1, s};
    return d;
}

Test(matmul_infer, symbolic_dims_and_unknown_ranks)
{
    kernel k;
    kernel_open_ok(&k, "MatMul", 13, NULL, 0);
    /* [batch, seq, 64] x [64, 48] -> [batch, seq, 48]. */
    int64_t ad[] = {1, 1, 64}, bd[] = {64, 48};
    oc_type a = type_of(ONNXC_FLOAT, 3, ad), b = type_of(ONNXC_FLOAT, 2, bd), y;
    a.shape.dims[0] = sym(0);
    a.shape.dims[1] = sym(1);
    cr_assert_null(infer_shapes(&k, &a, &b, &y));
    cr_assert_eq(y.shape.rank, 3);
    cr_assert(y.shape.dims[0].sym == 0 && y.shape.dims[1].sym == 1);
    cr_assert(dim_is_known(y.shape.dims[2]) && y.shape.dims[2].value == 48);

    /* A symbolic K against a known one is left for the run to check. */
    a.shape.dims[2] = sym(2);
    cr_assert_null(infer_shapes(&k, &a, &b, &y));

    /* A symbolic batch against a batch of 5 gives 5. */
    int64_t bd3[] = {5, 64, 48};
    oc_type b3 = type_of(ONNXC_FLOAT, 3, bd3);
    cr_assert_null(infer_shapes(&k, &a, &b3, &y));
    cr_assert_eq(y.shape.rank, 3);
    cr_assert(dim_is_known(y.shape.dims[0]) && y.shape.dims[0].value == 5);
    cr_assert_eq(y.shape.dims[1].sym, 1);

    /* Either rank unknown: the output's rank is unknown. */
    a.shape.rank = -1;
    cr_assert_null(infer_shapes(&k, &a, &b, &y));
    cr_assert_eq(y.shape.rank, -1);
    cr_assert_null(infer_shapes(&k, &b, &a, &y));
    cr_assert_eq(y.shape.rank, -1);
    kernel_close(&k);
}

Test(matmul_infer, shape_errors_name_both_shapes)
{
    kernel k;
    kernel_open_ok(&k, "MatMul", 13, NULL, 0);
    oc_type y;
    int64_t a3[] = {2, 3, 4}, b56[] = {5, 6}, b5[] = {5}, b346[] = {3, 4, 6};
    oc_type a = type_of(ONNXC_FLOAT, 3, a3);

    oc_type b = type_of(ONNXC_FLOAT, 2, b56);
    expect_error(infer_shapes(&k, &a, &b, &y), ONNXC_ERR_SHAPE, KERNEL_LABEL,
                 "MatMul-13", "[2,3,4]", "[5,6]", "K is 4", "but 5", NULL);
    b = type_of(ONNXC_FLOAT, 1, b5);
    expect_error(infer_shapes(&k, &a, &b, &y), ONNXC_ERR_SHAPE, "[2,3,4]",
                 "[5]", "K is 4", "but 5", NULL);
    /* 1-D A against B's K. */
    oc_type a1 = type_of(ONNXC_FLOAT, 1, b5);
    b = type_of(ONNXC_FLOAT, 2, b56);
    cr_assert_null(infer_shapes(&k, &a1, &b, &y));
    b = type_of(ONNXC_FLOAT, 3, a3);
    expect_error(infer_shapes(&k, &a1, &b, &y), ONNXC_ERR_SHAPE, "[5]",
                 "[2,3,4]", "K is 5", "but 3", NULL);

    b = type_of(ONNXC_FLOAT, 3, b346);
    expect_error(infer_shapes(&k, &a, &b, &y), ONNXC_ERR_SHAPE, KERNEL_LABEL,
                 "[2,3,4]", "[3,4,6]", "batch dims", "do not broadcast", NULL);

    oc_type scalar = type_of(ONNXC_FLOAT, 0, NULL);
    expect_error(infer_shapes(&k, &scalar, &b, &y), ONNXC_ERR_SHAPE, "[]",
                 "rank >= 1", NULL);
    expect_error(infer_shapes(&k, &a1, &scalar, &y), ONNXC_ERR_SHAPE, "[5]",
                 "[]", "rank >= 1", NULL);
    kernel_close(&k);
}

Test(matmul_infer, element_types_by_version)
{
    int64_t ad[] = {3, 4}, bd[] = {4, 5};
    oc_type y;
    static const onnxc_dtype ints[] = {ONNXC_INT32, ONNXC_INT64, ONNXC_UINT32,
                                       ONNXC_UINT64};
    kernel k;
    kernel_open_ok(&k, "MatMul", 8, NULL, 0);
    cr_assert_eq(k.node.op_version, 1);
    for (int i = 0; i < 4; i++) {
        oc_type a = type_of(ints[i], 2, ad), b = type_of(ints[i], 2, bd);
        expect_error(infer_shapes(&k, &a, &b, &y), ONNXC_ERR_UNSUPPORTED,
                     "MatMul-1", onnxc_dtype_name(ints[i]), "version 9", NULL);
    }
    kernel_close(&k);

    kernel_open_ok(&k, "MatMul", 9, NULL, 0);
    cr_assert_eq(k.node.op_version, 9);
    for (int i = 0; i < 4; i++) {
        oc_type a = type_of(ints[i], 2, ad), b = type_of(ints[i], 2, bd);
        cr_assert_null(infer_shapes(&k, &a, &b, &y));
        cr_assert_eq(y.dtype, ints[i]);
    }
    kernel_close(&k);

    kernel_open_ok(&k, "MatMul", 13, NULL, 0);
    static const onnxc_dtype refused[] = {ONNXC_FLOAT16, ONNXC_BFLOAT16,
                                          ONNXC_INT8, ONNXC_UINT8, ONNXC_BOOL};
    for (int i = 0; i < 5; i++) {
        oc_type a = type_of(refused[i], 2, ad), b = type_of(refused[i], 2, bd);
        expect_error(infer_shapes(&k, &a, &b, &y), ONNXC_ERR_UNSUPPORTED,
                     KERNEL_LABEL, "MatMul-13", onnxc_dtype_name(refused[i]),
                     NULL);
    }
    oc_type a = type_of(ONNXC_FLOAT, 2, ad), b = type_of(ONNXC_DOUBLE, 2, bd);
    expect_error(infer_shapes(&k, &a, &b, &y), ONNXC_ERR_INVALID_MODEL,
                 KERNEL_LABEL, "float", "double", "same type", NULL);
    kernel_close(&k);
}

Test(matmul_prepare, no_version_has_attributes)
{
    static const int opsets[] = {1, 9, 13, 21};
    oc_attr attr = {.name = "transA", .type = OC_ATTR_INT, .i = 1};
    for (int i = 0; i < 4; i++) {
        kernel k;
        expect_error(kernel_open(&k, "MatMul", opsets[i], &attr, 1),
                     ONNXC_ERR_UNSUPPORTED, KERNEL_LABEL, "'transA'", NULL);
        kernel_close(&k);
    }
}

Test(matmul_prepare, opsets_select_versions_1_9_13)
{
    static const int opsets[] = {1, 8, 9, 12, 13, 21};
    static const int want[] = {1, 1, 9, 9, 13, 13};
    for (int i = 0; i < 6; i++) {
        int version = -1;
        cr_assert_not_null(oc_ops_find("", "MatMul", opsets[i], &version));
        cr_assert_eq(version, want[i], "opset %d gave MatMul-%d", opsets[i],
                     version);
    }
}
