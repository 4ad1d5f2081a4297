/*
 * resample.c - the coordinate transforms and the interpolation of Resize
 * and Upsample, once for both.
 *
 * Every mode is separable: the spec's reference interpolates the last
 * axis, then the one before over those results, and so on, each output
 * element a weighted sum of a few input elements along one axis. So each
 * resampled axis gets a table, per output index, of the input indices it
 * reads and their weights (1 tap for nearest, 2 for linear, 4 for cubic,
 * more for the antialiasing filter when it shrinks), and the tensor goes
 * through one pass per axis, [outer, in, inner] into [outer, out, inner],
 * between two scratch buffers, the last pass into y. Axes that shrink go
 * first, so the buffers stay small.
 *
 * Indices outside the input read the edge element (the reference pads
 * by edge), or, with exclude_outside, drop out and the other weights are
 * renormalized. tf_crop_and_resize gives extrapolation_value where the
 * coordinate falls outside [0, in - 1]: a row marked so (index -1) is
 * filled with it, and later passes keep it, their weights summing to 1.
 *
 * The common case of image networks, the last two axes of NCHW resized by
 * nearest or bilinear (at most 2 taps an axis, nothing to extrapolate),
 * goes in one pass instead: each output pixel from the row and column
 * tables directly, the N*C planes split over the thread pool. The tests
 * check both paths against one reference.
 */
#include <math.h>
#include <string.h>

#include "ops/common/op_util.h"
#include "ops/image/resample.h"
#include "runtime/core/status.h"
#include "runtime/exec/thread_pool.h"

typedef struct tap {
    int64_t index;   /* -1 in a row's first tap: extrapolation_value */
    double weight;
} tap;

static onnxc_status *bad_string(const oc_node *node, const char *attr,
                                const char *s, const char *allowed)
{
    char desc[300];
    return oc_error(ONNXC_ERR_INVALID_MODEL,
                    "%s: attribute %s is '%s'; expected one of %s",
                    oc_node_desc(node, desc, sizeof desc), attr, s, allowed);
}

onnxc_status *oc_resample_parse_mode(const oc_node *node, const char *s,
                                     oc_resample_mode *out)
{
    if (!strcmp(s, "nearest"))
        *out = OC_RESAMPLE_NEAREST;
    else if (!strcmp(s, "linear"))
        *out = OC_RESAMPLE_LINEAR;
    else if (!strcmp(s, "cubic"))
        *out = OC_RESAMPLE_CUBIC;
    else
        return bad_string(node, "mode", s, "nearest, linear, cubic");
    return NULL;
}

onnxc_status *oc_resample_parse_coord(const oc_node *node, const char *s,
                                      oc_resample_coord *out)
{
    static const char *const names[] = {
        "half_pixel", "half_pixel_symmetric", "pytorch_half_pixel",
        "align_corners", "asymmetric", "tf_half_pixel_for_nn",
        "tf_crop_and_resize"};
    for (int k = 0; k < (int)(sizeof names / sizeof names[0]); k++)
        if (!strcmp(s, names[k]) &&
            (k != OC_COORD_HALF_PIXEL_SYMMETRIC || node->op_version >= 19)) {
            *out = (oc_resample_coord)k;
            return NULL;
        }
    return bad_string(node, "coordinate_transformation_mode", s,
                      node->op_version >= 19
                          ? "half_pixel, half_pixel_symmetric, "
                            "pytorch_half_pixel, align_corners, asymmetric, "
                            "tf_half_pixel_for_nn, tf_crop_and_resize"
                          : "half_pixel, pytorch_half_pixel, align_corners, "
                            "asymmetric, tf_half_pixel_for_nn, "
                            "tf_crop_and_resize");
}

onnxc_status *oc_resample_parse_nearest(const oc_node *node, const char *s,
                                        oc_resample_nearest *out)
{
    if (!strcmp(s, "round_prefer_floor"))
        *out = OC_NEAREST_ROUND_PREFER_FLOOR;
    else if (!strcmp(s, "round_prefer_ceil"))
        *out = OC_NEAREST_ROUND_PREFER_CEIL;
    else if (!strcmp(s, "floor"))
        *out = OC_NEAREST_FLOOR;
    else if (!strcmp(s, "ceil"))
        *out = OC_NEAREST_CEIL;
    else
        return bad_string(node, "nearest_mode", s,
                          "round_prefer_floor, round_prefer_ceil, floor, ceil");
    return NULL;
}

/* Output lengths beyond this are refused here, before any size is
 * multiplied: no tensor of 2^40 elements along one axis can be held. */
