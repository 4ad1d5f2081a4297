/* npy.c - reading and writing NumPy .npy files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"

static const unsigned char MAGIC[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

/* The NumPy type string of each ONNX type both know, little-endian. */
static const struct {
    const char *descr;
    onnxc_dtype dtype;
} TYPES[] = {
    {"<f4", ONNXC_FLOAT},  {"<f8", ONNXC_DOUBLE}, {"<f2", ONNXC_FLOAT16},
    {"|i1", ONNXC_INT8},   {"<i2", ONNXC_INT16},  {"<i4", ONNXC_INT32},
    {"<i8", ONNXC_INT64},  {"|u1", ONNXC_UINT8},  {"<u2", ONNXC_UINT16},
    {"<u4", ONNXC_UINT32}, {"<u8", ONNXC_UINT64}, {"|b1", ONNXC_BOOL},
};

bool npy_is_npy(const void *bytes, size_t size)
{
    return size >= sizeof MAGIC && memcmp(bytes, MAGIC, sizeof MAGIC) == 0;
}

static bool fail(char *err, size_t size, const char *msg)
{
    snprintf(err, size, "%s", msg);
    return false;
}

/* The value of 'key' in the header dict, as the text after "'key':". */
static const char *dict_value(const char *header, const char *key)
{
    char quoted[32];
    snprintf(quoted, sizeof quoted, "'%s'", key);
    const char *p = strstr(header, quoted);
    if (!p)
        return NULL;
    p += strlen(quoted);
    while (*p == ' ')
        p++;
    if (*p != ':')
        return NULL;
    p++;
    while (*p == ' ')
        p++;
    return p;
}

bool npy_parse(const void *bytes, size_t size, npy_array *out, char *err,
               size_t err_size)
{
    const unsigned char *b = bytes;
    memset(out, 0, sizeof *out);
    if (!npy_is_npy(bytes, size))
        return fail(err, err_size, "not a .npy file");
    if (size < 10)
        return fail(err, err_size, "truncated .npy header");
    size_t header_len, start;
    if (b[6] == 1) {
        header_len = (size_t)b[8] | (size_t)b[9] << 8;
        start = 10;
    } else if (b[6] == 2 || b[6] == 3) {
        if (size < 12)
            return fail(err, err_size, "truncated .npy header");
        header_len = (size_t)b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16 |
                     (size_t)b[11] << 24;
        start = 12;
    } else {
        return fail(err, err_size, "unsupported .npy format version");
    }
    if (header_len > size - start || header_len > 65536)
        return fail(err, err_size, ".npy header runs past the end of the file");
    char header[65537];
    memcpy(header, b + start, header_len);
    header[header_len] = 0;

    const char *descr = dict_value(header, "descr");
    const char *order = dict_value(header, "fortran_order");
    const char *shape = dict_value(header, "shape");
    if (!descr || !order || !shape || *descr != '\'' || *shape != '(')
        return fail(err, err_size, "malformed .npy header");
    if (strncmp(order, "True", 4) == 0)
        return fail(err, err_size,
                    ".npy array is in Fortran order; save it C-ordered "
                    "(np.ascontiguousarray) first");
    if (strncmp(order, "False", 5) != 0)
        return fail(err, err_size, "malformed .npy header (fortran_order)");
    descr++;
    size_t dlen = strcspn(descr, "'");
    out->dtype = ONNXC_UNDEFINED;
    for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++)
        if (strlen(TYPES[i].descr) == dlen &&
            strncmp(TYPES[i].descr, descr, dlen) == 0)
            out->dtype = TYPES[i].dtype;
    /* Single-byte types may be spelt with '<' or '=' too. */
    if (out->dtype == ONNXC_UNDEFINED && dlen == 3 && descr[0] != '>' &&
        (descr[1] == 'i' || descr[1] == 'u' || descr[1] == 'b') &&
        descr[2] == '1')
        out->dtype = descr[1] == 'i'   ? ONNXC_INT8
                     : descr[1] == 'u' ? ONNXC_UINT8
                                       : ONNXC_BOOL;
    if (out->dtype == ONNXC_UNDEFINED) {
        snprintf(err, err_size,
                 ".npy dtype '%.*s' is not supported (little-endian float16/32/"
                 "64, int8..64, uint8..64, bool are)",
                 (int)(dlen < 16 ? dlen : 16), descr);
        return false;
    }

    const char *p = shape + 1;
    size_t count = 1;
    while (*p && *p != ')') {
        while (*p == ' ' || *p == ',')
            p++;
        if (*p == ')')
            break;
        char *end;
        errno = 0;
        long long d = strtoll(p, &end, 10);
        if (end == p || errno || d < 0)
            return fail(err, err_size, "malformed .npy shape");
        if (out->rank == ONNXC_MAX_RANK)
            return fail(err, err_size, ".npy array has too many dims");
        out->dims[out->rank++] = d;
        if (d && count > SIZE_MAX / (size_t)d)
            return fail(err, err_size, ".npy shape is too large");
        count *= (size_t)d;
        p = end;
        while (*p == 'L')  /* Python 2 longs */
            p++;
    }
    size_t esize = onnxc_dtype_size(out->dtype);
    if (count > SIZE_MAX / esize)
        return fail(err, err_size, ".npy shape is too large");
    out->bytes = count * esize;
    size_t data_start = start + header_len;
    if (size - data_start != out->bytes) {
        snprintf(err, err_size,
                 ".npy data holds %zu bytes, but its shape needs %zu",
                 size - data_start, out->bytes);
        return false;
    }
    out->data = b + data_start;
    return true;
}

bool npy_write(const char *path, onnxc_dtype dtype, const int64_t *dims,
               int rank, const void *data, size_t bytes)
{
    const char *descr = NULL;
    for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++)
        if (TYPES[i].dtype == dtype)
            descr = TYPES[i].descr;
    if (!descr) {
        errno = EINVAL;
        return false;
    }
    char dict[1024];
    int len = snprintf(dict, sizeof dict,
                       "{'descr': '%s', 'fortran_order': False, 'shape': (",
                       descr);
    for (int i = 0; i < rank; i++)
        len += snprintf(dict + len, sizeof dict - (size_t)len, "%lld%s",
                        (long long)dims[i], rank == 1 ? "," : i + 1 < rank ? ", " : "");
    len += snprintf(dict + len, sizeof dict - (size_t)len, "), }");
    /* Pad with spaces so the data starts on a 64-byte boundary; the header
     * ends with a newline. */
    size_t header = (size_t)len + 1, pre = 10;
    size_t total = (pre + header + 63) / 64 * 64;
    unsigned char head[1152];
    memcpy(head, MAGIC, 6);
    head[6] = 1;
    head[7] = 0;
    head[8] = (unsigned char)((total - pre) & 0xff);
    head[9] = (unsigned char)((total - pre) >> 8);
    memcpy(head + pre, dict, (size_t)len);
    memset(head + pre + len, ' ', total - pre - (size_t)len - 1);
    head[total - 1] = '\n';
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(head, 1, total, f) == total &&
              (bytes == 0 || fwrite(data, 1, bytes, f) == bytes);
    return (fclose(f) == 0) && ok;
}
