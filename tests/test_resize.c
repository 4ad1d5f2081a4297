/*
 * test_resize.c - Resize and Upsample (ops/image/) through a session
 * against a plain reference written here: for every output element, per
 * axis the taps the spec's formulas give, and the sum over every
 * combination of taps (not the engine's one pass per axis). Nearest,
 * linear and cubic over 2 to 4 axes and every coordinate transform,
 * antialias, axes and keep_aspect_ratio_policy, Upsample 7 and 9; and the
 * refusals: scales and sizes both given, a scale of 0, an output of 10^12
 * elements, roi of the wrong length, an axis given twice, Upsample 1.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model_builder.h"
#include "onnxc.h"
#include "test_rng.h"

static void ok(onnxc_status *st)
{
    cr_assert_null(st, "%s", onnxc_status_message(st));
}

/* What one case asks for. */
typedef struct rcase {
    int opset;
    const char *mode, *coord, *nearest, *policy;
    float cubic_a, extrapolation;
    int exclude, antialias;
    int rank;
    int64_t dims[4];
    int n_axes;                 /* 0: no axes attribute */
    int64_t axes[4];
    const float *scales;        /* n_axes (or rank) entries, or NULL */
    const int64_t *sizes;
    const float *roi;
} rcase;

static int resized_count(const rcase *c) { return c->n_axes ? c->n_axes : c->rank; }

static onnxc_model *resize_model(const rcase *c, onnxc_status **err)
{
    char xs[64] = "";
    for (int d = 0; d < c->rank; d++)
        snprintf(xs + strlen(xs), sizeof xs - strlen(xs), d ? ",%lld" : "%lld",
                 (long long)c->dims[d]);
    int n = resized_count(c);
    char ns[16], rs[16];
    snprintf(ns, sizeof ns, "%d", n);
    snprintf(rs, sizeof rs, "%d", 2 * n);
    mb_model *m = mb_new(8);
    mb_opset(m, "", c->opset);
    mb_input(m, "x", ONNXC_FLOAT, xs);
    if (c->roi)
        mb_initializer_f32(m, "roi", rs, c->roi, (size_t)2 * (size_t)n);
    if (c->scales)
        mb_initializer_f32(m, "scales", ns, c->scales, (size_t)n);
    if (c->sizes)
        mb_initializer_raw(m, "sizes", ONNXC_INT64, ns, c->sizes,
                           (size_t)n * sizeof(int64_t));
    char inputs[64];
    snprintf(inputs, sizeof inputs, "x,%s,%s%s", c->roi ? "roi" : "",
             c->scales ? "scales" : "", c->sizes ? ",sizes" : "");
    Onnx__NodeProto *node = mb_node(m, "Resize", "resize", inputs, "y");
    mb_attr_string(m, node, "mode", c->mode);
    if (c->coord)
        mb_attr_string(m, node, "coordinate_transformation_mode", c->coord);
    if (c->nearest)
        mb_attr_string(m, node, "nearest_mode", c->nearest);
    if (c->policy)
        mb_attr_string(m, node, "keep_aspect_ratio_policy", c->policy);
    if (c->cubic_a != 0)
        mb_attr_float(m, node, "cubic_coeff_a", c->cubic_a);
    if (c->extrapolation != 0)
        mb_attr_float(m, node, "extrapolation_value", c->extrapolation);
    if (c->exclude)
        mb_attr_int(m, node, "exclude_outside", 1);
    if (c->antialias)
        mb_attr_int(m, node, "antialias", 1);
    if (c->n_axes)
        mb_attr_ints(m, node, "axes", c->axes, (size_t)c->n_axes);
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    onnxc_model *model = NULL;
    *err = mb_load(m, NULL, &model);
    mb_free(m);
    return model;
}

/* ----------------------------------------------------- the reference */

typedef struct axis_ref {
    int64_t in, out;
    double scale, roi0, roi1;
} axis_ref;

static double cubic_w(double t, double a)
{
    t = fabs(t);
    return t <= 1 ? (a + 2) * t * t * t - (a + 3) * t * t + 1
           : t < 2 ? a * t * t * t - 5 * a * t * t + 8 * a * t - 4 * a : 0;
}

/* The taps of output index o along one axis: count, indices, weights;
 * -1 when tf_crop_and_resize extrapolates. */
