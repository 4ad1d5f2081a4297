/*
 * non_max_suppression.c - NonMaxSuppression (versions 10, 11): per batch
 * and per class, the boxes kept by greedy suppression, highest score
 * first, as [num_selected, 3] int64 rows (batch, class, box).
 *
 * boxes [B, N, 4] are corners (any diagonal pair, center_point_box 0) or
 * [x_center, y_center, width, height] (1); scores [B, C, N]. The three
 * optional scalar inputs (a 0-D or one-element tensor): the most boxes
 * kept per class (default 0: none; negative is taken as none too), the
 * IoU above which a box is suppressed (default 0, in [0, 1]) and the
 * score a box must exceed to be considered (default: none).
 *
 * Ties: boxes of equal score are taken lower index first (the sort key is
 * score, then index), as onnxruntime and the ONNX reference do; the spec
 * leaves it open. A box of zero area suppresses nothing and is suppressed
 * by nothing (its IoU is taken as 0), as onnxruntime does.
 *
 * The count is known only from the contents: the node is data-dependent
 * (op.h), planned at the largest count, B * C * N rows.
 */
#include <math.h>
#include <string.h>

#include "ops/common/dims_value.h"
#include "ops/common/op_util.h"

typedef struct nms_params {
    bool center_point_box;
} nms_params;

static onnxc_status *nms_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const attrs[] = {"center_point_box", NULL};
    char desc[300];
    int64_t center = 0;
    onnxc_status *err;
    nms_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(ctx->node, attrs)) ||
        (err = oc_attr_int(ctx->node, "center_point_box", 0, &center)))
        return err;
    if (center != 0 && center != 1)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: center_point_box is %lld; it must be 0 or 1",
                        oc_node_desc(ctx->node, desc, sizeof desc), (long long)center);
    p->center_point_box = center == 1;
    *params = p;
    return NULL;
}

static const char *const input_names[] = {
    "boxes", "scores", "max_output_boxes_per_class", "iou_threshold",
    "score_threshold"};

/* An optional scalar input: int64 or float, 0-D or one element. */
static onnxc_status *check_scalar(const oc_node *node, const oc_type *t, int k)
{
    char desc[300], s[128];
    onnxc_dtype want = k == 2 ? ONNXC_INT64 : ONNXC_FLOAT;
    if (t->dtype != want)
        return oc_bad_dtype(node, input_names[k], t->dtype, k == 2 ? "int64" : "float");
    if (t->shape.rank < 0 || t->shape.rank == 0)
        return NULL;
    if (t->shape.rank == 1 && (!dim_is_known(t->shape.dims[0]) ||
                               t->shape.dims[0].value == 1))
        return NULL;
    return oc_error(ONNXC_ERR_SHAPE, "%s: %s is %s; it must be a scalar or hold one element",
                    oc_node_desc(node, desc, sizeof desc), input_names[k],
                    oc_shape_format(&t->shape, NULL, s, sizeof s));
}

static onnxc_status *nms_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const oc_type *boxes = ctx->in[0], *scores = ctx->in[1];
    oc_type *y = ctx->out[0];
    char desc[300], s1[128], s2[128];
    onnxc_status *err;
    if (boxes->dtype != ONNXC_FLOAT)
        return oc_bad_dtype(node, "boxes", boxes->dtype, "float");
    if (scores->dtype != ONNXC_FLOAT)
        return oc_bad_dtype(node, "scores", scores->dtype, "float");
    for (int k = 2; k < ctx->n_in; k++)
        if (ctx->in[k] && (err = check_scalar(node, ctx->in[k], k)))
            return err;
    y->dtype = ONNXC_INT64;
    y->shape.rank = 2;
    y->shape.dims[0] = dim_unknown();
    y->shape.dims[1] = dim_known(3);
    if (boxes->shape.rank < 0 || scores->shape.rank < 0)
        return NULL;
    const oc_dim *bd = boxes->shape.dims, *sd = scores->shape.dims;
    if (boxes->shape.rank != 3 || scores->shape.rank != 3 ||
        (dim_is_known(bd[2]) && bd[2].value != 4) ||
        !oc_dim_compatible(bd[0], sd[0]) || !oc_dim_compatible(bd[1], sd[2]))
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: boxes is %s and scores %s; they must be "
                        "[batch, boxes, 4] and [batch, classes, boxes]",
                        oc_node_desc(node, desc, sizeof desc),
                        oc_shape_format(&boxes->shape, NULL, s1, sizeof s1),
                        oc_shape_format(&scores->shape, NULL, s2, sizeof s2));
    oc_dim rows;
    if (!oc_shape_product(&scores->shape, 0, 3, &rows) ||
        (dim_is_known(rows) && rows.value > INT64_MAX / 3 / (int64_t)sizeof(int64_t)))
        return oc_error(ONNXC_ERR_SHAPE, "%s: scores %s: too many boxes to index",
                        oc_node_desc(node, desc, sizeof desc),
                        oc_shape_format(&scores->shape, NULL, s1, sizeof s1));
    if (ctx->concrete)
        y->shape.dims[0] = rows;
    return NULL;
}

