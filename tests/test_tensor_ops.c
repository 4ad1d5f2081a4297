/*
 * test_tensor_ops.c - the operators that move or convert elements without
 * arithmetic (Shape, Gather, Unsqueeze, Squeeze, Concat, Cast, CastLike),
 * on real values, through a session: each model runs once with every
 * optimization (the nodes then mostly run when the plan is made, or at
 * load) and once with none (they run in the run), and both must give the
 * same elements. Also where each refusal comes: at load, when planning,
 * or from the run, and that a session stays usable after a run error.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "model_builder.h"
#include "onnxc.h"

/* ------------------------------------------------------------ helpers */

static void ok(onnxc_status *st)
{
    cr_assert_null(st, "%s", onnxc_status_message(st));
}

/* Fails unless st has `code` and its message holds every part in ap (a
 * NULL-terminated list); frees st. */
static void expect_status_v(onnxc_status *st, onnxc_code code, va_list ap)
{
    cr_assert_not_null(st, "expected an error (code %d), got success", code);
    const char *msg = onnxc_status_message(st);
    cr_assert_eq(onnxc_status_code(st), code, "code %d, expected %d: %s",
                 onnxc_status_code(st), code, msg);
    for (const char *part; (part = va_arg(ap, const char *));)
        cr_assert(strstr(msg, part), "'%s' is not in: %s", part, msg);
    onnxc_status_free(st);
}

static void expect_status(onnxc_status *st, onnxc_code code, ...)
{
    va_list ap;
    va_start(ap, code);
    expect_status_v(st, code, ap);
    va_end(ap);
}

static onnxc_model *load(mb_model *m)
{
    onnxc_model *model = NULL;
    onnxc_status *st = mb_load(m, NULL, &model);
    cr_assert_null(st, "load failed: %s", onnxc_status_message(st));
    mb_free(m);
    return model;
}

/* Loading m (consumed) must fail with `code` and these message parts
 * (NULL-terminated). */
static void expect_load_error(mb_model *m, onnxc_code code, ...)
{
    onnxc_model *model = NULL;
    onnxc_status *st = mb_load(m, NULL, &model);
    mb_free(m);
    cr_assert_null(model);
    va_list ap;
    va_start(ap, code);
    expect_status_v(st, code, ap);
    va_end(ap);
}

static onnxc_session *session(const onnxc_model *model, bool optimize)
{
    onnxc_session_options *o = NULL;
    onnxc_session *s = NULL;
    ok(onnxc_session_options_create(&o));
    if (!optimize)
        ok(onnxc_session_options_set_optimizations(o, ONNXC_OPTIMIZE_NONE));
    ok(onnxc_session_create(model, o, &s));
    onnxc_session_options_free(o);
    return s;
}

/* An input to bind: dims and data, not copied. */
typedef struct bound {
    onnxc_dtype dtype;
    size_t rank;
    int64_t dims[ONNXC_MAX_RANK];
    const void *data;
} bound;

static void bind_all(onnxc_session *s, int n, const bound *in)
{
    for (int i = 0; i < n; i++)
        ok(onnxc_session_bind_input(s, (size_t)i, in[i].dtype, in[i].dims,
                                    in[i].rank, in[i].data));
}

static void expect_view(const onnxc_tensor_view *v, onnxc_dtype dtype,
                        size_t rank, const int64_t *dims, const void *want,
                        size_t bytes, const char *what)
{
    cr_assert_eq(v->dtype, dtype, "%s: type %s, expected %s", what,
                 onnxc_dtype_name(v->dtype), onnxc_dtype_name(dtype));
    cr_assert_eq((size_t)v->rank, rank, "%s: rank %d, expected %zu", what,
                 v->rank, rank);
    for (size_t d = 0; d < rank; d++)
        cr_assert_eq(v->dims[d], dims[d], "%s: dim %zu is %lld, expected %lld",
                     what, d, (long long)v->dims[d], (long long)dims[d]);
    cr_assert_eq(v->bytes, bytes, "%s: %zu bytes, expected %zu", what,
                 v->bytes, bytes);
    for (size_t b = 0; b < bytes; b++)
        cr_assert_eq(((const unsigned char *)v->data)[b],
                     ((const unsigned char *)want)[b],
                     "%s: byte %zu is 0x%02x, expected 0x%02x", what, b,
                     ((const unsigned char *)v->data)[b],
                     ((const unsigned char *)want)[b]);
}

/* Loads m (consumed), runs it on `in` with and without optimizations, and
 * checks output 0 bit for bit: dtype, dims and `bytes` bytes of want. */
static void expect_output(mb_model *m, int n_in, const bound *in,
                          onnxc_dtype dtype, size_t rank, const int64_t *dims,
                          const void *want, size_t bytes)
{
    onnxc_model *model = load(m);
    for (int opt = 1; opt >= 0; opt--) {
        onnxc_session *s = session(model, opt);
        bind_all(s, n_in, in);
        ok(onnxc_session_run(s));
        onnxc_tensor_view v;
        ok(onnxc_session_output(s, 0, &v));
        expect_view(&v, dtype, rank, dims, want, bytes,
                    opt ? "optimized" : "not optimized");
        onnxc_session_free(s);
    }
    onnxc_model_free(model);
}

static const float x24[24] = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                              12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23};

/* ---------------------------------------------------------------- Shape */

/* Shape(x) of x [batch, 3, 4, 5] (batch bound to 2) with start and end. */
static void expect_shape_range(int opset, const int64_t *start,
                               const int64_t *end, size_t count,
                               const int64_t *want)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", opset);
    mb_input(m, "x", ONNXC_FLOAT, "batch,3,4,5");
    Onnx__NodeProto *n = mb_node(m, "Shape", "shape", "x", "y");
    if (start)
        mb_attr_int(m, n, "start", *start);
    if (end)
        mb_attr_int(m, n, "end", *end);
    mb_output(m, "y", ONNXC_INT64, NULL);
    static float x[2 * 60];
    bound in = {ONNXC_FLOAT, 4, {2, 3, 4, 5}, x};
    int64_t dims[] = {(int64_t)count};
    expect_output(m, 1, &in, ONNXC_INT64, 1, dims, want,
                  count * sizeof *want);
}

