/*
 * reshape.c - Reshape: x's data under a new shape (versions 1, 5, 13, 14,
 * 19, 21).
 *
 * Version 1 takes the shape as an attribute; from 5 it is the int64
 * input `shape`, whose contents the plan reads (an initializer, a
 * Constant, or a graph input; see value_inputs in ops.h). In the shape,
 * -1 (at most once) is inferred from the element count and 0 copies the
 * input's dim at that index, unless allowzero=1 (version 14) makes it a
 * literal 0. With a symbolic batch, [-1, 784] on [batch, 1, 28, 28]
 * gives [batch, 784] at load.
 */
#include <string.h>

#include "runtime/core/status.h"
#include "ops/common/dims_value.h"
#include "ops/common/op_util.h"

typedef struct reshape_params {
    bool allowzero;
    const int64_t *attr_shape;  /* version 1 */
    size_t attr_rank;
} reshape_params;

static onnxc_status *reshape_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    oc_pool *pool = ctx->pool;
    static const char *const v1_attrs[] = {"shape", "consumed_inputs", NULL};
    static const char *const v5_attrs[] = {NULL};
    static const char *const v14_attrs[] = {"allowzero", NULL};
    onnxc_status *err;
    int64_t allowzero;
    reshape_params *p = oc_pool_calloc(pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    const char *const *known = node->op_version < 5    ? v1_attrs
                               : node->op_version < 14 ? v5_attrs
                                                       : v14_attrs;
    if ((err = oc_check_attrs(node, known)) ||
        (err = oc_attr_int(node, "allowzero", 0, &allowzero)))
        return err;
    p->allowzero = allowzero != 0;
    if (node->op_version < 5) {
        const oc_attr *a = oc_node_attr(node, "shape");
        if (!a || a->type != OC_ATTR_INTS)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "node '%s' (Reshape-1): attribute 'shape' (ints) "
                            "is required",
                            node->label);
        p->attr_shape = a->ints;
        p->attr_rank = a->count;
    } else if (node->n_inputs < 2 || !node->input_names[1][0]) {
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (Reshape-%d): input 'shape' is required",
                        node->label, node->op_version);
    }
    *params = p;
    return NULL;
}

/* The requested shape: from the attribute or the shape input. Returns
 * false when only the run will know it (*rank is then its length, or -1). */
static onnxc_status *requested_shape(const oc_node *node, const reshape_params *p,
                                     const oc_type *const *in,
                                     const int64_t **shape, int *rank)
{
    size_t n;
    *shape = NULL;
    *rank = -1;
    if (node->op_version < 5) {
        *shape = p->attr_shape;
        n = p->attr_rank;
    } else {
        const oc_type *s = in[1];
        if (s->dtype != ONNXC_INT64)
            return oc_bad_dtype(node, "shape", s->dtype, "int64");
        if (s->shape.rank != 1)
            return oc_error(ONNXC_ERR_SHAPE,
                            "node '%s' (Reshape): shape must be 1-D, got "
                            "rank %d",
                            node->label, s->shape.rank);
        if (!dim_is_known(s->shape.dims[0]))
            return NULL;
        n = (size_t)s->shape.dims[0].value;
        *shape = s->data;
    }
    if (n > ONNXC_MAX_RANK)
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "node '%s' (Reshape): a shape of %zu dims is above "
                        "the supported rank %d",
                        node->label, n, ONNXC_MAX_RANK);
    *rank = (int)n;
    return NULL;
}

/* The product of s's known dims, and how many are symbolic (the last in
 * *sym). False on overflow. */
static bool split_product(const oc_shape *s, size_t *known, int *syms,
                          oc_dim *sym)
{
    *known = 1;
    *syms = 0;
    for (int d = 0; d < s->rank; d++) {
        oc_dim x = s->dims[d];
        if (!dim_is_known(x)) {
            (*syms)++;
            *sym = x;
        } else if (x.value < 0 || !oc_size_mul(*known, (size_t)x.value, known) ||
                   *known > INT64_MAX) {
            return false;
        }
    }
    return true;
}

/* out = shape with 0s copied from x and the -1 inferred, symbolically
 * where x has symbolic dims. */
