/* wire_strip.c - a ModelProto without its large raw_data (see
 * wire_strip.h). The rewrite is never longer than the original: fields
 * are copied or dropped, and a shorter message has a length varint no
 * longer than before. */
#include <stdlib.h>
#include <string.h>

#include "onnx/wire.h"
#include "onnx/wire_strip.h"

enum { MODEL_GRAPH = 7, GRAPH_INITIALIZER = 5, TENSOR_RAW_DATA = 9 };
enum { LEVEL_MODEL, LEVEL_GRAPH, LEVEL_TENSOR };

typedef struct strip {
    const uint8_t *base;   /* the original bytes */
    size_t min_bytes;
    oc_raw_ref *refs;
    size_t n_refs, cap_refs;
    size_t dropped;
} strip;

static size_t put_varint(uint8_t *out, uint64_t v)
{
    size_t n = 0;
    do {
        out[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    return n;
}

static bool add_ref(strip *s)
{
    if (s->n_refs == s->cap_refs) {
        size_t cap = s->cap_refs ? 2 * s->cap_refs : 16;
        oc_raw_ref *r = realloc(s->refs, cap * sizeof *r);
        if (!r)
            return false;
        s->refs = r;
        s->cap_refs = cap;
    }
    s->refs[s->n_refs].offset = 0;
    s->refs[s->n_refs++].len = 0;
    return true;
}

/* Rewrites the message [p, end) of the given level into out; *n gets its
 * length. */
static bool rewrite(strip *s, const uint8_t *p, const uint8_t *end, int level,
                    uint8_t *out, size_t *n)
{
    size_t at = 0;
    while (p < end) {
        const uint8_t *start = p;
        oc_wire_field f;
        if (!oc_wire_next(&p, end, &f))
            return false;
        bool nested = f.type == 2 &&
                      ((level == LEVEL_MODEL && f.number == MODEL_GRAPH) ||
                       (level == LEVEL_GRAPH && f.number == GRAPH_INITIALIZER));
        if (level == LEVEL_TENSOR && f.type == 2 &&
            f.number == TENSOR_RAW_DATA) {
            /* the last raw_data wins, as when parsing */
            oc_raw_ref *r = &s->refs[s->n_refs - 1];
            r->offset = (size_t)(f.payload - s->base);
            r->len = f.len;
            if (f.len >= s->min_bytes) {
                s->dropped++;
                continue;
            }
            r->len = 0;   /* small: kept in the rewrite */
        }
        if (!nested) {
            memcpy(out + at, start, (size_t)(p - start));
            at += (size_t)(p - start);
            continue;
        }
        if (level == LEVEL_GRAPH && !add_ref(s))
            return false;
        /* the key, then the payload rewritten after room for its length */
        const uint8_t *key_end = start;
        uint64_t key;
        oc_wire_varint(&key_end, end, &key);
        size_t key_len = (size_t)(key_end - start), len_room = 10, inner;
        memcpy(out + at, start, key_len);
        if (!rewrite(s, f.payload, f.payload + f.len, level + 1,
                     out + at + key_len + len_room, &inner))
            return false;
        uint8_t len_bytes[10];
        size_t len_len = put_varint(len_bytes, inner);
        memcpy(out + at + key_len, len_bytes, len_len);
        memmove(out + at + key_len + len_len, out + at + key_len + len_room,
                inner);
        at += key_len + len_len + inner;
    }
    *n = at;
    return true;
}

bool oc_wire_strip_weights(const uint8_t *data, size_t size, size_t min_bytes,
                           oc_stripped *out)
{
    memset(out, 0, sizeof *out);
    strip s = {.base = data, .min_bytes = min_bytes ? min_bytes : 1};
    /* +10 per nesting level: a payload is written after room for its
     * length before it moves into place */
    uint8_t *bytes = malloc(size + 32);
    size_t n = 0;
    bool ok = bytes && rewrite(&s, data, data + size, LEVEL_MODEL, bytes, &n);
    if (!ok || !s.dropped) {
        free(bytes);
        free(s.refs);
        return false;
    }
    out->bytes = bytes;
    out->size = n;
    out->refs = s.refs;
    out->n_refs = s.n_refs;
    return true;
}

void oc_stripped_free(oc_stripped *s)
{
    free(s->bytes);
    free(s->refs);
    memset(s, 0, sizeof *s);
}
