/*
 * test_run_errors.c - bad values met by kernels at run time: each is an
 * ONNXC_ERR_RUN naming the node, the tensor and the value, and the
 * session runs again once the inputs are good. Also what the same values
 * give when the plan knows them: an error at load or plan time.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "model_builder.h"
#include "onnxc.h"

static void ok(onnxc_status *st)
{
    cr_assert_null(st, "%s", onnxc_status_message(st));
}

static onnxc_model *load(mb_model *m)
{
    onnxc_model *model = NULL;
    ok(mb_load(m, NULL, &model));
    mb_free(m);
    return model;
}

/* Runs s and expects an ONNXC_ERR_RUN whose message holds each of the
 * NULL-terminated fragments. */
static void expect_run_error(onnxc_session *s, const char *const *parts)
{
    onnxc_status *st = onnxc_session_run(s);
    cr_assert_eq(onnxc_status_code(st), ONNXC_ERR_RUN, "code %d: %s",
                 (int)onnxc_status_code(st), onnxc_status_message(st));
    for (const char *const *p = parts; *p; p++)
        cr_assert(strstr(onnxc_status_message(st), *p), "'%s' not in: %s", *p,
                  onnxc_status_message(st));
    onnxc_status_free(st);
}

Test(run_errors, gather_elements_index_out_of_range_then_recovers)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "2,3");
    mb_input(m, "i", ONNXC_INT64, "2,2");
    Onnx__NodeProto *n = mb_node(m, "GatherElements", "pick", "x,i", "y");
    mb_attr_int(m, n, "axis", 1);
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    onnxc_model *model = load(m);
    onnxc_session *s = NULL;
    ok(onnxc_session_create(model, NULL, &s));
    float x[6] = {1, 2, 3, 4, 5, 6};
    int64_t bad[4] = {0, 1, 7, -1}, good[4] = {2, -3, 1, -1};
    int64_t xd[] = {2, 3}, id[] = {2, 2};
    ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, xd, 2, x));
    ok(onnxc_session_bind_input(s, 1, ONNXC_INT64, id, 2, bad));
    const char *parts[] = {"node 'pick'", "indices[2] = 7", "size 3",
                           "[-3, 2]", NULL};
    expect_run_error(s, parts);
    ok(onnxc_session_bind_input(s, 1, ONNXC_INT64, id, 2, good));
    ok(onnxc_session_run(s));
    onnxc_tensor_view v;
    ok(onnxc_session_output(s, 0, &v));
    const float want[4] = {3, 1, 5, 6};
    cr_assert_eq(memcmp(v.data, want, sizeof want), 0);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(run_errors, scatter_nd_checks_every_index_before_writing)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 16);
    mb_input(m, "x", ONNXC_FLOAT, "4");
    mb_input(m, "i", ONNXC_INT64, "2,1");
    mb_input(m, "u", ONNXC_FLOAT, "2");
    Onnx__NodeProto *n = mb_node(m, "ScatterND", "put", "x,i,u", "y");
    (void)n;
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    onnxc_model *model = load(m);
    onnxc_session *s = NULL;
    ok(onnxc_session_create(model, NULL, &s));
    float x[4] = {1, 2, 3, 4}, u[2] = {10, 20};
    int64_t bad[2] = {1, 4}, good[2] = {-1, 0};
    int64_t xd[] = {4}, id[] = {2, 1}, ud[] = {2};
    ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, xd, 1, x));
    ok(onnxc_session_bind_input(s, 1, ONNXC_INT64, id, 2, bad));
    ok(onnxc_session_bind_input(s, 2, ONNXC_FLOAT, ud, 1, u));
    const char *parts[] = {"node 'put'", "indices[1] = 4", NULL};
    expect_run_error(s, parts);
    ok(onnxc_session_bind_input(s, 1, ONNXC_INT64, id, 2, good));
    ok(onnxc_session_run(s));
    onnxc_tensor_view v;
    ok(onnxc_session_output(s, 0, &v));
    const float want[4] = {20, 2, 3, 10};
    cr_assert_eq(memcmp(v.data, want, sizeof want), 0);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(run_errors, integer_mod_by_zero)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "a", ONNXC_INT32, "3");
    mb_input(m, "b", ONNXC_INT32, "3");
    mb_node(m, "Mod", "rem", "a,b", "y");
    mb_output(m, "y", ONNXC_INT32, NULL);
    onnxc_model *model = load(m);
    onnxc_session *s = NULL;
    ok(onnxc_session_create(model, NULL, &s));
    int32_t a[3] = {7, -7, INT32_MIN}, bad[3] = {3, 0, -1}, good[3] = {3, 3, -1};
    int64_t d[] = {3};
    ok(onnxc_session_bind_input(s, 0, ONNXC_INT32, d, 1, a));
    ok(onnxc_session_bind_input(s, 1, ONNXC_INT32, d, 1, bad));
    const char *parts[] = {"node 'rem'", "B[1] is 0", NULL};
    expect_run_error(s, parts);
    ok(onnxc_session_bind_input(s, 1, ONNXC_INT32, d, 1, good));
    ok(onnxc_session_run(s));
    onnxc_tensor_view v;
    ok(onnxc_session_output(s, 0, &v));
    /* fmod=0: the sign of the divisor; INT_MIN mod -1 is 0 */
    const int32_t want[3] = {1, 2, 0};
    cr_assert_eq(memcmp(v.data, want, sizeof want), 0);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(run_errors, reverse_sequence_length_beyond_the_time_axis)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "3,2");
    mb_input(m, "len", ONNXC_INT64, "2");
    mb_node(m, "ReverseSequence", "rev", "x,len", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    onnxc_model *model = load(m);
    onnxc_session *s = NULL;
    ok(onnxc_session_create(model, NULL, &s));
    float x[6] = {1, 2, 3, 4, 5, 6};    /* [time 3, batch 2] */
    int64_t bad[2] = {2, 4}, good[2] = {3, 2};
    int64_t xd[] = {3, 2}, ld[] = {2};
    ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, xd, 2, x));
    ok(onnxc_session_bind_input(s, 1, ONNXC_INT64, ld, 1, bad));
    const char *parts[] = {"node 'rev'", "sequence_lens[1] = 4", "[0, 3]", NULL};
    expect_run_error(s, parts);
    ok(onnxc_session_bind_input(s, 1, ONNXC_INT64, ld, 1, good));
    ok(onnxc_session_run(s));
    onnxc_tensor_view v;
    ok(onnxc_session_output(s, 0, &v));
    const float want[6] = {5, 4, 3, 2, 1, 6};
    cr_assert_eq(memcmp(v.data, want, sizeof want), 0);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

