/*
 * ops.h - the operator interface and the registry.
 *
 * An operator is one file in ops/ defining one oc_op, plus one line in
 * registry.c. The registry maps (domain, op_type, opset) to an oc_op; the
 * op's `versions` list names the ONNX versions of the operator it
 * implements, and the node gets the newest one not above the model's
 * opset (the ONNX rule for picking an operator version).
 *
 * The three stages of a node:
 *  - prepare, once at load: parse and check the attributes into params;
 *  - infer, at load on static shapes (dims may be symbolic, ranks unknown)
 *    and at every plan on concrete shapes: check input types and shapes,
 *    give the type and shape of every output. An input whose contents
 *    decide shapes (Reshape's shape) is named in value_inputs: infer sees
 *    its data whenever it can be known, and the graph refuses a model
 *    where it cannot. An op marked `constant` (Constant) gives its
 *    outputs' contents from infer: the node is folded away at load;
 *  - run, on every inference: compute. It may assume infer accepted the
 *    shapes; it allocates nothing: scratch memory it asks for with
 *    workspace is planned in the session's arena.
 * Optional hooks: prepack (once at load, e.g. weights into the kernel's
 * layout) with reads_packed_only (the original may go), fuse_bias (absorb
 * a following Add of a constant bias) and fuse_activation (absorb a
 * following Relu/LeakyRelu).
 */
#ifndef ONNXC_OPS_H
#define ONNXC_OPS_H

#include "runtime/graph/graph.h"
#include "runtime/core/shape.h"

struct oc_thread_pool;

/* What a kernel may use to run: the session's threads (pool NULL: one). */
typedef struct oc_exec {
    struct oc_thread_pool *pool;
    int threads;
} oc_exec;

/* The value types infer sees: a dtype, a shape and, when known, the
 * contents: always for initializers and folded constants; for graph inputs
 * only at plan time, and only for value_inputs. */
typedef struct oc_type {
    onnxc_dtype dtype;
    oc_shape shape;
    const void *data;
} oc_type;

/* The most outputs an operator may declare (BatchNormalization-6: 5). */
#define OC_MAX_OUTPUTS 8
/* The most inputs an operator may declare. */
#define OC_MAX_INPUTS 16

/* Which inputs infer and run receive: n entries, NULL for an omitted
 * optional input. */
typedef struct oc_op {
    const char *domain;     /* "" for the default domain */
    const char *op_type;
    const int *versions;    /* ascending ONNX operator versions, 0-ended */
    int last_opset;         /* the newest opset this op is known to match */
    int min_inputs, max_inputs;
    int min_outputs, max_outputs;
    /* Output 0 may be written over input 0 (elementwise, same size). */
    bool in_place;
    /* Bit k set: infer reads input k's contents (see above). */
    unsigned value_inputs;
    /* infer gives every output's data: the node is folded at load. */
    bool constant;
    /* The element types it runs, for the README's operator table. */
    const char *types;

    onnxc_status *(*prepare)(const oc_node *node, oc_pool *pool,
                             void **params);
    /* in: max_inputs entries, NULL where omitted; out: max_outputs
     * entries, zeroed, filled whether or not the model uses them. */
    onnxc_status *(*infer)(const oc_node *node, const void *params,
                           const oc_type *const *in, oc_type *out);
    /* Optional. in: the input values (NULL where omitted). */
    onnxc_status *(*prepack)(const oc_node *node, void *params,
                             const oc_value *const *in, oc_pool *pool);
    /* Optional, with prepack. True when no run of this node reads input
     * `input` as stored any more, whatever the other inputs' shapes: it
     * reads the copy prepack made. When every reader of a weight says so,
     * the graph releases the original. */
    bool (*reads_packed_only)(const oc_node *node, const void *params,
                              int input);
    /* Optional. Takes over `next` (a Relu or LeakyRelu with slope
     * next_alpha) reading this node's only output; false to decline. */
    bool (*fuse_activation)(const oc_node *node, void *params,
                            const oc_node *next, float next_alpha);
    /* Optional. Takes over an Add of this node's only (float) output and a
     * constant bias of n floats along its last dim ([n], [1, n], ...): the
     * bias joins the store. false to decline. */
    bool (*fuse_bias)(const oc_node *node, void *params, const float *bias,
                      size_t n);
    /* Optional. Bytes of scratch run needs for these shapes on this many
     * threads. */
    size_t (*workspace)(const void *params, const oc_tensor *const *in,
                        const oc_tensor *out, int threads);
    /* out: max_outputs entries, NULL for outputs the model leaves out. */
    void (*run)(const void *params, const oc_tensor *const *in,
                oc_tensor *const *out, void *workspace, const oc_exec *exec);
} oc_op;

/* The op implementing (domain, op_type) at `opset`, with the selected
 * operator version in *version; NULL when there is none. */
const oc_op *oc_ops_find(const char *domain, const char *op_type, int64_t opset,
                      int *version);

/* The registry, for listing what is supported. */
const oc_op *const *oc_ops_all(size_t *count);

/* Helpers shared by the kernels' prepare and infer. */
onnxc_status *oc_attr_float(const oc_node *node, const char *name,
                            float fallback, float *out);
onnxc_status *oc_attr_int(const oc_node *node, const char *name,
                          int64_t fallback, int64_t *out);
/* Refuses attributes the op does not know (a misspelt or newer attribute
 * would otherwise be silently ignored). `known` is NULL-terminated. */
onnxc_status *oc_check_attrs(const oc_node *node, const char *const *known);
/* The run of ops whose output holds their input's data (Identity,
 * Flatten, Reshape): a copy, or nothing when the planner gave the output
 * the input's buffer. */
void oc_run_copy(const void *params, const oc_tensor *const *in,
                 oc_tensor *const *out, void *workspace, const oc_exec *exec);
/* Types with a fixed element size: what data-moving ops (Reshape,
 * Identity, ...) can hold. */
bool oc_dtype_has_size(onnxc_dtype dtype);
/* axis normalized against rank (negative counts from the end) into *out;
 * allow_end also accepts rank itself (Flatten). A SHAPE error otherwise. */
onnxc_status *oc_axis(const oc_node *node, int64_t axis, int rank,
                      bool allow_end, int *out);
/* An UNSUPPORTED error for an element type the op does not run. */
onnxc_status *oc_bad_dtype(const oc_node *node, const char *what,
                           onnxc_dtype dtype, const char *supported);

#endif
