/*
 * test_grid_sample.c - GridSample (ops/image/grid_sample.c) through a
 * session against a plain reference: each output is the sum, over the
 * taps around the point, of a kernel weight (the triangle for linear,
 * Keys' cubic for cubic, the rounded tap for nearest) times the pixel the
 * tap reads, padded by mirroring step by step or clamping. Random images
 * and grids reaching past the borders, every mode, padding and
 * align_corners at versions 16 and 20 (each with its mode names), float
 * and double; then the refusals (a grid of the wrong shape, a mode name of
 * the other version, 5-D input at 20).
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

static onnxc_status *grid_model(int opset, int dtype, const char *xs, const char *gs,
                                const char *mode, const char *padding, int align,
                                onnxc_model **model)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", opset);
    mb_input(m, "x", dtype, xs);
    mb_input(m, "grid", dtype, gs);
    Onnx__NodeProto *node = mb_node(m, "GridSample", "gs", "x,grid", "y");
    mb_attr_string(m, node, "mode", mode);
    mb_attr_string(m, node, "padding_mode", padding);
    mb_attr_int(m, node, "align_corners", align);
    mb_output(m, "y", dtype, NULL);
    onnxc_status *st = mb_load(m, NULL, model);
    mb_free(m);
    return st;
}

/* The pixel index tap i reads along n pixels, -1 for zero. */
static long ref_tap(long i, long n, const char *padding, int align)
{
    if (!strcmp(padding, "zeros"))
        return i >= 0 && i < n ? i : -1;
    if (!strcmp(padding, "border"))
        return i < 0 ? 0 : i >= n ? n - 1 : i;
    /* mirror about the outer centres (align) or the edges, one step at a time */
    while (i < 0 || i >= n) {
        if (n == 1)
            return 0;
        if (i < 0)
            i = align ? -i : -i - 1;
        else
            i = align ? 2 * (n - 1) - i : 2 * n - 1 - i;
    }
    return i;
}

static double keys(double d)
{
    const double a = -0.75;
    d = fabs(d);
    if (d < 1)
        return ((a + 2) * d - (a + 3)) * d * d + 1;
    if (d < 2)
        return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
    return 0;
}

static double ref_weight(const char *mode, double d)
{
    if (mode[0] == 'n')
        return d == 0 ? 1 : 0;
    if (!strcmp(mode, "linear") || !strcmp(mode, "bilinear"))
        return fabs(d) < 1 ? 1 - fabs(d) : 0;
    return keys(d);
}

static double ref_sample(const double *plane, long h, long w, double gx, double gy,
                         const char *mode, const char *padding, int align)
{
    double x = align ? (gx + 1) / 2 * (w - 1) : ((gx + 1) * w - 1) / 2;
    double y = align ? (gy + 1) / 2 * (h - 1) : ((gy + 1) * h - 1) / 2;
    if (mode[0] == 'n') {
        x = nearbyint(x);
        y = nearbyint(y);
    }
    double sum = 0;
    for (long r = (long)floor(y) - 2; r <= (long)floor(y) + 2; r++)
        for (long c = (long)floor(x) - 2; c <= (long)floor(x) + 2; c++) {
            double wt = ref_weight(mode, x - c) * ref_weight(mode, y - r);
            long rr = ref_tap(r, h, padding, align), cc = ref_tap(c, w, padding, align);
            if (wt != 0 && rr >= 0 && cc >= 0)
                sum += wt * plane[rr * w + cc];
        }
    return sum;
}

enum { N = 2, C = 3, H = 4, W = 5, HO = 3, WO = 4 };

