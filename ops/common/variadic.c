/* variadic.c - Max, Min, Sum and Mean over any number of inputs (see
 * variadic.h). */
#include <stdio.h>
#include <string.h>

#include "ops/common/variadic.h"

typedef struct variadic_params {
    const variadic_kernels *kernels;
} variadic_params;

onnxc_status *oc_variadic_prepare(const oc_prepare_ctx *ctx,
                                  const variadic_kernels *kernels,
                                  void **params)
{
    static const char *const v1_attrs[] = {"consumed_inputs", NULL};
    static const char *const none[] = {NULL};
    onnxc_status *err =
        oc_check_attrs(ctx->node, ctx->node->op_version < 6 ? v1_attrs : none);
    if (err)
        return err;
    variadic_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    p->kernels = kernels;
    *params = p;
    return NULL;
}

static bool runs(const variadic_kernels *k, onnxc_dtype t, int version)
{
    if ((unsigned)t >= BINARY_DTYPES || !k->loops[t])
        return false;
    return !k->ints_from_12 || version >= 12 || t == ONNXC_FLOAT ||
           t == ONNXC_DOUBLE;
}

onnxc_status *oc_variadic_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const variadic_params *p = ctx->params;
    oc_type *y = ctx->out[0];
    char desc[300], s1[128], s2[128], what[32];
    onnxc_status *err;
    const oc_type *first = ctx->in[0];
    for (int k = 0; k < ctx->n_in; k++) {
        const oc_type *x = ctx->in[k];
        snprintf(what, sizeof what, "input %d", k);
        if (!x)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "%s: input %d is omitted; every input is required",
                            oc_node_desc(node, desc, sizeof desc), k);
        if (!runs(p->kernels, x->dtype, node->op_version))
            return oc_bad_dtype(node, what, x->dtype, p->kernels->types);
        if (x->dtype != first->dtype)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "%s: input %d is %s, input 0 %s; all inputs "
                            "share one type",
                            oc_node_desc(node, desc, sizeof desc), k,
                            onnxc_dtype_name(x->dtype),
                            onnxc_dtype_name(first->dtype));
    }
    y->dtype = first->dtype;
    y->shape = first->shape;
    for (int k = 1; k < ctx->n_in; k++) {
        const oc_shape *s = &ctx->in[k]->shape;
        if (node->op_version >= 8) {
            oc_shape b = y->shape;
            if ((err = oc_broadcast_shape(node, &b, s, &y->shape)))
                return err;
        } else if (y->shape.rank >= 0 && s->rank >= 0 &&
                   !oc_shape_compatible(&y->shape, s)) {
            return oc_error(ONNXC_ERR_SHAPE,
                            "%s: input %d is %s, input 0 %s; before version 8 "
                            "the inputs have one shape (no broadcasting)",
                            oc_node_desc(node, desc, sizeof desc), k,
                            oc_shape_format(s, NULL, s1, sizeof s1),
                            oc_shape_format(&first->shape, NULL, s2,
                                            sizeof s2));
        } else if (y->shape.rank < 0) {
            y->shape = *s;
        }
    }
    return NULL;
}

/* y /= count, y float or double. */
static void divide(oc_tensor *y, size_t n, int count)
{
    if (y->dtype == ONNXC_FLOAT) {
        float *v = y->data;
        for (size_t i = 0; i < n; i++)
            v[i] /= (float)count;
    } else {
        double *v = y->data;
        for (size_t i = 0; i < n; i++)
            v[i] /= (double)count;
    }
}

onnxc_status *oc_variadic_run(const oc_run_ctx *ctx)
{
    const variadic_params *p = ctx->params;
    oc_tensor *y = ctx->out[0];
    size_t esize = onnxc_dtype_size(y->dtype), n = oc_tensor_count(y);
    bcast_loop loop = p->kernels->loops[y->dtype];
    bcast_operand a, b, acc;
    if (n == 0)
        return NULL;
    if (ctx->n_in == 1) {  /* y is x, for each of the four */
        memcpy(y->data, ctx->in[0]->data, n * esize);
        return NULL;
    }
    oc_broadcast_align(ctx->in[0], y->rank, &a);
    oc_broadcast_align(ctx->in[1], y->rank, &b);
    oc_broadcast_walk(y->data, y->dims, y->rank, esize, esize, &a, &b, loop);
    /* then y = f(y, x_k): element for element, in place */
    acc.data = y->data;
    memcpy(acc.dims, y->dims, sizeof acc.dims);
    for (int k = 2; k < ctx->n_in; k++) {
        oc_broadcast_align(ctx->in[k], y->rank, &b);
        oc_broadcast_walk(y->data, y->dims, y->rank, esize, esize, &acc, &b,
                          loop);
    }
    if (p->kernels->mean)
        divide(y, n, ctx->n_in);
    return NULL;
}
