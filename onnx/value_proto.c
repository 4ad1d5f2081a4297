/*
 * value_proto.c - SequenceProto and OptionalProto files (onnx-data.proto),
 * what the ONNX test data holds for sequence and optional inputs and
 * outputs. Debian's libonnx-dev ships onnx.proto alone, so these two
 * small messages are read and written with the wire helpers; each tensor
 * inside is a TensorProto, read as tensor_proto.c reads one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx/wire.h"
#include "runtime/core/status.h"
#include "runtime/graph/format.h"

/* onnx-data.proto's field numbers, the same in both messages, and
 * elem_type's values. */
enum { F_NAME = 1, F_ELEM_TYPE = 2, F_TENSOR = 3, F_SPARSE = 4, F_SEQUENCE = 5,
       F_MAP = 6, F_OPTIONAL = 7 };
enum { E_UNDEFINED = 0, E_TENSOR = 1, E_SPARSE = 2, E_SEQUENCE = 3, E_MAP = 4,
       E_OPTIONAL = 5 };

/* Sequences nest no deeper than an optional holding one. */
#define MAX_ITEMS ((size_t)1 << 24)

void oc_onnx_value_free(onnx_value *v)
{
    if (!v)
        return;
    for (size_t k = 0; k < v->count; k++)
        free(v->items[k]);
    free(v->items);
    free(v->name);
    free(v);
}

static onnxc_status *add_item(onnx_value *v, const oc_wire_field *f)
{
    if (v->count == MAX_ITEMS)
        return oc_error(ONNXC_ERR_UNSUPPORTED, "a sequence of more than %zu "
                        "tensors", MAX_ITEMS);
    onnx_tensor **grown = realloc(v->items, (v->count + 1) * sizeof *grown);
    if (!grown)
        return oc_no_memory();
    v->items = grown;
    onnxc_status *err = oc_onnx_decode_tensor(f->payload, f->len,
                                              &v->items[v->count]);
    if (err)
        return oc_error_wrap(err, "tensor %zu", v->count);
    v->count++;
    return NULL;
}

/* One message's fields into v; `optional`: an OptionalProto (one tensor
 * or one sequence in it), else a SequenceProto. */
static onnxc_status *read_fields(const uint8_t *p, const uint8_t *end,
                                 bool optional, int depth, onnx_value *v)
{
    uint64_t elem = E_UNDEFINED;
    bool has_value = false;
    onnxc_status *err;
    while (p < end) {
        const uint8_t *at = p;
        uint64_t key;
        oc_wire_field f;
        if (!oc_wire_varint(&at, end, &key))
            return oc_error(ONNXC_ERR_INVALID_MODEL, "the protobuf does not parse");
        if ((key >> 3) == F_ELEM_TYPE && (key & 7) == 0) {
            if (!oc_wire_varint(&at, end, &elem))
                return oc_error(ONNXC_ERR_INVALID_MODEL, "the protobuf does not parse");
            p = at;
            continue;
        }
        if (!oc_wire_next(&p, end, &f))
            return oc_error(ONNXC_ERR_INVALID_MODEL, "the protobuf does not parse");
        if (f.type != 2)
            continue;   /* unknown scalar fields are skipped, as protobuf does */
        switch (f.number) {
        case F_NAME:
            if (!v->name || !*v->name) {
                free(v->name);
                if (!(v->name = malloc(f.len + 1)))
                    return oc_no_memory();
                memcpy(v->name, f.payload, f.len);
                v->name[f.len] = 0;
            }
            break;
        case F_TENSOR:
            if ((err = add_item(v, &f)))
                return err;
            v->kind = optional ? ONNXC_KIND_TENSOR : ONNXC_KIND_SEQUENCE;
            has_value = true;
            break;
        case F_SEQUENCE:
            if (!optional || depth > 0)
                return oc_error(ONNXC_ERR_UNSUPPORTED,
                                "sequences of sequences are not supported");
            v->kind = ONNXC_KIND_SEQUENCE;
            has_value = true;
            if ((err = read_fields(f.payload, f.payload + f.len, false,
                                   depth + 1, v)))
                return err;
            break;
        case F_SPARSE:
        case F_MAP:
        case F_OPTIONAL:
            return oc_error(ONNXC_ERR_UNSUPPORTED, "%s are not supported",
                            f.number == F_SPARSE ? "sparse tensors"
                            : f.number == F_MAP  ? "maps"
                                                 : "optionals of optionals");
        default:
            break;
        }
    }
    if (optional && !has_value)
        v->kind = ONNXC_KIND_NONE;
    if (optional && v->count > 1 && v->kind == ONNXC_KIND_TENSOR)
        return oc_error(ONNXC_ERR_INVALID_MODEL, "an optional holds %zu tensors",
                        v->count);
    if (elem == E_SPARSE || elem == E_MAP || elem == E_OPTIONAL ||
        (elem == E_SEQUENCE && !optional))
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "elem_type %llu: only tensors and (in an optional) "
                        "sequences of tensors are supported",
                        (unsigned long long)elem);
    return NULL;
}

