/*
 * test_reduce.c - the reduction engine (ops/common/reduce.c) through a
 * session, against a plain double-precision reference written here:
 * every kind over every set of axes of a 4-D input, both keepdims, the
 * attribute and the input form of axes; empty reductions and their
 * identities; NaN; integer wrap-around; a 10^7-element float sum against
 * a double sum; and the errors (axes out of range or repeated, an axes
 * input where the version takes an attribute, an integer kind not run).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_builder.h"
#include "onnxc.h"
#include "test_rng.h"

/* Uniform in [0, 1). */
static float uniform(rng *r)
{
    return (float)(rng_next(r) >> 40) * 0x1p-24f;
}

static void ok(onnxc_status *st)
{
    cr_assert_null(st, "%s", onnxc_status_message(st));
}

static const char *const NAMES[] = {
    "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd",
    "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp",
    "ReduceSumSquare"};
enum { SUM, MEAN, MAX, MIN, PROD, L1, L2, LOG_SUM, LOG_SUM_EXP, SUM_SQUARE,
       KINDS };

/* The first version taking axes as an input. */
static int axes_input_from(int kind)
{
    return kind == SUM ? 13 : 18;
}

/* y = kind(x) over `axes` (count n; -1: no axes), at `opset`, x of
 * `elem` and shape `xshape`. */
static mb_model *reduce_model(int kind, int opset, int elem, const char *xshape,
                              const int64_t *axes, int n, int keepdims)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", opset);
    mb_input(m, "x", elem, xshape);
    Onnx__NodeProto *node;
    if (opset >= axes_input_from(kind) && n >= 0) {
        char dims[16];
        snprintf(dims, sizeof dims, "%d", n);
        mb_initializer_raw(m, "axes", ONNXC_INT64, dims, axes,
                           (size_t)n * sizeof *axes);
        node = mb_node(m, NAMES[kind], "reduce", "x,axes", "y");
    } else {
        node = mb_node(m, NAMES[kind], "reduce", "x", "y");
        if (n >= 0)
            mb_attr_ints(m, node, "axes", axes, (size_t)n);
    }
    if (keepdims >= 0)
        mb_attr_int(m, node, "keepdims", keepdims);
    mb_output(m, "y", elem, NULL);
    return m;
}

/* Runs a one-input model; the output view stays valid while *s lives. */
static onnxc_tensor_view run1(mb_model *m, onnxc_model **model,
                              onnxc_session **s, onnxc_dtype t,
                              const int64_t *dims, size_t rank,
                              const void *data)
{
    onnxc_status *st = mb_load(m, NULL, model);
    mb_free(m);
    ok(st);
    ok(onnxc_session_create(*model, NULL, s));
    ok(onnxc_session_bind_input(*s, 0, t, dims, rank, data));
    ok(onnxc_session_run(*s));
    onnxc_tensor_view v;
    ok(onnxc_session_output(*s, 0, &v));
    return v;
}

static void done(onnxc_model *model, onnxc_session *s)
{
    onnxc_session_free(s);
    onnxc_model_free(model);
}

/* The reference: kind over the elements of x [4] at `mask`, in double,
 * for output index `o` in the order of the kept dims. */
