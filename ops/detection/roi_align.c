/*
 * roi_align.c - RoiAlign (versions 10, 16): for each region of interest
 * (rois [R, 4] as x1, y1, x2, y2 in input-image coordinates, the image of
 * each named by batch_indices [R]), an output_height x output_width grid
 * of bins over X [N, C, H, W] scaled by spatial_scale; each bin is the
 * average (mode avg) or the maximum (mode max) of its sampling points,
 * each point a bilinear interpolation of X. Y is [R, C, oh, ow].
 *
 * sampling_ratio points per bin side, or ceil(bin size) of them when it
 * is 0. coordinate_transformation_mode (16) is half_pixel (the default:
 * coordinates shift by -0.5, a region may be thinner than a pixel) or
 * output_half_pixel (no shift, regions at least 1 x 1: what version 10
 * always does). A point more than a pixel outside X adds zero; one within
 * a pixel of the edge reads the edge.
 *
 * Mode max takes, at each point, the largest of the four weighted taps
 * (not the interpolated value), then the largest over the bin's points:
 * what onnxruntime and the ONNX reference implementation compute.
 */
#include <math.h>
#include <string.h>

#include "ops/common/op_util.h"

typedef struct roi_align_params {
    bool max;              /* mode max, else avg */
    bool half_pixel;       /* coordinates shift by -0.5 */
    int64_t out_h, out_w, sampling_ratio;
    double spatial_scale;
} roi_align_params;

static onnxc_status *roi_align_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const attrs_10[] = {"mode", "output_height", "output_width",
                                           "sampling_ratio", "spatial_scale", NULL};
    static const char *const attrs_16[] = {"mode", "output_height", "output_width",
                                           "sampling_ratio", "spatial_scale",
                                           "coordinate_transformation_mode", NULL};
    const oc_node *node = ctx->node;
    bool v16 = node->op_version >= 16;
    const char *mode, *coord = "output_half_pixel";
    float scale;
    char desc[300];
    onnxc_status *err;
    roi_align_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(node, v16 ? attrs_16 : attrs_10)) ||
        (err = oc_attr_string(node, "mode", "avg", &mode)) ||
        (v16 && (err = oc_attr_string(node, "coordinate_transformation_mode",
                                      "half_pixel", &coord))) ||
        (err = oc_attr_int(node, "output_height", 1, &p->out_h)) ||
        (err = oc_attr_int(node, "output_width", 1, &p->out_w)) ||
        (err = oc_attr_int(node, "sampling_ratio", 0, &p->sampling_ratio)) ||
        (err = oc_attr_float(node, "spatial_scale", 1.0f, &scale)))
        return err;
    if (strcmp(mode, "avg") && strcmp(mode, "max"))
        return oc_error(ONNXC_ERR_INVALID_MODEL, "%s: mode is '%s'; it must be avg or max",
                        oc_node_desc(node, desc, sizeof desc), mode);
    if (strcmp(coord, "half_pixel") && strcmp(coord, "output_half_pixel"))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: coordinate_transformation_mode is '%s'; it must be "
                        "half_pixel or output_half_pixel",
                        oc_node_desc(node, desc, sizeof desc), coord);
    /* 2^20 bins a side and 2^12 points per bin side: far beyond any
     * image, and their products stay exact in int64 and double. */
    if (p->out_h < 1 || p->out_w < 1 || p->out_h > (1 << 20) || p->out_w > (1 << 20) ||
        p->sampling_ratio < 0 || p->sampling_ratio > (1 << 12))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: output_height %lld, output_width %lld, sampling_ratio %lld; "
                        "the sizes must be 1 to 2^20 and the ratio 0 to 2^12",
                        oc_node_desc(node, desc, sizeof desc), (long long)p->out_h,
                        (long long)p->out_w, (long long)p->sampling_ratio);
    if (!isfinite(scale) || scale <= 0)
        return oc_error(ONNXC_ERR_INVALID_MODEL, "%s: spatial_scale is %g; it must be above 0",
                        oc_node_desc(node, desc, sizeof desc), (double)scale);
    p->max = !strcmp(mode, "max");
    p->half_pixel = !strcmp(coord, "half_pixel");
    p->spatial_scale = scale;
    *params = p;
    return NULL;
}

