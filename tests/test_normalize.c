/*
 * test_normalize.c - Softmax, LogSoftmax and BatchNormalization against
 * naive long double references written here: every version, axis and
 * rank, float and double, empty tensors, special values, in place, the
 * training mode of BatchNormalization, and infer's and prepare's checks.
 *
 * The ops are driven the way the runtime drives them: oc_ops_find, prepare
 * on a hand-built node, infer on types, run on tensors with the
 * workspace they ask for.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_harness.h"

/* ------------------------------------------------------------ helpers */

/* Same value: both NaN, or equal (infinities included). */
static bool same_or_both_nan(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

/* ------------------------------------------- Softmax and LogSoftmax */

/* The reference: element i is normalized with every element whose index
 * agrees with i's outside the normalized dims (from the axis on before
 * version 13, the axis alone from 13). Written from the definition, in
 * long double: each group is named by the index of its elements with the
 * normalized digits zeroed. The sum is 1 (the maximum's term) plus the
 * rest, and log(sum) is log1p(rest): a long double sum rounded near 1
 * would lose what the kernels keep. */
static void softmax_reference(bool log_softmax, bool per_axis, int axis,
                              int rank, const int64_t *dims, const double *x,
                              long double *want)
{
    size_t n = count_of(rank, dims), m = n ? n : 1;
    size_t *key = calloc(m, sizeof *key), *top = calloc(m, sizeof *top);
    long double *max = calloc(m, sizeof *max), *rest = calloc(m, sizeof *rest);
    cr_assert(key && top && max && rest);
    for (size_t i = 0; i < n; i++) {
        size_t left = i, stride = 1, k = 0;
        for (int d = rank - 1; d >= 0; d--) {
            size_t digit = left % (size_t)dims[d];
            left /= (size_t)dims[d];
            bool normalized = per_axis ? d == axis : d >= axis;
            if (!normalized)
                k += digit * stride;
            stride *= (size_t)dims[d];
        }
        key[i] = k;
        max[i] = -INFINITY;
    }
    for (size_t i = n; i-- > 0;)
        if (x[i] >= max[key[i]]) {
            max[key[i]] = x[i];
            top[key[i]] = i;
        }
    for (size_t i = 0; i < n; i++)
        if (i != top[key[i]])
            rest[key[i]] += expl(x[i] - max[key[i]]);
    for (size_t i = 0; i < n; i++) {
        long double big = max[key[i]], others = rest[key[i]];
        want[i] = log_softmax ? (x[i] - big) - log1pl(others)
                              : expl(x[i] - big) / (1 + others);
    }
    free(key);
    free(top);
    free(max);
    free(rest);
}

typedef struct softmax_case {
    const char *op_type;   /* "Softmax" or "LogSoftmax" */
    int opset;
    onnxc_dtype dtype;
    int rank;
    int64_t dims[ONNXC_MAX_RANK];
    bool axis_given;
    int64_t axis;
    double scale;          /* inputs uniform in [-scale, scale) */
    unsigned seed;
} softmax_case;

static const char *softmax_describe(const softmax_case *c, char *buf,
                                    size_t size)
{
    char dims[96] = "";
    for (int d = 0; d < c->rank; d++)
        snprintf(dims + strlen(dims), sizeof dims - strlen(dims), "%s%lld",
                 d ? "," : "", (long long)c->dims[d]);
    snprintf(buf, size, "%s opset %d %s [%s] axis %s%lld scale %g seed %u",
             c->op_type, c->opset, onnxc_dtype_name(c->dtype), dims,
             c->axis_given ? "" : "(default) ", (long long)c->axis, c->scale,
             c->seed);
    return buf;
}

/* Runs one case out of place and in place and checks every element
 * against the reference. */
static void softmax_check(const softmax_case *c)
{
    char what[256];
    softmax_describe(c, what, sizeof what);
    bool log_softmax = strcmp(c->op_type, "LogSoftmax") == 0;
    oc_attr attrs[1] = {attr_int("axis", c->axis)};
    kernel k;
    kernel_open_outputs_ok(&k, c->op_type, c->opset, attrs,
                           c->axis_given ? 1 : 0, 1);
    bool per_axis = k.node.op_version >= 13;
    int64_t axis = c->axis_given ? c->axis : per_axis ? -1 : 1;
    int a = (int)(axis < 0 ? axis + c->rank : axis);

    oc_type tx = type_of(c->dtype, c->rank, c->dims), ty[1];
    const oc_type *types[1] = {&tx};
    onnxc_status *st = kernel_infer(&k, types, ty);
    cr_assert_null(st, "%s: infer failed: %s", what, onnxc_status_message(st));
    cr_assert(ty[0].dtype == c->dtype && ty[0].shape.rank == c->rank,
              "%s: infer changed the type", what);
    for (int d = 0; d < c->rank; d++)
        cr_assert(dim_is_known(ty[0].shape.dims[d]) &&
                      ty[0].shape.dims[d].value == c->dims[d],
                  "%s: infer changed dim %d", what, d);

    rng r = rng_seed(c->seed);
    size_t n = count_of(c->rank, c->dims);
    size_t size = onnxc_dtype_size(c->dtype);
    double *xd = calloc(n ? n : 1, sizeof *xd);
    long double *want = calloc(n ? n : 1, sizeof *want);
    void *x = alloc_elems(n, c->dtype), *y = alloc_elems(n, c->dtype);
    cr_assert(xd && want);
    for (size_t i = 0; i < n; i++) {
        set_elem(c->dtype, x, i, c->scale * rng_unit(&r));
        xd[i] = get_elem(c->dtype, x, i);
        /* NaN everywhere, so an element the kernel skips cannot pass. */
        set_elem(c->dtype, y, i, NAN);
    }
    softmax_reference(log_softmax, per_axis, a, c->rank, c->dims, xd, want);

    oc_tensor tin = tensor_of(c->dtype, c->rank, c->dims, x);
    oc_tensor tout = tensor_of(c->dtype, c->rank, c->dims, y);
    const oc_tensor *in[1] = {&tin};
    oc_tensor *out[1] = {&tout};
    kernel_run(&k, in, out);
    /* A few ulps of the result (the tiniest float results are subnormal:
     * an absolute floor). In double, exp amplifies the rounding of x - max
     * (up to ~700 for a result above the floor) into its result, and so
     * into LogSoftmax's log1p of a sum of such terms. That bound is
     * relative even near 0, where the log of a sum rounded near 1 would
     * lose every digit. */
    bool is_float = c->dtype == ONNXC_FLOAT;
    long double rel = is_float ? 3e-7L : 1e-13L;
    long double floor_ = is_float ? 1e-44L : 1e-300L;
    for (size_t i = 0; i < n; i++) {
        double got = get_elem(c->dtype, y, i);
        cr_assert(fabsl((long double)got - want[i]) <=
                      rel * fabsl(want[i]) + floor_,
                  "%s: y[%zu] = %.17g, reference %.17Lg (x = %.17g)", what, i,
                  got, want[i], xd[i]);
    }

    /* In place: the runtime may hand the same buffer as input and output. */
    oc_tensor tz = tensor_of(c->dtype, c->rank, c->dims, x);
    const oc_tensor *in_z[1] = {&tz};
    oc_tensor *out_z[1] = {&tz};
    kernel_run(&k, in_z, out_z);
    cr_assert(n == 0 || memcmp(x, y, n * size) == 0, "%s: in place differs",
              what);

    free(xd);
    free(want);
    free(x);
    free(y);
    kernel_close(&k);
}

/* Dims mostly in 1..5, sometimes 0 (an empty tensor). */
static int random_dims(rng *r, int rank, int64_t *dims)
{
    for (int d = 0; d < rank; d++)
        dims[d] = rng_below(r, 12) == 0 ? 0 : 1 + rng_below(r, 5);
    return rank;
}

Test(softmax, matches_reference_every_version_axis_and_rank)
{
    static const char *const ops[] = {"Softmax", "LogSoftmax"};
    static const int opsets[] = {1, 6, 11, 13, 21};
    static const double scales[] = {1, 30, 1e4};
    unsigned seed = 0;
    for (int o = 0; o < 2; o++)
        for (size_t v = 0; v < sizeof opsets / sizeof opsets[0]; v++)
            for (int d = 0; d < 2; d++)
                for (int rank = 1; rank <= 4; rank++)
                    for (int axis = -rank - 1; axis < rank; axis++)
                        for (int rep = 0; rep < 2; rep++) {
                            softmax_case c = {0};
                            rng r = rng_seed(++seed * 104729u);
                            c.op_type = ops[o];
                            c.opset = opsets[v];
                            c.dtype = d ? ONNXC_DOUBLE : ONNXC_FLOAT;
                            c.rank = random_dims(&r, rank, c.dims);
                            /* axis -rank-1 stands for "not given" */
                            c.axis_given = axis >= -rank;
                            c.axis = axis;
                            /* the default 1 before 13 needs rank >= 2 */
                            if (!c.axis_given && rank == 1 && c.opset < 13)
                                continue;
                            c.scale = scales[seed % 3];
                            c.seed = seed;
                            softmax_check(&c);
                        }
}

Test(softmax, long_rows_and_columns)
{
    /* Long enough that a float sum would drift, along the last axis (the
     * row kernel) and along a middle axis (the column kernel). */
    static const int64_t shapes[][3] = {{2, 50000, 1}, {1, 3, 40961},
                                        {3, 700, 90}, {1, 1, 1}};
    unsigned seed = 50000;
    for (int o = 0; o < 2; o++)
        for (int d = 0; d < 2; d++)
            for (size_t s = 0; s < 4; s++)
                for (int axis = 1; axis <= 2; axis++) {
                    softmax_case c = {0};
                    c.op_type = o ? "LogSoftmax" : "Softmax";
                    c.opset = 13;
                    c.dtype = d ? ONNXC_DOUBLE : ONNXC_FLOAT;
                    c.rank = 3;
                    memcpy(c.dims, shapes[s], sizeof shapes[s]);
                    c.axis_given = true;
                    c.axis = axis;
                    c.scale = 8;
                    c.seed = ++seed;
                    softmax_check(&c);
                }
}

/* Softmax or LogSoftmax of x ([rows, cols] or as dims give) along the
 * version's default or the given axis into y. */
static void softmax_run_on(const char *op_type, int opset, onnxc_dtype dtype,
                           int rank, const int64_t *dims, const oc_attr *axis,
                           void *x, void *y)
{
    kernel k;
    kernel_open_outputs_ok(&k, op_type, opset, axis, axis ? 1 : 0, 1);
    oc_tensor tin = tensor_of(dtype, rank, dims, x);
    oc_tensor tout = tensor_of(dtype, rank, dims, y);
    const oc_tensor *in[1] = {&tin};
    oc_tensor *out[1] = {&tout};
    kernel_run(&k, in, out);
    kernel_close(&k);
}

Test(softmax, known_values)
{
    /* [1, 2, 3]: e^k / (e + e^2 + e^3) and its logarithm. */
    static const double soft[] = {0.09003057317038046, 0.24472847105479767,
                                  0.6652409557748219};
    static const double log_soft[] = {-2.4076059644443806, -1.4076059644443804,
                                      -0.4076059644443804};
    int64_t dims[2] = {1, 3};
    for (int d = 0; d < 2; d++) {
        onnxc_dtype dtype = d ? ONNXC_DOUBLE : ONNXC_FLOAT;
        double tol = d ? 1e-15 : 1e-7;
        char x[3 * sizeof(double)], y[3 * sizeof(double)];
        for (int i = 0; i < 3; i++)
            set_elem(dtype, x, (size_t)i, i + 1);
        softmax_run_on("Softmax", 13, dtype, 2, dims, NULL, x, y);
        for (size_t i = 0; i < 3; i++)
            cr_assert(fabs(get_elem(dtype, y, i) - soft[i]) <= tol,
                      "Softmax %s: y[%zu] = %.17g, want %.17g",
                      onnxc_dtype_name(dtype), i, get_elem(dtype, y, i),
                      soft[i]);
        softmax_run_on("LogSoftmax", 13, dtype, 2, dims, NULL, x, y);
        for (size_t i = 0; i < 3; i++)
            cr_assert(fabs(get_elem(dtype, y, i) - log_soft[i]) <= 4 * tol,
                      "LogSoftmax %s: y[%zu] = %.17g, want %.17g",
                      onnxc_dtype_name(dtype), i, get_elem(dtype, y, i),
                      log_soft[i]);
    }
}

Test(softmax, coercion_at_version_11_differs_from_the_axis_at_13)
{
    /* [2, 3, 4] with axis 1: 11 normalizes each batch's 12 elements
     * together, 13 each of the 8 columns of 3. */
    int64_t dims[3] = {2, 3, 4};
    float x[24], y11[24], y13[24];
    oc_attr axis[1] = {attr_int("axis", 1)};
    for (int i = 0; i < 24; i++)
        x[i] = (float)((i * 7) % 11) / 4.0f;
    softmax_run_on("Softmax", 11, ONNXC_FLOAT, 3, dims, axis, x, y11);
    softmax_run_on("Softmax", 13, ONNXC_FLOAT, 3, dims, axis, x, y13);
    for (int b = 0; b < 2; b++) {
        double sum = 0;
        for (int i = 0; i < 12; i++)
            sum += y11[b * 12 + i];
        cr_assert(fabs(sum - 1) < 1e-6, "Softmax-11 batch %d sums to %g", b,
                  sum);
        for (int col = 0; col < 4; col++) {
            double s13 = 0;
            for (int a = 0; a < 3; a++)
                s13 += y13[b * 12 + a * 4 + col];
            cr_assert(fabs(s13 - 1) < 1e-6,
                      "Softmax-13 column (%d, %d) sums to %g", b, col, s13);
        }
    }
    int differ = 0;
    for (int i = 0; i < 24; i++)
        differ += fabsf(y11[i] - y13[i]) > 1e-3f;
    cr_assert(differ > 12, "versions 11 and 13 agree on %d of 24", 24 - differ);

    /* The defaults differ too: axis 1 (coerced) before 13, -1 from 13. */
    float yd11[24], yd13[24];
    oc_attr last[1] = {attr_int("axis", -1)};
    softmax_run_on("Softmax", 11, ONNXC_FLOAT, 3, dims, NULL, x, yd11);
    softmax_run_on("Softmax", 13, ONNXC_FLOAT, 3, dims, NULL, x, yd13);
    cr_assert(memcmp(yd11, y11, sizeof y11) == 0,
              "Softmax-11 default axis is not 1");
    softmax_run_on("Softmax", 13, ONNXC_FLOAT, 3, dims, last, x, y13);
    cr_assert(memcmp(yd13, y13, sizeof y13) == 0,
              "Softmax-13 default axis is not -1");
}

/* Expected rows for the special inputs below (N: NaN, I: inf). */
#define N NAN
#define I INFINITY
static const double special_x[][4] = {
    {-I, -I, -I, -I},           /* all -inf: -inf - -inf is NaN */
    {I, 0, 1, 2},               /* +inf: inf - inf is NaN */
    {-I, 0, 0, -I},             /* some -inf: weight 0 */
    {N, 1, 2, 3},               /* NaN spreads over its row */
    {0, -0.0, 0, -0.0},         /* signed zeros are equal */
    {10000, 10001, 10002, 10003}, /* large: the max is subtracted */
    {-1e30, 1e30, -1e30, 1e30}, /* huge spread */
};
static const double special_soft[][4] = {
    {N, N, N, N},
    {N, N, N, N},
    {0, 0.5, 0.5, 0},
    {N, N, N, N},
    {0.25, 0.25, 0.25, 0.25},
    {0.03205860328008499, 0.08714431874203257, 0.23688281808991013,
     0.6439142598879722},
    {0, 0.5, 0, 0.5},
};
static const double special_log[][4] = {
    {N, N, N, N},
    {N, N, N, N},
    {-I, -0.6931471805599453, -0.6931471805599453, -I},
    {N, N, N, N},
    {-1.3862943611198906, -1.3862943611198906, -1.3862943611198906,
     -1.3862943611198906},
    {-3.4401896985611953, -2.4401896985611953, -1.4401896985611953,
     -0.4401896985611953},
    {-2.0000000000000000e30, -0.6931471805599453, -2.0000000000000000e30,
     -0.6931471805599453},
};
#undef N
#undef I
#define SPECIAL_ROWS (sizeof special_x / sizeof special_x[0])

/* Checks y (laid out as rows of 4 at row_stride, 1 apart, or as columns
 * when transposed) against the expected rows. */
static void check_special(const char *what, onnxc_dtype dtype, const void *y,
                          bool transposed, const double (*want)[4])
{
    double tol = dtype == ONNXC_FLOAT ? 2e-7 : 1e-15;
    for (size_t r = 0; r < SPECIAL_ROWS; r++)
        for (size_t i = 0; i < 4; i++) {
            size_t at = transposed ? i * SPECIAL_ROWS + r : r * 4 + i;
            double got = get_elem(dtype, y, at), w = want[r][i];
            bool ok = isnan(w) || isinf(w) || w == 0
                          ? same_or_both_nan(got, w)
                          : fabs(got - w) <= tol * fabs(w) + 1e-300;
            cr_assert(ok, "%s %s row %zu (x = %g): y[%zu] = %.17g, want "
                      "%.17g", what, onnxc_dtype_name(dtype), r,
                      special_x[r][i], i, got, w);
        }
}

Test(softmax, special_values_in_rows_and_columns)
{
    for (int o = 0; o < 2; o++)
        for (int d = 0; d < 2; d++) {
            const char *op = o ? "LogSoftmax" : "Softmax";
            const double(*want)[4] = o ? special_log : special_soft;
            onnxc_dtype dtype = d ? ONNXC_DOUBLE : ONNXC_FLOAT;
            double x[SPECIAL_ROWS * 4], y[SPECIAL_ROWS * 4];
            /* rows: the last axis, each row contiguous */
            int64_t rows[2] = {SPECIAL_ROWS, 4};
            for (size_t r = 0; r < SPECIAL_ROWS; r++)
                for (size_t i = 0; i < 4; i++)
                    set_elem(dtype, x, r * 4 + i, special_x[r][i]);
            softmax_run_on(op, 13, dtype, 2, rows, NULL, x, y);
            check_special(op, dtype, y, false, want);
            /* the same rows coerced from [rows, 2, 2] at axis 1 */
            int64_t coerced[3] = {SPECIAL_ROWS, 2, 2};
            softmax_run_on(op, 11, dtype, 3, coerced, NULL, x, y);
            check_special(op, dtype, y, false, want);
            /* columns: axis 0 of the transpose, 7 apart */
            int64_t cols[2] = {4, SPECIAL_ROWS};
            oc_attr axis0[1] = {attr_int("axis", 0)};
            for (size_t r = 0; r < SPECIAL_ROWS; r++)
                for (size_t i = 0; i < 4; i++)
                    set_elem(dtype, x, i * SPECIAL_ROWS + r, special_x[r][i]);
            softmax_run_on(op, 13, dtype, 2, cols, axis0, x, y);
            check_special(op, dtype, y, true, want);
        }
}

Test(softmax, empty_tensors_write_nothing)
{
    static const int64_t shapes[][3] = {{0, 4, 3}, {2, 0, 3}, {2, 4, 0}};
    for (int o = 0; o < 2; o++)
        for (size_t s = 0; s < 3; s++)
            for (int axis = 0; axis < 3; axis++)
                for (int opset = 11; opset <= 13; opset += 2) {
                    float x[1] = {1}, y[1] = {42};
                    oc_attr a[1] = {attr_int("axis", axis)};
                    softmax_run_on(o ? "LogSoftmax" : "Softmax", opset,
                                   ONNXC_FLOAT, 3, shapes[s], a, x, y);
                    cr_assert_eq(y[0], 42, "an empty tensor was written");
                }
}

static onnxc_status *softmax_infer_on(const char *op_type, int opset,
                                      const oc_attr *axis, oc_type tx,
                                      oc_type *ty)
{
    kernel k;
    kernel_open_outputs_ok(&k, op_type, opset, axis, axis ? 1 : 0, 1);
    const oc_type *types[1] = {&tx};
    onnxc_status *st = kernel_infer(&k, types, ty);
    kernel_close(&k);
    return st;
}

Test(oc_softmax_infer, axis_out_of_range_and_scalars_are_refused)
{
    int64_t dims[3] = {2, 3, 4};
    oc_type ty[1];
    oc_attr three[1] = {attr_int("axis", 3)};
    oc_attr minus_four[1] = {attr_int("axis", -4)};
    expect_error(softmax_infer_on("Softmax", 13, three,
                                  type_of(ONNXC_FLOAT, 3, dims), ty),
                 ONNXC_ERR_SHAPE, KERNEL_LABEL, "Softmax-13", "axis 3",
                 "rank 3", NULL);
    expect_error(softmax_infer_on("LogSoftmax", 11, minus_four,
                                  type_of(ONNXC_FLOAT, 3, dims), ty),
                 ONNXC_ERR_SHAPE, KERNEL_LABEL, "LogSoftmax-11", "axis -4",
                 NULL);
    expect_error(softmax_infer_on("Softmax", 1, three,
                                  type_of(ONNXC_DOUBLE, 3, dims), ty),
                 ONNXC_ERR_SHAPE, "Softmax-1", "axis 3", NULL);
    /* A scalar has no axis, not even the default one. */
    expect_error(softmax_infer_on("Softmax", 13, NULL,
                                  type_of(ONNXC_FLOAT, 0, dims), ty),
                 ONNXC_ERR_SHAPE, "Softmax-13", "rank 0", NULL);
    expect_error(softmax_infer_on("LogSoftmax", 1, NULL,
                                  type_of(ONNXC_FLOAT, 0, dims), ty),
                 ONNXC_ERR_SHAPE, "LogSoftmax-1", "rank 0", NULL);
    /* The default axis 1 of versions 1 and 11 needs rank >= 2. */
    int64_t five[1] = {5};
    expect_error(softmax_infer_on("Softmax", 11, NULL,
                                  type_of(ONNXC_FLOAT, 1, five), ty),
                 ONNXC_ERR_SHAPE, "Softmax-11", "axis 1", "rank 1", NULL);
    cr_assert_null(softmax_infer_on("Softmax", 13, NULL,
                                    type_of(ONNXC_FLOAT, 1, five), ty));
    /* Negative axes are accepted from version 1 (onnxruntime does). */
    oc_attr minus_one[1] = {attr_int("axis", -1)};
    cr_assert_null(softmax_infer_on("LogSoftmax", 1, minus_one,
                                    type_of(ONNXC_FLOAT, 3, dims), ty));
}

Test(oc_softmax_infer, unknown_ranks_and_symbolic_dims_pass_through)
{
    oc_type tx, ty[1];
    memset(&tx, 0, sizeof tx);
    tx.dtype = ONNXC_FLOAT;
    tx.shape.rank = -1;
    oc_attr axis[1] = {attr_int("axis", 5)};
    /* At load the rank may be unknown: the plan checks the axis. */
    cr_assert_null(softmax_infer_on("Softmax", 13, axis, tx, ty));
    cr_assert_eq(ty[0].shape.rank, -1);
    cr_assert_eq(ty[0].dtype, ONNXC_FLOAT);
    tx.shape.rank = 2;
    tx.shape.dims[0].value = -1;
    tx.shape.dims[0].sym = 0;
    tx.shape.dims[1] = dim_known(10);
    cr_assert_null(softmax_infer_on("LogSoftmax", 11, NULL, tx, ty));
    cr_assert(ty[0].shape.rank == 2 && ty[0].shape.dims[0].sym == 0 &&
              ty[0].shape.dims[1].value == 10);
}

Test(oc_softmax_infer, other_types_and_attributes_are_refused)
{
    int64_t dims[2] = {2, 3};
    oc_type ty[1];
    static const onnxc_dtype bad[] = {ONNXC_FLOAT16, ONNXC_INT32, ONNXC_INT64,
                                      ONNXC_BOOL};
    for (size_t i = 0; i < 4; i++) {
        expect_error(softmax_infer_on("Softmax", 13, NULL,
                                      type_of(bad[i], 2, dims), ty),
                     ONNXC_ERR_UNSUPPORTED, KERNEL_LABEL, "Softmax-13",
                     onnxc_dtype_name(bad[i]), "float, double", NULL);
        expect_error(softmax_infer_on("LogSoftmax", 1, NULL,
                                      type_of(bad[i], 2, dims), ty),
                     ONNXC_ERR_UNSUPPORTED, "LogSoftmax-1", NULL);
    }
    kernel k;
    oc_attr beta[1] = {attr_float("beta", 1)};
    expect_error(kernel_open_outputs(&k, "Softmax", 13, beta, 1, 1, NULL),
                 ONNXC_ERR_UNSUPPORTED, KERNEL_LABEL, "Softmax-13",
                 "unknown attribute 'beta'", NULL);
    kernel_close(&k);
    oc_attr float_axis[1] = {attr_float("axis", 1)};
    expect_error(kernel_open_outputs(&k, "LogSoftmax", 11, float_axis, 1, 1,
                                     NULL),
                 ONNXC_ERR_INVALID_MODEL, "'axis'", "must be an int", NULL);
    kernel_close(&k);
}

Test(softmax, versions_follow_the_opset)
{
    static const struct { int opset, version; } cases[] = {
        {1, 1}, {10, 1}, {11, 11}, {12, 11}, {13, 13}, {21, 13}};
    for (int o = 0; o < 2; o++)
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            int version = -1;
            const char *op = o ? "LogSoftmax" : "Softmax";
            cr_assert_not_null(oc_ops_find("", op, cases[i].opset, &version));
            cr_assert_eq(version, cases[i].version, "%s at opset %d: %d", op,
                         cases[i].opset, version);
        }
}

