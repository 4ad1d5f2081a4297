/*
 * transpose.c - Transpose: the dims of x permuted by `perm` (versions 1,
 * 13, 21; the last dims first when perm is absent). Any element type
 * with a size; the data moves through the strided copy.
 */
#include "ops/common/op_util.h"
#include "ops/common/strided.h"

typedef struct transpose_params {
    int count;                    /* -1: reverse the dims */
    int perm[ONNXC_MAX_RANK];
} transpose_params;

static onnxc_status *transpose_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    static const char *const attrs[] = {"perm", NULL};
    char desc[300];
    const int64_t *perm;
    size_t count;
    onnxc_status *err;
    transpose_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(node, attrs)) ||
        (err = oc_attr_ints(node, "perm", &perm, &count)))
        return err;
    p->count = oc_node_attr(node, "perm") ? (int)count : -1;
    if (count > ONNXC_MAX_RANK)
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "%s: perm has %zu entries; onnxc holds rank %d at most",
                        oc_node_desc(node, desc, sizeof desc), count,
                        ONNXC_MAX_RANK);
    unsigned seen = 0;
    for (size_t i = 0; i < count; i++) {
        if (perm[i] < 0 || perm[i] >= (int64_t)count || (seen >> perm[i] & 1))
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "%s: perm is not a permutation of 0..%zu (entry "
                            "%zu is %lld)",
                            oc_node_desc(node, desc, sizeof desc), count - 1,
                            i, (long long)perm[i]);
        seen |= 1u << perm[i];
        p->perm[i] = (int)perm[i];
    }
    *params = p;
    return NULL;
}

/* The permutation for rank: perm, or the dims reversed. */
static void permutation(const transpose_params *p, int rank, int *perm)
{
    for (int d = 0; d < rank; d++)
        perm[d] = p->count < 0 ? rank - 1 - d : p->perm[d];
}

static onnxc_status *transpose_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const transpose_params *p = ctx->params;
    const oc_type *x = ctx->in[0];
    oc_type *y = ctx->out[0];
    char desc[300];
    int perm[ONNXC_MAX_RANK];
    if (!oc_dtype_has_size(x->dtype))
        return oc_bad_dtype(node, "data", x->dtype, "numeric and bool tensors");
    y->dtype = x->dtype;
    y->shape.rank = x->shape.rank;
    if (x->shape.rank < 0)
        return NULL;
    if (p->count >= 0 && p->count != x->shape.rank)
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: perm has %d entries but data has rank %d",
                        oc_node_desc(node, desc, sizeof desc), p->count,
                        x->shape.rank);
    permutation(p, x->shape.rank, perm);
    for (int d = 0; d < x->shape.rank; d++)
        y->shape.dims[d] = x->shape.dims[perm[d]];
    return NULL;
}

static onnxc_status *transpose_run(const oc_run_ctx *ctx)
{
    const oc_tensor *x = ctx->in[0];
    oc_tensor *y = ctx->out[0];
    int perm[ONNXC_MAX_RANK];
    int64_t in_strides[ONNXC_MAX_RANK], strides[ONNXC_MAX_RANK];
    permutation(ctx->params, x->rank, perm);
    oc_contiguous_strides(x->dims, x->rank, in_strides);
    for (int d = 0; d < x->rank; d++)
        strides[d] = in_strides[perm[d]];
    oc_strided_copy(y->data, x->data, onnxc_dtype_size(x->dtype), y->rank,
                    y->dims, strides);
    return NULL;
}

static const int transpose_versions[] = {1, 13, 21, 0};

const oc_op oc_op_transpose = {
    .domain = "",
    .op_type = "Transpose",
    .versions = transpose_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .types = "all numeric types, bool",
    .prepare = transpose_prepare,
    .infer = transpose_infer,
    .run = transpose_run,
};