static int ref_taps(const rcase *c, const axis_ref *ax, int64_t o,
                    int64_t *idx, double *w)
{
    double n = (double)ax->in, s = ax->scale, m = s * n, x = (double)o, xo;
    const char *coord = c->coord ? c->coord : "half_pixel";
    if (!strcmp(coord, "align_corners"))
        xo = m == 1 ? 0 : x * (n - 1) / (m - 1);
    else if (!strcmp(coord, "asymmetric"))
        xo = x / s;
    else if (!strcmp(coord, "pytorch_half_pixel"))
        xo = ax->out > 1 ? (x + 0.5) / s - 0.5 : 0;
    else if (!strcmp(coord, "tf_half_pixel_for_nn"))
        xo = (x + 0.5) / s;
    else if (!strcmp(coord, "half_pixel_symmetric"))
        xo = n / 2 * (1 - (double)ax->out / m) + (x + 0.5) / s - 0.5;
    else if (!strcmp(coord, "tf_crop_and_resize")) {
        xo = m == 1 ? (ax->roi1 - ax->roi0) * (n - 1) / 2
                    : x * (ax->roi1 - ax->roi0) * (n - 1) / (m - 1);
        xo += ax->roi0 * (n - 1);
        if (xo < 0 || xo > n - 1)
            return -1;
    } else
        xo = (x + 0.5) / s - 0.5;
    double f = floor(xo), r = xo - f;
    if (!strcmp(c->mode, "nearest")) {
        const char *nm = c->nearest ? c->nearest : "round_prefer_floor";
        double i = !strcmp(nm, "floor") ? f : !strcmp(nm, "ceil") ? ceil(xo)
                   : !strcmp(nm, "round_prefer_ceil") ? (r >= 0.5 ? f + 1 : f)
                   : (r > 0.5 ? f + 1 : f);
        idx[0] = i < 0 ? 0 : i > n - 1 ? ax->in - 1 : (int64_t)i;
        w[0] = 1;
        return 1;
    }
    bool cubic = !strcmp(c->mode, "cubic");
    double st = c->antialias && s < 1 ? s : 1, sum = 0;
    int first = (int)floor((cubic ? -2 : -1) / st) + 1, k = 0;
    for (int i = first; i < 2 - first; i++, k++) {
        double a = c->cubic_a != 0 ? c->cubic_a : -0.75;
        double t = (i - r) * st;
        w[k] = cubic ? cubic_w(t, a) : fmax(0, 1 - fabs(t));
        int64_t at = (int64_t)f + i;
        if (c->exclude && (at < 0 || at >= ax->in))
            w[k] = 0;
        idx[k] = at < 0 ? 0 : at >= ax->in ? ax->in - 1 : at;
        sum += w[k];
    }
    for (int j = 0; j < k; j++)
        w[j] /= sum;
    return k;
}

/* y by the reference, at the shape the axes give. */
static void reference(const rcase *c, const axis_ref *ax, const float *x,
                      double *y)
{
    int rank = c->rank;
    int64_t o[4] = {0, 0, 0, 0}, total = 1, xs[4];
    for (int d = 0; d < rank; d++)
        total *= ax[d].out;
    xs[rank - 1] = 1;
    for (int d = rank - 1; d > 0; d--)
        xs[d - 1] = xs[d] * ax[d].in;
    for (int64_t e = 0; e < total; e++) {
        int64_t idx[4][64], cnt[4];
        double w[4][64];
        bool extrapolate = false;
        int64_t rest = e;
        for (int d = rank - 1; d >= 0; d--) {
            o[d] = rest % ax[d].out;
            rest /= ax[d].out;
        }
        for (int d = 0; d < rank; d++) {
            cnt[d] = ref_taps(c, &ax[d], o[d], idx[d], w[d]);
            extrapolate = extrapolate || cnt[d] < 0;
        }
        if (extrapolate) {
            y[e] = c->extrapolation;
            continue;
        }
        int64_t t[4] = {0, 0, 0, 0};
        double acc = 0;
        for (;;) {
            double wt = 1;
            int64_t at = 0;
            for (int d = 0; d < rank; d++) {
                wt *= w[d][t[d]];
                at += idx[d][t[d]] * xs[d];
            }
            acc += wt * x[at];
            int d = rank - 1;
            while (d >= 0 && ++t[d] == cnt[d])
                t[d--] = 0;
            if (d < 0)
                break;
        }
        y[e] = acc;
    }
}

