/*
 * sequence_empty.c - SequenceEmpty: a sequence of no tensors, of the
 * element type `dtype` names (default float) (version 11).
 */
#include "ops/sequence/sequence.h"
#include "ops/common/op_util.h"
#include "runtime/core/status.h"

static onnxc_status *sequence_empty_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const names[] = {"dtype", NULL};
    int64_t dtype;
    onnxc_status *err = oc_check_attrs(ctx->node, names);
    if (err || (err = oc_attr_int(ctx->node, "dtype", ONNXC_FLOAT, &dtype)))
        return err;
    if (dtype <= 0 || dtype > ONNXC_BFLOAT16 ||
        !oc_dtype_has_size((onnxc_dtype)dtype))
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "node '%s' (SequenceEmpty): dtype %lld is not an element "
                        "type onnxc holds",
                        ctx->node->label, (long long)dtype);
    onnxc_dtype *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    *p = (onnxc_dtype)dtype;
    *params = p;
    return NULL;
}

static onnxc_status *sequence_empty_infer(const oc_infer_ctx *ctx)
{
    oc_seq_type(ctx, 0, *(const onnxc_dtype *)ctx->params, NULL);
    return NULL;
}

static onnxc_status *sequence_empty_run(const oc_run_ctx *ctx)
{
    oc_seq_state *st = ctx->state;
    st->seq.count = 0;
    oc_seq_output(ctx, 0, st, *(const onnxc_dtype *)ctx->params);
    return NULL;
}

static const int sequence_empty_versions[] = {11, 0};

const oc_op oc_op_sequence_empty = {
    .domain = "",
    .op_type = "SequenceEmpty",
    .versions = sequence_empty_versions,
    .last_opset = 21,
    .min_inputs = 0, .max_inputs = 0,
    .min_outputs = 1, .max_outputs = 1,
    .no_fold = true, .data_dependent = true, .owns_outputs = true, .any_kind = true,
    .types = OC_DATA_TYPES,
    .prepare = sequence_empty_prepare,
    .infer = sequence_empty_infer,
    .run = sequence_empty_run,
    .state_new = oc_seq_state_new,
    .state_free = oc_seq_state_free,
};
