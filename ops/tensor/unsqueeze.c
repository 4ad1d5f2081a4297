/*
 * unsqueeze.c - Unsqueeze: x with dims of size 1 inserted at `axes`,
 * counted in the output's rank (versions 1, 11, 13, 21). axes is an
 * attribute before 13 and an int64 input from 13, whose contents the
 * plan knows; negative axes from 11. The data does not move.
 */
#include "ops/common/axes.h"
#include "ops/common/dims_value.h"
#include "ops/common/op_util.h"

static onnxc_status *unsqueeze_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    static const char *const v1_attrs[] = {"axes", NULL};
    static const char *const v13_attrs[] = {NULL};
    char desc[300];
    onnxc_status *err;
    oc_axes *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    bool attr = node->op_version < 13;
    if ((err = oc_check_attrs(node, attr ? v1_attrs : v13_attrs)) ||
        (attr && (err = oc_axes_from_attr(node, p))))
        return err;
    bool missing = attr ? p->count < 0
                        : node->n_inputs < 2 || !node->input_names[1][0];
    if (missing)
        return oc_error(ONNXC_ERR_INVALID_MODEL, "%s: axes are required",
                        oc_node_desc(node, desc, sizeof desc));
    *params = p;
    return NULL;
}

static onnxc_status *unsqueeze_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const oc_type *x = ctx->in[0];
    oc_type *y = ctx->out[0];
    oc_axes axes = *(const oc_axes *)ctx->params;
    bool known = true;
    unsigned mask;
    char desc[300];
    onnxc_status *err;
    if (!oc_dtype_has_size(x->dtype))
        return oc_bad_dtype(node, "data", x->dtype, "numeric and bool tensors");
    y->dtype = x->dtype;
    if (node->op_version >= 13 &&
        (err = oc_axes_from_input(node, ctx->in[1], &axes, &known)))
        return err;
    if (x->shape.rank < 0) {
        y->shape.rank = -1;
        return NULL;
    }
    if (!known) {
        /* the count of axes gives the rank; which dims are 1 the plan tells */
        const oc_type *a = ctx->in[1];
        int64_t n = a->shape.rank == 0 ? 1 : a->shape.dims[0].value;
        bool sized = a->shape.rank == 0 || dim_is_known(a->shape.dims[0]);
        y->shape.rank = sized && x->shape.rank + n <= ONNXC_MAX_RANK
                            ? x->shape.rank + (int)n
                            : -1;
        for (int d = 0; d < y->shape.rank; d++)
            y->shape.dims[d] = dim_unknown();
        return NULL;
    }
    int rank = x->shape.rank + axes.count;
    if (rank > ONNXC_MAX_RANK)
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "%s: the output would have rank %d, above the "
                        "supported %d",
                        oc_node_desc(node, desc, sizeof desc), rank,
                        ONNXC_MAX_RANK);
    if ((err = oc_axes_mask(node, &axes, rank, &mask)))
        return err;
    y->shape.rank = rank;
    for (int d = 0, from = 0; d < rank; d++)
        y->shape.dims[d] = mask >> d & 1 ? dim_known(1)
                                         : x->shape.dims[from++];
    oc_dim dims[ONNXC_MAX_RANK];
    int n;
    if (rank <= 1 && oc_type_as_dims(x, dims, &n))
        oc_type_set_dims(y, dims, n);
    return NULL;
}

static const int unsqueeze_versions[] = {1, 11, 13, 21, 0};

const oc_op oc_op_unsqueeze = {
    .domain = "",
    .op_type = "Unsqueeze",
    .versions = unsqueeze_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .value_inputs = 1u << 1,
    .types = "all numeric types, bool",
    .prepare = unsqueeze_prepare,
    .infer = unsqueeze_infer,
    .run = oc_run_copy,
};
