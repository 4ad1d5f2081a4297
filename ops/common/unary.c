/* unary.c - attribute and type checks and the run of the float
 * activations (see unary.h). */
#include "runtime/core/status.h"
#include "ops/common/unary.h"

onnxc_status *oc_unary_prepare(const oc_prepare_ctx *ctx,
                            const char *const *known, unary_loop loop_float,
                            unary_loop loop_double, void **params)
{
    onnxc_status *err = oc_check_attrs(ctx->node, known);
    if (err)
        return err;
    unary_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    p->loop_float = loop_float;
    p->loop_double = loop_double;
    p->isa = oc_vec_select(ctx->kernels);
    *params = p;
    return NULL;
}

onnxc_status *oc_unary_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const oc_type *const *in = ctx->in;
    oc_type *const *out = ctx->out;
    if (in[0]->dtype != ONNXC_FLOAT && in[0]->dtype != ONNXC_DOUBLE)
        return oc_bad_dtype(node, "X", in[0]->dtype, UNARY_TYPES);
    out[0]->dtype = in[0]->dtype;
    out[0]->shape = in[0]->shape;
    return NULL;
}

onnxc_status *oc_unary_run(const oc_run_ctx *ctx)
{
    const void *params = ctx->params;
    const oc_tensor *const *in = ctx->in;
    oc_tensor *const *out = ctx->out;
    const unary_params *p = params;
    unary_loop loop =
        in[0]->dtype == ONNXC_FLOAT ? p->loop_float : p->loop_double;
    loop(out[0]->data, in[0]->data, oc_tensor_count(in[0]), p);
    return NULL;
}