#define RESAMPLE_MAX_LENGTH ((double)(1LL << 40))

onnxc_status *oc_resample_length(const oc_node *node, int axis, int64_t in,
                                 double scale, int64_t *out)
{
    char desc[300];
    /* float, as onnxruntime and ONNX shape inference compute it */
    double len = floor((double)((float)in * (float)scale));
    if (!(scale > 0) || !(len <= RESAMPLE_MAX_LENGTH))
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: scale %g of axis %d (length %lld) %s",
                        oc_node_desc(node, desc, sizeof desc), scale, axis,
                        (long long)in,
                        !(scale > 0) ? "must be above 0"
                                     : "gives an output length too large");
    *out = (int64_t)len;
    return NULL;
}

/* The input coordinate of output index x along an axis (the spec's
 * coordinate_transformation_mode); *outside for tf_crop_and_resize
 * beyond the input. */
static double coordinate(const oc_resample *r, double x, int64_t in,
                         int64_t out, double s, double roi0, double roi1,
                         bool *outside)
{
    /* the reference's output length is in * scale, not its floor: with
     * scales that do not divide, align_corners and tf_crop_and_resize
     * stretch to the unrounded length (the official test data) */
    double x_in, n = (double)in, m = s * n;
    *outside = false;
    switch (r->coord) {
    case OC_COORD_HALF_PIXEL_SYMMETRIC: {
        double adjustment = (double)out / m;
        double offset = n / 2 * (1 - adjustment);
        return offset + (x + 0.5) / s - 0.5;
    }
    case OC_COORD_PYTORCH_HALF_PIXEL:
        return out > 1 ? (x + 0.5) / s - 0.5 : 0;
    case OC_COORD_ALIGN_CORNERS:
        return m != 1 ? x * (n - 1) / (m - 1) : 0;
    case OC_COORD_ASYMMETRIC:
        return x / s;
    case OC_COORD_TF_HALF_PIXEL_FOR_NN:
        return (x + 0.5) / s;
    case OC_COORD_TF_CROP_AND_RESIZE:
        x_in = m != 1 ? roi0 * (n - 1) + x * (roi1 - roi0) * (n - 1) / (m - 1)
                       : 0.5 * (roi0 + roi1) * (n - 1);
        *outside = x_in < 0 || x_in > n - 1;
        return x_in;
    case OC_COORD_HALF_PIXEL:
    default:
        return (x + 0.5) / s - 0.5;
    }
}

double oc_cubic_kernel(double t, double a)
{
    t = fabs(t);
    if (t <= 1)
        return ((a + 2) * t - (a + 3)) * t * t + 1;
    if (t < 2)
        return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
    return 0;
}

/* The filter's reach in output-scale units: its taps run from the
 * floor of the coordinate plus first() to plus taps - first() - 1... */
static double stretch(const oc_resample *r, double s, int64_t in)
{
    double st = r->antialias && s < 1 ? s : 1;
    double least = 1.0 / (double)(in + 2);   /* out >= 1 means s >= 1/in */
    return st < least ? least : st;
}

/* The first tap's offset from floor(coordinate) and the tap count. */
static int64_t first_tap(const oc_resample *r, double s, int64_t in)
{
    double st = stretch(r, s, in);
    if (r->mode == OC_RESAMPLE_NEAREST)
        return 0;
    return (int64_t)floor((r->mode == OC_RESAMPLE_CUBIC ? -2 : -1) / st) + 1;
}

static size_t taps_of(const oc_resample *r, double s, int64_t in)
{
    return r->mode == OC_RESAMPLE_NEAREST
               ? 1 : (size_t)(2 - 2 * first_tap(r, s, in));
}

static int64_t clamp_index(int64_t i, int64_t in)
{
    return i < 0 ? 0 : i >= in ? in - 1 : i;
}

static int64_t nearest_index(const oc_resample *r, double c)
{
    double f = floor(c), frac = c - f;
    switch (r->nearest) {
    case OC_NEAREST_ROUND_PREFER_CEIL:
        return (int64_t)(frac >= 0.5 ? f + 1 : f);
    case OC_NEAREST_FLOOR:
        return (int64_t)f;
    case OC_NEAREST_CEIL:
        return (int64_t)ceil(c);
    case OC_NEAREST_ROUND_PREFER_FLOOR:
    default:
        return (int64_t)(frac > 0.5 ? f + 1 : f);
    }
}

