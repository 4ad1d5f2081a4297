/* shape.c - checked size arithmetic and shape formatting for messages. */
#include <stdio.h>
#include <string.h>

#include "runtime/core/shape.h"

bool oc_dim_compatible(oc_dim a, oc_dim b)
{
    if (!dim_is_known(a) || !dim_is_known(b))
        return true;
    return a.value == b.value;
}

bool oc_shape_compatible(const oc_shape *a, const oc_shape *b)
{
    if (a->rank != b->rank)
        return false;
    for (int d = 0; d < a->rank; d++)
        if (!oc_dim_compatible(a->dims[d], b->dims[d]))
            return false;
    return true;
}

bool oc_size_mul(size_t a, size_t b, size_t *out)
{
    if (b != 0 && a > SIZE_MAX / b)
        return false;
    *out = a * b;
    return true;
}

bool oc_shape_count(const int64_t *dims, int rank, size_t *count)
{
    size_t n = 1;
    for (int i = 0; i < rank; i++) {
        if (dims[i] < 0 || (uint64_t)dims[i] > SIZE_MAX)
            return false;
        if (!oc_size_mul(n, (size_t)dims[i], &n))
            return false;
    }
    *count = n;
    return true;
}

bool oc_tensor_bytes(onnxc_dtype dtype, const int64_t *dims, int rank,
                  size_t *bytes)
{
    size_t n;
    return oc_shape_count(dims, rank, &n) &&
           oc_size_mul(n, onnxc_dtype_size(dtype), bytes);
}

size_t oc_tensor_count(const oc_tensor *t)
{
    size_t n = 1;
    for (int i = 0; i < t->rank; i++)
        n *= (size_t)t->dims[i];  /* checked when the shape was planned */
    return n;
}

static void append(char *buf, size_t size, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (*len + 1 >= size)
        return;
    if (n > size - 1 - *len)
        n = size - 1 - *len;
    memcpy(buf + *len, s, n);
    *len += n;
    buf[*len] = 0;
}

const char *oc_shape_format(const oc_shape *shape, const char *const *symbols,
                         char *buf, size_t size)
{
    size_t len = 0;
    if (size == 0)
        return buf;
    buf[0] = 0;
    if (shape->rank < 0) {
        append(buf, size, &len, "[?]");
        return buf;
    }
    append(buf, size, &len, "[");
    for (int i = 0; i < shape->rank; i++) {
        char tmp[32];
        const oc_dim *d = &shape->dims[i];
        if (i)
            append(buf, size, &len, ",");
        if (dim_is_known(*d)) {
            snprintf(tmp, sizeof tmp, "%lld", (long long)d->value);
            append(buf, size, &len, tmp);
        } else if (symbols && d->sym != OC_SYM_UNKNOWN && symbols[d->sym]) {
            append(buf, size, &len, symbols[d->sym]);
        } else {
            append(buf, size, &len, "?");
        }
    }
    append(buf, size, &len, "]");
    return buf;
}

const char *oc_dims_format(const int64_t *dims, int rank, char *buf, size_t size)
{
    oc_shape s;
    s.rank = rank < 0 ? -1 : rank > ONNXC_MAX_RANK ? ONNXC_MAX_RANK : rank;
    for (int i = 0; i < s.rank; i++)
        s.dims[i] = dim_known(dims[i]);
    return oc_shape_format(&s, NULL, buf, size);
}

bool oc_shape_product(const oc_shape *s, int from, int to, oc_dim *out)
{
    size_t known = 1;
    int symbolic = 0;
    oc_dim sym = dim_unknown();
    for (int d = from; d < to; d++) {
        oc_dim x = s->dims[d];
        if (!dim_is_known(x)) {
            symbolic++;
            sym = x;
        } else if (x.value < 0 || !oc_size_mul(known, (size_t)x.value, &known) ||
                   known > INT64_MAX) {
            return false;
        }
    }
    if (symbolic == 0)
        *out = dim_known((int64_t)known);
    else if (known == 0)
        *out = dim_known(0);
    else
        *out = symbolic == 1 && known == 1 ? sym : dim_unknown();
    return true;
}
