/*
 * global_max_pool.c - GlobalMaxPool (1): ops/pool's max over one window
 * covering every spatial dim whole, N x C x 1 x ... x 1 out. float and
 * double.
 */
#include "ops/pool/pool.h"

static onnxc_status *global_max_pool_prepare(const oc_prepare_ctx *ctx,
                                          void **params)
{
    static const char *const none[] = {NULL};
    return oc_pooling_prepare(ctx, POOL_MAX, true, none, 0, (pool_params **)params);
}

POOL_OP(global_max_pool, "GlobalMaxPool", 1, POOL_FLOAT_TYPES,
        global_max_pool_prepare, 1)
