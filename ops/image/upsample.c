/*
 * upsample.c - Upsample (7, 9): Resize with asymmetric coordinates,
 * nearest rounding down or linear, scales per axis (an attribute at 7, an
 * input whose contents the plan reads at 9), run by the Resize engine
 * (ops/image/resample.c). Version 1 was experimental (its height_scale and
 * width_scale attributes, 'bilinear'), is in no released opset's list of
 * standard operators, and is refused.
 */
#include <string.h>

#include "ops/common/op_util.h"
#include "ops/image/resample.h"
#include "runtime/core/status.h"

typedef struct upsample_params {
    oc_resample r;
    const float *scales;   /* version 7's attribute */
    size_t n_scales;
} upsample_params;

static onnxc_status *upsample_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const v7_attrs[] = {"mode", "scales", NULL};
    static const char *const v9_attrs[] = {"mode", NULL};
    const oc_node *node = ctx->node;
    const char *mode;
    char desc[300];
    onnxc_status *err;
    upsample_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    oc_node_desc(node, desc, sizeof desc);
    if (node->op_version < 7)
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "%s: Upsample 1 is experimental and not supported "
                        "(use opset 7 or later)", desc);
    if ((err = oc_check_attrs(node, node->op_version < 9 ? v7_attrs : v9_attrs)) ||
        (err = oc_attr_string(node, "mode", "nearest", &mode)) ||
        (err = oc_resample_parse_mode(node, mode, &p->r.mode)))
        return err;
    if (p->r.mode == OC_RESAMPLE_CUBIC)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: mode 'cubic' is Resize's; Upsample takes nearest "
                        "or linear", desc);
    p->r.coord = OC_COORD_ASYMMETRIC;
    p->r.nearest = OC_NEAREST_FLOOR;
    if (node->op_version < 9) {
        const oc_attr *s = oc_node_attr(node, "scales");
        if (!s || s->type != OC_ATTR_FLOATS)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "%s: attribute scales (floats) is missing", desc);
        p->scales = s->floats;
        p->n_scales = s->count;
    }
    *params = p;
    return NULL;
}

/* The scales (from the attribute or the input, NULL when not known yet)
 * and their count. */
static onnxc_status *scales_of(const oc_node *node, const upsample_params *p,
                               const oc_type *t, const float **scales,
                               int64_t *count)
{
    *scales = p->scales;
    *count = (int64_t)p->n_scales;
    if (node->op_version < 9)
        return NULL;
    if (t->dtype != ONNXC_FLOAT)
        return oc_bad_dtype(node, "scales", t->dtype, "float");
    *scales = NULL;
    *count = -1;
    if (t->shape.rank == 1 && dim_is_known(t->shape.dims[0])) {
        *count = t->shape.dims[0].value;
        *scales = t->data;
    }
    return NULL;
}

/* The output lengths of x_dims and the scales per axis. */
static onnxc_status *upsample_shape(const oc_node *node, int rank,
                                    const int64_t *x_dims, const float *scales,
                                    int64_t count, int64_t *y_dims,
                                    oc_resample_axes *a)
{
    char desc[300];
    onnxc_status *err;
    if (count != rank)
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: scales has %lld elements; X has rank %d",
                        oc_node_desc(node, desc, sizeof desc), (long long)count,
                        rank);
    for (int d = 0; d < rank; d++) {
        if (!(scales[d] >= 1))   /* the spec: 1 or more (Resize shrinks) */
            return oc_error(ONNXC_ERR_SHAPE,
                            "%s: scales[%d] is %g; Upsample takes scales of 1 "
                            "or more", oc_node_desc(node, desc, sizeof desc), d,
                            (double)scales[d]);
        a->scale[d] = scales[d];
        a->roi_start[d] = 0;
        a->roi_end[d] = 1;
        if ((err = oc_resample_length(node, d, x_dims[d], scales[d], &y_dims[d])))
            return err;
    }
    return NULL;
}

static onnxc_status *upsample_infer(const oc_infer_ctx *ctx)
{
    const oc_type *x = ctx->in[0];
    const float *scales;
    int64_t count, x_dims[ONNXC_MAX_RANK], y_dims[ONNXC_MAX_RANK];
    oc_resample_axes a;
    char desc[300];
    onnxc_status *err;
    if (x->dtype != ONNXC_FLOAT && x->dtype != ONNXC_DOUBLE)
        return oc_bad_dtype(ctx->node, "X", x->dtype, "float, double");
    if (ctx->node->op_version >= 9 && (ctx->n_in < 2 || !ctx->in[1]))
        return oc_error(ONNXC_ERR_INVALID_MODEL, "%s: input scales is missing",
                        oc_node_desc(ctx->node, desc, sizeof desc));
    if ((err = scales_of(ctx->node, ctx->params, ctx->n_in > 1 ? ctx->in[1] : NULL,
                         &scales, &count)))
        return err;
    bool known = x->shape.rank >= 0 && scales;
    ctx->out[0]->dtype = x->dtype;
    ctx->out[0]->shape.rank = x->shape.rank;
    for (int d = 0; d < x->shape.rank; d++) {
        known = known && dim_is_known(x->shape.dims[d]);
        x_dims[d] = x->shape.dims[d].value;
        ctx->out[0]->shape.dims[d] = dim_unknown();
    }
    if (!known)
        return NULL;
    if ((err = upsample_shape(ctx->node, x->shape.rank, x_dims, scales, count,
                              y_dims, &a)))
        return err;
    for (int d = 0; d < x->shape.rank; d++)
        ctx->out[0]->shape.dims[d] = dim_known(y_dims[d]);
    return NULL;
}

static onnxc_status *run_axes(const oc_run_ctx *ctx, oc_resample_axes *a)
{
    const upsample_params *p = ctx->params;
    const oc_tensor *x = ctx->in[0];
    int64_t y_dims[ONNXC_MAX_RANK];
    const float *scales = p->scales;
    int64_t count = (int64_t)p->n_scales;
    if (ctx->node->op_version >= 9) {
        scales = ctx->in[1]->data;
        count = (int64_t)oc_tensor_count(ctx->in[1]);
    }
    onnxc_status *err = upsample_shape(ctx->node, x->rank, x->dims, scales,
                                       count, y_dims, a);
    if (!err && memcmp(y_dims, ctx->out[0]->dims, (size_t)x->rank * sizeof *y_dims))
        err = oc_run_error(ctx, "the output's shape is not the one planned");
    return err;
}

static size_t upsample_workspace(const oc_run_ctx *ctx)
{
    const upsample_params *p = ctx->params;
    return oc_resample_op_workspace(ctx, &p->r, run_axes);
}

static onnxc_status *upsample_run(const oc_run_ctx *ctx)
{
    const upsample_params *p = ctx->params;
    return oc_resample_op_run(ctx, &p->r, run_axes);
}

static const int upsample_versions[] = {1, 7, 9, 0};

const oc_op oc_op_upsample = {
    .domain = "",
    .op_type = "Upsample",
    .versions = upsample_versions,
    .last_opset = 9,
    .min_inputs = 1, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .value_inputs = 1u << 1,
    .types = "float, double",
    .prepare = upsample_prepare,
    .infer = upsample_infer,
    .run = upsample_run,
    .workspace = upsample_workspace,
};
