/*
 * test_recurrent.c - LSTM, GRU and RNN (ops/recurrent/) through a session
 * against a plain reference written here from the spec's equations, one
 * step loop per cell in double: forward, reverse and bidirectional,
 * layout 0 and 1, sequence_lens shorter than the sequence, initial states,
 * peepholes, input_forget, clip, linear_before_reset, non-default
 * activations with alpha and beta, float and double, W and R as weights
 * (packed at load) or inputs, every kernel set; and the models that must be
 * refused with the node named.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model_builder.h"
#include "onnxc.h"
#include "test_rng.h"

static void ok(onnxc_status *st)
{
    cr_assert_null(st, "%s", onnxc_status_message(st));
}

typedef struct rcase {
    const char *op;
    int opset, dtype;
    int seq, batch, input, hidden;
    const char *direction;   /* NULL: forward */
    int layout;
    bool bias, lens, h0, c0, peep, consts;
    int lbr, input_forget;
    float clip;              /* 0: none */
    const char *acts[6];
    int n_acts;
    float alpha[6], beta[6];
    int n_alpha, n_beta;
    onnxc_kernels kernels;
    int threads;             /* 0: one */
} rcase;

static int gates_of(const char *op)
{
    return strcmp(op, "LSTM") == 0 ? 4 : strcmp(op, "GRU") == 0 ? 3 : 1;
}

static int dirs_of(const rcase *c)
{
    return c->direction && strcmp(c->direction, "bidirectional") == 0 ? 2 : 1;
}

/* ------------------------------------------------------------ reference */

typedef struct ref_act {
    const char *name;
    double alpha, beta;
} ref_act;

static double act(const ref_act *a, double x)
{
    const char *n = a->name;
    double al = a->alpha, be = a->beta;
    if (!strcasecmp(n, "Sigmoid")) return 1 / (1 + exp(-x));
    if (!strcasecmp(n, "Tanh")) return tanh(x);
    if (!strcasecmp(n, "Relu")) return x > 0 ? x : 0;
    if (!strcasecmp(n, "Affine")) return al * x + be;
    if (!strcasecmp(n, "LeakyRelu")) return x >= 0 ? x : al * x;
    if (!strcasecmp(n, "ThresholdedRelu")) return x > al ? x : 0;
    if (!strcasecmp(n, "ScaledTanh")) return al * tanh(be * x);
    if (!strcasecmp(n, "HardSigmoid")) return fmax(0, fmin(1, al * x + be));
    if (!strcasecmp(n, "Elu")) return x >= 0 ? x : al * (exp(x) - 1);
    if (!strcasecmp(n, "Softsign")) return x / (1 + fabs(x));
    if (!strcasecmp(n, "Softplus")) return log1p(exp(x));
    cr_assert_fail("no activation %s", n);
    return 0;
}

/* The activations of direction d, alpha and beta consumed in order by
 * those that take them. */
static void ref_acts(const rcase *c, int d, ref_act *out)
{
    static const char *const lstm[] = {"Sigmoid", "Tanh", "Tanh"};
    static const char *const gru[] = {"Sigmoid", "Tanh"};
    static const char *const rnn[] = {"Tanh"};
    int g = gates_of(c->op), per = g == 4 ? 3 : g == 3 ? 2 : 1;
    const char *const *def = g == 4 ? lstm : g == 3 ? gru : rnn;
    int na = 0, nb = 0;
    for (int i = 0; i < per * dirs_of(c); i++) {
        ref_act a = {c->n_acts ? c->acts[i] : def[i % per], 0, 0};
        bool ta = !strcasecmp(a.name, "Affine") || !strcasecmp(a.name, "LeakyRelu") ||
                  !strcasecmp(a.name, "ThresholdedRelu") ||
                  !strcasecmp(a.name, "ScaledTanh") ||
                  !strcasecmp(a.name, "HardSigmoid") || !strcasecmp(a.name, "Elu");
        bool tb = !strcasecmp(a.name, "Affine") || !strcasecmp(a.name, "ScaledTanh") ||
                  !strcasecmp(a.name, "HardSigmoid");
        a.alpha = !strcasecmp(a.name, "LeakyRelu") ? 0.01 : !strcasecmp(a.name, "HardSigmoid") ? 0.2 : 1;
        a.beta = !strcasecmp(a.name, "HardSigmoid") ? 0.5 : !strcasecmp(a.name, "Affine") ? 0 : 1;
        if (ta && na < c->n_alpha)
            a.alpha = c->alpha[na++];
        if (tb && nb < c->n_beta)
            a.beta = c->beta[nb++];
        if (i / per == d)
            out[i % per] = a;
    }
}