static double reference(int kind, const float *x, const int64_t *dims,
                        unsigned mask, size_t o)
{
    int64_t kept[4] = {0};
    size_t rest = o;
    for (int d = 3; d >= 0; d--)
        if (!(mask >> d & 1)) {
            kept[d] = (int64_t)(rest % (size_t)dims[d]);
            rest /= (size_t)dims[d];
        }
    double acc = kind == PROD ? 1 : kind == MAX ? -INFINITY
                                : kind == MIN ? INFINITY : 0;
    double m = -INFINITY;
    size_t n = 0;
    for (int pass = 0; pass < (kind == LOG_SUM_EXP ? 2 : 1); pass++)
        for (int64_t i0 = 0; i0 < dims[0]; i0++)
            for (int64_t i1 = 0; i1 < dims[1]; i1++)
                for (int64_t i2 = 0; i2 < dims[2]; i2++)
                    for (int64_t i3 = 0; i3 < dims[3]; i3++) {
                        int64_t idx[4] = {i0, i1, i2, i3};
                        bool in = true;
                        for (int d = 0; d < 4; d++)
                            in = in && ((mask >> d & 1) || idx[d] == kept[d]);
                        if (!in)
                            continue;
                        double v = x[((i0 * dims[1] + i1) * dims[2] + i2) *
                                         dims[3] + i3];
                        n += pass == 0;
                        switch (kind) {
                        case SUM: case MEAN: case LOG_SUM: acc += v; break;
                        case MAX: acc = v > acc ? v : acc; break;
                        case MIN: acc = v < acc ? v : acc; break;
                        case PROD: acc *= v; break;
                        case L1: acc += fabs(v); break;
                        case L2: case SUM_SQUARE: acc += v * v; break;
                        case LOG_SUM_EXP:
                            if (pass == 0)
                                m = v > m ? v : m;
                            else
                                acc += exp(v - m);
                            break;
                        }
                    }
    switch (kind) {
    case MEAN: return acc / (double)n;
    case L2: return sqrt(acc);
    case LOG_SUM: return log(acc);
    case LOG_SUM_EXP: return m + log(acc);
    default: return acc;
    }
}

Test(reduce, every_kind_over_every_set_of_axes_matches_the_reference)
{
    static const int64_t dims[4] = {2, 3, 4, 5};
    float x[120];
    rng r = rng_seed(12);
    for (int i = 0; i < 120; i++)
        x[i] = 0.25f + uniform(&r);  /* > 0: logs defined */
    for (int kind = 0; kind < KINDS; kind++)
        for (unsigned mask = 1; mask < 16; mask++)
            for (int form = 0; form < 2; form++)  /* attribute, input */
                for (int keep = 0; keep < 2; keep++) {
                    int64_t axes[4];
                    int n = 0;
                    for (int d = 0; d < 4; d++)
                        if (mask >> d & 1)  /* negative half the time */
                            axes[n++] = (d + kind) % 2 ? d - 4 : d;
                    int opset = form ? axes_input_from(kind) : 11;
                    onnxc_model *model;
                    onnxc_session *s;
                    onnxc_tensor_view v = run1(
                        reduce_model(kind, opset, ONNXC_FLOAT, "2,3,4,5", axes,
                                     n, keep),
                        &model, &s, ONNXC_FLOAT, dims, 4, x);
                    size_t count = 1;
                    int rank = 0;
                    for (int d = 0; d < 4; d++) {
                        bool red = mask >> d & 1;
                        if (!red || keep)
                            cr_assert_eq(v.dims[rank++], red ? 1 : dims[d],
                                         "%s mask %u: dim %d", NAMES[kind],
                                         mask, d);
                        count *= red ? 1 : (size_t)dims[d];
                    }
                    cr_assert_eq(v.rank, rank);
                    for (size_t o = 0; o < count; o++) {
                        double want = reference(kind, x, dims, mask, o);
                        float got = ((const float *)v.data)[o];
                        cr_assert(fabs(got - want) <= 1e-6 * fabs(want) + 1e-7,
                                  "%s opset %d mask %u keepdims %d [%zu]: "
                                  "%.9g, expected %.9g",
                                  NAMES[kind], opset, mask, keep, o,
                                  (double)got, want);
                    }
                    done(model, s);
                }
}

