/*
 * test_api.c - the public API used right and wrong.
 *
 * Misuse must give an error status, never a crash; right use must give
 * torch's numbers. The reference network is the torch export in
 * fixtures/reference/mlp_relu: input 'input' float [batch,10] ->
 * Gemm -> Relu -> Gemm -> output 'output' [batch,3].
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model_builder.h"
#include "onnxc.h"

#define REFERENCE FIXTURES_DIR "/reference"

/* ------------------------------------------------------------ helpers */

/* Asserts that `st` is an error with `code` whose message holds every
 * string of the NULL-terminated list, then frees it. */
static void expect_error(onnxc_status *st, onnxc_code code, ...)
{
    const char *msg = onnxc_status_message(st);
    cr_assert_not_null(st, "expected a '%s' error, got success",
                       onnxc_code_name(code));
    cr_assert_eq(onnxc_status_code(st), code,
                 "expected a '%s' error, got '%s': %s", onnxc_code_name(code),
                 onnxc_code_name(onnxc_status_code(st)), msg);
    va_list ap;
    va_start(ap, code);
    for (const char *n; (n = va_arg(ap, const char *));)
        cr_assert_not_null(strstr(msg, n),
                           "the message \"%s\" does not mention \"%s\"", msg, n);
    va_end(ap);
    onnxc_status_free(st);
}

/* Asserts success, printing the error otherwise. */
#define expect_ok(call)                                                        \
    do {                                                                       \
        onnxc_status *st_ = (call);                                            \
        cr_assert_null(st_, "%s failed: %s", #call,                            \
                       onnxc_status_message(st_));                             \
    } while (0)

static onnxc_model *load_reference(const char *variant)
{
    char path[512];
    snprintf(path, sizeof path, REFERENCE "/%s/model.onnx", variant);
    onnxc_model *model = NULL;
    expect_ok(onnxc_model_load_file(path, &model));
    return model;
}

static onnxc_tensor *read_tensor(const char *variant, int set, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, REFERENCE "/%s/test_data_set_%d/%s.pb",
             variant, set, name);
    onnxc_tensor *t = NULL;
    expect_ok(onnxc_tensor_read_file(path, &t));
    return t;
}

static onnxc_session *new_session(const onnxc_model *model,
                                  const onnxc_session_options *options)
{
    onnxc_session *s = NULL;
    expect_ok(onnxc_session_create(model, options, &s));
    return s;
}

static void bind_tensor(onnxc_session *s, const onnxc_tensor *t)
{
    onnxc_tensor_view v = onnxc_tensor_get_view(t);
    expect_ok(onnxc_session_bind_input(s, 0, v.dtype, v.dims, (size_t)v.rank,
                                       v.data));
}

/* Every element within atol + rtol * |expected|, shapes equal. */
static void expect_close(const onnxc_tensor_view *got,
                         const onnxc_tensor_view *want, double rtol,
                         double atol)
{
    cr_assert_eq(got->dtype, ONNXC_FLOAT);
    cr_assert_eq(got->rank, want->rank, "rank %d, want %d", got->rank,
                 want->rank);
    for (int d = 0; d < got->rank; d++)
        cr_assert_eq(got->dims[d], want->dims[d], "dim %d: %lld, want %lld", d,
                     (long long)got->dims[d], (long long)want->dims[d]);
    cr_assert_eq(got->bytes, want->bytes);
    const float *g = got->data, *w = want->data;
    for (size_t i = 0; i < want->bytes / sizeof(float); i++)
        cr_assert_leq(fabs((double)g[i] - w[i]), atol + rtol * fabs(w[i]),
                      "element %zu: %.9g, torch says %.9g", i, g[i], w[i]);
}

/* Binds `input` of the rows the batch needs and runs. */
static void run_batch(onnxc_session *s, const float *input, int64_t batch)
{
    const int64_t dims[2] = {batch, 10};
    expect_ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, dims, 2, input));
    expect_ok(onnxc_session_run(s));
}

static onnxc_plan_stats stats_of(const onnxc_session *s)
{
    onnxc_plan_stats st;
    expect_ok(onnxc_session_plan_stats(s, &st));
    return st;
}

/* 64 rows of input, enough for any batch these tests use. */
static float rows[64 * 10];

static void fill_rows(void)
{
    for (int i = 0; i < 64 * 10; i++)
        rows[i] = (float)((i * 37) % 19 - 9) / 4.0f;
}

/* --------------------------------------------------------------- misuse */

