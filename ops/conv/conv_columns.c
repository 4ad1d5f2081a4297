/* conv_columns.c - im2col, col2im, the phase planes and the double
 * product for Conv and ConvTranspose (see conv_columns.h). */
#include <stdbool.h>
#include <string.h>

#include "ops/common/op_util.h"
#include "ops/conv/conv_columns.h"
#include "ops/kernels/gemm_kernel.h"

onnxc_status *oc_conv_read_group(const oc_node *node, int64_t *group)
{
    char desc[160];
    onnxc_status *err = oc_attr_int(node, "group", 1, group);
    if (!err && *group < 1)
        err = oc_error(ONNXC_ERR_INVALID_MODEL, "%s: group is %lld; it must "
                       "be at least 1", oc_node_desc(node, desc, sizeof desc),
                       (long long)*group);
    return err;
}

onnxc_status *oc_conv_check_types(const oc_infer_ctx *ctx)
{
    char desc[160];
    const oc_type *x = ctx->in[0], *w = ctx->in[1], *b = ctx->in[2];
    if (x->dtype != ONNXC_FLOAT && x->dtype != ONNXC_DOUBLE)
        return oc_bad_dtype(ctx->node, "X", x->dtype, "float, double");
    if (w->dtype != x->dtype || (b && b->dtype != x->dtype))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: X, W and B must share one element type, got X "
                        "%s, W %s%s%s", oc_node_desc(ctx->node, desc, sizeof desc),
                        onnxc_dtype_name(x->dtype), onnxc_dtype_name(w->dtype),
                        b ? ", B " : "", b ? onnxc_dtype_name(b->dtype) : "");
    ctx->out[0]->dtype = x->dtype;
    return NULL;
}

static size_t product(const int64_t *dims, int n)
{
    size_t p = 1;
    for (int d = 0; d < n; d++)
        p *= (size_t)dims[d];
    return p;
}

size_t oc_conv_in_size(const oc_window *w) { return product(w->in, w->dims); }
size_t oc_conv_out_size(const oc_window *w) { return product(w->out, w->dims); }
size_t oc_conv_kernel_size(const oc_window *w)
{
    return product(w->kernel, w->dims);
}

/* The kernel offsets of row r of a plane (r < kernel size). */
static void kernel_offsets(const oc_window *w, size_t r, int64_t *kc)
{
    for (int d = w->dims - 1; d >= 0; d--) {
        kc[d] = (int64_t)(r % (size_t)w->kernel[d]);
        r /= (size_t)w->kernel[d];
    }
}

#define COL_T float
#define COL_ROW im2col_row_f32
#define COL_IM2COL oc_im2col_f32
#define COL_COL2IM oc_col2im_f32
#define COL_AXPY oc_conv_axpy_f32
#include "ops/conv/conv_columns_body.h"
#undef COL_T
#undef COL_ROW
#undef COL_IM2COL
#undef COL_COL2IM
#undef COL_AXPY

#define COL_T double
#define COL_ROW im2col_row_f64
#define COL_IM2COL oc_im2col_f64
#define COL_COL2IM oc_col2im_f64
#include "ops/conv/conv_columns_body.h"

bool oc_conv_phases_plan(const oc_window *w, oc_conv_phases *ph)
{
    memset(ph, 0, sizeof *ph);
    ph->dims = w->dims;
    size_t phases = 1, plane = 1;
    if (oc_conv_in_size(w) == 0)   /* all padding: the plain columns */
        return false;
    for (int d = 0; d < w->dims; d++) {
        int64_t s = w->strides[d], pb = w->pad_begin[d], pe = w->pad_end[d];
        int64_t span = (w->kernel[d] - 1) * w->dilations[d];
        int64_t padded = w->in[d] + pb + pe;
        if (pb < 0 || pe < 0 || w->out[d] < 1 || s > padded)
            return false;
        int64_t q = (padded + s - 1) / s;
        /* Every tap of every output inside the padded input, and inside
         * its phase plane: what makes each row of columns one run. */
        if ((w->out[d] - 1) * s + span > padded - 1 ||
            (w->out[d] - 1) + span / s > q - 1)
            return false;
        ph->padded[d] = padded;
        ph->q[d] = (size_t)q;
        if (!oc_size_mul(phases, (size_t)s, &phases) ||
            !oc_size_mul(plane, (size_t)q, &plane))
            return false;
    }
    size_t pos = 0, stride = 1;
    for (int d = w->dims - 1; d >= 0; d--) {
        ph->qstride[d] = stride;
        pos += (size_t)(w->out[d] - 1) * stride;
        stride *= ph->q[d];
    }
    ph->phase_size = plane;
    ph->positions = pos + 1;
    /* A phase plane is at most twice the padded input along each dim; a
     * padding far larger than the input is left to the plain columns. */
    size_t in = oc_conv_in_size(w);
    return oc_size_mul(phases, plane, &ph->channel_size) &&
           ph->channel_size / 4 <= in + ph->positions + 4096;
}

