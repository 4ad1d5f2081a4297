/* map.c - attribute and type checks and the run of the elementwise maps
 * over any element type (see map.h). */
#include "runtime/core/status.h"
#include "ops/common/map.h"

onnxc_status *oc_map_prepare(const oc_prepare_ctx *ctx,
                             const map_kernels *kernels, void **params)
{
    static const char *const v1_attrs[] = {"consumed_inputs", NULL};
    static const char *const none[] = {NULL};
    const oc_node *node = ctx->node;
    *params = (void *)kernels;
    return oc_check_attrs(node, node->op_version < 6 ? v1_attrs : none);
}

onnxc_status *oc_map_infer(const oc_infer_ctx *ctx)
{
    const map_kernels *k = ctx->params;
    onnxc_dtype t = ctx->in[0]->dtype;
    if ((unsigned)t >= MAP_DTYPES || !k->loops[t])
        return oc_bad_dtype(ctx->node, "X", t, k->types);
    ctx->out[0]->dtype = t;
    ctx->out[0]->shape = ctx->in[0]->shape;
    return NULL;
}

onnxc_status *oc_map_run(const oc_run_ctx *ctx)
{
    const map_kernels *k = ctx->params;
    const oc_tensor *x = ctx->in[0];
    k->loops[x->dtype](ctx->out[0]->data, x->data, oc_tensor_count(x));
    return NULL;
}
