/*
 * test_detection.c - NonMaxSuppression (ops/detection/non_max_suppression.c)
 * through a session against a plain reference (repeatedly take the best
 * remaining box, lowest index on ties, and drop those it overlaps): random
 * boxes on a small grid (many equal scores, flipped corners, zero areas)
 * in both box formats, with and without a score threshold, every per-class
 * limit; then the refusals (boxes of the wrong shape, an IoU threshold
 * outside [0, 1], a limit of more than one element). RoiAlign against
 * the spec's sampling written out in long double, every version, mode,
 * coordinate transform and sampling ratio, and its refusals.
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

/* boxes [B, N, 4], scores [B, C, N] and the three scalars as graph
 * inputs (max as [1] int64, thresholds as [1] float). */
static onnxc_status *nms_model(int b, int c, int n, int box_last, int center,
                               bool with_score_threshold, onnxc_model **model)
{
    char bs[48], ss[48];
    snprintf(bs, sizeof bs, "%d,%d,%d", b, n, box_last);
    snprintf(ss, sizeof ss, "%d,%d,%d", b, c, n);
    mb_model *m = mb_new(10);
    mb_opset(m, "", 11);
    mb_input(m, "boxes", ONNXC_FLOAT, bs);
    mb_input(m, "scores", ONNXC_FLOAT, ss);
    mb_input(m, "max", ONNXC_INT64, "1");
    mb_input(m, "iou", ONNXC_FLOAT, "1");
    if (with_score_threshold)
        mb_input(m, "st", ONNXC_FLOAT, "1");
    Onnx__NodeProto *node = mb_node(m, "NonMaxSuppression", "nms",
                                    with_score_threshold ? "boxes,scores,max,iou,st"
                                                         : "boxes,scores,max,iou",
                                    "sel");
    mb_attr_int(m, node, "center_point_box", center);
    mb_output(m, "sel", ONNXC_INT64, NULL);
    onnxc_status *st = mb_load(m, NULL, model);
    mb_free(m);
    return st;
}

/* The reference IoU test, on corners made from either format. */
static void corners(const float *b, int center, float c[4])
{
    if (center) {
        c[0] = b[1] - b[3] / 2; c[2] = b[1] + b[3] / 2;   /* y */
        c[1] = b[0] - b[2] / 2; c[3] = b[0] + b[2] / 2;   /* x */
    } else {
        c[0] = b[0] < b[2] ? b[0] : b[2]; c[2] = b[0] < b[2] ? b[2] : b[0];
        c[1] = b[1] < b[3] ? b[1] : b[3]; c[3] = b[1] < b[3] ? b[3] : b[1];
    }
}

static bool overlap(const float *a, const float *b, int center, float threshold)
{
    float p[4], q[4];
    corners(a, center, p);
    corners(b, center, q);
    float h = fminf(p[2], q[2]) - fmaxf(p[0], q[0]);
    float w = fminf(p[3], q[3]) - fmaxf(p[1], q[1]);
    float ap = (p[2] - p[0]) * (p[3] - p[1]), aq = (q[2] - q[0]) * (q[3] - q[1]);
    if (h <= 0 || w <= 0 || ap <= 0 || aq <= 0)
        return false;
    float inter = h * w;
    return inter / (ap + aq - inter) > threshold;
}

enum { MAXN = 24 };

/* The rows (b, c, box) the reference selects into want; their count. */
static size_t reference(const float *boxes, const float *scores, int B, int C, int N,
                        int center, int64_t max, float iou, const float *st,
                        int64_t *want)
{
    size_t rows = 0;
    for (int b = 0; b < B; b++)
        for (int c = 0; c < C; c++) {
            const float *s = scores + ((size_t)b * C + c) * N;
            bool gone[MAXN] = {false};
            for (int taken = 0; taken < max;) {
                int best = -1;
                for (int i = 0; i < N; i++)
                    if (!gone[i] && (!st || s[i] > *st) && (best < 0 || s[i] > s[best]))
                        best = i;
                if (best < 0)
                    break;
                gone[best] = true;
                want[rows * 3] = b;
                want[rows * 3 + 1] = c;
                want[rows * 3 + 2] = best;
                rows++;
                taken++;
                for (int i = 0; i < N; i++)
                    if (!gone[i] && overlap(boxes + ((size_t)b * N + best) * 4,
                                            boxes + ((size_t)b * N + i) * 4, center, iou))
                        gone[i] = true;
            }
        }
    return rows;
}