/* The taps of every output index of one axis into t (out * taps). */
static void axis_table(const oc_resample *r, int64_t in, int64_t out,
                       double s, double roi0, double roi1, size_t taps, tap *t)
{
    double st = stretch(r, s, in);
    int64_t first = first_tap(r, s, in);
    for (int64_t o = 0; o < out; o++, t += taps) {
        bool outside;
        double c = coordinate(r, (double)o, in, out, s, roi0, roi1, &outside);
        if (outside || !isfinite(c)) {
            t[0].index = -1;
            continue;
        }
        /* far outside the input every tap reads the edge */
        if (c < -(double)in - 4)
            c = -(double)in - 4;
        if (c > 2.0 * (double)in + 4)
            c = 2.0 * (double)in + 4;
        if (r->mode == OC_RESAMPLE_NEAREST) {
            t[0].index = clamp_index(nearest_index(r, c), in);
            t[0].weight = 1;
            continue;
        }
        double f = floor(c), ratio = c - f, sum = 0;
        for (size_t k = 0; k < taps; k++) {
            int64_t i = (int64_t)k + first;
            double arg = ((double)i - ratio) * st;
            double w = r->mode == OC_RESAMPLE_CUBIC ? oc_cubic_kernel(arg, r->cubic_a)
                                                    : fmax(0, 1 - fabs(arg));
            int64_t at = (int64_t)f + i;
            if (r->exclude_outside && (at < 0 || at >= in))
                w = 0;
            t[k].index = clamp_index(at, in);
            t[k].weight = w;
            sum += w;
        }
        for (size_t k = 0; k < taps && sum != 0; k++)
            t[k].weight /= sum;
    }
}

static bool axis_is_identity(const oc_resample *r, const oc_resample_axes *a,
                             int d, int64_t in, int64_t out)
{
    if (in != out)
        return false;
    if (r->coord == OC_COORD_TF_CROP_AND_RESIZE)
        return a->roi_start[d] == 0 && a->roi_end[d] == 1 && in > 1;
    /* with scale 1 every transform maps x to x (tf_half_pixel_for_nn to
     * x + 0.5, which nearest rounds back down only for some modes) */
    return a->scale[d] == 1 && r->coord != OC_COORD_TF_HALF_PIXEL_FOR_NN &&
           !(r->coord == OC_COORD_PYTORCH_HALF_PIXEL && out == 1);
}

/* The resampled axes in the order the passes take them: most shrinking
 * first. */
static int pass_order(const oc_resample *r, const oc_resample_axes *a,
                      const oc_tensor *x, const oc_tensor *y, int *order)
{
    int n = 0;
    for (int d = 0; d < x->rank; d++)
        if (!axis_is_identity(r, a, d, x->dims[d], y->dims[d]))
            order[n++] = d;
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0; j--) {
            int p = order[j - 1], q = order[j];
            double rp = (double)y->dims[p] / (double)x->dims[p];
            double rq = (double)y->dims[q] / (double)x->dims[q];
            if (rq >= rp)
                break;
            order[j - 1] = q;
            order[j] = p;
        }
    return n;
}

/* The workspace's layout: each axis's table, then two buffers. */
typedef struct resample_layout {
    int order[ONNXC_MAX_RANK];
    int passes;
    size_t taps[ONNXC_MAX_RANK];
    size_t table_at[ONNXC_MAX_RANK];
    size_t buffer_at[2];
    size_t bytes;
    bool planes;           /* the 2-D fast path: no buffers */
} resample_layout;

/* The fast path's case: the passes are the last two axes, each read
 * through at most 2 taps, with no extrapolation. */
static bool planes_path(const oc_resample *r, const oc_resample_axes *a,
                        const oc_tensor *x, const resample_layout *l)
{
    int h = x->rank - 2;
    if (l->passes != 2 || x->rank < 2 || r->coord == OC_COORD_TF_CROP_AND_RESIZE ||
        r->mode == OC_RESAMPLE_CUBIC)
        return false;
    if (!((l->order[0] == h && l->order[1] == h + 1) ||
          (l->order[0] == h + 1 && l->order[1] == h)))
        return false;
    return taps_of(r, a->scale[h], x->dims[h]) <= 2 &&
           taps_of(r, a->scale[h + 1], x->dims[h + 1]) <= 2;
}

