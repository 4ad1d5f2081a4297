/*
 * test_fuse_layer_norm.c - the fuse_layer_norm pass: PyTorch's decomposed
 * LayerNorm (ReduceMean, Sub, Pow 2, ReduceMean, Add eps, Sqrt, Div, Mul
 * gamma, Add beta) compiles to one LayerNormalization node, whose output
 * matches the unfused program's (the fusion switched off in the session
 * options) and a LayerNorm written out in double here; the near misses
 * keep their nodes.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_builder.h"
#include "onnxc.h"
#include "runtime/compile/compile.h"
#include "runtime/graph/format.h"
#include "runtime/graph/op.h"
#include "test_rng.h"

#define ROWS 6          /* x is [2, 3, D]: batch 2 (symbolic), 3, D */
#define MAX_D 16
#define MAX_X (ROWS * MAX_D)

/* How the graph differs from torch's export of nn.LayerNorm(d) over the
 * last dim; the zero spec (with d, dtype and opset set) is torch's. */
typedef struct ln_spec {
    int opset;
    onnxc_dtype dtype;
    int d;                      /* x's last dim */
    const char *axes2;          /* second ReduceMean's axes ("-1" default) */
    const char *axes1;          /* first's ("-1" default) */
    bool keepdims0;             /* both ReduceMeans with keepdims=0 */
    bool int_exponent;          /* Pow's exponent an int64 */
    double exponent;            /* 0: 2 */
    double eps;                 /* 0: 1e-5 */
    bool eps_input;             /* eps a graph input with a default */
    const char *gamma_dims;     /* NULL: d; "": no Mul */
    const char *beta_dims;      /* NULL: d; "": no Add */
    const char *extra_output;   /* an intermediate also a graph output */
    bool var_second_reader;     /* var also read by a Neg (a graph output) */
} ln_spec;

static double gamma_v[MAX_X], beta_v[MAX_X];

/* An initializer of the spec's float type from doubles. */
static void initializer(mb_model *m, onnxc_dtype t, const char *name,
                        const char *dims, const double *v, size_t n)
{
    float f[MAX_X];
    for (size_t i = 0; i < n; i++)
        f[i] = (float)v[i];
    if (t == ONNXC_FLOAT)
        mb_initializer_raw(m, name, t, dims, f, n * sizeof *f);
    else
        mb_initializer_raw(m, name, t, dims, v, n * sizeof *v);
}

/* Elements of a dims string ("" is a scalar). */
static size_t count_of(const char *dims)
{
    size_t n = 1;
    for (const char *p = dims; *p;) {
        n *= (size_t)strtol(p, (char **)&p, 10);
        p += *p == ',';
    }
    return n;
}

static void reduce_mean(mb_model *m, const ln_spec *s, const char *name,
                        const char *in, const char *axes, const char *out)
{
    int64_t a[2];
    size_t n = 0;
    for (const char *p = axes; *p && n < 2;) {
        a[n++] = strtol(p, (char **)&p, 10);
        p += *p == ',';
    }
    Onnx__NodeProto *node;
    if (s->opset >= 18) {
        char axes_name[32], dims[8];
        snprintf(axes_name, sizeof axes_name, "%s_axes", name);
        snprintf(dims, sizeof dims, "%zu", n);
        mb_initializer_raw(m, axes_name, ONNXC_INT64, dims, a, n * sizeof *a);
        char ins[64];
        snprintf(ins, sizeof ins, "%s,%s", in, axes_name);
        node = mb_node(m, "ReduceMean", name, ins, out);
    } else {
        node = mb_node(m, "ReduceMean", name, in, out);
        mb_attr_ints(m, node, "axes", a, n);
    }
    if (s->keepdims0)
        mb_attr_int(m, node, "keepdims", 0);
}