/* Known when the plan is made: refused then, before anything runs. */
Test(run_errors, a_constant_out_of_range_index_is_refused_at_load)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "2,3");
    int64_t idx[2] = {0, 3};
    mb_initializer_raw(m, "i", ONNXC_INT64, "2", idx, sizeof idx);
    Onnx__NodeProto *n = mb_node(m, "Gather", "g", "x,i", "y");
    mb_attr_int(m, n, "axis", 1);
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    onnxc_model *model = NULL;
    onnxc_status *st = mb_load(m, NULL, &model);
    mb_free(m);
    cr_assert_eq(onnxc_status_code(st), ONNXC_ERR_INVALID_MODEL, "%s",
                 onnxc_status_message(st));
    cr_assert(strstr(onnxc_status_message(st), "node 'g'") &&
                  strstr(onnxc_status_message(st), "indices[1] = 3"),
              "%s", onnxc_status_message(st));
    onnxc_status_free(st);
    onnxc_model_free(model);
}

Test(run_errors, range_and_constant_of_shape_sizes_are_refused_naming_the_node)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 11);
    int64_t start = 0, limit = 1000000000000000LL, delta = 1;
    mb_initializer_raw(m, "s", ONNXC_INT64, "", &start, sizeof start);
    mb_initializer_raw(m, "l", ONNXC_INT64, "", &limit, sizeof limit);
    mb_initializer_raw(m, "d", ONNXC_INT64, "", &delta, sizeof delta);
    mb_node(m, "Range", "positions", "s,l,d", "y");
    mb_output(m, "y", ONNXC_INT64, NULL);
    onnxc_model *model = load(m);
    onnxc_session *s = NULL;
    onnxc_status *st = onnxc_session_create(model, NULL, &s);
    if (!st)
        st = onnxc_session_run(s);
    cr_assert_eq(onnxc_status_code(st), ONNXC_ERR_NO_MEMORY, "%s",
                 onnxc_status_message(st));
    cr_assert(strstr(onnxc_status_message(st), "8000000000000000 bytes") &&
                  strstr(onnxc_status_message(st), "node 'positions'"),
              "%s", onnxc_status_message(st));
    onnxc_status_free(st);
    onnxc_session_free(s);
    onnxc_model_free(model);

    m = mb_new(8);
    mb_opset(m, "", 11);
    int64_t dims[2] = {INT64_C(1) << 62, INT64_C(1) << 62};
    mb_initializer_raw(m, "shape", ONNXC_INT64, "2", dims, sizeof dims);
    mb_node(m, "ConstantOfShape", "fill", "shape", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    onnxc_model *bad = NULL;
    st = mb_load(m, NULL, &bad);
    mb_free(m);
    cr_assert_eq(onnxc_status_code(st), ONNXC_ERR_SHAPE, "%s",
                 onnxc_status_message(st));
    cr_assert(strstr(onnxc_status_message(st), "node 'fill'"), "%s",
              onnxc_status_message(st));
    onnxc_status_free(st);
    onnxc_model_free(bad);
}

Test(run_errors, cum_sum_axis_from_the_graph_out_of_range_then_recovers)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 14);
    mb_input(m, "x", ONNXC_FLOAT, "2,3");
    mb_input(m, "a", ONNXC_INT64, "");
    mb_node(m, "CumSum", "running", "x,a", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    onnxc_model *model = load(m);
    onnxc_session *s = NULL;
    ok(onnxc_session_create(model, NULL, &s));
    float x[6] = {1, 2, 3, 4, 5, 6};
    int64_t xd[] = {2, 3}, bad = 2, good = -1;
    ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, xd, 2, x));
    ok(onnxc_session_bind_input(s, 1, ONNXC_INT64, NULL, 0, &bad));
    const char *parts[] = {"node 'running'", "axis 2", "rank 2", NULL};
    expect_run_error(s, parts);
    ok(onnxc_session_bind_input(s, 1, ONNXC_INT64, NULL, 0, &good));
    ok(onnxc_session_run(s));
    onnxc_tensor_view v;
    ok(onnxc_session_output(s, 0, &v));
    const float want[6] = {1, 3, 6, 4, 9, 15};
    cr_assert_eq(memcmp(v.data, want, sizeof want), 0);
    onnxc_session_free(s);
    onnxc_model_free(model);
}
