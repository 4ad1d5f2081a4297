/*
 * test_passes.c - each compiler pass run alone on a hand-built graph: what
 * it changes, what it leaves, and the error it gives. The graphs are
 * decoded from models built in memory (model_builder.h); a test runs the
 * passes before the one under test from the lists in passes.c's order,
 * then that pass, and looks at the graph.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_builder.h"
#include "onnxc.h"
#include "runtime/compile/compile.h"
#include "runtime/graph/format.h"
#include "runtime/graph/op.h"

static const oc_compile_options defaults = {ONNXC_OPTIMIZE_ALL,
                                            ONNXC_KERNELS_AUTO};

static oc_graph *decode(mb_model *m)
{
    size_t size = 0;
    void *bytes = mb_pack(m, &size);
    oc_graph *g = NULL;
    onnxc_status *st = oc_onnx_decode_model(bytes, size, NULL, false, &g);
    cr_assert_null(st, "decode: %s", onnxc_status_message(st));
    free(bytes);
    mb_free(m);
    return g;
}

static void ok(onnxc_status *st, const char *pass)
{
    cr_assert_null(st, "%s: %s", pass, onnxc_status_message(st));
}

/* Runs the checking passes up to and without `stop` (NULL: all). */
static void check_until(oc_graph *g, oc_pass_fn stop)
{
    static const struct { const char *name; oc_pass_fn run; } list[] = {
        {"capture_outer", oc_pass_capture_outer},
        {"resolve_ops", oc_pass_resolve_ops},
        {"link_values", oc_pass_link_values},
        {"sort_nodes", oc_pass_sort_nodes},
        {"prepare_nodes", oc_pass_prepare_nodes},
        {"infer_shapes", oc_pass_infer_shapes},
    };
    for (size_t i = 0; i < sizeof list / sizeof list[0] && list[i].run != stop; i++)
        ok(list[i].run(g, &defaults), list[i].name);
}

/* The error a pass gives: its code, and a message holding each of the
 * NULL-terminated strings. */
static void fails(onnxc_status *st, onnxc_code code, ...)
{
    cr_assert_not_null(st, "the pass accepted the graph");
    const char *msg = onnxc_status_message(st);
    cr_assert_eq(onnxc_status_code(st), code, "code %d: %s",
                 (int)onnxc_status_code(st), msg);
    va_list ap;
    va_start(ap, code);
    for (const char *s; (s = va_arg(ap, const char *));)
        cr_assert(strstr(msg, s), "'%s' not in: %s", s, msg);
    va_end(ap);
    onnxc_status_free(st);
}

static int value_named(const oc_graph *g, const char *name)
{
    for (int v = 0; v < g->n_values; v++)
        if (!strcmp(g->values[v].name, name))
            return v;
    cr_assert_fail("no value '%s'", name);
    return -1;
}

/* x [1, 4] -> op_type -> y, at `opset`. */
static mb_model *one_node(const char *op_type, int opset)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", opset);
    mb_input(m, "x", ONNXC_FLOAT, "1,4");
    mb_node(m, op_type, "node", "x", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    return m;
}

/* ------------------------------------------------------------ resolve_ops */

/* An If whose then_branch reads the outer x and w (the second through a
 * Loop nested in it), and whose else_branch reads x. */
static oc_graph *if_reading_outer_values(void)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 16);
    mb_input(m, "x", ONNXC_FLOAT, "4");
    mb_input(m, "w", ONNXC_FLOAT, "4");
    mb_input(m, "flag", ONNXC_BOOL, "");
    Onnx__NodeProto *iff = mb_node(m, "If", "choose", "flag", "y");
    mb_subgraph_begin(m, "then");
    Onnx__NodeProto *loop = mb_node(m, "Loop", "inner", ",,x", "t");
    mb_subgraph_begin(m, "body");
    mb_input(m, "i", ONNXC_INT64, "");
    mb_input(m, "c", ONNXC_BOOL, "");
    mb_input(m, "v", ONNXC_FLOAT, "4");
    mb_node(m, "Identity", "keep", "c", "co");
    mb_node(m, "Add", "step", "v,w", "vo");
    mb_output(m, "co", ONNXC_BOOL, "");
    mb_output(m, "vo", ONNXC_FLOAT, "4");
    mb_subgraph_end(m, loop, "body");
    mb_output(m, "t", ONNXC_FLOAT, "4");
    mb_subgraph_end(m, iff, "then_branch");
    mb_subgraph_begin(m, "else");
    mb_output(m, "x", ONNXC_FLOAT, "4");   /* an outer value, as it is */
    mb_subgraph_end(m, iff, "else_branch");
    mb_output(m, "y", ONNXC_FLOAT, "4");
    return decode(m);
}

