/*
 * cast_like.c - CastLike: x converted to the element type of
 * target_type (versions 15, 19, 21), whose contents are never read. The
 * rules are Cast's (ops/common/convert.h).
 */
#include "ops/common/op_util.h"
#include "ops/tensor/cast.h"

static onnxc_status *cast_like_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const v15_attrs[] = {NULL};
    static const char *const v19_attrs[] = {"saturate", NULL};
    *params = NULL;
    return oc_check_attrs(ctx->node, ctx->node->op_version < 19 ? v15_attrs
                                                                : v19_attrs);
}

static onnxc_status *cast_like_infer(const oc_infer_ctx *ctx)
{
    onnxc_dtype to;
    onnxc_status *err = oc_cast_target(ctx->node, ctx->in[1]->dtype, &to);
    return err ? err : oc_cast_infer_to(ctx, to);
}

static const int cast_like_versions[] = {15, 19, 21, 0};

const oc_op oc_op_cast_like = {
    .domain = "",
    .op_type = "CastLike",
    .versions = cast_like_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .shape_inputs = 1u << 1,
    .types = "all numeric types, bool, float16, bfloat16",
    .prepare = cast_like_prepare,
    .infer = cast_like_infer,
    .run = oc_cast_run,
};