Test(api, null_arguments_give_errors_not_crashes)
{
    onnxc_model *model = load_reference("mlp_relu");
    onnxc_session *s = new_session(model, NULL);
    onnxc_model *m2 = NULL;
    onnxc_value_info info;
    onnxc_tensor_view view;
    onnxc_plan_stats stats;
    onnxc_session_options *opts = NULL;
    onnxc_tensor *t = NULL;
    size_t index;
    float data[10] = {0};
    const int64_t dims[2] = {1, 10};
    const onnxc_code INVALID = ONNXC_ERR_INVALID_ARGUMENT;

    expect_error(onnxc_model_load_file(NULL, &m2), INVALID, NULL);
    expect_error(onnxc_model_load_file(REFERENCE "/mlp_relu/model.onnx", NULL),
                 INVALID, NULL);
    expect_error(onnxc_model_load_buffer(NULL, 10, NULL, &m2), INVALID, NULL);
    cr_assert_null(m2);
    expect_error(onnxc_model_load_buffer(data, sizeof data, NULL, NULL),
                 INVALID, NULL);

    cr_assert_eq(onnxc_model_input_count(NULL), 0);
    cr_assert_eq(onnxc_model_output_count(NULL), 0);
    cr_assert_eq(onnxc_model_opset(NULL), 0);
    cr_assert_eq(onnxc_model_ir_version(NULL), 0);
    expect_error(onnxc_model_input_info(NULL, 0, &info), INVALID, NULL);
    expect_error(onnxc_model_input_info(model, 0, NULL), INVALID, NULL);
    expect_error(onnxc_model_output_info(NULL, 0, &info), INVALID, NULL);
    expect_error(onnxc_model_output_info(model, 0, NULL), INVALID, NULL);
    expect_error(onnxc_model_input_index(NULL, "input", &index), INVALID, NULL);
    expect_error(onnxc_model_input_index(model, NULL, &index), INVALID, NULL);
    expect_error(onnxc_model_input_index(model, "input", NULL), INVALID, NULL);

    expect_error(onnxc_session_options_create(NULL), INVALID, NULL);
    expect_ok(onnxc_session_options_create(&opts));
    expect_error(onnxc_session_options_set_arena(NULL, data, sizeof data),
                 INVALID, NULL);
    expect_error(onnxc_session_options_set_arena(opts, NULL, 64), INVALID,
                 NULL);
    expect_error(onnxc_session_options_set_dim(NULL, "batch", 1), INVALID,
                 NULL);
    expect_error(onnxc_session_options_set_dim(opts, NULL, 1), INVALID, NULL);
    expect_error(onnxc_session_options_set_dim(opts, "", 1), INVALID, NULL);
    expect_error(onnxc_session_options_set_dim(opts, "batch", -1), INVALID,
                 "negative", NULL);
    expect_error(onnxc_session_options_set_arena_limit(NULL, 0), INVALID, NULL);
    expect_error(onnxc_session_options_set_max_iterations(NULL, 1), INVALID,
                 NULL);
    expect_error(onnxc_session_options_set_max_iterations(opts, -1), INVALID,
                 "negative", NULL);
    expect_ok(onnxc_session_options_set_max_iterations(opts, 0));
    onnxc_session_options_free(opts);

    onnxc_session *s2 = (onnxc_session *)&s2;  /* must be reset to NULL */
    expect_error(onnxc_session_create(NULL, NULL, &s2), INVALID, NULL);
    expect_error(onnxc_session_create(model, NULL, NULL), INVALID, NULL);

    expect_error(onnxc_session_bind_input(NULL, 0, ONNXC_FLOAT, dims, 2, data),
                 INVALID, NULL);
    /* NULL dims with a rank: refused (the library calls it a shape error). */
    onnxc_status *st = onnxc_session_bind_input(s, 0, ONNXC_FLOAT, NULL, 2, data);
    cr_assert_not_null(st, "NULL dims with rank 2 accepted");
    cr_assert_not_null(strstr(onnxc_status_message(st), "NULL"), "%s",
                       onnxc_status_message(st));
    onnxc_status_free(st);
    expect_error(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, dims, 2, NULL),
                 INVALID, "input 'input'", "data is NULL", NULL);
    expect_error(onnxc_session_bind_output(NULL, 0, data, sizeof data), INVALID,
                 NULL);
    expect_error(onnxc_session_run(NULL), INVALID, NULL);
    expect_error(onnxc_session_output(NULL, 0, &view), INVALID, NULL);
    expect_error(onnxc_session_output(s, 0, NULL), INVALID, NULL);
    expect_error(onnxc_session_plan_stats(NULL, &stats), INVALID, NULL);
    expect_error(onnxc_session_plan_stats(s, NULL), INVALID, NULL);

    expect_error(onnxc_tensor_read_file(NULL, &t), INVALID, NULL);
    expect_error(onnxc_tensor_read_file("x.pb", NULL), INVALID, NULL);
    expect_error(onnxc_tensor_read_buffer(NULL, 4, &t), INVALID, NULL);
    expect_error(onnxc_tensor_read_buffer(data, 4, NULL), INVALID, NULL);
    view = (onnxc_tensor_view){ONNXC_FLOAT, 2, dims, data, sizeof data};
    expect_error(onnxc_tensor_write_file(NULL, "t", &view), INVALID, NULL);
    expect_error(onnxc_tensor_write_file("/tmp/never.pb", "t", NULL), INVALID,
                 NULL);

    /* Releasing and describing nothing is fine. */
    onnxc_model_free(NULL);
    onnxc_session_free(NULL);
    onnxc_session_options_free(NULL);
    onnxc_tensor_free(NULL);
    cr_assert_str_eq(onnxc_tensor_name(NULL), "");
    onnxc_tensor_view none = onnxc_tensor_get_view(NULL);
    cr_assert(none.data == NULL && none.rank == 0 && none.bytes == 0);

    onnxc_session_free(s);
    onnxc_model_free(model);
}

/* A view whose data or dims are NULL must be refused by the writer, not
 * dereferenced. The path's folder does not exist: the view must be refused
 * before any file is touched, so a wrong refusal shows as an IO error. */
static onnxc_status *write_view(const onnxc_tensor_view *view)
{
    return onnxc_tensor_write_file("/nonexistent-onnxc-test-dir/t.pb", "t",
                                   view);
}

Test(api, tensor_write_refuses_a_view_without_data)
{
    const int64_t dims[2] = {2, 3};
    onnxc_tensor_view no_data = {ONNXC_FLOAT, 2, dims, NULL, 6 * sizeof(float)};
    expect_error(write_view(&no_data), ONNXC_ERR_INVALID_ARGUMENT, NULL);
}

Test(api, tensor_write_refuses_a_view_without_dims)
{
    float data[6] = {0};
    onnxc_tensor_view no_dims = {ONNXC_FLOAT, 2, NULL, data, sizeof data};
    expect_error(write_view(&no_dims), ONNXC_ERR_INVALID_ARGUMENT, NULL);
}