static const char *captured_name(const oc_graph *sub, int j)
{
    return sub->values[sub->inputs[sub->n_inputs - sub->n_captured + j]].name;
}

Test(capture_outer, passes_the_outer_values_subgraphs_read_as_inputs)
{
    oc_graph *g = if_reading_outer_values();
    ok(oc_pass_capture_outer(g, &defaults), "capture_outer");
    const oc_node *n = &g->nodes[0];
    const oc_graph *then = oc_node_attr(n, "then_branch")->g;
    const oc_graph *other = oc_node_attr(n, "else_branch")->g;
    const oc_graph *body = oc_node_attr(&then->nodes[0], "body")->g;
    /* the body reads w; the branch reads x and, for the body, w */
    cr_assert_eq(body->n_captured, 1);
    cr_assert_str_eq(captured_name(body, 0), "w");
    cr_assert_eq(then->nodes[0].n_implicit, 1);
    cr_assert_eq(then->n_captured, 2);
    cr_assert_str_eq(captured_name(then, 0), "x");
    cr_assert_str_eq(captured_name(then, 1), "w");
    cr_assert_eq(other->n_captured, 1);
    cr_assert_str_eq(captured_name(other, 0), "x");
    /* the If passes each once, after its own input */
    cr_assert_eq(n->n_implicit, 2);
    cr_assert_eq(n->n_inputs, 3);
    cr_assert_str_eq(n->input_names[1], "x");
    cr_assert_str_eq(n->input_names[2], "w");
    check_until(g, oc_pass_capture_outer);
    oc_graph_free(g);
}

Test(capture_outer, refuses_subgraphs_nested_past_the_limit)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 16);
    mb_input(m, "flag", ONNXC_BOOL, "");
    Onnx__NodeProto *nodes[OC_MAX_SUBGRAPH_DEPTH + 1];
    for (int d = 0; d <= OC_MAX_SUBGRAPH_DEPTH; d++) {
        nodes[d] = mb_node(m, "If", "nest", "flag", "y");
        mb_subgraph_begin(m, "then");
        if (d == OC_MAX_SUBGRAPH_DEPTH)
            mb_output(m, "flag", ONNXC_BOOL, "");
    }
    for (int d = OC_MAX_SUBGRAPH_DEPTH; d >= 0; d--) {
        mb_subgraph_end(m, nodes[d], "then_branch");
        if (d)
            mb_output(m, "y", ONNXC_BOOL, "");
    }
    mb_output(m, "y", ONNXC_BOOL, "");
    oc_graph *g = decode(m);
    fails(oc_pass_capture_outer(g, &defaults), ONNXC_ERR_UNSUPPORTED,
          "nests 17 deep; onnxc runs at most 16", NULL);
    oc_graph_free(g);
}