/* ------------------------------------------------- BatchNormalization */

typedef struct bn_case {
    int opset;
    onnxc_dtype dtype;
    int rank;
    int64_t dims[ONNXC_MAX_RANK];
    bool spatial;      /* false: attribute spatial=0 (before 9) */
    bool training;
    int n_outputs;
    float epsilon;     /* NAN: not given (1e-5) */
    float momentum;    /* NAN: not given (0.9) */
    unsigned seed;
} bn_case;

static const char *bn_describe(const bn_case *c, char *buf, size_t size)
{
    char dims[96] = "";
    for (int d = 0; d < c->rank; d++)
        snprintf(dims + strlen(dims), sizeof dims - strlen(dims), "%s%lld",
                 d ? "," : "", (long long)c->dims[d]);
    snprintf(buf, size,
             "BatchNormalization opset %d %s [%s]%s%s %d outputs eps %g "
             "momentum %g seed %u",
             c->opset, onnxc_dtype_name(c->dtype), dims,
             c->spatial ? "" : " spatial=0", c->training ? " training" : "",
             c->n_outputs, c->epsilon, c->momentum, c->seed);
    return buf;
}

/* The attributes that ask a version for the case's mode. */
static int bn_attrs(const bn_case *c, oc_attr *attrs)
{
    static const int64_t consumed[] = {0, 0, 0, 0, 0};
    int n = 0;
    if (c->opset < 6)
        attrs[n++] = attr_ints("consumed_inputs", consumed, 5);
    if (c->opset < 7)
        attrs[n++] = attr_int("is_test", !c->training);
    else if (c->opset >= 14 && (c->training || c->seed % 2))
        attrs[n++] = attr_int("training_mode", c->training);
    if (!c->spatial)
        attrs[n++] = attr_int("spatial", 0);
    if (!isnan(c->epsilon))
        attrs[n++] = attr_float("epsilon", c->epsilon);
    if (!isnan(c->momentum))
        attrs[n++] = attr_float("momentum", c->momentum);
    return n;
}

