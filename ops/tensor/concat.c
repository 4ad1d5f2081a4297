/*
 * concat.c - Concat: any number of tensors joined along `axis` (versions
 * 1, 4, 11, 13). Every input has the rank and dims of the first except
 * along the axis. axis defaults to 1 in version 1 and is required from
 * 4; negative from 11. Joining dims vectors (Shape's outputs and
 * constants) keeps their symbols at load.
 */
#include <string.h>

#include "ops/common/dims_value.h"
#include "ops/common/op_util.h"

typedef struct concat_params {
    int64_t axis;
} concat_params;

static onnxc_status *concat_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    static const char *const attrs[] = {"axis", NULL};
    char desc[300];
    onnxc_status *err;
    concat_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(node, attrs)) ||
        (err = oc_attr_int(node, "axis", 1, &p->axis)))
        return err;
    if (node->op_version >= 4 && !oc_node_attr(node, "axis"))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: attribute 'axis' is required",
                        oc_node_desc(node, desc, sizeof desc));
    *params = p;
    return NULL;
}

/* Whether shapes a and b (ranks known) cannot both be inputs of a Concat
 * along axis: their ranks differ, or a dim off the axis does. */
static bool shapes_conflict(const oc_shape *a, const oc_shape *b, int axis)
{
    if (a->rank != b->rank)
        return true;
    for (int d = 0; d < a->rank; d++)
        if (d != axis && !oc_dim_compatible(a->dims[d], b->dims[d]))
            return true;
    return false;
}

/* The joined elements of 1-D dims vectors. An input that is not one but
 * has a known length gives that many unknown dims: [batch * 3] joined to
 * [4] is [?, 4], and a Reshape to it still knows its last dim. */
static void concat_dims(const oc_infer_ctx *ctx, oc_type *y)
{
    oc_dim dims[ONNXC_MAX_RANK], part[ONNXC_MAX_RANK];
    int count = 0, n, known = 0;
    for (int k = 0; k < ctx->n_in; k++) {
        const oc_shape *s = &ctx->in[k]->shape;
        if (s->rank != 1)
            return;
        if (oc_type_as_dims(ctx->in[k], part, &n)) {
            known++;
        } else if (dim_is_known(s->dims[0]) && s->dims[0].value <= ONNXC_MAX_RANK) {
            n = (int)s->dims[0].value;
            for (int i = 0; i < n; i++)
                part[i] = dim_unknown();
        } else {
            return;
        }
        if (n > ONNXC_MAX_RANK - count)
            return;
        memcpy(dims + count, part, (size_t)n * sizeof *part);
        count += n;
    }
    if (known)
        oc_type_set_dims(y, dims, count);
}

