/*
 * test_loader.c - what onnxc_model_load_* accepts and what it refuses.
 *
 * Every refusal is checked three ways: the code, a part of the message a
 * user would need to fix the model (the node, the value, the shape), and
 * that *model is left NULL. Models are built in memory (model_builder.h)
 * so that each test shows the one thing wrong with its model.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model_builder.h"
#include "onnxc.h"
#include "runtime/api/model.h"

#define REFERENCE FIXTURES_DIR "/reference/mlp_relu"

/* ------------------------------------------------------------ helpers */

/* Asserts that `st` is an error with `code` whose message holds every
 * string of the NULL-terminated list. Frees the status. */
static void expect_error_v(onnxc_status *st, onnxc_code code, va_list needles)
{
    const char *msg = onnxc_status_message(st);
    cr_assert(st != NULL, "expected a '%s' error, got success",
              onnxc_code_name(code));
    cr_assert_eq(onnxc_status_code(st), code,
                 "expected a '%s' error, got '%s': %s", onnxc_code_name(code),
                 onnxc_code_name(onnxc_status_code(st)), msg);
    cr_assert(msg[0] != 0, "the error has an empty message");
    for (const char *n; (n = va_arg(needles, const char *));)
        cr_assert(strstr(msg, n) != NULL,
                  "the message \"%s\" does not mention \"%s\"", msg, n);
    onnxc_status_free(st);
}

static void expect_error(onnxc_status *st, onnxc_code code, ...)
{
    va_list ap;
    va_start(ap, code);
    expect_error_v(st, code, ap);
    va_end(ap);
}

/* Loads the built model (no base folder), expects the error, and frees
 * the builder. */
static void expect_load_error(mb_model *m, onnxc_code code, ...)
{
    onnxc_model *model = (onnxc_model *)&model;  /* must be reset to NULL */
    onnxc_status *st = mb_load(m, NULL, &model);
    mb_free(m);
    cr_assert_null(model, "a failed load must leave *model NULL");
    va_list ap;
    va_start(ap, code);
    expect_error_v(st, code, ap);
    va_end(ap);
}

/* Loads the built model, expecting success, and frees the builder. */
static onnxc_model *load_ok(mb_model *m, const char *base_dir)
{
    onnxc_model *model = NULL;
    onnxc_status *st = mb_load(m, base_dir, &model);
    mb_free(m);
    cr_assert_null(st, "the model should load: %s", onnxc_status_message(st));
    cr_assert_not_null(model);
    return model;
}

static void *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s: %s", path, strerror(errno));
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *data = malloc((size_t)n + 1);
    cr_assert_eq(fread(data, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return data;
}

static void write_bytes(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot create %s: %s", path, strerror(errno));
    cr_assert_eq(fwrite(data, 1, size, f), size);
    cr_assert_eq(fclose(f), 0);
}

/* The model most tests start from: y = Relu(x W' + b), x [batch,3],
 * W [2,3], b [2]. Weights are small integers so results are exact. */
static const float W[6] = {1, 2, 3, 4, 5, 6};
static const float B[2] = {0.5f, -0.5f};

static mb_model *gemm_relu_model(int64_t ir_version)
{
    mb_model *m = mb_new(ir_version);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "batch,3");
    mb_initializer_f32(m, "W", "2,3", W, 6);
    mb_initializer_f32(m, "b", "2", B, 2);
    Onnx__NodeProto *g = mb_node(m, "Gemm", "gemm", "x,W,b", "h");
    mb_attr_int(m, g, "transB", 1);
    mb_node(m, "Relu", "relu", "h", "y");
    mb_output(m, "y", ONNXC_FLOAT, "batch,2");
    return m;
}

/* The smallest valid model: y = Relu(x). */
static mb_model *relu_model(int64_t ir_version)
{
    mb_model *m = mb_new(ir_version);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "batch,4");
    mb_node(m, "Relu", "relu", "x", "y");
    mb_output(m, "y", ONNXC_FLOAT, "batch,4");
    return m;
}

/* Relu(x W' + b) computed plainly, for comparing with the runtime. */
static void gemm_relu_reference(const float *x, size_t batch, const float *w,
                                const float *b, float *y)
{
    for (size_t i = 0; i < batch; i++)
        for (size_t j = 0; j < 2; j++) {
            float acc = b[j];
            for (size_t k = 0; k < 3; k++)
                acc += x[i * 3 + k] * w[j * 3 + k];
            y[i * 2 + j] = acc > 0 ? acc : 0;
        }
}

/* Three rows: two with positive outputs, one Relu clips to zero. */
static const float X[9] = {1, 1, 1, -1, 0, 2, -1, -1, -1};

/* Runs input 0 = X (batch 3) through a session and checks output 0
 * against the reference with the given weights. */