Test(tensor_ops, shape_start_and_end_positive_negative_clamped_and_empty)
{
    static const int opsets[] = {15, 19, 21};
    const int64_t all[] = {2, 3, 4, 5};
    for (size_t i = 0; i < sizeof opsets / sizeof *opsets; i++) {
        int v = opsets[i];
        int64_t s, e;
        expect_shape_range(v, NULL, NULL, 4, all);
        s = 1;
        expect_shape_range(v, &s, NULL, 3, all + 1);
        s = 1, e = 3;
        expect_shape_range(v, &s, &e, 2, all + 1);
        s = -3, e = -1;                 /* [1, 3) */
        expect_shape_range(v, &s, &e, 2, all + 1);
        e = -1;                         /* start 0 */
        expect_shape_range(v, NULL, &e, 3, all);
        s = -100, e = 100;              /* clamped to [0, 4] */
        expect_shape_range(v, &s, &e, 4, all);
        s = 2, e = 100;
        expect_shape_range(v, &s, &e, 2, all + 2);
        s = 3, e = 1;                   /* end < start: empty */
        expect_shape_range(v, &s, &e, 0, all);
        s = 4;                          /* start at the rank: empty */
        expect_shape_range(v, &s, NULL, 0, all);
        s = -1, e = -3;
        expect_shape_range(v, &s, &e, 0, all);
        s = 0, e = 0;
        expect_shape_range(v, &s, &e, 0, all);
    }
}

Test(tensor_ops, shape_before_15_refuses_start_and_end)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "2,3");
    Onnx__NodeProto *n = mb_node(m, "Shape", "shape", "x", "y");
    mb_attr_int(m, n, "start", 1);
    mb_output(m, "y", ONNXC_INT64, NULL);
    expect_load_error(m, ONNXC_ERR_UNSUPPORTED, "node 'shape'",
                      "unknown attribute 'start'", NULL);
}

/* --------------------------------------------------------------- Gather */

/* y = Gather(x, i, axis): x and i graph inputs. */
static mb_model *gather_model(const char *x_shape, onnxc_dtype idx_type,
                              const char *i_shape, int64_t axis)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, x_shape);
    mb_input(m, "i", (int)idx_type, i_shape);
    Onnx__NodeProto *n = mb_node(m, "Gather", "g", "x,i", "y");
    mb_attr_int(m, n, "axis", axis);
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    return m;
}

Test(tensor_ops, gather_negative_indices_int64_and_int32)
{
    const float x[5] = {10, 11, 12, 13, 14};
    const int64_t i64[4] = {-1, -5, 0, 2};
    const int32_t i32[4] = {-1, -5, 0, 2};
    const float want[4] = {14, 10, 10, 12};
    int64_t dims[] = {4};
    bound in[2] = {{ONNXC_FLOAT, 1, {5}, x}, {ONNXC_INT64, 1, {4}, i64}};
    expect_output(gather_model("5", ONNXC_INT64, "4", 0), 2, in, ONNXC_FLOAT,
                  1, dims, want, sizeof want);
    in[1] = (bound){ONNXC_INT32, 1, {4}, i32};
    expect_output(gather_model("5", ONNXC_INT32, "4", 0), 2, in, ONNXC_FLOAT,
                  1, dims, want, sizeof want);
}

Test(tensor_ops, gather_nd_indices_on_axis_0)
{
    /* x [3, 2]; indices [2, 2] -> y [2, 2, 2]: rows picked. */
    const float x[6] = {0, 1, 2, 3, 4, 5};
    const int64_t idx[4] = {0, 2, -1, 1};
    const float want[8] = {0, 1, 4, 5, 4, 5, 2, 3};
    int64_t dims[] = {2, 2, 2};
    bound in[2] = {{ONNXC_FLOAT, 2, {3, 2}, x}, {ONNXC_INT64, 2, {2, 2}, idx}};
    expect_output(gather_model("3,2", ONNXC_INT64, "2,2", 0), 2, in,
                  ONNXC_FLOAT, 3, dims, want, sizeof want);
    /* A scalar index drops the axis. */
    const int64_t one = -2;
    int64_t dims1[] = {2};
    in[1] = (bound){ONNXC_INT64, 0, {0}, &one};
    expect_output(gather_model("3,2", ONNXC_INT64, "", 0), 2, in, ONNXC_FLOAT,
                  1, dims1, x + 2, 2 * sizeof *x);
}

Test(tensor_ops, gather_on_axis_1_and_minus_1)
{
    /* x [2, 3, 4] = 0..23. axis 1, indices [2, -3] -> y [2, 2, 4]. */
    const int64_t idx[2] = {2, -3};
    float want[16];
    for (int a = 0; a < 2; a++)
        for (int j = 0; j < 2; j++)
            for (int c = 0; c < 4; c++)
                want[(a * 2 + j) * 4 + c] =
                    (float)(a * 12 + (j == 0 ? 2 : 0) * 4 + c);
    int64_t dims[] = {2, 2, 4};
    bound in[2] = {{ONNXC_FLOAT, 3, {2, 3, 4}, x24},
                   {ONNXC_INT64, 1, {2}, idx}};
    expect_output(gather_model("2,3,4", ONNXC_INT64, "2", 1), 2, in,
                  ONNXC_FLOAT, 3, dims, want, sizeof want);
    /* axis -1, indices [[3, 0], [-1, 1]] -> y [2, 3, 2, 2]. */
    const int64_t idx2[4] = {3, 0, -1, 1};
    float want2[24];
    for (int r = 0; r < 6; r++)
        for (int k = 0; k < 4; k++)
            want2[r * 4 + k] = (float)(r * 4 + (idx2[k] + 4) % 4);
    int64_t dims2[] = {2, 3, 2, 2};
    in[1] = (bound){ONNXC_INT64, 2, {2, 2}, idx2};
    expect_output(gather_model("2,3,4", ONNXC_INT64, "2,2", -1), 2, in,
                  ONNXC_FLOAT, 4, dims2, want2, sizeof want2);
}

/* Gather(Relu(x), i, axis 1) of x [2, 3]: bad indices fail the run with a
 * message naming the node, the index and its bound; good ones run after
 * that in the same session. With data a graph input (relu false) the plan
 * computes the Gather, and the same error comes from planning. */
