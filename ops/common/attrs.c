/* attrs.c - attribute parsing and type refusals shared by the kernels. */
#include <string.h>

#include "runtime/core/status.h"
#include "runtime/graph/op.h"

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

void oc_run_copy(const void *params, const oc_tensor *const *in,
                 oc_tensor *const *out, void *workspace, const oc_exec *exec)
{
    (void)params;
    (void)workspace;
    (void)exec;
    size_t bytes = oc_tensor_count(in[0]) * onnxc_dtype_size(in[0]->dtype);
    if (in[0]->data != out[0]->data && bytes)
        memmove(out[0]->data, in[0]->data, bytes);
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