static void check_all(int dtype)
{
    static const char *const modes16[] = {"bilinear", "nearest", "bicubic"};
    static const char *const modes20[] = {"linear", "nearest", "cubic"};
    static const char *const paddings[] = {"zeros", "border", "reflection"};
    double x[N * C * H * W], grid[N * HO * WO * 2];
    float xf[N * C * H * W], gridf[N * HO * WO * 2];
    rng r = rng_seed(99);
    for (int i = 0; i < N * C * H * W; i++)
        xf[i] = (float)(x[i] = (double)rng_below(&r, 2001) / 1000 - 1);
    for (int i = 0; i < N * HO * WO * 2; i++)   /* past the borders, some exact centres */
        gridf[i] = (float)(grid[i] = (double)rng_below(&r, 41) / 8 - 2.5);
    int64_t xd[] = {N, C, H, W}, gd[] = {N, HO, WO, 2};
    for (int opset = 16; opset <= 20; opset += 4)
        for (int m = 0; m < 3; m++)
            for (int pad = 0; pad < 3; pad++)
                for (int align = 0; align < 2; align++) {
                    const char *mode = opset == 16 ? modes16[m] : modes20[m];
                    onnxc_model *model = NULL;
                    ok(grid_model(opset, dtype, "2,3,4,5", "2,3,4,2", mode, paddings[pad],
                                  align, &model));
                    onnxc_session *s = NULL;
                    ok(onnxc_session_create(model, NULL, &s));
                    bool dbl = dtype == ONNXC_DOUBLE;
                    ok(onnxc_session_bind_input(s, 0, dtype, xd, 4, dbl ? (void *)x : (void *)xf));
                    ok(onnxc_session_bind_input(s, 1, dtype, gd, 4,
                                                dbl ? (void *)grid : (void *)gridf));
                    ok(onnxc_session_run(s));
                    onnxc_tensor_view y;
                    ok(onnxc_session_output(s, 0, &y));
                    cr_assert(y.rank == 4 && y.dims[2] == HO && y.dims[3] == WO);
                    for (int b = 0; b < N; b++)
                        for (int ch = 0; ch < C; ch++)
                            for (int k = 0; k < HO * WO; k++) {
                                const double *g = grid + (b * HO * WO + k) * 2;
                                double want = ref_sample(x + (b * C + ch) * H * W, H, W,
                                                         g[0], g[1], mode, paddings[pad], align);
                                size_t at = (size_t)((b * C + ch) * HO * WO + k);
                                double got = dbl ? ((const double *)y.data)[at]
                                                 : ((const float *)y.data)[at];
                                cr_assert(fabs(got - want) <= 1e-5 * (1 + fabs(want)),
                                          "opset %d %s %s align %d: [%d,%d,%d] %.9g, want %.9g",
                                          opset, mode, paddings[pad], align, b, ch, k, got, want);
                            }
                    onnxc_session_free(s);
                    onnxc_model_free(model);
                }
}

Test(grid_sample, float_every_mode_padding_and_align) { check_all(ONNXC_FLOAT); }
Test(grid_sample, double_every_mode_padding_and_align) { check_all(ONNXC_DOUBLE); }

static void refused(int opset, const char *xs, const char *gs, const char *mode,
                    const char *needle)
{
    onnxc_model *model = NULL;
    onnxc_status *st = grid_model(opset, ONNXC_FLOAT, xs, gs, mode, "zeros", 0, &model);
    cr_assert_not_null(st, "%s accepted", needle);
    cr_assert(strstr(onnxc_status_message(st), "'gs'") &&
              strstr(onnxc_status_message(st), needle), "%s", onnxc_status_message(st));
    onnxc_status_free(st);
}

Test(grid_sample, refusals)
{
    refused(16, "1,1,4,4", "1,2,2,3", "bilinear", "grid [1,2,2,3]");
    refused(16, "2,1,4,4", "1,2,2,2", "bilinear", "[N, H_out, W_out, 2]");
    refused(16, "1,1,4,4", "1,2,2,2", "linear", "version 16 takes bilinear");
    refused(20, "1,1,4,4", "1,2,2,2", "bicubic", "version 20 takes linear");
    refused(20, "1,1,2,4,4", "1,2,2,2,3", "linear", "not N-D (volumetric)");
}

/* Grid points a file may hold that no image has: NaN, infinities and
 * coordinates far past int64. They read zero (a NaN or infinite tap) or
 * the padded pixel; nothing reads outside X. */
Test(grid_sample, points_beyond_every_range)
{
    static const char *const paddings[] = {"zeros", "border", "reflection"};
    const float x[4] = {1, 2, 3, 4};
    const float grid[12] = {NAN, 0, INFINITY, 0, -INFINITY, 1, 1e30f, 0, -1e30f, -1e30f, 0, 0};
    int64_t xd[] = {1, 1, 2, 2}, gd[] = {1, 1, 6, 2};
    for (int pad = 0; pad < 3; pad++)
        for (int m = 0; m < 3; m++) {
            static const char *const modes[] = {"bilinear", "nearest", "bicubic"};
            onnxc_model *model = NULL;
            ok(grid_model(16, ONNXC_FLOAT, "1,1,2,2", "1,1,6,2", modes[m], paddings[pad], 0,
                          &model));
            onnxc_session *s = NULL;
            ok(onnxc_session_create(model, NULL, &s));
            ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, xd, 4, x));
            ok(onnxc_session_bind_input(s, 1, ONNXC_FLOAT, gd, 4, grid));
            ok(onnxc_session_run(s));
            onnxc_tensor_view y;
            ok(onnxc_session_output(s, 0, &y));
            const float *v = y.data;
            if (pad == 0)
                cr_assert(v[3] == 0 && v[4] == 0, "%s zeros: %g %g", modes[m], v[3], v[4]);
            if (pad == 1 && m == 1)   /* far right of row 0, far top-left */
                cr_assert(v[3] == 2 && v[4] == 1, "border: %g %g", v[3], v[4]);
            onnxc_session_free(s);
            onnxc_model_free(model);
        }
}