onnxc_status *oc_onnx_decode_value(const void *data, size_t size, onnxc_kind kind,
                                   onnx_value **value)
{
    *value = NULL;
    if (kind != ONNXC_KIND_SEQUENCE && kind != ONNXC_KIND_OPTIONAL)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "a value file holds a sequence or an optional");
    onnx_value *v = calloc(1, sizeof *v);
    if (!v)
        return oc_no_memory();
    v->kind = kind == ONNXC_KIND_SEQUENCE ? ONNXC_KIND_SEQUENCE : ONNXC_KIND_NONE;
    onnxc_status *err = read_fields(data, (const uint8_t *)data + size,
                                    kind == ONNXC_KIND_OPTIONAL, 0, v);
    if (!err && !v->name && !(v->name = calloc(1, 1)))
        err = oc_no_memory();
    if (err) {
        oc_onnx_value_free(v);
        return oc_error_wrap(err, "not a valid %s",
                             kind == ONNXC_KIND_SEQUENCE ? "SequenceProto"
                                                         : "OptionalProto");
    }
    *value = v;
    return NULL;
}

/* A growing byte buffer for writing. */
typedef struct out_buf {
    uint8_t *bytes;
    size_t len, cap;
    bool failed;
} out_buf;

static void put(out_buf *b, const void *data, size_t n)
{
    if (b->failed)
        return;
    if (n > SIZE_MAX - b->len) {
        b->failed = true;
        return;
    }
    if (b->len + n > b->cap) {
        size_t cap = (b->len + n) * 2;
        uint8_t *grown = realloc(b->bytes, cap);
        if (!grown) {
            b->failed = true;
            return;
        }
        b->bytes = grown;
        b->cap = cap;
    }
    memcpy(b->bytes + b->len, data, n);
    b->len += n;
}

static void put_varint(out_buf *b, uint64_t v)
{
    uint8_t tmp[10];
    size_t n = 0;
    do {
        tmp[n] = (uint8_t)(v & 0x7f);
        v >>= 7;
        tmp[n] |= v ? 0x80 : 0;
        n++;
    } while (v);
    put(b, tmp, n);
}

static void put_field(out_buf *b, int number, const void *data, size_t n)
{
    put_varint(b, (uint64_t)number << 3 | 2);
    put_varint(b, n);
    put(b, data, n);
}

/* A SequenceProto of the items (its bytes appended to b). */
static onnxc_status *put_sequence(out_buf *b, const char *name,
                                  const onnxc_tensor_view *items, size_t count)
{
    if (name && *name)
        put_field(b, F_NAME, name, strlen(name));
    put_varint(b, (uint64_t)F_ELEM_TYPE << 3);
    put_varint(b, E_TENSOR);
    for (size_t k = 0; k < count; k++) {
        void *bytes;
        size_t size;
        onnxc_status *err = oc_onnx_encode_tensor(NULL, items[k].dtype,
                                                  items[k].dims, items[k].rank,
                                                  items[k].data, &bytes, &size);
        if (err)
            return err;
        put_field(b, F_TENSOR, bytes, size);
        free(bytes);
    }
    return NULL;
}

onnxc_status *oc_onnx_encode_value(const char *name, onnxc_kind declared,
                                   onnxc_kind kind, const onnxc_tensor_view *items,
                                   size_t count, void **bytes, size_t *size)
{
    out_buf b = {0};
    onnxc_status *err = NULL;
    if (declared == ONNXC_KIND_SEQUENCE) {
        err = put_sequence(&b, name, items, count);
    } else {
        out_buf inner = {0};
        if (name && *name)
            put_field(&b, F_NAME, name, strlen(name));
        put_varint(&b, (uint64_t)F_ELEM_TYPE << 3);
        put_varint(&b, kind == ONNXC_KIND_SEQUENCE ? E_SEQUENCE
                       : kind == ONNXC_KIND_TENSOR ? E_TENSOR
                                                   : E_UNDEFINED);
        if (kind == ONNXC_KIND_SEQUENCE)
            err = put_sequence(&inner, NULL, items, count);
        else if (kind == ONNXC_KIND_TENSOR && count == 1)
            err = oc_onnx_encode_tensor(NULL, items[0].dtype, items[0].dims,
                                        items[0].rank, items[0].data,
                                        (void **)&inner.bytes, &inner.len);
        if (!err && kind != ONNXC_KIND_NONE)
            put_field(&b, kind == ONNXC_KIND_SEQUENCE ? F_SEQUENCE : F_TENSOR,
                      inner.bytes, inner.len);
        b.failed = b.failed || inner.failed;
        free(inner.bytes);
    }
    if (!err && b.failed)
        err = oc_no_memory();
    if (err) {
        free(b.bytes);
        return err;
    }
    *bytes = b.bytes ? (void *)b.bytes : malloc(1);
    *size = b.len;
    return *bytes ? NULL : oc_no_memory();
}
