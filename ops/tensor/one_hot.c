/*
 * one_hot.c - OneHot: for each index, a vector of `depth` off values with
 * the on value at the index, inserted as a new dim at `axis` (default -1,
 * the last) (versions 9, 11). values is [off, on] and gives the output's
 * type; depth is a one-element tensor of any numeric type (a float is
 * truncated) whose contents the plan knows. Negative indices count from
 * the end (11); one outside [-depth, depth-1] gives all off values, as
 * the spec says.
 */
#include <math.h>
#include <string.h>

#include "runtime/core/status.h"
#include "ops/common/convert.h"
#include "ops/common/op_util.h"

typedef struct one_hot_params {
    int64_t axis;
} one_hot_params;

static onnxc_status *one_hot_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const attrs[] = {"axis", NULL};
    onnxc_status *err;
    one_hot_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(ctx->node, attrs)) ||
        (err = oc_attr_int(ctx->node, "axis", -1, &p->axis)))
        return err;
    *params = p;
    return NULL;
}

/* Any numeric element i of t, as a double. */
static double number_at(const void *data, onnxc_dtype t, size_t i)
{
    double v;
    oc_convert((const unsigned char *)data + i * onnxc_dtype_size(t), t, &v,
               ONNXC_DOUBLE, 1);
    return v;
}

static bool numeric(onnxc_dtype t)
{
    return t != ONNXC_BOOL && oc_convert_supports(t) &&
           t != ONNXC_FLOAT16 && t != ONNXC_BFLOAT16;
}

static onnxc_status *one_hot_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const one_hot_params *p = ctx->params;
    const oc_type *idx = ctx->in[0], *depth = ctx->in[1], *values = ctx->in[2];
    oc_type *y = ctx->out[0];
    char desc[300];
    onnxc_status *err;
    int axis;
    if (!numeric(idx->dtype))
        return oc_bad_dtype(node, "indices", idx->dtype, "numeric types");
    if (!numeric(depth->dtype))
        return oc_bad_dtype(node, "depth", depth->dtype, "numeric types");
    if (!oc_dtype_has_size(values->dtype))
        return oc_bad_dtype(node, "values", values->dtype, OC_DATA_TYPES);
    y->dtype = values->dtype;
    y->shape.rank = -1;
    bool one = depth->shape.rank == 0 ||
               (depth->shape.rank == 1 && dim_is_known(depth->shape.dims[0]) &&
                depth->shape.dims[0].value == 1);
    bool two = values->shape.rank == 1 && dim_is_known(values->shape.dims[0]) &&
               values->shape.dims[0].value == 2;
    if (!one || !two)
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: depth must hold one element and values two",
                        oc_node_desc(node, desc, sizeof desc));
    if (idx->shape.rank < 0)
        return NULL;
    int rank = idx->shape.rank + 1;
    if (rank > ONNXC_MAX_RANK)
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "%s: the output would have rank %d, above %d",
                        oc_node_desc(node, desc, sizeof desc), rank,
                        ONNXC_MAX_RANK);
    if ((err = oc_axis(node, p->axis, rank, false, &axis)))
        return err;
    oc_dim d = dim_unknown();
    if (depth->data) {
        double v = trunc(number_at(depth->data, depth->dtype, 0));
        if (!(v >= 1 && v <= (double)INT32_MAX))
            return oc_error(ONNXC_ERR_SHAPE,
                            "%s: depth is %g; it must be in [1, %d]",
                            oc_node_desc(node, desc, sizeof desc), v,
                            INT32_MAX);
        d = dim_known((int64_t)v);
    }
    y->shape.rank = rank;
    for (int k = 0, from = 0; k < rank; k++)
        y->shape.dims[k] = k == axis ? d : idx->shape.dims[from++];
    return NULL;
}

static onnxc_status *one_hot_run(const oc_run_ctx *ctx)
{
    const one_hot_params *p = ctx->params;
    const oc_tensor *idx = ctx->in[0], *values = ctx->in[2];
    oc_tensor *y = ctx->out[0];
    int axis = (int)(p->axis < 0 ? p->axis + y->rank : p->axis);
    int64_t depth = y->dims[axis];
    size_t esize = onnxc_dtype_size(y->dtype), outer = 1, inner = 1;
    for (int d = 0; d < axis; d++)
        outer *= (size_t)y->dims[d];
    for (int d = axis + 1; d < y->rank; d++)
        inner *= (size_t)y->dims[d];
    const unsigned char *off = values->data, *on = off + esize;
    unsigned char *out = y->data;
    size_t total = oc_tensor_count(y);
    for (size_t i = 0; i < total; i++)
        memcpy(out + i * esize, off, esize);
    for (size_t o = 0; o < outer; o++)
        for (size_t i = 0; i < inner; i++) {
            double v = trunc(number_at(idx->data, idx->dtype, o * inner + i));
            if (v < 0)
                v += (double)depth;
            if (!(v >= 0 && v < (double)depth))
                continue;
            size_t at = (o * (size_t)depth + (size_t)v) * inner + i;
            memcpy(out + at * esize, on, esize);
        }
    return NULL;
}

static const int one_hot_versions[] = {9, 11, 0};

const oc_op oc_op_one_hot = {
    .domain = "",
    .op_type = "OneHot",
    .versions = one_hot_versions,
    .last_opset = 21,
    .min_inputs = 3, .max_inputs = 3,
    .min_outputs = 1, .max_outputs = 1,
    .value_inputs = 1u << 1,
    .types = "indices and depth numeric; values " OC_DATA_TYPES,
    .prepare = one_hot_prepare,
    .infer = one_hot_infer,
    .run = one_hot_run,
};