static onnxc_status *resolve_shape(const oc_node *node, const reshape_params *p,
                                   const oc_shape *x, const oc_dim *shape,
                                   int rank, oc_shape *out)
{
    char s1[128], s2[160];
    int infer_at = -1;
    oc_shape rest = {.rank = 0};  /* the dims of out other than -1 */
    out->rank = rank;
    for (int d = 0; d < rank; d++) {
        int64_t v = shape[d].value;
        if (!dim_is_known(shape[d])) {
            /* a symbol computed inside the graph (Shape -> Gather) */
            out->dims[d] = shape[d];
            rest.dims[rest.rank++] = out->dims[d];
            continue;
        }
        if (v == -1) {
            if (infer_at >= 0)
                goto bad_shape;
            infer_at = d;
            continue;
        }
        if (v < -1)
            goto bad_shape;
        if (v == 0 && !p->allowzero) {
            if (x->rank < 0) {
                out->dims[d] = dim_unknown();
            } else if (d >= x->rank) {
                goto bad_shape;
            } else {
                out->dims[d] = x->dims[d];
            }
        } else {
            out->dims[d] = dim_known(v);
        }
        rest.dims[rest.rank++] = out->dims[d];
    }
    if (infer_at >= 0 && p->allowzero)
        for (int d = 0; d < rank; d++)
            if (dim_is_known(shape[d]) && shape[d].value == 0)
                goto bad_shape;  /* -1 next to a literal 0 is ambiguous */
    if (x->rank < 0) {
        if (infer_at >= 0)
            out->dims[infer_at] = dim_unknown();
        return NULL;
    }
    /* Cancel the symbols that pass through unchanged (copied by a 0). */
    oc_shape xs = *x, rs = rest;
    for (int i = 0; i < rs.rank; i++) {
        if (dim_is_known(rs.dims[i]) || rs.dims[i].sym == OC_SYM_UNKNOWN)
            continue;
        for (int j = 0; j < xs.rank; j++)
            if (!dim_is_known(xs.dims[j]) && xs.dims[j].sym == rs.dims[i].sym) {
                xs.dims[j] = rs.dims[i] = dim_known(1);
                break;
            }
    }
    size_t known_in, known_out;
    int syms_in, syms_out;
    oc_dim sym_in, sym_out;
    if (!split_product(&xs, &known_in, &syms_in, &sym_in) ||
        !split_product(&rs, &known_out, &syms_out, &sym_out))
        goto bad_shape;
    if (syms_in == 0 && syms_out == 0) {
        if (infer_at >= 0) {
            if (known_out == 0 || known_in % known_out)
                goto bad_shape;
            out->dims[infer_at] = dim_known((int64_t)(known_in / known_out));
        } else if (known_in != known_out) {
            goto bad_shape;
        }
    } else if (infer_at >= 0) {
        /* [batch, 1, 28, 28] as [-1, 784]: the -1 is the batch itself. */
        bool is_sym = syms_in == 1 && syms_out == 0 && known_in == known_out &&
                      sym_in.sym != OC_SYM_UNKNOWN;
        out->dims[infer_at] = is_sym ? sym_in : dim_unknown();
    }
    return NULL;
bad_shape:;
    oc_shape req = {.rank = rank};
    for (int d = 0; d < rank; d++)
        req.dims[d] = shape[d];
    return oc_error(ONNXC_ERR_SHAPE,
                    "node '%s' (Reshape): cannot reshape %s to %s%s",
                    node->label, oc_shape_format(x, NULL, s1, sizeof s1),
                    oc_shape_format(&req, NULL, s2, sizeof s2),
                    p->allowzero ? " (allowzero=1)" : "");
}

static onnxc_status *reshape_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const void *params = ctx->params;
    const oc_type *const *in = ctx->in;
    oc_type *const *out = ctx->out;
    const reshape_params *p = params;
    const int64_t *shape;
    int rank;
    onnxc_status *err;
    if (!oc_dtype_has_size(in[0]->dtype))
        return oc_bad_dtype(node, "data", in[0]->dtype,
                            "numeric and bool tensors");
    onnxc_dtype t = in[0]->dtype;
    if (node->op_version < 5 && t != ONNXC_FLOAT && t != ONNXC_DOUBLE &&
        t != ONNXC_FLOAT16)
        return oc_bad_dtype(node, "data", t,
                            "float16, float, double (all types from 5)");
    out[0]->dtype = in[0]->dtype;
    if ((err = requested_shape(node, p, in, &shape, &rank)))
        return err;
    oc_dim dims[ONNXC_MAX_RANK];
    int n;
    if (shape) {
        for (int d = 0; d < rank; d++)
            dims[d] = dim_known(shape[d]);
    } else if (node->op_version >= 5 && oc_type_as_dims(in[1], dims, &n) &&
               n == rank) {
        /* computed inside the graph; its symbols are known at load */
    } else {
        /* known when the plan is made */
        out[0]->shape.rank = rank;
        for (int d = 0; d < rank; d++)
            out[0]->shape.dims[d] = dim_unknown();
        return NULL;
    }
    return resolve_shape(node, p, &in[0]->shape, dims, rank, &out[0]->shape);
}

static const int reshape_versions[] = {1, 5, 13, 14, 19, 21, 0};

const oc_op oc_op_reshape = {
    .domain = "",
    .op_type = "Reshape",
    .versions = reshape_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .value_inputs = 1u << 1,
    .types = "all numeric types, bool",
    .prepare = reshape_prepare,
    .infer = reshape_infer,
    .run = oc_run_copy,
};
