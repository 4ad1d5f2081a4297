/*
 * conv_depthwise.h - one output plane of a single-input-channel window
 * (a depthwise Conv's group, or a Conv of one input channel), computed
 * directly: no columns, no product. (ops/conv/conv_depthwise.c)
 */
#ifndef ONNXC_CONV_DEPTHWISE_H
#define ONNXC_CONV_DEPTHWISE_H

#include "ops/common/window.h"
#include "ops/kernels/vec_exp.h"

/* y (w's output plane) = bias + sum over the taps of weights[tap] times
 * the input plane x under that tap (zero in the padding). The 2-D loop:
 * per tap, the range of output columns whose input column falls inside
 * is worked out once, then each output row adds a strided slice of one
 * input row; with isa AVX2 or AVX-512 and a stride of 1 or 2, the columns
 * away from the edges a vector at a time, the window summed in registers.
 * Any other rank goes through oc_conv_axpy_f32. */
void oc_conv_depthwise_plane_f32(vec_isa isa, const oc_window *w,
                                 const float *x, const float *weights,
                                 float bias, float *y);

#endif