static onnxc_model *layer_norm_model(const ln_spec *s)
{
    onnxc_dtype t = s->dtype;
    char xdims[32], d[8];
    if (s->keepdims0)
        snprintf(xdims, sizeof xdims, "%d,%d", s->d, s->d);
    else
        snprintf(xdims, sizeof xdims, "batch,3,%d", s->d);
    snprintf(d, sizeof d, "%d", s->d);
    const char *gdims = s->gamma_dims ? s->gamma_dims : d;
    const char *bdims = s->beta_dims ? s->beta_dims : d;
    mb_model *m = mb_new(8);
    mb_opset(m, "", s->opset);
    mb_input(m, "x", t, xdims);
    reduce_mean(m, s, "mean", "x", s->axes1 ? s->axes1 : "-1", "mu");
    mb_node(m, "Sub", "sub", "x,mu", "diff");
    double two = s->exponent ? s->exponent : 2, eps = s->eps ? s->eps : 1e-5;
    if (s->int_exponent) {
        int64_t e = (int64_t)two;
        mb_initializer_raw(m, "two", ONNXC_INT64, "", &e, sizeof e);
    } else {
        initializer(m, t, "two", "", &two, 1);
    }
    mb_node(m, "Pow", "pow", "diff,two", "sq");
    reduce_mean(m, s, "var_mean", "sq", s->axes2 ? s->axes2 : "-1", "var");
    initializer(m, t, "eps", "", &eps, 1);
    if (s->eps_input)
        mb_input(m, "eps", t, "");
    mb_node(m, "Add", "add_eps", "var,eps", "var_eps");
    mb_node(m, "Sqrt", "sqrt", "var_eps", "std");
    const char *y = "normed";
    mb_node(m, "Div", "div", "diff,std", y);
    if (*gdims) {
        initializer(m, t, "gamma", gdims, gamma_v, count_of(gdims));
        mb_node(m, "Mul", "mul_gamma", "normed,gamma", "scaled");
        y = "scaled";
    }
    if (*bdims) {
        char ins[32];
        initializer(m, t, "beta", bdims, beta_v, count_of(bdims));
        snprintf(ins, sizeof ins, "%s,beta", y);
        mb_node(m, "Add", "add_beta", ins, "y");
        y = "y";
    }
    mb_output(m, y, t, NULL);
    if (s->extra_output)
        mb_output(m, s->extra_output, t, NULL);
    if (s->var_second_reader) {
        mb_node(m, "Neg", "neg", "var", "neg_var");
        mb_output(m, "neg_var", t, NULL);
    }
    onnxc_model *model = NULL;
    onnxc_status *st = mb_load(m, NULL, &model);
    cr_assert_null(st, "%s", onnxc_status_message(st));
    mb_free(m);
    return model;
}

/* Runs the model on x ([2, 3, d], or [d, d] for keepdims0) with the
 * optimizations given; output 0 into y as doubles. Returns how many
 * LayerNormalization nodes the program has; *nodes its node count. */
static int run(const onnxc_model *model, const ln_spec *s, unsigned optimize,
               const double *x, double *y, size_t *nodes)
{
    onnxc_session_options *o = NULL;
    onnxc_session *session = NULL;
    cr_assert_null(onnxc_session_options_create(&o));
    cr_assert_null(onnxc_session_options_set_optimizations(o, optimize));
    onnxc_status *st = onnxc_session_create(model, o, &session);
    cr_assert_null(st, "%s", onnxc_status_message(st));
    onnxc_session_options_free(o);
    int64_t dims3[] = {2, 3, s->d}, dims2[] = {s->d, s->d};
    size_t n = s->keepdims0 ? (size_t)(s->d * s->d) : (size_t)(ROWS * s->d);
    float xf[MAX_D * MAX_D];
    for (size_t i = 0; i < n; i++)
        xf[i] = (float)x[i];
    st = onnxc_session_bind_input(session, 0, s->dtype,
                                  s->keepdims0 ? dims2 : dims3,
                                  s->keepdims0 ? 2 : 3,
                                  s->dtype == ONNXC_FLOAT ? (const void *)xf
                                                          : x);
    cr_assert_null(st, "%s", onnxc_status_message(st));
    st = onnxc_session_run(session);
    cr_assert_null(st, "%s", onnxc_status_message(st));
    onnxc_tensor_view v;
    cr_assert_null(onnxc_session_output(session, 0, &v));
    cr_assert_eq(v.bytes, n * onnxc_dtype_size(s->dtype));
    for (size_t i = 0; i < n; i++)
        y[i] = s->dtype == ONNXC_FLOAT ? ((const float *)v.data)[i]
                                       : ((const double *)v.data)[i];
    int norms = 0;
    *nodes = onnxc_session_node_count(session);
    for (size_t i = 0; i < *nodes; i++) {
        const char *op;
        cr_assert_null(onnxc_session_node_op_type(session, i, &op));
        norms += !strcmp(op, "LayerNormalization");
    }
    const char *none = NULL;
    st = onnxc_session_node_op_type(session, *nodes, &none);
    cr_assert(st && onnxc_status_code(st) == ONNXC_ERR_INVALID_ARGUMENT && !none,
              "node %zu of %zu", *nodes, *nodes);
    onnxc_status_free(st);
    onnxc_session_free(session);
    return norms;
}

