/*
 * test_conv.c - Conv and ConvTranspose (ops/conv/) through a session,
 * against plain loops written here: each output element summed over its
 * window (Conv), each input element scattered through the kernel
 * (ConvTranspose), in double, the pads and output sizes worked out from
 * the spec's formulas here too. The cases walk every path of the ops:
 * im2col with the Gemm kernels (and the plain Gemm loop: kernels
 * "reference"), column tiles (a matrix beyond the tile limit), the 1x1
 * shortcut, the depthwise loop, groups, strides, dilations, pads, every
 * auto_pad, output_padding and output_shape, 1-D to 3-D, bias or not,
 * batches, a fused Relu / LeakyRelu, a symbolic batch dim, float and
 * double; then the refusals.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/kernels/vec_exp.h"
#include "model_builder.h"
#include "onnxc.h"
#include "test_rng.h"

static void ok(onnxc_status *st)
{
    cr_assert_null(st, "%s", onnxc_status_message(st));
}

typedef struct conv_case {
    const char *name;
    bool transpose;
    int dims;
    int64_t n, c, m, group;      /* m: output channels */
    int64_t in[3], k[3], s[3], d[3];
    int64_t pads[6];             /* begins then ends */
    const char *auto_pad;        /* NULL: NOTSET (pads as given) */
    int64_t out_pad[3];          /* ConvTranspose */
    int64_t out_shape[3];        /* ConvTranspose; 0: absent */
    bool bias, kernel_attr;
    const char *act;             /* "Relu", "LeakyRelu" or NULL */
} conv_case;

/* The geometry the spec gives: output dims and begin pads. */
static void geometry(const conv_case *t, int64_t *out, int64_t *pb)
{
    for (int i = 0; i < t->dims; i++) {
        int64_t span = (t->k[i] - 1) * t->d[i] + 1, total;
        bool upper = t->auto_pad && strcmp(t->auto_pad, "SAME_UPPER") == 0;
        bool same = t->auto_pad && strncmp(t->auto_pad, "SAME", 4) == 0;
        bool valid = t->auto_pad && strcmp(t->auto_pad, "VALID") == 0;
        pb[i] = valid ? 0 : t->pads[i];
        if (!t->transpose) {
            if (same) {
                out[i] = (t->in[i] + t->s[i] - 1) / t->s[i];
                total = (out[i] - 1) * t->s[i] + span - t->in[i];
                total = total < 0 ? 0 : total;
                pb[i] = upper ? total / 2 : total - total / 2;
            } else {
                int64_t pe = valid ? 0 : t->pads[t->dims + i];
                out[i] = (t->in[i] + pb[i] + pe - span) / t->s[i] + 1;
            }
            continue;
        }
        int64_t full = t->s[i] * (t->in[i] - 1) + t->out_pad[i] + span;
        if (t->out_shape[i] || same) {
            out[i] = t->out_shape[i] ? t->out_shape[i] : t->in[i] * t->s[i];
            total = full - out[i] < 0 ? 0 : full - out[i];
            pb[i] = upper ? total / 2 : total - total / 2;
        } else {
            int64_t pe = valid ? 0 : t->pads[t->dims + i];
            out[i] = full - pb[i] - pe;
        }
    }
}

static size_t count(const int64_t *d, int n)
{
    size_t p = 1;
    for (int i = 0; i < n; i++)
        p *= (size_t)d[i];
    return p;
}

/* The position in a plane of dims `in` of out coordinate o and kernel
 * coordinate kc, or -1 in the padding. */
static long at(const conv_case *t, const int64_t *in, const int64_t *pb,
               const int64_t *o, const int64_t *kc)
{
    long idx = 0;
    for (int i = 0; i < t->dims; i++) {
        int64_t v = o[i] * t->s[i] - pb[i] + kc[i] * t->d[i];
        if (v < 0 || v >= in[i])
            return -1;
        idx = idx * (long)in[i] + (long)v;
    }
    return idx;
}

static void unflat(size_t j, const int64_t *dims, int n, int64_t *o)
{
    for (int i = n - 1; i >= 0; i--) {
        o[i] = (int64_t)(j % (size_t)dims[i]);
        j /= (size_t)dims[i];
    }
}

/* Conv: each output summed over its window. ConvTranspose: each input
 * scattered (the window then slides over the output). */
