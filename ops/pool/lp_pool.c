/*
 * lp_pool.c - LpPool (1, 2, 11, 18): the p-norm of each window, pads
 * counting as zeros. p is a float in version 1, an int from 2 (default
 * 2); ceil_mode and dilations from 18. float and double.
 */
#include "ops/pool/pool.h"

static onnxc_status *lp_pool_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const v1[] = {"auto_pad", "kernel_shape", "pads",
                                     "strides", "p", NULL};
    static const char *const v18[] = {"auto_pad", "kernel_shape", "pads",
                                      "strides", "p", "ceil_mode", "dilations",
                                      NULL};
    int v = ctx->node->op_version;
    pool_params *p;
    onnxc_status *err = oc_pooling_prepare(ctx, POOL_LP, false, v >= 18 ? v18 : v1,
                                     v >= 18 ? OC_WINDOW_DILATIONS | OC_WINDOW_CEIL_MODE
                                             : 0, &p);
    if (err || (err = oc_pooling_read_p(ctx->node, v < 2, &p->p)))
        return err;
    *params = p;
    return NULL;
}

POOL_OP(lp_pool, "LpPool", 1, POOL_FLOAT_TYPES, lp_pool_prepare, 1, 2, 11, 18)