/* Channel of element i of x, and the number of channels: dim 1 (1 for
 * rank 1) or, with spatial=0, all of a sample's elements. */
static size_t bn_channel(const bn_case *c, size_t i, size_t *channels)
{
    size_t sample = count_of(c->rank - 1, c->dims + 1);
    size_t inner = c->rank > 2 ? count_of(c->rank - 2, c->dims + 2) : 1;
    *channels = !c->spatial ? sample : c->rank > 1 ? (size_t)c->dims[1] : 1;
    if (*channels == 0 || inner == 0)
        return 0;  /* no element has a channel */
    return !c->spatial ? i % sample : i / inner % *channels;
}

static void bn_check(const bn_case *c)
{
    char what[256];
    bn_describe(c, what, sizeof what);
    oc_attr attrs[8];
    int n_attrs = bn_attrs(c, attrs);
    kernel k;
    kernel_open_outputs_ok(&k, "BatchNormalization", c->opset, attrs, n_attrs,
                           c->n_outputs);

    size_t channels, n = count_of(c->rank, c->dims);
    bn_channel(c, 0, &channels);
    int p_rank = c->spatial ? 1 : c->rank - 1;
    int64_t p_dims[ONNXC_MAX_RANK] = {(int64_t)channels};
    if (!c->spatial)
        memcpy(p_dims, c->dims + 1, (size_t)p_rank * sizeof *p_dims);

    oc_type tx = type_of(c->dtype, c->rank, c->dims);
    oc_type tp = type_of(c->dtype, p_rank, p_dims), ty[KERNEL_MAX_OUTPUTS];
    const oc_type *types[5] = {&tx, &tp, &tp, &tp, &tp};
    memset(ty, 0, sizeof ty);
    onnxc_status *st = kernel_infer(&k, types, ty);
    cr_assert_null(st, "%s: infer failed: %s", what, onnxc_status_message(st));
    cr_assert(ty[0].dtype == c->dtype && ty[0].shape.rank == c->rank,
              "%s: Y's type", what);
    for (int kk = 1; kk < c->n_outputs; kk++)
        cr_assert(ty[kk].dtype == c->dtype && ty[kk].shape.rank == p_rank &&
                      ty[kk].shape.dims[0].value == p_dims[0],
                  "%s: output %d's type", what, kk);

    rng r = rng_seed(c->seed);
    void *x = alloc_elems(n, c->dtype), *y = alloc_elems(n, c->dtype);
    void *z = alloc_elems(n, c->dtype);
    void *param[4], *stats[4];
    for (int p = 0; p < 4; p++) {
        param[p] = alloc_elems(channels, c->dtype);
        stats[p] = alloc_elems(channels, c->dtype);
        for (size_t ch = 0; ch < channels; ch++) {
            /* scale, B, mean any sign; var positive */
            double v = p == 3 ? 0.1 + 2 * fabs(rng_unit(&r))
                              : 3 * rng_unit(&r);
            set_elem(c->dtype, param[p], ch, v);
            set_elem(c->dtype, stats[p], ch, NAN);
        }
    }
    double offset = 5 * rng_unit(&r);
    for (size_t i = 0; i < n; i++) {
        set_elem(c->dtype, x, i, offset + 2 * rng_unit(&r));
        set_elem(c->dtype, y, i, NAN);
    }

    oc_tensor tin[5], tout[5];
    const oc_tensor *in[5];
    oc_tensor *out[5] = {NULL};
    tin[0] = tensor_of(c->dtype, c->rank, c->dims, x);
    in[0] = &tin[0];
    for (int p = 0; p < 4; p++) {
        tin[p + 1] = tensor_of(c->dtype, p_rank, p_dims, param[p]);
        in[p + 1] = &tin[p + 1];
    }
    tout[0] = tensor_of(c->dtype, c->rank, c->dims, y);
    out[0] = &tout[0];
    for (int kk = 1; kk < c->n_outputs; kk++) {
        tout[kk] = tensor_of(c->dtype, p_rank, p_dims, stats[kk - 1]);
        out[kk] = &tout[kk];
    }
    kernel_run(&k, in, out);

    /* The reference, per channel, from the definition. */
    long double eps = isnan(c->epsilon) ? 1e-5f : c->epsilon;
    long double momentum = isnan(c->momentum) ? 0.9f : c->momentum;
    long double rel = c->dtype == ONNXC_FLOAT ? 1e-6L : 1e-13L;
    for (size_t ch = 0; ch < channels; ch++) {
        long double scale = get_elem(c->dtype, param[0], ch);
        long double bias = get_elem(c->dtype, param[1], ch);
        long double mean = get_elem(c->dtype, param[2], ch);
        long double var = get_elem(c->dtype, param[3], ch);
        if (c->training) {
            long double sum = 0, squares = 0, count = 0;
            for (size_t i = 0; i < n; i++)
                if (bn_channel(c, i, &channels) == ch) {
                    sum += get_elem(c->dtype, x, i);
                    count++;
                }
            long double batch_mean = sum / count;
            for (size_t i = 0; i < n; i++)
                if (bn_channel(c, i, &channels) == ch) {
                    long double dx = get_elem(c->dtype, x, i) - batch_mean;
                    squares += dx * dx;
                }
            long double batch_var = squares / count;
            long double want[4] = {
                mean * momentum + batch_mean * (1 - momentum),
                var * momentum + batch_var * (1 - momentum), batch_mean,
                batch_var};
            for (int kk = 1; kk < c->n_outputs; kk++) {
                double got = get_elem(c->dtype, stats[kk - 1], ch);
                long double w = want[kk - 1];
                long double tol = rel * (fabsl(w) + fabsl(offset) + 1);
                cr_assert(fabsl(got - w) <= tol,
                          "%s: output %d[%zu] = %.17g, want %.17Lg", what, kk,
                          ch, got, w);
            }
            mean = batch_mean;
            var = batch_var;
        }
        long double a = scale / sqrtl(var + eps);
        for (size_t i = 0; i < n; i++) {
            if (bn_channel(c, i, &channels) != ch)
                continue;
            long double dx = get_elem(c->dtype, x, i) - mean;
            long double w = dx * a + bias;
            double got = get_elem(c->dtype, y, i);
            cr_assert(fabsl(got - w) <= rel * (fabsl(dx * a) + fabsl(bias) +
                                               fabsl(get_elem(c->dtype, x, i) *
                                                     a)),
                      "%s: y[%zu] = %.17g, want %.17Lg", what, i, got, w);
        }
    }

    /* In place: y may be x's buffer. */
    memcpy(z, x, n * onnxc_dtype_size(c->dtype));
    oc_tensor tz = tensor_of(c->dtype, c->rank, c->dims, z);
    in[0] = &tz;
    out[0] = &tz;
    kernel_run(&k, in, out);
    cr_assert(n == 0 || memcmp(z, y, n * onnxc_dtype_size(c->dtype)) == 0,
              "%s: in place differs", what);

    free(x);
    free(y);
    free(z);
    for (int p = 0; p < 4; p++) {
        free(param[p]);
        free(stats[p]);
    }
    kernel_close(&k);
}

