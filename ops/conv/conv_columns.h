/*
 * conv_columns.h - the column matrix of a window: made whole a tile at
 * a time (im2col) and its adjoint (col2im), which Conv and ConvTranspose
 * share with the plain double product they use them with; and the phase
 * planes Conv's float product makes it from a block at a time.
 * (ops/conv/conv_columns.c)
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

/* Phase planes: a group's input padded and split by stride phase, so
 * that every row of its column matrix is one contiguous run of them.
 * Along dim d the padded input (pads included, P_d long) splits into
 * s_d phases (coordinates p with p % s_d the same), each Q_d =
 * ceil(P_d / s_d) long, zero past its end; a channel is its prod(s_d)
 * phase planes of prod(Q_d) floats. Output o (o_d < out_d) is
 * "position" sum o_d * qstride_d, and the row of tap k reads, at every
 * position, phase (k_d * dil_d % s_d) at position + sum (k_d * dil_d /
 * s_d) * qstride_d: the column matrix over positions [0, positions),
 * whose columns outside the outputs are padding the Gemm computes and
 * compact drops. Conv's product runs over it with its columns made a
 * block at a time (gemm_b_maker), while they are in cache. */
typedef struct oc_conv_phases {
    int dims;
    int64_t padded[OC_WINDOW_MAX_DIMS];   /* P_d */
    size_t q[OC_WINDOW_MAX_DIMS];         /* Q_d */
    size_t qstride[OC_WINDOW_MAX_DIMS];   /* row-major over the Q_d */
    size_t phase_size, channel_size, positions;
} oc_conv_phases;

/* Fills ph for w; false when the layout does not fit it (a negative pad,
 * a stride longer than the padded input, or phase planes far larger
 * than the input: the plain columns take those). */
bool oc_conv_phases_plan(const oc_window *w, oc_conv_phases *ph);
/* `channels` planes of x into channels * ph->channel_size floats. */
void oc_conv_phases_fill(const oc_window *w, const oc_conv_phases *ph,
                         const float *x, size_t channels, float *out);
/* Where each row of the column matrix of `channels` channels starts in
 * their phase planes: src[l] for l < channels * kernel size, worked out
 * once for every block the product makes. */
void oc_conv_phases_rows(const oc_window *w, const oc_conv_phases *ph,
                         size_t channels, size_t *src);
/* One block of the column matrix from the phase planes xp (rows at
 * xp + src[l]), packed as the blocked Gemm reads B: rows [l0, l0 + kc),
 * positions [j0, j1), panel q of nr columns at out + q * kc * nr, zero
 * past j1. */
void oc_conv_phases_block(const float *xp, const size_t *src, size_t l0,
                          size_t kc, size_t j0, size_t j1, size_t nr,
                          float *out);
/* y (m x out positions, dense) from yp (m x ph->positions). */
void oc_conv_phases_compact(const oc_window *w, const oc_conv_phases *ph,
                            const float *yp, size_t m, float *y);

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
