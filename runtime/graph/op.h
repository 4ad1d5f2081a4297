/*
 * op.h - the operator interface: what an operator gives the runtime and
 * what the runtime gives it back. The one header of runtime/ that ops/
 * builds on (with graph.h and the core headers it includes); the runtime
 * itself never includes anything from ops/, it finds operators through
 * oc_ops_find, which ops/registry.c implements.
 *
 * An operator is one file in an ops/ family folder defining one oc_op,
 * plus one line in ops/registry.c. The registry maps (domain, op_type,
 * opset) to an oc_op; the op's `versions` list names the ONNX versions of
 * the operator it implements, and a node gets the newest one not above
 * the model's opset (the ONNX rule for picking an operator version).
 *
 * The stages of a node:
 *  - prepare, once per compiled graph: parse and check the attributes
 *    into params, which the other stages only read;
 *  - infer, at load on static shapes (dims may be symbolic, ranks and
 *    contents unknown) and at every plan on concrete shapes: check the
 *    input types and shapes, give the type and shape of every output.
 *    Inputs whose contents decide the output's shape (Reshape's shape,
 *    NonZero's x) are named in value_inputs: at plan time infer always
 *    sees their contents (the plan is split before a node whose value
 *    inputs are computed during the run, and the rest is planned when
 *    the run reaches it). An infer that can give an output's contents
 *    (Constant) sets its data: later nodes see them at load;
 *  - run, on every inference, unless every input it reads is known when
 *    the plan is made: then it runs once, at plan time (or at load, when
 *    the inputs are constants), and its outputs are values of the plan.
 *    run may assume that infer accepted the shapes; it allocates nothing
 *    (scratch memory comes from workspace, planned in the session's
 *    arena); a bad value it meets (an index out of range, a count that
 *    does not fit) is an ONNXC_ERR_RUN status naming the node, the tensor
 *    and the value (oc_run_error).
 * A control-flow op (If, Loop) runs its subgraphs' programs (node->
 * bodies) through sessions of its own, made by state_new when the session
 * is created (oc_body_session_new); its outputs are memory it holds
 * (owns_outputs).
 * Optional hooks: workspace, prepack (once per compiled graph, e.g.
 * weights into the kernel's layout) with reads_packed_only (the stored
 * copy may go), fuse_activation and fuse_bias (take over the node that
 * follows), flops (for profiles).
 */
#ifndef ONNXC_OP_H
#define ONNXC_OP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onnxc.h"
#include "runtime/core/pool.h"
#include "runtime/core/shape.h"
#include "runtime/graph/graph.h"

struct oc_thread_pool;

/* A value as infer sees it: an element type, a shape and, when known,
 * the contents. At load only constants' contents are known; at plan time
 * also those of graph-independent computations (plan-time values).
 * `sym` tracks a small 1-D or 0-D int64 tensor whose elements are dims,
 * some perhaps symbolic (Shape of [batch, 3] is [batch, 3]), so that
 * shapes computed inside the graph keep their symbols at load. */
typedef struct oc_type {
    onnxc_kind kind, elem_kind;   /* as oc_value's: TENSOR unless set */
    onnxc_dtype dtype;
    oc_shape shape;
    const void *data;    /* the contents, row-major, or NULL */
    bool has_sym;        /* sym holds the elements (sym.rank of them) */
    oc_shape sym;
} oc_type;

/* What prepare is given. */
typedef struct oc_prepare_ctx {
    const oc_node *node;
    oc_pool *pool;            /* params live here, as long as the graph */
    onnxc_kernels kernels;    /* which kernels the session options ask for */
} oc_prepare_ctx;

/* What infer is given. in[k] is NULL for an omitted optional input; out
 * has n_out entries, zeroed (has_sym false), one per node output: an
 * output the model leaves out still has an entry, which is ignored. */
typedef struct oc_infer_ctx {
    const oc_node *node;
    const void *params;
    int n_in, n_out;
    const oc_type *const *in;
    oc_type *const *out;
    bool concrete;            /* plan time: every input dim is known */
} oc_infer_ctx;

