/* tensor_file.c - the public onnxc_tensor and onnxc_value: a tensor, a
 * sequence or an optional read from a .pb file, and written to one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/graph/format.h"
#include "runtime/core/file.h"
#include "runtime/core/status.h"
#include <stdbool.h>

struct onnxc_tensor {
    onnx_tensor *t;
};

onnxc_status *onnxc_tensor_read_buffer(const void *data, size_t size,
                                       onnxc_tensor **tensor)
{
    if (!tensor || (!data && size))
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "NULL argument");
    *tensor = NULL;
    onnxc_tensor *out = malloc(sizeof *out);
    if (!out)
        return oc_no_memory();
    onnxc_status *err = oc_onnx_decode_tensor(data, size, &out->t);
    if (err) {
        free(out);
        return err;
    }
    *tensor = out;
    return NULL;
}

onnxc_status *onnxc_tensor_read_file(const char *path, onnxc_tensor **tensor)
{
    void *data;
    size_t size;
    if (!path || !tensor)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "NULL argument");
    *tensor = NULL;
    onnxc_status *err = oc_file_read_all(path, &data, &size);
    if (err)
        return err;
    err = onnxc_tensor_read_buffer(data, size, tensor);
    free(data);
    if (err)
        return oc_error_wrap(err, "%s", path);
    return NULL;
}

/* Writes size bytes to path; frees bytes. */
static onnxc_status *write_bytes(const char *path, void *bytes, size_t size)
{
    onnxc_status *err = NULL;
    FILE *f = fopen(path, "wb");
    if (!f) {
        err = oc_error(ONNXC_ERR_IO, "%s: %s", path, strerror(errno));
    } else {
        bool ok = fwrite(bytes, 1, size, f) == size;
        ok = (fclose(f) == 0) && ok;
        if (!ok)
            err = oc_error(ONNXC_ERR_IO, "%s: write failed", path);
    }
    free(bytes);
    return err;
}

onnxc_status *onnxc_tensor_write_file(const char *path, const char *name,
                                      const onnxc_tensor_view *tensor)
{
    void *bytes;
    size_t size;
    if (!path || !tensor)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "NULL argument");
    onnxc_status *err = oc_onnx_encode_tensor(name, tensor->dtype, tensor->dims,
                                           tensor->rank, tensor->data, &bytes,
                                           &size);
    if (err)
        return oc_error_wrap(err, "%s", path);
    return write_bytes(path, bytes, size);
}

void onnxc_tensor_free(onnxc_tensor *tensor)
{
    if (!tensor)
        return;
    free(tensor->t);
    free(tensor);
}

const char *onnxc_tensor_name(const onnxc_tensor *tensor)
{
    return tensor ? tensor->t->name : "";
}

onnxc_tensor_view onnxc_tensor_get_view(const onnxc_tensor *tensor)
{
    onnxc_tensor_view v = {0};
    if (!tensor)
        return v;
    v.dtype = tensor->t->dtype;
    v.rank = tensor->t->rank;
    v.dims = tensor->t->dims;
    v.data = tensor->t->data;
    v.bytes = tensor->t->bytes;
    return v;
}

struct onnxc_value {
    onnx_value *v;
};

onnxc_status *onnxc_value_read_file(const char *path, onnxc_kind kind,
                                    onnxc_value **value)
{
    void *data;
    size_t size;
    if (!path || !value)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "NULL argument");
    *value = NULL;
    onnxc_value *out = malloc(sizeof *out);
    if (!out)
        return oc_no_memory();
    onnxc_status *err = oc_file_read_all(path, &data, &size);
    if (!err) {
        err = oc_onnx_decode_value(data, size, kind, &out->v);
        free(data);
    }
    if (err) {
        free(out);
        return oc_error_wrap(err, "%s", path);
    }
    *value = out;
    return NULL;
}

void onnxc_value_free(onnxc_value *value)
{
    if (!value)
        return;
    oc_onnx_value_free(value->v);
    free(value);
}

onnxc_kind onnxc_value_kind(const onnxc_value *value)
{
    return value ? value->v->kind : ONNXC_KIND_NONE;
}

size_t onnxc_value_count(const onnxc_value *value)
{
    return value ? value->v->count : 0;
}

const char *onnxc_value_name(const onnxc_value *value)
{
    return value ? value->v->name : "";
}

onnxc_tensor_view onnxc_value_item(const onnxc_value *value, size_t index)
{
    onnxc_tensor_view v = {0};
    if (!value || index >= value->v->count)
        return v;
    const onnx_tensor *t = value->v->items[index];
    v.dtype = t->dtype;
    v.rank = t->rank;
    v.dims = t->dims;
    v.data = t->data;
    v.bytes = t->bytes;
    return v;
}

onnxc_status *onnxc_value_write_file(const char *path, const char *name,
                                     onnxc_kind declared, onnxc_kind kind,
                                     const onnxc_tensor_view *items, size_t count)
{
    void *bytes;
    size_t size;
    if (!path || (count && !items) ||
        (declared != ONNXC_KIND_SEQUENCE && declared != ONNXC_KIND_OPTIONAL) ||
        (declared == ONNXC_KIND_SEQUENCE && kind != ONNXC_KIND_SEQUENCE) ||
        (kind == ONNXC_KIND_TENSOR && count != 1) ||
        (kind == ONNXC_KIND_NONE && count))
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "a value file holds a sequence, or an optional of a "
                        "tensor, a sequence or nothing");
    onnxc_status *err = oc_onnx_encode_value(name, declared, kind, items, count,
                                             &bytes, &size);
    if (err)
        return oc_error_wrap(err, "%s", path);
    return write_bytes(path, bytes, size);
}