Test(resolve_ops, selects_the_version_the_opset_imports)
{
    static const struct { const char *op; int opset, version; } cases[] = {
        {"Relu", 6, 6}, {"Relu", 13, 13}, {"Relu", 21, 14},
        {"Softmax", 12, 11}, {"Softmax", 13, 13}, {"Relu", 1, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        oc_graph *g = decode(one_node(cases[i].op, cases[i].opset));
        ok(oc_pass_resolve_ops(g, &defaults), "resolve_ops");
        cr_assert_not_null(g->nodes[0].op);
        cr_assert_eq(g->nodes[0].op_version, cases[i].version,
                     "%s at opset %d: version %d", cases[i].op,
                     cases[i].opset, g->nodes[0].op_version);
        oc_graph_free(g);
    }
}

Test(resolve_ops, lists_every_unknown_operator_in_one_error)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "1,4");
    mb_node(m, "NoSuchOp", "a", "x", "t");
    mb_node(m, "Relu", "b", "t", "u");
    mb_node(m, "AnotherMissingOp", "c", "u", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    oc_graph *g = decode(m);
    fails(oc_pass_resolve_ops(g, &defaults), ONNXC_ERR_UNSUPPORTED,
          "NoSuchOp", "AnotherMissingOp", NULL);
    oc_graph_free(g);
}

/* ------------------------------------------------------------ link_values */

Test(link_values, links_names_to_values_and_the_graph_outputs)
{
    oc_graph *g = decode(one_node("Relu", 13));
    check_until(g, oc_pass_link_values);
    ok(oc_pass_link_values(g, &defaults), "link_values");
    int x = value_named(g, "x"), y = value_named(g, "y");
    cr_assert_eq(g->nodes[0].inputs[0], x);
    cr_assert_eq(g->nodes[0].outputs[0], y);
    cr_assert_eq(g->values[y].producer, 0);
    cr_assert_eq(g->n_outputs, 1);
    cr_assert_eq(g->outputs[0], y);
    oc_graph_free(g);
}

Test(link_values, refuses_an_input_nothing_defines_naming_node_and_value)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "1,4");
    mb_node(m, "Add", "adder", "x,nowhere", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    oc_graph *g = decode(m);
    check_until(g, oc_pass_link_values);
    fails(oc_pass_link_values(g, &defaults), ONNXC_ERR_INVALID_MODEL,
          "adder", "nowhere", NULL);
    oc_graph_free(g);
}

Test(link_values, refuses_a_value_produced_twice)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "1,4");
    mb_node(m, "Relu", "first", "x", "t");
    mb_node(m, "Neg", "second", "x", "t");
    mb_node(m, "Relu", "last", "t", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    oc_graph *g = decode(m);
    check_until(g, oc_pass_link_values);
    fails(oc_pass_link_values(g, &defaults), ONNXC_ERR_INVALID_MODEL, "'t'",
          NULL);
    oc_graph_free(g);
}

/* ------------------------------------------------------------- sort_nodes */

Test(sort_nodes, puts_each_node_after_its_producers)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "1,4");
    mb_node(m, "Relu", "third", "b", "y");
    mb_node(m, "Neg", "second", "a", "b");
    mb_node(m, "Abs", "first", "x", "a");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    oc_graph *g = decode(m);
    check_until(g, oc_pass_sort_nodes);
    ok(oc_pass_sort_nodes(g, &defaults), "sort_nodes");
    cr_assert_str_eq(g->nodes[0].name, "first");
    cr_assert_str_eq(g->nodes[1].name, "second");
    cr_assert_str_eq(g->nodes[2].name, "third");
    for (int i = 0; i < g->n_nodes; i++)
        cr_assert_eq(g->values[g->nodes[i].outputs[0]].producer, i,
                     "producer of node %d's output", i);
    oc_graph_free(g);
}

Test(sort_nodes, leaves_a_sorted_graph_as_it_is)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "1,4");
    mb_node(m, "Abs", "n0", "x", "a");
    mb_node(m, "Neg", "n1", "x", "b");
    mb_node(m, "Add", "n2", "a,b", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    oc_graph *g = decode(m);
    check_until(g, oc_pass_sort_nodes);
    ok(oc_pass_sort_nodes(g, &defaults), "sort_nodes");
    for (int i = 0; i < 3; i++) {
        char name[4];
        snprintf(name, sizeof name, "n%d", i);
        cr_assert_str_eq(g->nodes[i].name, name);
    }
    oc_graph_free(g);
}