/* x: ROWS rows of d values around `center`, spread `spread`; gamma and
 * beta of x's size, so that any of their shapes can take a prefix. */
static void fill(double *x, double center, double spread, uint64_t seed)
{
    rng r = rng_seed(seed);
    for (int i = 0; i < MAX_X; i++) {
        double u = (double)(rng_next(&r) >> 11) / 9007199254740992.0;
        x[i] = (float)(center + spread * (2 * u - 1));
        gamma_v[i] = (float)(0.5 + (double)rng_below(&r, 1000) / 1000);
        beta_v[i] = (float)((double)rng_below(&r, 1000) / 500 - 1);
    }
}

/* LayerNorm of each row of d values in double, times gamma[j] plus
 * beta[j] (gamma and beta of shape [d]); eps as the float the graph
 * holds. */
static void reference(const double *x, double *y, int d, double eps,
                      bool affine)
{
    for (int r = 0; r < ROWS; r++) {
        const double *xr = x + r * d;
        double mean = 0, var = 0;
        for (int j = 0; j < d; j++)
            mean += xr[j];
        mean /= d;
        for (int j = 0; j < d; j++)
            var += (xr[j] - mean) * (xr[j] - mean);
        var /= d;
        for (int j = 0; j < d; j++) {
            double v = (xr[j] - mean) / sqrt(var + eps);
            y[r * d + j] = affine ? v * gamma_v[j] + beta_v[j] : v;
        }
    }
}

/* The spec's model, run fused (ONNXC_OPTIMIZE_ALL) and not (fold only):
 * the fused program has `fused_norms` LayerNormalization nodes and
 * `fused_nodes` nodes, the unfused none; the outputs agree within tol
 * (relative to 1 + |y|). fused gets the fused output. */
static void fused_vs_unfused(const ln_spec *s, const double *x, int fused_norms,
                             size_t fused_nodes, double tol, double *fused)
{
    double plain[MAX_D * MAX_D];
    size_t nodes_fused, nodes_plain;
    onnxc_model *model = layer_norm_model(s);
    int norms = run(model, s, ONNXC_OPTIMIZE_ALL, x, fused, &nodes_fused);
    int plain_norms = run(model, s, ONNXC_OPTIMIZE_FOLD, x, plain, &nodes_plain);
    onnxc_model_free(model);
    cr_assert_eq(norms, fused_norms, "%d LayerNormalization nodes, not %d",
                 norms, fused_norms);
    cr_assert_eq(nodes_fused, fused_nodes, "%zu nodes fused, not %zu",
                 nodes_fused, fused_nodes);
    cr_assert_eq(plain_norms, 0);
    if (fused_norms)
        cr_assert_gt(nodes_plain, nodes_fused);
    else
        cr_assert_eq(nodes_plain, nodes_fused);
    size_t n = s->keepdims0 ? (size_t)(s->d * s->d) : (size_t)(ROWS * s->d);
    for (size_t i = 0; i < n; i++)
        cr_assert((isnan(fused[i]) && isnan(plain[i])) ||   /* Pow 3 */
                      fabs(fused[i] - plain[i]) <= tol * (1 + fabs(plain[i])),
                  "y[%zu]: fused %.9g, unfused %.9g", i, fused[i], plain[i]);
}

