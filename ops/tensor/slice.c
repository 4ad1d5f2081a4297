/*
 * slice.c - Slice: x[start:end:step] along some axes (versions 1, 10,
 * 11, 13). Version 1 takes starts, ends and axes as attributes; from 10
 * they are int32/int64 inputs (with steps), whose contents the plan
 * knows; negative axes from 11. Per the spec, a negative start or end
 * counts from the end of its dim, then both are clamped: to [0, dim] for
 * a positive step, to [-1, dim-1] for a negative one (which walks
 * backwards; INT64_MIN as end means "past the first"). A step of 0 is an
 * error.
 *
 * A slice of a dims vector (Shape's output) keeps its symbols; a slice
 * of a symbolic dim from 0 to the end keeps the symbol.
 */
#include "runtime/core/status.h"
#include "ops/common/dims_value.h"
#include "ops/common/op_util.h"
#include "ops/common/strided.h"

/* The slice of each axis of x: where it starts, its step and length. */
typedef struct slice_span {
    int64_t start[ONNXC_MAX_RANK], step[ONNXC_MAX_RANK], count[ONNXC_MAX_RANK];
} slice_span;

/* The slice's arguments: n entries of starts, ends, axes and steps. */
typedef struct slice_args {
    int n;
    bool has_axes, has_steps;
    int64_t starts[ONNXC_MAX_RANK], ends[ONNXC_MAX_RANK];
    int64_t axes[ONNXC_MAX_RANK], steps[ONNXC_MAX_RANK];
} slice_args;

static onnxc_status *slice_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    static const char *const v1_attrs[] = {"starts", "ends", "axes", NULL};
    static const char *const v10_attrs[] = {NULL};
    char desc[300];
    onnxc_status *err;
    slice_args *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    *params = p;
    if (node->op_version >= 10 &&
        (node->n_inputs < 3 || !node->input_names[1][0] ||
         !node->input_names[2][0]))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: inputs starts and ends are required",
                        oc_node_desc(node, desc, sizeof desc));
    if (node->op_version >= 10)
        return oc_check_attrs(node, v10_attrs);
    const int64_t *starts, *ends, *axes;
    size_t n_starts, n_ends, n_axes;
    if ((err = oc_check_attrs(node, v1_attrs)) ||
        (err = oc_attr_ints(node, "starts", &starts, &n_starts)) ||
        (err = oc_attr_ints(node, "ends", &ends, &n_ends)) ||
        (err = oc_attr_ints(node, "axes", &axes, &n_axes)))
        return err;
    p->has_axes = oc_node_attr(node, "axes") != NULL;
    if (!oc_node_attr(node, "starts") || !oc_node_attr(node, "ends") ||
        n_starts != n_ends || (p->has_axes && n_axes != n_starts))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: starts, ends (and axes) must be given with one "
                        "length (%zu, %zu, %zu)",
                        oc_node_desc(node, desc, sizeof desc), n_starts,
                        n_ends, n_axes);
    if (n_starts > ONNXC_MAX_RANK)
        return oc_error(ONNXC_ERR_UNSUPPORTED, "%s: %zu axes, above rank %d",
                        oc_node_desc(node, desc, sizeof desc), n_starts,
                        ONNXC_MAX_RANK);
    p->n = (int)n_starts;
    for (int i = 0; i < p->n; i++) {
        p->starts[i] = starts[i];
        p->ends[i] = ends[i];
        p->axes[i] = p->has_axes ? axes[i] : i;
    }
    return NULL;
}

/* The contents of input k (starts, ends, axes, steps) into list; false
 * when the input is omitted. */
static bool input_list(const void *data, onnxc_dtype dtype, int64_t count,
                       int n, int64_t *list)
{
    return data && count == n && oc_int_list(data, dtype, count, n, list);
}