Test(sort_nodes, names_a_node_on_a_cycle)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "1,4");
    mb_node(m, "Add", "loop_a", "x,b", "a");
    mb_node(m, "Relu", "loop_b", "a", "b");
    mb_node(m, "Neg", "out", "a", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    oc_graph *g = decode(m);
    check_until(g, oc_pass_sort_nodes);
    fails(oc_pass_sort_nodes(g, &defaults), ONNXC_ERR_INVALID_MODEL, "loop_",
          NULL);
    oc_graph_free(g);
}

/* ---------------------------------------------------------- prepare_nodes */

Test(prepare_nodes, parses_attributes_and_refuses_a_bad_one_naming_the_node)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "2,3");
    Onnx__NodeProto *t = mb_node(m, "Transpose", "flip", "x", "y");
    int64_t perm[] = {0, 0};
    mb_attr_ints(m, t, "perm", perm, 2);
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    oc_graph *g = decode(m);
    check_until(g, oc_pass_prepare_nodes);
    fails(oc_pass_prepare_nodes(g, &defaults), ONNXC_ERR_INVALID_MODEL, "flip",
          "perm", NULL);
    oc_graph_free(g);

    m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "2,3");
    t = mb_node(m, "Transpose", "flip", "x", "y");
    int64_t good[] = {1, 0};
    mb_attr_ints(m, t, "perm", good, 2);
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    g = decode(m);
    check_until(g, oc_pass_prepare_nodes);
    ok(oc_pass_prepare_nodes(g, &defaults), "prepare_nodes");
    cr_assert_not_null(g->nodes[0].params);
    oc_graph_free(g);
}

/* ----------------------------------------------------------- infer_shapes */

Test(infer_shapes, gives_types_and_shapes_keeping_symbolic_dims)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "batch,4");
    float w[4 * 3] = {0};
    mb_initializer_f32(m, "w", "4,3", w, 12);
    mb_node(m, "MatMul", "mm", "x,w", "t");
    mb_node(m, "Shape", "shape", "t", "s");
    mb_output(m, "t", ONNXC_FLOAT, NULL);
    mb_output(m, "s", ONNXC_INT64, NULL);
    oc_graph *g = decode(m);
    check_until(g, oc_pass_infer_shapes);
    ok(oc_pass_infer_shapes(g, &defaults), "infer_shapes");
    const oc_value *t = &g->values[value_named(g, "t")];
    cr_assert_eq(t->dtype, ONNXC_FLOAT);
    cr_assert_eq(t->shape.rank, 2);
    cr_assert(!dim_is_known(t->shape.dims[0]), "the batch stays symbolic");
    cr_assert_eq(t->shape.dims[1].value, 3);
    /* Shape of a symbolic shape: not known at load, known when planned,
     * its elements carried as dims */
    const oc_value *s = &g->values[value_named(g, "s")];
    cr_assert_eq(s->dtype, ONNXC_INT64);
    cr_assert(!(s->flags & OC_VALUE_KNOWN));
    cr_assert(s->flags & OC_VALUE_PLAN_TIME);
    cr_assert(s->has_sym);
    cr_assert_eq(s->sym.rank, 2);
    cr_assert(!dim_is_known(s->sym.dims[0]));
    cr_assert_eq(s->sym.dims[1].value, 3);
    oc_graph_free(g);
}

Test(infer_shapes, computes_the_contents_of_values_fixed_at_load)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "2,3");
    int64_t one = 1;
    mb_initializer_raw(m, "one", ONNXC_INT64, "", &one, sizeof one);
    mb_node(m, "Shape", "shape", "x", "s");
    mb_node(m, "Add", "plus_one", "s,one", "s1");
    mb_output(m, "s1", ONNXC_INT64, NULL);
    oc_graph *g = decode(m);
    check_until(g, oc_pass_infer_shapes);
    ok(oc_pass_infer_shapes(g, &defaults), "infer_shapes");
    const oc_value *s1 = &g->values[value_named(g, "s1")];
    cr_assert(s1->flags & OC_VALUE_KNOWN);
    cr_assert_eq(s1->bytes, 2 * sizeof(int64_t));
    const int64_t *d = s1->data;
    cr_assert(d[0] == 3 && d[1] == 4, "%lld %lld", (long long)d[0],
              (long long)d[1]);
    oc_graph_free(g);
}

