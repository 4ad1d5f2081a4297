/* tensor_proto.c - single TensorProto files, the format of the ONNX test data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/core/shape.h"
#include "runtime/core/status.h"
#include "onnx.pb-c.h"
#include "runtime/graph/format.h"
#include "onnx/tensor_data.h"

#define ALIGN 64

onnxc_status *oc_onnx_decode_tensor(const void *data, size_t size,
                                 onnx_tensor **tensor)
{
    onnxc_status *err = NULL;
    onnx_tensor *out = NULL;
    *tensor = NULL;
    if (size == 0)
        return oc_error(ONNXC_ERR_INVALID_MODEL, "not a TensorProto (empty)");
    Onnx__TensorProto *t =
        onnx__tensor_proto__unpack(NULL, size, (const uint8_t *)data);
    if (!t)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "not a TensorProto (the protobuf does not parse)");
    const char *name = t->name ? t->name : "";
    char what[256];
    snprintf(what, sizeof what, "tensor '%s'", name);
    tensor_layout l;
    /* A lone tensor file has no folder to resolve external data against:
     * refused here, before its claimed size is allocated. */
    if ((err = oc_tensor_layout_read(t, what, &l)) ||
        (err = oc_tensor_data_check(t, what, &l, NULL)))
        goto done;
    if (l.bad_type) {
        err = oc_error(ONNXC_ERR_UNSUPPORTED, "%s: %ss are not supported",
                       what, l.bad_type);
        goto done;
    }
    /* One block: the struct, then the data aligned, then the name. */
    size_t head = (sizeof *out + ALIGN - 1) / ALIGN * ALIGN;
    size_t name_len = strlen(name);
    if (l.bytes > SIZE_MAX - head - name_len - 1 - ALIGN) {
        err = oc_error(ONNXC_ERR_NO_MEMORY, "%s is too large", what);
        goto done;
    }
    out = aligned_alloc(ALIGN, (head + l.bytes + name_len + 1 + ALIGN - 1) /
                                   ALIGN * ALIGN);
    if (!out) {
        err = oc_error(ONNXC_ERR_NO_MEMORY, "%s: cannot allocate %zu bytes",
                       what, l.bytes);
        goto done;
    }
    out->data = (char *)out + head;
    out->name = (char *)out->data + l.bytes;
    memcpy(out->name, name, name_len + 1);
    out->dtype = l.dtype;
    out->rank = l.rank;
    memcpy(out->dims, l.dims, sizeof l.dims);
    out->bytes = l.bytes;
    if ((err = oc_tensor_data_copy(t, what, &l, NULL, out->data)))
        goto done;
    *tensor = out;
    out = NULL;
done:
    free(out);
    onnx__tensor_proto__free_unpacked(t, NULL);
    return err;
}

onnxc_status *oc_onnx_encode_tensor(const char *name, onnxc_dtype dtype,
                                 const int64_t *dims, int rank,
                                 const void *data, void **bytes, size_t *size)
{
    size_t n;
    *bytes = NULL;
    *size = 0;
    if (rank < 0 || rank > ONNXC_MAX_RANK || (rank > 0 && !dims) ||
        !oc_tensor_bytes(dtype, dims, rank, &n) || onnxc_dtype_size(dtype) == 0)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "cannot write tensor '%s': bad type or shape, or NULL "
                        "dims",
                        name ? name : "");
    if (n > 0 && !data)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "cannot write tensor '%s': NULL data", name ? name : "");
    Onnx__TensorProto t = ONNX__TENSOR_PROTO__INIT;
    t.name = (char *)(name ? name : "");
    t.has_data_type = 1;
    t.data_type = (int32_t)dtype;
    t.n_dims = (size_t)rank;
    t.dims = (int64_t *)dims;
    t.has_raw_data = 1;
    t.raw_data.len = n;
    t.raw_data.data = (uint8_t *)data;
    size_t len = onnx__tensor_proto__get_packed_size(&t);
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return oc_no_memory();
    onnx__tensor_proto__pack(&t, buf);
    *bytes = buf;
    *size = len;
    return NULL;
}