typedef struct rdata {
    double *x, *w, *r, *b, *h0, *c0, *p;
    int32_t *lens;
    double *y, *yh, *yc;     /* the reference's outputs */
} rdata;

static double clipped(const rcase *c, double v)
{
    return c->clip > 0 ? fmax(-c->clip, fmin(c->clip, v)) : v;
}

/* Where X(t, b, :), a state (d, b, :) and Y(t, d, b, :) start. */
static size_t x_at(const rcase *c, int t, int b)
{
    return (size_t)(c->layout ? b * c->seq + t : t * c->batch + b) * c->input;
}
static size_t s_at(const rcase *c, int d, int b)
{
    int nd = dirs_of(c);
    return (size_t)(c->layout ? b * nd + d : d * c->batch + b) * c->hidden;
}
static size_t y_at(const rcase *c, int t, int d, int b)
{
    int nd = dirs_of(c);
    return (size_t)(c->layout ? (b * c->seq + t) * nd + d
                              : (t * nd + d) * c->batch + b) * c->hidden;
}

/* Row j of W (or R) of direction d times v. */
static double dot(const double *m, int d, int rows, int j, int k,
                  const double *v)
{
    double s = 0;
    for (int l = 0; l < k; l++)
        s += m[((size_t)d * rows + j) * k + l] * v[l];
    return s;
}

