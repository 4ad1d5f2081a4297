/*
 * split_to_sequence.c - SplitToSequence: x cut along axis into a sequence
 * (version 11). split absent: pieces of 1, the axis kept or (keepdims 0)
 * dropped; a scalar: pieces of that size, the last one shorter when it
 * does not divide; 1-D: the pieces' sizes, which must sum to the axis.
 */
#include <string.h>

#include "ops/sequence/sequence.h"
#include "ops/common/op_util.h"
#include "runtime/core/status.h"

typedef struct split_params {
    int64_t axis, keepdims;
} split_params;

static onnxc_status *split_to_sequence_prepare(const oc_prepare_ctx *ctx,
                                               void **params)
{
    static const char *const names[] = {"axis", "keepdims", NULL};
    split_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    onnxc_status *err = oc_check_attrs(ctx->node, names);
    if (err || (err = oc_attr_int(ctx->node, "axis", 0, &p->axis)) ||
        (err = oc_attr_int(ctx->node, "keepdims", 1, &p->keepdims)))
        return err;
    *params = p;
    return NULL;
}

static onnxc_status *split_to_sequence_infer(const oc_infer_ctx *ctx)
{
    const split_params *p = ctx->params;
    const oc_type *x = ctx->in[0], *split = ctx->in[1];
    int axis;
    onnxc_status *err;
    if (!oc_dtype_has_size(x->dtype))
        return oc_bad_dtype(ctx->node, "input", x->dtype, OC_DATA_TYPES);
    if (split && split->dtype != ONNXC_INT32 && split->dtype != ONNXC_INT64)
        return oc_bad_dtype(ctx->node, "split", split->dtype, "int32, int64");
    if (split && split->shape.rank > 1)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (SplitToSequence): split has rank %d; it is "
                        "a scalar or 1-D",
                        ctx->node->label, split->shape.rank);
    oc_shape piece = x->shape;
    if (x->shape.rank >= 0) {
        if ((err = oc_axis(ctx->node, p->axis, x->shape.rank, false, &axis)))
            return err;
        piece.dims[axis] = dim_unknown();
        if (!split && !p->keepdims) {
            memmove(&piece.dims[axis], &piece.dims[axis + 1],
                    (size_t)(piece.rank - axis - 1) * sizeof piece.dims[0]);
            piece.rank--;
        } else if (!split) {
            piece.dims[axis] = dim_known(1);
        }
    }
    oc_seq_type(ctx, 0, x->dtype, &piece);
    return NULL;
}

static int64_t split_at(const oc_tensor *split, size_t i)
{
    if (split->dtype == ONNXC_INT32)
        return ((const int32_t *)split->data)[i];
    return ((const int64_t *)split->data)[i];
}

static onnxc_status *split_to_sequence_run(const oc_run_ctx *ctx)
{
    const split_params *p = ctx->params;
    oc_seq_state *st = ctx->state;
    const oc_tensor *x = ctx->in[0], *split = ctx->in[1];
    int axis;
    onnxc_status *err = oc_axis(ctx->node, p->axis, x->rank, false, &axis);
    if (err)
        return err;
    int64_t len = x->dims[axis], chunk = 1;
    size_t n = (size_t)len;
    if (split && split->rank == 0) {
        chunk = split_at(split, 0);
        if (chunk <= 0)
            return oc_run_error(ctx, "split is %lld; it must be positive",
                                (long long)chunk);
        n = (size_t)((len + chunk - 1) / chunk);
    } else if (split) {
        int64_t sum = 0;
        n = oc_tensor_count(split);
        for (size_t i = 0; i < n; i++) {
            int64_t v = split_at(split, i);
            if (v < 0 || v > len - sum)
                return oc_run_error(ctx, "split[%zu] is %lld: the sizes must "
                                    "be 0 or more and sum to %lld",
                                    i, (long long)v, (long long)len);
            sum += v;
        }
        if (sum != len)
            return oc_run_error(ctx, "split sums to %lld; axis %d has %lld",
                                (long long)sum, axis, (long long)len);
    }
    size_t esize = onnxc_dtype_size(x->dtype), outer = 1, inner = esize, bytes;
    for (int d = 0; d < axis; d++)
        outer *= (size_t)x->dims[d];
    for (int d = axis + 1; d < x->rank; d++)
        inner *= (size_t)x->dims[d];
    oc_tensor_bytes(x->dtype, x->dims, x->rank, &bytes);
    /* each piece at a 64-byte boundary */
    if (n > (SIZE_MAX - bytes) / 64)
        return oc_run_error(ctx, "%zu pieces overflow memory", n);
    if ((err = oc_seq_reserve(ctx, st, n, bytes + 64 * n)))
        return err;
    unsigned char *at = st->copies.data;
    int64_t start = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t size = !split ? 1
                       : split->rank == 0 ? (len - start < chunk ? len - start : chunk)
                                          : split_at(split, i);
        oc_tensor *t = &st->items[i];
        memset(t, 0, sizeof *t);
        t->dtype = x->dtype;
        t->rank = x->rank;
        memcpy(t->dims, x->dims, (size_t)x->rank * sizeof *x->dims);
        t->dims[axis] = size;
        if (!split && !p->keepdims) {
            memmove(&t->dims[axis], &t->dims[axis + 1],
                    (size_t)(t->rank - axis - 1) * sizeof t->dims[0]);
            t->rank--;
        }
        t->data = at;
        size_t row = (size_t)size * inner;
        for (size_t o = 0; o < outer; o++)
            memcpy(at + o * row,
                   (const unsigned char *)x->data +
                       (o * (size_t)len + (size_t)start) * inner,
                   row);
        at += oc_align64(outer * row);
        start += size;
    }
    st->seq.count = n;
    oc_seq_output(ctx, 0, st, x->dtype);
    return NULL;
}

static const int split_to_sequence_versions[] = {11, 0};

const oc_op oc_op_split_to_sequence = {
    .domain = "",
    .op_type = "SplitToSequence",
    .versions = split_to_sequence_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .no_fold = true, .data_dependent = true, .owns_outputs = true, .any_kind = true,
    .types = OC_DATA_TYPES,
    .prepare = split_to_sequence_prepare,
    .infer = split_to_sequence_infer,
    .run = split_to_sequence_run,
    .state_new = oc_seq_state_new,
    .state_free = oc_seq_state_free,
};
