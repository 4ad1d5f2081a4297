/*
 * average_pool.c - AveragePool (1, 7, 10, 11, 19): the mean of each
 * window, over the taps inside the input, or with count_include_pad (7)
 * over those inside the padded input; ceil_mode from 10, dilations from
 * 19. float and double (float16 is refused).
 */
#include "ops/pool/pool.h"

static onnxc_status *average_pool_prepare(const oc_prepare_ctx *ctx,
                                          void **params)
{
    static const char *const v1[] = {"auto_pad", "kernel_shape", "pads",
                                     "strides", NULL};
    static const char *const v7[] = {"auto_pad", "kernel_shape", "pads",
                                     "strides", "count_include_pad", NULL};
    static const char *const v10[] = {"auto_pad", "kernel_shape", "pads",
                                      "strides", "count_include_pad",
                                      "ceil_mode", NULL};
    static const char *const v19[] = {"auto_pad", "kernel_shape", "pads",
                                      "strides", "count_include_pad",
                                      "ceil_mode", "dilations", NULL};
    int v = ctx->node->op_version;
    int64_t include = 0;
    pool_params *p;
    unsigned flags = (v >= 10 ? OC_WINDOW_CEIL_MODE : 0) |
                     (v >= 19 ? OC_WINDOW_DILATIONS : 0);
    onnxc_status *err = oc_pooling_prepare(ctx, POOL_AVERAGE, false,
                                     v >= 19 ? v19 : v >= 10 ? v10
                                     : v >= 7 ? v7 : v1, flags, &p);
    if (err || (err = oc_attr_int(ctx->node, "count_include_pad", 0, &include)))
        return err;
    p->count_include_pad = include != 0;
    *params = p;
    return NULL;
}

POOL_OP(average_pool, "AveragePool", 1, POOL_FLOAT_TYPES, average_pool_prepare,
        1, 7, 10, 11, 19)
