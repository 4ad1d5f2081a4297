/*
 * constant_of_shape.c - ConstantOfShape: a tensor of the shape given by
 * a 1-D int64 input, every element the one of attribute `value` (a
 * one-element tensor; float 0 when absent) (versions 9, 20, 21). The
 * plan knows the shape's contents; a negative dim is an error, and a
 * size that does not fit is refused, naming the node.
 */
#include <string.h>

#include "runtime/core/status.h"
#include "ops/common/dims_value.h"
#include "ops/common/op_util.h"

typedef struct fill_params {
    onnxc_dtype dtype;
    unsigned char value[16];
} fill_params;

static onnxc_status *constant_of_shape_prepare(const oc_prepare_ctx *ctx,
                                               void **params)
{
    const oc_node *node = ctx->node;
    static const char *const attrs[] = {"value", NULL};
    char desc[300];
    onnxc_status *err;
    fill_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    p->dtype = ONNXC_FLOAT;   /* value 0.0f: zero bytes */
    if ((err = oc_check_attrs(node, attrs)))
        return err;
    const oc_attr *a = oc_node_attr(node, "value");
    if (a) {
        size_t esize = onnxc_dtype_size(a->t.dtype);
        if (a->type != OC_ATTR_TENSOR)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "%s: attribute 'value' must be a tensor",
                            oc_node_desc(node, desc, sizeof desc));
        if (a->t_bad_type || !esize)
            return oc_error(ONNXC_ERR_UNSUPPORTED,
                            "%s: value is a %s; onnxc fills numeric and bool "
                            "tensors",
                            oc_node_desc(node, desc, sizeof desc),
                            a->t_bad_type ? a->t_bad_type
                                          : onnxc_dtype_name(a->t.dtype));
        if (oc_tensor_count(&a->t) != 1 || a->t_bytes != esize)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "%s: value must hold one element, it holds %zu",
                            oc_node_desc(node, desc, sizeof desc),
                            oc_tensor_count(&a->t));
        p->dtype = a->t.dtype;
        memcpy(p->value, a->t.data, esize);
    }
    *params = p;
    return NULL;
}

static onnxc_status *constant_of_shape_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const fill_params *p = ctx->params;
    const oc_type *shape = ctx->in[0];
    oc_type *y = ctx->out[0];
    char desc[300];
    oc_dim dims[ONNXC_MAX_RANK];
    int n;
    size_t bytes;
    if (shape->dtype != ONNXC_INT64)
        return oc_bad_dtype(node, "input", shape->dtype, "int64");
    if (shape->shape.rank != 1)
        return oc_error(ONNXC_ERR_SHAPE, "%s: input must be 1-D, got rank %d",
                        oc_node_desc(node, desc, sizeof desc),
                        shape->shape.rank);
    y->dtype = p->dtype;
    y->shape.rank = -1;
    if (!oc_type_as_dims(shape, dims, &n)) {
        int64_t count = shape->shape.dims[0].value;
        if (dim_is_known(shape->shape.dims[0]) && count > ONNXC_MAX_RANK)
            return oc_error(ONNXC_ERR_UNSUPPORTED,
                            "%s: a shape of %lld dims, above rank %d",
                            oc_node_desc(node, desc, sizeof desc),
                            (long long)count, ONNXC_MAX_RANK);
        return NULL;   /* the plan knows it */
    }
    y->shape.rank = n;
    int64_t known[ONNXC_MAX_RANK];
    bool all = true;
    for (int d = 0; d < n; d++) {
        y->shape.dims[d] = dims[d];
        if (dim_is_known(dims[d]) && dims[d].value < 0)
            return oc_error(ONNXC_ERR_SHAPE, "%s: dim %d of the shape is %lld",
                            oc_node_desc(node, desc, sizeof desc), d,
                            (long long)dims[d].value);
        all = all && dim_is_known(dims[d]);
        known[d] = dims[d].value;
    }
    if (all && !oc_tensor_bytes(p->dtype, known, n, &bytes))
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: a tensor of shape %s does not fit in memory",
                        oc_node_desc(node, desc, sizeof desc),
                        oc_dims_format(known, n, (char[128]){0}, 128));
    return NULL;
}

static onnxc_status *constant_of_shape_run(const oc_run_ctx *ctx)
{
    const fill_params *p = ctx->params;
    oc_tensor *y = ctx->out[0];
    size_t n = oc_tensor_count(y), esize = onnxc_dtype_size(y->dtype);
    unsigned char *out = y->data;
    bool zero = true;
    for (size_t b = 0; b < esize; b++)
        zero = zero && p->value[b] == 0;
    if (zero && n) {
        memset(out, 0, n * esize);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        memcpy(out + i * esize, p->value, esize);
    return NULL;
}

static const int constant_of_shape_versions[] = {9, 20, 21, 0};

const oc_op oc_op_constant_of_shape = {
    .domain = "",
    .op_type = "ConstantOfShape",
    .versions = constant_of_shape_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .value_inputs = 1u << 0,
    .types = OC_DATA_TYPES,
    .prepare = constant_of_shape_prepare,
    .infer = constant_of_shape_infer,
    .run = constant_of_shape_run,
};
