/*
 * squeeze.c - Squeeze: x without the dims of size 1 at `axes`, or
 * without every dim of size 1 when no axes are given (versions 1, 11, 13,
 * 21). axes is an attribute before 13 and an optional int64 input from
 * 13, whose contents the plan knows. Naming a dim that is not 1 is a
 * shape error. The data does not move.
 */
#include "ops/common/axes.h"
#include "ops/common/dims_value.h"
#include "ops/common/op_util.h"

static onnxc_status *squeeze_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    static const char *const v1_attrs[] = {"axes", NULL};
    static const char *const v13_attrs[] = {NULL};
    onnxc_status *err;
    oc_axes *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    bool attr = node->op_version < 13;
    p->count = -1;
    if ((err = oc_check_attrs(node, attr ? v1_attrs : v13_attrs)) ||
        (attr && (err = oc_axes_from_attr(node, p))))
        return err;
    *params = p;
    return NULL;
}

static onnxc_status *squeeze_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const oc_type *x = ctx->in[0];
    const oc_shape *xs = &x->shape;
    oc_type *y = ctx->out[0];
    oc_axes axes = *(const oc_axes *)ctx->params;
    bool known = true;
    unsigned mask = 0;
    char desc[300], s1[128];
    onnxc_status *err;
    if (!oc_dtype_has_size(x->dtype))
        return oc_bad_dtype(node, "data", x->dtype, "numeric and bool tensors");
    y->dtype = x->dtype;
    if (node->op_version >= 13 && ctx->n_in > 1 &&
        (err = oc_axes_from_input(node, ctx->in[1], &axes, &known)))
        return err;
    y->shape.rank = -1;
    if (xs->rank < 0 || !known)
        return NULL;
    if (axes.count < 0) {
        for (int d = 0; d < xs->rank; d++) {
            if (!dim_is_known(xs->dims[d]))
                return NULL;  /* a symbolic dim may be 1: the plan knows */
            mask |= (xs->dims[d].value == 1) << d;
        }
    } else if ((err = oc_axes_mask(node, &axes, xs->rank, &mask))) {
        return err;
    }
    y->shape.rank = 0;
    for (int d = 0; d < xs->rank; d++) {
        if (!(mask >> d & 1)) {
            y->shape.dims[y->shape.rank++] = xs->dims[d];
        } else if (dim_is_known(xs->dims[d]) && xs->dims[d].value != 1) {
            return oc_error(ONNXC_ERR_SHAPE,
                            "%s: dim %d of %s is %lld, not 1",
                            oc_node_desc(node, desc, sizeof desc), d,
                            oc_shape_format(xs, NULL, s1, sizeof s1),
                            (long long)xs->dims[d].value);
        }
    }
    oc_dim dims[ONNXC_MAX_RANK];
    int n;
    if (oc_type_as_dims(x, dims, &n))
        oc_type_set_dims(y, dims, n);
    return NULL;
}

static const int squeeze_versions[] = {1, 11, 13, 21, 0};

const oc_op oc_op_squeeze = {
    .domain = "",
    .op_type = "Squeeze",
    .versions = squeeze_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .value_inputs = 1u << 1,
    .types = "all numeric types, bool",
    .prepare = squeeze_prepare,
    .infer = squeeze_infer,
    .run = oc_run_copy,
};
