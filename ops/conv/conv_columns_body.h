/*
 * conv_columns_body.h - im2col and col2im for one element type: included
 * by conv_columns.c with COL_T (the type) and COL_IM2COL / COL_COL2IM
 * (the function names) defined.
 *
 * Each row walks its columns in runs along the last output dim: the
 * outer dims' input coordinates are worked out once per run (a run
 * whose outer coordinate is in the padding is all zeros), the last one
 * steps by the stride.
 */

/* Calls body(o, i, run) for the runs of row (kernel offsets kc) over
 * columns [j0, j1): o the column, i the offset in the plane of the
 * run's first element with the last dim's coordinate excluded, or -1 if
 * the run lies in the padding, last the last dim's input coordinate of
 * the run's first element. A macro, so that the loop is the same code
 * in both directions and both types. */
#define COL_RUNS(w, kc, j0, j1, BODY)                                       \
    do {                                                                    \
        int last_ = (w)->dims - 1;                                          \
        for (size_t j_ = (j0); j_ < (j1);) {                                \
            size_t rest_ = j_, ofs_ = 0, stride_ = 1;                       \
            int64_t o_[OC_WINDOW_MAX_DIMS] = {0};                           \
            for (int d_ = last_; d_ >= 0; d_--) {                           \
                o_[d_] = (int64_t)(rest_ % (size_t)(w)->out[d_]);           \
                rest_ /= (size_t)(w)->out[d_];                              \
            }                                                               \
            bool inside_ = true;                                            \
            for (int d_ = last_; d_ >= 0; d_--) {                           \
                if (d_ < last_) {                                           \
                    int64_t c_ = o_[d_] * (w)->strides[d_] -                \
                                 (w)->pad_begin[d_] +                       \
                                 (kc)[d_] * (w)->dilations[d_];             \
                    inside_ = inside_ && c_ >= 0 && c_ < (w)->in[d_];       \
                    ofs_ += (size_t)(inside_ ? c_ : 0) * stride_;           \
                }                                                           \
                stride_ *= (size_t)(w)->in[d_];                             \
            }                                                               \
            size_t len_ = (size_t)((w)->out[last_] - o_[last_]);            \
            if (len_ > (j1) - j_)                                           \
                len_ = (j1) - j_;                                           \
            size_t col_ = j_ - (j0);                                        \
            int64_t first_ = o_[last_] * (w)->strides[last_] -              \
                             (w)->pad_begin[last_] +                        \
                             (kc)[last_] * (w)->dilations[last_];           \
            int64_t step_ = (w)->strides[last_], end_ = (w)->in[last_];     \
            BODY;                                                           \
            j_ += len_;                                                     \
        }                                                                   \
    } while (0)

void COL_IM2COL(const oc_window *w, const COL_T *x, size_t channels,
                size_t j0, size_t j1, COL_T *col)
{
    size_t ksize = oc_conv_kernel_size(w), plane = oc_conv_in_size(w);
    size_t width = j1 - j0;
    for (size_t c = 0; c < channels; c++)
        for (size_t r = 0; r < ksize; r++) {
            int64_t kc[OC_WINDOW_MAX_DIMS];
            const COL_T *xc = x + c * plane;
            COL_T *row = col + (c * ksize + r) * width;
            kernel_offsets(w, r, kc);
            COL_RUNS(w, kc, j0, j1, {
                COL_T *dst = row + col_;
                int64_t at = first_;
                for (size_t t = 0; t < len_; t++, at += step_)
                    dst[t] = inside_ && at >= 0 && at < end_ ? xc[ofs_ + (size_t)at]
                                                             : (COL_T)0;
            });
        }
}

void COL_COL2IM(const oc_window *w, const COL_T *col, size_t channels,
                size_t j0, size_t j1, COL_T *y)
{
    size_t ksize = oc_conv_kernel_size(w), plane = oc_conv_in_size(w);
    size_t width = j1 - j0;
    for (size_t c = 0; c < channels; c++)
        for (size_t r = 0; r < ksize; r++) {
            int64_t kc[OC_WINDOW_MAX_DIMS];
            COL_T *yc = y + c * plane;
            const COL_T *row = col + (c * ksize + r) * width;
            kernel_offsets(w, r, kc);
            COL_RUNS(w, kc, j0, j1, {
                const COL_T *src = row + col_;
                int64_t at = first_;
                if (inside_)
                    for (size_t t = 0; t < len_; t++, at += step_)
                        if (at >= 0 && at < end_)
                            yc[ofs_ + (size_t)at] += src[t];
            });
        }
}


#ifdef COL_AXPY
/* y[j] += weight * (row r of x's column matrix)[j] over every column:
 * one kernel tap of a single-channel window (depthwise Conv), im2col and
 * the product in one pass. */
void COL_AXPY(const oc_window *w, const COL_T *x, size_t r, COL_T weight,
              COL_T *y)
{
    int64_t kc[OC_WINDOW_MAX_DIMS];
    kernel_offsets(w, r, kc);
    COL_RUNS(w, kc, 0, oc_conv_out_size(w), {
        COL_T *dst = y + col_;
        int64_t at = first_;
        if (inside_)
            for (size_t t = 0; t < len_; t++, at += step_)
                if (at >= 0 && at < end_)
                    dst[t] += weight * x[ofs_ + (size_t)at];
    });
}
#endif

#undef COL_RUNS