static void gather_errors_then_recovers(bool relu, bool optimize)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "2,3");
    mb_input(m, "i", ONNXC_INT64, "2");
    if (relu)
        mb_node(m, "Relu", "relu", "x", "r");
    Onnx__NodeProto *n = mb_node(m, "Gather", "pick", relu ? "r,i" : "x,i", "y");
    mb_attr_int(m, n, "axis", 1);
    mb_output(m, "y", ONNXC_FLOAT, "2,2");
    onnxc_model *model = load(m);
    onnxc_session *s = session(model, optimize);
    const float x[6] = {0, 1, 2, 3, 4, 5};
    int64_t xd[] = {2, 3}, id[] = {2};
    const int64_t over[2] = {0, 3}, under[2] = {-4, 1}, good[2] = {-1, 0};
    ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, xd, 2, x));
    ok(onnxc_session_bind_input(s, 1, ONNXC_INT64, id, 1, over));
    expect_status(onnxc_session_run(s), ONNXC_ERR_RUN, "node 'pick'",
                  "indices[1] = 3", "axis 1 of size 3", "valid: [-3, 2]", NULL);
    ok(onnxc_session_bind_input(s, 1, ONNXC_INT64, id, 1, under));
    expect_status(onnxc_session_run(s), ONNXC_ERR_RUN, "node 'pick'",
                  "indices[0] = -4", "valid: [-3, 2]", NULL);
    for (int twice = 0; twice < 2; twice++) {
        ok(onnxc_session_bind_input(s, 1, ONNXC_INT64, id, 1, good));
        ok(onnxc_session_run(s));
        onnxc_tensor_view v;
        ok(onnxc_session_output(s, 0, &v));
        const float want[4] = {2, 0, 5, 3};
        int64_t dims[] = {2, 2};
        expect_view(&v, ONNXC_FLOAT, 2, dims, want, sizeof want, "good");
    }
    /* and a bad one again, after good runs */
    ok(onnxc_session_bind_input(s, 1, ONNXC_INT64, id, 1, over));
    expect_status(onnxc_session_run(s), ONNXC_ERR_RUN, "indices[1] = 3", NULL);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(tensor_ops, gather_index_out_of_range_fails_the_run_and_the_session_recovers)
{
    for (int relu = 0; relu < 2; relu++)
        for (int opt = 0; opt < 2; opt++)
            gather_errors_then_recovers(relu, opt);
}

Test(tensor_ops, gather_constant_index_out_of_range_is_refused_at_load)
{
    /* Data computed in the run (Relu), a constant index: the model can
     * never run, and load says so (before the fix, every run did). */
    for (int k = 0; k < 3; k++) {
        static const int64_t bad[3][2] = {{0, 4}, {-5, 0}, {1, 1000000}};
        mb_model *m = mb_new(8);
        mb_opset(m, "", 13);
        mb_input(m, "x", ONNXC_FLOAT, "4,3");
        mb_initializer_raw(m, "i", ONNXC_INT64, "2", bad[k], sizeof bad[k]);
        mb_node(m, "Relu", "relu", "x", "r");
        mb_node(m, "Gather", "pick", "r,i", "y");
        mb_output(m, "y", ONNXC_FLOAT, NULL);
        char part[64];
        int at = bad[k][0] >= -4 && bad[k][0] < 4;
        snprintf(part, sizeof part, "indices[%d] = %lld", at,
                 (long long)bad[k][at]);
        expect_load_error(m, ONNXC_ERR_INVALID_MODEL, "node 'pick'", part,
                          "axis 0 of size 4", "valid: [-4, 3]", NULL);
    }
    /* Data and index constants: the same, at load. */
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    float d[3] = {1, 2, 3};
    int64_t i = -4;
    mb_initializer_raw(m, "d", ONNXC_FLOAT, "3", d, sizeof d);
    mb_initializer_raw(m, "i", ONNXC_INT64, "", &i, sizeof i);
    mb_node(m, "Gather", "pick", "d,i", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    expect_load_error(m, ONNXC_ERR_INVALID_MODEL, "node 'pick'",
                      "indices[0] = -4", "valid: [-3, 2]", NULL);
}

Test(tensor_ops, gather_constant_index_on_a_symbolic_axis_is_checked_when_planning)
{
    /* x [batch, 2] -> Relu -> Gather(axis 0, constant [3]): only the
     * batch says; the plan refuses batch 3 (nothing runs: RUN, the
     * session stays usable), batch 4 runs. */
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "batch,2");
    int64_t i = 3;
    mb_initializer_raw(m, "i", ONNXC_INT64, "1", &i, sizeof i);
    mb_node(m, "Relu", "relu", "x", "r");
    mb_node(m, "Gather", "pick", "r,i", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    onnxc_model *model = load(m);
    for (int opt = 0; opt < 2; opt++) {
        onnxc_session *s = session(model, opt);
        int64_t small[] = {3, 2}, big[] = {4, 2};
        ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, small, 2, x24));
        expect_status(onnxc_session_run(s), ONNXC_ERR_RUN, "node 'pick'",
                      "indices[0] = 3", "axis 0 of size 3", NULL);
        /* the plan refused it: there is none (from the run, there was) */
        onnxc_plan_stats stats;
        expect_status(onnxc_session_plan_stats(s, &stats),
                      ONNXC_ERR_INVALID_ARGUMENT, "no plan yet", NULL);
        ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, big, 2, x24));
        ok(onnxc_session_run(s));
        onnxc_tensor_view v;
        ok(onnxc_session_output(s, 0, &v));
        int64_t dims[] = {1, 2};
        expect_view(&v, ONNXC_FLOAT, 2, dims, x24 + 6, 2 * sizeof *x24, "batch 4");
        onnxc_session_free(s);
    }
    onnxc_model_free(model);
}

/* ------------------------------------------------------ Unsqueeze, Squeeze */

/* op(x) of x [dims of x_shape] = 0..count-1 with axes as an attribute
 * (opset < 13) or a constant input (13 and later; axes NULL: none). */
static mb_model *axes_model(const char *op, int opset, const char *x_shape,
                            const int64_t *axes, size_t n_axes)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", opset);
    mb_input(m, "x", ONNXC_FLOAT, x_shape);
    if (opset < 13 || !axes) {
        Onnx__NodeProto *n = mb_node(m, op, "op", "x", "y");
        if (axes)
            mb_attr_ints(m, n, "axes", axes, n_axes);
    } else {
        char dims[16];
        snprintf(dims, sizeof dims, "%zu", n_axes);
        mb_initializer_raw(m, "axes", ONNXC_INT64, dims, axes,
                           n_axes * sizeof *axes);
        mb_node(m, op, "op", "x,axes", "y");
    }
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    return m;
}

