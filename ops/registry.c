/* registry.c - every operator onnxc runs, one line each. */
#include <string.h>

#include "ops/common/op_util.h"
#include "ops/kernels/gemm_kernel.h"
#include "ops/kernels/vec_exp.h"

extern const oc_op oc_op_gemm;
extern const oc_op oc_op_matmul;
extern const oc_op oc_op_relu;
extern const oc_op oc_op_leaky_relu;
extern const oc_op oc_op_add;
extern const oc_op oc_op_sub;
extern const oc_op oc_op_mul;
extern const oc_op oc_op_div;
extern const oc_op oc_op_identity;
extern const oc_op oc_op_flatten;
extern const oc_op oc_op_reshape;
extern const oc_op oc_op_constant;
extern const oc_op oc_op_dropout;
extern const oc_op oc_op_softmax;
extern const oc_op oc_op_log_softmax;
extern const oc_op oc_op_batch_norm;
extern const oc_op oc_op_sigmoid;
extern const oc_op oc_op_tanh;
extern const oc_op oc_op_erf;
extern const oc_op oc_op_softplus;
extern const oc_op oc_op_softsign;
extern const oc_op oc_op_elu;
extern const oc_op oc_op_selu;
extern const oc_op oc_op_hard_sigmoid;
extern const oc_op oc_op_hard_swish;
extern const oc_op oc_op_gelu;
extern const oc_op oc_op_prelu;
extern const oc_op oc_op_clip;
extern const oc_op oc_op_shape;
extern const oc_op oc_op_gather;
extern const oc_op oc_op_unsqueeze;
extern const oc_op oc_op_squeeze;
extern const oc_op oc_op_concat;
extern const oc_op oc_op_cast;
extern const oc_op oc_op_cast_like;
extern const oc_op oc_op_equal;
extern const oc_op oc_op_greater;
extern const oc_op oc_op_less;
extern const oc_op oc_op_greater_or_equal;
extern const oc_op oc_op_less_or_equal;
extern const oc_op oc_op_and;
extern const oc_op oc_op_or;
extern const oc_op oc_op_xor;
extern const oc_op oc_op_not;
extern const oc_op oc_op_neg;
extern const oc_op oc_op_abs;
extern const oc_op oc_op_sign;
extern const oc_op oc_op_where;
extern const oc_op oc_op_transpose;
extern const oc_op oc_op_slice;
extern const oc_op oc_op_split;
extern const oc_op oc_op_expand;
extern const oc_op oc_op_tile;
extern const oc_op oc_op_size;
extern const oc_op oc_op_constant_of_shape;
extern const oc_op oc_op_range;
extern const oc_op oc_op_mod;
extern const oc_op oc_op_bit_shift;
extern const oc_op oc_op_pad;
extern const oc_op oc_op_gather_elements;
extern const oc_op oc_op_gather_nd;
extern const oc_op oc_op_scatter;
extern const oc_op oc_op_scatter_elements;
extern const oc_op oc_op_scatter_nd;
extern const oc_op oc_op_one_hot;
extern const oc_op oc_op_eye_like;
extern const oc_op oc_op_trilu;
extern const oc_op oc_op_depth_to_space;
extern const oc_op oc_op_space_to_depth;
extern const oc_op oc_op_reverse_sequence;
extern const oc_op oc_op_non_zero;
extern const oc_op oc_op_if;
extern const oc_op oc_op_loop;
extern const oc_op oc_op_scan;
extern const oc_op oc_op_sequence_empty;
extern const oc_op oc_op_sequence_construct;
extern const oc_op oc_op_sequence_insert;
extern const oc_op oc_op_sequence_erase;
extern const oc_op oc_op_sequence_at;
extern const oc_op oc_op_sequence_length;
extern const oc_op oc_op_split_to_sequence;
extern const oc_op oc_op_concat_from_sequence;
extern const oc_op oc_op_optional;
extern const oc_op oc_op_optional_has_element;
extern const oc_op oc_op_optional_get_element;
extern const oc_op oc_op_sequence_map;
extern const oc_op oc_op_non_max_suppression;
extern const oc_op oc_op_roi_align;
extern const oc_op oc_op_grid_sample;
extern const oc_op oc_op_compress;
extern const oc_op oc_op_unique;
extern const oc_op oc_op_resize;
extern const oc_op oc_op_upsample;
extern const oc_op oc_op_reduce_sum;
extern const oc_op oc_op_reduce_mean;
extern const oc_op oc_op_reduce_max;
extern const oc_op oc_op_reduce_min;
extern const oc_op oc_op_reduce_prod;
extern const oc_op oc_op_reduce_l1;
extern const oc_op oc_op_reduce_l2;
extern const oc_op oc_op_reduce_log_sum;
extern const oc_op oc_op_reduce_log_sum_exp;
extern const oc_op oc_op_reduce_sum_square;
extern const oc_op oc_op_exp;
extern const oc_op oc_op_log;
extern const oc_op oc_op_sqrt;
extern const oc_op oc_op_reciprocal;
extern const oc_op oc_op_floor;
extern const oc_op oc_op_ceil;
extern const oc_op oc_op_round;
extern const oc_op oc_op_sin;
extern const oc_op oc_op_cos;
extern const oc_op oc_op_tan;
extern const oc_op oc_op_asin;
extern const oc_op oc_op_acos;
extern const oc_op oc_op_atan;
extern const oc_op oc_op_sinh;
extern const oc_op oc_op_cosh;
extern const oc_op oc_op_asinh;
extern const oc_op oc_op_acosh;
extern const oc_op oc_op_atanh;
extern const oc_op oc_op_max;
extern const oc_op oc_op_min;
extern const oc_op oc_op_sum;
extern const oc_op oc_op_mean;
extern const oc_op oc_op_pow;
extern const oc_op oc_op_arg_max;
extern const oc_op oc_op_arg_min;
extern const oc_op oc_op_layer_normalization;
extern const oc_op oc_op_det;
extern const oc_op oc_op_mean_variance_normalization;
extern const oc_op oc_op_instance_normalization;
extern const oc_op oc_op_lrn;
extern const oc_op oc_op_max_unpool;
extern const oc_op oc_op_celu;
extern const oc_op oc_op_thresholded_relu;
extern const oc_op oc_op_shrink;
extern const oc_op oc_op_is_nan;
extern const oc_op oc_op_is_inf;
extern const oc_op oc_op_cum_sum;
extern const oc_op oc_op_hardmax;
extern const oc_op oc_op_nll_loss;
extern const oc_op oc_op_top_k;
extern const oc_op oc_op_softmax_cross_entropy_loss;
extern const oc_op oc_op_einsum;
extern const oc_op oc_op_conv;
extern const oc_op oc_op_conv_transpose;
extern const oc_op oc_op_max_pool;
extern const oc_op oc_op_average_pool;
extern const oc_op oc_op_lp_pool;
extern const oc_op oc_op_global_average_pool;
extern const oc_op oc_op_lstm;
extern const oc_op oc_op_gru;
extern const oc_op oc_op_rnn;
extern const oc_op oc_op_global_max_pool;
extern const oc_op oc_op_global_lp_pool;