static const int bn_opsets[] = {1, 6, 7, 9, 14, 15, 21};
#define BN_OPSETS (sizeof bn_opsets / sizeof bn_opsets[0])

/* A random X for the version: rank 1 from 9, else 2..5; no empty batch
 * in training (its statistics are NaN). */
static void bn_random_shape(rng *r, bn_case *c)
{
    int min_rank = c->opset >= 9 ? 1 : 2;
    c->rank = min_rank + (int)rng_below(r, (unsigned)(6 - min_rank));
    for (int d = 0; d < c->rank; d++)
        c->dims[d] = 1 + rng_below(r, d < 2 ? 5 : 4);
    if (!c->training && rng_below(r, 8) == 0)
        c->dims[rng_below(r, (unsigned)c->rank)] = 0;
}

Test(batch_norm, inference_matches_reference_every_version)
{
    static const float epsilons[] = {NAN, 1e-3f, 0.5f, 0};
    unsigned seed = 0;
    for (size_t v = 0; v < BN_OPSETS; v++)
        for (int d = 0; d < 2; d++)
            for (int rep = 0; rep < 24; rep++) {
                bn_case c = {0};
                rng r = rng_seed(++seed * 7919u);
                c.opset = bn_opsets[v];
                c.dtype = d ? ONNXC_DOUBLE : ONNXC_FLOAT;
                c.spatial = c.opset >= 9 || rep % 3 != 0;
                c.n_outputs = 1;
                c.epsilon = epsilons[rep % 4];
                c.momentum = NAN;
                c.seed = seed;
                bn_random_shape(&r, &c);
                bn_check(&c);
            }
}

