/*
 * max_unpool.c - MaxUnpool (9, 11): the partial inverse of MaxPool. Y is
 * zeros but for X's values, each put where its index in I (MaxPool's
 * Indices: a position in the unpooled tensor flattened whole, N and C
 * offsets included) says. Y's spatial dims are (in - 1) * stride + kernel - pads, as a
 * ConvTranspose of the window would give (window.h), or the optional
 * output_shape input's, which resolves the sizes MaxPool's rounding
 * down lost.
 *
 * I indexes the unpooled shape; a larger output_shape puts that at Y's
 * origin with zeros after it along each dim, as the official test
 * (test_maxunpool_export_with_output_shape) expects; onnxruntime 1.30
 * instead puts each index at that flat position of output_shape's layout
 * (tools/oracle/differential/oracle.py records it). output_shape below the unpooled shape is
 * refused, and an index outside it is a run error naming it. Where two
 * indices are the same, the later element of X wins, as a scatter in
 * order gives.
 */
#include <string.h>

#include "ops/common/op_util.h"
#include "ops/common/window.h"

typedef struct max_unpool_params {
    oc_window_attrs win;
} max_unpool_params;

static onnxc_status *max_unpool_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const attrs[] = {"kernel_shape", "pads", "strides", NULL};
    onnxc_status *err;
    max_unpool_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(ctx->node, attrs)) ||
        (err = oc_window_read(ctx->node, OC_WINDOW_NEED_KERNEL, &p->win)))
        return err;
    *params = p;
    return NULL;
}

/* Y's shape from the window over X's (the spatial dims unknown where
 * X's are). */
static onnxc_status *unpooled_shape(const oc_node *node,
                                    const max_unpool_params *p,
                                    const oc_shape *x, oc_shape *y)
{
    oc_window w;
    onnxc_status *err = oc_window_begin(node, &p->win, x->rank - 2, NULL, &w);
    *y = *x;
    for (int d = 0; d < w.dims && !err; d++) {
        oc_dim in = x->dims[2 + d];
        if (!dim_is_known(in))
            continue;
        err = oc_window_transpose_dim(node, &p->win, &w, d, in.value, 0, -1);
        y->dims[2 + d] = dim_known(w.in[d]);
    }
    return err;
}

/* Y's shape from the output_shape input's contents `want` (n entries):
 * the rank of the unpooled shape `inferred`, no dim below its. */
static onnxc_status *given_shape(const oc_node *node, const oc_shape *inferred,
                                 const int64_t *want, int64_t n, oc_shape *y)
{
    char desc[300], s1[128];
    size_t count;
    if (n != inferred->rank)
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: output_shape has %lld entries; X has rank %d",
                        oc_node_desc(node, desc, sizeof desc), (long long)n,
                        inferred->rank);
    y->rank = inferred->rank;
    for (int d = 0; d < inferred->rank; d++) {
        oc_dim u = inferred->dims[d];
        if (want[d] < 0 || (dim_is_known(u) && want[d] < u.value))
            return oc_error(ONNXC_ERR_SHAPE,
                            "%s: output_shape[%d] is %lld, smaller than the "
                            "unpooled shape %s",
                            oc_node_desc(node, desc, sizeof desc), d,
                            (long long)want[d],
                            oc_shape_format(inferred, NULL, s1, sizeof s1));
        y->dims[d] = dim_known(want[d]);
    }
    if (!oc_shape_count(want, (int)n, &count) ||
        !oc_size_mul(count, sizeof(double), &count))
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: output_shape %s: Y's size overflows",
                        oc_node_desc(node, desc, sizeof desc),
                        oc_shape_format(y, NULL, s1, sizeof s1));
    return NULL;
}

