/*
 * test_shape_ops.c - the operators that move no numbers (Reshape,
 * Flatten, Identity, Dropout, Constant) and what the runtime does for
 * them: shapes read from a graph input at plan time, symbolic batch
 * through Reshape and Flatten, Constant folding, optional outputs.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "model_builder.h"
#include "onnxc.h"

static onnxc_model *load(mb_model *m)
{
    onnxc_model *model = NULL;
    onnxc_status *st = mb_load(m, NULL, &model);
    cr_assert_null(st, "load failed: %s", onnxc_status_message(st));
    mb_free(m);
    return model;
}

static onnxc_session *session(const onnxc_model *model)
{
    onnxc_session *s = NULL;
    onnxc_status *st = onnxc_session_create(model, NULL, &s);
    cr_assert_null(st, "session failed: %s", onnxc_status_message(st));
    return s;
}

static void ok(onnxc_status *st)
{
    cr_assert_null(st, "%s", onnxc_status_message(st));
}

static void expect_dims(const onnxc_tensor_view *v, const int64_t *dims, size_t rank)
{
    cr_assert_eq((size_t)v->rank, rank, "rank %d, expected %zu", v->rank, rank);
    for (size_t d = 0; d < rank; d++)
        cr_assert_eq(v->dims[d], dims[d], "dim %zu is %lld, expected %lld", d,
                     (long long)v->dims[d], (long long)dims[d]);
}

static float data12[12] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};

Test(shape_ops, reshape_reads_its_shape_from_a_graph_input_and_replans)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 14);
    mb_input(m, "x", ONNXC_FLOAT, "12");
    mb_input(m, "shape", ONNXC_INT64, "2");
    mb_node(m, "Reshape", "r", "x,shape", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    onnxc_model *model = load(m);
    onnxc_session *s = session(model);
    int64_t n12[] = {12}, n2[] = {2};
    int64_t shapes[3][2] = {{3, 4}, {-1, 6}, {0, 12}};
    int64_t want[3][2] = {{3, 4}, {2, 6}, {12, 12}};  /* 0 copies x's dim 0 */
    onnxc_plan_stats stats;
    for (int i = 0; i < 2; i++) {
        ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, n12, 1, data12));
        ok(onnxc_session_bind_input(s, 1, ONNXC_INT64, n2, 1, shapes[i]));
        ok(onnxc_session_run(s));
        onnxc_tensor_view v;
        ok(onnxc_session_output(s, 0, &v));
        expect_dims(&v, want[i], 2);
        cr_assert_eq(memcmp(v.data, data12, sizeof data12), 0);
        ok(onnxc_session_plan_stats(s, &stats));
        cr_assert_eq(stats.plans, (size_t)i + 1, "a new shape is a new plan");
    }
    /* Same contents again: no new plan. */
    ok(onnxc_session_run(s));
    ok(onnxc_session_plan_stats(s, &stats));
    cr_assert_eq(stats.plans, (size_t)2);
    /* [0, 12] on a 1-D x: 0 copies dim 0 (12), giving 144 elements. */
    ok(onnxc_session_bind_input(s, 1, ONNXC_INT64, n2, 1, shapes[2]));
    onnxc_status *st = onnxc_session_run(s);
    cr_assert_eq(onnxc_status_code(st), ONNXC_ERR_SHAPE);
    cr_assert(strstr(onnxc_status_message(st), "cannot reshape [12] to [0,12]"),
              "%s", onnxc_status_message(st));
    onnxc_status_free(st);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(shape_ops, symbolic_batch_survives_reshape_and_flatten)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "batch,1,2,3");
    int64_t shape[] = {-1, 6};
    mb_initializer_raw(m, "shape", ONNXC_INT64, "2", shape, sizeof shape);
    mb_node(m, "Reshape", "r", "x,shape", "a");
    mb_node(m, "Flatten", "f", "x", "b");
    mb_output(m, "a", ONNXC_FLOAT, NULL);
    mb_output(m, "b", ONNXC_FLOAT, NULL);
    onnxc_model *model = load(m);
    for (size_t k = 0; k < 2; k++) {
        onnxc_value_info info;
        ok(onnxc_model_output_info(model, k, &info));
        cr_assert_eq(info.rank, 2);
        cr_assert_str_eq(info.dim_names[0], "batch", "output %zu dim 0", k);
        cr_assert_eq(info.dims[1], 6);
    }
    onnxc_model_free(model);
}

/* A shape computed by nodes from a graph input: the plan computes it (the
 * nodes do not run), and plans again when the input's contents change. */