static void expect_axes_op(const char *op, int opset, const int64_t *axes,
                           size_t n_axes, size_t rank, const int64_t *want)
{
    /* x is [2, 3] for Unsqueeze, [1, 2, 1, 3] for Squeeze. */
    bool unsq = op[0] == 'U';
    bound in = unsq ? (bound){ONNXC_FLOAT, 2, {2, 3}, x24}
                    : (bound){ONNXC_FLOAT, 4, {1, 2, 1, 3}, x24};
    expect_output(axes_model(op, opset, unsq ? "2,3" : "1,2,1,3", axes, n_axes),
                  1, &in, ONNXC_FLOAT, rank, want, x24, 6 * sizeof *x24);
}

Test(tensor_ops, unsqueeze_axes_as_attribute_and_input_negative_too)
{
    const int64_t a03[] = {0, 3}, a30[] = {3, 0}, neg[] = {-1, 0},
                  a1n1[] = {1, -1}, a2[] = {2}, three[] = {-5, 1, 4};
    const int64_t w1231[] = {1, 2, 3, 1}, w2131[] = {2, 1, 3, 1},
                  w231[] = {2, 3, 1}, w11231[] = {1, 1, 2, 3, 1};
    static const int opsets[] = {1, 11, 13, 21};
    for (size_t i = 0; i < 4; i++) {
        int v = opsets[i];
        expect_axes_op("Unsqueeze", v, a03, 2, 4, w1231);
        expect_axes_op("Unsqueeze", v, a30, 2, 4, w1231);  /* any order */
        expect_axes_op("Unsqueeze", v, a2, 1, 3, w231);
        if (v < 11)
            continue;  /* negative axes are from 11 */
        expect_axes_op("Unsqueeze", v, neg, 2, 4, w1231);
        expect_axes_op("Unsqueeze", v, a1n1, 2, 4, w2131);
        expect_axes_op("Unsqueeze", v, three, 3, 5, w11231);
    }
}

Test(tensor_ops, unsqueeze_axes_from_a_graph_input_are_read_by_the_plan)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "2,3");
    mb_input(m, "axes", ONNXC_INT64, "?");
    mb_node(m, "Unsqueeze", "op", "x,axes", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    onnxc_model *model = load(m);
    onnxc_session *s = session(model, true);
    int64_t xd[] = {2, 3};
    ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, xd, 2, x24));
    const int64_t a[3][2] = {{0, 2}, {-1, -2}, {1, 1}};
    const int64_t want[2][4] = {{1, 2, 1, 3}, {2, 3, 1, 1}};
    int64_t n2[] = {2};
    for (int k = 0; k < 2; k++) {
        ok(onnxc_session_bind_input(s, 1, ONNXC_INT64, n2, 1, a[k]));
        ok(onnxc_session_run(s));
        onnxc_tensor_view v;
        ok(onnxc_session_output(s, 0, &v));
        expect_view(&v, ONNXC_FLOAT, 4, want[k], x24, 6 * sizeof *x24, "axes");
    }
    ok(onnxc_session_bind_input(s, 1, ONNXC_INT64, n2, 1, a[2]));
    expect_status(onnxc_session_run(s), ONNXC_ERR_SHAPE, "node 'op'",
                  "axis 1 is given twice", NULL);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(tensor_ops, unsqueeze_refuses_duplicate_and_out_of_range_axes)
{
    const int64_t dup[] = {1, 1}, dup_neg[] = {0, -4}, far[] = {4};
    for (int v = 11; v <= 13; v += 2) {
        expect_load_error(axes_model("Unsqueeze", v, "2,3", dup, 2),
                          ONNXC_ERR_SHAPE, "node 'op'",
                          "axis 1 is given twice", NULL);
        /* -4 in the output's rank 4 is 0 */
        expect_load_error(axes_model("Unsqueeze", v, "2,3", dup_neg, 2),
                          ONNXC_ERR_SHAPE, "axis -4 is given twice", NULL);
        expect_load_error(axes_model("Unsqueeze", v, "2,3", far, 1),
                          ONNXC_ERR_SHAPE,
                          "axis 4 is out of range for rank 3 (valid: [-3, 2])",
                          NULL);
    }
    /* v13 needs its axes */
    expect_load_error(axes_model("Unsqueeze", 13, "2,3", NULL, 0),
                      ONNXC_ERR_INVALID_MODEL, "axes are required", NULL);
}

Test(tensor_ops, squeeze_axes_as_attribute_input_negative_and_omitted)
{
    const int64_t a02[] = {0, 2}, neg[] = {-2}, mixed[] = {-4, 2}, a0[] = {0};
    const int64_t w23[] = {2, 3}, w123[] = {1, 2, 3}, w213[] = {2, 1, 3};
    static const int opsets[] = {1, 11, 13, 21};
    for (size_t i = 0; i < 4; i++) {
        int v = opsets[i];
        expect_axes_op("Squeeze", v, a02, 2, 2, w23);
        expect_axes_op("Squeeze", v, a0, 1, 3, w213);
        expect_axes_op("Squeeze", v, NULL, 0, 2, w23);  /* every 1 */
        if (v < 11)
            continue;
        expect_axes_op("Squeeze", v, neg, 1, 3, w123);
        expect_axes_op("Squeeze", v, mixed, 2, 2, w23);
    }
}

Test(tensor_ops, squeeze_refuses_a_dim_that_is_not_1_and_duplicate_axes)
{
    const int64_t a1[] = {1}, dup[] = {0, -4};
    for (int v = 11; v <= 13; v += 2) {
        expect_load_error(axes_model("Squeeze", v, "1,2,1,3", a1, 1),
                          ONNXC_ERR_SHAPE, "node 'op'",
                          "dim 1 of [1,2,1,3] is 2, not 1", NULL);
        expect_load_error(axes_model("Squeeze", v, "1,2,1,3", dup, 2),
                          ONNXC_ERR_SHAPE, "axis -4 is given twice", NULL);
    }
    /* A symbolic dim: the plan checks the bound one. */
    const int64_t a0[] = {0};
    onnxc_model *model = load(axes_model("Squeeze", 13, "n,3", a0, 1));
    for (int opt = 0; opt < 2; opt++) {
        onnxc_session *s = session(model, opt);
        int64_t two[] = {2, 3}, one[] = {1, 3};
        ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, two, 2, x24));
        expect_status(onnxc_session_run(s), ONNXC_ERR_SHAPE, "node 'op'",
                      "dim 0 of [2,3] is 2, not 1", NULL);
        ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, one, 2, x24));
        ok(onnxc_session_run(s));
        onnxc_tensor_view v;
        ok(onnxc_session_output(s, 0, &v));
        int64_t want[] = {3};
        expect_view(&v, ONNXC_FLOAT, 1, want, x24, 3 * sizeof *x24, "n = 1");
        onnxc_session_free(s);
    }
    onnxc_model_free(model);
}

