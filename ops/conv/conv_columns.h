/*
 * conv_columns.h - what Conv and ConvTranspose share: the column matrix
 * of a window (im2col) and its adjoint (col2im), and the plain double
 * product they use it with. (ops/conv/conv_columns.c)
 *
 * For a window w over `channels` planes of w->in positions each (the
 * spatial dims row-major), the column matrix has channels * kernel-size
 * rows, row (c, k1..kn) (kernel offsets row-major), and one column per
 * position of w->out: column (o1..on) of row (c, k...) is plane c at
 * o_d * stride_d - pad_begin_d + k_d * dilation_d, or 0 where that falls
 * in the padding. Conv is W times it; ConvTranspose scatters W^T X back.
 * Both take a range of columns [j0, j1) so that a large matrix can be
 * made a tile at a time: the tile is rows x (j1 - j0), row-major.
 */
#ifndef ONNXC_CONV_COLUMNS_H
#define ONNXC_CONV_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>

#include "ops/common/window.h"

/* The attribute group, at least 1. */
onnxc_status *oc_conv_read_group(const oc_node *node, int64_t *group);
/* Infer's check of the element types: X float or double, W and B (when
 * given) the same; sets the output's. */
onnxc_status *oc_conv_check_types(const oc_infer_ctx *ctx);

/* Products of w->in and of w->out dims, and of the kernel dims. */
size_t oc_conv_in_size(const oc_window *w);
size_t oc_conv_out_size(const oc_window *w);
size_t oc_conv_kernel_size(const oc_window *w);

/* Columns [j0, j1) of x's column matrix into col. */
void oc_im2col_f32(const oc_window *w, const float *x, size_t channels,
                   size_t j0, size_t j1, float *col);
void oc_im2col_f64(const oc_window *w, const double *x, size_t channels,
                   size_t j0, size_t j1, double *col);

/* The same columns packed as the blocked Gemm reads a prepacked B (see
 * oc_gemm_f32_pack_b): for each block of GEMM_F32_KC rows, nr-wide
 * panels across the columns, each kc x nr floats, zero past the last
 * column; so the Gemm packs nothing. Only the groups [g0, g1) of
 * OC_IM2COL_PANEL_ROWS rows (threads take groups of their own); rows_tmp:
 * scratch of OC_IM2COL_PANEL_ROWS * (j1 - j0) floats. */
#define OC_IM2COL_PANEL_ROWS 16
void oc_im2col_panels_f32(const oc_window *w, const float *x,
                          size_t channels, size_t j0, size_t j1, size_t nr,
                          size_t g0, size_t g1, float *rows_tmp, float *out);

/* Adds the tile col (columns [j0, j1)) into the planes y where im2col
 * would have read them: the transpose of im2col. */
void oc_col2im_f32(const oc_window *w, const float *col, size_t channels,
                   size_t j0, size_t j1, float *y);
void oc_col2im_f64(const oc_window *w, const double *col, size_t channels,
                   size_t j0, size_t j1, double *y);

/* y[j] += weight * (row r of x's column matrix)[j], every column: one
 * kernel tap of a single-channel window (depthwise Conv, one plane). */
void oc_conv_axpy_f32(const oc_window *w, const float *x, size_t r,
                      float weight, float *y);

/* y (m x n) = A' b, A' = a (m x k, row stride lda)
 * or, when trans_a, a^T (a k x m, row stride lda); b k x n with row
 * stride ldb. The plain loop, in the order i, l, j. */
void oc_conv_gemm_f64(size_t m, size_t n, size_t k, const double *a,
                      size_t lda, bool trans_a, const double *b, size_t ldb,
                      double *y);

#endif