Test(api, indices_out_of_range_are_refused)
{
    onnxc_model *model = load_reference("mlp_relu");
    onnxc_session *s = new_session(model, NULL);
    onnxc_value_info info;
    onnxc_tensor_view view;
    float out[3], in[10] = {0};
    const int64_t dims[2] = {1, 10};
    expect_error(onnxc_model_input_info(model, 1, &info),
                 ONNXC_ERR_INVALID_ARGUMENT, "input index 1 is out of range",
                 NULL);
    expect_error(onnxc_model_output_info(model, 1, &info),
                 ONNXC_ERR_INVALID_ARGUMENT, "output index 1 is out of range",
                 NULL);
    expect_error(onnxc_session_bind_input(s, 1, ONNXC_FLOAT, dims, 2, in),
                 ONNXC_ERR_INVALID_ARGUMENT, "input index 1", NULL);
    expect_error(onnxc_session_bind_input(s, SIZE_MAX, ONNXC_FLOAT, dims, 2, in),
                 ONNXC_ERR_INVALID_ARGUMENT, "out of range", NULL);
    expect_error(onnxc_session_bind_output(s, 1, out, sizeof out),
                 ONNXC_ERR_INVALID_ARGUMENT, "output index 1", NULL);
    run_batch(s, in, 1);
    expect_error(onnxc_session_output(s, 1, &view), ONNXC_ERR_INVALID_ARGUMENT,
                 "output index 1", NULL);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(api, input_index_finds_inputs_by_name)
{
    onnxc_model *model = load_reference("mlp_relu");
    size_t index = 99;
    expect_ok(onnxc_model_input_index(model, "input", &index));
    cr_assert_eq(index, 0);
    expect_error(onnxc_model_input_index(model, "fc1.weight", &index),
                 ONNXC_ERR_INVALID_ARGUMENT, "no input 'fc1.weight'", NULL);
    onnxc_model_free(model);
}

Test(api, run_with_an_unbound_input_names_it)
{
    onnxc_model *model = load_reference("mlp_relu");
    onnxc_session *s = new_session(model, NULL);
    expect_error(onnxc_session_run(s), ONNXC_ERR_INVALID_ARGUMENT,
                 "input 'input' is not bound", NULL);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(api, binding_the_wrong_dtype_is_a_shape_error)
{
    onnxc_model *model = load_reference("mlp_relu");
    onnxc_session *s = new_session(model, NULL);
    double in[10] = {0};
    const int64_t dims[2] = {1, 10};
    expect_error(onnxc_session_bind_input(s, 0, ONNXC_DOUBLE, dims, 2, in),
                 ONNXC_ERR_SHAPE, "input 'input' expects float, got double",
                 NULL);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(api, binding_the_wrong_rank_names_both_shapes)
{
    onnxc_model *model = load_reference("mlp_relu");
    onnxc_session *s = new_session(model, NULL);
    float in[10] = {0};
    const int64_t flat[1] = {10}, deep[3] = {1, 10, 1};
    expect_error(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, flat, 1, in),
                 ONNXC_ERR_SHAPE,
                 "input 'input' expects shape [batch,10], got [10]", NULL);
    expect_error(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, deep, 3, in),
                 ONNXC_ERR_SHAPE,
                 "input 'input' expects shape [batch,10], got [1,10,1]", NULL);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(api, binding_the_wrong_fixed_dim_names_both_shapes)
{
    onnxc_model *model = load_reference("mlp_relu");
    onnxc_session *s = new_session(model, NULL);
    float in[10] = {0};
    const int64_t dims[2] = {1, 7};
    expect_error(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, dims, 2, in),
                 ONNXC_ERR_SHAPE,
                 "input 'input' expects shape [batch,10], got [1,7]", NULL);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

/* Two inputs [batch,4], each through its own Relu. */
static onnxc_model *two_input_model(void)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "a", ONNXC_FLOAT, "batch,4");
    mb_input(m, "b", ONNXC_FLOAT, "batch,4");
    mb_node(m, "Relu", "relu_a", "a", "ya");
    mb_node(m, "Relu", "relu_b", "b", "yb");
    mb_output(m, "ya", ONNXC_FLOAT, "batch,4");
    mb_output(m, "yb", ONNXC_FLOAT, "batch,4");
    onnxc_model *model = NULL;
    expect_ok(mb_load(m, NULL, &model));
    mb_free(m);
    return model;
}

Test(api, inputs_disagreeing_on_a_symbolic_dim_are_named)
{
    onnxc_model *model = two_input_model();
    onnxc_session *s = new_session(model, NULL);
    float a[8] = {0}, b[12] = {0};
    const int64_t a_dims[2] = {2, 4}, b_dims[2] = {3, 4};
    expect_ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, a_dims, 2, a));
    expect_ok(onnxc_session_bind_input(s, 1, ONNXC_FLOAT, b_dims, 2, b));
    expect_error(onnxc_session_run(s), ONNXC_ERR_SHAPE,
                 "input 'b' has batch = 3", "input 'a' sets it to 2", NULL);
    /* Agreeing again, it runs. */
    expect_ok(onnxc_session_bind_input(s, 1, ONNXC_FLOAT, a_dims, 2, b));
    expect_ok(onnxc_session_run(s));
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(api, output_before_any_run_is_an_error)
{
    onnxc_model *model = load_reference("mlp_relu");
    onnxc_session *s = new_session(model, NULL);
    onnxc_tensor_view view;
    expect_error(onnxc_session_output(s, 0, &view), ONNXC_ERR_INVALID_ARGUMENT,
                 "has not run", NULL);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(api, output_after_a_failed_run_is_an_error)
{
    onnxc_model *model = two_input_model();
    onnxc_session *s = new_session(model, NULL);
    float a[8] = {0};
    const int64_t dims[2] = {2, 4};
    expect_ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, dims, 2, a));
    expect_ok(onnxc_session_bind_input(s, 1, ONNXC_FLOAT, dims, 2, a));
    expect_ok(onnxc_session_run(s));
    const int64_t other[2] = {3, 4};
    float b[12] = {0};
    expect_ok(onnxc_session_bind_input(s, 1, ONNXC_FLOAT, other, 2, b));
    onnxc_status *st = onnxc_session_run(s);
    cr_assert_not_null(st);
    onnxc_status_free(st);
    /* The outputs of the earlier run must not pass for this one's. */
    onnxc_tensor_view view;
    expect_error(onnxc_session_output(s, 0, &view), ONNXC_ERR_INVALID_ARGUMENT,
                 NULL);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(api, plan_stats_before_the_first_plan_is_an_error)
{
    onnxc_model *model = load_reference("mlp_relu");
    onnxc_session *s = new_session(model, NULL);
    onnxc_plan_stats stats;
    expect_error(onnxc_session_plan_stats(s, &stats),
                 ONNXC_ERR_INVALID_ARGUMENT, "no plan yet", NULL);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(api, output_buffer_too_small_is_a_shape_error)
{
    onnxc_model *model = load_reference("mlp_relu");
    onnxc_session *s = new_session(model, NULL);
    float in[10] = {0}, out[2];
    const int64_t dims[2] = {1, 10};
    expect_ok(onnxc_session_bind_output(s, 0, out, sizeof out));
    expect_ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, dims, 2, in));
    expect_error(onnxc_session_run(s), ONNXC_ERR_SHAPE,
                 "output 'output' needs 12 bytes; its buffer has 8", NULL);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(api, caller_output_buffer_receives_the_values)
{
    fill_rows();
    onnxc_model *model = load_reference("mlp_relu");
    onnxc_session *owned = new_session(model, NULL);
    onnxc_session *caller = new_session(model, NULL);
    float out[64 * 3];
    memset(out, 0xff, sizeof out);  /* NaNs: nothing matches by luck */
    expect_ok(onnxc_session_bind_output(caller, 0, out, sizeof out));
    run_batch(owned, rows, 64);
    run_batch(caller, rows, 64);

    onnxc_tensor_view want, got;
    expect_ok(onnxc_session_output(owned, 0, &want));
    expect_ok(onnxc_session_output(caller, 0, &got));
    cr_assert_eq(got.data, (const void *)out,
                 "the view should point at the caller's buffer");
    cr_assert_eq(got.bytes, sizeof out);
    cr_assert_eq(memcmp(out, want.data, sizeof out), 0,
                 "the caller's buffer differs from the runtime-owned output");

    /* Restoring the default puts the output back in the session. */
    expect_ok(onnxc_session_bind_output(caller, 0, NULL, 0));
    run_batch(caller, rows, 64);
    expect_ok(onnxc_session_output(caller, 0, &got));
    cr_assert_neq(got.data, (const void *)out);
    cr_assert_eq(memcmp(got.data, want.data, sizeof out), 0);
    onnxc_session_free(owned);
    onnxc_session_free(caller);
    onnxc_model_free(model);
}