static onnxc_status *roi_align_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const roi_align_params *p = ctx->params;
    const oc_type *x = ctx->in[0], *rois = ctx->in[1], *idx = ctx->in[2];
    oc_type *y = ctx->out[0];
    char desc[300], s1[128], s2[128], s3[128];
    if (x->dtype != ONNXC_FLOAT && x->dtype != ONNXC_DOUBLE)
        return oc_bad_dtype(node, "X", x->dtype, "float, double");
    if (rois->dtype != x->dtype)
        return oc_bad_dtype(node, "rois", rois->dtype, onnxc_dtype_name(x->dtype));
    if (idx->dtype != ONNXC_INT64)
        return oc_bad_dtype(node, "batch_indices", idx->dtype, "int64");
    y->dtype = x->dtype;
    y->shape.rank = -1;
    if (x->shape.rank < 0 || rois->shape.rank < 0 || idx->shape.rank < 0)
        return NULL;
    const oc_dim *rd = rois->shape.dims;
    if (x->shape.rank != 4 || rois->shape.rank != 2 || idx->shape.rank != 1 ||
        (dim_is_known(rd[1]) && rd[1].value != 4) ||
        !oc_dim_compatible(rd[0], idx->shape.dims[0]))
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: X is %s, rois %s and batch_indices %s; they must be "
                        "[N, C, H, W], [R, 4] and [R]",
                        oc_node_desc(node, desc, sizeof desc),
                        oc_shape_format(&x->shape, NULL, s1, sizeof s1),
                        oc_shape_format(&rois->shape, NULL, s2, sizeof s2),
                        oc_shape_format(&idx->shape, NULL, s3, sizeof s3));
    y->shape.rank = 4;
    y->shape.dims[0] = dim_is_known(rd[0]) ? rd[0] : idx->shape.dims[0];
    y->shape.dims[1] = x->shape.dims[1];
    y->shape.dims[2] = dim_known(p->out_h);
    y->shape.dims[3] = dim_known(p->out_w);
    oc_dim count;
    if (!oc_shape_product(&y->shape, 0, 4, &count) ||
        (dim_is_known(count) && count.value > INT64_MAX / 8))
        return oc_error(ONNXC_ERR_SHAPE, "%s: the output %s is too large",
                        oc_node_desc(node, desc, sizeof desc),
                        oc_shape_format(&y->shape, NULL, s1, sizeof s1));
    return NULL;
}

/* The four taps and weights of a bilinear sample at (py, px) of an h x w
 * plane; false when the point lies more than a pixel outside it. */
static bool bilinear_taps(double py, double px, int64_t h, int64_t w, size_t at[4],
                          double wt[4])
{
    if (!(py >= -1.0 && py <= (double)h && px >= -1.0 && px <= (double)w))
        return false;          /* NaN lands here too */
    py = py < 0 ? 0 : py;
    px = px < 0 ? 0 : px;
    int64_t y0 = (int64_t)py, x0 = (int64_t)px, y1 = y0 + 1, x1 = x0 + 1;
    if (y0 >= h - 1) {
        y0 = y1 = h - 1;
        py = (double)y0;
    }
    if (x0 >= w - 1) {
        x0 = x1 = w - 1;
        px = (double)x0;
    }
    double ly = py - (double)y0, lx = px - (double)x0, hy = 1 - ly, hx = 1 - lx;
    at[0] = (size_t)(y0 * w + x0);
    at[1] = (size_t)(y0 * w + x1);
    at[2] = (size_t)(y1 * w + x0);
    at[3] = (size_t)(y1 * w + x1);
    wt[0] = hy * hx;
    wt[1] = hy * lx;
    wt[2] = ly * hx;
    wt[3] = ly * lx;
    return true;
}

/* The larger, the first on a tie (so -0 and +0 keep their order). */
static double larger(double a, double b)
{
    return a < b ? b : a;
}

/* One bin of one channel plane: its grid of gh x gw points from (y0, x0),
 * steps (sy, sx). */
static double pool_bin(const roi_align_params *p, const void *plane, bool is_double,
                       int64_t h, int64_t w, double y0, double x0, double sy, double sx,
                       int64_t gh, int64_t gw)
{
    double sum = 0, best = 0;
    bool any = false;
    for (int64_t iy = 0; iy < gh; iy++) {
        double py = y0 + ((double)iy + 0.5) * sy;
        for (int64_t ix = 0; ix < gw; ix++) {
            double px = x0 + ((double)ix + 0.5) * sx, wt[4];
            size_t at[4];
            if (!bilinear_taps(py, px, h, w, at, wt)) {
                best = any ? larger(best, 0) : 0;   /* an outside point reads 0 */
                any = true;
                continue;
            }
            double v[4];
            for (int k = 0; k < 4; k++)
                v[k] = wt[k] * oc_real_at(plane, is_double, at[k]);
            if (p->max) {
                double m = larger(larger(larger(v[0], v[1]), v[2]), v[3]);
                best = any ? larger(best, m) : m;
                any = true;
            } else {
                sum += v[0] + v[1] + v[2] + v[3];
            }
        }
    }
    if (p->max)
        return best;
    double count = (double)(gh * gw);
    return count > 0 ? sum / count : 0;
}

