/*
 * gather.c - Gather: slices of data along `axis` picked by indices
 * (versions 1, 11, 13). Output shape: data's dims before the axis, then
 * indices' dims, then data's dims after it.
 *
 * Any element type with a fixed size; indices int32 or int64, negative
 * ones counting from the end (the axis' size n: valid is [-n, n-1]). An
 * index out of range is an error naming the node, the index and the
 * range: at load when the indices are a constant and the axis is static,
 * at plan time when the plan knows both, else from the run. A Gather of
 * dims (Shape's output, with constant indices) keeps their symbols at
 * load.
 */
#include <string.h>

#include "ops/common/dims_value.h"
#include "ops/common/indices.h"
#include "ops/common/op_util.h"

static onnxc_status *gather_prepare(const oc_prepare_ctx *ctx, void **params)
{
    return oc_prepare_axis_only(ctx, 0, params);
}

/* Picks the dims elements of a Gather over a tracked dims vector. */
static void gather_dims(const oc_type *data, const oc_type *idx, oc_type *y)
{
    oc_dim dims[ONNXC_MAX_RANK], out[ONNXC_MAX_RANK];
    int n, count = 0;
    if (!idx->data || idx->shape.rank > 1 || !oc_type_as_dims(data, dims, &n))
        return;
    int64_t k = idx->shape.rank == 0 ? 1 : idx->shape.dims[0].value;
    if (idx->shape.rank == 1 && !dim_is_known(idx->shape.dims[0]))
        return;
    for (int64_t i = 0; i < k && k <= ONNXC_MAX_RANK; i++) {
        int64_t v = oc_int_at(idx->data, idx->dtype, (size_t)i);
        if (v < -n || v >= n)
            return;  /* the run (at load or plan time) reports it */
        out[count++] = dims[v < 0 ? v + n : v];
    }
    if (count == k)
        oc_type_set_dims(y, out, count);
}

/* Indices whose contents infer sees (a constant at load; at plan time also
 * a value the plan computed) are checked here against a known axis. Left
 * to the run, as before, a constant index out of range was reported at
 * load only when data was a constant too, and otherwise by every run,
 * although the model could never run: now at load when the axis is
 * static (INVALID_MODEL), else when the plan knows it (RUN, the session
 * stays usable). The message is the run's. */
static onnxc_status *check_known_indices(const oc_infer_ctx *ctx,
                                         const oc_type *idx, int axis,
                                         oc_dim n)
{
    char desc[300];
    size_t count = 1;
    if (!idx->data || !dim_is_known(n))
        return NULL;
    for (int d = 0; d < idx->shape.rank; d++)
        if (!dim_is_known(idx->shape.dims[d]) ||
            !oc_size_mul(count, (size_t)idx->shape.dims[d].value, &count))
            return NULL;
    for (size_t i = 0; i < count; i++) {
        int64_t v = oc_int_at(idx->data, idx->dtype, i);
        if (v < -n.value || v >= n.value)
            return oc_error(ctx->concrete ? ONNXC_ERR_RUN
                                          : ONNXC_ERR_INVALID_MODEL,
                            "%s: indices[%zu] = %lld is out of range for "
                            "axis %d of size %lld (valid: [%lld, %lld])",
                            oc_node_desc(ctx->node, desc, sizeof desc), i,
                            (long long)v, axis, (long long)n.value,
                            (long long)-n.value, (long long)n.value - 1);
    }
    return NULL;
}

static onnxc_status *gather_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const oc_axis_param *p = ctx->params;
    const oc_type *data = ctx->in[0], *idx = ctx->in[1];
    oc_type *y = ctx->out[0];
    onnxc_status *err;
    int axis;
    if (!oc_dtype_has_size(data->dtype))
        return oc_bad_dtype(node, "data", data->dtype, "numeric and bool tensors");
    if (idx->dtype != ONNXC_INT32 && idx->dtype != ONNXC_INT64)
        return oc_bad_dtype(node, "indices", idx->dtype, "int32, int64");
    y->dtype = data->dtype;
    if (data->shape.rank < 0 || idx->shape.rank < 0) {
        y->shape.rank = -1;
        return NULL;
    }
    if (data->shape.rank == 0)
        return oc_error(ONNXC_ERR_SHAPE,
                        "node '%s' (Gather): data must have rank >= 1, got 0",
                        node->label);
    if ((err = oc_axis(node, p->axis, data->shape.rank, false, &axis)) ||
        (err = check_known_indices(ctx, idx, axis, data->shape.dims[axis])))
        return err;
    int rank = data->shape.rank - 1 + idx->shape.rank;
    if (rank > ONNXC_MAX_RANK)
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "node '%s' (Gather): the output would have rank %d, "
                        "above the supported %d",
                        node->label, rank, ONNXC_MAX_RANK);
    y->shape.rank = 0;
    for (int d = 0; d < axis; d++)
        y->shape.dims[y->shape.rank++] = data->shape.dims[d];
    for (int d = 0; d < idx->shape.rank; d++)
        y->shape.dims[y->shape.rank++] = idx->shape.dims[d];
    for (int d = axis + 1; d < data->shape.rank; d++)
        y->shape.dims[y->shape.rank++] = data->shape.dims[d];
    if (axis == 0)
        gather_dims(data, idx, y);
    return NULL;
}

static onnxc_status *gather_run(const oc_run_ctx *ctx)
{
    const oc_axis_param *p = ctx->params;
    const oc_tensor *data = ctx->in[0], *idx = ctx->in[1];
    int axis = (int)(p->axis < 0 ? p->axis + data->rank : p->axis);
    size_t outer = 1, inner = onnxc_dtype_size(data->dtype);
    /* infer accepted the shapes: none of these products overflows */
    for (int d = 0; d < axis; d++)
        outer *= (size_t)data->dims[d];
    for (int d = axis + 1; d < data->rank; d++)
        inner *= (size_t)data->dims[d];
    int64_t n = data->dims[axis];
    size_t count = oc_tensor_count(idx);
    const unsigned char *src = data->data;
    unsigned char *dst = ctx->out[0]->data;
    for (size_t i = 0; i < count; i++) {
        int64_t at;
        if (!oc_index_at(idx, i, n, &at))
            return oc_index_error(ctx, "indices", i, at, axis, n);
    }
    if (!oc_tensor_count(ctx->out[0]))
        return NULL;   /* empty slices: data may have no address */
    for (size_t o = 0; o < outer; o++)
        for (size_t i = 0; i < count; i++) {
            int64_t at;
            oc_index_at(idx, i, n, &at);
            memcpy(dst + (o * count + i) * inner,
                   src + (o * (size_t)n + (size_t)at) * inner, inner);
        }
    return NULL;
}

static const int gather_versions[] = {1, 11, 13, 0};

const oc_op oc_op_gather = {
    .domain = "",
    .op_type = "Gather",
    .versions = gather_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .types = "all numeric types, bool; indices int32, int64",
    .prepare = gather_prepare,
    .infer = gather_infer,
    .run = gather_run,
};
