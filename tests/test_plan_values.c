/*
 * test_plan_values.c - values known before the run, on hand-built graphs:
 * dims vectors that keep their symbols at load (Shape -> Gather ->
 * Unsqueeze -> Concat -> Reshape, as every `x.view(x.size(0), -1)`
 * exports), integer arithmetic on them, and what the plan computes so
 * that the run does not.
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

static void ok(onnxc_status *st)
{
    cr_assert_null(st, "%s", onnxc_status_message(st));
}

/* x [batch, 3, 4] -> Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), -1)) */
static mb_model *flatten_by_view(int opset)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", opset);
    mb_input(m, "x", ONNXC_FLOAT, "batch,3,4");
    int64_t zero = 0, minus_one = -1, axis0 = 0;
    mb_initializer_raw(m, "i0", ONNXC_INT64, "", &zero, sizeof zero);
    mb_initializer_raw(m, "m1", ONNXC_INT64, "1", &minus_one, sizeof minus_one);
    mb_node(m, "Shape", "shape", "x", "s");
    mb_node(m, "Gather", "gather", "s,i0", "b");
    if (opset >= 13) {
        mb_initializer_raw(m, "ax", ONNXC_INT64, "1", &axis0, sizeof axis0);
        mb_node(m, "Unsqueeze", "unsqueeze", "b,ax", "bu");
    } else {
        Onnx__NodeProto *u = mb_node(m, "Unsqueeze", "unsqueeze", "b", "bu");
        mb_attr_ints(m, u, "axes", &axis0, 1);
    }
    Onnx__NodeProto *c = mb_node(m, "Concat", "concat", "bu,m1", "shp");
    mb_attr_int(m, c, "axis", 0);
    mb_node(m, "Reshape", "reshape", "x,shp", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    return m;
}

Test(plan_values, a_computed_shape_keeps_the_batch_symbol_at_load)
{
    for (int opset = 11; opset <= 13; opset += 2) {
        onnxc_model *model = load(flatten_by_view(opset));
        onnxc_value_info info;
        ok(onnxc_model_output_info(model, 0, &info));
        cr_assert_eq(info.rank, 2, "opset %d: rank %d", opset, info.rank);
        cr_assert_str_eq(info.dim_names[0], "batch", "opset %d", opset);
        cr_assert_eq(info.dims[1], 12, "opset %d: dim 1 is %lld", opset,
                     (long long)info.dims[1]);
        onnxc_model_free(model);
    }
}

Test(plan_values, the_shape_chain_is_computed_by_the_plan_and_is_planned_per_batch)
{
    onnxc_model *model = load(flatten_by_view(13));
    onnxc_session *s = NULL;
    ok(onnxc_session_create(model, NULL, &s));
    float x[5 * 12];
    for (int i = 0; i < 5 * 12; i++)
        x[i] = (float)i;
    int64_t batches[] = {2, 5, 2};
    for (int i = 0; i < 3; i++) {
        int64_t dims[] = {batches[i], 3, 4};
        ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, dims, 3, x));
        ok(onnxc_session_run(s));
        onnxc_tensor_view v;
        ok(onnxc_session_output(s, 0, &v));
        cr_assert_eq(v.rank, 2);
        cr_assert_eq(v.dims[0], batches[i]);
        cr_assert_eq(v.dims[1], 12);
        cr_assert_eq(memcmp(v.data, x, (size_t)batches[i] * 12 * sizeof *x), 0);
        onnxc_plan_stats stats;
        ok(onnxc_session_plan_stats(s, &stats));
        /* The session keeps one plan: each new batch plans again (into
         * the memory the largest one took; test_noalloc checks that). */
        cr_assert_eq(stats.plans, (size_t)i + 1, "batch %lld: %zu plans",
                     (long long)batches[i], (size_t)stats.plans);
        cr_assert_eq(stats.nodes_at_plan, (size_t)4,
                     "Shape, Gather, Unsqueeze and Concat run when planning");
    }
    onnxc_session_free(s);
    onnxc_model_free(model);
}

/* Comparisons and Where on values the plan knows: Reshape(x, [min(b, 3),
 * -1]) with the min written as Where(Less(b, 3), b, 3), b the batch. */
