/*
 * grid_sample.c - GridSample (versions 16, 20): X [N, C, H, W] sampled at
 * the points of grid [N, H_out, W_out, 2] ((x, y), -1 to 1 spanning the
 * image) into [N, C, H_out, W_out].
 *
 * mode: bilinear / nearest / bicubic at 16, renamed linear / nearest /
 * cubic at 20 (each version takes its own names). 20 also allows N-D
 * (volumetric) inputs: only the 2-D case runs here, the rest is refused.
 * padding_mode says what a tap outside the image reads: zeros, the
 * nearest border pixel, or the pixel reflected about the border (about
 * the outer pixel centres with align_corners, else the image edges).
 * As onnxruntime and PyTorch do, padding applies to each tap of the
 * interpolation (not to the sample point); nearest rounds half to even;
 * bicubic is Keys' cubic with A = -0.75.
 *
 * Coordinates are computed in double whatever the types (X and grid may
 * each be float or double). A tap that is NaN or infinite reads zero.
 * The cubic kernel is Resize's (ops/image/resample.h).
 */
#include <math.h>
#include <string.h>

#include "ops/common/op_util.h"
#include "ops/image/resample.h"

typedef enum sample_mode { SAMPLE_LINEAR, SAMPLE_NEAREST, SAMPLE_CUBIC } sample_mode;
typedef enum pad_mode { PAD_ZEROS, PAD_BORDER, PAD_REFLECTION } pad_mode;

typedef struct grid_sample_params {
    sample_mode mode;
    pad_mode padding;
    bool align_corners;
} grid_sample_params;

static onnxc_status *grid_sample_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const attrs[] = {"mode", "padding_mode", "align_corners", NULL};
    const oc_node *node = ctx->node;
    bool v20 = node->op_version >= 20;
    const char *mode, *padding;
    int64_t align = 0;
    char desc[300];
    onnxc_status *err;
    grid_sample_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(node, attrs)) ||
        (err = oc_attr_string(node, "mode", v20 ? "linear" : "bilinear", &mode)) ||
        (err = oc_attr_string(node, "padding_mode", "zeros", &padding)) ||
        (err = oc_attr_int(node, "align_corners", 0, &align)))
        return err;
    if (!strcmp(mode, v20 ? "linear" : "bilinear"))
        p->mode = SAMPLE_LINEAR;
    else if (!strcmp(mode, "nearest"))
        p->mode = SAMPLE_NEAREST;
    else if (!strcmp(mode, v20 ? "cubic" : "bicubic"))
        p->mode = SAMPLE_CUBIC;
    else
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: mode is '%s'; version %d takes %s", oc_node_desc(node, desc, sizeof desc),
                        mode, node->op_version,
                        v20 ? "linear, nearest, cubic" : "bilinear, nearest, bicubic");
    if (!strcmp(padding, "zeros"))
        p->padding = PAD_ZEROS;
    else if (!strcmp(padding, "border"))
        p->padding = PAD_BORDER;
    else if (!strcmp(padding, "reflection"))
        p->padding = PAD_REFLECTION;
    else
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: padding_mode is '%s'; it must be zeros, border or reflection",
                        oc_node_desc(node, desc, sizeof desc), padding);
    if (align != 0 && align != 1)
        return oc_error(ONNXC_ERR_INVALID_MODEL, "%s: align_corners is %lld; it must be 0 or 1",
                        oc_node_desc(node, desc, sizeof desc), (long long)align);
    p->align_corners = align == 1;
    *params = p;
    return NULL;
}

static onnxc_status *grid_sample_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const oc_type *x = ctx->in[0], *grid = ctx->in[1];
    oc_type *y = ctx->out[0];
    char desc[300], s1[128], s2[128];
    if (x->dtype != ONNXC_FLOAT && x->dtype != ONNXC_DOUBLE)
        return oc_bad_dtype(node, "X", x->dtype, "float, double");
    if (grid->dtype != ONNXC_FLOAT && grid->dtype != ONNXC_DOUBLE)
        return oc_bad_dtype(node, "grid", grid->dtype, "float, double");
    y->dtype = x->dtype;
    y->shape.rank = -1;
    if (x->shape.rank < 0 || grid->shape.rank < 0)
        return NULL;
    if (x->shape.rank > 4 && node->op_version >= 20)
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "%s: X is %s; only 2-D sampling ([N, C, H, W]) is supported, "
                        "not N-D (volumetric) GridSample",
                        oc_node_desc(node, desc, sizeof desc),
                        oc_shape_format(&x->shape, NULL, s1, sizeof s1));
    const oc_dim *xd = x->shape.dims, *gd = grid->shape.dims;
    if (x->shape.rank != 4 || grid->shape.rank != 4 ||
        (dim_is_known(gd[3]) && gd[3].value != 2) || !oc_dim_compatible(xd[0], gd[0]))
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: X is %s and grid %s; they must be [N, C, H, W] and "
                        "[N, H_out, W_out, 2]",
                        oc_node_desc(node, desc, sizeof desc),
                        oc_shape_format(&x->shape, NULL, s1, sizeof s1),
                        oc_shape_format(&grid->shape, NULL, s2, sizeof s2));
    y->shape.rank = 4;
    y->shape.dims[0] = dim_is_known(xd[0]) ? xd[0] : gd[0];
    y->shape.dims[1] = xd[1];
    y->shape.dims[2] = gd[1];
    y->shape.dims[3] = gd[2];
    oc_dim count;
    if (!oc_shape_product(&y->shape, 0, 4, &count) ||
        (dim_is_known(count) && count.value > INT64_MAX / 8))
        return oc_error(ONNXC_ERR_SHAPE, "%s: the output %s is too large",
                        oc_node_desc(node, desc, sizeof desc),
                        oc_shape_format(&y->shape, NULL, s1, sizeof s1));
    return NULL;
}