/* The clamped start and the length of one axis of size dim. */
static void span_of(int64_t start, int64_t end, int64_t step, int64_t dim,
                    int64_t *from, int64_t *count)
{
    if (start < 0)
        start += dim;
    if (end < 0)
        end += dim;
    if (step > 0) {
        start = start < 0 ? 0 : start > dim ? dim : start;
        end = end < 0 ? 0 : end > dim ? dim : end;
        *count = end > start ? (end - start - 1) / step + 1 : 0;
    } else {
        start = start < 0 ? 0 : start > dim - 1 ? dim - 1 : start;
        end = end < -1 ? -1 : end > dim - 1 ? dim - 1 : end;
        /* -step cannot overflow: step is never INT64_MIN here */
        *count = start > end ? (start - end - 1) / -step + 1 : 0;
    }
    *from = start;
}

/* Checks the arguments against rank and gives each axis its span; dims
 * unknown (< 0) give count -1. */
static onnxc_status *spans_of(const oc_node *node, const slice_args *a,
                              int rank, const int64_t *dims, slice_span *s)
{
    char desc[300];
    unsigned seen = 0;
    for (int d = 0; d < rank; d++) {
        s->start[d] = 0;
        s->step[d] = 1;
        s->count[d] = dims[d];
    }
    for (int i = 0; i < a->n; i++) {
        int64_t axis = a->has_axes ? a->axes[i] : i;
        int64_t step = a->has_steps ? a->steps[i] : 1;
        if (axis < 0)
            axis += rank;
        if (axis < 0 || axis >= rank || (seen >> axis & 1))
            return oc_error(ONNXC_ERR_SHAPE,
                            "%s: axis %lld is out of range for rank %d or "
                            "given twice",
                            oc_node_desc(node, desc, sizeof desc),
                            (long long)(a->has_axes ? a->axes[i] : i), rank);
        if (step == 0 || step == INT64_MIN)
            return oc_error(ONNXC_ERR_SHAPE, "%s: step %lld on axis %lld",
                            oc_node_desc(node, desc, sizeof desc),
                            (long long)step, (long long)axis);
        seen |= 1u << axis;
        s->step[axis] = step;
        if (dims[axis] < 0) {
            s->count[axis] = -1;
            /* [0:end] with a huge end keeps a symbolic dim whole */
            if (step == 1 && a->starts[i] == 0 && a->ends[i] >= INT32_MAX)
                s->count[axis] = -2;
            continue;
        }
        span_of(a->starts[i], a->ends[i], step, dims[axis], &s->start[axis],
                &s->count[axis]);
    }
    return NULL;
}

/* The arguments from the inputs' contents (versions 10+): false when the
 * contents are not known yet. */
static onnxc_status *args_of(const oc_node *node, const slice_args *fixed,
                             const void *const *data, const onnxc_dtype *types,
                             const int64_t *counts, int n_in, slice_args *a,
                             bool *known)
{
    char desc[300];
    *a = *fixed;
    *known = true;
    if (node->op_version < 10)
        return NULL;
    if (!data[1] || !data[2] || (n_in > 3 && types[3] && !data[3]) ||
        (n_in > 4 && types[4] && !data[4])) {
        *known = false;
        return NULL;
    }
    int64_t n = counts[1];
    a->n = (int)(n > ONNXC_MAX_RANK ? 0 : n);
    a->has_axes = n_in > 3 && data[3];
    a->has_steps = n_in > 4 && data[4];
    if (n > ONNXC_MAX_RANK || counts[2] != n ||
        !input_list(data[1], types[1], n, a->n, a->starts) ||
        !input_list(data[2], types[2], counts[2], a->n, a->ends) ||
        (a->has_axes && !input_list(data[3], types[3], counts[3], a->n, a->axes)) ||
        (a->has_steps && !input_list(data[4], types[4], counts[4], a->n, a->steps)))
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: starts, ends, axes and steps must be 1-D with one "
                        "length (at most %d); starts has %lld",
                        oc_node_desc(node, desc, sizeof desc), ONNXC_MAX_RANK,
                        (long long)n);
    return NULL;
}