static void expect_runs_like_reference(const onnxc_model *model,
                                       const float *w, const float *b)
{
    onnxc_session *s = NULL;
    onnxc_status *st = onnxc_session_create(model, NULL, &s);
    cr_assert_null(st, "session: %s", onnxc_status_message(st));
    const int64_t dims[2] = {3, 3};
    st = onnxc_session_bind_input(s, 0, ONNXC_FLOAT, dims, 2, X);
    cr_assert_null(st, "bind: %s", onnxc_status_message(st));
    st = onnxc_session_run(s);
    cr_assert_null(st, "run: %s", onnxc_status_message(st));
    onnxc_tensor_view out;
    cr_assert_null(onnxc_session_output(s, 0, &out));
    cr_assert_eq(out.rank, 2);
    cr_assert(out.dims[0] == 3 && out.dims[1] == 2, "output shape [%lld,%lld]",
              (long long)out.dims[0], (long long)out.dims[1]);
    float want[6];
    gemm_relu_reference(X, 3, w, b, want);
    const float *got = out.data;
    for (int i = 0; i < 6; i++)
        cr_assert_float_eq(got[i], want[i], 1e-6, "y[%d] = %g, want %g", i,
                           got[i], want[i]);
    onnxc_session_free(s);
}

/* --------------------------------------------------- not a model at all */

Test(loader, empty_buffer_is_not_an_onnx_model)
{
    onnxc_model *model = (onnxc_model *)&model;
    expect_error(onnxc_model_load_buffer("", 0, NULL, &model),
                 ONNXC_ERR_INVALID_MODEL, "not an ONNX model", NULL);
    cr_assert_null(model);
    model = (onnxc_model *)&model;
    expect_error(onnxc_model_load_buffer(NULL, 0, NULL, &model),
                 ONNXC_ERR_INVALID_MODEL, "not an ONNX model", NULL);
    cr_assert_null(model);
}

Test(loader, garbage_bytes_are_not_an_onnx_model)
{
    /* 0xff is a tag with the invalid wire type 7; text is a run of tags
     * with wrong wire types or truncated fields. */
    static const char *const garbage[] = {
        "\xff\xff\xff\xff\xff\xff\xff\xff",
        "this is not an ONNX model, just text",
        "\x0a\x7f short",  /* field 1 as bytes, length past the end */
    };
    for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
        onnxc_model *model = (onnxc_model *)&model;
        onnxc_status *st = onnxc_model_load_buffer(
            garbage[i], strlen(garbage[i]), NULL, &model);
        cr_assert_null(model, "garbage %zu: *model not NULL", i);
        expect_error(st, ONNXC_ERR_INVALID_MODEL, "not an ONNX model", NULL);
    }
}

/* Every prefix of a real model must be refused cleanly. Most cut a field
 * in half and do not parse; a few end exactly between fields, parse, and
 * then lack something (the graph, the opset import). */
Test(loader, truncated_fixture_is_refused_at_every_length)
{
    size_t size;
    unsigned char *data = read_file(REFERENCE "/model.onnx", &size);
    size_t unparsable = 0;
    for (size_t cut = 1; cut < size; cut++) {
        /* A copy of exactly `cut` bytes, so a read past it is caught by
         * sanitizers and valgrind. */
        unsigned char *prefix = malloc(cut);
        memcpy(prefix, data, cut);
        onnxc_model *model = (onnxc_model *)&model;
        onnxc_status *st = onnxc_model_load_buffer(prefix, cut, NULL, &model);
        free(prefix);
        const char *msg = onnxc_status_message(st);
        cr_assert_not_null(st, "a %zu-byte prefix of %zu loaded", cut, size);
        cr_assert_null(model, "cut %zu: *model not NULL", cut);
        onnxc_code code = onnxc_status_code(st);
        cr_assert(code == ONNXC_ERR_INVALID_MODEL ||
                      code == ONNXC_ERR_UNSUPPORTED,
                  "cut %zu: unexpected code %s: %s", cut,
                  onnxc_code_name(code), msg);
        if (strstr(msg, "not an ONNX model"))
            unparsable++;
        else
            cr_assert(strstr(msg, "has no graph") ||
                          strstr(msg, "does not import"),
                      "cut %zu: a prefix that parses should lack the graph "
                      "or the opset import, got: %s",
                      cut, msg);
        onnxc_status_free(st);
    }
    cr_assert_gt(unparsable, size * 9 / 10,
                 "only %zu of %zu prefixes were reported as not a model",
                 unparsable, size);
    /* Cut in the middle of the graph and one byte short of the end. */
    size_t cuts[] = {size / 2, size - 1, 100};
    for (size_t i = 0; i < 3; i++) {
        onnxc_model *model = NULL;
        expect_error(onnxc_model_load_buffer(data, cuts[i], NULL, &model),
                     ONNXC_ERR_INVALID_MODEL, "not an ONNX model", NULL);
    }
    /* Two bytes are exactly the ir_version field: a model with no graph. */
    onnxc_model *model = NULL;
    expect_error(onnxc_model_load_buffer(data, 2, NULL, &model),
                 ONNXC_ERR_INVALID_MODEL, "has no graph", NULL);
    free(data);
}