Test(infer_shapes, refuses_an_output_that_contradicts_its_declaration)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "2,3");
    mb_node(m, "Relu", "relu", "x", "y");
    mb_output(m, "y", ONNXC_FLOAT, "2,4");
    oc_graph *g = decode(m);
    check_until(g, oc_pass_infer_shapes);
    onnxc_status *st = oc_pass_infer_shapes(g, &defaults);
    cr_assert_not_null(st);
    cr_assert(strstr(onnxc_status_message(st), "'y'"), "%s",
              onnxc_status_message(st));
    onnxc_status_free(st);
    oc_graph_free(g);
}

/* --------------------------------------------------------- fold_constants */

/* x [2, 3] -> Reshape(x, Shape(x) + 0): the shape chain is fixed at load. */
static oc_graph *shape_chain(void)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "2,3");
    int64_t zero = 0;
    mb_initializer_raw(m, "zero", ONNXC_INT64, "", &zero, sizeof zero);
    mb_node(m, "Shape", "shape", "x", "s");
    mb_node(m, "Add", "plus", "s,zero", "s0");
    mb_node(m, "Reshape", "reshape", "x,s0", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    oc_graph *g = decode(m);
    check_until(g, NULL);
    return g;
}

Test(fold_constants, drops_the_nodes_whose_outputs_are_known)
{
    oc_graph *g = shape_chain();
    ok(oc_pass_fold_constants(g, &defaults), "fold_constants");
    cr_assert_eq(g->n_nodes, 1);
    cr_assert_str_eq(g->nodes[0].name, "reshape");
    const oc_value *s0 = &g->values[g->nodes[0].inputs[1]];
    cr_assert_str_eq(s0->name, "s0");
    cr_assert(oc_value_is_constant(s0));
    cr_assert_eq(s0->producer, -1);
    oc_graph_free(g);
}

Test(fold_constants, is_switched_off_by_the_options)
{
    oc_graph *g = shape_chain();
    oc_graph *program = NULL;
    oc_compile_options none = {0, ONNXC_KERNELS_AUTO};
    ok(oc_compile_program(g, &none, &program), "compile");
    cr_assert_eq(program->n_nodes, 3);
    oc_graph_free(program);
    ok(oc_compile_program(g, &defaults, &program), "compile");
    cr_assert_eq(program->n_nodes, 1);
    oc_graph_free(program);
    oc_graph_free(g);
}

/* ------------------------------------------------- fuse_bias, activation */

/* x [batch, 4] -> MatMul(w) -> Add(b) -> `act` (NULL: none) -> y */
static oc_graph *linear(const char *bias_dims, const char *act,
                        bool second_reader)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "batch,4");
    float w[4 * 3] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    float b[6] = {1, 2, 3, 4, 5, 6};
    mb_initializer_f32(m, "w", "4,3", w, 12);
    size_t nb = strchr(bias_dims, ',') ? 6 : 3;
    mb_initializer_f32(m, "b", bias_dims, b, nb);
    mb_node(m, "MatMul", "mm", "x,w", "t");
    mb_node(m, "Add", "bias", "t,b", act ? "u" : "y");
    if (act)
        mb_node(m, act, "act", "u", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    if (second_reader)
        mb_output(m, act ? "u" : "t", ONNXC_FLOAT, NULL);
    oc_graph *g = decode(m);
    check_until(g, NULL);
    ok(oc_pass_prepare_nodes(g, &defaults), "prepare_nodes");
    return g;
}

Test(fuse_bias, folds_an_add_of_a_bias_row_into_the_matmul)
{
    oc_graph *g = linear("3", NULL, false);
    ok(oc_pass_fuse_bias(g, &defaults), "fuse_bias");
    cr_assert_eq(g->n_nodes, 1);
    cr_assert_str_eq(g->nodes[0].op->op_type, "MatMul");
    cr_assert_str_eq(g->values[g->nodes[0].outputs[0]].name, "y");
    oc_graph_free(g);
}