Test(batch_norm, training_matches_reference_every_version)
{
    static const float momenta[] = {NAN, 0.0f, 0.3f, 1.0f};
    unsigned seed = 10000;
    for (size_t v = 0; v < BN_OPSETS; v++)
        for (int d = 0; d < 2; d++)
            for (int rep = 0; rep < 16; rep++) {
                bn_case c = {0};
                rng r = rng_seed(++seed * 7919u);
                c.opset = bn_opsets[v];
                c.dtype = d ? ONNXC_DOUBLE : ONNXC_FLOAT;
                c.spatial = c.opset >= 9 || rep % 4 != 0;
                c.training = true;
                /* 1 and 6 train with Y alone too (is_test=0) */
                c.n_outputs = c.opset >= 14 ? 3
                              : c.opset < 7 && rep % 2 ? 1 : 5;
                c.epsilon = rep % 3 ? 1e-2f : NAN;
                c.momentum = momenta[rep % 4];
                c.seed = seed;
                bn_random_shape(&r, &c);
                bn_check(&c);
            }
}

/* Runs BatchNormalization-15 (or the given opset) on one X of [1, 2, 3]
 * with the given statistics; y and, in training, running mean and var. */
static void bn_run_f32(int opset, const oc_attr *attrs, int n_attrs,
                       int n_outputs, const float *x, const float *scale,
                       const float *bias, const float *mean, const float *var,
                       float *y, float *stat1, float *stat2)
{
    int64_t xd[3] = {1, 2, 3}, pd[1] = {2};
    kernel k;
    kernel_open_outputs_ok(&k, "BatchNormalization", opset, attrs, n_attrs,
                           n_outputs);
    oc_tensor tin[5] = {tensor_of(ONNXC_FLOAT, 3, xd, (void *)x),
                        tensor_of(ONNXC_FLOAT, 1, pd, (void *)scale),
                        tensor_of(ONNXC_FLOAT, 1, pd, (void *)bias),
                        tensor_of(ONNXC_FLOAT, 1, pd, (void *)mean),
                        tensor_of(ONNXC_FLOAT, 1, pd, (void *)var)};
    oc_tensor tout[3] = {tensor_of(ONNXC_FLOAT, 3, xd, y),
                         tensor_of(ONNXC_FLOAT, 1, pd, stat1),
                         tensor_of(ONNXC_FLOAT, 1, pd, stat2)};
    const oc_tensor *in[5] = {&tin[0], &tin[1], &tin[2], &tin[3], &tin[4]};
    oc_tensor *out[5] = {&tout[0], n_outputs > 1 ? &tout[1] : NULL,
                         n_outputs > 1 ? &tout[2] : NULL, NULL, NULL};
    kernel_run(&k, in, out);
    kernel_close(&k);
}

