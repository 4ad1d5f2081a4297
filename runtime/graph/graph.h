/*
 * graph.h - the runtime's own form of a model: values, nodes, attributes,
 * weights and opsets, independent of protobuf.
 *
 * onnx/ translates a ModelProto into a graph: declared values (graph inputs
 * and initializers), nodes naming their inputs and outputs, declared graph
 * outputs. The compiler's passes (runtime/compile/) then check it, link
 * names to values, order the nodes and infer every value's static type and
 * shape, and make from it the programs sessions run. A graph is read-only
 * once compiled and may be shared by any number of sessions. Everything
 * it holds lives in its pool (a program also points into the checked
 * graph it was made from, which outlives it).
 */
#ifndef ONNXC_GRAPH_H
#define ONNXC_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onnxc.h"
#include "runtime/core/pool.h"
#include "runtime/core/shape.h"

struct oc_op;

/* Attribute types: the values of onnx.AttributeProto.AttributeType. */
enum {
    OC_ATTR_FLOAT = 1,
    OC_ATTR_INT = 2,
    OC_ATTR_STRING = 3,
    OC_ATTR_TENSOR = 4,
    OC_ATTR_GRAPH = 5,
    OC_ATTR_FLOATS = 6,
    OC_ATTR_INTS = 7,
    OC_ATTR_STRINGS = 8,
    OC_ATTR_TYPE_PROTO = 13
};

typedef struct oc_attr {
    const char *name;
    int type;
    float f;
    int64_t i;
    const char *s;      /* OC_ATTR_STRING: bytes, NUL-terminated */
    size_t s_len;
    const float *floats;
    const int64_t *ints;
    const char *const *strings;   /* OC_ATTR_STRINGS, NUL-terminated */
    size_t count;       /* entries of floats, ints or strings */
    /* OC_ATTR_TENSOR: its type, shape and data (in the graph's pool);
     * t_bad_type names a tensor onnxc cannot hold ("string tensor"). */
    oc_tensor t;
    size_t t_bytes;
    const char *t_bad_type;
    /* OC_ATTR_TYPE_PROTO (Optional's type): the kind and element type it
     * names, or tp_bad saying what onnxc cannot hold. */
    onnxc_kind tp_kind, tp_elem_kind;
    onnxc_dtype tp_dtype;
    const char *tp_bad;
    /* OC_ATTR_GRAPH: the subgraph (If's branches, a Loop's body), owned by
     * the graph holding the node; checked when its node's inputs are
     * typed (infer_shapes.c). */
    struct oc_graph *g;
} oc_attr;

enum {
    OC_VALUE_INPUT = 1,        /* a graph input the caller may bind */
    OC_VALUE_OUTPUT = 2,       /* a graph output */
    OC_VALUE_INITIALIZER = 4,  /* has constant data from the model */
    OC_VALUE_KNOWN = 8,        /* computed by a node, but its contents are
                                * known at load (a Constant's): data holds
                                * them; the node runs unless folded */
    OC_VALUE_FOLDED = 16,      /* an initializer a pass made (fold_constants,
                                * fuse_layer_norm's ones): not a weight of
                                * the model, never released */
    OC_VALUE_PLAN_TIME = 32,   /* computed from constants, graph inputs and
                                * shapes alone: the session can compute it
                                * when it plans (infer_shapes.c) */
    OC_VALUE_MAPPED = 128,     /* data lies in the model's mapped file, not
                                * in the pool */
    OC_VALUE_DECIDES_SHAPE = 64, /* its contents decide a shape (Reshape's
                                  * shape, or what that is computed from) */
    OC_VALUE_SHAPE_OPERAND = 256 /* and some node reads it directly where
                                  * they do (an op's value input) */
};

typedef struct oc_value {
    const char *name;
    /* A tensor, a sequence (dtype and shape are its tensors') or an
     * optional (of an elem_kind: a tensor or a sequence). */
    onnxc_kind kind, elem_kind;
    onnxc_dtype dtype;   /* UNDEFINED until declared or inferred */
    oc_shape shape;      /* static shape, symbolic dims included */
    unsigned flags;
    /* A small int tensor of dims (Shape's output and what is computed
     * from it): its elements, perhaps symbolic, as infer gave them. */
    bool has_sym;
    oc_shape sym;
    const void *data;    /* initializer data, row-major, native order;
                          * NULL once released because every reader
                          * runs on a packed copy (release_weights.c) */
    size_t bytes;
    const char *bad_type; /* set when the value is nothing onnxc can hold
                           * ("map", "string tensor"): refused once
                           * operators have been checked */
    int producer;        /* index of the node producing it, or -1 */
    int consumers;       /* node inputs that read it */
    int last_use;        /* index of the last node reading it, or -1 */
} oc_value;