static void reference(const conv_case *t, const double *x, const double *w,
                      const double *b, const int64_t *out, const int64_t *pb,
                      double *y)
{
    size_t ks = count(t->k, t->dims), xs = count(t->in, t->dims);
    size_t ys = count(out, t->dims);
    int64_t cg = t->c / t->group, mg = t->m / t->group;
    int64_t o[3], kc[3];
    for (int64_t n = 0; n < t->n; n++)
        for (int64_t m = 0; m < t->m; m++)
            for (size_t j = 0; j < ys; j++)
                y[((size_t)(n * t->m + m)) * ys + j] = b ? b[m] : 0;
    for (int64_t n = 0; n < t->n; n++)
        for (int64_t m = 0; m < t->m; m++) {
            int64_t g = m / mg, mm = m % mg;
            for (int64_t ci = 0; ci < cg; ci++) {
                int64_t c = g * cg + ci;
                const double *xc = x + (size_t)(n * t->c + c) * xs;
                double *ym = y + (size_t)(n * t->m + m) * ys;
                const double *wk = t->transpose
                    ? w + (size_t)(c * mg + mm) * ks
                    : w + (size_t)(m * cg + ci) * ks;
                for (size_t r = 0; r < ks; r++) {
                    unflat(r, t->k, t->dims, kc);
                    if (!t->transpose)
                        for (size_t j = 0; j < ys; j++) {
                            unflat(j, out, t->dims, o);
                            long i = at(t, t->in, pb, o, kc);
                            if (i >= 0)
                                ym[j] += wk[r] * xc[i];
                        }
                    else
                        for (size_t j = 0; j < xs; j++) {
                            unflat(j, t->in, t->dims, o);
                            long i = at(t, out, pb, o, kc);
                            if (i >= 0)
                                ym[i] += wk[r] * xc[j];
                        }
                }
            }
        }
    size_t total = (size_t)(t->n * t->m) * ys;
    for (size_t i = 0; t->act && i < total; i++)
        if (y[i] < 0)
            y[i] = strcmp(t->act, "Relu") == 0 ? 0 : (double)0.1f * y[i];
}

static void dims_text(char *buf, size_t size, int64_t a, int64_t b,
                      const int64_t *rest, int n, const char *first)
{
    int len = first ? snprintf(buf, size, "%s,%lld", first, (long long)b)
                    : snprintf(buf, size, "%lld,%lld", (long long)a, (long long)b);
    for (int i = 0; i < n; i++)
        len += snprintf(buf + len, size - (size_t)len, ",%lld", (long long)rest[i]);
}

/* The model of case t: X a graph input (its batch dim named `batch` when
 * given), W and B initializers. */
static mb_model *build(const conv_case *t, int dtype, const double *w,
                       const double *b, const char *batch)
{
    int64_t wd0 = t->transpose ? t->c : t->m;
    int64_t wd1 = t->transpose ? t->m / t->group : t->c / t->group;
    size_t wn = (size_t)(wd0 * wd1) * count(t->k, t->dims);
    size_t es = dtype == ONNXC_FLOAT ? 4 : 8;
    char text[96];
    mb_model *m = mb_new(8);
    mb_opset(m, "", 11);
    dims_text(text, sizeof text, t->n, t->c, t->in, t->dims, batch);
    mb_input(m, "x", dtype, text);
    void *buf = malloc(wn * es + (size_t)t->m * es + 8);
    cr_assert_not_null(buf);
    for (size_t i = 0; i < wn; i++)
        if (dtype == ONNXC_FLOAT)
            ((float *)buf)[i] = (float)w[i];
        else
            ((double *)buf)[i] = w[i];
    dims_text(text, sizeof text, wd0, wd1, t->k, t->dims, NULL);
    mb_initializer_raw(m, "w", dtype, text, buf, wn * es);
    if (t->bias) {
        for (int64_t i = 0; i < t->m; i++)
            if (dtype == ONNXC_FLOAT)
                ((float *)buf)[i] = (float)b[i];
            else
                ((double *)buf)[i] = b[i];
        snprintf(text, sizeof text, "%lld", (long long)t->m);
        mb_initializer_raw(m, "b", dtype, text, buf, (size_t)t->m * es);
    }
    free(buf);
    Onnx__NodeProto *node = mb_node(m, t->transpose ? "ConvTranspose" : "Conv",
                                    "conv", t->bias ? "x,w,b" : "x,w",
                                    t->act ? "c" : "y");
    mb_attr_ints(m, node, "strides", t->s, (size_t)t->dims);
    mb_attr_ints(m, node, "dilations", t->d, (size_t)t->dims);
    if (t->auto_pad)
        mb_attr_string(m, node, "auto_pad", t->auto_pad);
    else
        mb_attr_ints(m, node, "pads", t->pads, 2 * (size_t)t->dims);
    if (t->group != 1)
        mb_attr_int(m, node, "group", t->group);
    if (t->kernel_attr)
        mb_attr_ints(m, node, "kernel_shape", t->k, (size_t)t->dims);
    if (t->transpose && (t->out_pad[0] || t->out_pad[1] || t->out_pad[2]))
        mb_attr_ints(m, node, "output_padding", t->out_pad, (size_t)t->dims);
    if (t->transpose && t->out_shape[0])
        mb_attr_ints(m, node, "output_shape", t->out_shape, (size_t)t->dims);
    if (t->act) {
        Onnx__NodeProto *a = mb_node(m, t->act, "act", "c", "y");
        if (strcmp(t->act, "LeakyRelu") == 0)
            mb_attr_float(m, a, "alpha", 0.1f);
    }
    mb_output(m, "y", dtype, NULL);
    return m;
}