static void layout(const oc_resample *r, const oc_resample_axes *a,
                   const oc_tensor *x, const oc_tensor *y, resample_layout *l)
{
    size_t at = 0, largest = 0, count = 1, esize = onnxc_dtype_size(x->dtype);
    int64_t dims[ONNXC_MAX_RANK];
    l->passes = pass_order(r, a, x, y, l->order);
    for (int d = 0; d < x->rank; d++) {
        dims[d] = x->dims[d];
        count *= (size_t)x->dims[d];
    }
    for (int p = 0; p < l->passes; p++) {
        int d = l->order[p];
        l->taps[d] = taps_of(r, a->scale[d], x->dims[d]);
        l->table_at[d] = at;
        at += oc_align64((size_t)y->dims[d] * l->taps[d] * sizeof(tap));
        if (dims[d] != 0)
            count = count / (size_t)dims[d] * (size_t)y->dims[d];
        else
            count = 0;
        dims[d] = y->dims[d];
        if (p + 1 < l->passes && count > largest)
            largest = count;
    }
    l->planes = planes_path(r, a, x, l);
    if (l->planes)
        largest = 0;
    l->buffer_at[0] = at;
    l->buffer_at[1] = at + oc_align64(largest * esize);
    l->bytes = l->buffer_at[1] + oc_align64(largest * esize);
}

size_t oc_resample_workspace(const oc_resample *r, const oc_resample_axes *a,
                             const oc_tensor *x, const oc_tensor *y)
{
    resample_layout l;
    if (oc_tensor_count(y) == 0)
        return 0;
    layout(r, a, x, y, &l);
    return l.bytes;
}

#define RESAMPLE_PASS(name, T)                                                 \
    static void name(const T *src, T *dst, size_t outer, size_t in,           \
                     size_t out, size_t inner, const tap *table, size_t taps,  \
                     double extrapolation)                                     \
    {                                                                          \
        for (size_t b = 0; b < outer; b++) {                                   \
            const T *s = src + b * in * inner;                                 \
            T *d = dst + b * out * inner;                                      \
            for (size_t o = 0; o < out; o++, d += inner) {                     \
                const tap *t = table + o * taps;                               \
                if (t[0].index < 0) {                                          \
                    for (size_t i = 0; i < inner; i++)                         \
                        d[i] = (T)extrapolation;                               \
                    continue;                                                  \
                }                                                              \
                for (size_t i = 0; i < inner; i++)                             \
                    d[i] = (T)(t[0].weight *                                   \
                               s[(size_t)t[0].index * inner + i]);            \
                for (size_t k = 1; k < taps; k++) {                            \
                    const T *row = s + (size_t)t[k].index * inner;             \
                    T w = (T)t[k].weight;                                      \
                    if (w != 0)                                                \
                        for (size_t i = 0; i < inner; i++)                     \
                            d[i] += w * row[i];                                \
                }                                                              \
            }                                                                  \
        }                                                                      \
    }

RESAMPLE_PASS(pass_float, float)
RESAMPLE_PASS(pass_double, double)

/* The fast path's job: planes of in_h x in_w into out_h x out_w. */
typedef struct planes_job {
    const void *x;
    void *y;
    size_t planes, per_task, in_h, in_w, out_h, out_w, taps_h, taps_w;
    const tap *rows, *cols;
} planes_job;

#define PLANES_TASK(name, T)                                                   \
    static void name(void *cookie, size_t task, int thread)                    \
    {                                                                          \
        const planes_job *j = cookie;                                          \
        size_t lo, hi;                                                         \
        (void)thread;                                                          \
        oc_task_span(task, j->per_task, j->planes, &lo, &hi);                  \
        for (size_t p = lo; p < hi; p++) {                                     \
            const T *x = (const T *)j->x + p * j->in_h * j->in_w;              \
            T *y = (T *)j->y + p * j->out_h * j->out_w;                        \
            for (size_t oy = 0; oy < j->out_h; oy++, y += j->out_w) {          \
                const tap *ty = j->rows + oy * j->taps_h;                      \
                const T *r0 = x + (size_t)ty[0].index * j->in_w;               \
                const T *r1 = j->taps_h > 1                                    \
                                  ? x + (size_t)ty[1].index * j->in_w : r0;    \
                T wy0 = (T)ty[0].weight;                                       \
                T wy1 = j->taps_h > 1 ? (T)ty[1].weight : 0;                   \
                for (size_t ox = 0; ox < j->out_w; ox++) {                     \
                    const tap *tx = j->cols + ox * j->taps_w;                  \
                    size_t c0 = (size_t)tx[0].index;                           \
                    if (j->taps_w == 1 && j->taps_h == 1) {                    \
                        y[ox] = r0[c0];                                        \
                        continue;                                              \
                    }                                                          \
                    size_t c1 = j->taps_w > 1 ? (size_t)tx[1].index : c0;      \
                    T wx0 = (T)tx[0].weight;                                   \
                    T wx1 = j->taps_w > 1 ? (T)tx[1].weight : 0;               \
                    y[ox] = wy0 * (wx0 * r0[c0] + wx1 * r0[c1]) +              \
                            wy1 * (wx0 * r1[c0] + wx1 * r1[c1]);               \
                }                                                              \
            }                                                                  \
        }                                                                      \
    }

