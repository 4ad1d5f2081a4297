/*
 * non_zero.c - NonZero: the indices of x's nonzero elements, one column
 * per element in row-major order: [rank(x), count] int64 (versions 9,
 * 13). A scalar reads as a 1-D tensor of one element, as NumPy does.
 * The count is known only from x's contents: the node is data-dependent
 * (op.h), planned at the largest count, every element of x.
 */
#include <string.h>

#include "runtime/core/status.h"
#include "ops/common/op_util.h"

static onnxc_status *non_zero_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const none[] = {NULL};
    *params = NULL;
    return oc_check_attrs(ctx->node, none);
}

/* Whether element i (of esize bytes, type t) is nonzero: floats compare
 * (-0 is zero, NaN is not), the rest test their bytes. */
static bool nonzero_at(const void *data, onnxc_dtype t, size_t esize, size_t i)
{
    const unsigned char *p = (const unsigned char *)data + i * esize;
    if (t == ONNXC_FLOAT) {
        float f;
        memcpy(&f, p, sizeof f);
        return f != 0;
    }
    if (t == ONNXC_DOUBLE) {
        double d;
        memcpy(&d, p, sizeof d);
        return d != 0;
    }
    if (t == ONNXC_FLOAT16 || t == ONNXC_BFLOAT16) {
        uint16_t h;
        memcpy(&h, p, sizeof h);
        return (h & 0x7fff) != 0;
    }
    for (size_t b = 0; b < esize; b++)
        if (p[b])
            return true;
    return false;
}

static size_t count_nonzero(const void *data, onnxc_dtype t, size_t n)
{
    size_t esize = onnxc_dtype_size(t), count = 0;
    for (size_t i = 0; i < n; i++)
        count += nonzero_at(data, t, esize, i);
    return count;
}

static onnxc_status *non_zero_infer(const oc_infer_ctx *ctx)
{
    const oc_type *x = ctx->in[0];
    oc_type *y = ctx->out[0];
    if (!oc_dtype_has_size(x->dtype) || x->dtype == ONNXC_COMPLEX64 ||
        x->dtype == ONNXC_COMPLEX128)
        return oc_bad_dtype(ctx->node, "X", x->dtype, OC_DATA_TYPES);
    y->dtype = ONNXC_INT64;
    y->shape.rank = 2;
    y->shape.dims[0] = x->shape.rank < 0 ? dim_unknown()
                                         : dim_known(x->shape.rank ? x->shape.rank : 1);
    y->shape.dims[1] = dim_unknown();
    oc_dim count;
    if (x->shape.rank < 0 || !oc_shape_product(&x->shape, 0, x->shape.rank, &count) ||
        !dim_is_known(count))
        return NULL;
    /* the count when x is known, else (planning) the most it can be; at
     * load, unknown */
    if (x->data)
        y->shape.dims[1] = dim_known(
            (int64_t)count_nonzero(x->data, x->dtype, (size_t)count.value));
    else if (ctx->concrete)
        y->shape.dims[1] = count;
    return NULL;
}

static onnxc_status *non_zero_run(const oc_run_ctx *ctx)
{
    const oc_tensor *x = ctx->in[0];
    oc_tensor *y = ctx->out[0];
    int rank = x->rank ? x->rank : 1;
    size_t n = oc_tensor_count(x), esize = onnxc_dtype_size(x->dtype);
    size_t count = count_nonzero(x->data, x->dtype, n), at = 0;
    int64_t idx[ONNXC_MAX_RANK] = {0}, *out = y->data;
    y->rank = 2;
    y->dims[0] = rank;
    y->dims[1] = (int64_t)count;
    for (size_t i = 0; i < n; i++) {
        if (nonzero_at(x->data, x->dtype, esize, i)) {
            for (int d = 0; d < rank; d++)
                out[(size_t)d * count + at] = idx[d];
            at++;
        }
        for (int d = x->rank - 1; d >= 0 && ++idx[d] == x->dims[d]; d--)
            idx[d] = 0;
    }
    return NULL;
}

static const int non_zero_versions[] = {9, 13, 0};

const oc_op oc_op_non_zero = {
    .domain = "",
    .op_type = "NonZero",
    .versions = non_zero_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .data_dependent = true,
    .types = OC_DATA_TYPES,
    .prepare = non_zero_prepare,
    .infer = non_zero_infer,
    .run = non_zero_run,
};
