/*
 * gather_elements.c - GatherElements: y[i...] = data[i...] with the index
 * along `axis` replaced by indices[i...] (versions 11, 13). indices has
 * data's rank and gives the output's shape; off the axis its dims may not
 * exceed data's. An index out of [-n, n-1] is a run error naming it.
 */
#include <string.h>

#include "runtime/core/status.h"
#include "ops/common/indices.h"
#include "ops/common/op_util.h"
#include "ops/common/strided.h"

static onnxc_status *gather_elements_prepare(const oc_prepare_ctx *ctx,
                                             void **params)
{
    return oc_prepare_axis_only(ctx, 0, params);
}

static onnxc_status *gather_elements_infer(const oc_infer_ctx *ctx)
{
    const oc_axis_param *p = ctx->params;
    const oc_type *data = ctx->in[0], *idx = ctx->in[1];
    oc_type *y = ctx->out[0];
    int axis;
    onnxc_status *err = oc_elements_check(ctx->node, data, idx, p->axis, &axis);
    y->dtype = data->dtype;
    y->shape = idx->shape;
    return err;
}

static onnxc_status *gather_elements_run(const oc_run_ctx *ctx)
{
    const oc_axis_param *p = ctx->params;
    const oc_tensor *data = ctx->in[0], *idx = ctx->in[1];
    unsigned char *dst = ctx->out[0]->data;
    const unsigned char *src = data->data;
    int rank = data->rank, axis = (int)(p->axis < 0 ? p->axis + rank : p->axis);
    size_t esize = onnxc_dtype_size(data->dtype), count = oc_tensor_count(idx);
    int64_t strides[ONNXC_MAX_RANK], at[ONNXC_MAX_RANK] = {0};
    int64_t n = data->dims[axis];
    oc_contiguous_strides(data->dims, rank, strides);
    for (size_t i = 0; i < count; i++) {
        int64_t k, off = 0;
        if (!oc_index_at(idx, i, n, &k))
            return oc_index_error(ctx, "indices", i, k, axis, n);
        for (int d = 0; d < rank; d++)
            off += (d == axis ? k : at[d]) * strides[d];
        memcpy(dst + i * esize, src + (size_t)off * esize, esize);
        for (int d = rank - 1; d >= 0 && ++at[d] == idx->dims[d]; d--)
            at[d] = 0;
    }
    return NULL;
}

static const int gather_elements_versions[] = {11, 13, 0};

const oc_op oc_op_gather_elements = {
    .domain = "",
    .op_type = "GatherElements",
    .versions = gather_elements_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .types = OC_DATA_TYPES,
    .prepare = gather_elements_prepare,
    .infer = gather_elements_infer,
    .run = gather_elements_run,
};
