/*
 * test_detection.c - NonMaxSuppression (ops/detection/non_max_suppression.c)
 * through a session against a plain reference (repeatedly take the best
 * remaining box, lowest index on ties, and drop those it overlaps): random
 * boxes on a small grid (many equal scores, flipped corners, zero areas)
 * in both box formats, with and without a score threshold, every per-class
 * limit; then the refusals (boxes of the wrong shape, an IoU threshold
 * outside [0, 1], a limit of more than one element).
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