/* What run (and workspace) is given. in[k] is NULL for an omitted
 * optional input, out[k] NULL for an output the model leaves out. */
typedef struct oc_run_ctx {
    const oc_node *node;
    const void *params;
    int n_in, n_out;
    const oc_tensor *const *in;
    oc_tensor *const *out;
    void *workspace;          /* the bytes workspace asked for, 64-aligned */
    struct oc_thread_pool *pool;   /* NULL: the calling thread alone */
    int threads;
    void *state;              /* what state_new made for this session */
} oc_run_ctx;

/* What state_new is given: the node of a program (bodies compiled) and
 * the session's limits. */
typedef struct oc_state_ctx {
    const oc_node *node;
    const void *params;
    int64_t max_iterations;   /* the session's bound on Loop iterations, */
    int64_t *iterations_left; /* and what the run has left of it, counted
                               * across nested bodies (-1: no bound) */
    size_t arena_limit;       /* the most bytes the node may hold (0: any) */
    const struct onnxc_session *session;  /* for oc_body_session_new */
} oc_state_ctx;

/* What prepack is given: the node's input values (NULL where omitted),
 * with their contents where the model fixes them. */
typedef struct oc_prepack_ctx {
    const oc_node *node;
    void *params;
    int n_in;
    const oc_value *const *in;
    oc_pool *pool;
} oc_prepack_ctx;

/* Operators the compiler's passes recognise (fusions match on these, and
 * on the version, never on op_type strings). */
typedef enum oc_op_id {
    OC_OP_OTHER = 0,
    OC_OP_ADD,
    OC_OP_RELU,
    OC_OP_LEAKY_RELU,
    OC_OP_CONSTANT,
    OC_OP_IDENTITY,
    OC_OP_SUB,
    OC_OP_MUL,
    OC_OP_DIV,
    OC_OP_POW,
    OC_OP_SQRT,
    OC_OP_REDUCE_MEAN,
    OC_OP_LAYER_NORMALIZATION,
    OC_OP_CONV,
    OC_OP_BATCH_NORMALIZATION,
    OC_OP_CLIP
} oc_op_id;

/* An activation a producer takes into its store, with its parameter:
 * LeakyRelu's alpha; for RELU_CAP, min(max(x, +0), cap) as a Clip whose
 * min is +0 computes it (ReLU6), the cap (its max, FLT_MAX when absent). */
typedef enum oc_activation {
    OC_ACT_NONE,
    OC_ACT_RELU,
    OC_ACT_LEAKY_RELU,
    OC_ACT_RELU_CAP
} oc_activation;

/* max_inputs / max_outputs of an operator taking any number. */
#define OC_VARIADIC INT32_MAX