static void reference(const rcase *c, rdata *v)
{
    int g = gates_of(c->op), nd = dirs_of(c), hn = c->hidden;
    int gh = g * hn;
    double *h = calloc((size_t)hn, sizeof *h), *cs = calloc((size_t)hn, sizeof *cs);
    double *pre = calloc((size_t)gh, sizeof *pre), *nh = calloc((size_t)hn, sizeof *nh);
    double *rh = calloc((size_t)hn, sizeof *rh);
    cr_assert(h && cs && pre && nh && rh);
    for (int d = 0; d < nd; d++) {
        ref_act a[3];
        ref_acts(c, d, a);
        bool back = d == 1 || (c->direction && !strcasecmp(c->direction, "reverse"));
        const double *wb = c->bias ? v->b + (size_t)d * 2 * gh : NULL;
        const double *rb = wb ? wb + gh : NULL;
        for (int b = 0; b < c->batch; b++) {
            int len = c->lens ? v->lens[b] : c->seq;
            for (int j = 0; j < hn; j++) {
                h[j] = c->h0 ? v->h0[s_at(c, d, b) + j] : 0;
                cs[j] = c->c0 ? v->c0[s_at(c, d, b) + j] : 0;
            }
            for (int k = 0; k < c->seq; k++) {
                int t = back ? c->seq - 1 - k : k;
                if (t >= len) {
                    for (int j = 0; j < hn; j++)
                        v->y[y_at(c, t, d, b) + j] = 0;
                    continue;
                }
                const double *xt = v->x + x_at(c, t, b);
                for (int j = 0; j < gh; j++)
                    pre[j] = dot(v->w, d, gh, j, c->input, xt) +
                             (wb ? wb[j] : 0);
                if (g == 4) {   /* LSTM: i o f c */
                    const double *p = c->peep ? v->p + (size_t)d * 3 * hn : NULL;
                    for (int j = 0; j < hn; j++) {
                        double gi = pre[j] + dot(v->r, d, gh, j, hn, h) + (rb ? rb[j] : 0);
                        double go = pre[hn + j] + dot(v->r, d, gh, hn + j, hn, h) + (rb ? rb[hn + j] : 0);
                        double gf = pre[2 * hn + j] + dot(v->r, d, gh, 2 * hn + j, hn, h) + (rb ? rb[2 * hn + j] : 0);
                        double gc = pre[3 * hn + j] + dot(v->r, d, gh, 3 * hn + j, hn, h) + (rb ? rb[3 * hn + j] : 0);
                        double i = act(&a[0], clipped(c, gi + (p ? p[j] * cs[j] : 0)));
                        double f = c->input_forget ? 1 - i
                                   : act(&a[0], clipped(c, gf + (p ? p[2 * hn + j] * cs[j] : 0)));
                        double cn = f * cs[j] + i * act(&a[1], clipped(c, gc));
                        double o = act(&a[0], clipped(c, go + (p ? p[hn + j] * cn : 0)));
                        nh[j] = o * act(&a[2], cn);
                        pre[3 * hn + j] = cn;   /* the new cell state, kept aside */
                    }
                    for (int j = 0; j < hn; j++)
                        cs[j] = pre[3 * hn + j];
                } else if (g == 3) {   /* GRU: z r h */
                    double z[64], r[64];
                    for (int j = 0; j < hn; j++) {
                        z[j] = act(&a[0], clipped(c, pre[j] + dot(v->r, d, gh, j, hn, h) + (rb ? rb[j] : 0)));
                        r[j] = act(&a[0], clipped(c, pre[hn + j] + dot(v->r, d, gh, hn + j, hn, h) + (rb ? rb[hn + j] : 0)));
                        rh[j] = r[j] * h[j];
                    }
                    for (int j = 0; j < hn; j++) {
                        double rbh = rb ? rb[2 * hn + j] : 0, in;
                        if (c->lbr)
                            in = r[j] * (dot(v->r, d, gh, 2 * hn + j, hn, h) + rbh);
                        else
                            in = dot(v->r, d, gh, 2 * hn + j, hn, rh) + rbh;
                        double hh = act(&a[1], clipped(c, pre[2 * hn + j] + in));
                        nh[j] = (1 - z[j]) * hh + z[j] * h[j];
                    }
                } else {
                    for (int j = 0; j < hn; j++)
                        nh[j] = act(&a[0], clipped(c, pre[j] + dot(v->r, d, gh, j, hn, h) + (rb ? rb[j] : 0)));
                }
                for (int j = 0; j < hn; j++) {
                    h[j] = nh[j];
                    v->y[y_at(c, t, d, b) + j] = h[j];
                }
            }
            for (int j = 0; j < hn; j++) {
                v->yh[s_at(c, d, b) + j] = h[j];
                v->yc[s_at(c, d, b) + j] = cs[j];
            }
        }
    }
    free(h);
    free(cs);
    free(pre);
    free(nh);
    free(rh);
}

/* ------------------------------------------------------------ the model */

static double *values(rng *r, size_t n, double scale, int dtype)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    cr_assert(v);
    for (size_t i = 0; i < n; i++) {
        v[i] = scale * ((double)rng_below(r, 2001) / 1000 - 1);
        if (dtype == ONNXC_FLOAT)
            v[i] = (float)v[i];
    }
    return v;
}

/* An input of the model, to bind by position. */
typedef struct bound {
    int dtype;
    int64_t dims[4];
    size_t rank;
    void *data;
} bound;

static void *typed(const double *v, size_t n, int dtype)
{
    if (dtype == ONNXC_DOUBLE) {
        double *o = malloc((n ? n : 1) * sizeof *o);
        cr_assert(o);
        memcpy(o, v, n * sizeof *o);
        return o;
    }
    float *o = malloc((n ? n : 1) * sizeof *o);
    cr_assert(o);
    for (size_t i = 0; i < n; i++)
        o[i] = (float)v[i];
    return o;
}

static const char *dims_text(const int64_t *d, size_t rank, char *buf)
{
    buf[0] = 0;
    for (size_t i = 0; i < rank; i++)
        sprintf(buf + strlen(buf), "%s%lld", i ? "," : "", (long long)d[i]);
    return buf;
}

