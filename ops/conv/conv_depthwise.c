/* conv_depthwise.c - the direct single-channel window (see conv_depthwise.h). */
#include "ops/conv/conv_columns.h"
#include "ops/conv/conv_depthwise.h"

/* The output columns [*lo, *hi) whose input column o * stride - pad + at
 * lies inside [0, in). */
static void inside_range(int64_t out, int64_t stride, int64_t pad, int64_t at,
                         int64_t in, int64_t *lo, int64_t *hi)
{
    int64_t first = at - pad;        /* input column of output column 0 */
    *lo = first >= 0 ? 0 : (-first + stride - 1) / stride;
    *hi = first >= in ? 0 : (in - 1 - first) / stride + 1;
    if (*hi > out)
        *hi = out;
    if (*lo > *hi)
        *lo = *hi;
}

static void plane_2d(const oc_window *w, const float *x, const float *wt,
                     float bias, float *y)
{
    int64_t ih = w->in[0], iw = w->in[1], oh = w->out[0], ow = w->out[1];
    int64_t kh = w->kernel[0], kw = w->kernel[1];
    int64_t sy = w->strides[0], sx = w->strides[1];
    int64_t dy = w->dilations[0], dx = w->dilations[1];
    for (int64_t i = 0; i < oh * ow; i++)
        y[i] = bias;
    for (int64_t kx = 0; kx < kw; kx++) {
        int64_t lo, hi;
        inside_range(ow, sx, w->pad_begin[1], kx * dx, iw, &lo, &hi);
        if (lo >= hi)
            continue;
        int64_t x0 = lo * sx - w->pad_begin[1] + kx * dx;
        for (int64_t oy = 0; oy < oh; oy++) {
            float *yr = y + oy * ow + lo;
            for (int64_t ky = 0; ky < kh; ky++) {
                int64_t iy = oy * sy - w->pad_begin[0] + ky * dy;
                if (iy < 0 || iy >= ih)
                    continue;
                const float *xr = x + iy * iw + x0;
                float k = wt[ky * kw + kx];
                int64_t n = hi - lo;
                if (sx == 1)
                    for (int64_t t = 0; t < n; t++)
                        yr[t] += k * xr[t];
                else
                    for (int64_t t = 0; t < n; t++)
                        yr[t] += k * xr[t * sx];
            }
        }
    }
}

void oc_conv_depthwise_plane_f32(const oc_window *w, const float *x,
                                 const float *weights, float bias, float *y)
{
    if (w->dims == 2) {
        plane_2d(w, x, weights, bias, y);
        return;
    }
    size_t n = oc_conv_out_size(w), taps = oc_conv_kernel_size(w);
    for (size_t j = 0; j < n; j++)
        y[j] = bias;
    for (size_t r = 0; r < taps; r++)
        oc_conv_axpy_f32(w, x, r, weights[r], y);
}