void oc_conv_phases_fill(const oc_window *w, const oc_conv_phases *ph,
                         const float *x, size_t channels, float *out)
{
    int last = w->dims - 1;
    size_t plane = oc_conv_in_size(w), rows = plane / (size_t)w->in[last];
    int64_t s = w->strides[last], pb = w->pad_begin[last];
    memset(out, 0, channels * ph->channel_size * sizeof *out);
    for (size_t c = 0; c < channels; c++) {
        const float *xc = x + c * plane;
        float *oc = out + c * ph->channel_size;
        for (size_t r = 0; r < rows; r++) {
            /* The row's outer coordinates: its phase and place in it. */
            size_t rest = r, outer = 0, phase = 0, radix = 1;
            for (int d = last - 1; d >= 0; d--) {
                size_t i = rest % (size_t)w->in[d] + (size_t)w->pad_begin[d];
                rest /= (size_t)w->in[d];
                outer += i / (size_t)w->strides[d] * ph->qstride[d];
                phase += i % (size_t)w->strides[d] * radix;
                radix *= (size_t)w->strides[d];
            }
            /* Along the last dim, phase and place step without dividing;
             * a stride of 1 is one phase, the row a copy. */
            const float *src = xc + r * (size_t)w->in[last];
            size_t base = outer + phase * (size_t)s * ph->phase_size;
            size_t p = (size_t)pb % (size_t)s, q = (size_t)pb / (size_t)s;
            if (s == 1) {
                memcpy(oc + base + q, src, (size_t)w->in[last] * sizeof *oc);
                continue;
            }
            for (int64_t i = 0; i < w->in[last]; i++) {
                oc[base + p * ph->phase_size + q] = src[i];
                if (++p == (size_t)s) {
                    p = 0;
                    q++;
                }
            }
        }
    }
}

void oc_conv_phases_rows(const oc_window *w, const oc_conv_phases *ph,
                         size_t channels, size_t *src)
{
    size_t ksize = oc_conv_kernel_size(w);
    for (size_t l = 0; l < channels * ksize; l++) {
        /* Row (channel, tap): its tap's phase plane, shifted. */
        size_t rest = l % ksize, phase = 0, radix = 1, shift = 0;
        for (int d = w->dims - 1; d >= 0; d--) {
            size_t at = rest % (size_t)w->kernel[d] * (size_t)w->dilations[d];
            rest /= (size_t)w->kernel[d];
            phase += at % (size_t)w->strides[d] * radix;
            radix *= (size_t)w->strides[d];
            shift += at / (size_t)w->strides[d] * ph->qstride[d];
        }
        src[l] = l / ksize * ph->channel_size + phase * ph->phase_size + shift;
    }
}

/* The block's rows, NR (a constant once inlined) floats a panel: a
 * constant-size memcpy the compiler writes as a few vector moves. The
 * last panel takes what is left of [j0, j1) and zeros. */
static inline __attribute__((always_inline)) void
phases_block(size_t NR, const float *xp, const size_t *src, size_t l0,
             size_t kc, size_t j0, size_t j1, float *out)
{
    size_t q = (j1 - j0) / NR, n = j1 - j0 - q * NR;  /* full, and the rest */
    for (size_t l = l0; l < l0 + kc; l++) {
        const float *row = xp + src[l] + j0;
        float *dst = out + (l - l0) * NR;
        for (size_t p = 0; p < q; p++)
            memcpy(dst + p * kc * NR, row + p * NR, NR * sizeof *dst);
        if (n) {
            memcpy(dst + q * kc * NR, row + q * NR, n * sizeof *dst);
            memset(dst + q * kc * NR + n, 0, (NR - n) * sizeof *dst);
        }
    }
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/* The panels of the AVX2 (16) and AVX-512 (32) tiles, copied with their
 * vectors: libc's memcpy, called for every 64 bytes, was 8.5% of
 * resnet18's time on an AVX2 machine. A kernel of that width runs only
 * where its instructions do. */
__attribute__((target("avx2"))) static void
phases_block_16(const float *xp, const size_t *src, size_t l0, size_t kc,
                size_t j0, size_t j1, float *out)
{
    phases_block(16, xp, src, l0, kc, j0, j1, out);
}
__attribute__((target("avx512f"))) static void
phases_block_32(const float *xp, const size_t *src, size_t l0, size_t kc,
                size_t j0, size_t j1, float *out)
{
    phases_block(32, xp, src, l0, kc, j0, j1, out);
}
#endif

void oc_conv_phases_block(const float *xp, const size_t *src, size_t l0,
                          size_t kc, size_t j0, size_t j1, size_t nr,
                          float *out)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (nr == 16)
        phases_block_16(xp, src, l0, kc, j0, j1, out);
    else if (nr == 32)
        phases_block_32(xp, src, l0, kc, j0, j1, out);
    else
#endif
        phases_block(nr, xp, src, l0, kc, j0, j1, out);
}

void oc_conv_phases_compact(const oc_window *w, const oc_conv_phases *ph,
                            const float *yp, size_t m, float *y)
{
    int last = w->dims - 1;
    size_t out = oc_conv_out_size(w), len = (size_t)w->out[last];
    size_t rows = out / len;
    for (size_t r = 0; r < rows; r++) {
        size_t rest = r, at = 0;
        for (int d = last - 1; d >= 0; d--) {
            at += rest % (size_t)w->out[d] * ph->qstride[d];
            rest /= (size_t)w->out[d];
        }
        for (size_t i = 0; i < m; i++)
            memcpy(y + i * out + r * len, yp + i * ph->positions + at,
                   len * sizeof *y);
    }
}

void oc_conv_gemm_f64(size_t m, size_t n, size_t k, const double *a,
                      size_t lda, bool trans_a, const double *b, size_t ldb,
                      double *y)
{
    memset(y, 0, m * n * sizeof *y);
    for (size_t i = 0; i < m; i++)
        for (size_t l = 0; l < k; l++) {
            double ail = trans_a ? a[l * lda + i] : a[i * lda + l];
            const double *bl = b + l * ldb;
            double *yi = y + i * n;
            for (size_t j = 0; j < n; j++)
                yi[j] += ail * bl[j];
        }
}