static onnxc_status *slice_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const oc_type *x = ctx->in[0];
    oc_type *y = ctx->out[0];
    const void *data[5] = {0};
    onnxc_dtype types[5] = {0};
    int64_t counts[5] = {0}, dims[ONNXC_MAX_RANK];
    slice_args a;
    slice_span s;
    bool known;
    onnxc_status *err;
    if (!oc_dtype_has_size(x->dtype))
        return oc_bad_dtype(node, "data", x->dtype, OC_DATA_TYPES);
    for (int k = 1; k < ctx->n_in && k < 5; k++) {
        const oc_type *t = ctx->in[k];
        if (!t)
            continue;
        if (t->dtype != ONNXC_INT32 && t->dtype != ONNXC_INT64)
            return oc_bad_dtype(node, k == 1 ? "starts" : k == 2 ? "ends"
                                      : k == 3 ? "axes" : "steps",
                                t->dtype, "int32, int64");
        if (t->dtype != ctx->in[1]->dtype)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "node '%s' (%s): starts, ends, axes and steps "
                            "must have one type",
                            node->label, node->op_type);
        types[k] = t->dtype;
        data[k] = t->data;
        counts[k] = t->shape.rank == 1 && dim_is_known(t->shape.dims[0])
                        ? t->shape.dims[0].value
                        : t->shape.rank == 0 ? 1 : -1;
    }
    y->dtype = x->dtype;
    y->shape.rank = x->shape.rank;
    if (x->shape.rank < 0)
        return NULL;
    if ((err = args_of(node, ctx->params, data, types, counts, ctx->n_in, &a,
                       &known)))
        return err;
    for (int d = 0; d < x->shape.rank; d++) {
        y->shape.dims[d] = dim_unknown();
        dims[d] = dim_is_known(x->shape.dims[d]) ? x->shape.dims[d].value : -1;
    }
    if (!known)
        return NULL;
    if ((err = spans_of(node, &a, x->shape.rank, dims, &s)))
        return err;
    for (int d = 0; d < x->shape.rank; d++)
        y->shape.dims[d] = s.count[d] >= 0    ? dim_known(s.count[d])
                           : s.count[d] == -2 ? x->shape.dims[d]
                                              : dim_unknown();
    oc_dim in_dims[ONNXC_MAX_RANK], out_dims[ONNXC_MAX_RANK];
    int n;
    if (x->shape.rank == 1 && s.count[0] >= 0 &&
        oc_type_as_dims(x, in_dims, &n)) {
        for (int64_t i = 0; i < s.count[0]; i++)
            out_dims[i] = in_dims[s.start[0] + i * s.step[0]];
        oc_type_set_dims(y, out_dims, (int)s.count[0]);
    }
    return NULL;
}

static onnxc_status *slice_run(const oc_run_ctx *ctx)
{
    const oc_tensor *x = ctx->in[0];
    oc_tensor *y = ctx->out[0];
    const void *data[5] = {0};
    onnxc_dtype types[5] = {0};
    int64_t counts[5] = {0}, strides[ONNXC_MAX_RANK];
    slice_args a;
    slice_span s;
    bool known;
    for (int k = 1; k < ctx->n_in && k < 5; k++) {
        const oc_tensor *t = ctx->in[k];
        if (!t)
            continue;
        static const int64_t empty;
        types[k] = t->dtype;
        data[k] = t->data ? t->data : &empty;
        counts[k] = (int64_t)oc_tensor_count(t);
    }
    onnxc_status *err = args_of(ctx->node, ctx->params, data, types, counts,
                                ctx->n_in, &a, &known);
    if (!err)
        err = spans_of(ctx->node, &a, x->rank, x->dims, &s);
    if (err || !oc_tensor_count(y))
        return err;
    oc_contiguous_strides(x->dims, x->rank, strides);
    size_t esize = onnxc_dtype_size(x->dtype);
    const unsigned char *from = x->data;
    for (int d = 0; d < x->rank; d++) {
        from += (size_t)s.start[d] * (size_t)strides[d] * esize;
        strides[d] *= s.step[d];
    }
    oc_strided_copy(y->data, from, esize, y->rank, y->dims, strides);
    return NULL;
}

static const int slice_versions[] = {1, 10, 11, 13, 0};

const oc_op oc_op_slice = {
    .domain = "",
    .op_type = "Slice",
    .versions = slice_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 5,
    .min_outputs = 1, .max_outputs = 1,
    .value_inputs = 0xfu << 1,
    .types = OC_DATA_TYPES,
    .prepare = slice_prepare,
    .infer = slice_infer,
    .run = slice_run,
};