Test(plan_values, comparisons_and_where_on_known_values_decide_a_shape)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "batch,4");
    int64_t zero = 0, three = 3, minus_one = -1, axis0 = 0;
    mb_initializer_raw(m, "i0", ONNXC_INT64, "", &zero, sizeof zero);
    mb_initializer_raw(m, "three", ONNXC_INT64, "", &three, sizeof three);
    mb_initializer_raw(m, "m1", ONNXC_INT64, "1", &minus_one, sizeof minus_one);
    mb_initializer_raw(m, "ax", ONNXC_INT64, "1", &axis0, sizeof axis0);
    mb_node(m, "Shape", "shape", "x", "s");
    mb_node(m, "Gather", "batch", "s,i0", "b");
    mb_node(m, "Less", "small", "b,three", "c");
    mb_node(m, "Where", "min", "c,b,three", "rows");
    mb_node(m, "Unsqueeze", "u", "rows,ax", "ru");
    Onnx__NodeProto *cat = mb_node(m, "Concat", "cat", "ru,m1", "shp");
    mb_attr_int(m, cat, "axis", 0);
    mb_node(m, "Reshape", "r", "x,shp", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    onnxc_model *model = load(m);
    onnxc_session *s = NULL;
    ok(onnxc_session_create(model, NULL, &s));
    float x[6 * 4] = {0};
    int64_t batches[] = {2, 6}, want[2][2] = {{2, 4}, {3, 8}};
    for (int i = 0; i < 2; i++) {
        int64_t dims[] = {batches[i], 4};
        ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, dims, 2, x));
        ok(onnxc_session_run(s));
        onnxc_tensor_view v;
        ok(onnxc_session_output(s, 0, &v));
        cr_assert_eq(v.rank, 2);
        cr_assert_eq(v.dims[0], want[i][0], "batch %lld: %lld rows",
                     (long long)batches[i], (long long)v.dims[0]);
        cr_assert_eq(v.dims[1], want[i][1]);
        onnxc_plan_stats st;
        ok(onnxc_session_plan_stats(s, &st));
        cr_assert_eq(st.nodes_at_plan, (size_t)6, "all but the Reshape: %zu",
                     (size_t)st.nodes_at_plan);
    }
    onnxc_session_free(s);
    onnxc_model_free(model);
}

/* Integer arithmetic on dims where one is symbolic: batch * 3 is not a
 * symbol, so the load knows the rank and the fixed dim but not the first;
 * the plan computes it. */
Test(plan_values, a_chain_mixing_known_and_symbolic_dims)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "batch,3,4");
    int64_t zero = 0, one = 1, two = 2, axis0 = 0;
    mb_initializer_raw(m, "i0", ONNXC_INT64, "", &zero, sizeof zero);
    mb_initializer_raw(m, "i1", ONNXC_INT64, "", &one, sizeof one);
    mb_initializer_raw(m, "i2", ONNXC_INT64, "1", &two, sizeof two);
    mb_initializer_raw(m, "ax", ONNXC_INT64, "1", &axis0, sizeof axis0);
    mb_node(m, "Shape", "shape", "x", "s");
    mb_node(m, "Gather", "g0", "s,i0", "b");
    mb_node(m, "Gather", "g1", "s,i1", "c");
    mb_node(m, "Mul", "rows", "b,c", "bc");
    mb_node(m, "Unsqueeze", "u", "bc,ax", "bcu");
    mb_node(m, "Gather", "g2", "s,i2", "last");   /* [4], static */
    Onnx__NodeProto *cat = mb_node(m, "Concat", "cat", "bcu,last", "shp");
    mb_attr_int(m, cat, "axis", 0);
    mb_node(m, "Reshape", "r", "x,shp", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    onnxc_model *model = load(m);
    onnxc_value_info info;
    ok(onnxc_model_output_info(model, 0, &info));
    cr_assert_eq(info.rank, 2);
    cr_assert_eq(info.dims[1], 4, "the static dim is known at load");
    cr_assert_lt(info.dims[0], 0, "batch * 3 is not known at load");
    onnxc_session *s = NULL;
    ok(onnxc_session_create(model, NULL, &s));
    float x[2 * 12] = {0};
    int64_t dims[] = {2, 3, 4};
    ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, dims, 3, x));
    ok(onnxc_session_run(s));
    onnxc_tensor_view v;
    ok(onnxc_session_output(s, 0, &v));
    cr_assert_eq(v.dims[0], 6);
    cr_assert_eq(v.dims[1], 4);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

/* Shape and Cast are known when planning; multiplied by a tensor only the
 * run has, the value becomes unknown there: the Mul runs, the rest not. */
Test(plan_values, a_value_becomes_unknown_halfway)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "batch,3");
    mb_input(m, "f", ONNXC_FLOAT, "2");
    mb_node(m, "Shape", "shape", "x", "s");
    Onnx__NodeProto *c = mb_node(m, "Cast", "cast", "s", "sf");
    mb_attr_int(m, c, "to", ONNXC_FLOAT);
    mb_node(m, "Mul", "scale", "sf,f", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    onnxc_model *model = load(m);
    onnxc_session *s = NULL;
    ok(onnxc_session_create(model, NULL, &s));
    float x[5 * 3] = {0}, f[2] = {0.5f, 10};
    int64_t xd[] = {5, 3}, fd[] = {2};
    ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, xd, 2, x));
    ok(onnxc_session_bind_input(s, 1, ONNXC_FLOAT, fd, 1, f));
    ok(onnxc_session_run(s));
    onnxc_tensor_view v;
    ok(onnxc_session_output(s, 0, &v));
    const float want[2] = {2.5f, 30};
    cr_assert_eq(memcmp(v.data, want, sizeof want), 0, "%g %g",
                 ((const float *)v.data)[0], ((const float *)v.data)[1]);
    onnxc_plan_stats st;
    ok(onnxc_session_plan_stats(s, &st));
    cr_assert_eq(st.nodes_at_plan, (size_t)2, "Shape and Cast: %zu",
                 (size_t)st.nodes_at_plan);
    cr_assert_eq(st.tensors, (size_t)1, "only the Mul's output is planned");
    onnxc_session_free(s);
    onnxc_model_free(model);
}