static const oc_op *const registry[] = {
    &oc_op_gemm,
    &oc_op_matmul,
    &oc_op_relu,
    &oc_op_leaky_relu,
    &oc_op_add,
    &oc_op_sub,
    &oc_op_mul,
    &oc_op_div,
    &oc_op_identity,
    &oc_op_flatten,
    &oc_op_reshape,
    &oc_op_constant,
    &oc_op_dropout,
    &oc_op_softmax,
    &oc_op_log_softmax,
    &oc_op_batch_norm,
    &oc_op_sigmoid,
    &oc_op_tanh,
    &oc_op_erf,
    &oc_op_softplus,
    &oc_op_softsign,
    &oc_op_elu,
    &oc_op_selu,
    &oc_op_hard_sigmoid,
    &oc_op_hard_swish,
    &oc_op_gelu,
    &oc_op_prelu,
    &oc_op_clip,
    &oc_op_shape,
    &oc_op_gather,
    &oc_op_unsqueeze,
    &oc_op_squeeze,
    &oc_op_concat,
    &oc_op_cast,
    &oc_op_cast_like,
    &oc_op_equal,
    &oc_op_greater,
    &oc_op_less,
    &oc_op_greater_or_equal,
    &oc_op_less_or_equal,
    &oc_op_and,
    &oc_op_or,
    &oc_op_xor,
    &oc_op_not,
    &oc_op_neg,
    &oc_op_abs,
    &oc_op_sign,
    &oc_op_where,
    &oc_op_transpose,
    &oc_op_slice,
    &oc_op_split,
    &oc_op_expand,
    &oc_op_tile,
    &oc_op_size,
    &oc_op_constant_of_shape,
    &oc_op_range,
    &oc_op_mod,
    &oc_op_bit_shift,
    &oc_op_pad,
    &oc_op_gather_elements,
    &oc_op_gather_nd,
    &oc_op_scatter,
    &oc_op_scatter_elements,
    &oc_op_scatter_nd,
    &oc_op_one_hot,
    &oc_op_eye_like,
    &oc_op_trilu,
    &oc_op_depth_to_space,
    &oc_op_space_to_depth,
    &oc_op_reverse_sequence,
    &oc_op_non_zero,
    &oc_op_if,
    &oc_op_loop,
    &oc_op_scan,
    &oc_op_sequence_empty,
    &oc_op_sequence_construct,
    &oc_op_sequence_insert,
    &oc_op_sequence_erase,
    &oc_op_sequence_at,
    &oc_op_sequence_length,
    &oc_op_split_to_sequence,
    &oc_op_concat_from_sequence,
    &oc_op_optional,
    &oc_op_optional_has_element,
    &oc_op_optional_get_element,
    &oc_op_sequence_map,
    &oc_op_non_max_suppression,
    &oc_op_roi_align,
    &oc_op_grid_sample,
    &oc_op_compress,
    &oc_op_unique,
    &oc_op_resize,
    &oc_op_upsample,
    &oc_op_reduce_sum,
    &oc_op_reduce_mean,
    &oc_op_reduce_max,
    &oc_op_reduce_min,
    &oc_op_reduce_prod,
    &oc_op_reduce_l1,
    &oc_op_reduce_l2,
    &oc_op_reduce_log_sum,
    &oc_op_reduce_log_sum_exp,
    &oc_op_reduce_sum_square,
    &oc_op_exp,
    &oc_op_log,
    &oc_op_sqrt,
    &oc_op_reciprocal,
    &oc_op_floor,
    &oc_op_ceil,
    &oc_op_round,
    &oc_op_sin,
    &oc_op_cos,
    &oc_op_tan,
    &oc_op_asin,
    &oc_op_acos,
    &oc_op_atan,
    &oc_op_sinh,
    &oc_op_cosh,
    &oc_op_asinh,
    &oc_op_acosh,
    &oc_op_atanh,
    &oc_op_max,
    &oc_op_min,
    &oc_op_sum,
    &oc_op_mean,
    &oc_op_pow,
    &oc_op_arg_max,
    &oc_op_arg_min,
    &oc_op_layer_normalization,
    &oc_op_mean_variance_normalization,
    &oc_op_instance_normalization,
    &oc_op_lrn,
    &oc_op_det,
    &oc_op_celu,
    &oc_op_thresholded_relu,
    &oc_op_shrink,
    &oc_op_is_nan,
    &oc_op_is_inf,
    &oc_op_cum_sum,
    &oc_op_hardmax,
    &oc_op_nll_loss,
    &oc_op_top_k,
    &oc_op_softmax_cross_entropy_loss,
    &oc_op_einsum,
    &oc_op_conv,
    &oc_op_conv_transpose,
    &oc_op_max_pool,
    &oc_op_average_pool,
    &oc_op_lp_pool,
    &oc_op_global_average_pool,
    &oc_op_global_max_pool,
    &oc_op_global_lp_pool,
    &oc_op_lstm,
    &oc_op_gru,
    &oc_op_rnn,
    &oc_op_max_unpool,
};