/* Scratch: the class's candidates in order, and the boxes it kept. */
static size_t nms_workspace(const oc_run_ctx *ctx)
{
    size_t n = (size_t)ctx->in[1]->dims[2];
    return oc_align64(n * sizeof(int64_t)) + n * sizeof(int64_t);
}

typedef struct corners {
    float y0, x0, y1, x1;
} corners;

static corners box_corners(const float *b, bool center)
{
    corners c;
    if (center) {
        c.x0 = b[0] - b[2] / 2;
        c.x1 = b[0] + b[2] / 2;
        c.y0 = b[1] - b[3] / 2;
        c.y1 = b[1] + b[3] / 2;
    } else {
        c.y0 = fminf(b[0], b[2]);
        c.y1 = fmaxf(b[0], b[2]);
        c.x0 = fminf(b[1], b[3]);
        c.x1 = fmaxf(b[1], b[3]);
    }
    return c;
}

/* Whether a and b overlap by more than threshold (onnxruntime's test,
 * zero areas overlapping nothing). */
static bool suppresses(const float *a, const float *b, bool center, float threshold)
{
    corners p = box_corners(a, center), q = box_corners(b, center);
    float ix0 = fmaxf(p.x0, q.x0), ix1 = fminf(p.x1, q.x1);
    float iy0 = fmaxf(p.y0, q.y0), iy1 = fminf(p.y1, q.y1);
    if (ix1 <= ix0 || iy1 <= iy0)
        return false;
    float inter = (ix1 - ix0) * (iy1 - iy0);
    float area_p = (p.x1 - p.x0) * (p.y1 - p.y0), area_q = (q.x1 - q.x0) * (q.y1 - q.y0);
    float uni = area_p + area_q - inter;
    if (inter <= 0 || area_p <= 0 || area_q <= 0 || uni <= 0)
        return false;
    return inter / uni > threshold;
}

/* Whether candidate i goes before j: higher score, then lower index. */
static bool before(const float *score, int64_t i, int64_t j)
{
    return score[i] > score[j] || (score[i] == score[j] && i < j);
}

/* Heap sort of idx[0..n) by `before` (in place: run allocates nothing;
 * the key is a total order, so the result does not depend on the sort). */
static void sift_down(int64_t *idx, size_t at, size_t n, const float *score)
{
    for (;;) {
        size_t child = 2 * at + 1;
        if (child >= n)
            return;
        /* a max-heap of the last in order */
        if (child + 1 < n && before(score, idx[child], idx[child + 1]))
            child++;
        if (!before(score, idx[at], idx[child]))
            return;
        int64_t t = idx[at];
        idx[at] = idx[child];
        idx[child] = t;
        at = child;
    }
}

static void sort_candidates(int64_t *idx, size_t n, const float *score)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(idx, i, n, score);
    for (size_t end = n; end > 1; end--) {
        int64_t t = idx[0];
        idx[0] = idx[end - 1];
        idx[end - 1] = t;
        sift_down(idx, 0, end - 1, score);
    }
}