static double rnd(rng *r) { return (double)rng_below(r, 2001) / 1000 - 1; }

/* Runs case t in dtype with `kernels` and `threads`, and compares every
 * element with the reference. */
static void check(const conv_case *t, int dtype, onnxc_kernels kernels,
                  int threads, const char *batch)
{
    rng r = rng_seed(11);
    int64_t out[3], pb[3];
    geometry(t, out, pb);
    size_t xn = (size_t)(t->n * t->c) * count(t->in, t->dims);
    size_t wn = (size_t)(t->c * (t->m / t->group)) * count(t->k, t->dims);
    size_t yn = (size_t)(t->n * t->m) * count(out, t->dims);
    double *x = malloc(xn * 8), *w = malloc(wn * 8), *y = malloc(yn * 8);
    double b[256];
    float *xf = malloc(xn * 4);
    cr_assert(x && w && y && xf && t->m <= 256);
    for (size_t i = 0; i < xn; i++) {
        xf[i] = (float)rnd(&r);
        x[i] = xf[i];
    }
    for (size_t i = 0; i < wn; i++)
        w[i] = (float)rnd(&r);
    for (int64_t i = 0; i < t->m; i++)
        b[i] = (float)rnd(&r);
    reference(t, x, w, t->bias ? b : NULL, out, pb, y);

    mb_model *m = build(t, dtype, w, b, batch);
    onnxc_model *model = NULL;
    onnxc_session *s = NULL;
    onnxc_session_options *o = NULL;
    ok(mb_load(m, NULL, &model));
    mb_free(m);
    ok(onnxc_session_options_create(&o));
    ok(onnxc_session_options_set_kernels(o, kernels));
    ok(onnxc_session_options_set_threads(o, threads));
    ok(onnxc_session_create(model, o, &s));
    onnxc_session_options_free(o);
    int64_t xd[5] = {t->n, t->c, t->in[0], t->in[1], t->in[2]};
    ok(onnxc_session_bind_input(s, 0, dtype, xd, (size_t)t->dims + 2,
                                dtype == ONNXC_FLOAT ? (void *)xf : (void *)x));
    ok(onnxc_session_run(s));
    onnxc_tensor_view v;
    ok(onnxc_session_output(s, 0, &v));
    cr_assert_eq(v.rank, t->dims + 2, "%s", t->name);
    cr_assert(v.dims[0] == t->n && v.dims[1] == t->m, "%s", t->name);
    for (int i = 0; i < t->dims; i++)
        cr_assert_eq(v.dims[2 + i], out[i], "%s: dim %d is %lld, want %lld",
                     t->name, i, (long long)v.dims[2 + i], (long long)out[i]);
    size_t taps = (size_t)(t->c / t->group) * count(t->k, t->dims) + 1;
    double tol = dtype == ONNXC_FLOAT ? 4e-7 * (double)taps : 1e-14 * (double)taps;
    for (size_t i = 0; i < yn; i++) {
        double got = dtype == ONNXC_FLOAT ? ((const float *)v.data)[i]
                                          : ((const double *)v.data)[i];
        cr_assert(fabs(got - y[i]) <= tol + tol * fabs(y[i]),
                  "%s %s kernels %d threads %d: y[%zu] = %.9g, want %.9g",
                  t->name, dtype == ONNXC_FLOAT ? "float" : "double",
                  (int)kernels, threads, i, got, y[i]);
    }
    onnxc_session_free(s);
    onnxc_model_free(model);
    free(x);
    free(w);
    free(y);
    free(xf);
}

