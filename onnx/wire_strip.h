/*
 * wire_strip.h - loading weights without copying them: the model's bytes
 * rewritten without the raw_data of its large initializers, for
 * protobuf-c to parse (it copies every bytes field it meets), and where
 * each one's raw_data lies in the original bytes, for the decoder to use
 * in place. Internal to onnx/.
 */
#ifndef ONNXC_WIRE_STRIP_H
#define ONNXC_WIRE_STRIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* raw_data fields at least this long are left out when loading. */
#define WIRE_STRIP_MIN_BYTES 4096

/* Where initializer i's raw_data lies in the original bytes (len 0: it
 * was kept in the rewrite, or has none). */
typedef struct oc_raw_ref {
    size_t offset, len;
} oc_raw_ref;

typedef struct oc_stripped {
    uint8_t *bytes;      /* the rewrite, malloc'd */
    size_t size;
    oc_raw_ref *refs;    /* one per initializer, in file order, malloc'd */
    size_t n_refs;
} oc_stripped;

/* The rewrite of a ModelProto (field 7 graph, its field 5 initializers,
 * their field 9 raw_data of min_bytes or more). False when nothing was left out, or when the
 * bytes are not well-formed wire format, or on no memory: the caller then
 * parses the original bytes, which reports what is wrong. */
bool oc_wire_strip_weights(const uint8_t *data, size_t size, size_t min_bytes,
                           oc_stripped *out);

void oc_stripped_free(oc_stripped *s);

#endif