/* --------------------------------------------------------------- Concat */

/* Concat of n graph inputs x0, x1, ... of type t and shapes shapes[k]. */
static mb_model *concat_model(int n, onnxc_dtype t, const char *const *shapes,
                              int64_t axis)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    char names[256] = "", name[16];
    for (int k = 0; k < n; k++) {
        snprintf(name, sizeof name, "x%d", k);
        mb_input(m, name, (int)t, shapes[k]);
        if (k)
            strcat(names, ",");
        strcat(names, name);
    }
    Onnx__NodeProto *node = mb_node(m, "Concat", "cat", names, "y");
    mb_attr_int(m, node, "axis", axis);
    mb_output(m, "y", (int)t, NULL);
    return m;
}

Test(tensor_ops, concat_of_one_input_is_a_copy)
{
    const char *shapes[] = {"2,3"};
    bound in = {ONNXC_FLOAT, 2, {2, 3}, x24};
    int64_t dims[] = {2, 3};
    for (int axis = -2; axis < 2; axis++)
        expect_output(concat_model(1, ONNXC_FLOAT, shapes, axis), 1, &in,
                      ONNXC_FLOAT, 2, dims, x24, 6 * sizeof *x24);
}

Test(tensor_ops, concat_of_three_inputs_on_the_inner_axis)
{
    /* [2,1] [2,2] [2,3] on axis 1 (and -1) -> [2,6]. */
    const char *shapes[] = {"2,1", "2,2", "2,3"};
    const float a[2] = {0, 1}, b[4] = {10, 11, 12, 13},
                c[6] = {20, 21, 22, 23, 24, 25};
    bound in[3] = {{ONNXC_FLOAT, 2, {2, 1}, a}, {ONNXC_FLOAT, 2, {2, 2}, b},
                   {ONNXC_FLOAT, 2, {2, 3}, c}};
    const float want[12] = {0, 10, 11, 20, 21, 22, 1, 12, 13, 23, 24, 25};
    int64_t dims[] = {2, 6};
    expect_output(concat_model(3, ONNXC_FLOAT, shapes, 1), 3, in, ONNXC_FLOAT,
                  2, dims, want, sizeof want);
    expect_output(concat_model(3, ONNXC_FLOAT, shapes, -1), 3, in, ONNXC_FLOAT,
                  2, dims, want, sizeof want);
}

Test(tensor_ops, concat_of_seven_int64_inputs_with_negative_axes)
{
    /* Seven int64 [2, k] for k = 0..6 (one of them empty) on axis -1:
     * [2, 21]; then seven [k, 2] on axis -2: [21, 2]. */
    char shapes_buf[7][16];
    const char *shapes[7];
    int64_t data[7][12];
    bound in[7];
    int64_t want[42];
    size_t at = 0;
    for (int k = 0; k < 7; k++) {
        snprintf(shapes_buf[k], sizeof shapes_buf[k], "2,%d", k);
        shapes[k] = shapes_buf[k];
        for (int e = 0; e < 2 * k; e++)
            data[k][e] = (int64_t)k * 1000000000000LL + e;  /* above 2^32 */
        in[k] = (bound){ONNXC_INT64, 2, {2, k}, data[k]};
    }
    for (int r = 0; r < 2; r++)
        for (int k = 0; k < 7; k++)
            for (int e = 0; e < k; e++)
                want[at++] = data[k][r * k + e];
    int64_t dims[] = {2, 21};
    expect_output(concat_model(7, ONNXC_INT64, shapes, -1), 7, in, ONNXC_INT64,
                  2, dims, want, sizeof want);
    at = 0;
    for (int k = 0; k < 7; k++) {
        snprintf(shapes_buf[k], sizeof shapes_buf[k], "%d,2", k);
        in[k] = (bound){ONNXC_INT64, 2, {k, 2}, data[k]};
        for (int e = 0; e < 2 * k; e++)
            want[at++] = data[k][e];
    }
    int64_t dims2[] = {21, 2};
    expect_output(concat_model(7, ONNXC_INT64, shapes, -2), 7, in, ONNXC_INT64,
                  2, dims2, want, sizeof want);
}

Test(tensor_ops, concat_of_bool)
{
    const char *shapes[] = {"2", "3"};
    const bool a[2] = {true, false}, b[3] = {false, true, true};
    bound in[2] = {{ONNXC_BOOL, 1, {2}, a}, {ONNXC_BOOL, 1, {3}, b}};
    const bool want[5] = {true, false, false, true, true};
    int64_t dims[] = {5};
    expect_output(concat_model(2, ONNXC_BOOL, shapes, 0), 2, in, ONNXC_BOOL, 1,
                  dims, want, sizeof want);
}

Test(tensor_ops, concat_names_the_input_that_differs)
{
    /* Inputs 0 and 1 agree, 2 does not: the message names 0 and 2 (it
     * named 0 and 1, two shapes that agree). */
    const char *shapes[] = {"2,3", "2,3", "4,3"};
    expect_load_error(concat_model(3, ONNXC_FLOAT, shapes, 1), ONNXC_ERR_SHAPE,
                      "node 'cat'",
                      "inputs 0 and 2 of shapes [2,3] and [4,3] differ off axis 1",
                      NULL);
    const char *ranks[] = {"2,3", "2,3", "2,3,1"};
    expect_load_error(concat_model(3, ONNXC_FLOAT, ranks, 0), ONNXC_ERR_SHAPE,
                      "inputs 0 and 2 of shapes [2,3] and [2,3,1] differ", NULL);
    /* A symbolic dim in input 0: the known dims of 1 and 2 disagree. */
    const char *sym[] = {"n,3", "2,3", "4,3"};
    expect_load_error(concat_model(3, ONNXC_FLOAT, sym, 1), ONNXC_ERR_SHAPE,
                      "inputs 1 and 2 of shapes [2,3] and [4,3]", NULL);
}

