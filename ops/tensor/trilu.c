/*
 * trilu.c - Trilu: the upper (default) or lower triangle of the last two
 * dims of x, the rest zero (version 14). The optional int64 scalar k
 * moves the diagonal: kept are the elements with col - row >= k (upper)
 * or <= k (lower). Any type with a size; zero is the all-zero bytes.
 */
#include <string.h>

#include "runtime/core/status.h"
#include "ops/common/op_util.h"

static onnxc_status *trilu_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const attrs[] = {"upper", NULL};
    onnxc_status *err;
    int64_t *upper = oc_pool_calloc(ctx->pool, 1, sizeof *upper);
    if (!upper)
        return oc_no_memory();
    if ((err = oc_check_attrs(ctx->node, attrs)) ||
        (err = oc_attr_int(ctx->node, "upper", 1, upper)))
        return err;
    *params = upper;
    return NULL;
}

static onnxc_status *trilu_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const oc_type *x = ctx->in[0], *k = ctx->n_in > 1 ? ctx->in[1] : NULL;
    char desc[300];
    if (!oc_dtype_has_size(x->dtype))
        return oc_bad_dtype(node, "input", x->dtype, OC_DATA_TYPES);
    if (x->shape.rank >= 0 && x->shape.rank < 2)
        return oc_error(ONNXC_ERR_SHAPE, "%s: input must have rank >= 2, got %d",
                        oc_node_desc(node, desc, sizeof desc), x->shape.rank);
    if (k && k->dtype != ONNXC_INT64)
        return oc_bad_dtype(node, "k", k->dtype, "int64");
    if (k && k->shape.rank > 0 &&
        !(k->shape.rank == 1 && dim_is_known(k->shape.dims[0]) &&
          k->shape.dims[0].value == 1))
        return oc_error(ONNXC_ERR_SHAPE, "%s: k must be a scalar",
                        oc_node_desc(node, desc, sizeof desc));
    *ctx->out[0] = *x;
    ctx->out[0]->data = NULL;
    ctx->out[0]->has_sym = false;
    return NULL;
}

static onnxc_status *trilu_run(const oc_run_ctx *ctx)
{
    bool upper = *(const int64_t *)ctx->params != 0;
    const oc_tensor *x = ctx->in[0];
    const oc_tensor *kt = ctx->n_in > 1 ? ctx->in[1] : NULL;
    oc_tensor *y = ctx->out[0];
    int64_t k = kt ? *(const int64_t *)kt->data : 0;
    int64_t rows = x->dims[x->rank - 2], cols = x->dims[x->rank - 1];
    size_t esize = onnxc_dtype_size(x->dtype), total = oc_tensor_count(x);
    size_t plane = (size_t)rows * (size_t)cols;
    unsigned char *out = y->data;
    const unsigned char *in = x->data;
    if (!total)
        return NULL;
    /* clamp k to where it still matters, so k + r cannot overflow */
    k = k > cols ? cols : k < -rows ? -rows : k;
    for (size_t m = 0; m < total / plane; m++)
        for (int64_t r = 0; r < rows; r++) {
            /* kept columns: [r + k, cols) for upper, [0, r + k] for lower */
            int64_t a = upper ? r + k : 0;
            int64_t b = upper ? cols : r + k + 1;
            a = a < 0 ? 0 : a > cols ? cols : a;
            b = b < 0 ? 0 : b > cols ? cols : b;
            size_t row = (m * (size_t)rows + (size_t)r) * (size_t)cols;
            unsigned char *o = out + row * esize;
            const unsigned char *i = in + row * esize;
            if (b < a)
                b = a;
            memset(o, 0, (size_t)a * esize);
            if (o != i)
                memcpy(o + (size_t)a * esize, i + (size_t)a * esize,
                       (size_t)(b - a) * esize);
            memset(o + (size_t)b * esize, 0, (size_t)(cols - b) * esize);
        }
    return NULL;
}

static const int trilu_versions[] = {14, 0};

const oc_op oc_op_trilu = {
    .domain = "",
    .op_type = "Trilu",
    .versions = trilu_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = OC_DATA_TYPES,
    .prepare = trilu_prepare,
    .infer = trilu_infer,
    .run = trilu_run,
};