static void check_all(const conv_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        check(&cases[i], ONNXC_FLOAT, ONNXC_KERNELS_AUTO, 1, NULL);
        check(&cases[i], ONNXC_FLOAT, ONNXC_KERNELS_AUTO, 2, NULL);
        check(&cases[i], ONNXC_FLOAT, ONNXC_KERNELS_REFERENCE, 1, NULL);
        if (oc_vec_isa_available(VEC_AVX2))
            check(&cases[i], ONNXC_FLOAT, ONNXC_KERNELS_AVX2, 1, NULL);
        check(&cases[i], ONNXC_DOUBLE, ONNXC_KERNELS_AUTO, 1, NULL);
    }
}

#define ONES {1, 1, 1}

static const conv_case conv_cases[] = {
    {"3x3 pad 1", false, 2, 1, 3, 4, 1, {7, 6}, {3, 3}, ONES, ONES, {1, 1, 1, 1},
     NULL, {0}, {0}, true, false, NULL},
    {"stride, dilation, asymmetric pads", false, 2, 2, 2, 3, 1, {11, 9}, {3, 2},
     {2, 3}, {2, 1}, {0, 2, 1, 0}, NULL, {0}, {0}, true, true, NULL},
    {"1-D", false, 1, 2, 3, 5, 1, {17}, {4}, {2}, ONES, {2, 1}, NULL, {0}, {0},
     false, false, NULL},
    {"3-D", false, 3, 1, 2, 3, 1, {5, 6, 4}, {2, 3, 2}, {1, 2, 1}, {2, 1, 1},
     {1, 0, 1, 0, 1, 1}, NULL, {0}, {0}, true, false, NULL},
    {"groups", false, 2, 2, 4, 6, 2, {6, 6}, {3, 3}, ONES, ONES, {1, 1, 1, 1},
     NULL, {0}, {0}, true, false, NULL},
    {"depthwise", false, 2, 2, 4, 4, 4, {8, 7}, {3, 3}, {2, 1}, ONES,
     {1, 1, 1, 1}, NULL, {0}, {0}, true, false, NULL},
    {"one input channel (LeNet's first layer), pads beyond the taps", false,
     2, 2, 1, 5, 1, {9, 11}, {3, 4}, {1, 2}, {2, 1}, {1, 0, 2, 3}, NULL, {0},
     {0}, true, false, NULL},
    {"depthwise multiplier 2", false, 2, 1, 3, 6, 3, {6, 6}, {3, 2}, ONES,
     {1, 2}, {0, 1, 2, 0}, NULL, {0}, {0}, false, false, "Relu"},
    /* planes wide enough for the vector columns (16 or 8 at a time), their
     * masked last part and their edges: stride 1 and 2, dilation, planes
     * narrower than a vector */
    {"depthwise wide, stride 1", false, 2, 1, 3, 3, 3, {9, 41}, {3, 3}, ONES,
     ONES, {1, 1, 1, 1}, NULL, {0}, {0}, true, false, "Relu"},
    {"depthwise wide, stride 2", false, 2, 2, 2, 2, 2, {11, 70}, {3, 3},
     {2, 2}, ONES, {1, 1, 1, 1}, NULL, {0}, {0}, true, false, NULL},
    {"depthwise wide, stride 2, even width, no pads", false, 2, 1, 2, 2, 2,
     {5, 34}, {3, 3}, {2, 2}, ONES, {0, 0, 0, 0}, NULL, {0}, {0}, false,
     false, NULL},
    {"depthwise wide, 5x5 dilated", false, 2, 1, 2, 4, 2, {12, 53}, {5, 5},
     {1, 2}, {2, 2}, {4, 3, 4, 5}, NULL, {0}, {0}, true, false, NULL},
    {"depthwise 14x14 (a part-vector only)", false, 2, 1, 3, 3, 3, {14, 14},
     {3, 3}, ONES, ONES, {1, 1, 1, 1}, NULL, {0}, {0}, true, false, NULL},
    {"depthwise 13 wide, stride 2, part-vector at the end", false, 2, 1, 2,
     2, 2, {7, 13}, {3, 3}, {2, 2}, ONES, {1, 1, 1, 1}, NULL, {0}, {0}, true,
     false, NULL},
    /* rows in fours and the rest (9, 6, 5), edge vectors on both sides of
     * wide rows, pads wider than a tap's reach */
    {"depthwise 150 wide, 9 rows", false, 2, 1, 2, 2, 2, {9, 150}, {3, 3},
     ONES, ONES, {1, 1, 1, 1}, NULL, {0}, {0}, true, false, NULL},
    {"depthwise 301 wide, stride 2, dilated", false, 2, 1, 2, 2, 2, {11, 301},
     {3, 3}, {2, 2}, {1, 2}, {2, 3, 1, 2}, NULL, {0}, {0}, true, false, NULL},
    {"depthwise 5x5, pads beyond the taps", false, 2, 1, 1, 1, 1, {5, 40},
     {5, 5}, {1, 2}, ONES, {4, 5, 3, 6}, NULL, {0}, {0}, true, false, NULL},
    {"1x1", false, 2, 3, 5, 7, 1, {4, 5}, {1, 1}, ONES, ONES, {0}, NULL, {0},
     {0}, true, false, "LeakyRelu"},
    {"1x1 grouped", false, 2, 1, 4, 6, 2, {3, 3}, {1, 1}, ONES, ONES, {0}, NULL,
     {0}, {0}, true, false, NULL},
    {"1x1 stride 2", false, 2, 1, 3, 4, 1, {5, 6}, {1, 1}, {2, 2}, ONES, {0},
     NULL, {0}, {0}, false, false, NULL},
    {"1x1 padded", false, 1, 1, 3, 2, 1, {5}, {1}, ONES, ONES, {1, 2}, NULL,
     {0}, {0}, true, false, NULL},
    {"SAME_UPPER", false, 2, 1, 2, 3, 1, {7, 8}, {4, 3}, {2, 3}, ONES, {0},
     "SAME_UPPER", {0}, {0}, true, false, NULL},
    {"SAME_LOWER", false, 2, 1, 2, 3, 1, {7, 8}, {4, 3}, {2, 3}, ONES, {0},
     "SAME_LOWER", {0}, {0}, true, false, NULL},
    {"VALID", false, 2, 1, 2, 3, 1, {7, 8}, {3, 3}, {2, 1}, ONES, {5, 5, 5, 5},
     "VALID", {0}, {0}, false, false, NULL},
    {"many outputs, Gemm's blocked path", false, 2, 2, 16, 40, 1, {20, 20},
     {3, 3}, ONES, ONES, {1, 1, 1, 1}, NULL, {0}, {0}, true, false, "Relu"},
    /* columns made in the Gemm's packed layout: rows (5 x 9, 61 x 9) not a
     * multiple of the 16 made at once, a second block of K (549 > 512) */
    {"packed columns, 45 rows", false, 2, 1, 5, 20, 1, {22, 21}, {3, 3},
     ONES, ONES, {1, 1, 1, 1}, NULL, {0}, {0}, true, false, NULL},
    {"packed columns, 549 rows", false, 2, 1, 61, 17, 1, {9, 11}, {3, 3},
     {1, 2}, ONES, {1, 1, 1, 1}, NULL, {0}, {0}, true, false, NULL},
    /* columns made from phase planes: strides split the padded input into
     * phases (2 x 3 here), dilation and asymmetric pads shift the taps
     * within them; 1-D (positions are the outputs, no compaction), 3-D, a
     * stride longer than the window (taps skip inputs), and a pad beyond
     * the window's reach */
    {"phase planes, stride 2x3, dilated, asymmetric pads", false, 2, 1, 6,
     20, 1, {23, 19}, {3, 3}, {2, 3}, {2, 1}, {1, 0, 2, 3}, NULL, {0}, {0},
     true, false, "Relu"},
    {"phase planes, 1-D stride 3", false, 1, 2, 8, 24, 1, {301}, {5}, {3},
     {2}, {2, 1}, NULL, {0}, {0}, true, false, NULL},
    {"phase planes, 3-D", false, 3, 1, 4, 16, 1, {6, 9, 10}, {2, 3, 3},
     {1, 2, 1}, {1, 1, 2}, {1, 0, 1, 1, 0, 2}, NULL, {0}, {0}, true, false,
     NULL},
    {"phase planes, stride 3 over a 2x2 window", false, 2, 1, 5, 16, 1,
     {30, 31}, {2, 2}, {3, 3}, ONES, {0, 0, 0, 0}, NULL, {0}, {0}, false,
     false, NULL},
    {"pointwise, its phase planes X itself", false, 2, 2, 40, 24, 1,
     {20, 21}, {1, 1}, ONES, ONES, {0}, NULL, {0}, {0}, true, false, "Relu"},
    /* on 2 threads with fewer panels of positions than tasks, the
     * columns are made whole first, shared: two blocks of K (576 rows),
     * one and two chunks of 256 positions */
    {"phase planes made whole, 14x14", false, 2, 1, 64, 40, 1, {14, 14},
     {3, 3}, ONES, ONES, {1, 1, 1, 1}, NULL, {0}, {0}, true, false, "Relu"},
    {"phase planes made whole, 18x20", false, 2, 1, 64, 24, 1, {18, 20},
     {3, 3}, ONES, ONES, {1, 1, 1, 1}, NULL, {0}, {0}, true, false, NULL},
    /* an input of no columns whose pads still make outputs: bias only */
    {"empty input, padded", false, 2, 1, 3, 24, 1, {20, 0}, {3, 3}, ONES,
     ONES, {1, 10, 1, 10}, NULL, {0}, {0}, true, false, NULL},
    {"phase planes, pads beyond the window", false, 2, 1, 3, 18, 1,
     {12, 14}, {3, 3}, ONES, ONES, {4, 3, 5, 4}, NULL, {0}, {0}, true, false,
     NULL},
};

