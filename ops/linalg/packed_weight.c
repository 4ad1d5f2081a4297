/* packed_weight.c - weights packed for the Gemm kernel, and fused
 * activations (see packed_weight.h). */
#include "ops/linalg/packed_weight.h"

onnxc_status *oc_packed_weight_make(const gemm_kernel *kernel,
                                    const oc_value *b, bool trans_b,
                                    oc_pool *pool, oc_packed_weight *w)
{
    int r = b ? b->shape.rank : 0;
    w->data = NULL;
    if (!kernel || !b || b->dtype != ONNXC_FLOAT || r < 2 ||
        !oc_value_is_constant(b) || !b->data)
        return NULL;
    for (int d = 0; d < r - 2; d++)
        if (b->shape.dims[d].value != 1)
            return NULL;
    size_t rows = (size_t)b->shape.dims[r - 2].value;
    size_t cols = (size_t)b->shape.dims[r - 1].value;
    size_t k = trans_b ? cols : rows, n = trans_b ? rows : cols;
    size_t floats = oc_gemm_f32_packed_b_floats(kernel, k, n);
    if (floats == 0)
        return NULL;  /* an empty B: nothing to pack */
    float *packed = oc_pool_calloc(pool, floats, sizeof(float));
    if (!packed)
        return oc_no_memory();
    oc_gemm_f32_pack_b(kernel, b->data, trans_b, k, n, packed);
    w->data = packed;
    w->k = k;
    w->n = n;
    return NULL;
}

bool oc_packed_weight_fits(const oc_packed_weight *w, size_t k, size_t n)
{
    return w->data && w->k == k && w->n == n;
}

bool oc_packed_weight_suffices(const oc_packed_weight *w)
{
    return w->data && oc_gemm_f32_packed_b_suffices(w->k, w->n);
}

bool oc_linalg_take_activation(int *act, float *act_alpha,
                               oc_activation kind, float param)
{
    int taken = kind == OC_ACT_RELU         ? GEMM_ACT_RELU
                : kind == OC_ACT_LEAKY_RELU ? GEMM_ACT_LEAKY_RELU
                : kind == OC_ACT_RELU_CAP   ? GEMM_ACT_RELU_CAP
                                            : GEMM_ACT_NONE;
    if (*act != GEMM_ACT_NONE || taken == GEMM_ACT_NONE)
        return false;
    *act = taken;
    *act_alpha = kind == OC_ACT_RELU ? 0 : param;
    return true;
}