Test(non_max_suppression, random_boxes_every_limit_both_formats)
{
    enum { B = 2, C = 3, N = MAXN };
    float boxes[B * N * 4], scores[B * C * N];
    int64_t want[B * C * N * 3];
    rng r = rng_seed(777);
    for (int t = 0; t < B * N * 4; t++)   /* a small grid: flips, zero areas */
        boxes[t] = (float)rng_below(&r, 9);
    for (int t = 0; t < B * C * N; t++)   /* few values: many ties */
        scores[t] = (float)rng_below(&r, 5) / 4;
    for (int center = 0; center < 2; center++)
        for (int with_st = 0; with_st < 2; with_st++) {
            onnxc_model *model = NULL;
            ok(nms_model(B, C, N, 4, center, with_st, &model));
            onnxc_session *s = NULL;
            ok(onnxc_session_create(model, NULL, &s));
            const float ious[] = {0, 0.25f, 0.5f, 1};
            for (int64_t max = -1; max <= N + 1; max += 3)
                for (int k = 0; k < 4; k++) {
                    float st = 0.3f;
                    int64_t bd[] = {B, N, 4}, sd[] = {B, C, N}, one[] = {1};
                    ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, bd, 3, boxes));
                    ok(onnxc_session_bind_input(s, 1, ONNXC_FLOAT, sd, 3, scores));
                    ok(onnxc_session_bind_input(s, 2, ONNXC_INT64, one, 1, &max));
                    ok(onnxc_session_bind_input(s, 3, ONNXC_FLOAT, one, 1, &ious[k]));
                    if (with_st)
                        ok(onnxc_session_bind_input(s, 4, ONNXC_FLOAT, one, 1, &st));
                    ok(onnxc_session_run(s));
                    onnxc_tensor_view y;
                    ok(onnxc_session_output(s, 0, &y));
                    size_t rows = reference(boxes, scores, B, C, N, center, max,
                                            ious[k], with_st ? &st : NULL, want);
                    cr_assert(y.rank == 2 && y.dims[1] == 3 && y.dims[0] == (int64_t)rows,
                              "center %d st %d max %lld iou %g: %lld rows, want %zu",
                              center, with_st, (long long)max, (double)ious[k],
                              (long long)y.dims[0], rows);
                    cr_assert(rows == 0 || memcmp(y.data, want, rows * 3 * sizeof *want) == 0,
                              "center %d st %d max %lld iou %g: other rows", center,
                              with_st, (long long)max, (double)ious[k]);
                }
            onnxc_session_free(s);
            onnxc_model_free(model);
        }
}

Test(non_max_suppression, boxes_of_the_wrong_shape_are_refused_at_load)
{
    onnxc_model *model = NULL;
    onnxc_status *st = nms_model(1, 1, 3, 5, 0, false, &model);
    cr_assert_not_null(st);
    cr_assert(strstr(onnxc_status_message(st), "boxes is [1,3,5]"),
              "%s", onnxc_status_message(st));
    onnxc_status_free(st);
}

Test(non_max_suppression, bad_scalars_are_run_errors)
{
    onnxc_model *model = NULL;
    ok(nms_model(1, 1, 2, 4, 0, false, &model));
    onnxc_session *s = NULL;
    ok(onnxc_session_create(model, NULL, &s));
    const float boxes[8] = {0, 0, 1, 1, 0, 0, 1, 1}, scores[2] = {1, 2};
    int64_t bd[] = {1, 2, 4}, sd[] = {1, 1, 2}, one[] = {1}, max = 5;
    const float iou = 1.5f;
    ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, bd, 3, boxes));
    ok(onnxc_session_bind_input(s, 1, ONNXC_FLOAT, sd, 3, scores));
    ok(onnxc_session_bind_input(s, 2, ONNXC_INT64, one, 1, &max));
    ok(onnxc_session_bind_input(s, 3, ONNXC_FLOAT, one, 1, &iou));
    onnxc_status *st = onnxc_session_run(s);
    cr_assert_not_null(st);
    cr_assert(strstr(onnxc_status_message(st), "'nms'") &&
              strstr(onnxc_status_message(st), "iou_threshold is 1.5"),
              "%s", onnxc_status_message(st));
    onnxc_status_free(st);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

/* ------------------------------------------------------------- RoiAlign */

