/*
 * scatter_elements.c - ScatterElements (versions 11, 13, 16, 18) and its
 * older name Scatter (9, 11): y is data with, for every index position
 * i..., the element at i... with the axis index replaced by indices[i...]
 * combined with updates[i...]: replaced, or from 16 by `reduction` add or
 * mul, from 18 max or min. updates has the shape of indices. Duplicate
 * indices apply in order (the spec leaves the result of `none` open).
 * An index out of range is a run error naming it.
 */
#include <string.h>

#include "runtime/core/status.h"
#include "ops/common/indices.h"
#include "ops/common/op_util.h"
#include "ops/common/strided.h"

typedef struct scatter_params {
    int64_t axis;
    oc_reduction reduction;
} scatter_params;

static onnxc_status *scatter_elements_prepare(const oc_prepare_ctx *ctx,
                                              void **params)
{
    const oc_node *node = ctx->node;
    static const char *const v11_attrs[] = {"axis", NULL};
    static const char *const v16_attrs[] = {"axis", "reduction", NULL};
    bool has_reduction = strcmp(node->op_type, "ScatterElements") == 0 &&
                         node->op_version >= 16;
    onnxc_status *err;
    scatter_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(node, has_reduction ? v16_attrs : v11_attrs)) ||
        (err = oc_attr_int(node, "axis", 0, &p->axis)) ||
        (err = oc_reduction_attr(node, &p->reduction)))
        return err;
    *params = p;
    return NULL;
}

static onnxc_status *scatter_elements_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const scatter_params *p = ctx->params;
    const oc_type *data = ctx->in[0], *idx = ctx->in[1], *upd = ctx->in[2];
    oc_type *y = ctx->out[0];
    char desc[300], s1[128], s2[128];
    int axis;
    onnxc_status *err = oc_elements_check(node, data, idx, p->axis, &axis);
    if (err)
        return err;
    if (upd->dtype != data->dtype)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: updates is %s but data is %s",
                        oc_node_desc(node, desc, sizeof desc),
                        onnxc_dtype_name(upd->dtype),
                        onnxc_dtype_name(data->dtype));
    if (!oc_reduction_supports(p->reduction, data->dtype))
        return oc_bad_dtype(node, "data", data->dtype,
                            "the numeric types, for a reduction");
    bool same = upd->shape.rank == idx->shape.rank || upd->shape.rank < 0 ||
                idx->shape.rank < 0;
    for (int d = 0; same && d < idx->shape.rank && upd->shape.rank >= 0; d++)
        same = oc_dim_compatible(idx->shape.dims[d], upd->shape.dims[d]);
    if (!same)
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: updates %s must have the shape of indices %s",
                        oc_node_desc(node, desc, sizeof desc),
                        oc_shape_format(&upd->shape, NULL, s1, sizeof s1),
                        oc_shape_format(&idx->shape, NULL, s2, sizeof s2));
    y->dtype = data->dtype;
    y->shape = data->shape;
    return NULL;
}

static onnxc_status *scatter_elements_run(const oc_run_ctx *ctx)
{
    const scatter_params *p = ctx->params;
    const oc_tensor *data = ctx->in[0], *idx = ctx->in[1], *upd = ctx->in[2];
    oc_tensor *y = ctx->out[0];
    unsigned char *dst = y->data;
    const unsigned char *src = upd->data;
    int rank = data->rank, axis = (int)(p->axis < 0 ? p->axis + rank : p->axis);
    size_t esize = onnxc_dtype_size(data->dtype), count = oc_tensor_count(idx);
    int64_t strides[ONNXC_MAX_RANK], at[ONNXC_MAX_RANK] = {0};
    int64_t n = data->dims[axis];
    /* every index is checked before y changes: a failed run leaves no
     * half-scattered output */
    for (size_t i = 0; i < count; i++) {
        int64_t k;
        if (!oc_index_at(idx, i, n, &k))
            return oc_index_error(ctx, "indices", i, k, axis, n);
    }
    if (y->data != data->data && oc_tensor_count(data))
        memcpy(y->data, data->data, oc_tensor_count(data) * esize);
    oc_contiguous_strides(data->dims, rank, strides);
    for (size_t i = 0; i < count; i++) {
        int64_t k, off = 0;
        oc_index_at(idx, i, n, &k);
        for (int d = 0; d < rank; d++)
            off += (d == axis ? k : at[d]) * strides[d];
        oc_reduce_one(dst + (size_t)off * esize, src + i * esize, data->dtype,
                      p->reduction, esize);
        for (int d = rank - 1; d >= 0 && ++at[d] == idx->dims[d]; d--)
            at[d] = 0;
    }
    return NULL;
}

static const int scatter_elements_versions[] = {11, 13, 16, 18, 0};

const oc_op oc_op_scatter_elements = {
    .domain = "",
    .op_type = "ScatterElements",
    .versions = scatter_elements_versions,
    .last_opset = 21,
    .min_inputs = 3, .max_inputs = 3,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = OC_DATA_TYPES,
    .prepare = scatter_elements_prepare,
    .infer = scatter_elements_infer,
    .run = scatter_elements_run,
};

/* Scatter, deprecated at 11 and gone from 13: ScatterElements without a
 * reduction. */
static const int scatter_versions[] = {9, 11, 0};

const oc_op oc_op_scatter = {
    .domain = "",
    .op_type = "Scatter",
    .versions = scatter_versions,
    .last_opset = 12,
    .min_inputs = 3, .max_inputs = 3,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = OC_DATA_TYPES,
    .prepare = scatter_elements_prepare,
    .infer = scatter_elements_infer,
    .run = scatter_elements_run,
};