Test(loader, truncated_file_is_not_an_onnx_model)
{
    onnxc_model *model = (onnxc_model *)&model;
    expect_error(onnxc_model_load_file(FIXTURES_DIR "/bad/truncated.onnx",
                                       &model),
                 ONNXC_ERR_INVALID_MODEL, "not an ONNX model", NULL);
    cr_assert_null(model);
}

Test(loader, missing_file_is_an_io_error)
{
    onnxc_model *model = (onnxc_model *)&model;
    expect_error(onnxc_model_load_file(FIXTURES_DIR "/no/such/model.onnx",
                                       &model),
                 ONNXC_ERR_IO, "No such file", NULL);
    cr_assert_null(model);
}

/* ----------------------------------------------------- model structure */

Test(loader, ir_versions_outside_3_to_10_are_refused)
{
    expect_load_error(relu_model(2), ONNXC_ERR_UNSUPPORTED,
                      "IR version 2 is not supported", NULL);
    expect_load_error(relu_model(11), ONNXC_ERR_UNSUPPORTED,
                      "IR version 11 is not supported", NULL);
}

Test(loader, ir_versions_3_and_10_load)
{
    onnxc_model *model = load_ok(relu_model(3), NULL);
    cr_assert_eq(onnxc_model_ir_version(model), 3);
    onnxc_model_free(model);
    model = load_ok(relu_model(10), NULL);
    cr_assert_eq(onnxc_model_ir_version(model), 10);
    onnxc_model_free(model);
}

Test(loader, model_without_graph_is_refused)
{
    mb_model *m = relu_model(8);
    mb_remove_graph(m);
    expect_load_error(m, ONNXC_ERR_INVALID_MODEL, "has no graph", NULL);
}

Test(loader, unsupported_operators_are_all_listed_in_one_message)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_opset(m, "com.example", 1);
    mb_input(m, "x", ONNXC_FLOAT, "4,4");
    mb_node(m, "STFT", "stft1", "x,x", "b");
    mb_node(m, "Relu", "relu", "b", "c");  /* supported: not listed */
    mb_node(m, "STFT", "stft2", "c,x", "d");
    mb_node(m, "STFT", "stft3", "d,x", "e");
    Onnx__NodeProto *foo = mb_node(m, "Foo", "foo", "e", "f");
    mb_node_domain(m, foo, "com.example");
    mb_node(m, "Col2Im", "col2im", "f,x", "y");
    mb_output(m, "y", ONNXC_FLOAT, "4,4");
    expect_load_error(m, ONNXC_ERR_UNSUPPORTED,
                      "unsupported operator STFT (ai.onnx opset 13) at node "
                      "'stft1' and 2 more nodes",
                      "unsupported operator Foo (com.example opset 1) at node "
                      "'foo'",
                      "unsupported operator Col2Im (ai.onnx opset 13) at node "
                      "'col2im'",
                      NULL);
}

Test(loader, one_repeat_of_an_unsupported_operator_is_counted_singular)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "4");
    mb_node(m, "STFT", NULL, "x,x", "a");
    mb_node(m, "STFT", NULL, "a,x", "y");
    mb_output(m, "y", ONNXC_FLOAT, "4");
    /* Unnamed nodes are labelled by position and op type. */
    expect_load_error(m, ONNXC_ERR_UNSUPPORTED,
                      "unsupported operator STFT (ai.onnx opset 13) at node "
                      "'#0 STFT' and 1 more node",
                      NULL);
}

Test(loader, node_input_nothing_defines_names_node_and_value)
{
    mb_model *m = relu_model(8);
    mb_node(m, "Relu", "orphan", "ghost", "z");
    expect_load_error(m, ONNXC_ERR_INVALID_MODEL, "node 'orphan'", "'ghost'",
                      "defines", NULL);
}

Test(loader, two_nodes_producing_one_value_are_refused)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "4");
    mb_node(m, "Relu", "first", "x", "y");
    mb_node(m, "LeakyRelu", "second", "x", "y");
    mb_output(m, "y", ONNXC_FLOAT, "4");
    expect_load_error(m, ONNXC_ERR_INVALID_MODEL,
                      "value 'y' is defined twice", "first", "'second'", NULL);
}

Test(loader, two_initializers_with_one_name_are_refused)
{
    mb_model *m = gemm_relu_model(8);
    mb_initializer_f32(m, "W", "2,3", W, 6);
    expect_load_error(m, ONNXC_ERR_INVALID_MODEL, "value 'W' is defined twice",
                      NULL);
}

Test(loader, node_output_named_like_an_initializer_is_refused)
{
    mb_model *m = gemm_relu_model(8);
    mb_node(m, "Relu", "clobber", "y", "b");
    expect_load_error(m, ONNXC_ERR_INVALID_MODEL, "value 'b' is defined twice",
                      "initializer", "'clobber'", NULL);
}