/* The axes of a case as the spec computes them from scales or sizes. */
static void case_axes(const rcase *c, axis_ref *ax)
{
    int n = resized_count(c);
    for (int d = 0; d < c->rank; d++)
        ax[d] = (axis_ref){c->dims[d], c->dims[d], 1, 0, 1};
    double chosen = c->policy && !strcmp(c->policy, "not_larger") ? INFINITY : 0;
    for (int i = 0; i < n; i++) {
        int d = c->n_axes ? (int)(c->axes[i] < 0 ? c->axes[i] + c->rank : c->axes[i]) : i;
        if (c->roi) {
            ax[d].roi0 = c->roi[i];
            ax[d].roi1 = c->roi[n + i];
        }
        if (c->scales) {
            ax[d].scale = c->scales[i];
            ax[d].out = (int64_t)floorf((float)ax[d].in * c->scales[i]);
        } else {
            ax[d].out = c->sizes[i];
            ax[d].scale = (double)c->sizes[i] / (double)ax[d].in;
            chosen = !c->policy || !strcmp(c->policy, "stretch") ? 0
                     : !strcmp(c->policy, "not_larger") ? fmin(chosen, ax[d].scale)
                                                       : fmax(chosen, ax[d].scale);
        }
    }
    for (int i = 0; i < n && chosen != 0; i++) {
        int d = c->n_axes ? (int)c->axes[i] : i;
        ax[d].scale = chosen;
        ax[d].out = (int64_t)floor(chosen * (double)ax[d].in + 0.5);
    }
}

static void check_case(const rcase *c, int threads)
{
    float x[4096];
    axis_ref ax[4];
    double want[8192];
    rng r = rng_seed(99);
    int64_t count = 1;
    for (int d = 0; d < c->rank; d++)
        count *= c->dims[d];
    cr_assert(count <= 4096);
    for (int64_t i = 0; i < count; i++)
        x[i] = (float)rng_below(&r, 2001) / 100.0f - 10.0f;
    case_axes(c, ax);
    int64_t total = 1;
    for (int d = 0; d < c->rank; d++)
        total *= ax[d].out;
    cr_assert(total <= 8192);
    reference(c, ax, x, want);
    onnxc_status *err = NULL;
    onnxc_model *model = resize_model(c, &err);
    ok(err);
    onnxc_session_options *opt = NULL;
    ok(onnxc_session_options_create(&opt));
    ok(onnxc_session_options_set_threads(opt, threads));
    onnxc_session *s = NULL;
    ok(onnxc_session_create(model, opt, &s));
    onnxc_session_options_free(opt);
    ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, c->dims, (size_t)c->rank, x));
    ok(onnxc_session_run(s));
    onnxc_tensor_view y;
    ok(onnxc_session_output(s, 0, &y));
    cr_assert(y.rank == c->rank);
    for (int d = 0; d < c->rank; d++)
        cr_assert(y.dims[d] == ax[d].out, "%s %s: dim %d is %lld, want %lld",
                  c->mode, c->coord ? c->coord : "", d, (long long)y.dims[d],
                  (long long)ax[d].out);
    const float *yv = y.data;
    for (int64_t i = 0; i < total; i++)
        cr_assert(fabs(yv[i] - want[i]) <= 1e-4 + 1e-4 * fabs(want[i]),
                  "%s %s %s: element %lld is %.7g, want %.7g", c->mode,
                  c->coord ? c->coord : "half_pixel", c->nearest ? c->nearest : "",
                  (long long)i, yv[i], want[i]);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

static const char *const coords[] = {
    "half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric",
    "tf_half_pixel_for_nn", "half_pixel_symmetric"};

Test(resize, every_mode_and_transform_on_nchw)
{
    static const float up[] = {1, 1, 2, 3}, down[] = {1, 1, 0.6f, 0.45f},
                       mixed[] = {1, 1, 1.7f, 0.75f};
    static const float *const scales[] = {up, down, mixed};
    static const char *const modes[] = {"nearest", "linear", "cubic"};
    for (int mo = 0; mo < 3; mo++)
        for (int co = 0; co < 6; co++)
            for (int sc = 0; sc < 3; sc++) {
                if (co == 4 && mo != 0)
                    continue;   /* tf_half_pixel_for_nn is for nearest */
                rcase c = {.opset = 19, .mode = modes[mo], .coord = coords[co],
                           .rank = 4, .dims = {2, 3, 5, 7}, .scales = scales[sc]};
                check_case(&c, sc == 0 ? 2 : 1);
            }
}

