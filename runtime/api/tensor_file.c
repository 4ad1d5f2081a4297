/* tensor.c - the public onnxc_tensor: a tensor read from a .pb file. */
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