static onnxc_status *concat_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const concat_params *p = ctx->params;
    const oc_type *first = ctx->in[0];
    oc_type *y = ctx->out[0];
    char desc[300], s1[128], s2[128];
    onnxc_status *err;
    int axis, rank = -1, bad = 0;
    for (int k = 0; k < ctx->n_in; k++) {
        const oc_type *t = ctx->in[k];
        if (!t)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "%s: input %d is omitted",
                            oc_node_desc(node, desc, sizeof desc), k);
        if (t->dtype != first->dtype || !oc_dtype_has_size(t->dtype))
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "%s: input %d is %s; every input must have the "
                            "first one's type (%s)",
                            oc_node_desc(node, desc, sizeof desc), k,
                            onnxc_dtype_name(t->dtype),
                            onnxc_dtype_name(first->dtype));
        if (node->op_version < 4 && t->dtype != ONNXC_FLOAT &&
            t->dtype != ONNXC_DOUBLE && t->dtype != ONNXC_FLOAT16)
            return oc_bad_dtype(node, "inputs", t->dtype,
                                "float16, float, double (all types from 4)");
        if (rank < 0)
            rank = t->shape.rank;
    }
    y->dtype = first->dtype;
    y->shape.rank = rank;
    if (rank < 0)
        return NULL;
    if (rank == 0)
        return oc_error(ONNXC_ERR_SHAPE, "%s: inputs must have rank >= 1",
                        oc_node_desc(node, desc, sizeof desc));
    if ((err = oc_axis(node, p->axis, rank, false, &axis)))
        return err;
    int64_t total = 0;
    bool total_known = true;
    for (int d = 0; d < rank; d++)
        y->shape.dims[d] = dim_unknown();
    for (int k = 0; k < ctx->n_in; k++) {
        const oc_shape *s = &ctx->in[k]->shape;
        if (s->rank < 0)
            continue;
        bad = k;
        if (s->rank != rank)
            goto mismatch;
        for (int d = 0; d < rank; d++) {
            oc_dim a = s->dims[d];
            if (d == axis) {
                total_known = total_known && dim_is_known(a);
                if (dim_is_known(a) && a.value > INT64_MAX - total)
                    return oc_error(ONNXC_ERR_SHAPE, "%s: the joined axis "
                                    "overflows",
                                    oc_node_desc(node, desc, sizeof desc));
                total += dim_is_known(a) ? a.value : 0;
                continue;
            }
            oc_dim *o = &y->shape.dims[d];
            if (!oc_dim_compatible(*o, a) && o->sym != OC_SYM_UNKNOWN)
                goto mismatch;
            if (o->sym == OC_SYM_UNKNOWN || dim_is_known(a))
                *o = a;
        }
    }
    y->shape.dims[axis] = total_known ? dim_known(total) : dim_unknown();
    concat_dims(ctx, y);
    return NULL;
mismatch:
    /* Name the input that disagrees and an earlier one it disagrees with:
     * naming input 0 and the first other input with a known rank, as this
     * did, named two inputs that agree when a third was the bad one. */
    for (int j = 0; j < bad; j++) {
        const oc_shape *a = &ctx->in[j]->shape, *b = &ctx->in[bad]->shape;
        if (a->rank >= 0 && shapes_conflict(a, b, axis))
            return oc_error(ONNXC_ERR_SHAPE,
                            "%s: inputs %d and %d of shapes %s and %s differ "
                            "off axis %lld",
                            oc_node_desc(node, desc, sizeof desc), j, bad,
                            oc_shape_format(a, NULL, s1, sizeof s1),
                            oc_shape_format(b, NULL, s2, sizeof s2),
                            (long long)p->axis);
    }
    return oc_error(ONNXC_ERR_SHAPE, "%s: input shapes differ",
                    oc_node_desc(node, desc, sizeof desc));
}

static onnxc_status *concat_run(const oc_run_ctx *ctx)
{
    const concat_params *p = ctx->params;
    const oc_tensor *y = ctx->out[0];
    int axis = (int)(p->axis < 0 ? p->axis + y->rank : p->axis);
    size_t outer = 1, inner = onnxc_dtype_size(y->dtype);
    for (int d = 0; d < axis; d++)
        outer *= (size_t)y->dims[d];
    for (int d = axis + 1; d < y->rank; d++)
        inner *= (size_t)y->dims[d];
    size_t row = (size_t)y->dims[axis] * inner, at = 0;
    unsigned char *dst = y->data;
    for (int k = 0; k < ctx->n_in; k++) {
        const oc_tensor *x = ctx->in[k];
        size_t part = (size_t)x->dims[axis] * inner;
        const unsigned char *src = x->data;
        for (size_t o = 0; o < outer && part; o++)
            memcpy(dst + o * row + at, src + o * part, part);
        at += part;
    }
    return NULL;
}

static const int concat_versions[] = {1, 4, 11, 13, 0};

const oc_op oc_op_concat = {
    .domain = "",
    .op_type = "Concat",
    .versions = concat_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = OC_VARIADIC,
    .min_outputs = 1, .max_outputs = 1,
    .types = "all numeric types, bool",
    .prepare = concat_prepare,
    .infer = concat_infer,
    .run = concat_run,
};