PLANES_TASK(planes_float, float)
PLANES_TASK(planes_double, double)

/* Planes per task: about 64K output elements each. */
static void run_planes(const oc_run_ctx *ctx, const resample_layout *l,
                       const oc_tensor *x, oc_tensor *y, const char *ws)
{
    int h = x->rank - 2;
    planes_job j = {
        .x = x->data, .y = y->data, .planes = 1,
        .in_h = (size_t)x->dims[h], .in_w = (size_t)x->dims[h + 1],
        .out_h = (size_t)y->dims[h], .out_w = (size_t)y->dims[h + 1],
        .taps_h = l->taps[h], .taps_w = l->taps[h + 1],
        .rows = (const tap *)(ws + l->table_at[h]),
        .cols = (const tap *)(ws + l->table_at[h + 1])};
    for (int d = 0; d < h; d++)
        j.planes *= (size_t)x->dims[d];
    size_t plane = j.out_h * j.out_w;
    j.per_task = plane >= 65536 ? 1 : 65536 / plane;
    size_t tasks = (j.planes + j.per_task - 1) / j.per_task;
    oc_thread_pool_run(tasks > 1 ? ctx->pool : NULL, tasks,
                       x->dtype == ONNXC_FLOAT ? planes_float : planes_double, &j);
}

onnxc_status *oc_resample_run(const oc_run_ctx *ctx, const oc_resample *r,
                              const oc_resample_axes *a, const oc_tensor *x,
                              oc_tensor *y)
{
    resample_layout l;
    char *ws = ctx->workspace;
    size_t esize = onnxc_dtype_size(x->dtype);
    int64_t dims[ONNXC_MAX_RANK];
    if (x->dtype != ONNXC_FLOAT && x->dtype != ONNXC_DOUBLE)
        return oc_run_error(ctx, "element type %s is not supported",
                            onnxc_dtype_name(x->dtype));
    if (oc_tensor_count(y) == 0)
        return NULL;
    if (oc_tensor_count(x) == 0)
        return oc_run_error(ctx, "X is empty and Y is not");
    layout(r, a, x, y, &l);
    if (l.passes == 0) {
        memcpy(y->data, x->data, oc_tensor_count(x) * esize);
        return NULL;
    }
    for (int p = 0; p < l.passes; p++) {
        int d = l.order[p];
        axis_table(r, x->dims[d], y->dims[d], a->scale[d], a->roi_start[d],
                   a->roi_end[d], l.taps[d], (tap *)(ws + l.table_at[d]));
    }
    if (l.planes) {
        run_planes(ctx, &l, x, y, ws);
        return NULL;
    }
    memcpy(dims, x->dims, sizeof dims);
    const void *src = x->data;
    for (int p = 0; p < l.passes; p++) {
        int d = l.order[p];
        size_t outer = 1, inner = 1;
        for (int k = 0; k < d; k++)
            outer *= (size_t)dims[k];
        for (int k = d + 1; k < x->rank; k++)
            inner *= (size_t)dims[k];
        void *dst = p + 1 == l.passes ? y->data : ws + l.buffer_at[p & 1];
        const tap *t = (const tap *)(ws + l.table_at[d]);
        if (x->dtype == ONNXC_FLOAT)
            pass_float(src, dst, outer, (size_t)dims[d], (size_t)y->dims[d],
                       inner, t, l.taps[d], r->extrapolation);
        else
            pass_double(src, dst, outer, (size_t)dims[d], (size_t)y->dims[d],
                        inner, t, l.taps[d], r->extrapolation);
        dims[d] = y->dims[d];
        src = dst;
    }
    return NULL;
}

size_t oc_resample_op_workspace(const oc_run_ctx *ctx, const oc_resample *r,
                                oc_resample_axes_fn axes)
{
    oc_resample_axes a;
    onnxc_status *err = axes(ctx, &a);
    if (err) {
        onnxc_status_free(err);   /* run reports it */
        return 0;
    }
    return oc_resample_workspace(r, &a, ctx->in[0], ctx->out[0]);
}

onnxc_status *oc_resample_op_run(const oc_run_ctx *ctx, const oc_resample *r,
                                 oc_resample_axes_fn axes)
{
    oc_resample_axes a;
    onnxc_status *err = axes(ctx, &a);
    return err ? err : oc_resample_run(ctx, r, &a, ctx->in[0], ctx->out[0]);
}