static void against_reference(const double *got, const double *x, int d,
                              double eps, bool affine, double tol)
{
    double want[MAX_X];
    reference(x, want, d, eps, affine);
    for (int i = 0; i < ROWS * d; i++)
        cr_assert(fabs(got[i] - want[i]) <= tol * (1 + fabs(want[i])),
                  "y[%d]: %.9g, the definition %.9g", i, got[i], want[i]);
}

/* ------------------------------------------------------------- fusions */

Test(fuse_layer_norm, torch_export_becomes_one_node_and_matches_unfused)
{
    double x[MAX_X], y[MAX_D * MAX_D];
    for (int opset = 13; opset <= 18; opset += 5) {
        ln_spec s = {.opset = opset, .dtype = ONNXC_FLOAT, .d = 8};
        fill(x, 0.3, 2.0, (uint64_t)opset);
        fused_vs_unfused(&s, x, 1, 1, 2e-6, y);
        against_reference(y, x, 8, (float)1e-5, true, 2e-6);
    }
}

Test(fuse_layer_norm, a_float_row_at_mean_1000_keeps_its_digits)
{
    /* spread 0.05 around 1000: the unfused graph's float mean is off by up
     * to half an ulp of 1000 (3e-5), which becomes 3e-5 / 0.03 (the
     * std) = 1e-3 in y; the fused node keeps the mean in double */
    double x[MAX_X], y[MAX_D * MAX_D];
    ln_spec s = {.opset = 13, .dtype = ONNXC_FLOAT, .d = 16};
    fill(x, 1000, 0.05, 7);
    fused_vs_unfused(&s, x, 1, 1, 3e-3, y);
    against_reference(y, x, 16, (float)1e-5, true, 1e-5);
}

Test(fuse_layer_norm, two_trailing_axes_and_broadcast_gamma_beta)
{
    /* over [3, 8] (axes 1, 2 and -2, -1): gamma [3, 8], beta [1, 8] */
    double x[MAX_X], y[MAX_D * MAX_D];
    const char *axes[] = {"1,2", "-2,-1"};
    for (int k = 0; k < 2; k++) {
        ln_spec s = {.opset = 13, .dtype = ONNXC_FLOAT, .d = 8,
                     .axes1 = axes[k], .axes2 = "-1,1",
                     .gamma_dims = "3,8", .beta_dims = "1,8"};
        fill(x, -1, 3, 11);
        fused_vs_unfused(&s, x, 1, 1, 2e-6, y);
        /* the definition, over rows of 24 */
        for (int b = 0; b < 2; b++) {
            double mean = 0, var = 0;
            for (int j = 0; j < 24; j++)
                mean += x[b * 24 + j];
            mean /= 24;
            for (int j = 0; j < 24; j++)
                var += (x[b * 24 + j] - mean) * (x[b * 24 + j] - mean);
            var /= 24;
            for (int j = 0; j < 24; j++) {
                double want = (x[b * 24 + j] - mean) / sqrt(var + (float)1e-5) *
                                  gamma_v[j] + beta_v[j % 8];
                cr_assert(fabs(y[b * 24 + j] - want) <= 2e-6 * (1 + fabs(want)),
                          "y[%d]: %.9g, the definition %.9g", b * 24 + j,
                          y[b * 24 + j], want);
            }
        }
    }
}