Test(conv, every_path_against_the_window_sum)
{
    check_all(conv_cases, sizeof conv_cases / sizeof *conv_cases);
}

/* 64 channels x 3x3 = 576 rows of 16384 columns: beyond the 4M elements
 * of one tile, so the columns are made a tile at a time. */
Test(conv, column_tiles)
{
    static const conv_case tiled = {"tiled", false, 2, 1, 64, 3, 1, {130, 130},
                                    {3, 3}, ONES, ONES, {1, 1, 1, 1}, NULL,
                                    {0}, {0}, true, false, "Relu"};
    check(&tiled, ONNXC_FLOAT, ONNXC_KERNELS_AUTO, 2, NULL);
    check(&tiled, ONNXC_DOUBLE, ONNXC_KERNELS_AUTO, 1, NULL);
}

/* As many (image, group) products as threads or more run side by side,
 * each thread with its own slot of the workspace: 5 images on 2 and 3
 * threads (uneven shares), groups of one image, column tiles, double. */
Test(conv, products_side_by_side_on_threads)
{
    static const conv_case side = {"5 images", false, 2, 5, 3, 8, 1, {9, 10},
                                   {3, 3}, ONES, ONES, {1, 1, 1, 1}, NULL,
                                   {0}, {0}, true, false, "Relu"};
    static const conv_case tiled = {"tiled, 2 images", false, 2, 2, 64, 3, 1,
                                    {130, 130}, {3, 3}, ONES, ONES,
                                    {1, 1, 1, 1}, NULL, {0}, {0}, true, false,
                                    NULL};
    for (int threads = 2; threads <= 3; threads++) {
        check(&side, ONNXC_FLOAT, ONNXC_KERNELS_AUTO, threads, NULL);
        check(&side, ONNXC_DOUBLE, ONNXC_KERNELS_AUTO, threads, NULL);
        check(&conv_cases[4], ONNXC_FLOAT, ONNXC_KERNELS_AUTO, threads, NULL);
    }
    check(&tiled, ONNXC_FLOAT, ONNXC_KERNELS_AUTO, 2, NULL);
}

