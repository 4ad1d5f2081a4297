/*
 * packed_weight.h - what Gemm and MatMul share around the float Gemm
 * kernel: a weight B packed once into the kernel's layout, and the
 * activation either takes into its store (a fusion).
 */
#ifndef ONNXC_PACKED_WEIGHT_H
#define ONNXC_PACKED_WEIGHT_H

#include "ops/common/op_util.h"
#include "ops/kernels/gemm_kernel.h"

/* B' (K x N) packed by gemm_f32_pack_b; data NULL when not packed. */
typedef struct oc_packed_weight {
    const float *data;
    size_t k, n;
} oc_packed_weight;

/* Packs b as B' (b transposed when trans_b) when it is a float weight (a
 * constant of the model) of rank 2, or more with leading dims of 1, that
 * is not empty; leaves *w unpacked otherwise, and when kernel is NULL
 * (the reference loop reads B as stored). */
onnxc_status *oc_packed_weight_make(const gemm_kernel *kernel,
                                    const oc_value *b, bool trans_b,
                                    oc_pool *pool, oc_packed_weight *w);

/* Whether w is packed for a B' of K x N. */
bool oc_packed_weight_fits(const oc_packed_weight *w, size_t k, size_t n);

/* Whether the packed copy serves every problem on this weight, whatever
 * M: then the stored copy is never read (reads_packed_only). */
bool oc_packed_weight_suffices(const oc_packed_weight *w);

/* Takes an activation of kind `kind` and parameter `param` (see
 * oc_activation) into *act and *act_alpha for the store to apply. False,
 * changing nothing, when an activation is taken already or for a kind the
 * kernel does not apply. */
bool oc_linalg_take_activation(int *act, float *act_alpha,
                               oc_activation kind, float param);

#endif
