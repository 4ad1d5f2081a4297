/* tensor_data.c - checked decoding of TensorProto contents. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "runtime/core/shape.h"
#include "runtime/core/status.h"
#include "onnx/tensor_data.h"

/* How many typed-field entries an element takes: complex types store two. */
static size_t field_entries(onnxc_dtype dtype, size_t count)
{
    return dtype == ONNXC_COMPLEX64 || dtype == ONNXC_COMPLEX128 ? count * 2
                                                                 : count;
}

/* The typed field a type's values live in, and its length. */
static size_t typed_count(const Onnx__TensorProto *t, onnxc_dtype dtype)
{
    switch (dtype) {
    case ONNXC_FLOAT:
    case ONNXC_COMPLEX64: return t->n_float_data;
    case ONNXC_DOUBLE:
    case ONNXC_COMPLEX128: return t->n_double_data;
    case ONNXC_INT64: return t->n_int64_data;
    case ONNXC_UINT32:
    case ONNXC_UINT64: return t->n_uint64_data;
    case ONNXC_STRING: return t->n_string_data;
    default: return t->n_int32_data;
    }
}

static bool is_external(const Onnx__TensorProto *t)
{
    return t->has_data_location &&
           t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
}

onnxc_status *oc_tensor_layout_read(const Onnx__TensorProto *t, const char *what,
                                 tensor_layout *layout)
{
    memset(layout, 0, sizeof *layout);
    int32_t type = t->has_data_type ? t->data_type : 0;
    if (type <= ONNXC_UNDEFINED || type > ONNXC_BFLOAT16)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: unknown element type %d", what, (int)type);
    layout->dtype = (onnxc_dtype)type;
    if (t->n_dims > ONNXC_MAX_RANK)
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "%s: rank %zu is above the supported maximum %d",
                        what, t->n_dims, ONNXC_MAX_RANK);
    layout->rank = (int)t->n_dims;
    for (size_t i = 0; i < t->n_dims; i++) {
        if (t->dims[i] < 0)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "%s: dim %zu is negative (%lld)", what, i,
                            (long long)t->dims[i]);
        layout->dims[i] = t->dims[i];
    }
    char shape[128];
    if (!oc_shape_count(layout->dims, layout->rank, &layout->count))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: shape %s has more elements than memory can hold",
                        what, oc_dims_format(layout->dims, layout->rank, shape,
                                          sizeof shape));
    if (t->segment)
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "%s: segmented tensors are not supported", what);
    if (layout->dtype == ONNXC_STRING) {
        layout->bad_type = "string tensor";
        return NULL;
    }
    if (!oc_size_mul(layout->count, onnxc_dtype_size(layout->dtype),
                  &layout->bytes))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: shape %s has more bytes than memory can hold",
                        what, oc_dims_format(layout->dims, layout->rank, shape,
                                          sizeof shape));
    if (is_external(t))
        return NULL;  /* checked against the file when it is read */
    if (t->has_raw_data) {
        if (t->raw_data.len != layout->bytes)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "%s: raw_data holds %zu bytes, but %s %s needs %zu",
                            what, t->raw_data.len,
                            onnxc_dtype_name(layout->dtype),
                            oc_dims_format(layout->dims, layout->rank, shape,
                                        sizeof shape),
                            layout->bytes);
        return NULL;
    }
    size_t want = field_entries(layout->dtype, layout->count);
    size_t have = typed_count(t, layout->dtype);
    if (have != want)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: %s %s needs %zu values, the file holds %zu",
                        what, onnxc_dtype_name(layout->dtype),
                        oc_dims_format(layout->dims, layout->rank, shape,
                                    sizeof shape),
                        want, have);
    return NULL;
}

static void copy_typed(const Onnx__TensorProto *t, const tensor_layout *l,
                       void *dest)
{
    size_t n = l->count;
    if (n == 0)
        return;  /* protobuf-c leaves empty repeated fields NULL */
    switch (l->dtype) {
    case ONNXC_FLOAT:
    case ONNXC_COMPLEX64:
        memcpy(dest, t->float_data, field_entries(l->dtype, n) * sizeof(float));
        break;
    case ONNXC_DOUBLE:
    case ONNXC_COMPLEX128:
        memcpy(dest, t->double_data,
               field_entries(l->dtype, n) * sizeof(double));
        break;
    case ONNXC_INT64:
        memcpy(dest, t->int64_data, n * sizeof(int64_t));
        break;
    case ONNXC_UINT64:
        memcpy(dest, t->uint64_data, n * sizeof(uint64_t));
        break;
    case ONNXC_UINT32:
        for (size_t i = 0; i < n; i++)
            ((uint32_t *)dest)[i] = (uint32_t)t->uint64_data[i];
        break;
    case ONNXC_INT32:
        memcpy(dest, t->int32_data, n * sizeof(int32_t));
        break;
    case ONNXC_INT16:
    case ONNXC_UINT16:
    case ONNXC_FLOAT16:
    case ONNXC_BFLOAT16:
        /* 16-bit types keep their bits in the low half of an int32. */
        for (size_t i = 0; i < n; i++)
            ((uint16_t *)dest)[i] = (uint16_t)t->int32_data[i];
        break;
    case ONNXC_INT8:
    case ONNXC_UINT8:
    case ONNXC_BOOL:
        for (size_t i = 0; i < n; i++)
            ((uint8_t *)dest)[i] = (uint8_t)t->int32_data[i];
        break;
    default:
        break;
    }
}