Test(loader, two_nodes_feeding_each_other_are_a_cycle)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "4");
    mb_node(m, "Relu", "ping", "pong_out", "ping_out");
    mb_node(m, "Relu", "pong", "ping_out", "pong_out");
    mb_output(m, "pong_out", ONNXC_FLOAT, "4");
    expect_load_error(m, ONNXC_ERR_INVALID_MODEL, "cycle", "'ping'", NULL);
}

Test(loader, node_reading_its_own_output_is_a_cycle)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "4");
    mb_node(m, "Relu", "ouroboros", "y", "y");
    mb_output(m, "y", ONNXC_FLOAT, "4");
    expect_load_error(m, ONNXC_ERR_INVALID_MODEL, "cycle", "'ouroboros'",
                      NULL);
}

Test(loader, graph_output_nothing_produces_is_refused)
{
    mb_model *m = relu_model(8);
    mb_output(m, "nowhere", ONNXC_FLOAT, "4");
    expect_load_error(m, ONNXC_ERR_INVALID_MODEL, "graph output 'nowhere'",
                      "produced by no node", NULL);
}

Test(loader, graph_without_outputs_is_refused)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "4");
    mb_node(m, "Relu", "relu", "x", "y");
    expect_load_error(m, ONNXC_ERR_INVALID_MODEL, "no outputs", NULL);
}

Test(loader, graph_output_declared_with_another_shape_is_refused)
{
    mb_model *m = gemm_relu_model(8);
    mb_proto(m)->graph->n_output = 0;  /* replace the right declaration */
    mb_output(m, "y", ONNXC_FLOAT, "batch,5");
    expect_load_error(m, ONNXC_ERR_SHAPE, "graph output 'y'",
                      "declared [batch,5] but computes [batch,2]", NULL);
}

Test(loader, nodes_out_of_order_are_sorted_and_run_correctly)
{
    /* The Gemm -> Relu -> LeakyRelu chain listed last to first. */
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "batch,3");
    mb_initializer_f32(m, "W", "2,3", W, 6);
    mb_initializer_f32(m, "b", "2", B, 2);
    Onnx__NodeProto *leaky = mb_node(m, "LeakyRelu", "leaky", "r", "y");
    mb_attr_float(m, leaky, "alpha", 0.5f);
    mb_node(m, "Relu", "relu", "h", "r");
    Onnx__NodeProto *g = mb_node(m, "Gemm", "gemm", "x,W,b", "h");
    mb_attr_int(m, g, "transB", 1);
    mb_output(m, "y", ONNXC_FLOAT, "batch,2");
    onnxc_model *model = load_ok(m, NULL);
    /* LeakyRelu after Relu sees no negatives: the result is the Relu's. */
    expect_runs_like_reference(model, W, B);
    onnxc_model_free(model);
}

/* ----------------------------------------------------------- tensors */

Test(loader, raw_data_length_disagreeing_with_dims_is_refused)
{
    mb_model *m = gemm_relu_model(8);
    mb_initializer_f32(m, "extra", "3", B, 2);  /* 8 bytes for 3 floats */
    expect_load_error(m, ONNXC_ERR_INVALID_MODEL, "initializer 'extra'",
                      "raw_data holds 8 bytes, but float [3] needs 12", NULL);
}

Test(loader, typed_field_count_disagreeing_with_dims_is_refused)
{
    mb_model *m = gemm_relu_model(8);
    mb_initializer_float_data(m, "extra", "3", B, 2);
    expect_load_error(m, ONNXC_ERR_INVALID_MODEL, "initializer 'extra'",
                      "float [3] needs 3 values, the file holds 2", NULL);
}

Test(loader, typed_float_data_initializer_runs)
{
    /* The same weights in float_data instead of raw_data. */
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "batch,3");
    mb_initializer_float_data(m, "W", "2,3", W, 6);
    mb_initializer_float_data(m, "b", "2", B, 2);
    Onnx__NodeProto *g = mb_node(m, "Gemm", "gemm", "x,W,b", "h");
    mb_attr_int(m, g, "transB", 1);
    mb_node(m, "Relu", "relu", "h", "y");
    mb_output(m, "y", ONNXC_FLOAT, "batch,2");
    onnxc_model *model = load_ok(m, NULL);
    expect_runs_like_reference(model, W, B);
    onnxc_model_free(model);
}

Test(loader, negative_initializer_dim_is_refused)
{
    mb_model *m = gemm_relu_model(8);
    mb_initializer_raw(m, "neg", ONNXC_FLOAT, "-1,3", NULL, 0);
    expect_load_error(m, ONNXC_ERR_INVALID_MODEL, "initializer 'neg'",
                      "dim 0 is negative (-1)", NULL);
}

Test(loader, negative_graph_input_dim_is_refused)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "batch,-2");
    mb_node(m, "Relu", "relu", "x", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    expect_load_error(m, ONNXC_ERR_INVALID_MODEL, "'x'",
                      "dim 1 is negative (-2)", NULL);
}

