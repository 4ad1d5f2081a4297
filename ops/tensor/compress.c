/*
 * compress.c - Compress: the slices of x along `axis` (or, without an
 * axis, the elements of x flattened) where the bool condition is true
 * (versions 9, 11; negative axis from 11). condition may be shorter than
 * the axis: what lies beyond it is dropped; entries beyond the axis are
 * ignored. The output's length is known only from condition's contents:
 * the node is data-dependent (op.h), planned at the whole axis.
 */
#include <string.h>

#include "runtime/core/status.h"
#include "ops/common/op_util.h"

typedef struct compress_params {
    bool has_axis;
    int64_t axis;
} compress_params;

static onnxc_status *compress_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const attrs[] = {"axis", NULL};
    onnxc_status *err;
    compress_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    p->has_axis = oc_node_attr(ctx->node, "axis") != NULL;
    if ((err = oc_check_attrs(ctx->node, attrs)) ||
        (err = oc_attr_int(ctx->node, "axis", 0, &p->axis)))
        return err;
    *params = p;
    return NULL;
}

/* The kept slices among the first n of a condition of `len` bytes. */
static int64_t kept(const uint8_t *cond, int64_t len, int64_t n)
{
    int64_t count = 0;
    for (int64_t i = 0; i < len && i < n; i++)
        count += cond[i] != 0;
    return count;
}

static onnxc_status *compress_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const compress_params *p = ctx->params;
    const oc_type *x = ctx->in[0], *c = ctx->in[1];
    oc_type *y = ctx->out[0];
    char desc[300];
    onnxc_status *err;
    int axis = 0;
    if (!oc_dtype_has_size(x->dtype))
        return oc_bad_dtype(node, "input", x->dtype, OC_DATA_TYPES);
    if (c->dtype != ONNXC_BOOL)
        return oc_bad_dtype(node, "condition", c->dtype, "bool");
    if (c->shape.rank != 1)
        return oc_error(ONNXC_ERR_SHAPE, "%s: condition must be 1-D, got rank %d",
                        oc_node_desc(node, desc, sizeof desc), c->shape.rank);
    y->dtype = x->dtype;
    y->shape.rank = p->has_axis ? x->shape.rank : 1;
    y->shape.dims[0] = dim_unknown();
    if (x->shape.rank < 0)
        return NULL;
    oc_dim n;
    if (p->has_axis) {
        if ((err = oc_axis(node, p->axis, x->shape.rank, false, &axis)))
            return err;
        y->shape = x->shape;
        n = x->shape.dims[axis];
    } else if (!oc_shape_product(&x->shape, 0, x->shape.rank, &n)) {
        return oc_error(ONNXC_ERR_SHAPE, "%s: the input's size overflows",
                        oc_node_desc(node, desc, sizeof desc));
    }
    y->shape.dims[axis] = dim_unknown();
    if (!dim_is_known(n))
        return NULL;
    oc_dim len = c->shape.dims[0];
    /* the count when condition is known, else (planning) the most it can
     * be; at load, unknown */
    if (c->data && dim_is_known(len))
        y->shape.dims[axis] = dim_known(kept(c->data, len.value, n.value));
    else if (ctx->concrete)
        y->shape.dims[axis] = n;
    return NULL;
}

static onnxc_status *compress_run(const oc_run_ctx *ctx)
{
    const compress_params *p = ctx->params;
    const oc_tensor *x = ctx->in[0], *c = ctx->in[1];
    oc_tensor *y = ctx->out[0];
    const uint8_t *cond = c->data;
    int axis = p->has_axis ? (int)(p->axis < 0 ? p->axis + x->rank : p->axis) : 0;
    size_t outer = 1, inner = onnxc_dtype_size(x->dtype);
    int64_t n = (int64_t)oc_tensor_count(x);
    if (p->has_axis) {
        n = x->dims[axis];
        for (int d = 0; d < axis; d++)
            outer *= (size_t)x->dims[d];
        for (int d = axis + 1; d < x->rank; d++)
            inner *= (size_t)x->dims[d];
        memcpy(y->dims, x->dims, sizeof y->dims);
        y->rank = x->rank;
    } else {
        y->rank = 1;
    }
    int64_t len = c->dims[0], count = kept(cond, len, n);
    y->dims[axis] = count;
    if (!oc_tensor_count(y))
        return NULL;   /* nothing kept, or empty slices */
    const unsigned char *src = x->data;
    unsigned char *dst = y->data;
    for (size_t o = 0; o < outer; o++)
        for (int64_t i = 0; i < len && i < n; i++)
            if (cond[i]) {
                memcpy(dst, src + (o * (size_t)n + (size_t)i) * inner, inner);
                dst += inner;
            }
    return NULL;
}

static const int compress_versions[] = {9, 11, 0};

const oc_op oc_op_compress = {
    .domain = "",
    .op_type = "Compress",
    .versions = compress_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .data_dependent = true,
    .types = OC_DATA_TYPES,
    .prepare = compress_prepare,
    .infer = compress_infer,
    .run = compress_run,
};