/* ----------------------------------------------------------------- Cast */

/* y = Cast(x, to) of x [n] of type `from`; runs it both ways and gives the
 * output's bytes (n elements of `to`) in out. */
static void cast_values(onnxc_dtype from, onnxc_dtype to, const void *x,
                        size_t n, void *out)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", (int)from, "?");
    Onnx__NodeProto *node = mb_node(m, "Cast", "cast", "x", "y");
    mb_attr_int(m, node, "to", to);
    mb_output(m, "y", (int)to, NULL);
    onnxc_model *model = load(m);
    size_t bytes = n * onnxc_dtype_size(to);
    for (int opt = 1; opt >= 0; opt--) {
        onnxc_session *s = session(model, opt);
        int64_t dims[] = {(int64_t)n};
        ok(onnxc_session_bind_input(s, 0, from, dims, 1, x));
        ok(onnxc_session_run(s));
        onnxc_tensor_view v;
        ok(onnxc_session_output(s, 0, &v));
        cr_assert_eq(v.dtype, to);
        cr_assert_eq(v.bytes, bytes);
        if (opt)
            memcpy(out, v.data, bytes);
        else
            cr_assert_eq(memcmp(out, v.data, bytes), 0,
                         "the plan and the run disagree");
        onnxc_session_free(s);
    }
    onnxc_model_free(model);
}