Test(reduce, no_axes_reduces_everything_unless_noop_with_empty_axes)
{
    static const int64_t dims[2] = {2, 3};
    const float x[6] = {1, 2, 3, 4, 5, 6};
    onnxc_model *model;
    onnxc_session *s;
    /* no axes, keepdims default 1: [1, 1] */
    onnxc_tensor_view v = run1(reduce_model(SUM, 13, ONNXC_FLOAT, "2,3", NULL,
                                            -1, -1),
                               &model, &s, ONNXC_FLOAT, dims, 2, x);
    cr_assert(v.rank == 2 && v.dims[0] == 1 && v.dims[1] == 1);
    cr_assert_eq(((const float *)v.data)[0], 21.0f);
    done(model, s);
    /* an empty axes input with noop_with_empty_axes: x as it is */
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "2,3");
    mb_initializer_raw(m, "axes", ONNXC_INT64, "0", NULL, 0);
    Onnx__NodeProto *n = mb_node(m, "ReduceSum", "reduce", "x,axes", "y");
    mb_attr_int(m, n, "noop_with_empty_axes", 1);
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    v = run1(m, &model, &s, ONNXC_FLOAT, dims, 2, x);
    cr_assert(v.rank == 2 && v.dims[0] == 2 && v.dims[1] == 3);
    cr_assert_eq(memcmp(v.data, x, sizeof x), 0);
    done(model, s);
}

Test(reduce, empty_reductions_give_the_identity_of_their_kind)
{
    static const int64_t dims[3] = {2, 0, 3};
    const double want[KINDS] = {0, NAN, -INFINITY, INFINITY, 1, 0, 0,
                                -INFINITY, -INFINITY, 0};
    const int64_t axis = 1;
    float none[1] = {0};
    for (int kind = 0; kind < KINDS; kind++) {
        onnxc_model *model;
        onnxc_session *s;
        onnxc_tensor_view v = run1(
            reduce_model(kind, 11, ONNXC_FLOAT, "2,0,3", &axis, 1, 0), &model,
            &s, ONNXC_FLOAT, dims, 3, none);
        cr_assert(v.rank == 2 && v.dims[0] == 2 && v.dims[1] == 3);
        for (int i = 0; i < 6; i++) {
            float got = ((const float *)v.data)[i];
            if (isnan(want[kind]))
                cr_assert(isnan(got), "%s: %g", NAMES[kind], (double)got);
            else
                cr_assert_eq(got, (float)want[kind], "%s: %g", NAMES[kind],
                             (double)got);
        }
        done(model, s);
    }
}

Test(reduce, a_nan_wins_max_and_min_wherever_it_stands)
{
    static const int64_t dims[1] = {4};
    const float xs[3][4] = {{NAN, 1, 2, 3}, {1, NAN, 3, 2}, {1, 2, 3, NAN}};
    for (int kind = MAX; kind <= MIN; kind++)
        for (int i = 0; i < 3; i++) {
            onnxc_model *model;
            onnxc_session *s;
            onnxc_tensor_view v = run1(
                reduce_model(kind, 13, ONNXC_FLOAT, "4", NULL, -1, 0), &model,
                &s, ONNXC_FLOAT, dims, 1, xs[i]);
            cr_assert(isnan(((const float *)v.data)[0]), "%s of row %d",
                      NAMES[kind], i);
            done(model, s);
        }
}

Test(reduce, integers_wrap_and_keep_their_extremes)
{
    static const int64_t dims[1] = {3};
    const int32_t x32[3] = {INT32_MAX, 1, 1};
    const int64_t x64[3] = {INT64_MIN, -1, 5};
    onnxc_model *model;
    onnxc_session *s;
    onnxc_tensor_view v = run1(reduce_model(SUM, 13, ONNXC_INT32, "3", NULL,
                                            -1, 0),
                               &model, &s, ONNXC_INT32, dims, 1, x32);
    cr_assert_eq(((const int32_t *)v.data)[0], INT32_MIN + 1);
    done(model, s);
    v = run1(reduce_model(MIN, 13, ONNXC_INT64, "3", NULL, -1, 0), &model, &s,
             ONNXC_INT64, dims, 1, x64);
    cr_assert_eq(((const int64_t *)v.data)[0], INT64_MIN);
    done(model, s);
    v = run1(reduce_model(MAX, 13, ONNXC_INT64, "3", NULL, -1, 0), &model, &s,
             ONNXC_INT64, dims, 1, x64);
    cr_assert_eq(((const int64_t *)v.data)[0], 5);
    done(model, s);
    /* integer mean truncates toward zero: (INT64_MIN - 1 + 5) wraps */
    const int64_t y[3] = {-7, 0, 0};
    v = run1(reduce_model(MEAN, 13, ONNXC_INT64, "3", NULL, -1, 0), &model, &s,
             ONNXC_INT64, dims, 1, y);
    cr_assert_eq(((const int64_t *)v.data)[0], -2);
    done(model, s);
}

