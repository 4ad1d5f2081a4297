/*
 * vec_exp.h - vectorized float32 loops built on one exp: Exp, Sigmoid, Tanh and
 * the row passes of Softmax and LogSoftmax.
 *
 * Each loop has a portable scalar version (the libm formulas the ops used
 * before, bit for bit) and AVX2+FMA and AVX-512F versions compiled with
 * target attributes. Sigmoid, Tanh and Exp compute in float lanes, within 2
 * ulps (measured over every 97th float and densely where the bounds are
 * tightest), subnormal results unflushed; the Softmax passes widen to
 * double, exp good to ~1e-11 relative, the sum in double. Special values
 * (NaN, ±inf, ±0, saturation) come out as the scalar loops give them.
 *
 * oc_vec_select picks, for a session's onnxc_kernels, the widest set the
 * CPU has: scalar for the portable and reference kernels.
 */
#ifndef ONNXC_VEC_EXP_H
#define ONNXC_VEC_EXP_H

#include <stdbool.h>
#include <stddef.h>

#include "onnxc.h"

typedef enum vec_isa { VEC_SCALAR, VEC_AVX2, VEC_AVX512 } vec_isa;

/* Whether this CPU (and build) runs isa. */
bool oc_vec_isa_available(vec_isa isa);
/* The ISA for a session's kernel choice: scalar for the portable and
 * reference kernels, else the widest available up to the one named. */
vec_isa oc_vec_select(onnxc_kernels kernels);

/* y[i] = Sigmoid(x[i]), tanh(x[i]), exp(x[i]) for i < n; y may be x. */
void oc_vec_sigmoid_f32(vec_isa isa, float *y, const float *x, size_t n);
void oc_vec_exp_f32(vec_isa isa, float *y, const float *x, size_t n);
void oc_vec_tanh_f32(vec_isa isa, float *y, const float *x, size_t n);

/* The largest of x[0..n) ignoring NaN (-inf if none); n may be 0. */
float oc_vec_max_f32(vec_isa isa, const float *x, size_t n);
/* The sum in double of e_i = exp((double)x[i] - max), i < n; stores
 * (float)e_i in y[i] unless y is NULL. NaN x or max give NaN terms. */
double oc_vec_expsum_f32(vec_isa isa, float *y, const float *x, size_t n,
                      double max);
/* The same for Softmax, y required, with the terms in float lanes: exp of
 * x[i] - max taken exactly (its rounding error recovered and added after
 * the range reduction), so each term within 2 ulps, stored in y, summed in
 * double. The scalar version is the one above. */
double oc_vec_softmax_expsum_f32(vec_isa isa, float *y, const float *x,
                                 size_t n, float max);
/* y[i] = y[i] * s in float lanes, rounded (nearly) once: s split into two
 * floats, fma(y, hi, y lo) (the scalar version: in double). Softmax's last
 * step. */
void oc_vec_softmax_scale_f32(vec_isa isa, float *y, size_t n, double s);
/* y[i] = (float)((double)y[i] * s). */
void oc_vec_scale_f32(vec_isa isa, float *y, size_t n, double s);
/* y[i] = (float)(((double)x[i] - max) - sub); y may be x. */
void oc_vec_shift_f32(vec_isa isa, float *y, const float *x, size_t n,
                   double max, double sub);

/* Row statistics in double lanes (the scalar versions: one by one, in
 * double). The sum of x[0..n); the sum of (x[i] - m)^2; y[i] = (x[i] - m)
 * * is * scale[i] + bias[i] rounded once (scale, bias NULL: 1, 0; y may
 * be x); acc[i] += the rows r < rows of x[r * stride + i], four at a time
 * as acc + ((x0 + x1) + (x2 + x3)), the rest one by one: the same
 * additions in every version, so all give the same bits. */
double oc_vec_sum_f32(vec_isa isa, const float *x, size_t n);
double oc_vec_sqdev_f32(vec_isa isa, const float *x, size_t n, double m);
void oc_vec_norm_f32(vec_isa isa, float *y, const float *x, size_t n, double m,
                     double is, const float *scale, const float *bias);
void oc_vec_accum_f32(vec_isa isa, double *acc, const float *x, size_t n,
                      size_t rows, size_t stride);

#endif
