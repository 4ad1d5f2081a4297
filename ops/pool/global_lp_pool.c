/*
 * global_lp_pool.c - GlobalLpPool (1, 2): the p-norm over one window
 * covering every spatial dim whole, N x C x 1 x ... x 1 out; p a float
 * in version 1, an int from 2 (default 2). float and double.
 */
#include "ops/pool/pool.h"

static onnxc_status *global_lp_pool_prepare(const oc_prepare_ctx *ctx,
                                            void **params)
{
    static const char *const known[] = {"p", NULL};
    pool_params *p;
    onnxc_status *err = oc_pooling_prepare(ctx, POOL_LP, true, known, 0, &p);
    if (err || (err = oc_pooling_read_p(ctx->node, ctx->node->op_version < 2, &p->p)))
        return err;
    *params = p;
    return NULL;
}

POOL_OP(global_lp_pool, "GlobalLpPool", 1, POOL_FLOAT_TYPES,
        global_lp_pool_prepare, 1, 2)
