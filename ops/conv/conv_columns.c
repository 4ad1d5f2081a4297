/* conv_columns.c - im2col, col2im and the double product for Conv and
 * ConvTranspose (see conv_columns.h). */
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

_Static_assert(GEMM_F32_KC % OC_IM2COL_PANEL_ROWS == 0,
               "a group of rows must not straddle two blocks of K");

void oc_im2col_panels_f32(const oc_window *w, const float *x,
                          size_t channels, size_t j0, size_t j1, size_t nr,
                          size_t g0, size_t g1, float *rows_tmp, float *out)
{
    size_t ksize = oc_conv_kernel_size(w), plane = oc_conv_in_size(w);
    size_t rows = channels * ksize, width = j1 - j0;
    size_t panels = (width + nr - 1) / nr, npad = panels * nr;
    size_t r_end = g1 * OC_IM2COL_PANEL_ROWS < rows ? g1 * OC_IM2COL_PANEL_ROWS
                                                    : rows;
    /* OC_IM2COL_PANEL_ROWS rows at a time made whole, then written panel
     * by panel: each panel gets them as one contiguous run (a row at a
     * time wrote 128 bytes into each panel, 64 KB apart, and was slower
     * than making the plain matrix and packing it). GEMM_F32_KC is a
     * multiple of the group (asserted above), so no group straddles two
     * blocks. */
    for (size_t r0 = g0 * OC_IM2COL_PANEL_ROWS; r0 < r_end;
         r0 += OC_IM2COL_PANEL_ROWS) {
        size_t nrows = rows - r0 < OC_IM2COL_PANEL_ROWS ? rows - r0
                                                        : OC_IM2COL_PANEL_ROWS;
        size_t l0 = r0 / GEMM_F32_KC * GEMM_F32_KC;
        size_t kc = rows - l0 < GEMM_F32_KC ? rows - l0 : GEMM_F32_KC;
        for (size_t i = 0; i < nrows; i++) {
            size_t r = r0 + i;
            im2col_row_f32(w, x + r / ksize * plane, r % ksize, j0, j1,
                           rows_tmp + i * width);
        }
        float *dst = out + l0 * npad + (r0 - l0) * nr;
        for (size_t q = 0; q < panels; q++, dst += kc * nr) {
            size_t n = width - q * nr < nr ? width - q * nr : nr;
            for (size_t i = 0; i < nrows; i++) {
                memcpy(dst + i * nr, rows_tmp + i * width + q * nr,
                       n * sizeof *dst);
                for (size_t c = n; c < nr; c++)
                    dst[i * nr + c] = 0;
            }
        }
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