static bool is_default_domain(const char *d)
{
    return d[0] == 0 || strcmp(d, "ai.onnx") == 0;
}

const oc_op *oc_ops_find(const char *domain, const char *op_type, int64_t opset,
                      int *version)
{
    for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++) {
        const oc_op *op = registry[i];
        bool same_domain = is_default_domain(op->domain)
                               ? is_default_domain(domain)
                               : strcmp(op->domain, domain) == 0;
        if (!same_domain || strcmp(op->op_type, op_type) != 0)
            continue;
        if (opset > op->last_opset || opset < op->versions[0])
            return NULL;
        int v = op->versions[0];
        for (const int *p = op->versions; *p; p++)
            if (*p <= opset)
                v = *p;
        *version = v;
        return op;
    }
    return NULL;
}

const char *oc_ops_kernels_missing(onnxc_kernels kernels)
{
    if (kernels == ONNXC_KERNELS_AVX512 &&
        !(oc_gemm_f32_kernel_avx512() && oc_vec_isa_available(VEC_AVX512)))
        return "AVX-512F";
    if (kernels == ONNXC_KERNELS_AVX2 &&
        !(oc_gemm_f32_kernel_avx2() && oc_vec_isa_available(VEC_AVX2)))
        return "AVX2 and FMA";
    return NULL;
}

const oc_op *const *oc_ops_all(size_t *count)
{
    *count = sizeof registry / sizeof registry[0];
    return registry;
}
