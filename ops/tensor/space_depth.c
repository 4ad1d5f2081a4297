/*
 * space_depth.c - DepthToSpace (versions 1, 11, 13) and SpaceToDepth
 * (1, 13): blocks of `blocksize` x `blocksize` pixels moved between the
 * channel dim and the spatial dims of a 4-D [N, C, H, W] tensor.
 * DepthToSpace reads the channels depth-column-row (DCR, the default) or,
 * from 11, column-row-depth (mode CRD). Each is one strided copy of a 6-D
 * view: the reshape-transpose-reshape of the spec without the copies.
 * The two ops share this file because they are one permutation and its
 * inverse.
 */
#include <string.h>

#include "runtime/core/status.h"
#include "ops/common/op_util.h"
#include "ops/common/strided.h"

typedef struct block_params {
    int64_t block;
    bool to_space;   /* DepthToSpace */
    bool crd;        /* mode CRD */
} block_params;

static onnxc_status *block_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    static const char *const v1_attrs[] = {"blocksize", NULL};
    static const char *const v11_attrs[] = {"blocksize", "mode", NULL};
    char desc[300];
    const char *mode;
    onnxc_status *err;
    block_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    p->to_space = strcmp(node->op_type, "DepthToSpace") == 0;
    bool has_mode = p->to_space && node->op_version >= 11;
    if ((err = oc_check_attrs(node, has_mode ? v11_attrs : v1_attrs)) ||
        (err = oc_attr_int(node, "blocksize", 0, &p->block)) ||
        (err = oc_attr_string(node, "mode", "DCR", &mode)))
        return err;
    p->crd = strcmp(mode, "CRD") == 0;
    if (!p->crd && strcmp(mode, "DCR") != 0)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: mode must be DCR or CRD, got '%s'",
                        oc_node_desc(node, desc, sizeof desc), mode);
    if (p->block < 1 || p->block > 65536)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: blocksize is %lld; it must be in [1, 65536]",
                        oc_node_desc(node, desc, sizeof desc),
                        (long long)p->block);
    *params = p;
    return NULL;
}

static onnxc_status *block_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const block_params *p = ctx->params;
    const oc_type *x = ctx->in[0];
    oc_type *y = ctx->out[0];
    char desc[300];
    int64_t b = p->block, bb = b * b;
    if (!oc_dtype_has_size(x->dtype))
        return oc_bad_dtype(node, "input", x->dtype, OC_DATA_TYPES);
    y->dtype = x->dtype;
    y->shape = x->shape;
    if (x->shape.rank < 0)
        return NULL;
    if (x->shape.rank != 4)
        return oc_error(ONNXC_ERR_SHAPE, "%s: input must be 4-D, got rank %d",
                        oc_node_desc(node, desc, sizeof desc), x->shape.rank);
    for (int d = 1; d < 4; d++) {
        oc_dim a = x->shape.dims[d];
        oc_dim *o = &y->shape.dims[d];
        if (!dim_is_known(a)) {
            *o = dim_unknown();
            continue;
        }
        bool shrink = p->to_space ? d == 1 : d > 1;
        int64_t by = d == 1 ? bb : b;
        if (shrink && a.value % by)
            return oc_error(ONNXC_ERR_SHAPE,
                            "%s: dim %d (%lld) is not a multiple of %lld",
                            oc_node_desc(node, desc, sizeof desc), d,
                            (long long)a.value, (long long)by);
        if (!shrink && a.value > INT64_MAX / by)
            return oc_error(ONNXC_ERR_SHAPE, "%s: dim %d overflows",
                            oc_node_desc(node, desc, sizeof desc), d);
        *o = dim_known(shrink ? a.value / by : a.value * by);
    }
    return NULL;
}

static onnxc_status *block_run(const oc_run_ctx *ctx)
{
    const block_params *p = ctx->params;
    const oc_tensor *x = ctx->in[0];
    oc_tensor *y = ctx->out[0];
    int64_t b = p->block, n = x->dims[0], c = x->dims[1], h = x->dims[2];
    int64_t w = x->dims[3];
    int64_t view[6], s[6], dims[6], strides[6];
    /* x as a 6-D view, and the order its dims take in y */
    const int *order;
    static const int dcr[] = {0, 3, 4, 1, 5, 2}, crd[] = {0, 1, 4, 2, 5, 3};
    static const int s2d[] = {0, 3, 5, 1, 2, 4};
    if (p->to_space && !p->crd) {
        int64_t v[6] = {n, b, b, c / (b * b), h, w};
        memcpy(view, v, sizeof v);
        order = dcr;
    } else if (p->to_space) {
        int64_t v[6] = {n, c / (b * b), b, b, h, w};
        memcpy(view, v, sizeof v);
        order = crd;
    } else {
        int64_t v[6] = {n, c, h / b, b, w / b, b};
        memcpy(view, v, sizeof v);
        order = s2d;
    }
    oc_contiguous_strides(view, 6, s);
    for (int d = 0; d < 6; d++) {
        dims[d] = view[order[d]];
        strides[d] = s[order[d]];
    }
    if (oc_tensor_count(y))
        oc_strided_copy(y->data, x->data, onnxc_dtype_size(x->dtype), 6, dims,
                        strides);
    return NULL;
}

static const int depth_to_space_versions[] = {1, 11, 13, 0};
static const int space_to_depth_versions[] = {1, 13, 0};

const oc_op oc_op_depth_to_space = {
    .domain = "",
    .op_type = "DepthToSpace",
    .versions = depth_to_space_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .types = OC_DATA_TYPES,
    .prepare = block_prepare,
    .infer = block_infer,
    .run = block_run,
};

const oc_op oc_op_space_to_depth = {
    .domain = "",
    .op_type = "SpaceToDepth",
    .versions = space_to_depth_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .types = OC_DATA_TYPES,
    .prepare = block_prepare,
    .infer = block_infer,
    .run = block_run,
};