static float f_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static uint32_t bits_f(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

Test(tensor_ops, cast_float_to_int32_truncates_toward_zero)
{
    const float x[] = {2.9f, -2.9f, 0.5f, -0.5f, -0.0f, 7.0f, -7.0f,
                       16777216.0f, -2147483648.0f, 2147483520.0f,
                       /* saturating, as convert.h chooses */
                       1e10f, -1e10f, INFINITY, -INFINITY, NAN};
    const int32_t want[] = {2, -2, 0, 0, 0, 7, -7, 16777216, INT32_MIN,
                            2147483520, INT32_MAX, INT32_MIN, INT32_MAX,
                            INT32_MIN, 0};
    enum { n = sizeof x / sizeof *x };
    int32_t y[n];
    cast_values(ONNXC_FLOAT, ONNXC_INT32, x, n, y);
    for (int i = 0; i < n; i++)
        cr_assert_eq(y[i], want[i], "Cast(%g) = %d, expected %d", (double)x[i],
                     y[i], want[i]);
    /* And from double, exact above 2^24. */
    const double d[] = {2147483647.9, -2147483648.9, 123456789.99, -0.999};
    const int32_t dwant[] = {INT32_MAX, INT32_MIN, 123456789, 0};
    int32_t dy[4];
    cast_values(ONNXC_DOUBLE, ONNXC_INT32, d, 4, dy);
    for (int i = 0; i < 4; i++)
        cr_assert_eq(dy[i], dwant[i], "Cast(%.17g) = %d", d[i], dy[i]);
}

Test(tensor_ops, cast_float_to_uint8)
{
    const float x[] = {0.0f, 0.99f, 1.5f, 127.9f, 200.0f, 254.999f, 255.0f,
                       /* saturating, as convert.h chooses */
                       255.9f, 256.0f, 1e9f, -0.5f, -1.0f, -300.0f, NAN};
    const uint8_t want[] = {0, 0, 1, 127, 200, 254, 255, 255, 255, 255, 0, 0,
                            0, 0};
    enum { n = sizeof x / sizeof *x };
    uint8_t y[n];
    cast_values(ONNXC_FLOAT, ONNXC_UINT8, x, n, y);
    for (int i = 0; i < n; i++)
        cr_assert_eq(y[i], want[i], "Cast(%g) = %u, expected %u", (double)x[i],
                     y[i], want[i]);
}

Test(tensor_ops, cast_int_to_bool_is_nonzero)
{
    /* Not the low bits: 256 and 2^40 are true. */
    const int32_t a[] = {0, 1, -1, 2, 256, INT32_MIN, INT32_MAX};
    const bool wa[] = {false, true, true, true, true, true, true};
    bool ya[7];
    cast_values(ONNXC_INT32, ONNXC_BOOL, a, 7, ya);
    cr_assert_eq(memcmp(ya, wa, sizeof wa), 0);
    const int64_t b[] = {0, (int64_t)1 << 40, INT64_MIN, -1};
    const bool wb[] = {false, true, true, true};
    bool yb[4];
    cast_values(ONNXC_INT64, ONNXC_BOOL, b, 4, yb);
    cr_assert_eq(memcmp(yb, wb, sizeof wb), 0);
    const uint8_t c[] = {0, 2, 255};
    const bool wc[] = {false, true, true};
    bool yc[3];
    cast_values(ONNXC_UINT8, ONNXC_BOOL, c, 3, yc);
    cr_assert_eq(memcmp(yc, wc, sizeof wc), 0);
    /* and float: NaN and -0 */
    const float f[] = {0.0f, -0.0f, NAN, 1e-45f, -INFINITY};
    const bool wf[] = {false, false, true, true, true};
    bool yf[5];
    cast_values(ONNXC_FLOAT, ONNXC_BOOL, f, 5, yf);
    cr_assert_eq(memcmp(yf, wf, sizeof wf), 0);
}

Test(tensor_ops, cast_bool_to_float_int64_and_double)
{
    const bool x[] = {false, true, true, false};
    float f[4];
    cast_values(ONNXC_BOOL, ONNXC_FLOAT, x, 4, f);
    int64_t i[4];
    cast_values(ONNXC_BOOL, ONNXC_INT64, x, 4, i);
    double d[4];
    cast_values(ONNXC_BOOL, ONNXC_DOUBLE, x, 4, d);
    for (int k = 0; k < 4; k++) {
        cr_assert_eq(bits_f(f[k]), bits_f(x[k] ? 1.0f : 0.0f), "element %d", k);
        cr_assert_eq(i[k], x[k] ? 1 : 0);
        cr_assert_eq(d[k], x[k] ? 1.0 : 0.0);
    }
}

Test(tensor_ops, cast_double_to_float_rounds_to_nearest_even)
{
    const double x[] = {
        1.0 / 3.0,
        1.0 + 0x1p-24,           /* halfway: to even, 1 */
        1.0 + 3 * 0x1p-24,       /* halfway: to even, 1 + 2^-22 */
        1.0 + 0x1p-24 + 0x1p-40, /* above halfway: up */
        -(1.0 + 0x1p-24),
        (double)FLT_MAX + 0x1p102, /* below the halfway to 2^128: FLT_MAX */
        1e300, -1e300, 1e-50, -1e-50,
        0x1p-149,                /* the smallest subnormal float */
        0x1p-150,                /* half of it: to even, 0 */
        0x1.8p-150,              /* three quarters: up to 2^-149 */
        INFINITY, -INFINITY, -0.0};
    const uint32_t want[] = {
        bits_f(0.333333343f), 0x3F800000, 0x3F800002, 0x3F800001, 0xBF800000,
        0x7F7FFFFF, 0x7F800000, 0xFF800000, 0x00000000, 0x80000000,
        0x00000001, 0x00000000, 0x00000001, 0x7F800000, 0xFF800000,
        0x80000000};
    enum { n = sizeof x / sizeof *x };
    float y[n + 1];
    cast_values(ONNXC_DOUBLE, ONNXC_FLOAT, x, n, y);
    for (int i = 0; i < n; i++)
        cr_assert_eq(bits_f(y[i]), want[i], "Cast(%a) = %a (0x%08x), expected 0x%08x",
                     x[i], (double)y[i], bits_f(y[i]), want[i]);
    const double nan[] = {NAN, -NAN};
    cast_values(ONNXC_DOUBLE, ONNXC_FLOAT, nan, 2, y);
    cr_assert(isnan(y[0]) && isnan(y[1]));
    cr_assert(!signbit(y[0]) && signbit(y[1]), "NaN keeps its sign");
}

static bool half_is_nan(uint16_t h)
{
    return (h & 0x7C00) == 0x7C00 && (h & 0x3FF);
}

Test(tensor_ops, cast_float_to_float16_rounds_to_nearest_even)
{
    const float x[] = {
        1.0f, -2.0f, 0.0f, -0.0f, 65504.0f, /* the largest half */
        1.0f + 0x1p-11f,           /* halfway 1 and 1+2^-10: to even, 1 */
        1.0f + 3 * 0x1p-11f,       /* halfway: to even, 1 + 2^-9 */
        1.0f + 0x1p-11f + 0x1p-23f, /* just above halfway: up */
        1.0f + 0x1p-11f - 0x1p-23f, /* just below: down */
        -(1.0f + 3 * 0x1p-11f),
        2049.0f,                   /* halfway 2048 and 2050: 2048 */
        2051.0f,                   /* halfway 2050 and 2052: 2052 */
        65519.0f,                  /* below 65520: the largest half */
        65520.0f,                  /* halfway to 65536: to even, inf */
        -65520.0f, 1e10f, -1e10f, FLT_MAX,
        INFINITY, -INFINITY,
        0x1p-14f,                  /* the smallest normal half */
        0x1p-24f,                  /* the smallest subnormal half */
        0x1p-25f,                  /* half of it: to even, 0 */
        0x1.8p-25f,                /* three quarters: up */
        3 * 0x1p-25f,              /* 1.5 units: to even, 2 */
        0x1p-14f - 0x1p-25f,       /* 1023.5 units: to even, 1024 (normal) */
        -0x1p-26f,                 /* underflow keeps the sign */
        0x1p-149f};
    const uint16_t want[] = {
        0x3C00, 0xC000, 0x0000, 0x8000, 0x7BFF, 0x3C00, 0x3C02, 0x3C01,
        0x3C00, 0xBC02, 0x6800, 0x6802, 0x7BFF, 0x7C00, 0xFC00, 0x7C00,
        0xFC00, 0x7C00, 0x7C00, 0xFC00, 0x0400, 0x0001, 0x0000, 0x0001,
        0x0002, 0x0400, 0x8000, 0x0000};
    enum { n = sizeof x / sizeof *x };
    cr_assert_eq(n, sizeof want / sizeof *want);
    uint16_t y[n];
    cast_values(ONNXC_FLOAT, ONNXC_FLOAT16, x, n, y);
    for (int i = 0; i < n; i++)
        cr_assert_eq(y[i], want[i],
                     "Cast(%a) = 0x%04x, expected 0x%04x", (double)x[i], y[i],
                     want[i]);
    /* NaN stays NaN (quiet, with its sign), signalling ones too. */
    const float nan[] = {NAN, -NAN, f_bits(0x7F800001), f_bits(0xFFC00001)};
    uint16_t yn[4];
    cast_values(ONNXC_FLOAT, ONNXC_FLOAT16, nan, 4, yn);
    for (int i = 0; i < 4; i++) {
        cr_assert(half_is_nan(yn[i]), "NaN %d gave 0x%04x", i, yn[i]);
        cr_assert_eq(yn[i] >> 15, bits_f(nan[i]) >> 31, "NaN %d's sign", i);
    }
}

Test(tensor_ops, cast_float_to_bfloat16_rounds_to_nearest_even)
{
    const uint32_t x[] = {
        0x3F800000,             /* 1 */
        0x3F808000,             /* halfway 1 and the next: to even, 1 */
        0x3F818000,             /* halfway: to even, up */
        0x3F808001,             /* above halfway: up */
        0x3F807FFF,             /* below: down */
        0xBF818000,
        0x7F7F7FFF,             /* below the halfway under FLT_MAX: 0x7F7F */
        0x7F7FFFFF,             /* FLT_MAX rounds up to inf */
        0xFF7FFFFF,
        0x7F800000, 0xFF800000, 0x00000000, 0x80000000,
        0x00018000,             /* a subnormal halfway: to even, 0x0002 */
        0x00008000};            /* halfway 0 and 0x0001: to even, 0 */
    const uint16_t want[] = {0x3F80, 0x3F80, 0x3F82, 0x3F81, 0x3F80, 0xBF82,
                             0x7F7F, 0x7F80, 0xFF80, 0x7F80, 0xFF80, 0x0000,
                             0x8000, 0x0002, 0x0000};
    enum { n = sizeof x / sizeof *x };
    cr_assert_eq(n, sizeof want / sizeof *want);
    float f[n];
    for (int i = 0; i < n; i++)
        f[i] = f_bits(x[i]);
    uint16_t y[n];
    cast_values(ONNXC_FLOAT, ONNXC_BFLOAT16, f, n, y);
    for (int i = 0; i < n; i++)
        cr_assert_eq(y[i], want[i], "Cast(0x%08x) = 0x%04x, expected 0x%04x",
                     x[i], y[i], want[i]);
    /* NaN stays NaN: a signalling NaN whose payload is below the kept
     * bits would become inf if truncated. */
    const float nan[] = {NAN, -NAN, f_bits(0x7F800001), f_bits(0xFF800001)};
    uint16_t yn[4];
    cast_values(ONNXC_FLOAT, ONNXC_BFLOAT16, nan, 4, yn);
    for (int i = 0; i < 4; i++) {
        cr_assert((yn[i] & 0x7F80) == 0x7F80 && (yn[i] & 0x7F),
                  "NaN %d gave 0x%04x", i, yn[i]);
        cr_assert_eq(yn[i] >> 15, bits_f(nan[i]) >> 31, "NaN %d's sign", i);
    }
}

/* Every float16 value, exactly: (-1)^s * m * 2^-24 for subnormals,
 * (1024 + m) * 2^(e - 25) for normals. */
static float half_reference(uint16_t h)
{
    int e = h >> 10 & 0x1F, m = h & 0x3FF;
    float sign = h & 0x8000 ? -1.0f : 1.0f;
    if (e == 0x1F)
        return m ? (h & 0x8000 ? -NAN : NAN) : sign * INFINITY;
    if (e == 0)
        return sign * ldexpf((float)m, -24);
    return sign * ldexpf((float)(1024 + m), e - 25);
}

Test(tensor_ops, cast_float16_to_float_is_exact_for_every_value)
{
    static uint16_t h[65536];
    static float y[65536];
    static uint16_t back[65536];
    for (int i = 0; i < 65536; i++)
        h[i] = (uint16_t)i;
    cast_values(ONNXC_FLOAT16, ONNXC_FLOAT, h, 65536, y);
    for (int i = 0; i < 65536; i++) {
        float want = half_reference(h[i]);
        if (half_is_nan(h[i])) {
            cr_assert(isnan(y[i]), "0x%04x gave %a", i, (double)y[i]);
            cr_assert_eq(!!signbit(y[i]), i >> 15, "0x%04x's sign", i);
        } else {
            cr_assert_eq(bits_f(y[i]), bits_f(want),
                         "0x%04x gave %a, expected %a", i, (double)y[i],
                         (double)want);
        }
    }
    /* and back: every non-NaN half is a float that converts to itself */
    cast_values(ONNXC_FLOAT, ONNXC_FLOAT16, y, 65536, back);
    for (int i = 0; i < 65536; i++)
        if (!half_is_nan(h[i]))
            cr_assert_eq(back[i], h[i], "0x%04x came back as 0x%04x", i,
                         back[i]);
}

Test(tensor_ops, cast_like_takes_the_target_type_only)
{
    /* CastLike(x float, target int64 [0]): target's contents (none) are
     * never read. */
    mb_model *m = mb_new(8);
    mb_opset(m, "", 15);
    mb_input(m, "x", ONNXC_FLOAT, "4");
    mb_initializer_raw(m, "t", ONNXC_INT64, "0", NULL, 0);
    mb_node(m, "CastLike", "cl", "x,t", "y");
    mb_output(m, "y", ONNXC_INT64, NULL);
    const float x[4] = {-1.5f, 2.5f, 1e20f, -0.0f};
    const int64_t want[4] = {-1, 2, INT64_MAX, 0};
    bound in = {ONNXC_FLOAT, 1, {4}, x};
    int64_t dims[] = {4};
    expect_output(m, 1, &in, ONNXC_INT64, 1, dims, want, sizeof want);
}

/* ---------------------------------------------------------------- Tile-1 */

/* Tile-1 of x [2, 3]: tiles and axis are one-element tensors of x's type
 * (graph inputs here, so the plan reads them at each run); a plain loop
 * gives the expected repeat along that axis alone. */
static mb_model *tile1_model(onnxc_dtype t)
{
    mb_model *m = mb_new(3);
    mb_opset(m, "", 5);
    mb_input(m, "x", t, "2,3");
    mb_input(m, "tiles", t, "1");
    mb_input(m, "axis", t, "1");
    mb_node(m, "Tile", "tile1", "x,tiles,axis", "y");
    mb_output(m, "y", t, NULL);
    return m;
}

Test(tensor_ops, tile_1_repeats_along_one_axis)
{
    static const int cases[][2] = {{3, 1}, {2, 0}, {1, -1}, {0, 1}, {2, -2}};
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        int tiles = cases[k][0], axis = cases[k][1], a = axis < 0 ? axis + 2 : axis;
        float want[2 * 3 * 3];
        int64_t yd[2] = {2, 3};
        yd[a] *= tiles;
        for (int64_t i = 0; i < yd[0]; i++)
            for (int64_t j = 0; j < yd[1]; j++)
                want[i * yd[1] + j] = x24[(i % 2) * 3 + j % 3];
        float t = (float)tiles, ax = (float)axis;
        bound in[3] = {{ONNXC_FLOAT, 2, {2, 3}, x24}, {ONNXC_FLOAT, 1, {1}, &t},
                       {ONNXC_FLOAT, 1, {1}, &ax}};
        expect_output(tile1_model(ONNXC_FLOAT), 3, in, ONNXC_FLOAT, 2, yd, want,
                      (size_t)(yd[0] * yd[1]) * sizeof(float));
    }
}

Test(tensor_ops, tile_1_refuses_fractions_and_axes_out_of_range)
{
    static const float bad[][2] = {{2.5f, 0}, {-1, 0}, {2, 2}, {2, -3}, {2, 0.5f}};
    onnxc_model *model = load(tile1_model(ONNXC_FLOAT));
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        onnxc_session *s = session(model, true);
        bound in[3] = {{ONNXC_FLOAT, 2, {2, 3}, x24}, {ONNXC_FLOAT, 1, {1}, &bad[k][0]},
                       {ONNXC_FLOAT, 1, {1}, &bad[k][1]}};
        bind_all(s, 3, in);
        expect_status(onnxc_session_run(s), ONNXC_ERR_SHAPE, "'tile1'",
                      "they must be a whole number >= 0 and a dim of the input", NULL);
        onnxc_session_free(s);
    }
    onnxc_model_free(model);
}