Test(batch_norm, known_values)
{
    /* The ONNX example: x = [[[-1, 0, 1], [2, 3, 4]]], s = [1, 1.5],
     * bias = [0, 1], mean = [0, 3], var = [1, 1.5]. */
    const float x[6] = {-1, 0, 1, 2, 3, 4}, s[2] = {1, 1.5f}, b[2] = {0, 1};
    const float m[2] = {0, 3}, v[2] = {1, 1.5f};
    float y[6], rm[2], rv[2];
    bn_run_f32(15, NULL, 0, 1, x, s, b, m, v, y, NULL, NULL);
    for (int i = 0; i < 6; i++) {
        int c = i / 3;
        double want = s[c] * (x[i] - m[c]) / sqrt(v[c] + 1e-5) + b[c];
        cr_assert(fabs(y[i] - want) <= 1e-6, "y[%d] = %.9g, want %.9g", i,
                  y[i], want);
    }
    /* Training: each channel's batch is its 3 elements: mean 0 and 3,
     * population variance 2/3. */
    oc_attr train[2] = {attr_int("training_mode", 1),
                        attr_float("momentum", 0.25f)};
    bn_run_f32(15, train, 2, 3, x, s, b, m, v, y, rm, rv);
    for (int i = 0; i < 6; i++) {
        int c = i / 3;
        double batch_mean = c ? 3 : 0;
        double want = s[c] * (x[i] - batch_mean) / sqrt(2.0 / 3 + 1e-5) + b[c];
        cr_assert(fabs(y[i] - want) <= 1e-6, "training y[%d] = %.9g, want "
                  "%.9g", i, y[i], want);
    }
    cr_assert(fabs(rm[0] - 0) <= 1e-7 && fabs(rm[1] - (3 * 0.25 + 3 * 0.75))
                  <= 1e-6, "running mean %g %g", rm[0], rm[1]);
    cr_assert(fabs(rv[0] - (0.25 + 0.75 * 2 / 3.0)) <= 1e-6 &&
                  fabs(rv[1] - (1.5 * 0.25 + 0.75 * 2 / 3.0)) <= 1e-6,
              "running var %g %g", rv[0], rv[1]);
}

Test(batch_norm, special_values)
{
    const float x[6] = {NAN, 0, INFINITY, 2, -INFINITY, 4};
    const float s[2] = {1, 0}, b[2] = {0.5f, 7};
    const float m[2] = {0, 3}, v[2] = {0, 1};
    float y[6], rm[2], rv[2];
    /* epsilon 0 and var 0: scale / 0; a NaN stays in its place */
    oc_attr eps0[1] = {attr_float("epsilon", 0)};
    bn_run_f32(9, eps0, 1, 1, x, s, b, m, v, y, NULL, NULL);
    cr_assert(isnan(y[0]), "NaN gave %g", y[0]);
    cr_assert(isnan(y[1]), "0 * (1 / 0) gave %g", y[1]);
    cr_assert(isinf(y[2]) && y[2] > 0, "inf gave %g", y[2]);
    /* scale 0 of channel 1: 0 * inf is NaN, finite values give B */
    cr_assert_eq(y[3], 7);
    cr_assert(isnan(y[4]), "-inf * 0 gave %g", y[4]);
    cr_assert_eq(y[5], 7);
    /* training: a NaN makes its channel's statistics NaN only */
    const float x2[6] = {NAN, 0, 1, 2, 3, 4};
    oc_attr train[1] = {attr_int("training_mode", 1)};
    bn_run_f32(14, train, 1, 3, x2, s, b, m, v, y, rm, rv);
    cr_assert(isnan(y[0]) && isnan(y[1]) && isnan(y[2]) && isnan(rm[0]) &&
                  isnan(rv[0]),
              "channel 0 must be NaN: %g %g %g %g %g", y[0], y[1], y[2],
              rm[0], rv[0]);
    cr_assert(!isnan(y[3]) && !isnan(rm[1]) && !isnan(rv[1]),
              "channel 1 must not be NaN");
}