Test(loader, dims_whose_element_count_overflows_are_refused)
{
    /* 2^40 * 2^40 elements do not fit 64 bits. */
    mb_model *m = gemm_relu_model(8);
    mb_initializer_raw(m, "huge", ONNXC_FLOAT, "1099511627776,1099511627776",
                       NULL, 0);
    expect_load_error(m, ONNXC_ERR_INVALID_MODEL, "initializer 'huge'",
                      "more elements than memory can hold", NULL);
    /* 2^62 floats fit as a count but not in bytes. */
    m = gemm_relu_model(8);
    mb_initializer_raw(m, "huge", ONNXC_FLOAT, "4611686018427387904", NULL, 0);
    expect_load_error(m, ONNXC_ERR_INVALID_MODEL, "initializer 'huge'",
                      "more bytes than memory can hold", NULL);
}

Test(loader, rank_9_is_refused)
{
    mb_model *m = gemm_relu_model(8);
    mb_initializer_raw(m, "deep", ONNXC_FLOAT, "1,1,1,1,1,1,1,1,1",
                       (float[]){1}, sizeof(float));
    expect_load_error(m, ONNXC_ERR_UNSUPPORTED, "initializer 'deep'",
                      "rank 9 is above the supported maximum 8", NULL);

    m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "1,1,1,1,1,1,1,1,1");
    mb_node(m, "Relu", "relu", "x", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    expect_load_error(m, ONNXC_ERR_UNSUPPORTED, "'x'", "rank 9", NULL);
}

Test(loader, rank_8_is_accepted)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "1,1,1,1,1,1,2,batch");
    mb_node(m, "Relu", "relu", "x", "y");
    mb_output(m, "y", ONNXC_FLOAT, "1,1,1,1,1,1,2,batch");
    onnxc_model *model = load_ok(m, NULL);
    onnxc_model_free(model);
}

Test(loader, string_initializer_read_by_a_supported_op_is_unsupported)
{
    static ProtobufCBinaryData word = {5, (uint8_t *)"hello"};
    mb_model *m = relu_model(8);
    Onnx__TensorProto *t = mb_initializer_raw(m, "s", ONNXC_STRING, "1", NULL, 0);
    t->has_raw_data = 0;
    t->n_string_data = 1;
    t->string_data = &word;
    mb_node(m, "Relu", "relu_s", "s", "z");
    mb_output(m, "z", ONNXC_FLOAT, NULL);
    expect_load_error(m, ONNXC_ERR_UNSUPPORTED, "'s'", "string", NULL);
}

/* ---------------------------------------------------------- operators */

Test(loader, gemm_attribute_of_the_wrong_type_is_refused)
{
    mb_model *m = relu_model(8);
    mb_initializer_f32(m, "W", "4,4", (float[16]){0}, 16);
    Onnx__NodeProto *g = mb_node(m, "Gemm", "gemm", "y,W", "z");
    mb_attr_float(m, g, "transB", 1.0f);
    mb_output(m, "z", ONNXC_FLOAT, NULL);
    expect_load_error(m, ONNXC_ERR_INVALID_MODEL, "node 'gemm'",
                      "attribute 'transB' must be an int", NULL);

    m = relu_model(8);
    mb_initializer_f32(m, "W", "4,4", (float[16]){0}, 16);
    g = mb_node(m, "Gemm", "gemm", "y,W", "z");
    mb_attr_int(m, g, "alpha", 2);
    mb_output(m, "z", ONNXC_FLOAT, NULL);
    expect_load_error(m, ONNXC_ERR_INVALID_MODEL, "node 'gemm'",
                      "attribute 'alpha' must be a float", NULL);
}

Test(loader, gemm_inner_dims_mismatch_is_caught_at_load)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "2,4");
    mb_initializer_f32(m, "W", "3,5", (float[15]){0}, 15);
    mb_node(m, "Gemm", "gemm", "x,W", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    expect_load_error(m, ONNXC_ERR_SHAPE, "node 'gemm'", "inner dims",
                      "[2,4]", "[3,5]", NULL);
}

Test(loader, default_domain_may_be_spelled_ai_onnx)
{
    /* In the node... */
    mb_model *m = gemm_relu_model(8);
    for (size_t i = 0; i < mb_proto(m)->graph->n_node; i++)
        mb_node_domain(m, mb_proto(m)->graph->node[i], "ai.onnx");
    onnxc_model *model = load_ok(m, NULL);
    expect_runs_like_reference(model, W, B);
    onnxc_model_free(model);

    /* ...and in the opset import. */
    m = mb_new(8);
    mb_opset(m, "ai.onnx", 13);
    mb_input(m, "x", ONNXC_FLOAT, "batch,3");
    mb_initializer_f32(m, "W", "2,3", W, 6);
    mb_initializer_f32(m, "b", "2", B, 2);
    Onnx__NodeProto *g = mb_node(m, "Gemm", "gemm", "x,W,b", "h");
    mb_attr_int(m, g, "transB", 1);
    mb_node(m, "Relu", "relu", "h", "y");
    mb_output(m, "y", ONNXC_FLOAT, "batch,2");
    model = load_ok(m, NULL);
    cr_assert_eq(onnxc_model_opset(model), 13,
                 "the default opset read from an 'ai.onnx' import");
    expect_runs_like_reference(model, W, B);
    onnxc_model_free(model);
}

