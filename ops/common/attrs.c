/* attrs.c - attribute parsing and type refusals shared by the kernels. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ops/common/op_util.h"

onnxc_status *oc_attr_float(const oc_node *node, const char *name,
                            float fallback, float *out)
{
    const oc_attr *a = oc_node_attr(node, name);
    *out = fallback;
    if (!a)
        return NULL;
    if (a->type != OC_ATTR_FLOAT)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (%s): attribute '%s' must be a float",
                        node->label, node->op_type, name);
    *out = a->f;
    return NULL;
}

onnxc_status *oc_attr_int(const oc_node *node, const char *name,
                          int64_t fallback, int64_t *out)
{
    const oc_attr *a = oc_node_attr(node, name);
    *out = fallback;
    if (!a)
        return NULL;
    if (a->type != OC_ATTR_INT)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (%s): attribute '%s' must be an int",
                        node->label, node->op_type, name);
    *out = a->i;
    return NULL;
}

onnxc_status *oc_check_attrs(const oc_node *node, const char *const *known)
{
    for (int i = 0; i < node->n_attrs; i++) {
        const char *const *k = known;
        while (*k && strcmp(*k, node->attrs[i].name) != 0)
            k++;
        if (!*k)
            return oc_error(ONNXC_ERR_UNSUPPORTED,
                            "node '%s' (%s-%d): unknown attribute '%s'",
                            node->label, node->op_type, node->op_version,
                            node->attrs[i].name);
    }
    return NULL;
}

onnxc_status *oc_bad_dtype(const oc_node *node, const char *what,
                           onnxc_dtype dtype, const char *supported)
{
    return oc_error(ONNXC_ERR_UNSUPPORTED,
                    "node '%s' (%s-%d): element type %s of %s is not "
                    "supported (supported: %s)",
                    node->label, node->op_type, node->op_version,
                    onnxc_dtype_name(dtype), what, supported);
}

onnxc_status *oc_run_copy(const oc_run_ctx *ctx)
{
    const oc_tensor *x = ctx->in[0];
    size_t bytes = oc_tensor_count(x) * onnxc_dtype_size(x->dtype);
    if (x->data != ctx->out[0]->data && bytes)
        memmove(ctx->out[0]->data, x->data, bytes);
    return NULL;
}

bool oc_dtype_has_size(onnxc_dtype dtype)
{
    return onnxc_dtype_size(dtype) > 0;
}

onnxc_status *oc_axis(const oc_node *node, int64_t axis, int rank,
                      bool allow_end, int *out)
{
    int64_t hi = allow_end ? rank : rank - 1;
    int64_t a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a > hi)
        return oc_error(ONNXC_ERR_SHAPE,
                        "node '%s' (%s-%d): axis %lld is out of range for "
                        "rank %d",
                        node->label, node->op_type, node->op_version,
                        (long long)axis, rank);
    *out = (int)a;
    return NULL;
}

onnxc_status *oc_attr_ints(const oc_node *node, const char *name,
                           const int64_t **values, size_t *count)
{
    const oc_attr *a = oc_node_attr(node, name);
    *values = NULL;
    *count = 0;
    if (!a)
        return NULL;
    if (a->type != OC_ATTR_INTS)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (%s): attribute '%s' must be a list of "
                        "ints",
                        node->label, node->op_type, name);
    *values = a->ints;
    *count = a->count;
    return NULL;
}

onnxc_status *oc_attr_string(const oc_node *node, const char *name,
                             const char *fallback, const char **out)
{
    const oc_attr *a = oc_node_attr(node, name);
    *out = fallback;
    if (!a)
        return NULL;
    if (a->type != OC_ATTR_STRING)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (%s): attribute '%s' must be a string",
                        node->label, node->op_type, name);
    *out = a->s ? a->s : "";   /* typed STRING but carrying no s */
    return NULL;
}

const char *oc_node_desc(const oc_node *node, char *buf, size_t size)
{
    snprintf(buf, size, "node '%s' (%s-%d)", node->label, node->op_type,
             node->op_version);
    return buf;
}

onnxc_status *oc_run_error(const oc_run_ctx *ctx, const char *fmt, ...)
{
    char desc[300], msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return oc_error(ONNXC_ERR_RUN, "%s: %s",
                    oc_node_desc(ctx->node, desc, sizeof desc), msg);
}

onnxc_status *oc_prepare_axis_only(const oc_prepare_ctx *ctx, int64_t fallback,
                                   void **params)
{
    static const char *const attrs[] = {"axis", NULL};
    onnxc_status *err;
    oc_axis_param *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(ctx->node, attrs)) ||
        (err = oc_attr_int(ctx->node, "axis", fallback, &p->axis)))
        return err;
    *params = p;
    return NULL;
}