/* X [N, C, H, W], rois [R, 4], batch_indices [R] as graph inputs. */
static onnxc_status *roi_model(int opset, const char *mode, const char *coord, int oh,
                               int ow, int ratio, float scale, int n, int c, int h, int w,
                               int r, onnxc_model **model)
{
    char xs[64], rs[32], bs[16];
    snprintf(xs, sizeof xs, "%d,%d,%d,%d", n, c, h, w);
    snprintf(rs, sizeof rs, "%d,4", r);
    snprintf(bs, sizeof bs, "%d", r);
    mb_model *m = mb_new(8);
    mb_opset(m, "", opset);
    mb_input(m, "X", ONNXC_FLOAT, xs);
    mb_input(m, "rois", ONNXC_FLOAT, rs);
    mb_input(m, "idx", ONNXC_INT64, bs);
    Onnx__NodeProto *node = mb_node(m, "RoiAlign", "roi", "X,rois,idx", "y");
    mb_attr_string(m, node, "mode", mode);
    if (coord)
        mb_attr_string(m, node, "coordinate_transformation_mode", coord);
    mb_attr_int(m, node, "output_height", oh);
    mb_attr_int(m, node, "output_width", ow);
    mb_attr_int(m, node, "sampling_ratio", ratio);
    mb_attr_float(m, node, "spatial_scale", scale);
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    onnxc_status *st = mb_load(m, NULL, model);
    mb_free(m);
    return st;
}

/* Pixel (yy, xx) of plane p, clamped into the plane. */
static long double pixel(const float *p, int h, int w, int yy, int xx)
{
    yy = yy < 0 ? 0 : yy >= h ? h - 1 : yy;
    xx = xx < 0 ? 0 : xx >= w ? w - 1 : xx;
    return p[yy * w + xx];
}

/* The spec's sample at (y, x): zero more than a pixel outside; else the
 * coordinates are pulled into [0, size - 1] and the four neighbours
 * weighted bilinearly. avg adds the weighted sum, max keeps the largest
 * weighted neighbour. */
static long double sample_point(const float *p, int h, int w, long double y, long double x,
                                bool max)
{
    if (y < -1 || y > h || x < -1 || x > w)
        return 0;
    y = y < 0 ? 0 : y > h - 1 ? h - 1 : y;
    x = x < 0 ? 0 : x > w - 1 ? w - 1 : x;
    int y0 = (int)y, x0 = (int)x;
    long double ly = y - y0, lx = x - x0;
    long double t[4] = {(1 - ly) * (1 - lx) * pixel(p, h, w, y0, x0),
                        (1 - ly) * lx * pixel(p, h, w, y0, x0 + 1),
                        ly * (1 - lx) * pixel(p, h, w, y0 + 1, x0),
                        ly * lx * pixel(p, h, w, y0 + 1, x0 + 1)};
    if (!max)
        return t[0] + t[1] + t[2] + t[3];
    long double m = t[0];
    for (int k = 1; k < 4; k++)
        m = t[k] > m ? t[k] : m;
    return m;
}

