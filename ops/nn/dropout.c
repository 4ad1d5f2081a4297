/*
 * dropout.c - Dropout at inference: y = x, and the optional mask all
 * true (versions 1, 6, 7, 10, 12, 13).
 *
 * Training-mode dropout zeroes random elements; its results cannot be
 * reproduced, and onnxc runs inference only, so a node in training mode
 * with a ratio above 0 is refused: in versions 1 and 6 that is is_test=0
 * (their default), from 12 a true training_mode input (read at plan time,
 * like Reshape's shape). With ratio 0, training mode is the identity too.
 * The mask is of x's type before version 10 (ones) and bool after.
 */
#include <string.h>

#include "runtime/core/status.h"
#include "ops/common/op_util.h"

typedef struct dropout_params {
    float ratio;    /* the attribute, before version 12 */
    bool is_test;   /* versions 1 and 6 */
} dropout_params;

static onnxc_status *dropout_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    oc_pool *pool = ctx->pool;
    static const char *const v1_attrs[] = {"ratio", "is_test",
                                           "consumed_inputs", NULL};
    static const char *const v6_attrs[] = {"ratio", "is_test", NULL};
    static const char *const v7_attrs[] = {"ratio", NULL};
    static const char *const v12_attrs[] = {"seed", NULL};
    onnxc_status *err;
    int64_t is_test;
    dropout_params *p = oc_pool_calloc(pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    int v = node->op_version;
    const char *const *known = v < 6 ? v1_attrs : v < 7 ? v6_attrs
                               : v < 12 ? v7_attrs : v12_attrs;
    if ((err = oc_check_attrs(node, known)) ||
        (err = oc_attr_float(node, "ratio", 0.5f, &p->ratio)) ||
        (err = oc_attr_int(node, "is_test", 0, &is_test)))
        return err;
    p->is_test = is_test != 0;
    if (v < 12 && (p->ratio < 0 || !(p->ratio < 1)))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (Dropout-%d): ratio %g is outside [0, 1)",
                        node->label, v, (double)p->ratio);
    if (v < 7 && !p->is_test && p->ratio > 0)
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "node '%s' (Dropout-%d): is_test=0 asks for training "
                        "mode, which is random; onnxc runs inference only "
                        "(set is_test=1)",
                        node->label, v);
    *params = p;
    return NULL;
}

/* The scalar ratio input's value, if the plan can know it yet. */
static onnxc_status *ratio_input(const oc_node *node, const oc_type *r,
                                 bool *known, double *ratio)
{
    *known = false;
    if (r->dtype != ONNXC_FLOAT && r->dtype != ONNXC_DOUBLE)
        return oc_bad_dtype(node, "ratio", r->dtype, "float, double");
    if (r->shape.rank != 0)
        return oc_error(ONNXC_ERR_SHAPE,
                        "node '%s' (Dropout): ratio must be a scalar, got "
                        "rank %d",
                        node->label, r->shape.rank);
    if (!r->data)
        return NULL;
    *ratio = r->dtype == ONNXC_FLOAT ? *(const float *)r->data
                                     : *(const double *)r->data;
    *known = true;
    if (*ratio < 0 || !(*ratio < 1))
        return oc_error(ONNXC_ERR_SHAPE,
                        "node '%s' (Dropout): ratio %g is outside [0, 1)",
                        node->label, *ratio);
    return NULL;
}

static onnxc_status *dropout_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const oc_type *const *in = ctx->in;
    oc_type *const *out = ctx->out;
    onnxc_status *err;
    if (in[0]->dtype != ONNXC_FLOAT && in[0]->dtype != ONNXC_DOUBLE)
        return oc_bad_dtype(node, "data", in[0]->dtype, "float, double");
    out[0]->dtype = in[0]->dtype;
    out[0]->shape = in[0]->shape;
    if (ctx->n_out > 1) {
        out[1]->dtype = node->op_version < 10 ? in[0]->dtype : ONNXC_BOOL;
        out[1]->shape = in[0]->shape;
    }
    if (node->op_version < 12)
        return NULL;
    double ratio = 0.5;
    bool ratio_known = true;
    if (in[1] && (err = ratio_input(node, in[1], &ratio_known, &ratio)))
        return err;
    const oc_type *t = node->n_inputs > 2 ? in[2] : NULL;
    if (!t)
        return NULL;
    if (t->dtype != ONNXC_BOOL || t->shape.rank != 0)
        return oc_error(ONNXC_ERR_SHAPE,
                        "node '%s' (Dropout): training_mode must be a bool "
                        "scalar",
                        node->label);
    /* At load a graph input's contents are not known yet: the plan checks. */
    if (!t->data || !*(const unsigned char *)t->data ||
        (ratio_known && ratio == 0) || (!ratio_known && !in[1]->data))
        return NULL;
    return oc_error(ONNXC_ERR_UNSUPPORTED,
                    "node '%s' (Dropout): training_mode is true with ratio "
                    "%g; training-mode dropout is random and onnxc runs "
                    "inference only",
                    node->label, ratio);
}

static onnxc_status *dropout_run(const oc_run_ctx *ctx)
{
    oc_run_copy(ctx);
    oc_tensor *mask = ctx->n_out > 1 ? ctx->out[1] : NULL;
    if (!mask)
        return NULL;
    size_t n = oc_tensor_count(mask);
    if (mask->dtype == ONNXC_BOOL)
        memset(mask->data, 1, n);
    else if (mask->dtype == ONNXC_FLOAT)
        for (size_t i = 0; i < n; i++)
            ((float *)mask->data)[i] = 1;
    else
        for (size_t i = 0; i < n; i++)
            ((double *)mask->data)[i] = 1;
    return NULL;
}

static const int dropout_versions[] = {1, 6, 7, 10, 12, 13, 0};

const oc_op oc_op_dropout = {
    .domain = "",
    .op_type = "Dropout",
    .versions = dropout_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 3,
    .min_outputs = 1, .max_outputs = 2,
    .in_place = true,
    .value_inputs = 1u << 1 | 1u << 2,
    .no_fold = true,  /* training mode draws a random mask */
    .types = "float, double",
    .prepare = dropout_prepare,
    .infer = dropout_infer,
    .run = dropout_run,
};
