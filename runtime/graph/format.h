/*
 * onnx_format.h - what the runtime asks of the ONNX file format.
 *
 * onnx/ is the only code that sees protobuf-c types. It turns the bytes of
 * a ModelProto into the runtime's graph (not yet validated), and the bytes
 * of a TensorProto (the format of the ONNX test data) into a plain tensor
 * and back.
 */
#ifndef ONNXC_ONNX_FORMAT_H
#define ONNXC_ONNX_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include "runtime/graph/graph.h"
#include "onnxc.h"

/* Translates a ModelProto. base_dir is the folder external data is read
 * from; NULL refuses external data. in_place: the bytes outlive the graph
 * (a mapped file), so weights whose raw_data is aligned are used where
 * they lie (OC_VALUE_MAPPED) instead of copied. On success *graph is a new
 * graph the caller frees with oc_graph_free(). */
onnxc_status *oc_onnx_decode_model(const void *data, size_t size,
                                   const char *base_dir, bool in_place,
                                   oc_graph **graph);

/* A tensor read from a TensorProto: one malloc block holding the struct,
 * its name and its data, so free() releases it all. */
typedef struct onnx_tensor {
    char *name;           /* "" when the proto has none */
    onnxc_dtype dtype;
    int rank;
    int64_t dims[ONNXC_MAX_RANK];
    void *data;           /* row-major, native byte order, 64-byte aligned */
    size_t bytes;
} onnx_tensor;

onnxc_status *oc_onnx_decode_tensor(const void *data, size_t size,
                                 onnx_tensor **tensor);

/* Serializes a tensor as a TensorProto (raw_data). *bytes is malloc'd and
 * owned by the caller. */
onnxc_status *oc_onnx_encode_tensor(const char *name, onnxc_dtype dtype,
                                 const int64_t *dims, int rank,
                                 const void *data, void **bytes, size_t *size);

/* A SequenceProto or an OptionalProto read (`kind` SEQUENCE or OPTIONAL
 * says which the bytes are): what it holds is a sequence of count
 * tensors, a tensor (an optional holding one) or none. Free with
 * oc_onnx_value_free. */
typedef struct onnx_value {
    char *name;
    onnxc_kind kind;      /* SEQUENCE, TENSOR or NONE */
    size_t count;
    onnx_tensor **items;
} onnx_value;

onnxc_status *oc_onnx_decode_value(const void *data, size_t size, onnxc_kind kind,
                                   onnx_value **value);
void oc_onnx_value_free(onnx_value *value);

/* Serializes a value as a SequenceProto (declared SEQUENCE) or an
 * OptionalProto (declared OPTIONAL, holding `kind`: TENSOR, SEQUENCE or
 * NONE). *bytes is malloc'd and owned by the caller. */
onnxc_status *oc_onnx_encode_value(const char *name, onnxc_kind declared,
                                   onnxc_kind kind, const onnxc_tensor_view *items,
                                   size_t count, void **bytes, size_t *size);

#endif