Test(roi_align, random_regions_every_mode_against_the_spec)
{
    enum { N = 2, C = 3, H = 7, W = 6, R = 5 };
    rng g = rng_seed(11);
    float x[N * C * H * W], rois[R * 4];
    int64_t idx[R];
    for (int i = 0; i < N * C * H * W; i++)
        x[i] = (float)rng_below(&g, 2001) / 500.0f - 2.0f;
    static const struct { int opset; const char *coord; } forms[] = {
        {10, NULL}, {16, "half_pixel"}, {16, "output_half_pixel"}, {16, NULL}};
    static const char *const modes[] = {"avg", "max"};
    for (int trial = 0; trial < 24; trial++) {
        int f = trial % 4, ratio = (int)rng_below(&g, 4), oh = 1 + (int)rng_below(&g, 3),
            ow = 1 + (int)rng_below(&g, 3);
        float scale = trial % 3 ? 1.0f : 0.5f;
        const char *mode = modes[trial / 4 % 2];
        bool half = forms[f].opset >= 16 && (!forms[f].coord || !strcmp(forms[f].coord, "half_pixel"));
        for (int r = 0; r < R; r++) {
            float x1 = (float)rng_below(&g, 17) / 2 - 2, y1 = (float)rng_below(&g, 19) / 2 - 2;
            rois[r * 4] = x1 / scale;
            rois[r * 4 + 1] = y1 / scale;
            rois[r * 4 + 2] = (x1 + (float)rng_below(&g, 13) / 2) / scale;
            rois[r * 4 + 3] = (y1 + (float)rng_below(&g, 13) / 2) / scale;
            idx[r] = rng_below(&g, N);
        }
        onnxc_model *model = NULL;
        ok(roi_model(forms[f].opset, mode, forms[f].coord, oh, ow, ratio, scale, N, C, H, W,
                     R, &model));
        onnxc_session *s = NULL;
        ok(onnxc_session_create(model, NULL, &s));
        int64_t xd[] = {N, C, H, W}, rd[] = {R, 4}, bd[] = {R};
        ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, xd, 4, x));
        ok(onnxc_session_bind_input(s, 1, ONNXC_FLOAT, rd, 2, rois));
        ok(onnxc_session_bind_input(s, 2, ONNXC_INT64, bd, 1, idx));
        ok(onnxc_session_run(s));
        onnxc_tensor_view y;
        ok(onnxc_session_output(s, 0, &y));
        cr_assert_eq(y.rank, 4);
        cr_assert(y.dims[0] == R && y.dims[1] == C && y.dims[2] == oh && y.dims[3] == ow);
        const float *got = y.data;
        for (int r = 0; r < R; r++) {
            long double off = half ? 0.5L : 0;
            long double bx = rois[r * 4] * (long double)scale - off;
            long double by = rois[r * 4 + 1] * (long double)scale - off;
            long double rw = rois[r * 4 + 2] * (long double)scale - off - bx;
            long double rh = rois[r * 4 + 3] * (long double)scale - off - by;
            if (!half) {
                rw = rw < 1 ? 1 : rw;
                rh = rh < 1 ? 1 : rh;
            }
            long double bw = rw / ow, bh = rh / oh;
            int gw = ratio ? ratio : (int)ceill(bw), gh = ratio ? ratio : (int)ceill(bh);
            for (int ch = 0; ch < C; ch++) {
                const float *p = x + ((size_t)idx[r] * C + (size_t)ch) * H * W;
                for (int i = 0; i < oh * ow; i++) {
                    int py = i / ow, px = i % ow;
                    long double acc = 0;
                    bool first = true;
                    for (int a = 0; a < gh; a++)
                        for (int b = 0; b < gw; b++) {
                            long double v = sample_point(
                                p, H, W, by + py * bh + (a + 0.5L) * bh / gh,
                                bx + px * bw + (b + 0.5L) * bw / gw, !strcmp(mode, "max"));
                            if (strcmp(mode, "max"))
                                acc += v;
                            else if (first || v > acc)
                                acc = v;
                            first = false;
                        }
                    if (strcmp(mode, "max") && gh * gw > 0)
                        acc /= gh * gw;
                    float want = (float)acc, have = got[((size_t)r * C + ch) * oh * ow + i];
                    cr_assert(fabsf(have - want) <= 1e-5f + 1e-5f * fabsf(want),
                              "trial %d (opset %d %s %s ratio %d) roi %d ch %d bin %d: %g, "
                              "want %g", trial, forms[f].opset, mode,
                              forms[f].coord ? forms[f].coord : "default", ratio, r, ch, i,
                              (double)have, (double)want);
                }
            }
        }
        onnxc_session_free(s);
        onnxc_model_free(model);
    }
}

Test(roi_align, bad_regions_and_attributes_are_refused_by_name)
{
    onnxc_model *model = NULL;
    onnxc_status *st = roi_model(16, "mean", NULL, 2, 2, 0, 1, 1, 1, 4, 4, 1, &model);
    cr_assert(st && strstr(onnxc_status_message(st), "mode is 'mean'"), "%s",
              onnxc_status_message(st));
    onnxc_status_free(st);
    st = roi_model(16, "avg", NULL, 0, 2, 0, 1, 1, 1, 4, 4, 1, &model);
    cr_assert(st && strstr(onnxc_status_message(st), "output_height 0"), "%s",
              onnxc_status_message(st));
    onnxc_status_free(st);

    ok(roi_model(16, "avg", NULL, 2, 2, 0, 1, 1, 1, 4, 4, 1, &model));
    onnxc_session *s = NULL;
    ok(onnxc_session_create(model, NULL, &s));
    float x[16] = {0}, rois[4] = {0, 0, 2, 2};
    int64_t xd[] = {1, 1, 4, 4}, rd[] = {1, 4}, bd[] = {1}, idx = 1;
    ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, xd, 4, x));
    ok(onnxc_session_bind_input(s, 1, ONNXC_FLOAT, rd, 2, rois));
    ok(onnxc_session_bind_input(s, 2, ONNXC_INT64, bd, 1, &idx));
    st = onnxc_session_run(s);
    cr_assert(st && onnxc_status_code(st) == ONNXC_ERR_RUN &&
              strstr(onnxc_status_message(st), "'roi'") &&
              strstr(onnxc_status_message(st), "batch_indices[0] is 1; X holds 1 images"),
              "%s", onnxc_status_message(st));
    onnxc_status_free(st);
    idx = 0;
    rois[2] = 1e30f;      /* an adaptive grid of ~10^29 points per bin */
    st = onnxc_session_run(s);
    cr_assert(st && strstr(onnxc_status_message(st), "at most 2^24"), "%s",
              onnxc_status_message(st));
    onnxc_status_free(st);
    rois[2] = 2;
    ok(onnxc_session_run(s));   /* still usable */
    onnxc_session_free(s);
    onnxc_model_free(model);
}
