/*
 * conv_columns_body.h - im2col and col2im for one element type: included
 * by conv_columns.c with COL_T (the type) and COL_ROW / COL_IM2COL /
 * COL_COL2IM (the function names) defined.
 *
 * Each row walks its columns in runs along the last output dim: the
 * outer dims' input coordinates are worked out once per run (a run
 * whose outer coordinate is in the padding is all zeros), the last one
 * steps by the stride.
 */

/* Runs BODY for each run of row (kernel offsets kc) over columns [j0,
 * j1), with col_ its first column less j0, len_ its length, inside_
 * false when its outer coordinates fall in the padding, ofs_ the offset
 * in the plane of its outer coordinates, and its elements t < len_ at
 * last-dim coordinate first_ + t * step_, inside the input for t in
 * [t0_, t1_). A macro, so that the loop is the same code in both
 * directions and both types. */
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
            /* The elements [t0_, t1_) of the run fall inside the input. */ \
            size_t t0_ = 0, t1_ = inside_ ? len_ : 0;                       \
            if (first_ < 0)                                                 \
                t0_ = (size_t)((-first_ + step_ - 1) / step_);              \
            if (first_ + (int64_t)(len_ - 1) * step_ >= end_)               \
                t1_ = first_ >= end_ ? 0                                    \
                      : (size_t)((end_ - first_ + step_ - 1) / step_);      \
            if (t1_ > len_ || !inside_)                                     \
                t1_ = inside_ ? len_ : 0;                                   \
            if (t0_ > t1_)                                                  \
                t0_ = t1_;                                                  \
            BODY;                                                           \
            j_ += len_;                                                     \
        }                                                                   \
    } while (0)

/* Columns [j0, j1) of row r (< kernel size) of plane xc's column matrix
 * into row. */
static void COL_ROW(const oc_window *w, const COL_T *xc, size_t r, size_t j0,
                    size_t j1, COL_T *row)
{
    int64_t kc[OC_WINDOW_MAX_DIMS];
    kernel_offsets(w, r, kc);
    COL_RUNS(w, kc, j0, j1, {
        COL_T *dst = row + col_;
        size_t t = 0;
        for (; t < t0_; t++)
            dst[t] = 0;
        if (t0_ < t1_) {
            const COL_T *src = xc + ofs_ + (size_t)(first_ + (int64_t)t0_ * step_);
            if (step_ == 1)
                memcpy(dst + t0_, src, (t1_ - t0_) * sizeof *dst);
            else
                for (size_t u = 0; u < t1_ - t0_; u++)
                    dst[t0_ + u] = src[u * (size_t)step_];
        }
        for (t = t1_; t < len_; t++)
            dst[t] = 0;
    });
}

void COL_IM2COL(const oc_window *w, const COL_T *x, size_t channels,
                size_t j0, size_t j1, COL_T *col)
{
    size_t ksize = oc_conv_kernel_size(w), plane = oc_conv_in_size(w);
    size_t width = j1 - j0;
    for (size_t c = 0; c < channels; c++)
        for (size_t r = 0; r < ksize; r++)
            COL_ROW(w, x + c * plane, r, j0, j1,
                    col + (c * ksize + r) * width);
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
                if (t0_ < t1_) {
                    COL_T *dst = yc + ofs_ + (size_t)(first_ + (int64_t)t0_ * step_);
                    for (size_t u = 0; u < t1_ - t0_; u++)
                        dst[u * (size_t)step_] += src[t0_ + u];
                }
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
        COL_T *dst = y + col_ + t0_;
        if (t0_ < t1_) {
            const COL_T *src = x + ofs_ + (size_t)(first_ + (int64_t)t0_ * step_);
            if (step_ == 1)
                for (size_t u = 0; u < t1_ - t0_; u++)
                    dst[u] += weight * src[u];
            else
                for (size_t u = 0; u < t1_ - t0_; u++)
                    dst[u] += weight * src[u * (size_t)step_];
        }
    });
}
#endif

#undef COL_RUNS