/* Adds the tensor as a graph input (or an initializer when as_const). */
static void add_tensor(mb_model *m, const char *name, int dtype, const int64_t *dims,
                       size_t rank, void *data, bool as_const, bound *b, int *nb)
{
    char text[64];
    size_t n = 1;
    for (size_t i = 0; i < rank; i++)
        n *= (size_t)dims[i];
    dims_text(dims, rank, text);
    if (as_const) {
        mb_initializer_raw(m, name, dtype, text, data,
                           n * (dtype == ONNXC_DOUBLE ? 8 : 4));
        free(data);
        return;
    }
    mb_input(m, name, dtype, text);
    b[*nb].dtype = dtype;
    memcpy(b[*nb].dims, dims, rank * sizeof *dims);
    b[*nb].rank = rank;
    b[*nb].data = data;
    (*nb)++;
}

static void node_attrs(mb_model *m, Onnx__NodeProto *n, const rcase *c)
{
    mb_attr_int(m, n, "hidden_size", c->hidden);
    if (c->direction)
        mb_attr_string(m, n, "direction", c->direction);
    if (c->layout)
        mb_attr_int(m, n, "layout", c->layout);
    if (c->clip > 0)
        mb_attr_float(m, n, "clip", c->clip);
    if (c->lbr)
        mb_attr_int(m, n, "linear_before_reset", c->lbr);
    if (c->input_forget)
        mb_attr_int(m, n, "input_forget", c->input_forget);
    if (c->n_acts)
        mb_attr_strings(m, n, "activations", c->acts, (size_t)c->n_acts);
    if (c->n_alpha)
        mb_attr_floats(m, n, "activation_alpha", c->alpha, (size_t)c->n_alpha);
    if (c->n_beta)
        mb_attr_floats(m, n, "activation_beta", c->beta, (size_t)c->n_beta);
}

static void compare(const rcase *c, const char *what, const onnxc_tensor_view *got,
                    const double *want, size_t n)
{
    double tol = c->dtype == ONNXC_FLOAT ? 3e-6 : 1e-12;
    cr_assert((int)got->dtype == c->dtype);
    for (size_t i = 0; i < n; i++) {
        double g = c->dtype == ONNXC_FLOAT ? ((const float *)got->data)[i]
                                           : ((const double *)got->data)[i];
        cr_assert(fabs(g - want[i]) <= tol * (1 + fabs(want[i])),
                  "%s-%d %s %s element %zu of %zu: %.9g, want %.9g", c->op,
                  c->opset, c->dtype == ONNXC_FLOAT ? "float" : "double",
                  what, i, n, g, want[i]);
    }
}