Test(loader, missing_default_opset_import_is_named)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "com.example", 1);
    mb_input(m, "x", ONNXC_FLOAT, "4");
    mb_node(m, "Relu", "relu", "x", "y");
    mb_output(m, "y", ONNXC_FLOAT, "4");
    expect_load_error(m, ONNXC_ERR_UNSUPPORTED, "Relu",
                      "a domain the model does not import", "'relu'", NULL);

    /* No opset import at all. */
    m = mb_new(8);
    mb_input(m, "x", ONNXC_FLOAT, "4");
    mb_node(m, "Relu", "relu", "x", "y");
    mb_output(m, "y", ONNXC_FLOAT, "4");
    expect_load_error(m, ONNXC_ERR_UNSUPPORTED, "Relu (ai.onnx",
                      "a domain the model does not import", NULL);
}

/* ----------------------------------------- initializers as graph inputs */

/* IR 3 exports list every weight as a graph input too: the initializer is
 * then the input's default value. */
static mb_model *ir3_model_with_weights_as_inputs(void)
{
    mb_model *m = gemm_relu_model(3);
    mb_input(m, "W", ONNXC_FLOAT, "2,3");
    mb_input(m, "b", ONNXC_FLOAT, "2");
    return m;
}

Test(loader, ir3_initializers_listed_as_inputs_have_defaults)
{
    mb_model *m = ir3_model_with_weights_as_inputs();
    onnxc_model *model = load_ok(m, NULL);
    cr_assert_eq(onnxc_model_input_count(model), 3);
    const char *names[3] = {"x", "W", "b"};
    const int defaults[3] = {0, 1, 1};
    for (size_t i = 0; i < 3; i++) {
        onnxc_value_info info;
        cr_assert_null(onnxc_model_input_info(model, i, &info));
        cr_assert_str_eq(info.name, names[i]);
        cr_assert_eq(info.has_default, defaults[i], "input '%s' has_default %d",
                     info.name, info.has_default);
    }
    size_t index = 99;
    cr_assert_null(onnxc_model_input_index(model, "W", &index));
    cr_assert_eq(index, 1);
    onnxc_model_free(model);
}

Test(loader, ir3_model_runs_with_only_the_real_input_bound)
{
    mb_model *m = ir3_model_with_weights_as_inputs();
    onnxc_model *model = load_ok(m, NULL);
    expect_runs_like_reference(model, W, B);
    onnxc_model_free(model);
}

Test(loader, binding_an_input_with_a_default_overrides_it)
{
    mb_model *m = ir3_model_with_weights_as_inputs();
    onnxc_model *model = load_ok(m, NULL);
    onnxc_session *s = NULL;
    cr_assert_null(onnxc_session_create(model, NULL, &s));
    static const float w2[6] = {-1, 0, 1, 2, 2, 2};
    const int64_t x_dims[2] = {3, 3}, w_dims[2] = {2, 3};
    cr_assert_null(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, x_dims, 2, X));
    onnxc_status *st = onnxc_session_bind_input(s, 1, ONNXC_FLOAT, w_dims, 2, w2);
    cr_assert_null(st, "bind W: %s", onnxc_status_message(st));
    st = onnxc_session_run(s);
    cr_assert_null(st, "run: %s", onnxc_status_message(st));
    onnxc_tensor_view out;
    cr_assert_null(onnxc_session_output(s, 0, &out));
    float want[6];
    gemm_relu_reference(X, 3, w2, B, want);
    for (int i = 0; i < 6; i++)
        cr_assert_float_eq(((const float *)out.data)[i], want[i], 1e-6,
                           "y[%d] with W overridden", i);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

/* ------------------------------------------------------ external data */

/* A temporary folder holding model.onnx with W's data in a separate file.
 * The data file starts with 16 bytes of padding so that the offset is
 * really used. */
typedef struct ext_dir {
    char dir[64];
    char model[128];
} ext_dir;

static void ext_dir_make(ext_dir *d)
{
    strcpy(d->dir, "/tmp/onnxc_loader_XXXXXX");
    cr_assert_not_null(mkdtemp(d->dir), "mkdtemp: %s", strerror(errno));
    snprintf(d->model, sizeof d->model, "%s/model.onnx", d->dir);
}

static void ext_dir_path(const ext_dir *d, const char *name, char *path,
                         size_t size)
{
    snprintf(path, size, "%s/%s", d->dir, name);
}