Test(fuse_bias, leaves_near_misses_alone)
{
    /* a bias that is not one row; a sum a graph output also reads */
    oc_graph *g = linear("2,3", NULL, false);
    ok(oc_pass_fuse_bias(g, &defaults), "fuse_bias");
    cr_assert_eq(g->n_nodes, 2);
    oc_graph_free(g);
    g = linear("3", NULL, true);
    ok(oc_pass_fuse_bias(g, &defaults), "fuse_bias");
    cr_assert_eq(g->n_nodes, 2);
    oc_graph_free(g);
}

Test(fuse_activation, folds_a_relu_into_the_node_before)
{
    oc_graph *g = linear("3", "Relu", false);
    ok(oc_pass_fuse_bias(g, &defaults), "fuse_bias");
    ok(oc_pass_fuse_activation(g, &defaults), "fuse_activation");
    cr_assert_eq(g->n_nodes, 1);
    cr_assert_str_eq(g->values[g->nodes[0].outputs[0]].name, "y");
    oc_graph_free(g);
}

Test(fuse_activation, leaves_an_activation_whose_input_has_another_reader)
{
    oc_graph *g = linear("3", "Relu", true);
    ok(oc_pass_fuse_bias(g, &defaults), "fuse_bias");
    ok(oc_pass_fuse_activation(g, &defaults), "fuse_activation");
    cr_assert_eq(g->n_nodes, 2);
    cr_assert_eq(g->nodes[1].op->id, OC_OP_RELU);
    oc_graph_free(g);
}

Test(fuse_activation, leaves_an_op_that_is_not_an_activation)
{
    oc_graph *g = linear("3", "Neg", false);
    ok(oc_pass_fuse_bias(g, &defaults), "fuse_bias");
    ok(oc_pass_fuse_activation(g, &defaults), "fuse_activation");
    cr_assert_eq(g->n_nodes, 2);
    oc_graph_free(g);
}

/* ------------------------------------------- prepack and release weights */

Test(release_weights, frees_a_weight_read_only_through_packed_copies)
{
    enum { K = 256, N = 256 };
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "batch,256");
    float *w = calloc((size_t)K * N, sizeof *w);
    cr_assert_not_null(w);
    mb_initializer_f32(m, "w", "256,256", w, (size_t)K * N);
    free(w);
    mb_node(m, "Gemm", "gemm", "x,w", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    oc_graph *g = decode(m);
    check_until(g, NULL);
    int wv = value_named(g, "w");
    ok(oc_pass_prepare_nodes(g, &defaults), "prepare_nodes");
    cr_assert(!oc_read_packed_only(g, wv), "nothing is packed yet");
    ok(oc_pass_prepack_weights(g, &defaults), "prepack_weights");
    cr_assert(oc_read_packed_only(g, wv), "Gemm reads its packed copy");
    cr_assert_not_null(g->values[wv].data);
    ok(oc_pass_release_weights(g, &defaults), "release_weights");
    cr_assert_null(g->values[wv].data, "the stored copy is freed");
    oc_graph_free(g);
}

Test(release_weights, keeps_a_weight_that_a_graph_output_is)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "batch,256");
    float *w = calloc(256 * 256, sizeof *w);
    cr_assert_not_null(w);
    mb_initializer_f32(m, "w", "256,256", w, 256 * 256);
    free(w);
    mb_node(m, "Gemm", "gemm", "x,w", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    mb_output(m, "w", ONNXC_FLOAT, NULL);
    oc_graph *g = decode(m);
    check_until(g, NULL);
    int wv = value_named(g, "w");
    ok(oc_pass_prepare_nodes(g, &defaults), "prepare_nodes");
    ok(oc_pass_prepack_weights(g, &defaults), "prepack_weights");
    ok(oc_pass_release_weights(g, &defaults), "release_weights");
    cr_assert_not_null(g->values[wv].data);
    oc_graph_free(g);
}