static void check(const rcase *c)
{
    int g = gates_of(c->op), nd = dirs_of(c), hn = c->hidden;
    bool lstm = g == 4;
    rng r = rng_seed((uint64_t)(c->seq * 131 + c->batch * 17 + hn * 7 + g + nd * 3 +
                                c->layout + c->opset));
    size_t nx = (size_t)c->seq * c->batch * c->input, ns = (size_t)nd * c->batch * hn;
    size_t nw = (size_t)nd * g * hn * c->input, nr = (size_t)nd * g * hn * hn;
    size_t ny = (size_t)c->seq * ns;
    rdata v = {0};
    v.x = values(&r, nx, 1, c->dtype);
    v.w = values(&r, nw, 0.6, c->dtype);
    v.r = values(&r, nr, 0.6, c->dtype);
    v.b = values(&r, (size_t)nd * 2 * g * hn, 0.5, c->dtype);
    v.h0 = values(&r, ns, 1, c->dtype);
    v.c0 = values(&r, ns, 1, c->dtype);
    v.p = values(&r, (size_t)nd * 3 * hn, 0.5, c->dtype);
    v.lens = malloc((size_t)c->batch * sizeof *v.lens);
    for (int b = 0; b < c->batch; b++)   /* the last entry keeps it all */
        v.lens[b] = b == c->batch - 1 ? c->seq : (int32_t)rng_below(&r, (unsigned)c->seq + 1);
    v.y = calloc(ny ? ny : 1, sizeof *v.y);
    v.yh = calloc(ns, sizeof *v.yh);
    v.yc = calloc(ns, sizeof *v.yc);
    reference(c, &v);

    mb_model *m = mb_new(8);
    mb_opset(m, "", c->opset);
    bound b[8];
    int nb = 0;
    int64_t xd[3] = {c->layout ? c->batch : c->seq, c->layout ? c->seq : c->batch, c->input};
    int64_t wd[3] = {nd, g * hn, c->input}, rd[3] = {nd, g * hn, hn};
    int64_t bd[2] = {nd, 2 * g * hn}, ld[1] = {c->batch}, pd[2] = {nd, 3 * hn};
    int64_t sd[3] = {c->layout ? c->batch : nd, c->layout ? nd : c->batch, hn};
    char in[128] = "X,W,R";
    add_tensor(m, "X", c->dtype, xd, 3, typed(v.x, nx, c->dtype), false, b, &nb);
    add_tensor(m, "W", c->dtype, wd, 3, typed(v.w, nw, c->dtype), c->consts, b, &nb);
    add_tensor(m, "R", c->dtype, rd, 3, typed(v.r, nr, c->dtype), c->consts, b, &nb);
    strcat(in, c->bias ? ",B" : ",");
    if (c->bias)
        add_tensor(m, "B", c->dtype, bd, 2, typed(v.b, (size_t)bd[0] * bd[1], c->dtype),
                   false, b, &nb);
    strcat(in, c->lens ? ",L" : ",");
    if (c->lens) {
        int32_t *l = malloc((size_t)c->batch * sizeof *l);
        memcpy(l, v.lens, (size_t)c->batch * sizeof *l);
        add_tensor(m, "L", ONNXC_INT32, ld, 1, l, false, b, &nb);
    }
    strcat(in, c->h0 ? ",H0" : ",");
    if (c->h0)
        add_tensor(m, "H0", c->dtype, sd, 3, typed(v.h0, ns, c->dtype), false, b, &nb);
    if (lstm) {
        strcat(in, c->c0 ? ",C0" : ",");
        if (c->c0)
            add_tensor(m, "C0", c->dtype, sd, 3, typed(v.c0, ns, c->dtype), false, b, &nb);
        strcat(in, c->peep ? ",P" : ",");
        if (c->peep)
            add_tensor(m, "P", c->dtype, pd, 2, typed(v.p, (size_t)nd * 3 * hn, c->dtype),
                       false, b, &nb);
    }
    while (in[strlen(in) - 1] == ',')
        in[strlen(in) - 1] = 0;
    Onnx__NodeProto *n = mb_node(m, c->op, "cell", in, lstm ? "Y,Yh,Yc" : "Y,Yh");
    node_attrs(m, n, c);
    mb_output(m, "Y", c->dtype, NULL);
    mb_output(m, "Yh", c->dtype, NULL);
    if (lstm)
        mb_output(m, "Yc", c->dtype, NULL);
    onnxc_model *model = NULL;
    onnxc_session *s = NULL;
    onnxc_session_options *opt = NULL;
    ok(mb_load(m, NULL, &model));
    mb_free(m);
    ok(onnxc_session_options_create(&opt));
    ok(onnxc_session_options_set_kernels(opt, c->kernels));
    if (c->threads)
        ok(onnxc_session_options_set_threads(opt, c->threads));
    ok(onnxc_session_create(model, opt, &s));
    onnxc_session_options_free(opt);
    for (int k = 0; k < nb; k++)
        ok(onnxc_session_bind_input(s, (size_t)k, b[k].dtype, b[k].dims, b[k].rank,
                                    b[k].data));
    for (int rep = 0; rep < 2; rep++) {   /* a second run starts afresh */
        ok(onnxc_session_run(s));
        onnxc_tensor_view y;
        ok(onnxc_session_output(s, 0, &y));
        compare(c, "Y", &y, v.y, ny);
        ok(onnxc_session_output(s, 1, &y));
        compare(c, "Y_h", &y, v.yh, ns);
        if (lstm) {
            ok(onnxc_session_output(s, 2, &y));
            compare(c, "Y_c", &y, v.yc, ns);
        }
    }
    onnxc_session_free(s);
    onnxc_model_free(model);
    for (int k = 0; k < nb; k++)
        free(b[k].data);
    free(v.x); free(v.w); free(v.r); free(v.b); free(v.h0); free(v.c0);
    free(v.p); free(v.lens); free(v.y); free(v.yh); free(v.yc);
}