/* y = Relu(Gemm(x, W)): the Relu, in place over the Gemm's output, is
 * the graph output; x also leaves the graph unchanged as 'copy'. */
static onnxc_model *in_place_output_model(void)
{
    static const float w[6] = {1, -1, 2, 0, 1, -3};
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "batch,3");
    mb_initializer_f32(m, "W", "3,2", w, 6);
    mb_node(m, "Gemm", "gemm", "x,W", "h");
    mb_node(m, "Relu", "relu", "h", "y");
    mb_output(m, "y", ONNXC_FLOAT, "batch,2");
    mb_output(m, "x", ONNXC_FLOAT, "batch,3");
    onnxc_model *model = NULL;
    expect_ok(mb_load(m, NULL, &model));
    mb_free(m);
    return model;
}

Test(api, caller_buffers_for_in_place_and_pass_through_outputs)
{
    onnxc_model *model = in_place_output_model();
    onnxc_session *owned = new_session(model, NULL);
    onnxc_session *caller = new_session(model, NULL);
    const float x[6] = {1, 2, 3, -1, -2, -3};
    const int64_t dims[2] = {2, 3};
    float y[4], copy[6];
    memset(y, 0xff, sizeof y);
    memset(copy, 0xff, sizeof copy);
    expect_ok(onnxc_session_bind_output(caller, 0, y, sizeof y));
    expect_ok(onnxc_session_bind_output(caller, 1, copy, sizeof copy));
    expect_ok(onnxc_session_bind_input(owned, 0, ONNXC_FLOAT, dims, 2, x));
    expect_ok(onnxc_session_bind_input(caller, 0, ONNXC_FLOAT, dims, 2, x));
    expect_ok(onnxc_session_run(owned));
    expect_ok(onnxc_session_run(caller));

    /* x W = [1*1+2*2+3*1, 1*-1+2*0+3*-3] = [8, -10] and its negation. */
    const float want[4] = {8, 0, 0, 10};
    onnxc_tensor_view v;
    expect_ok(onnxc_session_output(owned, 0, &v));
    cr_assert_eq(memcmp(v.data, want, sizeof want), 0, "owned: %g %g %g %g",
                 ((const float *)v.data)[0], ((const float *)v.data)[1],
                 ((const float *)v.data)[2], ((const float *)v.data)[3]);
    cr_assert_eq(memcmp(y, want, sizeof want), 0, "caller: %g %g %g %g", y[0],
                 y[1], y[2], y[3]);
    cr_assert_eq(memcmp(copy, x, sizeof copy), 0,
                 "the pass-through output was not copied to its buffer");
    expect_ok(onnxc_session_output(caller, 1, &v));
    cr_assert_eq(v.data, (const void *)copy);
    onnxc_session_free(owned);
    onnxc_session_free(caller);
    onnxc_model_free(model);
}

Test(api, binding_negative_or_overflowing_dims_is_refused)
{
    onnxc_model *model = load_reference("mlp_relu");
    onnxc_session *s = new_session(model, NULL);
    float in[10] = {0};
    const int64_t negative[2] = {-1, 10}, huge[2] = {INT64_MAX, 10};
    expect_error(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, negative, 2, in),
                 ONNXC_ERR_SHAPE, "input 'input'", "[-1,10]", NULL);
    expect_error(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, huge, 2, in),
                 ONNXC_ERR_SHAPE, "input 'input'", "too many elements", NULL);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

/* ---------------------------------------------------------- model info */

Test(api, value_info_describes_names_types_and_symbolic_dims)
{
    onnxc_model *model = load_reference("mlp_relu");
    cr_assert_eq(onnxc_model_input_count(model), 1,
                 "weights are initializers, not inputs");
    cr_assert_eq(onnxc_model_output_count(model), 1);

    onnxc_value_info in, out;
    expect_ok(onnxc_model_input_info(model, 0, &in));
    cr_assert_str_eq(in.name, "input");
    cr_assert_eq(in.dtype, ONNXC_FLOAT);
    cr_assert_eq(in.rank, 2);
    cr_assert_eq(in.dims[0], -1, "a symbolic dim reads as -1");
    cr_assert_eq(in.dims[1], 10);
    cr_assert_not_null(in.dim_names[0]);
    cr_assert_str_eq(in.dim_names[0], "batch");
    cr_assert_null(in.dim_names[1], "a fixed dim has no name");
    cr_assert_eq(in.has_default, 0);

    expect_ok(onnxc_model_output_info(model, 0, &out));
    cr_assert_str_eq(out.name, "output");
    cr_assert_eq(out.dtype, ONNXC_FLOAT);
    cr_assert_eq(out.rank, 2);
    cr_assert_eq(out.dims[0], -1);
    cr_assert_eq(out.dims[1], 3);
    cr_assert_not_null(out.dim_names[0]);
    cr_assert_str_eq(out.dim_names[0], "batch");
    cr_assert_null(out.dim_names[1]);
    onnxc_model_free(model);
}

Test(api, model_reports_its_opset_and_ir_version)
{
    onnxc_model *model = load_reference("mlp_relu");
    cr_assert_eq(onnxc_model_opset(model), 13);
    cr_assert_eq(onnxc_model_ir_version(model), 7);
    onnxc_model_free(model);
}

/* ---------------------------------------------------------------- runs */