Test(resize, nearest_modes_and_sizes)
{
    static const char *const nm[] = {"round_prefer_floor", "round_prefer_ceil",
                                     "floor", "ceil"};
    static const int64_t sizes[] = {1, 2, 9, 4};
    for (int k = 0; k < 4; k++)
        for (int co = 0; co < 4; co++) {
            rcase c = {.opset = 13, .mode = "nearest", .coord = coords[co],
                       .nearest = nm[k], .rank = 4, .dims = {1, 2, 4, 6},
                       .sizes = sizes};
            check_case(&c, 1);
        }
}

Test(resize, cubic_exclude_outside_and_coefficient)
{
    static const float s[] = {1, 1, 0.8f, 2.5f};
    rcase c = {.opset = 11, .mode = "cubic", .coord = "half_pixel",
               .cubic_a = -0.5f, .exclude = 1, .rank = 4, .dims = {1, 2, 6, 5},
               .scales = s};
    check_case(&c, 1);
}

Test(resize, tf_crop_and_resize_with_extrapolation)
{
    static const float roi[] = {0, 0, -0.2f, 0.3f, 1, 1, 0.9f, 1.4f};
    static const int64_t sizes[] = {1, 2, 5, 4};
    static const char *const modes[] = {"nearest", "linear", "cubic"};
    for (int mo = 0; mo < 3; mo++) {
        rcase c = {.opset = 13, .mode = modes[mo], .coord = "tf_crop_and_resize",
                   .extrapolation = 7.5f, .rank = 4, .dims = {1, 2, 6, 5},
                   .sizes = sizes, .roi = roi};
        check_case(&c, 1);
    }
}

Test(resize, antialias_axes_and_aspect_policies)
{
    static const float s[] = {0.3f, 0.45f};
    static const int64_t sizes[] = {7, 3};
    static const char *const policies[] = {"stretch", "not_larger", "not_smaller"};
    for (int cubic = 0; cubic < 2; cubic++) {
        rcase c = {.opset = 18, .mode = cubic ? "cubic" : "linear",
                   .antialias = 1, .rank = 3, .dims = {2, 17, 13},
                   .n_axes = 2, .axes = {1, -1}, .scales = s};
        check_case(&c, 1);
    }
    for (int p = 0; p < 3; p++) {
        rcase c = {.opset = 18, .mode = "linear", .policy = policies[p],
                   .rank = 3, .dims = {3, 5, 4}, .n_axes = 2, .axes = {2, 1},
                   .sizes = sizes};
        check_case(&c, 1);
    }
}

Test(resize, five_axes_linear_on_rank_4)
{
    /* n-linear over every axis, batch and channels included */
    static const float s[] = {2, 0.5f, 1.5f, 3};
    rcase c = {.opset = 13, .mode = "linear", .coord = "align_corners",
               .rank = 4, .dims = {2, 4, 3, 2}, .scales = s};
    check_case(&c, 1);
}

/* ------------------------------------------------------------ refusals */

