/*
 * eye_like.c - EyeLike: a 2-D tensor of input's shape with ones on the
 * diagonal shifted by k (above it when k > 0) and zeros elsewhere
 * (version 9). Its type is attribute dtype, or the input's; only the
 * input's shape is read.
 */
#include <string.h>

#include "runtime/core/status.h"
#include "ops/common/convert.h"
#include "ops/common/op_util.h"

typedef struct eye_params {
    int64_t k;
    onnxc_dtype dtype;   /* 0: the input's */
} eye_params;

static onnxc_status *eye_like_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    static const char *const attrs[] = {"dtype", "k", NULL};
    char desc[300];
    int64_t dtype;
    onnxc_status *err;
    eye_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(node, attrs)) ||
        (err = oc_attr_int(node, "k", 0, &p->k)) ||
        (err = oc_attr_int(node, "dtype", 0, &dtype)))
        return err;
    if (dtype && (dtype < 0 || dtype > ONNXC_BFLOAT16 ||
                  !oc_convert_supports((onnxc_dtype)dtype)))
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "%s: dtype %lld is not a type onnxc makes",
                        oc_node_desc(node, desc, sizeof desc),
                        (long long)dtype);
    p->dtype = (onnxc_dtype)dtype;
    *params = p;
    return NULL;
}

static onnxc_status *eye_like_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const eye_params *p = ctx->params;
    const oc_type *x = ctx->in[0];
    oc_type *y = ctx->out[0];
    char desc[300];
    y->dtype = p->dtype ? p->dtype : x->dtype;
    y->shape = x->shape;
    if (!oc_convert_supports(y->dtype))
        return oc_bad_dtype(node, "output", y->dtype, "numeric types, bool");
    if (x->shape.rank >= 0 && x->shape.rank != 2)
        return oc_error(ONNXC_ERR_SHAPE, "%s: input must be 2-D, got rank %d",
                        oc_node_desc(node, desc, sizeof desc), x->shape.rank);
    return NULL;
}

static onnxc_status *eye_like_run(const oc_run_ctx *ctx)
{
    const eye_params *p = ctx->params;
    oc_tensor *y = ctx->out[0];
    size_t esize = onnxc_dtype_size(y->dtype);
    int64_t rows = y->dims[0], cols = y->dims[1];
    unsigned char one[16];
    const double unit = 1.0;
    oc_convert(&unit, ONNXC_DOUBLE, one, y->dtype, 1);
    unsigned char *out = y->data;
    if (rows && cols)
        memset(out, 0, (size_t)(rows * cols) * esize);
    for (int64_t r = 0; r < rows; r++) {
        /* k may be anything: compare before adding */
        if (p->k >= cols - r || p->k < -r)
            continue;
        memcpy(out + (size_t)(r * cols + r + p->k) * esize, one, esize);
    }
    return NULL;
}

static const int eye_like_versions[] = {9, 0};

const oc_op oc_op_eye_like = {
    .domain = "",
    .op_type = "EyeLike",
    .versions = eye_like_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .shape_inputs = 1u << 0,
    .types = "all numeric types, bool",
    .prepare = eye_like_prepare,
    .infer = eye_like_infer,
    .run = eye_like_run,
};
