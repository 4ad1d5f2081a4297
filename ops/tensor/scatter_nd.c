/*
 * scatter_nd.c - ScatterND: y is data with the slices addressed by the
 * last dim of indices combined with updates (versions 11, 13, 16, 18):
 * replaced, or from 16 by `reduction` add or mul, from 18 max or min.
 * With k = the last dim of indices (1 <= k <= rank(data)), updates has
 * indices' dims but the last, then data's dims after k. Index components
 * count from the end when negative; out of range is a run error, checked
 * before y changes.
 */
#include <string.h>

#include "runtime/core/status.h"
#include "ops/common/indices.h"
#include "ops/common/op_util.h"

static onnxc_status *scatter_nd_prepare(const oc_prepare_ctx *ctx,
                                        void **params)
{
    const oc_node *node = ctx->node;
    static const char *const v11_attrs[] = {NULL};
    static const char *const v16_attrs[] = {"reduction", NULL};
    onnxc_status *err;
    oc_reduction *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(node, node->op_version < 16 ? v11_attrs
                                                          : v16_attrs)) ||
        (err = oc_reduction_attr(node, p)))
        return err;
    *params = p;
    return NULL;
}

static onnxc_status *scatter_nd_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const oc_reduction *reduction = ctx->params;
    const oc_type *data = ctx->in[0], *idx = ctx->in[1], *upd = ctx->in[2];
    oc_type *y = ctx->out[0];
    char desc[300], s1[128], s2[128], s3[128];
    if (!oc_dtype_has_size(data->dtype))
        return oc_bad_dtype(node, "data", data->dtype, OC_DATA_TYPES);
    if (idx->dtype != ONNXC_INT64)
        return oc_bad_dtype(node, "indices", idx->dtype, "int64");
    if (upd->dtype != data->dtype)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: updates is %s but data is %s",
                        oc_node_desc(node, desc, sizeof desc),
                        onnxc_dtype_name(upd->dtype),
                        onnxc_dtype_name(data->dtype));
    if (!oc_reduction_supports(*reduction, data->dtype))
        return oc_bad_dtype(node, "data", data->dtype,
                            "the numeric types, for a reduction");
    y->dtype = data->dtype;
    y->shape = data->shape;
    int r = data->shape.rank, q = idx->shape.rank, u = upd->shape.rank;
    if (r < 0 || q < 0 || u < 0)
        return NULL;
    oc_dim last = q > 0 ? idx->shape.dims[q - 1] : dim_known(0);
    if (!dim_is_known(last))
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "%s: the last dim of indices must be known at load",
                        oc_node_desc(node, desc, sizeof desc));
    int64_t k = last.value;
    bool ok = r >= 1 && q >= 1 && k >= 1 && k <= r && u == q - 1 + r - k;
    for (int d = 0; ok && d < q - 1; d++)
        ok = oc_dim_compatible(upd->shape.dims[d], idx->shape.dims[d]);
    for (int d = (int)k; ok && d < r; d++)
        ok = oc_dim_compatible(upd->shape.dims[q - 1 + d - k],
                               data->shape.dims[d]);
    if (!ok)
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: indices %s and updates %s do not fit data %s",
                        oc_node_desc(node, desc, sizeof desc),
                        oc_shape_format(&idx->shape, NULL, s1, sizeof s1),
                        oc_shape_format(&upd->shape, NULL, s2, sizeof s2),
                        oc_shape_format(&data->shape, NULL, s3, sizeof s3));
    return NULL;
}

/* The element offset of tuple n's slice in data, or an error. */
static onnxc_status *tuple_offset(const oc_run_ctx *ctx, size_t n,
                                  int64_t k, size_t *off)
{
    const oc_tensor *data = ctx->in[0], *idx = ctx->in[1];
    *off = 0;
    for (int64_t j = 0; j < k; j++) {
        int64_t dim = data->dims[j], at;
        size_t e = n * (size_t)k + (size_t)j;
        if (!oc_index_at(idx, e, dim, &at))
            return oc_index_error(ctx, "indices", e, at, (int)j, dim);
        *off = *off * (size_t)dim + (size_t)at;
    }
    return NULL;
}

static onnxc_status *scatter_nd_run(const oc_run_ctx *ctx)
{
    const oc_reduction *reduction = ctx->params;
    const oc_tensor *data = ctx->in[0], *idx = ctx->in[1], *upd = ctx->in[2];
    oc_tensor *y = ctx->out[0];
    int64_t k = idx->dims[idx->rank - 1];
    size_t esize = onnxc_dtype_size(data->dtype), tuples = 1, slice = 1, off;
    onnxc_status *err;
    for (int d = 0; d < idx->rank - 1; d++)
        tuples *= (size_t)idx->dims[d];
    for (int d = (int)k; d < data->rank; d++)
        slice *= (size_t)data->dims[d];
    for (size_t n = 0; n < tuples; n++)
        if ((err = tuple_offset(ctx, n, k, &off)))
            return err;
    if (y->data != data->data && oc_tensor_count(data))
        memcpy(y->data, data->data, oc_tensor_count(data) * esize);
    if (!slice)
        return NULL;   /* the updates are empty slices: nothing to write */
    unsigned char *dst = y->data;
    const unsigned char *src = upd->data;
    for (size_t n = 0; n < tuples; n++) {
        tuple_offset(ctx, n, k, &off);
        if (*reduction == OC_REDUCE_NONE) {
            memcpy(dst + off * slice * esize, src + n * slice * esize,
                   slice * esize);
            continue;
        }
        for (size_t e = 0; e < slice; e++)
            oc_reduce_one(dst + (off * slice + e) * esize,
                          src + (n * slice + e) * esize, data->dtype,
                          *reduction, esize);
    }
    return NULL;
}

static const int scatter_nd_versions[] = {11, 13, 16, 18, 0};

const oc_op oc_op_scatter_nd = {
    .domain = "",
    .op_type = "ScatterND",
    .versions = scatter_nd_versions,
    .last_opset = 21,
    .min_inputs = 3, .max_inputs = 3,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = OC_DATA_TYPES,
    .prepare = scatter_nd_prepare,
    .infer = scatter_nd_infer,
    .run = scatter_nd_run,
};