static float scalar_float(const oc_tensor *t, float fallback)
{
    float v = fallback;
    if (t && oc_tensor_count(t) > 0)
        memcpy(&v, t->data, sizeof v);
    return v;
}

static onnxc_status *nms_run(const oc_run_ctx *ctx)
{
    const nms_params *p = ctx->params;
    const oc_tensor *boxes = ctx->in[0], *scores = ctx->in[1];
    const oc_tensor *max_t = ctx->n_in > 2 ? ctx->in[2] : NULL;
    const oc_tensor *iou_t = ctx->n_in > 3 ? ctx->in[3] : NULL;
    const oc_tensor *score_t = ctx->n_in > 4 ? ctx->in[4] : NULL;
    size_t batches = (size_t)scores->dims[0], classes = (size_t)scores->dims[1];
    size_t n = (size_t)scores->dims[2];
    if (boxes->dims[0] != scores->dims[0] || boxes->dims[1] != scores->dims[2] ||
        boxes->dims[2] != 4)
        return oc_run_error(ctx, "boxes is [%lld,%lld,%lld] and scores [%lld,%lld,%lld]; "
                            "they must be [batch, boxes, 4] and [batch, classes, boxes]",
                            (long long)boxes->dims[0], (long long)boxes->dims[1],
                            (long long)boxes->dims[2], (long long)scores->dims[0],
                            (long long)scores->dims[1], (long long)scores->dims[2]);
    for (int k = 2; k < ctx->n_in; k++)
        if (ctx->in[k] && oc_tensor_count(ctx->in[k]) != 1)
            return oc_run_error(ctx, "%s holds %zu elements; it must hold one",
                                input_names[k], oc_tensor_count(ctx->in[k]));
    int64_t max_out = max_t ? oc_int_at(max_t->data, ONNXC_INT64, 0) : 0;
    float iou = scalar_float(iou_t, 0);
    bool has_score_threshold = score_t != NULL;
    float score_threshold = scalar_float(score_t, 0);
    if (!(iou >= 0 && iou <= 1))
        return oc_run_error(ctx, "iou_threshold is %g; it must be in [0, 1]", (double)iou);
    size_t keep_max = max_out <= 0 ? 0 : (uint64_t)max_out < n ? (size_t)max_out : n;
    int64_t *order = ctx->workspace;
    int64_t *kept = (int64_t *)((char *)ctx->workspace + oc_align64(n * sizeof(int64_t)));
    int64_t *out = ctx->out[0]->data;
    size_t rows = 0;
    for (size_t b = 0; b < batches && keep_max; b++) {
        const float *bx = (const float *)boxes->data + b * n * 4;
        for (size_t c = 0; c < classes; c++) {
            const float *score = (const float *)scores->data + (b * classes + c) * n;
            size_t m = 0, nkept = 0;
            for (size_t i = 0; i < n; i++)
                if (!has_score_threshold || score[i] > score_threshold)
                    order[m++] = (int64_t)i;
            sort_candidates(order, m, score);
            for (size_t i = 0; i < m && nkept < keep_max; i++) {
                const float *box = bx + (size_t)order[i] * 4;
                bool keep = true;
                for (size_t j = 0; j < nkept && keep; j++)
                    keep = !suppresses(bx + (size_t)kept[j] * 4, box,
                                       p->center_point_box, iou);
                if (!keep)
                    continue;
                kept[nkept++] = order[i];
                out[rows * 3] = (int64_t)b;
                out[rows * 3 + 1] = (int64_t)c;
                out[rows * 3 + 2] = order[i];
                rows++;
            }
        }
    }
    ctx->out[0]->rank = 2;
    ctx->out[0]->dims[0] = (int64_t)rows;
    ctx->out[0]->dims[1] = 3;
    return NULL;
}

static const int nms_versions[] = {10, 11, 0};

const oc_op oc_op_non_max_suppression = {
    .domain = "",
    .op_type = "NonMaxSuppression",
    .versions = nms_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 5,
    .min_outputs = 1, .max_outputs = 1,
    .data_dependent = true,
    .types = "float",
    .prepare = nms_prepare,
    .infer = nms_infer,
    .run = nms_run,
    .workspace = nms_workspace,
};
