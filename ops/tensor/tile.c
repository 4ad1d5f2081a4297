/*
 * tile.c - Tile: x repeated `repeats[d]` times along each dim d
 * (versions 6, 13). repeats is a 1-D int64 input of x's rank whose
 * contents the plan knows; each must be >= 0, and a product that
 * overflows is refused. Version 1 repeats along one dim only: its inputs
 * tiles and axis are one-element tensors of x's (float) type, holding
 * whole numbers.
 */
#include <math.h>

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

/* One element of a float or double scalar tensor, or NaN when unknown. */
static double scalar_value(const oc_type *t)
{
    if (!t || !t->data)
        return NAN;
    return t->dtype == ONNXC_DOUBLE ? *(const double *)t->data
           : t->dtype == ONNXC_FLOAT ? *(const float *)t->data
                                     : NAN;
}

/* Version 1: reps all 1 but tiles at axis. Unknown tiles or axis leave
 * reps untouched (infer then gives unknown dims). */
static onnxc_status *tile_one_axis(const oc_infer_ctx *ctx, int64_t *reps)
{
    const oc_node *node = ctx->node;
    const oc_type *x = ctx->in[0], *tiles = ctx->in[1];
    const oc_type *axis = ctx->n_in > 2 ? ctx->in[2] : NULL;
    char desc[300];
    if (!axis)
        return oc_error(ONNXC_ERR_INVALID_MODEL, "%s: Tile-1 takes input, tiles and axis",
                        oc_node_desc(node, desc, sizeof desc));
    if (tiles->dtype != x->dtype)
        return oc_bad_dtype(node, "tiles", tiles->dtype, onnxc_dtype_name(x->dtype));
    if (axis->dtype != x->dtype)
        return oc_bad_dtype(node, "axis", axis->dtype, onnxc_dtype_name(x->dtype));
    double t = scalar_value(tiles), a = scalar_value(axis);
    if (x->shape.rank < 0 || !tiles->data || !axis->data)
        return NULL;
    int rank = x->shape.rank;
    if (!(t >= 0 && t <= (double)INT32_MAX && t == floor(t)) ||
        !(a >= -rank && a < rank && a == floor(a)))
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: tiles is %g and axis %g; they must be a whole number "
                        ">= 0 and a dim of the input (rank %d)",
                        oc_node_desc(node, desc, sizeof desc), t, a, rank);
    for (int d = 0; d < rank; d++)
        reps[d] = 1;
    reps[a < 0 ? (int)a + rank : (int)a] = (int64_t)t;
    return NULL;
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
    onnxc_status *err;
    if (node->op_version == 1) {
        if ((err = tile_one_axis(ctx, reps)))
            return err;
    } else if (r->dtype != ONNXC_INT64) {
        return oc_bad_dtype(node, "repeats", r->dtype, "int64");
    }
    y->dtype = x->dtype;
    y->shape.rank = x->shape.rank;
    for (int d = 0; d < x->shape.rank; d++)
        y->shape.dims[d] = dim_unknown();
    if (node->op_version != 1 && ctx->n_in > 2 && ctx->in[2])
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: Tile-%d takes two inputs (input, repeats), got three",
                        oc_node_desc(node, desc, sizeof desc), node->op_version);
    if (x->shape.rank < 0 || !r->data ||
        (node->op_version == 1 && !ctx->in[2]->data))
        return NULL;
    int64_t n = r->shape.rank == 1 ? r->shape.dims[0].value : -1;
    if (node->op_version == 1)
        n = x->shape.rank;   /* tile_one_axis checked the entries */
    else if (n != x->shape.rank || !oc_int_list(r->data, r->dtype, n,
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

static const int tile_versions[] = {1, 6, 13, 0};

const oc_op oc_op_tile = {
    .domain = "",
    .op_type = "Tile",
    .versions = tile_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 3,   /* 3: version 1 */
    .min_outputs = 1, .max_outputs = 1,
    .value_inputs = 1u << 1 | 1u << 2,
    .types = OC_DATA_TYPES,
    .prepare = tile_prepare,
    .infer = tile_infer,
    .run = tile_run,
};