/* Each case in float and double, and in float with every kernel set. */
static void check_all(rcase c)
{
    static const onnxc_kernels sets[] = {ONNXC_KERNELS_AUTO, ONNXC_KERNELS_PORTABLE,
                                         ONNXC_KERNELS_REFERENCE};
    c.dtype = ONNXC_DOUBLE;
    check(&c);
    c.dtype = ONNXC_FLOAT;
    for (size_t k = 0; k < sizeof sets / sizeof *sets; k++) {
        c.kernels = sets[k];
        check(&c);
        c.consts = !c.consts;
        check(&c);
        c.consts = !c.consts;
    }
}

Test(recurrent, lstm_forward_with_everything)
{
    rcase c = {.op = "LSTM", .opset = 14, .seq = 4, .batch = 3, .input = 5,
               .hidden = 6, .bias = true, .h0 = true, .c0 = true, .peep = true};
    check_all(c);
    c.opset = 7;
    c.input_forget = 1;
    c.clip = 0.4f;
    check_all(c);
}

Test(recurrent, lstm_bidirectional_layout1_sequence_lens)
{
    rcase c = {.op = "LSTM", .opset = 14, .seq = 5, .batch = 4, .input = 3,
               .hidden = 4, .direction = "bidirectional", .layout = 1,
               .bias = true, .lens = true, .h0 = true, .c0 = true, .peep = true};
    check_all(c);
    c.layout = 0;
    c.direction = "reverse";
    c.opset = 1;
    check_all(c);
}

Test(recurrent, lstm_large_enough_for_the_blocked_gemm)
{
    rcase c = {.op = "LSTM", .opset = 14, .seq = 9, .batch = 11, .input = 40,
               .hidden = 33, .bias = true, .consts = true};
    check_all(c);
}

/* A batch of 4 entries per thread or more is walked in slices, one per
 * thread (recurrent_run.c): uneven slices, both directions, sequence_lens,
 * slices that each take the 4-row products (5, 6 rows) and slices of more
 * than 16 rows (the products' own workspace per slice), with weights and
 * with computed ones (R not prepacked). */
Test(recurrent, batch_slices_on_threads_give_the_single_thread_values)
{
    rcase l = {.op = "LSTM", .opset = 14, .seq = 5, .batch = 11, .input = 6,
               .hidden = 20, .direction = "bidirectional", .bias = true,
               .lens = true, .h0 = true, .c0 = true, .peep = true};
    rcase g = {.op = "GRU", .opset = 14, .seq = 4, .batch = 17, .input = 5,
               .hidden = 24, .direction = "reverse", .bias = true, .h0 = true};
    rcase r = {.op = "RNN", .opset = 14, .seq = 3, .batch = 37, .input = 4,
               .hidden = 33, .bias = true, .layout = 1, .lens = true};
    rcase *cases[] = {&l, &g, &r};
    for (size_t i = 0; i < 3; i++)
        for (int threads = 2; threads <= 3; threads++)
            for (int consts = 0; consts < 2; consts++) {
                rcase c = *cases[i];
                c.dtype = ONNXC_FLOAT;
                c.threads = threads;
                c.consts = consts;
                check(&c);
                c.lbr = 1;
                if (strcmp(c.op, "GRU") == 0)
                    check(&c);
            }
    l.dtype = ONNXC_DOUBLE;
    l.threads = 2;
    check(&l);
}