Test(conv, symbolic_batch)
{
    check(&conv_cases[0], ONNXC_FLOAT, ONNXC_KERNELS_AUTO, 1, "batch");
    check(&conv_cases[4], ONNXC_DOUBLE, ONNXC_KERNELS_AUTO, 1, "batch");
}

static const conv_case transpose_cases[] = {
    {"plain", true, 2, 1, 2, 3, 1, {3, 4}, {3, 3}, ONES, ONES, {0}, NULL, {0},
     {0}, true, false, NULL},
    {"strides, pads, output_padding", true, 2, 2, 3, 2, 1, {4, 3}, {3, 2},
     {3, 2}, ONES, {1, 0, 2, 1}, NULL, {1, 1}, {0}, true, true, NULL},
    {"dilations", true, 2, 1, 2, 2, 1, {3, 3}, {2, 2}, {2, 1}, {2, 3}, {0},
     NULL, {0}, {0}, false, false, NULL},
    {"groups", true, 2, 2, 4, 6, 2, {3, 3}, {3, 3}, {2, 2}, ONES, {1, 1, 1, 1},
     NULL, {0}, {0}, true, false, "Relu"},
    {"depthwise", true, 2, 1, 3, 3, 3, {4, 4}, {3, 3}, {2, 2}, ONES, {0}, NULL,
     {0}, {0}, true, false, NULL},
    {"1-D output_shape", true, 1, 1, 2, 3, 1, {5}, {3}, {2}, ONES, {0}, NULL,
     {0}, {12}, true, false, NULL},
    {"output_shape odd total", true, 2, 1, 1, 2, 1, {3, 3}, {3, 3}, {2, 2},
     ONES, {0}, NULL, {0}, {6, 5}, false, false, NULL},
    {"3-D", true, 3, 1, 2, 2, 1, {3, 2, 3}, {2, 2, 3}, {2, 1, 2}, ONES,
     {0, 1, 0, 0, 0, 1}, NULL, {1, 0, 0}, {0}, true, false, "LeakyRelu"},
    {"SAME_UPPER", true, 2, 1, 2, 2, 1, {3, 3}, {3, 3}, {2, 2}, ONES, {0},
     "SAME_UPPER", {0}, {0}, true, false, NULL},
    {"SAME_LOWER", true, 2, 1, 2, 2, 1, {3, 3}, {3, 3}, {2, 2}, ONES, {0},
     "SAME_LOWER", {0}, {0}, true, false, NULL},
    {"VALID", true, 2, 1, 2, 2, 1, {3, 3}, {3, 2}, ONES, ONES, {1, 1, 1, 1},
     "VALID", {0}, {0}, true, false, NULL},
    {"many channels", true, 2, 2, 24, 20, 1, {9, 9}, {3, 3}, {2, 2}, ONES,
     {1, 1, 1, 1}, NULL, {0}, {0}, true, false, NULL},
};