Test(api, batch_of_zero_gives_an_empty_output)
{
    onnxc_model *model = load_reference("mlp_relu");
    onnxc_session *s = new_session(model, NULL);
    float in[10] = {0};
    run_batch(s, in, 0);
    onnxc_tensor_view out;
    expect_ok(onnxc_session_output(s, 0, &out));
    cr_assert_eq(out.rank, 2);
    cr_assert(out.dims[0] == 0 && out.dims[1] == 3, "shape [%lld,%lld]",
              (long long)out.dims[0], (long long)out.dims[1]);
    cr_assert_eq(out.bytes, 0);
    /* And a real batch afterwards still works. */
    fill_rows();
    run_batch(s, rows, 2);
    expect_ok(onnxc_session_output(s, 0, &out));
    cr_assert_eq(out.dims[0], 2);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

static void expect_matches_torch(const char *variant, int set)
{
    onnxc_model *model = load_reference(variant);
    onnxc_tensor *input = read_tensor(variant, set, "input_0");
    onnxc_tensor *expected = read_tensor(variant, set, "output_0");
    onnxc_session *s = new_session(model, NULL);
    bind_tensor(s, input);
    expect_ok(onnxc_session_run(s));
    onnxc_tensor_view got, want = onnxc_tensor_get_view(expected);
    expect_ok(onnxc_session_output(s, 0, &got));
    expect_close(&got, &want, 1e-4, 1e-5);
    onnxc_session_free(s);
    onnxc_tensor_free(input);
    onnxc_tensor_free(expected);
    onnxc_model_free(model);
}

Test(api, reference_relu_matches_torch_at_batch_1)
{
    expect_matches_torch("mlp_relu", 0);
}

Test(api, reference_relu_matches_torch_at_batch_64)
{
    onnxc_tensor *input = read_tensor("mlp_relu", 1, "input_0");
    cr_assert_eq(onnxc_tensor_get_view(input).dims[0], 64);
    onnxc_tensor_free(input);
    expect_matches_torch("mlp_relu", 1);
}

Test(api, reference_leakyrelu_matches_torch_at_batch_1_and_64)
{
    expect_matches_torch("mlp_leakyrelu", 0);
    expect_matches_torch("mlp_leakyrelu", 1);
}

Test(api, session_replans_only_when_the_batch_changes)
{
    fill_rows();
    onnxc_model *model = load_reference("mlp_relu");
    onnxc_session *s = new_session(model, NULL);
    run_batch(s, rows, 1);
    cr_assert_eq(stats_of(s).plans, 1);
    run_batch(s, rows, 1);
    cr_assert_eq(stats_of(s).plans, 1, "same batch: no new plan");
    run_batch(s, rows, 64);
    cr_assert_eq(stats_of(s).plans, 2, "batch 1 -> 64: a new plan");
    run_batch(s, rows, 64);
    expect_ok(onnxc_session_run(s));  /* run again without rebinding */
    cr_assert_eq(stats_of(s).plans, 2);
    run_batch(s, rows, 1);
    cr_assert_eq(stats_of(s).plans, 3, "back to batch 1: plans again");
    onnxc_session_free(s);
    onnxc_model_free(model);
}

/* With fusion (the default) Relu is folded into the first Gemm: two
 * tensors. Without it (ONNXC_OPTIMIZE_NONE) Relu runs in place over the
 * first Gemm's output: three tensors, one in place. Either way the arena
 * is the lower bound. */
static void check_reference_plan(unsigned optimize, size_t tensors,
                                 size_t in_place)
{
    onnxc_model *model = load_reference("mlp_relu");
    onnxc_session_options *o = NULL;
    expect_ok(onnxc_session_options_create(&o));
    expect_ok(onnxc_session_options_set_optimizations(o, optimize));
    onnxc_session *s = new_session(model, o);
    onnxc_session_options_free(o);
    const int64_t batches[] = {1, 64};
    for (int i = 0; i < 2; i++) {
        run_batch(s, rows, batches[i]);
        onnxc_plan_stats st = stats_of(s);
        cr_assert_eq(st.arena_bytes, st.lower_bound_bytes,
                     "batch %lld: arena %zu, lower bound %zu",
                     (long long)batches[i], st.arena_bytes,
                     st.lower_bound_bytes);
        cr_assert_eq(st.tensors, tensors, "planned tensors: %zu", st.tensors);
        cr_assert_eq(st.in_place, in_place, "in place: %zu", st.in_place);
        /* Fused, the two tensors are alive together: nothing to reuse. */
        if (in_place)
            cr_assert_lt(st.arena_bytes, st.no_reuse_bytes);
        else
            cr_assert_leq(st.arena_bytes, st.no_reuse_bytes);
    }
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(api, arena_equals_the_lower_bound_on_the_reference_network)
{
    fill_rows();
    check_reference_plan(ONNXC_OPTIMIZE_ALL, 2, 0);
    check_reference_plan(ONNXC_OPTIMIZE_FUSE, 2, 0);
    check_reference_plan(ONNXC_OPTIMIZE_FOLD, 3, 1);
    check_reference_plan(ONNXC_OPTIMIZE_NONE, 3, 1);
}

Test(api, two_sessions_on_one_model_give_identical_results)
{
    fill_rows();
    onnxc_model *model = load_reference("mlp_relu");
    onnxc_session *a = new_session(model, NULL);
    onnxc_session *b = new_session(model, NULL);
    run_batch(a, rows, 64);
    onnxc_tensor_view va, vb;
    expect_ok(onnxc_session_output(a, 0, &va));
    float first[64 * 3];
    memcpy(first, va.data, sizeof first);
    /* b runs on other data in between: a's output must not move. */
    run_batch(b, rows + 10, 32);
    run_batch(b, rows, 64);
    expect_ok(onnxc_session_output(b, 0, &vb));
    expect_ok(onnxc_session_output(a, 0, &va));
    cr_assert_eq(vb.bytes, sizeof first);
    cr_assert_eq(memcmp(va.data, first, sizeof first), 0,
                 "session a's output changed when b ran");
    cr_assert_eq(memcmp(vb.data, first, sizeof first), 0,
                 "the sessions disagree");
    onnxc_session_free(a);
    onnxc_session_free(b);
    onnxc_model_free(model);
}

/* Every kernel set and optimization level this CPU runs gives the
 * reference network's outputs within float rounding of the default's;
 * a set the CPU lacks is refused at session creation, saying what the
 * CPU lacks. One model serves every combination. */
Test(api, every_kernel_set_and_optimization_agrees)
{
    fill_rows();
    onnxc_model *model = load_reference("mlp_relu");
    onnxc_session *base = new_session(model, NULL);
    run_batch(base, rows, 64);
    onnxc_tensor_view want;
    expect_ok(onnxc_session_output(base, 0, &want));
    static const onnxc_kernels KERNELS[] = {
        ONNXC_KERNELS_AUTO, ONNXC_KERNELS_AVX512, ONNXC_KERNELS_AVX2,
        ONNXC_KERNELS_PORTABLE, ONNXC_KERNELS_REFERENCE};
    static const unsigned OPTIMIZE[] = {ONNXC_OPTIMIZE_NONE, ONNXC_OPTIMIZE_ALL};
    int ran = 0;
    for (int k = 0; k < 5; k++)
        for (int o = 0; o < 2; o++) {
            onnxc_session_options *opts = NULL;
            onnxc_session *s = NULL;
            expect_ok(onnxc_session_options_create(&opts));
            expect_ok(onnxc_session_options_set_kernels(opts, KERNELS[k]));
            expect_ok(onnxc_session_options_set_optimizations(opts,
                                                              OPTIMIZE[o]));
            onnxc_status *st = onnxc_session_create(model, opts, &s);
            onnxc_session_options_free(opts);
            if (st) {
                bool optional = KERNELS[k] == ONNXC_KERNELS_AVX512 ||
                                KERNELS[k] == ONNXC_KERNELS_AVX2;
                cr_assert(optional, "kernels %d: %s", (int)KERNELS[k],
                          onnxc_status_message(st));
                cr_assert_eq(onnxc_status_code(st), ONNXC_ERR_UNSUPPORTED);
                cr_assert_not_null(strstr(onnxc_status_message(st),
                                          "this CPU lacks"));
                onnxc_status_free(st);
                continue;
            }
            run_batch(s, rows, 64);
            onnxc_tensor_view v;
            expect_ok(onnxc_session_output(s, 0, &v));
            cr_assert_eq(v.bytes, want.bytes);
            const float *y = v.data, *w = want.data;
            for (size_t i = 0; i < v.bytes / sizeof(float); i++)
                cr_assert(fabsf(y[i] - w[i]) <= 1e-5f * (1 + fabsf(w[i])),
                          "kernels %d, optimize %u: y[%zu] = %g, want %g",
                          (int)KERNELS[k], OPTIMIZE[o], i, y[i], w[i]);
            onnxc_session_free(s);
            ran++;
        }
    cr_assert_geq(ran, 6, "auto, portable and reference always run");
    onnxc_session_free(base);
    onnxc_model_free(model);
}

Test(api, option_values_out_of_range_are_refused)
{
    onnxc_session_options *opts = NULL;
    expect_ok(onnxc_session_options_create(&opts));
    onnxc_status *st = onnxc_session_options_set_kernels(opts, (onnxc_kernels)99);
    cr_assert_eq(onnxc_status_code(st), ONNXC_ERR_INVALID_ARGUMENT);
    onnxc_status_free(st);
    st = onnxc_session_options_set_optimizations(opts, 4u);
    cr_assert_eq(onnxc_status_code(st), ONNXC_ERR_INVALID_ARGUMENT);
    onnxc_status_free(st);
    onnxc_session_options_free(opts);
}

/* ------------------------------------------------------------- options */

/* The arena batch 64 needs, from a session with its own arena. */
static size_t arena_needed(const onnxc_model *model, int64_t batch)
{
    onnxc_session *s = new_session(model, NULL);
    run_batch(s, rows, batch);
    size_t need = stats_of(s).arena_bytes;
    onnxc_session_free(s);
    return need;
}

Test(api, too_small_caller_arena_says_how_much_it_needs)
{
    fill_rows();
    onnxc_model *model = load_reference("mlp_relu");
    size_t need = arena_needed(model, 64);
    char needle[64];
    snprintf(needle, sizeof needle, "need a %zu-byte arena", need);

    _Alignas(64) static unsigned char small[256];
    onnxc_session_options *opts = NULL;
    expect_ok(onnxc_session_options_create(&opts));
    expect_ok(onnxc_session_options_set_arena(opts, small, sizeof small));
    /* Without fixed dims the plan, and the refusal, come at the run. */
    onnxc_session *s = new_session(model, opts);
    const int64_t dims[2] = {64, 10};
    expect_ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, dims, 2, rows));
    expect_error(onnxc_session_run(s), ONNXC_ERR_NO_MEMORY, needle,
                 "caller's arena has 256", NULL);
    onnxc_session_free(s);

    /* With the batch fixed, at creation. */
    expect_ok(onnxc_session_options_set_dim(opts, "batch", 64));
    s = (onnxc_session *)&s;
    expect_error(onnxc_session_create(model, opts, &s), ONNXC_ERR_NO_MEMORY,
                 needle, NULL);
    cr_assert_null(s, "a failed create must leave *session NULL");
    onnxc_session_options_free(opts);
    onnxc_model_free(model);
}

