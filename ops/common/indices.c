/* indices.c - index tensors and scatter reductions (see indices.h). */
#include <string.h>

#include "ops/common/dims_value.h"
#include "ops/common/indices.h"
#include "ops/common/op_util.h"

bool oc_index_at(const oc_tensor *idx, size_t i, int64_t n, int64_t *out)
{
    int64_t v = oc_int_at(idx->data, idx->dtype, i);
    if (v < -n || v >= n) {
        *out = v;
        return false;
    }
    *out = v < 0 ? v + n : v;
    return true;
}

onnxc_status *oc_index_error(const oc_run_ctx *ctx, const char *what,
                             size_t i, int64_t value, int axis, int64_t n)
{
    return oc_run_error(ctx,
                        "%s[%zu] = %lld is out of range for axis %d of size "
                        "%lld (valid: [%lld, %lld])",
                        what, i, (long long)value, axis, (long long)n,
                        (long long)-n, (long long)n - 1);
}

onnxc_status *oc_elements_check(const oc_node *node, const oc_type *data,
                                const oc_type *idx, int64_t axis_attr,
                                int *axis)
{
    char desc[300], s1[128], s2[128];
    *axis = -1;
    if (!oc_dtype_has_size(data->dtype))
        return oc_bad_dtype(node, "data", data->dtype, OC_DATA_TYPES);
    if (idx->dtype != ONNXC_INT32 && idx->dtype != ONNXC_INT64)
        return oc_bad_dtype(node, "indices", idx->dtype, "int32, int64");
    if (data->shape.rank < 0 || idx->shape.rank < 0)
        return NULL;
    if (data->shape.rank < 1 || idx->shape.rank != data->shape.rank)
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: indices %s must have the rank of data %s (>= 1)",
                        oc_node_desc(node, desc, sizeof desc),
                        oc_shape_format(&idx->shape, NULL, s1, sizeof s1),
                        oc_shape_format(&data->shape, NULL, s2, sizeof s2));
    onnxc_status *err = oc_axis(node, axis_attr, data->shape.rank, false, axis);
    for (int d = 0; !err && d < data->shape.rank; d++) {
        oc_dim a = data->shape.dims[d], b = idx->shape.dims[d];
        if (d != *axis && dim_is_known(a) && dim_is_known(b) &&
            b.value > a.value)
            return oc_error(ONNXC_ERR_SHAPE,
                            "%s: indices %s exceed data %s at dim %d",
                            oc_node_desc(node, desc, sizeof desc),
                            oc_shape_format(&idx->shape, NULL, s1, sizeof s1),
                            oc_shape_format(&data->shape, NULL, s2, sizeof s2),
                            d);
    }
    return err;
}

onnxc_status *oc_reduction_attr(const oc_node *node, oc_reduction *out)
{
    static const char *const names[] = {"none", "add", "mul", "max", "min"};
    const char *s;
    char desc[300];
    onnxc_status *err = oc_attr_string(node, "reduction", "none", &s);
    if (err)
        return err;
    int allowed = node->op_version >= 18 ? 5 : 3;
    for (int r = 0; r < allowed; r++)
        if (strcmp(s, names[r]) == 0) {
            *out = (oc_reduction)r;
            return NULL;
        }
    return oc_error(ONNXC_ERR_INVALID_MODEL,
                    "%s: reduction '%s' is not one of none, add, mul%s",
                    oc_node_desc(node, desc, sizeof desc), s,
                    allowed == 5 ? ", max, min" : "");
}

bool oc_reduction_supports(oc_reduction r, onnxc_dtype t)
{
    if (r == OC_REDUCE_NONE)
        return oc_dtype_has_size(t);
    return t == ONNXC_FLOAT || t == ONNXC_DOUBLE || oc_dtype_is_int(t);
}

/* Integers wrap (their sums and products are done unsigned, as the
 * binary ops do); max and min compare in the type. */
#define REDUCE(T, d, s, r)                                                     \
    do {                                                                       \
        T a, b;                                                                \
        memcpy(&a, d, sizeof a);                                               \
        memcpy(&b, s, sizeof b);                                               \
        a = r == OC_REDUCE_ADD   ? (T)(a + b)                                  \
            : r == OC_REDUCE_MUL ? (T)(a * b)                                  \
            : r == OC_REDUCE_MAX ? (a > b ? a : b)                             \
                                 : (a < b ? a : b);                            \
        memcpy(d, &a, sizeof a);                                               \
    } while (0)
#define REDUCE_INT(T, d, s, r)                                                 \
    do {                                                                       \
        T a, b;                                                                \
        memcpy(&a, d, sizeof a);                                               \
        memcpy(&b, s, sizeof b);                                               \
        a = r == OC_REDUCE_ADD   ? (T)((uint64_t)a + (uint64_t)b)              \
            : r == OC_REDUCE_MUL ? (T)((uint64_t)a * (uint64_t)b)              \
            : r == OC_REDUCE_MAX ? (a > b ? a : b)                             \
                                 : (a < b ? a : b);                            \
        memcpy(d, &a, sizeof a);                                               \
    } while (0)

void oc_reduce_one(void *dst, const void *src, onnxc_dtype t, oc_reduction r,
                   size_t esize)
{
    if (r == OC_REDUCE_NONE) {
        memcpy(dst, src, esize);
        return;
    }
    switch (t) {
    case ONNXC_FLOAT: REDUCE(float, dst, src, r); break;
    case ONNXC_DOUBLE: REDUCE(double, dst, src, r); break;
    case ONNXC_INT8: REDUCE_INT(int8_t, dst, src, r); break;
    case ONNXC_INT16: REDUCE_INT(int16_t, dst, src, r); break;
    case ONNXC_INT32: REDUCE_INT(int32_t, dst, src, r); break;
    case ONNXC_INT64: REDUCE_INT(int64_t, dst, src, r); break;
    case ONNXC_UINT8: REDUCE_INT(uint8_t, dst, src, r); break;
    case ONNXC_UINT16: REDUCE_INT(uint16_t, dst, src, r); break;
    case ONNXC_UINT32: REDUCE_INT(uint32_t, dst, src, r); break;
    case ONNXC_UINT64: REDUCE_INT(uint64_t, dst, src, r); break;
    default: break;   /* oc_reduction_supports refused it */
    }
}
