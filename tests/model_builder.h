/*
 * model_builder.h - builds ONNX models in memory for the unit tests.
 *
 * A builder holds one Onnx__ModelProto (protobuf-c's generated type) and
 * owns every string and array hung on it, so a test can build a model in
 * a few lines, pack it to bytes and free it all with mb_free(). The
 * functions return the protobuf-c structs they create, so a test that
 * needs something unusual (a wrong length, external data) edits the
 * struct directly.
 *
 * Shapes are written as strings, one entry per dim separated by commas:
 * a number is a fixed dim ("-1" too, to build invalid models), "?" an
 * unnamed symbolic dim, anything else a named one. "batch,10" is
 * [batch, 10]; "" is a scalar (rank 0); NULL means no shape at all.
 * Name lists use the same commas: "x,w,b"; "x,,b" leaves input 1 empty.
 *
 * Failing to allocate aborts: these are tests, not the library.
 */
#ifndef MODEL_BUILDER_H
#define MODEL_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "onnx.pb-c.h"
#include "onnxc.h"

typedef struct mb_model mb_model;

/* A model with the given IR version and an empty graph named "test". No
 * opset is imported: call mb_opset(). ir_version 0 leaves the field
 * unset. */
mb_model *mb_new(int64_t ir_version);
void mb_free(mb_model *m);

/* The proto itself, for edits the helpers do not cover. */
Onnx__ModelProto *mb_proto(mb_model *m);

/* Imports `domain` ("" for the default one) at `version`. */
void mb_opset(mb_model *m, const char *domain, int64_t version);
/* Drops the graph: a model that has none. */
void mb_remove_graph(mb_model *m);

/* Graph inputs and outputs. elem_type is an ONNX element type (the
 * onnxc_dtype values); shape as described above. */
Onnx__ValueInfoProto *mb_input(mb_model *m, const char *name, int elem_type,
                               const char *shape);
Onnx__ValueInfoProto *mb_output(mb_model *m, const char *name, int elem_type,
                                const char *shape);

/* Makes a value declared by mb_input or mb_output a sequence of what it
 * declared (kind ONNXC_KIND_SEQUENCE) or an optional of it (OPTIONAL;
 * after a SEQUENCE wrap, an optional sequence). */
void mb_wrap(mb_model *m, Onnx__ValueInfoProto *vi, onnxc_kind kind);

/* An initializer whose data is `bytes` bytes of raw_data (copied; data
 * may be NULL when bytes is 0). */
Onnx__TensorProto *mb_initializer_raw(mb_model *m, const char *name,
                                      int elem_type, const char *dims,
                                      const void *data, size_t bytes);
/* A float initializer: raw_data holding `count` floats. */
Onnx__TensorProto *mb_initializer_f32(mb_model *m, const char *name,
                                      const char *dims, const float *values,
                                      size_t count);
/* A float initializer in the typed float_data field instead of raw_data. */
Onnx__TensorProto *mb_initializer_float_data(mb_model *m, const char *name,
                                             const char *dims,
                                             const float *values,
                                             size_t count);
/* Moves a tensor's data to a file: clears raw_data and sets data_location
 * EXTERNAL with the given entries. offset and length may be NULL to leave
 * them out. Does not write the file. */
void mb_set_external(mb_model *m, Onnx__TensorProto *t, const char *location,
                     const char *offset, const char *length);

/* A node in the default domain; name may be NULL (unnamed). inputs and
 * outputs are comma-separated name lists. */
Onnx__NodeProto *mb_node(mb_model *m, const char *op_type, const char *name,
                         const char *inputs, const char *outputs);
void mb_node_domain(mb_model *m, Onnx__NodeProto *n, const char *domain);
void mb_attr_float(mb_model *m, Onnx__NodeProto *n, const char *name, float f);
void mb_attr_int(mb_model *m, Onnx__NodeProto *n, const char *name, int64_t i);
void mb_attr_ints(mb_model *m, Onnx__NodeProto *n, const char *name,
                  const int64_t *values, size_t count);
void mb_attr_string(mb_model *m, Onnx__NodeProto *n, const char *name,
                    const char *value);
void mb_attr_floats(mb_model *m, Onnx__NodeProto *n, const char *name,
                    const float *values, size_t count);
void mb_attr_strings(mb_model *m, Onnx__NodeProto *n, const char *name,
                     const char *const *values, size_t count);

/* Subgraphs (If's branches, a Loop's body): between begin and end,
 * mb_input, mb_output, mb_initializer_* and mb_node add to a new graph,
 * which end hangs on node n as GRAPH attribute attr_name. They nest (up
 * to 32 deep). */
void mb_subgraph_begin(mb_model *m, const char *name);
void mb_subgraph_end(mb_model *m, Onnx__NodeProto *n, const char *attr_name);

/* The model serialized: a malloc'd buffer the caller frees. */
void *mb_pack(const mb_model *m, size_t *size);

/* Packs and loads with onnxc_model_load_buffer (base_dir as given). */
onnxc_status *mb_load(const mb_model *m, const char *base_dir,
                      onnxc_model **model);

/* Packs into a file; returns 0 on success. */
int mb_write_file(const mb_model *m, const char *path);

#endif
