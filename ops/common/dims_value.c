/* dims_value.c - integer tensors read as dims (see dims_value.h). */
#include "ops/common/dims_value.h"

int64_t oc_int_at(const void *data, onnxc_dtype dtype, size_t i)
{
    switch (dtype) {
    case ONNXC_INT8: return ((const int8_t *)data)[i];
    case ONNXC_UINT8: return ((const uint8_t *)data)[i];
    case ONNXC_INT16: return ((const int16_t *)data)[i];
    case ONNXC_UINT16: return ((const uint16_t *)data)[i];
    case ONNXC_INT32: return ((const int32_t *)data)[i];
    case ONNXC_UINT32: return ((const uint32_t *)data)[i];
    case ONNXC_UINT64: return (int64_t)((const uint64_t *)data)[i];
    default: return ((const int64_t *)data)[i];
    }
}

bool oc_int_list(const void *data, onnxc_dtype dtype, int64_t n, int max,
                 int64_t *out)
{
    if (n < 0 || n > max)
        return false;
    for (int64_t i = 0; i < n; i++)
        out[i] = oc_int_at(data, dtype, (size_t)i);
    return true;
}

bool oc_dtype_is_int(onnxc_dtype t)
{
    switch (t) {
    case ONNXC_INT8: case ONNXC_UINT8: case ONNXC_INT16: case ONNXC_UINT16:
    case ONNXC_INT32: case ONNXC_UINT32: case ONNXC_INT64: case ONNXC_UINT64:
        return true;
    default:
        return false;
    }
}

bool oc_type_as_dims(const oc_type *t, oc_dim *dims, int *count)
{
    if (t->shape.rank < 0 || t->shape.rank > 1)
        return false;
    if (t->data && (t->dtype == ONNXC_INT64 || t->dtype == ONNXC_INT32)) {
        int64_t n = t->shape.rank == 0 ? 1 : t->shape.dims[0].value;
        if (t->shape.rank == 1 && !dim_is_known(t->shape.dims[0]))
            return false;
        if (n < 0 || n > ONNXC_MAX_RANK)
            return false;
        for (int64_t i = 0; i < n; i++)
            dims[i] = dim_known(oc_int_at(t->data, t->dtype, (size_t)i));
        *count = (int)n;
        return true;
    }
    if (!t->has_sym || t->sym.rank < 0 || t->sym.rank > ONNXC_MAX_RANK)
        return false;
    for (int i = 0; i < t->sym.rank; i++)
        dims[i] = t->sym.dims[i];
    *count = t->sym.rank;
    return true;
}

void oc_type_set_dims(oc_type *t, const oc_dim *dims, int count)
{
    t->has_sym = true;
    t->sym.rank = count;
    for (int i = 0; i < count; i++)
        t->sym.dims[i] = dims[i];
}