Test(recurrent, lstm_activations_with_alpha_and_beta)
{
    rcase c = {.op = "LSTM", .opset = 14, .seq = 3, .batch = 2, .input = 3,
               .hidden = 3, .direction = "bidirectional", .bias = true,
               .acts = {"HardSigmoid", "ScaledTanh", "Softsign", "sigmoid",
                        "Affine", "Elu"},
               .n_acts = 6, .alpha = {0.3f, 0.7f, 0.5f, 0.9f}, .n_alpha = 4,
               .beta = {0.4f, 1.5f}, .n_beta = 2};
    check_all(c);
}

Test(recurrent, gru_both_resets_every_direction)
{
    rcase c = {.op = "GRU", .opset = 14, .seq = 5, .batch = 3, .input = 4,
               .hidden = 5, .bias = true, .h0 = true};
    for (int lbr = 0; lbr < 2; lbr++) {
        c.lbr = lbr;
        c.direction = NULL;
        c.layout = 0;
        check_all(c);
        c.direction = "reverse";
        c.lens = true;
        check_all(c);
        c.direction = "bidirectional";
        c.layout = 1;
        check_all(c);
        c.lens = false;
    }
    c.opset = 1;   /* no linear_before_reset */
    c.lbr = 0;
    c.layout = 0;
    check_all(c);
}

Test(recurrent, gru_activations_and_clip)
{
    rcase c = {.op = "GRU", .opset = 7, .seq = 4, .batch = 2, .input = 3,
               .hidden = 4, .clip = 0.5f, .acts = {"LeakyRelu", "Softplus"},
               .n_acts = 2, .alpha = {0.2f}, .n_alpha = 1};
    check_all(c);
}

Test(recurrent, rnn_forms)
{
    rcase c = {.op = "RNN", .opset = 14, .seq = 6, .batch = 3, .input = 2,
               .hidden = 4, .bias = true, .h0 = true, .lens = true};
    check_all(c);
    c.direction = "bidirectional";
    c.layout = 1;
    c.acts[0] = "Relu";
    c.acts[1] = "ThresholdedRelu";
    c.n_acts = 2;
    c.alpha[0] = 0.1f;
    c.n_alpha = 1;
    c.clip = 2;
    check_all(c);
    rcase one = {.op = "RNN", .opset = 1, .seq = 1, .batch = 1, .input = 1, .hidden = 1};
    check_all(one);
}

/* ------------------------------------------------------------ refusals */

typedef void (*edit_fn)(mb_model *m, Onnx__NodeProto *n);

/* An LSTM [seq 2, batch 1, input 3], hidden 4, edited; the message must
 * name the node and hold `part`. */
static void refused(const char *part, int64_t w_rows, int64_t w_cols, edit_fn edit)
{
    char wd[32];
    sprintf(wd, "1,%lld,%lld", (long long)w_rows, (long long)w_cols);
    mb_model *m = mb_new(8);
    mb_opset(m, "", 14);
    mb_input(m, "X", ONNXC_FLOAT, "2,1,3");
    mb_input(m, "W", ONNXC_FLOAT, wd);
    mb_input(m, "R", ONNXC_FLOAT, "1,16,4");
    Onnx__NodeProto *n = mb_node(m, "LSTM", "cell", "X,W,R", "Y,Yh");
    mb_attr_int(m, n, "hidden_size", 4);
    if (edit)
        edit(m, n);
    mb_output(m, "Y", ONNXC_FLOAT, NULL);
    mb_output(m, "Yh", ONNXC_FLOAT, NULL);
    onnxc_model *model = NULL;
    onnxc_status *st = mb_load(m, NULL, &model);
    mb_free(m);
    cr_assert(st && strstr(onnxc_status_message(st), "node 'cell'") &&
                  strstr(onnxc_status_message(st), part),
              "want '%s': %s", part, st ? onnxc_status_message(st) : "loaded");
    onnxc_status_free(st);
    onnxc_model_free(model);
}