/* Writes `name` in the folder: 16 bytes of padding, then W. */
static void write_weights(const ext_dir *d, const char *name)
{
    unsigned char bytes[16 + sizeof W];
    memset(bytes, 0xee, 16);
    memcpy(bytes + 16, W, sizeof W);
    char path[192];
    ext_dir_path(d, name, path, sizeof path);
    write_bytes(path, bytes, sizeof bytes);
}

/* Writes model.onnx with W external at `location`, `offset`, `length`. */
static void write_external_model(const ext_dir *d, const char *location,
                                 const char *offset, const char *length)
{
    mb_model *m = gemm_relu_model(8);
    Onnx__TensorProto *w = mb_proto(m)->graph->initializer[0];
    cr_assert_str_eq(w->name, "W");
    mb_set_external(m, w, location, offset, length);
    cr_assert_eq(mb_write_file(m, d->model), 0);
    mb_free(m);
}

/* Removes the folder and what the tests put in it. */
static void ext_dir_remove(const ext_dir *d)
{
    static const char *const names[] = {"model.onnx", "weights.bin",
                                        "link.bin"};
    char path[192];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        ext_dir_path(d, names[i], path, sizeof path);
        unlink(path);
    }
    rmdir(d->dir);
}

static void expect_file_load_error(const ext_dir *d, onnxc_code code,
                                   const char *n1, const char *n2)
{
    onnxc_model *model = (onnxc_model *)&model;
    onnxc_status *st = onnxc_model_load_file(d->model, &model);
    cr_assert_null(model);
    expect_error(st, code, n1, n2, NULL);
}

Test(loader, external_data_is_read_from_the_models_folder)
{
    ext_dir d;
    ext_dir_make(&d);
    write_weights(&d, "weights.bin");
    write_external_model(&d, "weights.bin", "16", "24");
    onnxc_model *model = NULL;
    onnxc_status *st = onnxc_model_load_file(d.model, &model);
    ext_dir_remove(&d);  /* the data is read at load, not later */
    cr_assert_null(st, "load: %s", onnxc_status_message(st));
    expect_runs_like_reference(model, W, B);
    onnxc_model_free(model);
}

Test(loader, external_data_location_with_dotdot_is_refused)
{
    ext_dir d;
    ext_dir_make(&d);
    write_weights(&d, "weights.bin");
    write_external_model(&d, "../weights.bin", "16", "24");
    expect_file_load_error(&d, ONNXC_ERR_INVALID_MODEL, "'../weights.bin'",
                           "leaves the model's folder");
    /* A ".." that comes back into the folder is refused all the same. */
    write_external_model(&d, "sub/../weights.bin", "16", "24");
    expect_file_load_error(&d, ONNXC_ERR_INVALID_MODEL, "sub/../weights.bin",
                           "leaves the model's folder");
    ext_dir_remove(&d);
}

Test(loader, absolute_external_data_location_is_refused)
{
    ext_dir d;
    ext_dir_make(&d);
    write_weights(&d, "weights.bin");
    char abs[192];
    ext_dir_path(&d, "weights.bin", abs, sizeof abs);
    write_external_model(&d, abs, "16", "24");
    expect_file_load_error(&d, ONNXC_ERR_INVALID_MODEL, abs, "is absolute");
    ext_dir_remove(&d);
}

Test(loader, symlink_to_data_outside_the_folder_is_refused)
{
    ext_dir d, outside;
    ext_dir_make(&d);
    ext_dir_make(&outside);
    write_weights(&outside, "weights.bin");
    char target[192], link[192];
    ext_dir_path(&outside, "weights.bin", target, sizeof target);
    ext_dir_path(&d, "link.bin", link, sizeof link);
    cr_assert_eq(symlink(target, link), 0, "symlink: %s", strerror(errno));
    write_external_model(&d, "link.bin", "16", "24");
    expect_file_load_error(&d, ONNXC_ERR_INVALID_MODEL, "'link.bin'",
                           "resolves outside the model's folder");
    ext_dir_remove(&d);
    ext_dir_remove(&outside);
}

Test(loader, symlink_within_the_folder_is_followed)
{
    ext_dir d;
    ext_dir_make(&d);
    write_weights(&d, "weights.bin");
    char link[192];
    ext_dir_path(&d, "link.bin", link, sizeof link);
    cr_assert_eq(symlink("weights.bin", link), 0, "symlink: %s",
                 strerror(errno));
    write_external_model(&d, "link.bin", "16", "24");
    onnxc_model *model = NULL;
    onnxc_status *st = onnxc_model_load_file(d.model, &model);
    ext_dir_remove(&d);
    cr_assert_null(st, "load: %s", onnxc_status_message(st));
    expect_runs_like_reference(model, W, B);
    onnxc_model_free(model);
}

Test(loader, external_data_past_the_end_of_its_file_is_refused)
{
    ext_dir d;
    ext_dir_make(&d);
    write_weights(&d, "weights.bin");  /* 40 bytes */
    write_external_model(&d, "weights.bin", "32", "24");
    expect_file_load_error(&d, ONNXC_ERR_INVALID_MODEL, "'weights.bin'",
                           "past its end");
    write_external_model(&d, "weights.bin", "4096", NULL);
    expect_file_load_error(&d, ONNXC_ERR_INVALID_MODEL, "'weights.bin'",
                           "past its end");
    ext_dir_remove(&d);
}