static onnxc_status *bn_infer(int opset, const oc_attr *attrs, int n_attrs,
                              const oc_type *tx, const oc_type *tp,
                              oc_type *out)
{
    kernel k;
    kernel_open_outputs_ok(&k, "BatchNormalization", opset, attrs, n_attrs, 1);
    const oc_type *types[5] = {tx, tp, tp, tp, tp};
    memset(out, 0, KERNEL_MAX_OUTPUTS * sizeof *out);
    onnxc_status *st = kernel_infer(&k, types, out);
    kernel_close(&k);
    return st;
}

Test(batch_norm_infer, shapes_and_ranks)
{
    int64_t x4[4] = {2, 3, 5, 5}, c3[1] = {3}, c4[1] = {4}, c35[2] = {3, 5};
    int64_t x1[1] = {7}, one[1] = {1};
    oc_type out[KERNEL_MAX_OUTPUTS];
    oc_type tx = type_of(ONNXC_FLOAT, 4, x4);
    oc_type tc3 = type_of(ONNXC_FLOAT, 1, c3);
    oc_type tc4 = type_of(ONNXC_FLOAT, 1, c4);
    cr_assert_null(bn_infer(15, NULL, 0, &tx, &tc3, out));
    cr_assert(out[0].shape.rank == 4 && out[0].shape.dims[3].value == 5);
    expect_error(bn_infer(15, NULL, 0, &tx, &tc4, out), ONNXC_ERR_SHAPE,
                 KERNEL_LABEL, "BatchNormalization-15", "scale has shape [4]",
                 "[2,3,5,5] needs [3]", NULL);
    expect_error(bn_infer(9, NULL, 0, &tx, &tc4, out), ONNXC_ERR_SHAPE,
                 "BatchNormalization-9", "scale", NULL);

    /* spatial=0 (before 9): X's shape without the batch dim */
    int64_t x3[3] = {2, 3, 5};
    oc_type tx3 = type_of(ONNXC_FLOAT, 3, x3);
    oc_type tc35 = type_of(ONNXC_FLOAT, 2, c35);
    oc_attr spatial0[1] = {attr_int("spatial", 0)};
    cr_assert_null(bn_infer(7, spatial0, 1, &tx3, &tc35, out));
    expect_error(bn_infer(7, spatial0, 1, &tx3, &tc3, out), ONNXC_ERR_SHAPE,
                 "BatchNormalization-7", "[3]", "needs [3,5]", NULL);
    expect_error(bn_infer(7, NULL, 0, &tx3, &tc35, out), ONNXC_ERR_SHAPE,
                 "needs [3]", NULL);

    /* rank 1 (C = 1) from 9; earlier versions need rank >= 2 */
    oc_type t1 = type_of(ONNXC_FLOAT, 1, x1);
    oc_type tone = type_of(ONNXC_FLOAT, 1, one);
    cr_assert_null(bn_infer(9, NULL, 0, &t1, &tone, out));
    expect_error(bn_infer(9, NULL, 0, &t1, &tc3, out), ONNXC_ERR_SHAPE,
                 "needs [1]", NULL);
    expect_error(bn_infer(7, NULL, 0, &t1, &tone, out), ONNXC_ERR_SHAPE,
                 "BatchNormalization-7", "rank 1", ">= 2", NULL);
    oc_type t0 = type_of(ONNXC_FLOAT, 0, x1);
    expect_error(bn_infer(15, NULL, 0, &t0, &tone, out), ONNXC_ERR_SHAPE,
                 "rank 0", NULL);

    /* unknown rank at load: Y's rank too; symbolic channels pass */
    oc_type tu;
    memset(&tu, 0, sizeof tu);
    tu.dtype = ONNXC_DOUBLE;
    tu.shape.rank = -1;
    oc_type td3 = type_of(ONNXC_DOUBLE, 1, c3);
    cr_assert_null(bn_infer(14, NULL, 0, &tu, &td3, out));
    cr_assert(out[0].shape.rank == -1 && out[0].dtype == ONNXC_DOUBLE);
    oc_type ts = type_of(ONNXC_FLOAT, 4, x4);
    ts.shape.dims[1].value = -1;
    ts.shape.dims[1].sym = 2;
    cr_assert_null(bn_infer(15, NULL, 0, &ts, &tc3, out));
}

Test(batch_norm_infer, types)
{
    int64_t x2[2] = {4, 3}, c3[1] = {3};
    oc_type out[KERNEL_MAX_OUTPUTS];
    oc_type tx = type_of(ONNXC_FLOAT, 2, x2), tp = type_of(ONNXC_FLOAT, 1, c3);
    oc_type td = type_of(ONNXC_DOUBLE, 1, c3);
    oc_type th = type_of(ONNXC_FLOAT16, 2, x2);
    oc_type ti = type_of(ONNXC_INT32, 2, x2);
    expect_error(bn_infer(15, NULL, 0, &th, &tp, out), ONNXC_ERR_UNSUPPORTED,
                 KERNEL_LABEL, "float16", "float, double", NULL);
    expect_error(bn_infer(9, NULL, 0, &ti, &tp, out), ONNXC_ERR_UNSUPPORTED,
                 "int32", NULL);
    /* 14 and 15 allow mixed types; onnxc runs one */
    expect_error(bn_infer(15, NULL, 0, &tx, &td, out), ONNXC_ERR_UNSUPPORTED,
                 "BatchNormalization-15", "scale is double but X is float",
                 NULL);
    expect_error(bn_infer(14, NULL, 0, &tx, &td, out), ONNXC_ERR_UNSUPPORTED,
                 "BatchNormalization-14", NULL);
    /* before 14 one type is the schema */
    expect_error(bn_infer(9, NULL, 0, &tx, &td, out), ONNXC_ERR_INVALID_MODEL,
                 "BatchNormalization-9", NULL);
    /* only input_mean differs */
    kernel k;
    kernel_open_outputs_ok(&k, "BatchNormalization", 15, NULL, 0, 1);
    const oc_type *types[5] = {&tx, &tp, &tp, &td, &tp};
    expect_error(kernel_infer(&k, types, out),
                 ONNXC_ERR_UNSUPPORTED, "input_mean is double", NULL);
    kernel_close(&k);
}