Test(shape_ops, a_shape_computed_from_a_graph_input_is_computed_by_the_plan)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "12");
    mb_input(m, "s", ONNXC_INT64, "2");
    int64_t one[] = {1, 1};
    mb_initializer_raw(m, "one", ONNXC_INT64, "2", one, sizeof one);
    mb_node(m, "Identity", "id", "s", "s2");
    mb_node(m, "Mul", "times_one", "s2,one", "s3");
    mb_node(m, "Reshape", "r", "x,s3", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    onnxc_model *model = load(m);
    onnxc_session *s = session(model);
    int64_t n12[] = {12}, n2[] = {2};
    int64_t shapes[2][2] = {{3, 4}, {2, -1}}, want[2][2] = {{3, 4}, {2, 6}};
    for (int i = 0; i < 2; i++) {
        ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, n12, 1, data12));
        ok(onnxc_session_bind_input(s, 1, ONNXC_INT64, n2, 1, shapes[i]));
        ok(onnxc_session_run(s));
        onnxc_tensor_view v;
        ok(onnxc_session_output(s, 0, &v));
        expect_dims(&v, want[i], 2);
        cr_assert_eq(memcmp(v.data, data12, sizeof data12), 0);
        onnxc_plan_stats stats;
        ok(onnxc_session_plan_stats(s, &stats));
        cr_assert_eq(stats.plans, (size_t)i + 1, "new contents, new plan");
        cr_assert_eq(stats.nodes_at_plan, (size_t)2, "Identity and Mul");
        cr_assert_eq(stats.tensors, (size_t)1, "only y is planned");
    }
    onnxc_session_free(s);
    /* Without folding the two nodes also run: the same result. */
    onnxc_session_options *o = NULL;
    ok(onnxc_session_options_create(&o));
    ok(onnxc_session_options_set_optimizations(o, ONNXC_OPTIMIZE_NONE));
    ok(onnxc_session_create(model, o, &s));
    onnxc_session_options_free(o);
    ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, n12, 1, data12));
    ok(onnxc_session_bind_input(s, 1, ONNXC_INT64, n2, 1, shapes[1]));
    ok(onnxc_session_run(s));
    onnxc_tensor_view v;
    ok(onnxc_session_output(s, 0, &v));
    expect_dims(&v, want[1], 2);
    onnxc_plan_stats stats;
    ok(onnxc_session_plan_stats(s, &stats));
    cr_assert_eq(stats.nodes_at_plan, (size_t)0);
    cr_assert_eq(stats.tensors, (size_t)3);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(shape_ops, constants_are_folded_and_feed_add)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_INT64, "3");
    int64_t c[] = {10, 20, 30};
    Onnx__NodeProto *k = mb_node(m, "Constant", "k", "", "c");
    mb_attr_ints(m, k, "value_ints", c, 3);
    Onnx__NodeProto *one = mb_node(m, "Constant", "one", "", "o");
    mb_attr_int(m, one, "value_int", -1);
    mb_node(m, "Add", "add", "x,c", "t");
    mb_node(m, "Mul", "mul", "t,o", "y");
    mb_output(m, "y", ONNXC_INT64, "3");
    mb_output(m, "c", ONNXC_INT64, "3");   /* a folded constant as an output */
    onnxc_model *model = load(m);
    onnxc_session *s = session(model);
    int64_t x[] = {1, 2, 3}, n3[] = {3};
    ok(onnxc_session_bind_input(s, 0, ONNXC_INT64, n3, 1, x));
    ok(onnxc_session_run(s));
    onnxc_tensor_view y, cv;
    ok(onnxc_session_output(s, 0, &y));
    ok(onnxc_session_output(s, 1, &cv));
    const int64_t *yd = y.data, *cd = cv.data;
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(yd[i], -(x[i] + c[i]));
        cr_assert_eq(cd[i], c[i]);
    }
    onnxc_plan_stats stats;
    ok(onnxc_session_plan_stats(s, &stats));
    cr_assert_eq(stats.tensors, (size_t)2, "only Add and Mul produce tensors, got %zu",
                 (size_t)stats.tensors);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(shape_ops, dropout_gives_x_and_an_all_true_mask)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "12");
    mb_input(m, "training", ONNXC_BOOL, "");
    float ratio = 0.5f;
    mb_initializer_raw(m, "ratio", ONNXC_FLOAT, "", &ratio, sizeof ratio);
    mb_node(m, "Dropout", "d", "x,ratio,training", "y,mask");
    mb_output(m, "y", ONNXC_FLOAT, "12");
    mb_output(m, "mask", ONNXC_BOOL, "12");
    onnxc_model *model = load(m);
    onnxc_session *s = session(model);
    int64_t n12[] = {12};
    bool training = false;
    ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, n12, 1, data12));
    ok(onnxc_session_bind_input(s, 1, ONNXC_BOOL, NULL, 0, &training));
    ok(onnxc_session_run(s));
    onnxc_tensor_view y, mask;
    ok(onnxc_session_output(s, 0, &y));
    ok(onnxc_session_output(s, 1, &mask));
    cr_assert_eq(memcmp(y.data, data12, sizeof data12), 0);
    for (int i = 0; i < 12; i++)
        cr_assert_eq(((const unsigned char *)mask.data)[i], 1);
    /* Training mode with ratio 0.5 is random: refused when the plan sees it. */
    training = true;
    onnxc_status *st = onnxc_session_run(s);
    cr_assert_eq(onnxc_status_code(st), ONNXC_ERR_UNSUPPORTED);
    cr_assert(strstr(onnxc_status_message(st), "training_mode is true"), "%s",
              onnxc_status_message(st));
    onnxc_status_free(st);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(shape_ops, reshape_and_flatten_move_no_data_when_the_input_dies)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "2,6");
    mb_node(m, "Relu", "relu", "x", "a");
    mb_node(m, "Flatten", "f", "a", "b");
    mb_node(m, "Identity", "i", "b", "y");
    mb_output(m, "y", ONNXC_FLOAT, "2,6");
    onnxc_model *model = load(m);
    onnxc_session *s = session(model);
    int64_t dims[] = {2, 6};
    ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, dims, 2, data12));
    ok(onnxc_session_run(s));
    onnxc_plan_stats stats;
    ok(onnxc_session_plan_stats(s, &stats));
    cr_assert_eq(stats.in_place, (size_t)2, "Flatten and Identity reuse Relu's buffer");
    onnxc_tensor_view y;
    ok(onnxc_session_output(s, 0, &y));
    cr_assert_eq(memcmp(y.data, data12, sizeof data12), 0);
    onnxc_session_free(s);
    onnxc_model_free(model);
}
