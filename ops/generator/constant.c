/*
 * constant.c - Constant: a tensor given by an attribute (versions 1, 9,
 * 11, 12, 13, 19, 21).
 *
 * `value` (a tensor) in every version; from 12 also value_float,
 * value_floats, value_int and value_ints (a scalar or 1-D float or int64).
 * Exactly one must be set. sparse_value (11) and the string forms (12)
 * are refused: onnxc holds no sparse or string tensors. infer gives the
 * contents, so later nodes see them at load and Gemm can prepack a
 * Constant weight; the node is folded into a weight unless the session
 * options turn folding off.
 */
#include <string.h>

#include "runtime/core/status.h"
#include "ops/common/op_util.h"

typedef struct constant_params {
    onnxc_dtype dtype;
    int rank;
    int64_t dims[ONNXC_MAX_RANK];
    const void *data;
} constant_params;

static onnxc_status *constant_from_attr(const oc_node *node, const oc_attr *a,
                                        oc_pool *pool, constant_params *p)
{
    const char *name = a->name;
    if (strcmp(name, "value") == 0 && a->type == OC_ATTR_TENSOR) {
        if (a->t_bad_type)
            return oc_error(ONNXC_ERR_UNSUPPORTED,
                            "node '%s' (Constant): its value is a %s; onnxc "
                            "runs numeric tensors only",
                            node->label, a->t_bad_type);
        p->dtype = a->t.dtype;
        p->rank = a->t.rank;
        memcpy(p->dims, a->t.dims, sizeof p->dims);
        p->data = a->t.data;
        return NULL;
    }
    if (strcmp(name, "value_float") == 0 && a->type == OC_ATTR_FLOAT) {
        float *f = oc_pool_alloc(pool, sizeof *f);
        if (!f)
            return oc_no_memory();
        *f = a->f;
        p->dtype = ONNXC_FLOAT;
        p->data = f;
        return NULL;
    }
    if (strcmp(name, "value_int") == 0 && a->type == OC_ATTR_INT) {
        int64_t *v = oc_pool_alloc(pool, sizeof *v);
        if (!v)
            return oc_no_memory();
        *v = a->i;
        p->dtype = ONNXC_INT64;
        p->data = v;
        return NULL;
    }
    bool floats = strcmp(name, "value_floats") == 0 && a->type == OC_ATTR_FLOATS;
    bool ints = strcmp(name, "value_ints") == 0 && a->type == OC_ATTR_INTS;
    if (floats || ints) {
        /* One spare element: an empty list still has a data pointer. */
        size_t size = floats ? sizeof(float) : sizeof(int64_t);
        void *data = oc_pool_calloc(pool, a->count + 1, size);
        if (!data)
            return oc_no_memory();
        if (a->count)
            memcpy(data, floats ? (const void *)a->floats : (const void *)a->ints,
                   a->count * size);
        p->dtype = floats ? ONNXC_FLOAT : ONNXC_INT64;
        p->rank = 1;
        p->dims[0] = (int64_t)a->count;
        p->data = data;
        return NULL;
    }
    if (strcmp(name, "sparse_value") == 0 || strcmp(name, "value_string") == 0 ||
        strcmp(name, "value_strings") == 0)
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "node '%s' (Constant): attribute '%s' is not "
                        "supported (no sparse or string tensors)",
                        node->label, name);
    return oc_error(ONNXC_ERR_INVALID_MODEL,
                    "node '%s' (Constant): attribute '%s' has the wrong type",
                    node->label, name);
}

static onnxc_status *constant_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    oc_pool *pool = ctx->pool;
    static const char *const v1_attrs[] = {"value", NULL};
    static const char *const v11_attrs[] = {"value", "sparse_value", NULL};
    static const char *const v12_attrs[] = {
        "value", "sparse_value", "value_float", "value_floats", "value_int",
        "value_ints", "value_string", "value_strings", NULL};
    onnxc_status *err;
    constant_params *p = oc_pool_calloc(pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    const char *const *known = node->op_version < 11   ? v1_attrs
                               : node->op_version < 12 ? v11_attrs
                                                       : v12_attrs;
    if ((err = oc_check_attrs(node, known)))
        return err;
    if (node->n_attrs != 1)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (Constant): exactly one value attribute "
                        "must be set, got %d",
                        node->label, node->n_attrs);
    if ((err = constant_from_attr(node, &node->attrs[0], pool, p)))
        return err;
    *params = p;
    return NULL;
}

static onnxc_status *constant_infer(const oc_infer_ctx *ctx)
{
    const void *params = ctx->params;
    oc_type *const *out = ctx->out;
    const constant_params *p = params;
    out[0]->dtype = p->dtype;
    out[0]->shape.rank = p->rank;
    for (int d = 0; d < p->rank; d++)
        out[0]->shape.dims[d] = dim_known(p->dims[d]);
    out[0]->data = p->data;
    return NULL;
}

/* Runs when folding is off (the session options); folded otherwise. */
static onnxc_status *constant_run(const oc_run_ctx *ctx)
{
    const void *params = ctx->params;
    oc_tensor *const *out = ctx->out;
    const constant_params *p = params;
    size_t bytes = oc_tensor_count(out[0]) * onnxc_dtype_size(out[0]->dtype);
    if (bytes)
        memcpy(out[0]->data, p->data, bytes);
    return NULL;
}

static const int constant_versions[] = {1, 9, 11, 12, 13, 19, 21, 0};

const oc_op oc_op_constant = {
    .domain = "",
    .op_type = "Constant",
    .versions = constant_versions,
    .last_opset = 21,
    .min_inputs = 0, .max_inputs = 0,
    .min_outputs = 1, .max_outputs = 1,
    .id = OC_OP_CONSTANT,
    .types = "all numeric types, bool",
    .prepare = constant_prepare,
    .infer = constant_infer,
    .run = constant_run,
};
