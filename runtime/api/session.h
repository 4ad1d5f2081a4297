/*
 * session.h - the state behind the public onnxc_session handle: input
 * bindings, the concrete shape of every value, the memory plan for those
 * shapes and the arena it lives in. Internal; exposed for the unit tests.
 */
#ifndef ONNXC_SESSION_H
#define ONNXC_SESSION_H

#include <stdbool.h>

#include "onnxc.h"
#include "runtime/compile/compile.h"
#include "runtime/graph/graph.h"
#include "runtime/graph/op.h"
#include "runtime/plan/planner.h"
#include "runtime/exec/eval_node.h"
#include "runtime/exec/thread_pool.h"

typedef struct fixed_dim {
    char *name;
    int64_t value;
} fixed_dim;

struct onnxc_session_options {
    void *arena;              /* caller-owned, or NULL */
    size_t arena_bytes;
    size_t arena_limit;       /* 0: none */
    fixed_dim *dims;
    size_t n_dims;
    int threads;
    bool profile;             /* time every node (node_timing) */
    int64_t max_iterations;   /* of a Loop (onnxc_session_options_set_max_iterations) */
    oc_compile_options compile;
};

/* A value input (one whose contents decide shapes, like Reshape's shape
 * read from a graph input) is at most this big: the plan keeps a copy of
 * what it was made for. */
#define SESSION_MAX_VALUE_BYTES 64
enum { VALUE_DECIDES = 1, VALUE_READ_DIRECTLY = 2 };

typedef struct input_binding {
    bool bound;
    onnxc_kind kind;          /* TENSOR, SEQUENCE or NONE */
    const oc_sequence *seq;   /* SEQUENCE: what is bound */
    onnxc_dtype dtype;
    int rank;
    int64_t dims[ONNXC_MAX_RANK];
    const void *data;
    /* planned only, for value inputs: the contents the plan saw */
    unsigned char contents[SESSION_MAX_VALUE_BYTES];
} input_binding;

typedef struct output_binding {
    void *data;               /* caller's buffer, or NULL */
    size_t bytes;
} output_binding;

/* A stretch of nodes planned at once (see session_plan.c). */
#define SEGMENT_KEY_OUTPUTS 4
#define SEGMENT_KEY_VALUES 8
#define SEGMENT_KEY_BYTES 512
typedef struct plan_segment {
    int first, end;               /* nodes [first, end) */
    size_t first_buffer, n_buffers;
    size_t base, bytes;           /* its part of the arena */
    size_t store_end;             /* the value store's use after it */
    /* the output shapes of the data-dependent node before it, as the run
     * gave them when it was planned */
    int key_rank[SEGMENT_KEY_OUTPUTS];
    int64_t key_dims[SEGMENT_KEY_OUTPUTS][ONNXC_MAX_RANK];
    /* and the values computed by the run before it whose contents decide
     * its shapes (a Reshape's shape, TopK's k), type, dims and bytes as
     * they were; key_overflow: too many or too large to keep (the segment
     * is planned again at every run) */
    int key_values[SEGMENT_KEY_VALUES], n_key_values;
    unsigned char key_bytes[SEGMENT_KEY_BYTES];
    size_t key_len;
    bool key_overflow;
    size_t tensors, in_place, no_reuse_bytes, lower_bound;
} plan_segment;

/* One node's kernel time, for profiles. */
typedef struct node_timing {
    double last, total;
    uint64_t runs;
} node_timing;

struct onnxc_session {
    const oc_graph *g;        /* the model's program for these options */

    oc_tensor *tensors;       /* per value: concrete type, shape, data */
    const oc_tensor **node_in;  /* per node, its in_slots */
    oc_tensor **node_out;     /* per node, its out_slots */
    oc_run_ctx *run;          /* per node: what its kernel is given */
    /* scratch for infer at plan time, for the most slots of any node */
    oc_type *in_types, *out_types;
    const oc_type **in_type;
    oc_type **out_type;
    /* per graph input: its contents decide shapes (VALUE_DECIDES), and
     * some node reads it where they do (VALUE_READ_DIRECTLY: a Reshape's
     * shape input), not only through nodes computing from it */
    unsigned char *value_input;
    bool *known;              /* per value: contents known to this plan */
    bool *at_plan;            /* per node: the plan computed its outputs;
                               * it does not run */
    oc_value_store values;    /* what the plan computed */
    bool fold;                /* compute ahead every plan-time value (the
                               * FOLD optimization), not only those that
                               * decide shapes */

    input_binding *inputs;    /* per graph input */
    /* per graph input: the tensors of a sequence bound through the API */
    oc_sequence *bound_seq;
    oc_tensor **bound_items;
    size_t *bound_cap;
    input_binding *planned;   /* the input shapes the plan was made for */
    input_binding *shapes;    /* scratch: this run's input shapes */
    output_binding *outputs;  /* per graph output */
    int64_t *fixed_syms;      /* per symbol: fixed by options, or -1 */
    int64_t *sym_values;      /* per symbol: value in the current plan */
    int *sym_source;          /* per symbol: the input that bound it */

    int *buffer_of;           /* per value: its plan buffer, or -1 */
    int *scratch_of;          /* per node: its workspace buffer, or -1 */
    plan_buffer *buffers;
    size_t n_buffers;
    size_t *scratch;          /* for the planner: PLAN_SCRATCH or steps + 1 */

    oc_thread_pool *pool;     /* NULL with one thread */
    bool pool_owned;          /* false: the enclosing session's (a body's) */
    int threads;
    oc_compile_options compile;
    int64_t max_iterations;
    /* Loop iterations the run may still make, counted across nested
     * bodies: budget points at the outermost session's iterations_left
     * (-1: no bound), which each of its runs resets. */
    int64_t iterations_left;
    int64_t *budget;
    void **state;             /* per node: what its op's state_new made */

    unsigned char *arena;
    size_t arena_bytes;
    bool arena_owned;
    size_t arena_limit;

    node_timing *timing;      /* per node, when profiling; else NULL */

    plan_segment *segments;   /* one more than the data-dependent nodes */
    int n_segments;           /* planned so far for these input shapes */

    bool has_plan;
    bool has_run;
    onnxc_plan_stats stats;
};

/* Plans the first segment for these input shapes. (session_plan.c) */
onnxc_status *oc_session_plan(onnxc_session *s, const input_binding *shapes);

/* Plans segment k (k >= 1) from the shapes the data-dependent node ending
 * segment k - 1 gave, or keeps its plan when they repeat. */
onnxc_status *oc_session_next_segment(onnxc_session *s, int k);

/* Whether the plan keeps a copy of graph input i's contents (bound as b,
 * *bytes of them): an input whose contents decide shapes, at most
 * SESSION_MAX_VALUE_BYTES. The plan computes from a kept input; a larger
 * one is read by the run, and what follows from it waits for the run
 * (the plan splits there), but one read directly by a node whose shape it
 * decides makes the session plan again at every run. */
bool oc_session_keeps_contents(const onnxc_session *s, int i,
                               const input_binding *b, size_t *bytes);

#endif