Test(batch_norm_prepare, attributes_per_version)
{
    static const int64_t consumed[] = {0};
    kernel k;
    oc_attr spatial[1] = {attr_int("spatial", 1)};
    oc_attr is_test[1] = {attr_int("is_test", 1)};
    oc_attr training[1] = {attr_int("training_mode", 0)};
    oc_attr consumed_attr[1] = {attr_ints("consumed_inputs", consumed, 1)};
    oc_attr bad[1] = {attr_float("gamma", 1)};
    struct {
        int opset;
        oc_attr *attr;
        const char *name;
    } refused[] = {
        {6, consumed_attr, "consumed_inputs"}, {7, is_test, "is_test"},
        {9, spatial, "spatial"}, {9, training, "training_mode"},
        {14, is_test, "is_test"}, {15, spatial, "spatial"},
        {7, training, "training_mode"}, {1, bad, "gamma"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        expect_error(kernel_open_outputs(&k, "BatchNormalization",
                                         refused[i].opset, refused[i].attr, 1,
                                         1, NULL),
                     ONNXC_ERR_UNSUPPORTED, KERNEL_LABEL, "unknown attribute",
                     refused[i].name, NULL);
        kernel_close(&k);
    }
    /* and accepted where defined */
    struct {
        int opset;
        oc_attr *attr;
    } accepted[] = {{1, consumed_attr}, {1, is_test}, {6, is_test},
                    {7, spatial}, {14, training}, {15, training}};
    for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++) {
        cr_assert_null(kernel_open_outputs(&k, "BatchNormalization",
                                           accepted[i].opset, accepted[i].attr,
                                           1, 1, NULL));
        kernel_close(&k);
    }
    oc_attr int_eps[1] = {attr_int("epsilon", 1)};
    expect_error(kernel_open_outputs(&k, "BatchNormalization", 15, int_eps,
                                     1, 1, NULL),
                 ONNXC_ERR_INVALID_MODEL, "'epsilon'", "must be a float",
                 NULL);
    kernel_close(&k);
}

Test(batch_norm_prepare, output_counts_per_version_and_mode)
{
    kernel k;
    oc_attr train[1] = {attr_int("training_mode", 1)};
    oc_attr is_test[1] = {attr_int("is_test", 1)};
    /* before 14: 1 or 5 */
    for (int n = 2; n <= 4; n++) {
        expect_error(kernel_open_outputs(&k, "BatchNormalization", 9, NULL, 0,
                                         n, NULL),
                     ONNXC_ERR_INVALID_MODEL, KERNEL_LABEL,
                     "BatchNormalization-9", "1 (Y) or 5", NULL);
        kernel_close(&k);
    }
    /* 14: 1 in inference, 3 in training */
    expect_error(kernel_open_outputs(&k, "BatchNormalization", 14, NULL,
                                     0, 3, NULL),
                 ONNXC_ERR_INVALID_MODEL, "training_mode=0", NULL);
    kernel_close(&k);
    expect_error(kernel_open_outputs(&k, "BatchNormalization", 15, train,
                                     1, 1, NULL),
                 ONNXC_ERR_INVALID_MODEL, "3 in training mode", NULL);
    kernel_close(&k);
    expect_error(kernel_open_outputs(&k, "BatchNormalization", 15, train,
                                     1, 2, NULL),
                 ONNXC_ERR_INVALID_MODEL, "2 outputs", NULL);
    kernel_close(&k);
    expect_error(kernel_open_outputs(&k, "BatchNormalization", 15, train,
                                     1, 5, NULL),
                 ONNXC_ERR_INVALID_MODEL, "5 outputs", NULL);
    kernel_close(&k);
    /* is_test=1 defines only Y; empty output names are fine */
    expect_error(kernel_open_outputs(&k, "BatchNormalization", 6, is_test,
                                     1, 5, NULL),
                 ONNXC_ERR_INVALID_MODEL, "BatchNormalization-6", "is_test=1",
                 NULL);
    kernel_close(&k);
    static const char *const unnamed[] = {"y", "", "", "", ""};
    cr_assert_null(kernel_open_outputs(&k, "BatchNormalization", 6, is_test,
                                       1, 5, unnamed));
    kernel_close(&k);
}

Test(batch_norm, versions_follow_the_opset)
{
    static const struct { int opset, version; } cases[] = {
        {1, 1}, {5, 1}, {6, 6}, {7, 7}, {8, 7}, {9, 9}, {13, 9},
        {14, 14}, {15, 15}, {21, 15}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int version = -1;
        cr_assert_not_null(oc_ops_find("", "BatchNormalization", cases[i].opset,
                                    &version));
        cr_assert_eq(version, cases[i].version, "opset %d: version %d",
                     cases[i].opset, version);
    }
}

/* -------------------------------- the vectorized float rows, every ISA */

#include "ops/kernels/vec_exp.h"

Test(softmax, float_rows_on_every_vector_isa)
{
    /* The session's kernels pick the row loop: each ISA this CPU has against
     * the reference on rows long and short (vector bodies and tails) and
     * wide spreads (exp down to the subnormals and to 0), then the
     * special rows spread over rows of 37 with -inf around them, each
     * special at a lane of its own. */
    static const char *const names[] = {"scalar", "avx2", "avx512"};
    static const onnxc_kernels kernels_of[] = {
        ONNXC_KERNELS_PORTABLE, ONNXC_KERNELS_AVX2, ONNXC_KERNELS_AVX512};
    static const int64_t shapes[][2] = {{3, 1000}, {5, 37}, {4, 7}, {1, 1},
                                        {2, 16}};
    static const double scales[] = {1, 8, 100, 1e4};
    unsigned seed = 70000;
    for (int isa = VEC_SCALAR; isa <= VEC_AVX512; isa++) {
        if (!oc_vec_isa_available((vec_isa)isa))
            continue;
        kernel_use(kernels_of[isa]);
        for (int o = 0; o < 2; o++)
            for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
                for (size_t k = 0; k < sizeof scales / sizeof scales[0]; k++) {
                    softmax_case c = {0};
                    c.op_type = o ? "LogSoftmax" : "Softmax";
                    c.opset = 13;
                    c.dtype = ONNXC_FLOAT;
                    c.rank = 2;
                    memcpy(c.dims, shapes[s], sizeof shapes[s]);
                    c.scale = scales[k];
                    c.seed = ++seed;
                    softmax_check(&c);
                }
        enum { LEN = 37 };
        static const size_t at[4] = {0, 9, 17, 36};
        float x[SPECIAL_ROWS * LEN], y[SPECIAL_ROWS * LEN];
        int64_t dims[2] = {SPECIAL_ROWS, LEN};
        for (size_t r = 0; r < SPECIAL_ROWS * LEN; r++)
            x[r] = -INFINITY;
        for (size_t r = 0; r < SPECIAL_ROWS; r++)
            for (size_t i = 0; i < 4; i++)
                x[r * LEN + at[i]] = (float)special_x[r][i];
        for (int o = 0; o < 2; o++) {
            const double(*want)[4] = o ? special_log : special_soft;
            softmax_run_on(o ? "LogSoftmax" : "Softmax", 13, ONNXC_FLOAT, 2,
                           dims, NULL, x, y);
            for (size_t r = 0; r < SPECIAL_ROWS; r++) {
                bool nan_row = isnan(want[r][0]);
                for (size_t i = 0, j = 0; i < LEN; i++) {
                    bool special = j < 4 && at[j] == i;
                    double w = special ? want[r][j++]
                               : nan_row ? NAN
                               : o       ? -INFINITY
                                         : 0;
                    double got = y[r * LEN + i];
                    bool ok = isnan(w) || isinf(w) || w == 0
                                  ? same_or_both_nan(got, w)
                                  : fabs(got - w) <= 2e-7 * fabs(w);
                    cr_assert(ok, "%s %s row %zu: y[%zu] = %.17g, want %.17g",
                              o ? "LogSoftmax" : "Softmax", names[isa], r, i,
                              got, w);
                }
            }
        }
    }
    kernel_use(ONNXC_KERNELS_AUTO);
}
