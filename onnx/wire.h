/*
 * wire.h - reading the protobuf wire format: varints and the extent of
 * one field. Internal to onnx/.
 */
#ifndef ONNXC_WIRE_H
#define ONNXC_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reads a varint at *p; false when it runs past end or past 10 bytes. */
static inline bool oc_wire_varint(const uint8_t **p, const uint8_t *end,
                                  uint64_t *v)
{
    uint64_t out = 0;
    for (int shift = 0; shift < 70 && *p < end; shift += 7) {
        uint8_t b = *(*p)++;
        out |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = out;
            return true;
        }
    }
    return false;
}

/* One field at *p: its number, wire type and, for length-delimited ones,
 * its payload; *p moves past it. False on malformed bytes or a group
 * (wire types 3 and 4, which ONNX does not use). */
typedef struct oc_wire_field {
    uint64_t number;
    int type;
    const uint8_t *payload;   /* type 2 */
    size_t len;
} oc_wire_field;

static inline bool oc_wire_next(const uint8_t **p, const uint8_t *end,
                                oc_wire_field *f)
{
    uint64_t key, v;
    if (!oc_wire_varint(p, end, &key))
        return false;
    f->number = key >> 3;
    f->type = (int)(key & 7);
    switch (f->type) {
    case 0:
        return oc_wire_varint(p, end, &v);
    case 1:
        if (end - *p < 8)
            return false;
        *p += 8;
        return true;
    case 5:
        if (end - *p < 4)
            return false;
        *p += 4;
        return true;
    case 2:
        if (!oc_wire_varint(p, end, &v) || v > (uint64_t)(end - *p))
            return false;
        f->payload = *p;
        f->len = (size_t)v;
        *p += f->len;
        return true;
    default:
        return false;
    }
}

#endif