static onnxc_status *roi_align_run(const oc_run_ctx *ctx)
{
    const roi_align_params *p = ctx->params;
    const oc_tensor *x = ctx->in[0], *rois = ctx->in[1], *idx = ctx->in[2];
    oc_tensor *y = ctx->out[0];
    int64_t n = x->dims[0], c = x->dims[1], h = x->dims[2], w = x->dims[3];
    int64_t r_count = rois->dims[0], oh = p->out_h, ow = p->out_w;
    bool is_double = x->dtype == ONNXC_DOUBLE;
    size_t plane = (size_t)(h * w), bins = (size_t)(oh * ow);
    const int64_t *batch = idx->data;
    double offset = p->half_pixel ? 0.5 : 0;
    for (int64_t r = 0; r < r_count; r++) {
        if (batch[r] < 0 || batch[r] >= n)
            return oc_run_error(ctx, "batch_indices[%lld] is %lld; X holds %lld images",
                                (long long)r, (long long)batch[r], (long long)n);
        double box[4];
        for (int k = 0; k < 4; k++)
            box[k] = oc_real_at(rois->data, is_double, (size_t)(r * 4 + k)) * p->spatial_scale -
                     offset;
        if (!(isfinite(box[0]) && isfinite(box[1]) && isfinite(box[2]) && isfinite(box[3])))
            return oc_run_error(ctx, "rois[%lld] is not finite", (long long)r);
        double rw = box[2] - box[0], rh = box[3] - box[1];
        if (!p->half_pixel) {
            rw = fmax(rw, 1);
            rh = fmax(rh, 1);
        }
        double bh = rh / (double)oh, bw = rw / (double)ow;
        /* An adaptive grid is as many points as the bin is pixels wide.
         * A hostile ROI could ask for any number: more than 2^24 points
         * per bin is refused rather than run for hours (each side alone
         * too: a bin 10^30 tall and 0 wide would overflow the count). */
        double gh_d = p->sampling_ratio > 0 ? (double)p->sampling_ratio : ceil(fmax(bh, 0));
        double gw_d = p->sampling_ratio > 0 ? (double)p->sampling_ratio : ceil(fmax(bw, 0));
        if (gh_d > (double)(1 << 24) || gw_d > (double)(1 << 24) ||
            gh_d * gw_d > (double)(1 << 24))
            return oc_run_error(ctx, "rois[%lld] asks for %.0f x %.0f sampling points per bin; "
                                "at most 2^24 are supported", (long long)r, gh_d, gw_d);
        int64_t gh = (int64_t)gh_d, gw = (int64_t)gw_d;
        for (int64_t ch = 0; ch < c; ch++) {
            size_t in_at = ((size_t)batch[r] * (size_t)c + (size_t)ch) * plane;
            const void *src = oc_real_ptr(x->data, is_double, in_at);
            size_t out_at = ((size_t)r * (size_t)c + (size_t)ch) * bins;
            for (int64_t by = 0; by < oh; by++)
                for (int64_t bx = 0; bx < ow; bx++) {
                    double v = pool_bin(p, src, is_double, h, w,
                                        box[1] + (double)by * bh, box[0] + (double)bx * bw,
                                        bh / (double)gh, bw / (double)gw, gh, gw);
                    oc_real_set(y->data, is_double, out_at + (size_t)(by * ow + bx), v);
                }
        }
    }
    return NULL;
}

static const int roi_align_versions[] = {10, 16, 0};

const oc_op oc_op_roi_align = {
    .domain = "",
    .op_type = "RoiAlign",
    .versions = roi_align_versions,
    .last_opset = 21,
    .min_inputs = 3, .max_inputs = 3,
    .min_outputs = 1, .max_outputs = 1,
    .types = "float, double",
    .prepare = roi_align_prepare,
    .infer = roi_align_infer,
    .run = roi_align_run,
};
