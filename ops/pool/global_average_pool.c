/*
 * global_average_pool.c - GlobalAveragePool (1): ops/pool's average over one window
 * covering every spatial dim whole, N x C x 1 x ... x 1 out. float and
 * double.
 */
#include "ops/pool/pool.h"

static onnxc_status *global_average_pool_prepare(const oc_prepare_ctx *ctx,
                                          void **params)
{
    static const char *const none[] = {NULL};
    return oc_pooling_prepare(ctx, POOL_AVERAGE, true, none, 0, (pool_params **)params);
}

POOL_OP(global_average_pool, "GlobalAveragePool", 1, POOL_FLOAT_TYPES,
        global_average_pool_prepare, 1)
