/*
 * shape.c - Shape: the dims of x as a 1-D int64 tensor (versions 1, 13,
 * 15, 19, 21); from 15 only dims [start, end), both clamped to [0, rank]
 * after adding the rank to a negative one.
 *
 * It reads x's shape, never its data (shape_inputs), so its output is
 * known when the plan is made, and at load when x's shape is static; with
 * a symbolic batch the output carries the symbol for the ops after it.
 */
#include "ops/common/dims_value.h"
#include "ops/common/op_util.h"

typedef struct shape_params {
    int64_t start, end;
    bool has_end;
} shape_params;

static onnxc_status *shape_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    static const char *const v1_attrs[] = {NULL};
    static const char *const v15_attrs[] = {"start", "end", NULL};
    onnxc_status *err;
    shape_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    p->has_end = oc_node_attr(node, "end") != NULL;
    if ((err = oc_check_attrs(node, node->op_version < 15 ? v1_attrs
                                                          : v15_attrs)) ||
        (err = oc_attr_int(node, "start", 0, &p->start)) ||
        (err = oc_attr_int(node, "end", 0, &p->end)))
        return err;
    *params = p;
    return NULL;
}

static int64_t clamp_index(int64_t i, int rank)
{
    if (i < 0)
        i += rank;
    return i < 0 ? 0 : i > rank ? rank : i;
}

/* The range [*from, *to) of dims the output holds. */
static void dim_range(const shape_params *p, int rank, int *from, int *to)
{
    *from = (int)clamp_index(p->start, rank);
    *to = p->has_end ? (int)clamp_index(p->end, rank) : rank;
    if (*to < *from)
        *to = *from;
}

static onnxc_status *shape_infer(const oc_infer_ctx *ctx)
{
    const shape_params *p = ctx->params;
    const oc_shape *x = &ctx->in[0]->shape;
    oc_type *y = ctx->out[0];
    int from, to;
    y->dtype = ONNXC_INT64;
    y->shape.rank = 1;
    if (x->rank < 0) {
        y->shape.dims[0] = dim_unknown();
        return NULL;
    }
    dim_range(p, x->rank, &from, &to);
    y->shape.dims[0] = dim_known(to - from);
    oc_type_set_dims(y, x->dims + from, to - from);
    return NULL;
}

static onnxc_status *shape_run(const oc_run_ctx *ctx)
{
    const oc_tensor *x = ctx->in[0];
    int64_t *y = ctx->out[0]->data;
    int from, to;
    dim_range(ctx->params, x->rank, &from, &to);
    for (int d = from; d < to; d++)
        y[d - from] = x->dims[d];
    return NULL;
}

static const int shape_versions[] = {1, 13, 15, 19, 21, 0};

const oc_op oc_op_shape = {
    .domain = "",
    .op_type = "Shape",
    .versions = shape_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .shape_inputs = 1u << 0,
    .types = "any tensor in; int64 out",
    .prepare = shape_prepare,
    .infer = shape_infer,
    .run = shape_run,
};