Test(fuse_layer_norm, without_gamma_beta_or_with_an_int_exponent)
{
    double x[MAX_X], y[MAX_D * MAX_D];
    ln_spec plain = {.opset = 13, .dtype = ONNXC_FLOAT, .d = 8,
                     .gamma_dims = "", .beta_dims = ""};
    fill(x, 2, 1, 3);
    fused_vs_unfused(&plain, x, 1, 1, 2e-6, y);
    against_reference(y, x, 8, (float)1e-5, false, 2e-6);
    /* beta alone: the scale is a 1 */
    ln_spec shift = {.opset = 13, .dtype = ONNXC_FLOAT, .d = 8,
                     .gamma_dims = ""};
    fused_vs_unfused(&shift, x, 1, 1, 2e-6, y);
    ln_spec int_two = {.opset = 13, .dtype = ONNXC_FLOAT, .d = 8,
                       .int_exponent = true};
    fused_vs_unfused(&int_two, x, 1, 1, 2e-6, y);
    against_reference(y, x, 8, (float)1e-5, true, 2e-6);
}

Test(fuse_layer_norm, double_fuses_only_when_eps_is_a_float)
{
    /* 2^-17 is a float: fused; 1e-5 as a double is not: left as it is */
    double x[MAX_X], y[MAX_D * MAX_D];
    fill(x, 5, 1, 5);
    ln_spec exact = {.opset = 13, .dtype = ONNXC_DOUBLE, .d = 8,
                     .eps = 0x1p-17};
    fused_vs_unfused(&exact, x, 1, 1, 1e-13, y);
    against_reference(y, x, 8, 0x1p-17, true, 1e-13);
    ln_spec torch = {.opset = 13, .dtype = ONNXC_DOUBLE, .d = 8};
    fused_vs_unfused(&torch, x, 0, 9, 0, y);
    against_reference(y, x, 8, 1e-5, true, 1e-13);
}

/* ---------------------------------------------------------- near misses */

Test(fuse_layer_norm, near_misses_keep_their_nodes)
{
    double x[MAX_X], y[MAX_D * MAX_D];
    fill(x, 1, 2, 9);
    const ln_spec misses[] = {
        {.opset = 13, .dtype = ONNXC_FLOAT, .d = 8, .exponent = 3},
        {.opset = 13, .dtype = ONNXC_FLOAT, .d = 8, .axes2 = "-2"},
        {.opset = 18, .dtype = ONNXC_FLOAT, .d = 8, .axes2 = "1"},
        {.opset = 13, .dtype = ONNXC_FLOAT, .d = 8, .axes1 = "1"},
        {.opset = 13, .dtype = ONNXC_FLOAT, .d = 8, .eps_input = true},
        {.opset = 13, .dtype = ONNXC_FLOAT, .d = 8, .extra_output = "var"},
        {.opset = 13, .dtype = ONNXC_FLOAT, .d = 8, .extra_output = "diff"},
        {.opset = 13, .dtype = ONNXC_FLOAT, .d = 8, .extra_output = "std"},
    };
    for (size_t k = 0; k < sizeof misses / sizeof misses[0]; k++)
        fused_vs_unfused(&misses[k], x, 0, 9, 0, y);
    /* var also read by a Neg: ten nodes stay */
    ln_spec second = {.opset = 13, .dtype = ONNXC_FLOAT, .d = 8,
                      .var_second_reader = true};
    fused_vs_unfused(&second, x, 0, 10, 0, y);
}

Test(fuse_layer_norm, keepdims_0_is_not_a_layer_norm)
{
    /* x [8, 8], the means [8] broadcast along rows, not columns */
    double x[MAX_D * MAX_D], y[MAX_D * MAX_D];
    rng r = rng_seed(13);
    for (int i = 0; i < 64; i++)
        x[i] = (float)((double)rng_below(&r, 1000) / 100);
    ln_spec s = {.opset = 13, .dtype = ONNXC_FLOAT, .d = 8, .keepdims0 = true,
                 .gamma_dims = "", .beta_dims = ""};
    fused_vs_unfused(&s, x, 0, 7, 0, y);
}

