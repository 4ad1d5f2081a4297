/*
 * tile.c - Tile: x repeated `repeats[d]` times along each dim d
 * (versions 6, 13; version 1's tiles/axis form is not run). repeats is a
 * 1-D int64 input of x's rank whose contents the plan knows; each must
 * be >= 0, and a product that overflows is refused.
 */
#include "runtime/core/status.h"
#include "ops/common/dims_value.h"
#include "ops/common/op_util.h"
#include "ops/common/strided.h"

static onnxc_status *tile_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const none[] = {NULL};
    *params = NULL;
    return oc_check_attrs(ctx->node, none);
}

static onnxc_status *tile_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const oc_type *x = ctx->in[0], *r = ctx->in[1];
    oc_type *y = ctx->out[0];
    char desc[300];
    int64_t reps[ONNXC_MAX_RANK];
    if (!oc_dtype_has_size(x->dtype))
        return oc_bad_dtype(node, "input", x->dtype, OC_DATA_TYPES);
    if (r->dtype != ONNXC_INT64)
        return oc_bad_dtype(node, "repeats", r->dtype, "int64");
    y->dtype = x->dtype;
    y->shape.rank = x->shape.rank;
    for (int d = 0; d < x->shape.rank; d++)
        y->shape.dims[d] = dim_unknown();
    if (x->shape.rank < 0 || !r->data)
        return NULL;
    int64_t n = r->shape.rank == 1 ? r->shape.dims[0].value : -1;
    if (n != x->shape.rank || !oc_int_list(r->data, r->dtype, n,
                                           ONNXC_MAX_RANK, reps))
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: repeats must be 1-D with one entry per dim of "
                        "the input (rank %d), got %lld entries",
                        oc_node_desc(node, desc, sizeof desc), x->shape.rank,
                        (long long)n);
    for (int d = 0; d < x->shape.rank; d++) {
        oc_dim a = x->shape.dims[d];
        if (reps[d] < 0)
            return oc_error(ONNXC_ERR_SHAPE, "%s: repeats[%d] is %lld",
                            oc_node_desc(node, desc, sizeof desc), d,
                            (long long)reps[d]);
        if (reps[d] == 1 || !dim_is_known(a)) {
            y->shape.dims[d] = reps[d] == 1 ? a : dim_unknown();
            continue;
        }
        if (reps[d] && a.value > INT64_MAX / reps[d])
            return oc_error(ONNXC_ERR_SHAPE,
                            "%s: dim %d (%lld) repeated %lld times overflows",
                            oc_node_desc(node, desc, sizeof desc), d,
                            (long long)a.value, (long long)reps[d]);
        y->shape.dims[d] = dim_known(a.value * reps[d]);
    }
    return NULL;
}

/* The output seen as [r0, d0, r1, d1, ...]: each repeat reads the input
 * again (stride 0), so one strided copy does it. */
static onnxc_status *tile_run(const oc_run_ctx *ctx)
{
    const oc_tensor *x = ctx->in[0];
    oc_tensor *y = ctx->out[0];
    int64_t in_strides[ONNXC_MAX_RANK], dims[2 * ONNXC_MAX_RANK];
    int64_t strides[2 * ONNXC_MAX_RANK];
    if (!oc_tensor_count(y))
        return NULL;
    oc_contiguous_strides(x->dims, x->rank, in_strides);
    for (int d = 0; d < x->rank; d++) {
        dims[2 * d] = y->dims[d] / x->dims[d];
        strides[2 * d] = 0;
        dims[2 * d + 1] = x->dims[d];
        strides[2 * d + 1] = in_strides[d];
    }
    oc_strided_copy(y->data, x->data, onnxc_dtype_size(x->dtype), 2 * x->rank,
                    dims, strides);
    return NULL;
}

static const int tile_versions[] = {6, 13, 0};

const oc_op oc_op_tile = {
    .domain = "",
    .op_type = "Tile",
    .versions = tile_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .value_inputs = 1u << 1,
    .types = OC_DATA_TYPES,
    .prepare = tile_prepare,
    .infer = tile_infer,
    .run = tile_run,
};