typedef struct oc_op {
    const char *domain;     /* "" for the default domain */
    const char *op_type;
    const int *versions;    /* ascending ONNX operator versions, 0-ended */
    int last_opset;         /* the newest opset this op is known to match */
    int min_inputs, max_inputs;
    int min_outputs, max_outputs;
    oc_op_id id;
    /* Output 0 may be written over input 0 (elementwise, same size). */
    bool in_place;
    /* Bit k set: infer reads input k's contents (see above). */
    uint32_t value_inputs;
    /* Bit k set: run reads only input k's type and shape, never its
     * contents (Shape, Size): a node is known at plan time once those
     * are. */
    uint32_t shape_inputs;
    /* Its outputs are not a function of its inputs alone (random): never
     * computed ahead of the run. */
    bool no_fold;
    /* Its output shapes depend on contents the plan may not know (NonZero,
     * Unique, Compress): infer then gives the largest shapes the outputs
     * can take, run writes them row-major at their actual shapes and sets
     * those dims in its output tensors, and the plan of the nodes after
     * it is made once it has run (at most 4 outputs). */
    bool data_dependent;
    /* With data_dependent: run points its outputs at memory it holds (in
     * its state), valid until its next run; the plan gives them none, and
     * infer at plan time gives only their types (any dims). */
    bool owns_outputs;
    /* Its inputs and outputs may be sequences and optionals (infer checks
     * their kinds and gives the outputs'; run finds an output the model
     * types a sequence or an optional with data NULL, and sets it); other
     * ops take tensors only. */
    bool any_kind;
    /* The element types it runs, for the README's operator table. */
    const char *types;

    onnxc_status *(*prepare)(const oc_prepare_ctx *ctx, void **params);
    onnxc_status *(*infer)(const oc_infer_ctx *ctx);
    onnxc_status *(*run)(const oc_run_ctx *ctx);
    /* Optional: bytes of scratch run needs for these tensors (ctx's
     * workspace is NULL). */
    size_t (*workspace)(const oc_run_ctx *ctx);
    /* Optional. */
    onnxc_status *(*prepack)(const oc_prepack_ctx *ctx);
    /* Optional, with prepack. True when no run of this node reads input
     * `input` as stored any more, whatever the other inputs' shapes: it
     * reads the copy prepack made. When every reader of a weight says so,
     * the graph releases the stored copy. */
    bool (*reads_packed_only)(const oc_node *node, const void *params,
                              int input);
    /* Optional. Takes over an activation of kind `act` with parameter
     * `param` (see oc_activation) applied to this node's only output;
     * false to decline. */
    bool (*fuse_activation)(const oc_node *node, void *params,
                            oc_activation act, float param);
    /* Optional. Takes over an Add of this node's only (float) output and a
     * constant bias of n floats along its last dim ([n], [1, n], ...): the
     * bias joins the store. false to decline. */
    bool (*fuse_bias)(const oc_node *node, void *params, const float *bias,
                      size_t n);
    /* Optional, for profiles: the arithmetic one run does at ctx's shapes
     * (floating-point operations, a multiply-add counting two). */
    double (*flops)(const oc_run_ctx *ctx);
    /* Optional: what a node keeps per session (its subgraphs' sessions,
     * its output memory), made when the session is created and freed
     * with it; run finds it in ctx->state. */
    onnxc_status *(*state_new)(const oc_state_ctx *ctx, void **state);
    void (*state_free)(void *state);
    /* Optional: the type of declared input j of subgraph `attr` (a Loop
     * body's iteration count, its carried values) from the node's input
     * types, for a model that leaves its element type or shape out; false
     * when it has none. Its dims are taken as unknown, its rank stands. */
    bool (*body_input)(const oc_node *node, int attr, int j,
                       const oc_type *const *in, oc_type *type);
} oc_op;

/* A session running ctx's node's body program `attr` (node->bodies), with
 * the enclosing session's compile options and threads; its arena is its
 * own (never the caller's arena). Free it with onnxc_session_free.
 * (runtime/api/session.c) */
onnxc_status *oc_body_session_new(const oc_state_ctx *ctx, int attr,
                                  onnxc_session **session);

/* Binds input `index` of a body's session to t, of any kind (a sequence
 * is bound as it is, not copied), and reads output `index` of its last
 * run (NULL when there is none). (runtime/api/session.c) */
onnxc_status *oc_session_bind_value(onnxc_session *session, size_t index,
                                    const oc_tensor *t);
const oc_tensor *oc_session_output_value(const onnxc_session *session,
                                         size_t index);

/* The op implementing (domain, op_type) at `opset`, with the selected
 * operator version in *version; NULL when there is none. (ops/registry.c) */
const oc_op *oc_ops_find(const char *domain, const char *op_type,
                         int64_t opset, int *version);

/* NULL when this CPU runs the kernel set `kernels`; else what it lacks
 * ("AVX-512F"), for the message refusing it. (ops/registry.c) */
const char *oc_ops_kernels_missing(onnxc_kernels kernels);

/* The registry, for listing what is supported. */
const oc_op *const *oc_ops_all(size_t *count);

/* An ONNXC_ERR_RUN status for a bad value met by a kernel: "node 'x'
 * (Gather-13): " and the message. (ops/common/attrs.c) */
onnxc_status *oc_run_error(const oc_run_ctx *ctx, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
