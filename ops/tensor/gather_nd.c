/*
 * gather_nd.c - GatherND: slices of data addressed by the last dim of
 * indices (versions 11, 12, 13; batch_dims from 12). With b batch dims
 * and k = the last dim of indices (1 <= k <= rank(data) - b), the output
 * is indices' dims but the last, then data's dims after b + k; the first
 * b dims of data and indices agree. Each index component counts from the
 * end when negative; out of range is a run error naming it.
 */
#include <string.h>

#include "runtime/core/status.h"
#include "ops/common/indices.h"
#include "ops/common/op_util.h"

typedef struct gather_nd_params {
    int64_t batch_dims;
} gather_nd_params;

static onnxc_status *gather_nd_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    static const char *const v11_attrs[] = {NULL};
    static const char *const v12_attrs[] = {"batch_dims", NULL};
    onnxc_status *err;
    gather_nd_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(node, node->op_version < 12 ? v11_attrs
                                                          : v12_attrs)) ||
        (err = oc_attr_int(node, "batch_dims", 0, &p->batch_dims)))
        return err;
    *params = p;
    return NULL;
}

static onnxc_status *gather_nd_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const gather_nd_params *p = ctx->params;
    const oc_type *data = ctx->in[0], *idx = ctx->in[1];
    oc_type *y = ctx->out[0];
    char desc[300], s1[128], s2[128];
    if (!oc_dtype_has_size(data->dtype))
        return oc_bad_dtype(node, "data", data->dtype, OC_DATA_TYPES);
    if (idx->dtype != ONNXC_INT64)
        return oc_bad_dtype(node, "indices", idx->dtype, "int64");
    y->dtype = data->dtype;
    y->shape.rank = -1;
    int r = data->shape.rank, q = idx->shape.rank;
    if (r < 0 || q < 0)
        return NULL;
    oc_dim last = q > 0 ? idx->shape.dims[q - 1] : dim_known(0);
    int64_t b = p->batch_dims;
    if (!dim_is_known(last))
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "%s: the last dim of indices must be known at load",
                        oc_node_desc(node, desc, sizeof desc));
    int64_t k = last.value;
    if (r < 1 || q < 1 || b < 0 || b >= q || b >= r || k < 1 || k > r - b)
        goto bad;
    int rank = (int)(q - 1 + r - b - k);
    if (rank > ONNXC_MAX_RANK)
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "%s: the output would have rank %d, above %d",
                        oc_node_desc(node, desc, sizeof desc), rank,
                        ONNXC_MAX_RANK);
    for (int d = 0; d < b; d++)
        if (!oc_dim_compatible(data->shape.dims[d], idx->shape.dims[d]))
            goto bad;
    y->shape.rank = 0;
    for (int d = 0; d < q - 1; d++)
        y->shape.dims[y->shape.rank++] = idx->shape.dims[d];
    for (int d = (int)(b + k); d < r; d++)
        y->shape.dims[y->shape.rank++] = data->shape.dims[d];
    return NULL;
bad:
    return oc_error(ONNXC_ERR_SHAPE,
                    "%s: indices %s do not address data %s with batch_dims "
                    "%lld",
                    oc_node_desc(node, desc, sizeof desc),
                    oc_shape_format(&idx->shape, NULL, s1, sizeof s1),
                    oc_shape_format(&data->shape, NULL, s2, sizeof s2),
                    (long long)b);
}

static onnxc_status *gather_nd_run(const oc_run_ctx *ctx)
{
    const gather_nd_params *p = ctx->params;
    const oc_tensor *data = ctx->in[0], *idx = ctx->in[1];
    unsigned char *dst = ctx->out[0]->data;
    const unsigned char *src = data->data;
    int b = (int)p->batch_dims, q = idx->rank;
    int64_t k = idx->dims[q - 1];
    size_t esize = onnxc_dtype_size(data->dtype), batches = 1, tuples = 1;
    size_t slice = esize, batch_size = 1;
    for (int d = 0; d < b; d++)
        batches *= (size_t)idx->dims[d];
    for (int d = b; d < q - 1; d++)
        tuples *= (size_t)idx->dims[d];
    for (int d = (int)(b + k); d < data->rank; d++)
        slice *= (size_t)data->dims[d];
    for (int d = b; d < data->rank; d++)
        batch_size *= (size_t)data->dims[d];
    for (size_t n = 0; n < batches * tuples; n++) {
        size_t off = 0;
        for (int64_t j = 0; j < k; j++) {
            int64_t dim = data->dims[b + j], at;
            size_t e = n * (size_t)k + (size_t)j;
            if (!oc_index_at(idx, e, dim, &at))
                return oc_index_error(ctx, "indices", e, at, b + (int)j, dim);
            off = off * (size_t)dim + (size_t)at;
        }
        const unsigned char *from = src + (n / tuples) * batch_size * esize;
        memcpy(dst + n * slice, from + off * slice, slice);
    }
    return NULL;
}

static const int gather_nd_versions[] = {11, 12, 13, 0};

const oc_op oc_op_gather_nd = {
    .domain = "",
    .op_type = "GatherND",
    .versions = gather_nd_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .types = OC_DATA_TYPES,
    .prepare = gather_nd_prepare,
    .infer = gather_nd_infer,
    .run = gather_nd_run,
};