Test(fuse_layer_norm, gamma_of_the_wrong_shape_fuses_up_to_the_div)
{
    /* gamma [3, 8] over rows of 8: it scales per (seq, feature), which
     * LayerNormalization's scale of the normalized dims does not: the Mul
     * and the Add stay after the fused node. A beta of [3, 1] likewise
     * stays after a fused Mul. */
    double x[MAX_X], y[MAX_D * MAX_D];
    fill(x, 1, 2, 21);
    ln_spec wide = {.opset = 13, .dtype = ONNXC_FLOAT, .d = 8,
                    .gamma_dims = "3,8"};
    for (int i = 0; i < ROWS * 8; i++)
        gamma_v[i] = gamma_v[i % 8];   /* so that the reference's [d] fits */
    fused_vs_unfused(&wide, x, 1, 3, 2e-6, y);
    against_reference(y, x, 8, (float)1e-5, true, 2e-6);
    ln_spec beta = {.opset = 13, .dtype = ONNXC_FLOAT, .d = 8,
                    .beta_dims = "3,1"};
    fused_vs_unfused(&beta, x, 1, 2, 2e-6, y);
}

/* ------------------------------------------------------ the pass alone */

Test(fuse_layer_norm, the_pass_writes_axis_epsilon_and_the_inputs)
{
    static const oc_compile_options all = {ONNXC_OPTIMIZE_ALL,
                                           ONNXC_KERNELS_AUTO};
    double x[MAX_X];
    fill(x, 0, 1, 1);
    ln_spec s = {.opset = 13, .dtype = ONNXC_FLOAT, .d = 8, .axes1 = "-2,2",
                 .axes2 = "1,-1", .eps = 0.25, .gamma_dims = "8"};
    /* built here to put eps and gamma first; decoded into a graph */
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "batch,3,8");
    reduce_mean(m, &s, "mean", "x", s.axes1, "mu");
    mb_node(m, "Sub", "sub", "x,mu", "diff");
    double two = 2, eps = 0.25;
    initializer(m, ONNXC_FLOAT, "two", "", &two, 1);
    mb_node(m, "Pow", "pow", "diff,two", "sq");
    reduce_mean(m, &s, "var_mean", "sq", s.axes2, "var");
    initializer(m, ONNXC_FLOAT, "eps", "", &eps, 1);
    mb_node(m, "Add", "add_eps", "eps,var", "var_eps");   /* eps first */
    mb_node(m, "Sqrt", "sqrt", "var_eps", "std");
    mb_node(m, "Div", "div", "diff,std", "normed");
    initializer(m, ONNXC_FLOAT, "gamma", "8", gamma_v, 8);
    mb_node(m, "Mul", "mul_gamma", "gamma,normed", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    size_t size = 0;
    void *bytes = mb_pack(m, &size);
    mb_free(m);
    oc_graph *g = NULL;
    onnxc_status *st = oc_onnx_decode_model(bytes, size, NULL, false, &g);
    free(bytes);
    cr_assert_null(st, "%s", onnxc_status_message(st));
    cr_assert_null(oc_compile_check(g));
    cr_assert_null(oc_pass_prepare_nodes(g, &all));
    cr_assert_null(oc_pass_fuse_layer_norm(g, &all));
    cr_assert_eq(g->n_nodes, 1);
    const oc_node *n = &g->nodes[0];
    cr_assert_eq(n->op->id, OC_OP_LAYER_NORMALIZATION);
    cr_assert_eq(n->op_version, 17);
    cr_assert_not_null(n->params);
    const oc_attr *axis = oc_node_attr(n, "axis");
    const oc_attr *epsilon = oc_node_attr(n, "epsilon");
    cr_assert(axis && axis->type == OC_ATTR_INT && axis->i == 1);
    cr_assert(epsilon && epsilon->type == OC_ATTR_FLOAT && epsilon->f == 0.25f);
    cr_assert_eq(n->n_inputs, 2);
    cr_assert_str_eq(g->values[n->inputs[0]].name, "x");
    cr_assert_str_eq(g->values[n->inputs[1]].name, "gamma");
    cr_assert_str_eq(g->values[n->outputs[0]].name, "y");
    cr_assert_eq(g->values[n->outputs[0]].producer, 0);
    oc_graph_free(g);
}
