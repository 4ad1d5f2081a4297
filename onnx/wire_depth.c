/* oc_wire_depth.c - bounded walk over protobuf wire format. */
#include "onnx/wire_depth.h"

/* Reads a varint at *p; false when it runs past end or past 10 bytes. */
static int read_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
    uint64_t out = 0;
    for (int shift = 0; shift < 70 && *p < end; shift += 7) {
        uint8_t b = *(*p)++;
        out |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = out;
            return 1;
        }
    }
    return 0;
}

/* Walks one message; recursion is bounded by max_depth. */
static int walk(const uint8_t *p, const uint8_t *end,
                const ProtobufCMessageDescriptor *desc, int depth,
                int max_depth)
{
    int deepest = depth;
    if (depth > max_depth)
        return depth;
    while (p < end) {
        uint64_t key, len;
        if (!read_varint(&p, end, &key))
            break;
        switch (key & 7) {
        case 0:
            if (!read_varint(&p, end, &len))
                return deepest;
            break;
        case 1:
            if (end - p < 8)
                return deepest;
            p += 8;
            break;
        case 5:
            if (end - p < 4)
                return deepest;
            p += 4;
            break;
        case 2: {
            if (!read_varint(&p, end, &len) || len > (uint64_t)(end - p))
                return deepest;
            const ProtobufCFieldDescriptor *f =
                key >> 3 > UINT32_MAX ? NULL
                : protobuf_c_message_descriptor_get_field(desc,
                                                          (unsigned)(key >> 3));
            if (f && f->type == PROTOBUF_C_TYPE_MESSAGE) {
                int d = walk(p, p + len, f->descriptor, depth + 1, max_depth);
                if (d > deepest)
                    deepest = d;
                if (deepest > max_depth)
                    return deepest;
            }
            p += len;
            break;
        }
        default:
            return deepest;  /* groups and bad wire types: protobuf-c decides */
        }
    }
    return deepest;
}

int oc_wire_depth(const uint8_t *data, size_t size,
               const ProtobufCMessageDescriptor *desc, int max_depth)
{
    return walk(data, data + size, desc, 0, max_depth);
}