Test(api, caller_arena_of_exactly_the_needed_size_works)
{
    fill_rows();
    onnxc_model *model = load_reference("mlp_relu");
    onnxc_tensor *input = read_tensor("mlp_relu", 1, "input_0");
    onnxc_tensor *expected = read_tensor("mlp_relu", 1, "output_0");
    size_t need = arena_needed(model, 64);
    unsigned char *arena = aligned_alloc(64, need);
    cr_assert_not_null(arena);
    onnxc_session_options *opts = NULL;
    expect_ok(onnxc_session_options_create(&opts));
    expect_ok(onnxc_session_options_set_arena(opts, arena, need));
    onnxc_session *s = new_session(model, opts);
    onnxc_session_options_free(opts);  /* only read during create */

    bind_tensor(s, input);
    expect_ok(onnxc_session_run(s));
    onnxc_tensor_view got, want = onnxc_tensor_get_view(expected);
    expect_ok(onnxc_session_output(s, 0, &got));
    expect_close(&got, &want, 1e-4, 1e-5);
    const unsigned char *p = got.data;
    cr_assert(p >= arena && p + got.bytes <= arena + need,
              "the output should live in the caller's arena");
    /* A smaller batch fits the same arena. */
    run_batch(s, rows, 1);
    cr_assert_eq(stats_of(s).plans, 2);

    onnxc_session_free(s);
    free(arena);
    onnxc_tensor_free(input);
    onnxc_tensor_free(expected);
    onnxc_model_free(model);
}

Test(api, fixing_an_unknown_symbol_is_refused)
{
    onnxc_model *model = load_reference("mlp_relu");
    onnxc_session_options *opts = NULL;
    expect_ok(onnxc_session_options_create(&opts));
    expect_ok(onnxc_session_options_set_dim(opts, "seq", 4));
    onnxc_session *s = (onnxc_session *)&s;
    expect_error(onnxc_session_create(model, opts, &s),
                 ONNXC_ERR_INVALID_ARGUMENT, "no symbolic dim named 'seq'",
                 NULL);
    cr_assert_null(s);
    onnxc_session_options_free(opts);
    onnxc_model_free(model);
}

Test(api, fixing_the_batch_plans_at_creation)
{
    fill_rows();
    onnxc_model *model = load_reference("mlp_relu");
    onnxc_session_options *opts = NULL;
    expect_ok(onnxc_session_options_create(&opts));
    expect_ok(onnxc_session_options_set_dim(opts, "batch", 4));
    onnxc_session *s = new_session(model, opts);
    onnxc_session_options_free(opts);

    onnxc_plan_stats st = stats_of(s);  /* before any run */
    cr_assert_eq(st.plans, 1);
    cr_assert_gt(st.arena_bytes, 0);
    run_batch(s, rows, 4);
    cr_assert_eq(stats_of(s).plans, 1, "the run uses the creation's plan");

    /* Inputs must agree with the fixed dim. */
    const int64_t dims[2] = {5, 10};
    expect_ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, dims, 2, rows));
    expect_error(onnxc_session_run(s), ONNXC_ERR_SHAPE, "input 'input'",
                 "batch = 5", "session options", NULL);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

/* ---------------------------------------------------------- tensor files */

