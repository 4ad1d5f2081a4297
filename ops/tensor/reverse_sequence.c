/*
 * reverse_sequence.c - ReverseSequence: for each batch entry b, the first
 * sequence_lens[b] steps along the time axis reversed, the rest copied
 * (version 10). time_axis and batch_axis are 0 and 1, in either order; x
 * has rank >= 2. A length outside [0, T] is a run error naming it.
 */
#include <string.h>

#include "runtime/core/status.h"
#include "ops/common/dims_value.h"
#include "ops/common/op_util.h"

typedef struct reverse_params {
    int64_t time_axis, batch_axis;
} reverse_params;

static onnxc_status *reverse_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    static const char *const attrs[] = {"time_axis", "batch_axis", NULL};
    char desc[300];
    onnxc_status *err;
    reverse_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(node, attrs)) ||
        (err = oc_attr_int(node, "time_axis", 0, &p->time_axis)) ||
        (err = oc_attr_int(node, "batch_axis", 1, &p->batch_axis)))
        return err;
    if (p->time_axis + p->batch_axis != 1 ||
        (p->time_axis != 0 && p->time_axis != 1))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: time_axis and batch_axis must be 0 and 1 (got "
                        "%lld and %lld)",
                        oc_node_desc(node, desc, sizeof desc),
                        (long long)p->time_axis, (long long)p->batch_axis);
    *params = p;
    return NULL;
}

static onnxc_status *reverse_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const reverse_params *p = ctx->params;
    const oc_type *x = ctx->in[0], *lens = ctx->in[1];
    char desc[300];
    if (!oc_dtype_has_size(x->dtype))
        return oc_bad_dtype(node, "input", x->dtype, OC_DATA_TYPES);
    if (lens->dtype != ONNXC_INT64)
        return oc_bad_dtype(node, "sequence_lens", lens->dtype, "int64");
    if (x->shape.rank >= 0 && x->shape.rank < 2)
        return oc_error(ONNXC_ERR_SHAPE, "%s: input must have rank >= 2, got %d",
                        oc_node_desc(node, desc, sizeof desc), x->shape.rank);
    if (lens->shape.rank != 1 ||
        (x->shape.rank >= 2 &&
         !oc_dim_compatible(lens->shape.dims[0],
                            x->shape.dims[p->batch_axis])))
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: sequence_lens must be 1-D with one entry per "
                        "batch",
                        oc_node_desc(node, desc, sizeof desc));
    *ctx->out[0] = *x;
    ctx->out[0]->data = NULL;
    ctx->out[0]->has_sym = false;
    return NULL;
}

static onnxc_status *reverse_run(const oc_run_ctx *ctx)
{
    const reverse_params *p = ctx->params;
    const oc_tensor *x = ctx->in[0], *lens = ctx->in[1];
    oc_tensor *y = ctx->out[0];
    int64_t steps = x->dims[p->time_axis], batch = x->dims[p->batch_axis];
    size_t esize = onnxc_dtype_size(x->dtype), inner = esize;
    for (int d = 2; d < x->rank; d++)
        inner *= (size_t)x->dims[d];
    const int64_t *len = lens->data;
    for (int64_t b = 0; b < batch; b++)
        if (len[b] < 0 || len[b] > steps)
            return oc_run_error(ctx,
                                "sequence_lens[%lld] = %lld is out of range "
                                "[0, %lld]",
                                (long long)b, (long long)len[b],
                                (long long)steps);
    if (!oc_tensor_count(x))
        return NULL;
    /* the (time, batch) entry's row of inner bytes */
    size_t t_stride = p->time_axis == 0 ? (size_t)batch : 1;
    size_t b_stride = p->time_axis == 0 ? 1 : (size_t)steps;
    const unsigned char *in = x->data;
    unsigned char *out = y->data;
    for (int64_t b = 0; b < batch; b++)
        for (int64_t t = 0; t < steps; t++) {
            int64_t from = t < len[b] ? len[b] - 1 - t : t;
            memcpy(out + ((size_t)t * t_stride + (size_t)b * b_stride) * inner,
                   in + ((size_t)from * t_stride + (size_t)b * b_stride) * inner,
                   inner);
        }
    return NULL;
}

static const int reverse_sequence_versions[] = {10, 0};

const oc_op oc_op_reverse_sequence = {
    .domain = "",
    .op_type = "ReverseSequence",
    .versions = reverse_sequence_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .types = OC_DATA_TYPES,
    .prepare = reverse_prepare,
    .infer = reverse_infer,
    .run = reverse_run,
};
