/*
 * test_loss.c - NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss
 * (ops/loss) through a session against values worked out by hand: each
 * reduction with and without weights, ignore_index inside and outside
 * [0, C), a mean over ignored samples only (NaN), the log_prob output and
 * scores that would overflow exp, double tensors, a class out of range as
 * a run error after which the session runs again, and the refusals.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "model_builder.h"
#include "onnxc.h"

static void ok(onnxc_status *st)
{
    cr_assert_null(st, "%s", onnxc_status_message(st));
}

/* A loss node over x [2, 3] (scores or log-probabilities) and t [2],
 * with weight [3] as an initializer when w is not NULL; ignore < -1000
 * leaves ignore_index out. */
typedef struct loss_case {
    const char *op;
    const char *reduction;
    int64_t ignore;
    const float *w;
    bool log_prob;
} loss_case;

static onnxc_model *loss_model(const loss_case *c, int dtype)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", dtype, "2,3");
    mb_input(m, "t", ONNXC_INT64, "2");
    const char *inputs = "x,t";
    if (c->w) {
        mb_initializer_f32(m, "w", "3", c->w, 3);
        inputs = "x,t,w";
    }
    Onnx__NodeProto *n =
        mb_node(m, c->op, "loss", inputs, c->log_prob ? "y,lp" : "y");
    mb_attr_string(m, n, "reduction", c->reduction);
    if (c->ignore > -1000)
        mb_attr_int(m, n, "ignore_index", c->ignore);
    mb_output(m, "y", dtype, NULL);
    if (c->log_prob)
        mb_output(m, "lp", dtype, NULL);
    onnxc_model *model = NULL;
    ok(mb_load(m, NULL, &model));
    mb_free(m);
    return model;
}

/* Runs the case on x and t; output k's floats into out[k] (n_out of them). */
static void run_loss(const loss_case *c, const float *x, const int64_t *t,
                     float *y, float *lp)
{
    onnxc_model *model = loss_model(c, ONNXC_FLOAT);
    onnxc_session *s = NULL;
    int64_t xd[] = {2, 3}, td[] = {2};
    ok(onnxc_session_create(model, NULL, &s));
    ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, xd, 2, x));
    ok(onnxc_session_bind_input(s, 1, ONNXC_INT64, td, 1, t));
    ok(onnxc_session_run(s));
    onnxc_tensor_view v;
    ok(onnxc_session_output(s, 0, &v));
    memcpy(y, v.data, v.bytes);
    if (lp) {
        ok(onnxc_session_output(s, 1, &v));
        cr_assert_eq(v.bytes, 6 * sizeof(float));
        memcpy(lp, v.data, v.bytes);
    }
    onnxc_session_free(s);
    onnxc_model_free(model);
}

static const float logp[6] = {-1, -2, -3, -0.5f, -1.5f, -2.5f};
static const float weight[3] = {1, 2, 3};

Test(loss, nll_reductions_with_weights)
{
    const int64_t t[2] = {2, 1};
    float y[2];
    /* Losses 3 * 3 = 9 and 1.5 * 2 = 3; weights 3 + 2. */
    run_loss(&(loss_case){"NegativeLogLikelihoodLoss", "none", -9999, weight, false},
             logp, t, y, NULL);
    cr_assert(y[0] == 9 && y[1] == 3, "%g %g", y[0], y[1]);
    run_loss(&(loss_case){"NegativeLogLikelihoodLoss", "sum", -9999, weight, false},
             logp, t, y, NULL);
    cr_assert(y[0] == 12, "%g", y[0]);
    run_loss(&(loss_case){"NegativeLogLikelihoodLoss", "mean", -9999, weight, false},
             logp, t, y, NULL);
    cr_assert(fabsf(y[0] - 2.4f) < 1e-6f, "%g", y[0]);
    run_loss(&(loss_case){"NegativeLogLikelihoodLoss", "mean", -9999, NULL, false},
             logp, t, y, NULL);
    cr_assert(y[0] == 2.25f, "%g", y[0]);   /* (3 + 1.5) / 2 */
}

Test(loss, ignored_samples_count_for_nothing)
{
    const int64_t t[2] = {2, 1}, both[2] = {1, 1}, neg[2] = {-100, 0};
    float y[2];
    run_loss(&(loss_case){"NegativeLogLikelihoodLoss", "mean", 1, weight, false},
             logp, t, y, NULL);
    cr_assert(y[0] == 3, "%g", y[0]);        /* 9 / 3: the second left out */
    run_loss(&(loss_case){"NegativeLogLikelihoodLoss", "none", 1, weight, false},
             logp, t, y, NULL);
    cr_assert(y[0] == 9 && y[1] == 0 && !signbit(y[1]), "%g %g", y[0], y[1]);
    run_loss(&(loss_case){"NegativeLogLikelihoodLoss", "sum", 1, NULL, false},
             logp, both, y, NULL);
    cr_assert(y[0] == 0, "%g", y[0]);
    /* Every sample ignored: 0 / 0, as torch gives. */
    run_loss(&(loss_case){"NegativeLogLikelihoodLoss", "mean", 1, weight, false},
             logp, both, y, NULL);
    cr_assert(isnan(y[0]), "%g", y[0]);
    /* An ignore_index outside [0, C), as torch's -100. */
    run_loss(&(loss_case){"NegativeLogLikelihoodLoss", "mean", -100, NULL, false},
             logp, neg, y, NULL);
    cr_assert(y[0] == 0.5f, "%g", y[0]);
}