Test(api, tensor_file_roundtrip)
{
    char dir[] = "/tmp/onnxc_api_XXXXXX", path[64];
    cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
    snprintf(path, sizeof path, "%s/t.pb", dir);
    const int64_t dims[3] = {2, 1, 3};
    const float data[6] = {1.5f, -2, 0, 1e-30f, 3e30f, -0.0f};
    onnxc_tensor_view view = {ONNXC_FLOAT, 3, dims, data, sizeof data};
    expect_ok(onnxc_tensor_write_file(path, "weights", &view));

    onnxc_tensor *t = NULL;
    onnxc_status *st = onnxc_tensor_read_file(path, &t);
    unlink(path);
    rmdir(dir);
    cr_assert_null(st, "read back: %s", onnxc_status_message(st));
    cr_assert_str_eq(onnxc_tensor_name(t), "weights");
    onnxc_tensor_view back = onnxc_tensor_get_view(t);
    cr_assert_eq(back.dtype, ONNXC_FLOAT);
    cr_assert_eq(back.rank, 3);
    for (int d = 0; d < 3; d++)
        cr_assert_eq(back.dims[d], dims[d]);
    cr_assert_eq(back.bytes, sizeof data);
    cr_assert_eq(memcmp(back.data, data, sizeof data), 0,
                 "the values changed on the way (bit for bit, -0 included)");
    onnxc_tensor_free(t);
}

Test(api, reading_a_truncated_tensor_is_an_error)
{
    onnxc_tensor *t = (onnxc_tensor *)&t;
    onnxc_status *st =
        onnxc_tensor_read_file(FIXTURES_DIR "/bad/truncated_input.pb", &t);
    cr_assert_null(t);
    expect_error(st, ONNXC_ERR_INVALID_MODEL, "not a TensorProto", NULL);
}

/* ---------------------------------------------------------- status */

Test(api, status_helpers_accept_null)
{
    cr_assert_eq(onnxc_status_code(NULL), ONNXC_OK);
    cr_assert_str_eq(onnxc_status_message(NULL), "");
    onnxc_status_free(NULL);
    cr_assert_str_eq(onnxc_code_name(ONNXC_OK), "ok");
    cr_assert_str_eq(onnxc_code_name(ONNXC_ERR_UNSUPPORTED), "unsupported");
    cr_assert_str_eq(onnxc_dtype_name(ONNXC_FLOAT), "float");
    cr_assert_str_eq(onnxc_dtype_name((onnxc_dtype)999), "?");
    cr_assert_eq(onnxc_dtype_size(ONNXC_DOUBLE), 8);
    cr_assert_eq(onnxc_dtype_size(ONNXC_STRING), 0);
}

Test(api, status_messages_are_one_line)
{
    /* A name from a model may hold a newline; the message must not. */
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "4");
    mb_node(m, "Relu", "bad\nname", "ghost", "y");
    mb_output(m, "y", ONNXC_FLOAT, "4");
    onnxc_model *model = NULL;
    onnxc_status *st = mb_load(m, NULL, &model);
    mb_free(m);
    cr_assert_not_null(st);
    cr_assert_null(strchr(onnxc_status_message(st), '\n'), "%s",
                   onnxc_status_message(st));
    onnxc_status_free(st);
}

/* Without fusion the reference network runs Gemm, Relu, Gemm: the profile
 * gives each node's shape, a count of runs, and the Gemms' arithmetic
 * (2 M N K) from the shapes of the last run. */
Test(api, profile_times_every_node_and_counts_gemm_flops)
{
    fill_rows();
    onnxc_model *model = load_reference("mlp_relu");
    onnxc_session_options *o = NULL;
    expect_ok(onnxc_session_options_create(&o));
    expect_ok(onnxc_session_options_set_optimizations(o, ONNXC_OPTIMIZE_NONE));
    expect_ok(onnxc_session_options_set_profiling(o, 1));
    onnxc_session *s = new_session(model, o);
    onnxc_session_options_free(o);
    onnxc_node_profile p;
    expect_error(onnxc_session_node_profile(s, 0, &p),
                 ONNXC_ERR_INVALID_ARGUMENT, "not run", NULL);
    run_batch(s, rows, 1);
    run_batch(s, rows, 64);
    cr_assert_eq(onnxc_session_node_count(s), 3);
    const char *types[] = {"Gemm", "Relu", "Gemm"};
    int64_t k = 10;   /* the input's features */
    for (size_t i = 0; i < 3; i++) {
        expect_ok(onnxc_session_node_profile(s, i, &p));
        cr_assert_str_eq(p.op_type, types[i]);
        cr_assert_eq(p.runs, 2);
        cr_assert(p.seconds >= 0 && p.total_seconds >= p.seconds);
        cr_assert_eq(p.rank, 2);
        cr_assert_eq(p.dims[0], 64);
        if (i == 1) {
            cr_assert_eq(p.flops, 0, "Relu defines no flops");
            continue;
        }
        double want = 2.0 * 64 * (double)p.dims[1] * (double)k;
        cr_assert_eq(p.flops, want, "%s #%zu: %g flops, want %g", p.op_type,
                     i, p.flops, want);
        k = p.dims[1];
    }
    expect_error(onnxc_session_node_profile(s, 3, &p),
                 ONNXC_ERR_INVALID_ARGUMENT, "node 3", NULL);
    onnxc_session_free(s);

    s = new_session(model, NULL);
    run_batch(s, rows, 1);
    expect_error(onnxc_session_node_profile(s, 0, &p),
                 ONNXC_ERR_INVALID_ARGUMENT, "without profiling", NULL);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

/* ------------------------------------------------ sequences and optionals */

#define INVALID ONNXC_ERR_INVALID_ARGUMENT
#define SHAPE ONNXC_ERR_SHAPE

/* seq (a sequence of float [?, 2]) and opt (an optional float [3]) in;
 * out: seq with x inserted at the front, the length of that, whether opt
 * holds a value, and opt as it is. */
static onnxc_model *load_sequence_model(void)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 18);
    mb_wrap(m, mb_input(m, "seq", ONNXC_FLOAT, "?,2"), ONNXC_KIND_SEQUENCE);
    mb_wrap(m, mb_input(m, "opt", ONNXC_FLOAT, "3"), ONNXC_KIND_OPTIONAL);
    mb_input(m, "x", ONNXC_FLOAT, "1,2");
    int64_t zero = 0;
    mb_initializer_raw(m, "front", ONNXC_INT64, "", &zero, sizeof zero);
    mb_node(m, "SequenceInsert", "insert", "seq,x,front", "longer");
    mb_node(m, "SequenceLength", "length", "longer", "n");
    mb_node(m, "OptionalHasElement", "has", "opt", "has_opt");
    mb_node(m, "Identity", "same", "opt", "opt_out");
    mb_wrap(m, mb_output(m, "longer", ONNXC_FLOAT, NULL), ONNXC_KIND_SEQUENCE);
    mb_output(m, "n", ONNXC_INT64, "");
    mb_output(m, "has_opt", ONNXC_BOOL, "");
    mb_wrap(m, mb_output(m, "opt_out", ONNXC_FLOAT, "3"), ONNXC_KIND_OPTIONAL);
    onnxc_model *model = NULL;
    expect_ok(mb_load(m, NULL, &model));
    mb_free(m);
    return model;
}

