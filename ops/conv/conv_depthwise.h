/*
 * conv_depthwise.h - one output plane of a single-input-channel window
 * (a depthwise Conv's group, or a Conv of one input channel), computed
 * directly: no columns, no product. (ops/conv/conv_depthwise.c)
 */
#ifndef ONNXC_CONV_DEPTHWISE_H
#define ONNXC_CONV_DEPTHWISE_H

#include "ops/common/window.h"
#include "ops/kernels/vec_exp.h"

/* The floats of scratch one input plane needs in *floats: its copy with
 * the pads written out as zeros, which the vector loop reads (isa AVX2 or
 * AVX-512, 2-D, a column stride of 1 or 2), else 0. False when the size
 * overflows. */
bool oc_conv_depthwise_scratch_floats(vec_isa isa, const oc_window *w,
                                      size_t *floats);

/* Zeroes the floats above, once before the planes of a run: the copies
 * rewrite only the input's place in them, so the pads stay zero. */
void oc_conv_depthwise_clear(vec_isa isa, const oc_window *w, float *padded);

/* Copies the input plane x into its place in `padded` (cleared before)
 * where the vector loop takes w; else does nothing. One copy serves every
 * output plane of that input channel. */
void oc_conv_depthwise_pad_f32(vec_isa isa, const oc_window *w,
                               const float *x, float *padded);

/* y (w's output plane) = bias + sum over the taps of weights[tap] times
 * the input plane under that tap (zero in the padding). `in` is the
 * padded copy where oc_conv_depthwise_scratch_floats asked for one, else
 * the input plane x itself. The 2-D plain loop: per tap, the range of
 * output columns whose input column falls inside is worked out once,
 * then each output row adds a strided slice of one input row; the vector
 * loop sums a vector of output columns' window in registers. Any other
 * rank goes through oc_conv_axpy_f32. Then the activation act
 * (GEMM_ACT_*, act_alpha its slope or cap), on the vector loop's store. */
void oc_conv_depthwise_plane_f32(vec_isa isa, const oc_window *w,
                                 const float *in, const float *weights,
                                 float bias, int act, float act_alpha,
                                 float *y);

#endif