Test(loss, softmax_cross_entropy_and_its_log_prob)
{
    /* Equal scores: every log-probability is -log 3; huge ones must not
     * overflow exp. */
    const float x[6] = {0, 0, 0, 1e30f, 1e30f, -1e30f};
    const int64_t t[2] = {0, 2};
    float y[2], lp[6];
    run_loss(&(loss_case){"SoftmaxCrossEntropyLoss", "none", -9999, NULL, true},
             x, t, y, lp);
    for (int k = 0; k < 3; k++)
        cr_assert(fabsf(lp[k] + logf(3)) < 1e-6f, "lp[%d] = %g", k, lp[k]);
    cr_assert(fabsf(lp[3] + logf(2)) < 1e-6f && lp[3] == lp[4], "%g %g",
              lp[3], lp[4]);
    cr_assert(lp[5] == -2e30f, "%g", lp[5]);
    cr_assert(fabsf(y[0] - logf(3)) < 1e-6f && y[1] == 2e30f, "%g %g", y[0],
              y[1]);
    run_loss(&(loss_case){"SoftmaxCrossEntropyLoss", "mean", -9999, weight, false},
             x, (const int64_t[]){1, 0}, y, NULL);
    /* (2 log 3 + 1 log 2) / (2 + 1) */
    cr_assert(fabsf(y[0] - (2 * logf(3) + logf(2)) / 3) < 1e-6f, "%g", y[0]);
}

Test(loss, double_tensors)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 12);
    mb_input(m, "x", ONNXC_DOUBLE, "1,2,2");
    mb_input(m, "t", ONNXC_INT32, "1,2");
    Onnx__NodeProto *n = mb_node(m, "SoftmaxCrossEntropyLoss", "loss", "x,t", "y");
    mb_attr_string(m, n, "reduction", "sum");
    mb_output(m, "y", ONNXC_DOUBLE, NULL);
    onnxc_model *model = NULL;
    onnxc_session *s = NULL;
    ok(mb_load(m, NULL, &model));
    mb_free(m);
    ok(onnxc_session_create(model, NULL, &s));
    /* x[0, :, 0] = {0, 1}, x[0, :, 1] = {2, 2}; classes 1 and 0. */
    const double x[4] = {0, 2, 1, 2};
    const int32_t t[2] = {1, 0};
    int64_t xd[] = {1, 2, 2}, td[] = {1, 2};
    ok(onnxc_session_bind_input(s, 0, ONNXC_DOUBLE, xd, 3, x));
    ok(onnxc_session_bind_input(s, 1, ONNXC_INT32, td, 2, t));
    ok(onnxc_session_run(s));
    onnxc_tensor_view v;
    ok(onnxc_session_output(s, 0, &v));
    double want = log1p(exp(-1.0)) + log(2.0), got;
    memcpy(&got, v.data, sizeof got);
    cr_assert(v.rank == 0 && fabs(got - want) < 1e-15, "%.17g vs %.17g", got,
              want);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(loss, a_class_out_of_range_is_a_run_error_then_recovers)
{
    onnxc_model *model = loss_model(
        &(loss_case){"NegativeLogLikelihoodLoss", "mean", -1, weight, false},
        ONNXC_FLOAT);
    onnxc_session *s = NULL;
    int64_t xd[] = {2, 3}, td[] = {2};
    const int64_t bad[2] = {0, 3}, negative[2] = {-2, 0}, good[2] = {-1, 2};
    ok(onnxc_session_create(model, NULL, &s));
    ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, xd, 2, logp));
    const int64_t *cases[] = {bad, negative};
    const char *want[] = {"element 1 = 3", "element 0 = -2"};
    for (int k = 0; k < 2; k++) {
        ok(onnxc_session_bind_input(s, 1, ONNXC_INT64, td, 1, cases[k]));
        onnxc_status *st = onnxc_session_run(s);
        const char *msg = onnxc_status_message(st);
        cr_assert_eq(onnxc_status_code(st), ONNXC_ERR_RUN, "%s", msg);
        cr_assert(strstr(msg, "node 'loss'") && strstr(msg, "target") &&
                      strstr(msg, want[k]) && strstr(msg, "[0, 3)"),
                  "%s", msg);
        onnxc_status_free(st);
    }
    ok(onnxc_session_bind_input(s, 1, ONNXC_INT64, td, 1, good));
    ok(onnxc_session_run(s));
    onnxc_tensor_view v;
    ok(onnxc_session_output(s, 0, &v));
    cr_assert(((const float *)v.data)[0] == 2.5f);   /* 7.5 / 3 */
    onnxc_session_free(s);
    onnxc_model_free(model);
}

/* Loads a one-node loss model with x of `xshape` and t of `tshape`; the
 * status, for the refusals. */
static onnxc_status *load_shapes(const char *xshape, const char *tshape,
                                 const char *reduction)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, xshape);
    mb_input(m, "t", ONNXC_INT64, tshape);
    Onnx__NodeProto *n = mb_node(m, "NegativeLogLikelihoodLoss", "loss", "x,t", "y");
    mb_attr_string(m, n, "reduction", reduction);
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    onnxc_model *model = NULL;
    onnxc_status *st = mb_load(m, NULL, &model);
    mb_free(m);
    onnxc_model_free(model);
    return st;
}

Test(loss, refusals_name_the_node_and_the_shapes)
{
    struct {
        const char *x, *t, *reduction, *part;
    } cases[] = {
        {"3", "3", "mean", "rank 1"},
        {"2,3,4", "2,5", "mean", "expected [2,4]"},
        {"2,3", "2", "average", "'average'"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        onnxc_status *st = load_shapes(cases[k].x, cases[k].t, cases[k].reduction);
        const char *msg = onnxc_status_message(st);
        cr_assert_not_null(st, "case %zu loaded", k);
        cr_assert(strstr(msg, "node 'loss'") && strstr(msg, cases[k].part),
                  "case %zu: %s", k, msg);
        onnxc_status_free(st);
    }
}
