/*
 * wire_depth.h - a guard that runs before protobuf-c parses a file.
 *
 * protobuf-c parses nested messages by recursion with no limit, so a file
 * of a few megabytes nesting graphs in attributes in graphs overflows the
 * stack. This walks the wire format first, following only the fields the
 * schema says are messages, and refuses nesting deeper than a bound (the
 * 100 protobuf's own C++ parser allows). Internal to onnx/.
 */
#ifndef ONNXC_WIRE_DEPTH_H
#define ONNXC_WIRE_DEPTH_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>
#include <stdint.h>

#define WIRE_MAX_DEPTH 100

/* The deepest message nesting in the bytes, parsed as `desc`, or a value
 * above max_depth as soon as it is exceeded. Malformed bytes end the walk
 * early; protobuf-c reports them. */
int oc_wire_depth(const uint8_t *data, size_t size,
               const ProtobufCMessageDescriptor *desc, int max_depth);

#endif