Test(loader, external_data_length_disagreeing_with_dims_is_refused)
{
    ext_dir d;
    ext_dir_make(&d);
    write_weights(&d, "weights.bin");
    write_external_model(&d, "weights.bin", "16", "20");
    expect_file_load_error(&d, ONNXC_ERR_INVALID_MODEL, "initializer 'W'",
                           "length 20 differs from the 24 bytes");
    ext_dir_remove(&d);
}

Test(loader, missing_external_data_file_is_an_io_error)
{
    ext_dir d;
    ext_dir_make(&d);
    write_external_model(&d, "weights.bin", "16", "24");
    expect_file_load_error(&d, ONNXC_ERR_IO, "'weights.bin'", "No such file");
    ext_dir_remove(&d);
}

Test(loader, external_data_from_a_buffer_needs_a_base_folder)
{
    mb_model *m = gemm_relu_model(8);
    mb_set_external(m, mb_proto(m)->graph->initializer[0], "weights.bin", "16",
                    "24");
    onnxc_model *model = (onnxc_model *)&model;
    onnxc_status *st = mb_load(m, NULL, &model);
    mb_free(m);
    cr_assert_null(model);
    expect_error(st, ONNXC_ERR_INVALID_ARGUMENT, "initializer 'W'",
                 "'weights.bin'", "needs a base folder", NULL);
}

Test(loader, external_data_from_a_buffer_with_a_base_folder_loads)
{
    ext_dir d;
    ext_dir_make(&d);
    write_weights(&d, "weights.bin");
    mb_model *m = gemm_relu_model(8);
    mb_set_external(m, mb_proto(m)->graph->initializer[0], "weights.bin", "16",
                    "24");
    onnxc_model *model = load_ok(m, d.dir);
    ext_dir_remove(&d);
    expect_runs_like_reference(model, W, B);
    onnxc_model_free(model);
}

/* ----------------------------------------------- weights used in place */

/* y = x @ W with W [64, 32] (8 KB of raw_data, above the size loaded in
 * place) named by `name`: the name's length moves where raw_data lies in
 * the file, aligned to its floats or not. */
static void write_matmul_model(const char *path, const char *name, float *w)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "1,64");
    for (int i = 0; i < 64 * 32; i++)
        w[i] = (float)((i * 37) % 101) / 50.0f - 1.0f;
    mb_initializer_f32(m, name, "64,32", w, 64 * 32);
    char inputs[64];
    snprintf(inputs, sizeof inputs, "x,%s", name);
    mb_node(m, "MatMul", "mm", inputs, "y");
    mb_output(m, "y", ONNXC_FLOAT, "1,32");
    cr_assert_eq(mb_write_file(m, path), 0);
    mb_free(m);
}

Test(loader, large_aligned_weights_are_read_in_place_from_the_mapped_file)
{
    char path[] = "/tmp/onnxc_inplace_XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    static const char *const names[] = {"w", "ww", "www", "wwww"};
    int mapped = 0, copied = 0;
    for (int k = 0; k < 4; k++) {
        static float w[64 * 32];
        write_matmul_model(path, names[k], w);
        onnxc_model *model = NULL;
        onnxc_status *st = onnxc_model_load_file(path, &model);
        cr_assert_null(st, "%s", onnxc_status_message(st));
        const oc_graph *g = model->graph;
        for (int v = 0; v < g->n_values; v++)
            if (strcmp(g->values[v].name, names[k]) == 0) {
                bool in_place = g->values[v].flags & OC_VALUE_MAPPED;
                mapped += in_place;
                copied += !in_place;
                /* in place only where aligned for its floats */
                cr_assert(!in_place || (uintptr_t)g->values[v].data % 4 == 0);
            }
        onnxc_session *s = NULL;
        cr_assert_null(onnxc_session_create(model, NULL, &s));
        float x[64];
        for (int i = 0; i < 64; i++)
            x[i] = (float)(i % 7) - 3.0f;
        int64_t dims[] = {1, 64};
        cr_assert_null(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, dims, 2, x));
        cr_assert_null(onnxc_session_run(s));
        onnxc_tensor_view y;
        cr_assert_null(onnxc_session_output(s, 0, &y));
        for (int j = 0; j < 32; j++) {
            double want = 0;
            for (int i = 0; i < 64; i++)
                want += (double)x[i] * w[i * 32 + j];
            cr_assert_float_eq(((const float *)y.data)[j], want, 1e-4,
                               "name %s, y[%d]", names[k], j);
        }
        onnxc_session_free(s);
        onnxc_model_free(model);
    }
    unlink(path);
    cr_assert_gt(mapped, 0, "one of four offsets is aligned");
    cr_assert_gt(copied, 0, "and the others are copied");
}