typedef struct oc_node {
    const char *name;    /* "" when the model gives none */
    const char *label;   /* for messages: the name, or "#index op_type" */
    const char *op_type;
    const char *domain;  /* "" for the default domain */
    const char **input_names;   /* "" for an omitted optional input */
    int n_inputs;
    const char **output_names;  /* "" for an unused optional output */
    int n_outputs;
    int *inputs;         /* value indices, -1 where omitted (link_values) */
    int *outputs;
    /* Entries of the in/out arrays kernels get: n_inputs (n_outputs), or
     * the op's maximum when that is finite and larger, so an op may read
     * in[k] as NULL for any optional input k (resolve_ops). */
    int in_slots, out_slots;
    oc_attr *attrs;
    int n_attrs;
    int64_t opset;       /* the model's opset for the node's domain, -1
                          * when the model does not import the domain */
    const struct oc_op *op;  /* resolved by resolve_ops */
    int op_version;      /* the operator version that opset selects */
    void *params;        /* the op's parsed attributes */
    /* Inputs after the first n_inputs - n_implicit are values of this
     * graph that the node's subgraphs read by name (capture_outer.c). */
    int n_implicit;
    /* In a program: per attribute, the program of its subgraph (NULL for
     * other attributes), compiled with the same options; owned by it. */
    struct oc_graph **bodies;
} oc_node;

typedef struct oc_opset {
    const char *domain;  /* "" for the default domain */
    int64_t version;
} oc_opset;

typedef struct oc_graph {
    oc_pool pool;
    int64_t ir_version;
    int64_t opset;       /* default domain; 0 when not imported */
    oc_opset *opsets;
    int n_opsets;

    oc_value *values;    /* declared values first, then node outputs */
    int n_values;
    int max_values;      /* capacity of values */
    oc_node *nodes;
    int n_nodes;
    int *inputs;         /* bindable graph inputs, in model order */
    int n_inputs;
    int *outputs;        /* graph outputs, in model order (link_values) */
    oc_value *output_decls;  /* graph outputs as declared (name, type) */
    int n_outputs;

    const char **symbols;  /* names of symbolic dims; NULL if anonymous */
    int n_symbols;

    /* A subgraph: its last n_captured inputs are values of the enclosing
     * graphs it reads by name, bound by its node at each run; depth counts
     * the graphs around it. */
    int n_captured;
    int depth;
    bool captured;       /* capture_outer has run over it */
    bool checked;        /* oc_compile_check has accepted it */

    /* A program: the checked graph it was copied from (weights and names
     * live there); NULL for a checked graph. */
    struct oc_graph *source;
} oc_graph;

/* Subgraphs nest at most this deep (a Loop in an If in a Loop is 3). */
#define OC_MAX_SUBGRAPH_DEPTH 16

/* Creates an empty graph; NULL when out of memory. */
oc_graph *oc_graph_new(void);
/* Frees the graph with its subgraphs (a checked graph) or its nodes'
 * body programs (a program). */
void oc_graph_free(oc_graph *graph);

/* A copy of a checked graph for the later passes to change: its own
 * values, nodes (params NULL, to be prepared again) and node input and
 * output lists; names, attributes and weights stay the source's. NULL
 * when out of memory. */
oc_graph *oc_graph_clone(const oc_graph *source);

/* True when v's contents are fixed by the model: an initializer, a
 * Constant's output, but not a graph input's default, which the caller
 * may replace. What prepacking, fusion and load-time inference may rely
 * on. */
bool oc_value_is_constant(const oc_value *v);

/* Appends a copy of *v to the graph's values (the array grows in the
 * pool when full); its index, or -1 when out of memory. For a pass that
 * adds a constant. */
int oc_graph_add_value(oc_graph *graph, const oc_value *v);

/* Room for n more values without growing; false when out of memory. */
bool oc_graph_reserve_values(oc_graph *graph, int n);

/* Recounts each value's consumers and last reader. */
void oc_graph_count_uses(oc_graph *graph);

/* Drops the nodes marked in `removed` (n_nodes entries), keeping the
 * order of the rest, renumbers the producers and recounts the uses. */
void oc_graph_remove_nodes(oc_graph *graph, const bool *removed);

/* The node reading n's only output, when that output feeds exactly one
 * node input and is not a graph output; else NULL. */
oc_node *oc_graph_only_reader(oc_graph *graph, const oc_node *n);

/* "a tensor", "a sequence", "an optional", "none": for messages. */
const char *oc_kind_name(onnxc_kind kind);

/* The attribute called `name` of a node, or NULL. */
const oc_attr *oc_node_attr(const oc_node *node, const char *name);

/* The opset version a domain is imported at, -1 when it is not. "" and
 * "ai.onnx" are the same domain. */
int64_t oc_graph_opset_of(const oc_graph *graph, const char *domain);

#endif