static void expect_refused(const rcase *c, const char *part)
{
    onnxc_status *err = NULL;
    onnxc_model *model = resize_model(c, &err);
    onnxc_session *s = NULL;
    float x[64] = {0};
    if (!err)
        err = onnxc_session_create(model, NULL, &s);
    if (!err)   /* a plan-time refusal: the first run makes the plan */
        err = onnxc_session_bind_input(s, 0, ONNXC_FLOAT, c->dims,
                                       (size_t)c->rank, x);
    if (!err)
        err = onnxc_session_run(s);
    cr_assert_not_null(err, "a bad Resize was accepted (%s)", part);
    cr_assert(strstr(onnxc_status_message(err), part),
              "message '%s' lacks '%s'", onnxc_status_message(err), part);
    cr_assert(strstr(onnxc_status_message(err), "resize"),
              "message '%s' does not name the node", onnxc_status_message(err));
    onnxc_status_free(err);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(resize, bad_inputs_are_refused_with_the_node_named)
{
    static const float zero[] = {1, 1, 0, 2}, huge[] = {1, 1, 1e6f, 1e6f},
                       four[] = {1, 1, 2, 2}, roi3[] = {0, 0, 0, 1, 1, 1, 1, 1};
    static const int64_t sz[] = {1, 1, 4, 4}, sz2[] = {4, 4};
    rcase c = {.opset = 13, .mode = "linear", .rank = 4, .dims = {1, 1, 2, 2}};
    c.scales = zero;
    expect_refused(&c, "must be above 0");
    c.scales = huge;   /* 10^12 elements */
    expect_refused(&c, "arena");   /* refused before allocation, node named */
    c.scales = four;
    c.sizes = sz;
    expect_refused(&c, "both scales and sizes");
    c.sizes = NULL;
    c.coord = "tf_crop_and_resize";
    expect_refused(&c, "needs the roi");
    c.coord = NULL;
    c.opset = 18;
    c.n_axes = 2;
    c.axes[0] = c.axes[1] = 2;
    c.scales = NULL;
    c.sizes = sz2;
    expect_refused(&c, "axis");
    c.axes[1] = 3;
    c.roi = roi3;   /* 8 entries for 2 axes */
    c.n_axes = 0;
    c.sizes = sz;
    c.roi = NULL;
    c.mode = "bicubic";
    expect_refused(&c, "mode");
}

/* ------------------------------------------------------------ Upsample */

static onnxc_model *upsample_model(int opset, const char *mode, const float *s,
                                   onnxc_status **err)
{
    mb_model *m = mb_new(3);
    mb_opset(m, "", opset);
    mb_input(m, "x", ONNXC_FLOAT, "1,2,3,4");
    Onnx__NodeProto *node;
    if (opset >= 9) {
        mb_initializer_f32(m, "scales", "4", s, 4);
        node = mb_node(m, "Upsample", "up", "x,scales", "y");
    } else {
        node = mb_node(m, "Upsample", "up", "x", "y");
    }
    mb_attr_string(m, node, "mode", mode);
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    onnxc_model *model = NULL;
    *err = mb_load(m, NULL, &model);
    mb_free(m);
    return model;
}

Test(upsample, version_9_is_resize_asymmetric)
{
    static const float s[] = {1, 1, 2, 1.5f};
    float x[24];
    double want[72];
    for (int i = 0; i < 24; i++)
        x[i] = (float)(i * i % 7) - 2.5f;
    for (int lin = 0; lin < 2; lin++) {
        rcase c = {.opset = 13, .mode = lin ? "linear" : "nearest",
                   .coord = "asymmetric", .nearest = "floor", .rank = 4,
                   .dims = {1, 2, 3, 4}, .scales = s};
        axis_ref ax[4];
        case_axes(&c, ax);
        reference(&c, ax, x, want);
        onnxc_status *err = NULL;
        onnxc_model *model = upsample_model(9, c.mode, s, &err);
        ok(err);
        onnxc_session *ss = NULL;
        ok(onnxc_session_create(model, NULL, &ss));
        int64_t xd[] = {1, 2, 3, 4};
        ok(onnxc_session_bind_input(ss, 0, ONNXC_FLOAT, xd, 4, x));
        ok(onnxc_session_run(ss));
        onnxc_tensor_view y;
        ok(onnxc_session_output(ss, 0, &y));
        cr_assert(y.dims[2] == 6 && y.dims[3] == 6);
        const float *yv = y.data;
        for (int i = 0; i < 72; i++)
            cr_assert(fabs(yv[i] - want[i]) < 1e-5, "%s %d: %g want %g",
                      c.mode, i, yv[i], want[i]);
        onnxc_session_free(ss);
        onnxc_model_free(model);
    }
}

Test(upsample, version_1_is_refused_as_experimental)
{
    onnxc_status *err = NULL;
    onnxc_session *s = NULL;
    onnxc_model *model = upsample_model(6, "nearest", NULL, &err);
    if (!err)
        err = onnxc_session_create(model, NULL, &s);
    cr_assert_not_null(err);
    cr_assert(strstr(onnxc_status_message(err), "experimental"), "%s",
              onnxc_status_message(err));
    onnxc_status_free(err);
    onnxc_session_free(s);
    onnxc_model_free(model);
}
