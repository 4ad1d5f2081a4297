/*
 * split.c - Split: x cut along `axis` into the node's outputs (versions
 * 1, 2, 11, 13, 18). The sizes come from `split`: an attribute (1, 2,
 * 11) or an int64 input whose contents the plan knows (1 and 13 on);
 * without it the dim is cut into equal parts, one per output, which must
 * divide it before 18; from 18, attribute num_outputs cuts into parts of
 * ceil(dim / n), the last one smaller. Negative axis from 11.
 */
#include <string.h>

#include "runtime/core/status.h"
#include "ops/common/dims_value.h"
#include "ops/common/op_util.h"

typedef struct split_params {
    int64_t axis;
    int64_t num_outputs;        /* 0: not given */
    const int64_t *split;       /* the attribute, or NULL */
    size_t n_split;
} split_params;

static onnxc_status *split_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    static const char *const v1_attrs[] = {"axis", "split", NULL};
    static const char *const v13_attrs[] = {"axis", NULL};
    static const char *const v18_attrs[] = {"axis", "num_outputs", NULL};
    char desc[300];
    onnxc_status *err;
    split_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    int v = node->op_version;
    if ((err = oc_check_attrs(node, v < 13 ? v1_attrs : v < 18 ? v13_attrs
                                                               : v18_attrs)) ||
        (err = oc_attr_int(node, "axis", 0, &p->axis)) ||
        (err = oc_attr_ints(node, "split", &p->split, &p->n_split)) ||
        (err = oc_attr_int(node, "num_outputs", 0, &p->num_outputs)))
        return err;
    if (!oc_node_attr(node, "split"))
        p->split = NULL;
    bool split_input = node->n_inputs > 1 && node->input_names[1][0];
    if (oc_node_attr(node, "num_outputs") &&
        (split_input || p->num_outputs != node->n_outputs))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: num_outputs is %lld with %d outputs%s",
                        oc_node_desc(node, desc, sizeof desc),
                        (long long)p->num_outputs, node->n_outputs,
                        split_input ? " and a split input" : "");
    if (p->split && p->n_split != (size_t)node->n_outputs)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: split has %zu entries for %d outputs",
                        oc_node_desc(node, desc, sizeof desc), p->n_split,
                        node->n_outputs);
    *params = p;
    return NULL;
}

/* The size of part k of n_out along a dim of `dim`: from the split list
 * (the input's contents, or the attribute), or equal parts. */
static int64_t part_at(const split_params *p, const int64_t *split,
                       int64_t dim, int n_out, int k)
{
    if (split || p->split)
        return split ? split[k] : p->split[k];
    int64_t each = dim / n_out + (dim % n_out != 0);
    int64_t before = each * k;   /* <= dim + each: no overflow */
    return before >= dim ? 0 : dim - before < each ? dim - before : each;
}

/* Checks that the parts add up to dim (and divide it equally before 18
 * when no sizes are given). */
static onnxc_status *check_parts(const oc_node *node, const split_params *p,
                                 const int64_t *split, int64_t n_split,
                                 int64_t dim, int n_out)
{
    char desc[300];
    if (split && n_split != n_out)
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: split has %lld entries for %d outputs",
                        oc_node_desc(node, desc, sizeof desc),
                        (long long)n_split, n_out);
    if (!split && !p->split) {
        if (!p->num_outputs && dim % n_out)
            return oc_error(ONNXC_ERR_SHAPE,
                            "%s: an axis of %lld does not split into %d equal "
                            "parts",
                            oc_node_desc(node, desc, sizeof desc),
                            (long long)dim, n_out);
        return NULL;
    }
    int64_t total = 0;
    for (int k = 0; k < n_out; k++) {
        int64_t size = part_at(p, split, dim, n_out, k);
        if (size < 0 || size > INT64_MAX - total)
            return oc_error(ONNXC_ERR_SHAPE, "%s: split[%d] is %lld",
                            oc_node_desc(node, desc, sizeof desc), k,
                            (long long)size);
        total += size;
    }
    if (total != dim)
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: split adds up to %lld but the axis has %lld",
                        oc_node_desc(node, desc, sizeof desc),
                        (long long)total, (long long)dim);
    return NULL;
}

static onnxc_status *split_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const split_params *p = ctx->params;
    const oc_type *x = ctx->in[0];
    const oc_type *s = ctx->n_in > 1 ? ctx->in[1] : NULL;
    char desc[300];
    onnxc_status *err;
    int axis;
    if (!oc_dtype_has_size(x->dtype))
        return oc_bad_dtype(node, "input", x->dtype, OC_DATA_TYPES);
    if (s && s->dtype != ONNXC_INT64)
        return oc_bad_dtype(node, "split", s->dtype, "int64");
    if (s && s->shape.rank != 1)
        return oc_error(ONNXC_ERR_SHAPE, "%s: split must be 1-D, got rank %d",
                        oc_node_desc(node, desc, sizeof desc), s->shape.rank);
    for (int k = 0; k < ctx->n_out; k++) {
        ctx->out[k]->dtype = x->dtype;
        ctx->out[k]->shape = x->shape;
    }
    if (x->shape.rank < 0)
        return NULL;
    if ((err = oc_axis(node, p->axis, x->shape.rank, false, &axis)))
        return err;
    oc_dim dim = x->shape.dims[axis];
    const int64_t *split = s ? s->data : NULL;
    if (!dim_is_known(dim) || (s && !split)) {
        for (int k = 0; k < ctx->n_out; k++)
            ctx->out[k]->shape.dims[axis] = dim_unknown();
        return NULL;
    }
    if ((err = check_parts(node, p, split, s ? s->shape.dims[0].value : 0,
                           dim.value, ctx->n_out)))
        return err;
    for (int k = 0; k < ctx->n_out; k++)
        ctx->out[k]->shape.dims[axis] =
            dim_known(part_at(p, split, dim.value, ctx->n_out, k));
    return NULL;
}

static onnxc_status *split_run(const oc_run_ctx *ctx)
{
    const split_params *p = ctx->params;
    const oc_tensor *x = ctx->in[0];
    const int64_t *split = ctx->n_in > 1 && ctx->in[1] ? ctx->in[1]->data : NULL;
    int axis = (int)(p->axis < 0 ? p->axis + x->rank : p->axis);
    size_t outer = 1, inner = onnxc_dtype_size(x->dtype);
    for (int d = 0; d < axis; d++)
        outer *= (size_t)x->dims[d];
    for (int d = axis + 1; d < x->rank; d++)
        inner *= (size_t)x->dims[d];
    size_t row = (size_t)x->dims[axis] * inner, at = 0;
    const unsigned char *src = x->data;
    for (int k = 0; k < ctx->n_out; k++) {
        /* an output the model leaves out still takes its part of x */
        size_t part = (size_t)part_at(p, split, x->dims[axis], ctx->n_out, k) *
                      inner;
        unsigned char *dst = ctx->out[k] ? ctx->out[k]->data : NULL;
        for (size_t o = 0; dst && o < outer && part; o++)
            memcpy(dst + o * part, src + o * row + at, part);
        at += part;
    }
    return NULL;
}

static const int split_versions[] = {1, 2, 11, 13, 18, 0};

const oc_op oc_op_split = {
    .domain = "",
    .op_type = "Split",
    .versions = split_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = OC_VARIADIC,
    .value_inputs = 1u << 1,
    .types = OC_DATA_TYPES,
    .prepare = split_prepare,
    .infer = split_infer,
    .run = split_run,
};
