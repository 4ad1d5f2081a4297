/*
 * graph.h - the runtime's own form of a model: values, nodes, attributes,
 * weights and opsets, independent of protobuf.
 *
 * onnx/ translates a ModelProto into a graph: declared values (graph inputs
 * and initializers), nodes naming their inputs and outputs, declared graph
 * outputs. oc_graph_validate() then checks it: resolves every node's operator
 * first (so an unsupported model is told so before anything else), creates
 * the values nodes produce, links names to values, sorts the nodes
 * topologically and infers the static type and shape of every value. After that the graph is read-only and
 * may be shared by any number of sessions. Everything it holds lives in
 * its pool.
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
    OC_ATTR_STRINGS = 8
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
    size_t count;       /* entries of floats or ints */
    /* OC_ATTR_TENSOR: its type, shape and data (in the graph's pool);
     * t_bad_type names a tensor onnxc cannot hold ("string tensor"). */
    oc_tensor t;
    size_t t_bytes;
    const char *t_bad_type;
} oc_attr;

enum {
    OC_VALUE_INPUT = 1,        /* a graph input the caller may bind */
    OC_VALUE_OUTPUT = 2,       /* a graph output */
    OC_VALUE_INITIALIZER = 4   /* has constant data from the model */
};

typedef struct oc_value {
    const char *name;
    onnxc_dtype dtype;   /* UNDEFINED until declared or inferred */
    oc_shape shape;      /* static shape, symbolic dims included */
    unsigned flags;
    const void *data;    /* initializer data, row-major, native order;
                          * NULL once released because every reader
                          * runs on a packed copy (validate.c) */
    size_t bytes;
    const char *bad_type; /* set when the value is not a tensor onnxc can
                           * hold ("sequence", "string tensor"): refused
                           * once operators have been checked */
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
    int *inputs;         /* value indices, -1 where omitted (by validate) */
    int *outputs;
    oc_attr *attrs;
    int n_attrs;
    int64_t opset;       /* the model's opset for the node's domain, -1
                          * when the model does not import the domain */
    const struct oc_op *op;  /* resolved by oc_graph_validate */
    int op_version;      /* the operator version that opset selects */
    void *params;        /* the op's parsed attributes */
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
    int *outputs;        /* graph outputs, in model order (by validate) */
    oc_value *output_decls;  /* graph outputs as declared (name, type) */
    int n_outputs;

    const char **symbols;  /* names of symbolic dims; NULL if anonymous */
    int n_symbols;
} oc_graph;

/* Creates an empty graph; NULL when out of memory. */
oc_graph *oc_graph_new(void);
void oc_graph_free(oc_graph *graph);

/* Checks the translated graph, resolves operators, sorts the nodes and
 * infers static shapes. Errors name the node or value at fault; an
 * unsupported model gets one UNSUPPORTED error listing every unsupported
 * operator. */
onnxc_status *oc_graph_validate(oc_graph *graph);

/* True when v's contents are fixed by the model: an initializer or a
 * folded Constant, but not a graph input's default, which the caller may
 * replace. What prepacking, fusion and load-time inference may rely on. */
bool oc_value_is_constant(const oc_value *v);

/* The attribute called `name` of a node, or NULL. */
const oc_attr *oc_node_attr(const oc_node *node, const char *name);

/* The opset version a domain is imported at, -1 when it is not. "" and
 * "ai.onnx" are the same domain. */
int64_t oc_graph_opset_of(const oc_graph *graph, const char *domain);

#endif