static void bad_act(mb_model *m, Onnx__NodeProto *n)
{
    const char *a[] = {"Sigmoid", "Tanh", "Swish"};
    mb_attr_strings(m, n, "activations", a, 3);
}
static void two_acts(mb_model *m, Onnx__NodeProto *n)
{
    const char *a[] = {"Sigmoid", "Tanh"};
    mb_attr_strings(m, n, "activations", a, 2);
}
static void bad_direction(mb_model *m, Onnx__NodeProto *n)
{
    mb_attr_string(m, n, "direction", "sideways");
}
static void bad_layout(mb_model *m, Onnx__NodeProto *n) { mb_attr_int(m, n, "layout", 2); }
static void bad_clip(mb_model *m, Onnx__NodeProto *n) { mb_attr_float(m, n, "clip", -1); }
static void bad_attr(mb_model *m, Onnx__NodeProto *n)
{
    mb_attr_int(m, n, "linear_before_reset", 1);   /* GRU's, not LSTM's */
}
static void huge_hidden(mb_model *m, Onnx__NodeProto *n)
{
    (void)m;
    n->attribute[0]->i = INT64_MAX / 2;
}

Test(recurrent, bad_models_are_refused_with_the_node_named)
{
    refused("W is [1,12,3]", 12, 3, NULL);   /* 3 gates' rows, not 4 */
    refused("W is [1,16,5]", 16, 5, NULL);   /* input_size 3 */
    refused("Swish", 16, 3, bad_act);
    refused("3 expected", 16, 3, two_acts);
    refused("sideways", 16, 3, bad_direction);
    refused("layout 2", 16, 3, bad_layout);
    refused("clip", 16, 3, bad_clip);
    refused("linear_before_reset", 16, 3, bad_attr);
    refused("hidden_size", 16, 3, huge_hidden);
}

Test(recurrent, sequence_lens_beyond_the_sequence_is_a_run_error)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 14);
    mb_input(m, "X", ONNXC_FLOAT, "2,2,1");
    mb_input(m, "L", ONNXC_INT32, "2");
    static const float w[3] = {0.5f, -0.5f, 0.25f}, r[9] = {0};
    mb_initializer_f32(m, "W", "1,3,1", w, 3);
    mb_initializer_f32(m, "R", "1,3,1", r, 3);
    Onnx__NodeProto *n = mb_node(m, "GRU", "cell", "X,W,R,,L", "Y,Yh");
    mb_attr_int(m, n, "hidden_size", 1);
    mb_output(m, "Y", ONNXC_FLOAT, NULL);
    mb_output(m, "Yh", ONNXC_FLOAT, NULL);
    onnxc_model *model = NULL;
    onnxc_session *s = NULL;
    ok(mb_load(m, NULL, &model));
    mb_free(m);
    ok(onnxc_session_create(model, NULL, &s));
    const float x[4] = {1, 2, 3, 4};
    const int64_t xd[3] = {2, 2, 1}, ld[1] = {2};
    const int32_t bad[2][2] = {{1, 3}, {-1, 2}};
    ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, xd, 3, x));
    for (int k = 0; k < 2; k++) {
        ok(onnxc_session_bind_input(s, 1, ONNXC_INT32, ld, 1, bad[k]));
        onnxc_status *st = onnxc_session_run(s);
        cr_assert(st && strstr(onnxc_status_message(st), "node 'cell'") &&
                      strstr(onnxc_status_message(st), "sequence_lens["),
                  "%s", st ? onnxc_status_message(st) : "ran");
        onnxc_status_free(st);
    }
    const int32_t good[2] = {0, 2};   /* an empty entry: zeros, state initial */
    ok(onnxc_session_bind_input(s, 1, ONNXC_INT32, ld, 1, good));
    ok(onnxc_session_run(s));
    onnxc_tensor_view y;
    ok(onnxc_session_output(s, 0, &y));
    const float *yv = y.data;
    cr_assert(yv[0] == 0 && yv[2] == 0 && yv[1] != 0 && yv[3] != 0);
    ok(onnxc_session_output(s, 1, &y));
    cr_assert(((const float *)y.data)[0] == 0);
    onnxc_session_free(s);
    onnxc_model_free(model);
}