static onnxc_status *max_unpool_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const oc_type *x = ctx->in[0], *ind = ctx->in[1];
    const oc_type *shape = ctx->n_in > 2 ? ctx->in[2] : NULL;
    oc_shape *y = &ctx->out[0]->shape;
    char desc[300], s1[128], s2[128];
    if (x->dtype != ONNXC_FLOAT && x->dtype != ONNXC_DOUBLE)
        return oc_bad_dtype(node, "X", x->dtype, "float, double");
    if (ind->dtype != ONNXC_INT64)
        return oc_bad_dtype(node, "I", ind->dtype, "int64");
    if (shape && shape->dtype != ONNXC_INT64)
        return oc_bad_dtype(node, "output_shape", shape->dtype, "int64");
    ctx->out[0]->dtype = x->dtype;
    y->rank = -1;
    if (x->shape.rank < 0)
        return NULL;
    if (x->shape.rank < 3)
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: X has rank %d; expected N x C x at least one "
                        "spatial dim",
                        oc_node_desc(node, desc, sizeof desc), x->shape.rank);
    if (ind->shape.rank >= 0 && !oc_shape_compatible(&ind->shape, &x->shape))
        return oc_error(ONNXC_ERR_SHAPE, "%s: I has shape %s; expected X's, %s",
                        oc_node_desc(node, desc, sizeof desc),
                        oc_shape_format(&ind->shape, NULL, s1, sizeof s1),
                        oc_shape_format(&x->shape, NULL, s2, sizeof s2));
    oc_shape inferred;
    onnxc_status *err = unpooled_shape(node, ctx->params, &x->shape, &inferred);
    if (err || !shape) {
        *y = inferred;
        return err;
    }
    if (shape->shape.rank != 1 && shape->shape.rank >= 0)
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: output_shape has rank %d; expected a list of dims",
                        oc_node_desc(node, desc, sizeof desc), shape->shape.rank);
    if (!shape->data || !dim_is_known(shape->shape.dims[0])) {
        y->rank = x->shape.rank;   /* the plan will know the dims */
        for (int d = 0; d < y->rank; d++)
            y->dims[d] = dim_unknown();
        return NULL;
    }
    return given_shape(node, &inferred, shape->data,
                       shape->shape.dims[0].value, y);
}

/* Where each flat index of the unpooled shape `u` lies in Y (dims `y`,
 * no smaller): the unpooled tensor sits at Y's origin, zeros after it
 * along each dim, as onnxruntime pads it. */
static size_t place(int64_t index, const int64_t *u, const int64_t *y, int rank)
{
    size_t offset = 0, stride = 1;
    for (int d = rank - 1; d >= 0; d--) {
        offset += (size_t)(index % u[d]) * stride;
        index /= u[d];
        stride *= (size_t)y[d];
    }
    return offset;
}

#define MAX_UNPOOL_SCATTER(name, T)                                            \
    static onnxc_status *name(const oc_run_ctx *ctx, const int64_t *u,         \
                              size_t unpooled)                                 \
    {                                                                          \
        const T *x = ctx->in[0]->data;                                         \
        const int64_t *ind = ctx->in[1]->data;                                 \
        oc_tensor *yt = ctx->out[0];                                           \
        T *y = yt->data;                                                       \
        size_t n = oc_tensor_count(ctx->in[0]);                                \
        memset(y, 0, oc_tensor_count(yt) * sizeof *y);                         \
        for (size_t i = 0; i < n; i++) {                                       \
            if (ind[i] < 0 || (uint64_t)ind[i] >= unpooled)                    \
                return oc_run_error(ctx,                                       \
                                    "I[%zu] is %lld; the unpooled tensor has " \
                                    "%zu elements (indices 0 to %zu)",         \
                                    i, (long long)ind[i], unpooled,            \
                                    unpooled - 1);                             \
            y[place(ind[i], u, yt->dims, yt->rank)] = x[i];                    \
        }                                                                      \
        return NULL;                                                           \
    }

MAX_UNPOOL_SCATTER(scatter_float, float)
MAX_UNPOOL_SCATTER(scatter_double, double)

/* The unpooled shape at X's dims (infer accepted it), then the scatter. */
static onnxc_status *max_unpool_run(const oc_run_ctx *ctx)
{
    const oc_tensor *x = ctx->in[0];
    oc_shape xs, us;
    int64_t u[ONNXC_MAX_RANK];
    size_t unpooled = 1;
    xs.rank = x->rank;
    for (int d = 0; d < x->rank; d++)
        xs.dims[d] = dim_known(x->dims[d]);
    onnxc_status *err = unpooled_shape(ctx->node, ctx->params, &xs, &us);
    if (err || oc_tensor_count(x) == 0)
        return err;
    for (int d = 0; d < x->rank; d++)
        unpooled *= (size_t)(u[d] = us.dims[d].value);
    return x->dtype == ONNXC_FLOAT ? scatter_float(ctx, u, unpooled)
                                   : scatter_double(ctx, u, unpooled);
}

static const int max_unpool_versions[] = {9, 11, 0};

const oc_op oc_op_max_unpool = {
    .domain = "",
    .op_type = "MaxUnpool",
    .versions = max_unpool_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 3,
    .min_outputs = 1, .max_outputs = 1,
    .value_inputs = 1u << 2,
    .types = "float, double",
    .prepare = max_unpool_prepare,
    .infer = max_unpool_infer,
    .run = max_unpool_run,
};