/* A grid coordinate (-1 to 1) as a pixel coordinate along a dim of n. */
static double denormalize(double g, int64_t n, bool align_corners)
{
    return align_corners ? (g + 1) / 2 * (double)(n - 1) : ((g + 1) * (double)n - 1) / 2;
}

/* x reflected into [lo, hi] (repeatedly, as a mirror pair would). */
static double reflect(double x, double lo, double hi)
{
    double range = hi - lo;
    if (range <= 0)
        return lo;
    if (x < lo) {
        double t = fmod(lo - x, 2 * range);
        return t <= range ? lo + t : hi - (t - range);
    }
    if (x > hi) {
        double t = fmod(x - hi, 2 * range);
        return t <= range ? hi - t : lo + (t - range);
    }
    return x;
}

/* The index tap i (a whole number, as a double) reads along a dim of n
 * under the padding mode; -1 when it reads zero. */
static int64_t tap_index(double i, int64_t n, const grid_sample_params *p)
{
    if (!isfinite(i) || n <= 0)
        return -1;
    if (p->padding == PAD_BORDER)
        i = i < 0 ? 0 : i > (double)(n - 1) ? (double)(n - 1) : i;
    else if (p->padding == PAD_REFLECTION)
        i = p->align_corners ? reflect(i, 0, (double)(n - 1))
                             : reflect(i, -0.5, (double)n - 0.5);
    if (i < 0 || i > (double)(n - 1))
        return -1;
    return (int64_t)i;
}

/* The weights of the 4 taps around a point t past the second: Keys'
 * kernel with A = -0.75 (PyTorch's and onnxruntime's). */
static void cubic_weights(double t, double w[4])
{
    for (int k = 0; k < 4; k++)
        w[k] = oc_cubic_kernel(t + 1 - k, -0.75);
}

/* One output point of one channel plane (h x w) at pixel coordinates. */
static double sample(const void *plane, bool is_double, int64_t h, int64_t w, double x,
                     double y, const grid_sample_params *p)
{
    int taps = p->mode == SAMPLE_CUBIC ? 4 : p->mode == SAMPLE_LINEAR ? 2 : 1;
    double wx[4] = {1}, wy[4] = {1}, x0 = nearbyint(x), y0 = nearbyint(y);
    if (p->mode == SAMPLE_LINEAR) {
        x0 = floor(x);
        y0 = floor(y);
        wx[0] = x0 + 1 - x;
        wx[1] = x - x0;
        wy[0] = y0 + 1 - y;
        wy[1] = y - y0;
    } else if (p->mode == SAMPLE_CUBIC) {
        x0 = floor(x) - 1;
        y0 = floor(y) - 1;
        cubic_weights(x - x0 - 1, wx);
        cubic_weights(y - y0 - 1, wy);
    }
    double sum = 0;
    for (int r = 0; r < taps; r++) {
        int64_t row = tap_index(y0 + r, h, p);
        double line = 0;
        for (int c = 0; c < taps; c++) {
            int64_t col = tap_index(x0 + c, w, p);
            if (row >= 0 && col >= 0)
                line += wx[c] * oc_real_at(plane, is_double, (size_t)(row * w + col));
        }
        sum += wy[r] * line;
    }
    return sum;
}

static onnxc_status *grid_sample_run(const oc_run_ctx *ctx)
{
    const grid_sample_params *p = ctx->params;
    const oc_tensor *x = ctx->in[0], *grid = ctx->in[1];
    oc_tensor *y = ctx->out[0];
    int64_t n = x->dims[0], c = x->dims[1], h = x->dims[2], w = x->dims[3];
    int64_t ho = grid->dims[1], wo = grid->dims[2];
    bool x_double = x->dtype == ONNXC_DOUBLE, g_double = grid->dtype == ONNXC_DOUBLE;
    size_t points = (size_t)(ho * wo), plane = (size_t)(h * w);
    if (grid->dims[0] != n || grid->dims[3] != 2)
        return oc_run_error(ctx, "grid is [%lld,%lld,%lld,%lld]; it must be [%lld, H_out, W_out, 2]",
                            (long long)grid->dims[0], (long long)ho, (long long)wo,
                            (long long)grid->dims[3], (long long)n);
    for (int64_t b = 0; b < n; b++)
        for (size_t k = 0; k < points; k++) {
            size_t g = ((size_t)b * points + k) * 2;
            double px = denormalize(oc_real_at(grid->data, g_double, g), w, p->align_corners);
            double py = denormalize(oc_real_at(grid->data, g_double, g + 1), h, p->align_corners);
            for (int64_t ch = 0; ch < c; ch++) {
                size_t in_at = ((size_t)b * (size_t)c + (size_t)ch) * plane;
                const void *src = oc_real_ptr(x->data, x_double, in_at);
                size_t out_at = ((size_t)b * (size_t)c + (size_t)ch) * points + k;
                oc_real_set(y->data, x_double, out_at,
                            sample(src, x_double, h, w, px, py, p));
            }
        }
    return NULL;
}

static const int grid_sample_versions[] = {16, 20, 0};

const oc_op oc_op_grid_sample = {
    .domain = "",
    .op_type = "GridSample",
    .versions = grid_sample_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .types = "float, double",
    .prepare = grid_sample_prepare,
    .infer = grid_sample_infer,
    .run = grid_sample_run,
};