static bool parse_size(const char *s, size_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+')
        return false;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > SIZE_MAX)
        return false;
    *out = (size_t)v;
    return true;
}

/* Resolves an external location inside base_dir. Refuses absolute paths,
 * `..` and anything that, once symlinks are followed, leaves the folder. */
static onnxc_status *external_path(const char *what, const char *base_dir,
                                   const char *location, char *path)
{
    if (!base_dir)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "%s: external data '%s' needs a base folder; load the "
                        "model from a file or give one",
                        what, location);
    if (location[0] == '/')
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: external data location '%s' is absolute; it must "
                        "be relative to the model's folder",
                        what, location);
    for (const char *p = location; *p;) {
        size_t len = strcspn(p, "/");
        if (len == 2 && p[0] == '.' && p[1] == '.')
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "%s: external data location '%s' leaves the "
                            "model's folder",
                            what, location);
        p += len;
        p += *p == '/';
    }
    char base[PATH_MAX], joined[PATH_MAX];
    if (!realpath(base_dir, base))
        return oc_error(ONNXC_ERR_IO, "%s: model folder '%s': %s", what,
                        base_dir, strerror(errno));
    if ((size_t)snprintf(joined, sizeof joined, "%s/%s", base, location) >=
        sizeof joined)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: external data path is too long", what);
    if (!realpath(joined, path))
        return oc_error(ONNXC_ERR_IO, "%s: external data '%s': %s", what,
                        location, strerror(errno));
    size_t n = strlen(base);
    if (strncmp(path, base, n) != 0 || (path[n] != '/' && n > 1))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: external data '%s' resolves outside the model's "
                        "folder",
                        what, location);
    return NULL;
}

/* Opens the external file of a tensor and checks its size; on success
 * *file is open and positioned at the tensor's data. */
static onnxc_status *open_external(const Onnx__TensorProto *t, const char *what,
                                   const tensor_layout *l,
                                   const char *base_dir, FILE **file)
{
    const char *location = NULL, *offset_s = NULL, *length_s = NULL;
    *file = NULL;
    for (size_t i = 0; i < t->n_external_data; i++) {
        const Onnx__StringStringEntryProto *e = t->external_data[i];
        if (!e->key || !e->value)
            continue;
        if (strcmp(e->key, "location") == 0)
            location = e->value;
        else if (strcmp(e->key, "offset") == 0)
            offset_s = e->value;
        else if (strcmp(e->key, "length") == 0)
            length_s = e->value;
    }
    if (!location || !*location)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: external data without a location", what);
    size_t offset = 0, length = l->bytes;
    if (offset_s && !parse_size(offset_s, &offset))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: external data offset '%s' is not a size", what,
                        offset_s);
    if (length_s && !parse_size(length_s, &length))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: external data length '%s' is not a size", what,
                        length_s);
    if (length != l->bytes)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: external data length %zu differs from the %zu "
                        "bytes its shape needs",
                        what, length, l->bytes);
    char path[PATH_MAX];
    onnxc_status *err = external_path(what, base_dir, location, path);
    if (err)
        return err;
    FILE *f = fopen(path, "rb");
    if (!f)
        return oc_error(ONNXC_ERR_IO, "%s: external data '%s': %s", what,
                        location, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode))
        err = oc_error(ONNXC_ERR_IO, "%s: external data '%s' is not a file",
                       what, location);
    else if ((uint64_t)st.st_size < offset ||
             (uint64_t)st.st_size - offset < length)
        err = oc_error(ONNXC_ERR_INVALID_MODEL,
                       "%s: external data '%s' holds %lld bytes; offset %zu + "
                       "length %zu is past its end",
                       what, location, (long long)st.st_size, offset, length);
    else if (fseeko(f, (off_t)offset, SEEK_SET) != 0)
        err = oc_error(ONNXC_ERR_IO, "%s: seeking in external data '%s' failed",
                       what, location);
    if (err) {
        fclose(f);
        return err;
    }
    *file = f;
    return NULL;
}

onnxc_status *oc_tensor_data_check(const Onnx__TensorProto *t, const char *what,
                                const tensor_layout *layout,
                                const char *base_dir)
{
    FILE *f;
    if (layout->bad_type || !is_external(t))
        return NULL;
    onnxc_status *err = open_external(t, what, layout, base_dir, &f);
    if (!err)
        fclose(f);
    return err;
}

onnxc_status *oc_tensor_data_copy(const Onnx__TensorProto *t, const char *what,
                               const tensor_layout *layout,
                               const char *base_dir, void *dest)
{
    if (layout->bad_type)
        return NULL;
    if (is_external(t)) {
        FILE *f;
        onnxc_status *err = open_external(t, what, layout, base_dir, &f);
        if (err)
            return err;
        if (fread(dest, 1, layout->bytes, f) != layout->bytes)
            err = oc_error(ONNXC_ERR_IO, "%s: reading external data failed",
                           what);
        fclose(f);
        return err;
    }
    /* raw_data is little-endian, as is every machine onnxc builds for. */
    if (t->has_raw_data) {
        if (layout->bytes)
            memcpy(dest, t->raw_data.data, layout->bytes);
        return NULL;
    }
    copy_typed(t, layout, dest);
    return NULL;
}