Test(conv_transpose, every_path_against_the_scatter)
{
    check_all(transpose_cases, sizeof transpose_cases / sizeof *transpose_cases);
}

/* 64 outputs x 3x3 = 576 rows of 10000 positions: column tiles. */
Test(conv_transpose, column_tiles)
{
    static const conv_case tiled = {"tiled", true, 2, 1, 2, 64, 1, {100, 100},
                                    {3, 3}, ONES, ONES, {1, 1, 1, 1}, NULL,
                                    {0}, {0}, true, false, NULL};
    check(&tiled, ONNXC_FLOAT, ONNXC_KERNELS_AUTO, 2, NULL);
    check(&tiled, ONNXC_DOUBLE, ONNXC_KERNELS_AUTO, 1, NULL);
}

Test(conv_transpose, symbolic_batch)
{
    check(&transpose_cases[1], ONNXC_FLOAT, ONNXC_KERNELS_AUTO, 1, "batch");
}

/* A model that must be refused at load with `code` and a message
 * holding `what`. */
static void refused(const conv_case *t, const int64_t *w_dims, int64_t b_len,
                    onnxc_code code, const char *what)
{
    double zeros[512] = {0};
    mb_model *m = build(t, ONNXC_FLOAT, zeros, zeros, NULL);
    Onnx__GraphProto *g = mb_proto(m)->graph;
    for (size_t i = 0; i < g->n_initializer; i++) {
        Onnx__TensorProto *init = g->initializer[i];
        size_t n = 1;
        if (strcmp(init->name, "w") == 0 && w_dims)
            for (size_t d = 0; d < init->n_dims; d++)
                n *= (size_t)(init->dims[d] = w_dims[d]);
        else if (strcmp(init->name, "b") == 0 && b_len)
            n = (size_t)(init->dims[0] = b_len);
        else
            continue;
        cr_assert(n * 4 <= init->raw_data.len, "%s: %zu", t->name, n); /* shrinks only */
        init->raw_data.len = n * 4;
    }
    onnxc_model *model = NULL;
    onnxc_status *st = mb_load(m, NULL, &model);
    onnxc_session *s = NULL;
    if (!st)
        st = onnxc_session_create(model, NULL, &s);
    mb_free(m);
    cr_assert_not_null(st, "%s: accepted", t->name);
    cr_assert_eq(onnxc_status_code(st), code, "%s: %s", t->name,
                 onnxc_status_message(st));
    cr_assert(strstr(onnxc_status_message(st), what), "%s: %s", t->name,
              onnxc_status_message(st));
    onnxc_status_free(st);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(conv, refusals)
{
    conv_case t = conv_cases[0];   /* X [1, 3, 7, 6], W [4, 3, 3, 3] */
    t.group = 2;                   /* 3 channels, 2 groups */
    refused(&t, (const int64_t[]){4, 1, 3, 3}, 0, ONNXC_ERR_SHAPE, "does not divide");
    t = conv_cases[0];
    refused(&t, (const int64_t[]){4, 2, 3, 3}, 0, ONNXC_ERR_SHAPE, "channels per group");
    refused(&t, NULL, 3, ONNXC_ERR_SHAPE, "B [3]");
    refused(&t, (const int64_t[]){4, 3, 0, 3}, 0, ONNXC_ERR_SHAPE, "kernel dim 0 of 0");
    t.pads[0] = t.pads[2] = 0;
    t.in[0] = 2;                   /* 3-tall window over 2 rows */
    refused(&t, NULL, 0, ONNXC_ERR_SHAPE, "the padded input has 2");
    t = conv_cases[0];
    t.kernel_attr = true;
    t.k[0] = 2;     /* kernel_shape [2, 3], W 3x2 */
    refused(&t, (const int64_t[]){4, 3, 3, 2}, 0, ONNXC_ERR_SHAPE, "kernel_shape[0] is 2");
    t = transpose_cases[0];        /* X [1, 2, 3, 4], W [2, 3, 3, 3] */
    refused(&t, (const int64_t[]){1, 3, 3, 3}, 0, ONNXC_ERR_SHAPE, "input channels");
    refused(&t, NULL, 2, ONNXC_ERR_SHAPE, "B [2]");
    t.pads[0] = t.pads[2] = 3;     /* 5 rows less 6 of pads */
    refused(&t, NULL, 0, ONNXC_ERR_SHAPE, "gives an output of");
}

/* pads may only come with auto_pad NOTSET (the spec; onnxruntime also
 * refuses both). */
Test(conv, pads_with_auto_pad)
{
    static const int64_t pads[] = {1, 1, 1, 1};
    double zeros[512] = {0};
    conv_case t = conv_cases[0];
    for (size_t i = 0; i < sizeof conv_cases / sizeof *conv_cases; i++)
        if (!strcmp(conv_cases[i].name, "SAME_UPPER"))
            t = conv_cases[i];
    cr_assert_str_eq(t.name, "SAME_UPPER");
    for (int op = 0; op < 2; op++) {
        t.transpose = op == 1;
        mb_model *m = build(&t, ONNXC_FLOAT, zeros, zeros, NULL);
        mb_attr_ints(m, mb_proto(m)->graph->node[0], "pads", pads, 4);
        onnxc_model *model = NULL;
        onnxc_status *st = mb_load(m, NULL, &model);
        mb_free(m);
        cr_assert_not_null(st);
        cr_assert_eq(onnxc_status_code(st), ONNXC_ERR_INVALID_MODEL, "%s",
                     onnxc_status_message(st));
        cr_assert(strstr(onnxc_status_message(st), "pads and auto_pad are both given"),
                  "%s", onnxc_status_message(st));
        onnxc_status_free(st);
    }
}
