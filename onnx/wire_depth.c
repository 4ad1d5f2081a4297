/* oc_wire_depth.c - bounded walk over protobuf wire format. */
#include "onnx/wire.h"
#include "onnx/wire_depth.h"

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
        if (!oc_wire_varint(&p, end, &key))
            break;
        switch (key & 7) {
        case 0:
            if (!oc_wire_varint(&p, end, &len))
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
            if (!oc_wire_varint(&p, end, &len) || len > (uint64_t)(end - p))
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