/* L2 and the log-sums of integers: computed in double, truncated toward
 * zero, saturated (as the spec's reference casts its double result). */
Test(reduce, integer_l2_and_log_sums_truncate_their_real_results)
{
    static const int64_t dims[1] = {3};
    static const struct {
        int kind;
        int32_t x[3];
        int32_t want;   /* the real result truncated */
    } cases[] = {
        {L2, {3, 4, 12}, 13},             /* sqrt(169) exactly */
        {L2, {1, 1, 1}, 1},               /* sqrt(3) = 1.73 */
        {L2, {-46341, 0, 0}, 46341},      /* the square beyond int32 */
        {LOG_SUM, {1, 1, 5}, 1},          /* log 7 = 1.95 */
        {LOG_SUM, {0, 0, 0}, INT32_MIN},  /* log 0 = -inf: the least */
        {LOG_SUM_EXP, {-3, 2, 2}, 2},     /* 2 + log(2 + e^-5) = 2.70 */
        {LOG_SUM_EXP, {90, 90, 90}, 91},  /* 90 + log 3: no exp overflow */
        {LOG_SUM_EXP, {-5, -5, -9}, -4},  /* -4.31 toward zero */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        onnxc_model *model;
        onnxc_session *s;
        onnxc_tensor_view v = run1(reduce_model(cases[i].kind, 18, ONNXC_INT32,
                                                "3", NULL, -1, 0),
                                   &model, &s, ONNXC_INT32, dims, 1, cases[i].x);
        cr_assert_eq(((const int32_t *)v.data)[0], cases[i].want,
                     "case %zu (%s): %d", i, NAMES[cases[i].kind],
                     ((const int32_t *)v.data)[0]);
        done(model, s);
    }
    const int64_t big[3] = {INT64_MAX, INT64_MAX, 0};
    onnxc_model *model;
    onnxc_session *s;
    onnxc_tensor_view v = run1(reduce_model(L2, 13, ONNXC_INT64, "3", NULL, -1, 0),
                               &model, &s, ONNXC_INT64, dims, 1, big);
    /* sqrt(2) (2^63 - 1) does not fit: the largest int64 */
    cr_assert_eq(((const int64_t *)v.data)[0], INT64_MAX);
    done(model, s);
}

Test(reduce, a_long_float_sum_does_not_drift)
{
    enum { N = 10 * 1000 * 1000 };
    float *x = malloc(N * sizeof *x);
    cr_assert_not_null(x);
    rng r = rng_seed(7);
    double exact = 0;
    for (size_t i = 0; i < N; i++) {
        x[i] = uniform(&r);
        exact += x[i];
    }
    int64_t dims[1] = {N};
    onnxc_model *model;
    onnxc_session *s;
    onnxc_tensor_view v = run1(reduce_model(SUM, 13, ONNXC_FLOAT, "n", NULL,
                                            -1, 0),
                               &model, &s, ONNXC_FLOAT, dims, 1, x);
    float got = ((const float *)v.data)[0];
    /* the float nearest the exact sum, within one ulp */
    cr_assert(fabs(got - exact) <= nextafterf((float)exact, INFINITY) -
                                       (float)exact,
              "sum %.9g, exact %.9g", (double)got, exact);
    done(model, s);
    free(x);
}

static void expect_load_error(mb_model *m, onnxc_code code, const char *a,
                              const char *b)
{
    onnxc_model *model = NULL;
    onnxc_status *st = mb_load(m, NULL, &model);
    mb_free(m);
    cr_assert_null(model);
    cr_assert_not_null(st);
    const char *msg = onnxc_status_message(st);
    cr_assert_eq(onnxc_status_code(st), code, "%s", msg);
    cr_assert(strstr(msg, a) && strstr(msg, b), "%s", msg);
    onnxc_status_free(st);
}