Test(api, sequences_and_optionals_in_and_out)
{
    onnxc_model *model = load_sequence_model();
    onnxc_value_info info;
    expect_ok(onnxc_model_input_info(model, 0, &info));
    cr_assert_eq(info.kind, ONNXC_KIND_SEQUENCE);
    cr_assert_eq(info.dtype, ONNXC_FLOAT);
    expect_ok(onnxc_model_input_info(model, 1, &info));
    cr_assert_eq(info.kind, ONNXC_KIND_OPTIONAL);
    cr_assert_eq(info.elem_kind, ONNXC_KIND_TENSOR);
    onnxc_session *s = NULL;
    expect_ok(onnxc_session_create(model, NULL, &s));

    const float a[4] = {1, 2, 3, 4}, b[2] = {5, 6}, x[2] = {-1, -2}, o[3] = {7, 8, 9};
    const int64_t da[2] = {2, 2}, db[2] = {1, 2}, dx[2] = {1, 2}, d3[1] = {3};
    onnxc_tensor_view items[2] = {{ONNXC_FLOAT, 2, da, a, 0},
                                  {ONNXC_FLOAT, 2, db, b, 0}};
    /* kinds that do not fit are refused, naming the input */
    expect_error(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, da, 2, a), INVALID,
                 "'seq'", "a sequence", NULL);
    expect_error(onnxc_session_bind_input_none(s, 0), INVALID, "'seq'", NULL);
    expect_error(onnxc_session_bind_input_sequence(s, 2, items, 1), INVALID,
                 "'x'", NULL);
    onnxc_tensor_view wrong = {ONNXC_INT64, 2, da, a, 0};
    expect_error(onnxc_session_bind_input_sequence(s, 0, &wrong, 1), SHAPE,
                 "tensor 0 of 1", "float", NULL);
    onnxc_tensor_view bad_dim = {ONNXC_FLOAT, 1, d3, o, 0};
    expect_error(onnxc_session_bind_input_sequence(s, 0, &bad_dim, 1), SHAPE,
                 "tensor 0 of 1", NULL);

    for (int run = 0; run < 2; run++) {
        expect_ok(onnxc_session_bind_input_sequence(s, 0, items, run ? 1 : 2));
        if (run)
            expect_ok(onnxc_session_bind_input_none(s, 1));
        else
            expect_ok(onnxc_session_bind_input(s, 1, ONNXC_FLOAT, d3, 1, o));
        expect_ok(onnxc_session_bind_input(s, 2, ONNXC_FLOAT, dx, 2, x));
        expect_ok(onnxc_session_run(s));
        onnxc_kind kind;
        size_t count;
        onnxc_tensor_view v;
        expect_ok(onnxc_session_output_kind(s, 0, &kind, &count));
        cr_assert_eq(kind, ONNXC_KIND_SEQUENCE);
        cr_assert_eq(count, run ? 2u : 3u);
        expect_ok(onnxc_session_output_item(s, 0, 0, &v));
        cr_assert_eq(v.rank, 2);
        cr_assert_eq(((const float *)v.data)[1], -2.0f);
        expect_ok(onnxc_session_output_item(s, 0, 1, &v));
        cr_assert_eq(v.dims[0], 2);
        cr_assert_eq(((const float *)v.data)[3], 4.0f);
        expect_error(onnxc_session_output_item(s, 0, count, &v), INVALID,
                     "out of range", NULL);
        expect_error(onnxc_session_output(s, 0, &v), INVALID, "a sequence",
                     NULL);
        expect_ok(onnxc_session_output(s, 1, &v));
        cr_assert_eq(*(const int64_t *)v.data, (int64_t)count);
        expect_ok(onnxc_session_output(s, 2, &v));
        cr_assert_eq(*(const unsigned char *)v.data, run ? 0 : 1);
        expect_ok(onnxc_session_output_kind(s, 3, &kind, &count));
        cr_assert_eq(kind, run ? ONNXC_KIND_NONE : ONNXC_KIND_TENSOR);
        if (!run) {
            expect_ok(onnxc_session_output(s, 3, &v));
            cr_assert_eq(((const float *)v.data)[2], 9.0f);
        }
    }
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(api, sequence_and_optional_files_roundtrip)
{
    char dir[] = "/tmp/onnxc_api_XXXXXX", path[64];
    cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
    snprintf(path, sizeof path, "%s/v.pb", dir);
    const int64_t d0[2] = {2, 1}, d1[1] = {3};
    const float a[2] = {1.5f, -2}, b[3] = {0, 7, 8};
    onnxc_tensor_view items[2] = {{ONNXC_FLOAT, 2, d0, a, 0},
                                  {ONNXC_FLOAT, 1, d1, b, 0}};
    static const struct { onnxc_kind declared, kind; size_t count; } forms[] = {
        {ONNXC_KIND_SEQUENCE, ONNXC_KIND_SEQUENCE, 2},
        {ONNXC_KIND_SEQUENCE, ONNXC_KIND_SEQUENCE, 0},
        {ONNXC_KIND_OPTIONAL, ONNXC_KIND_SEQUENCE, 2},
        {ONNXC_KIND_OPTIONAL, ONNXC_KIND_TENSOR, 1},
        {ONNXC_KIND_OPTIONAL, ONNXC_KIND_NONE, 0},
    };
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        expect_ok(onnxc_value_write_file(path, "v", forms[f].declared,
                                         forms[f].kind, items, forms[f].count));
        onnxc_value *v = NULL;
        expect_ok(onnxc_value_read_file(path, forms[f].declared, &v));
        cr_assert_eq(onnxc_value_kind(v), forms[f].kind, "form %zu", f);
        cr_assert_eq(onnxc_value_count(v), forms[f].count, "form %zu", f);
        cr_assert_str_eq(onnxc_value_name(v), "v");
        for (size_t k = 0; k < forms[f].count; k++) {
            onnxc_tensor_view t = onnxc_value_item(v, k);
            cr_assert_eq(t.rank, items[k].rank);
            cr_assert_eq(memcmp(t.data, items[k].data, t.bytes), 0);
        }
        onnxc_value_free(v);
    }
    expect_error(onnxc_value_write_file(path, "v", ONNXC_KIND_SEQUENCE,
                                        ONNXC_KIND_NONE, items, 0), INVALID, NULL);
    expect_error(onnxc_value_read_file(path, ONNXC_KIND_TENSOR, NULL), INVALID, NULL);
    unlink(path);
    rmdir(dir);
}
