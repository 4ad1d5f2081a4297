/* axes.c - axes as attributes or inputs (see axes.h). */
#include "ops/common/axes.h"
#include "ops/common/dims_value.h"
#include "ops/common/op_util.h"

static onnxc_status *too_many(const oc_node *node, long long n)
{
    char desc[300];
    return oc_error(ONNXC_ERR_UNSUPPORTED,
                    "%s: %lld axes, above the supported rank %d",
                    oc_node_desc(node, desc, sizeof desc), n, ONNXC_MAX_RANK);
}

onnxc_status *oc_axes_from_attr(const oc_node *node, oc_axes *out)
{
    const int64_t *v;
    size_t n;
    onnxc_status *err = oc_attr_ints(node, "axes", &v, &n);
    out->count = -1;
    if (err || !oc_node_attr(node, "axes"))
        return err;
    if (n > ONNXC_MAX_RANK)
        return too_many(node, (long long)n);
    out->count = (int)n;
    for (size_t i = 0; i < n; i++)
        out->axes[i] = v[i];
    return NULL;
}

onnxc_status *oc_axes_from_input(const oc_node *node, const oc_type *t,
                                 oc_axes *out, bool *known)
{
    char desc[300];
    out->count = -1;
    *known = true;
    if (!t)
        return NULL;
    if (t->dtype != ONNXC_INT64)
        return oc_bad_dtype(node, "axes", t->dtype, "int64");
    if (t->shape.rank != 1 && t->shape.rank != 0)
        return oc_error(ONNXC_ERR_SHAPE, "%s: axes must be 1-D, got rank %d",
                        oc_node_desc(node, desc, sizeof desc), t->shape.rank);
    if (!t->data) {
        *known = false;
        return NULL;
    }
    int64_t n = t->shape.rank == 0 ? 1 : t->shape.dims[0].value;
    if (n > ONNXC_MAX_RANK)
        return too_many(node, (long long)n);
    out->count = (int)n;
    for (int64_t i = 0; i < n; i++)
        out->axes[i] = ((const int64_t *)t->data)[i];
    return NULL;
}

onnxc_status *oc_axes_mask(const oc_node *node, const oc_axes *axes, int rank,
                           unsigned *mask)
{
    char desc[300];
    *mask = 0;
    for (int i = 0; i < axes->count; i++) {
        int64_t a = axes->axes[i];
        int64_t d = a < 0 ? a + rank : a;
        if (d < 0 || d >= rank)
            return oc_error(ONNXC_ERR_SHAPE,
                            "%s: axis %lld is out of range for rank %d "
                            "(valid: [%d, %d])",
                            oc_node_desc(node, desc, sizeof desc),
                            (long long)a, rank, -rank, rank - 1);
        if (*mask >> d & 1)
            return oc_error(ONNXC_ERR_SHAPE, "%s: axis %lld is given twice",
                            oc_node_desc(node, desc, sizeof desc),
                            (long long)a);
        *mask |= 1u << d;
    }
    return NULL;
}