Test(reduce, bad_axes_and_types_are_refused_at_load_naming_the_node)
{
    const int64_t out[1] = {2}, twice[2] = {1, -1}, one[1] = {0};
    expect_load_error(reduce_model(MEAN, 11, ONNXC_FLOAT, "2,3", out, 1, 1),
                      ONNXC_ERR_SHAPE, "'reduce'", "axis 2 is out of range");
    expect_load_error(reduce_model(SUM, 13, ONNXC_FLOAT, "2,3", twice, 2, 1),
                      ONNXC_ERR_SHAPE, "'reduce'", "given twice");
    expect_load_error(reduce_model(L2, 18, ONNXC_INT8, "2,3", one, 1, 1),
                      ONNXC_ERR_UNSUPPORTED, "'reduce'", "int8");
    expect_load_error(reduce_model(MAX, 11, ONNXC_UINT8, "2,3", one, 1, 1),
                      ONNXC_ERR_UNSUPPORTED, "'reduce'", "uint8");
    /* ReduceMean-13 takes axes as an attribute, not as an input */
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "2,3");
    mb_initializer_raw(m, "axes", ONNXC_INT64, "1", one, sizeof one);
    mb_node(m, "ReduceMean", "reduce", "x,axes", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    expect_load_error(m, ONNXC_ERR_INVALID_MODEL, "'reduce'",
                      "attribute before version 18");
}

/* ---------------------------------------------------- ArgMax, ArgMin */

static mb_model *arg_model(const char *op, int opset, const char *shape,
                           int64_t axis, int64_t keepdims, int64_t last)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", opset);
    mb_input(m, "x", ONNXC_FLOAT, shape);
    Onnx__NodeProto *n = mb_node(m, op, "arg", "x", "y");
    mb_attr_int(m, n, "axis", axis);
    mb_attr_int(m, n, "keepdims", keepdims);
    if (last >= 0)
        mb_attr_int(m, n, "select_last_index", last);
    mb_output(m, "y", ONNXC_INT64, NULL);
    return m;
}

Test(reduce, arg_max_and_min_break_ties_and_let_nan_win)
{
    /* [2, 4]: row 0 has a tie, row 1 two NaNs */
    const float x[8] = {3, 1, 3, 0, 2, NAN, 5, NAN};
    static const int64_t dims[2] = {2, 4};
    static const struct {
        const char *op;
        int64_t last, want[2];
    } cases[] = {
        {"ArgMax", 0, {0, 1}}, {"ArgMax", 1, {2, 3}},
        {"ArgMin", 0, {3, 1}}, {"ArgMin", 1, {3, 3}},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        onnxc_model *model;
        onnxc_session *s;
        onnxc_tensor_view v = run1(arg_model(cases[c].op, 13, "2,4", -1, 0,
                                             cases[c].last),
                                   &model, &s, ONNXC_FLOAT, dims, 2, x);
        cr_assert(v.rank == 1 && v.dims[0] == 2);
        const int64_t *y = v.data;
        cr_assert(y[0] == cases[c].want[0] && y[1] == cases[c].want[1],
                  "%s last %lld: %lld %lld", cases[c].op,
                  (long long)cases[c].last, (long long)y[0], (long long)y[1]);
        done(model, s);
    }
}

Test(reduce, arg_max_refuses_an_empty_axis_and_early_negative_axes)
{
    expect_load_error(arg_model("ArgMax", 13, "2,0", 1, 1, 0), ONNXC_ERR_SHAPE,
                      "'arg'", "empty");
    expect_load_error(arg_model("ArgMin", 1, "2,3", -1, 1, -1),
                      ONNXC_ERR_INVALID_MODEL, "'arg'", "from version 11");
    expect_load_error(arg_model("ArgMax", 13, "2,3", 2, 1, 0), ONNXC_ERR_SHAPE,
                      "'arg'", "2");
}
