/*
 * compile.h - the compiler: the passes that take a decoded graph to a
 * program a session can plan and run, and the two lists they run in
 * (passes.c, where the order is visible).
 *
 * At load, oc_compile_check runs the checking passes over the decoded
 * graph in place: capture_outer, resolve_ops, link_values, sort_nodes,
 * prepare_nodes, infer_shapes (which checks each node's subgraphs the
 * same way once the node's inputs are typed). What they accept is a valid
 * model, with the static type and shape of every value; the model
 * describes its inputs and outputs from it.
 *
 * Per set of compile options (the session options' optimizations and
 * kernels), oc_compile_program copies the checked graph and runs the
 * optimizing passes over the copy: prepare_nodes (for those kernels),
 * fold_constants, fold_batch_norm, fuse_layer_norm, fuse_bias, fuse_activation,
 * prepack_weights, release_weights, compile_bodies (the subgraphs' own
 * programs). Each pass is one file with its
 * purpose on the first line and can be run alone on a hand-built graph
 * (tests/test_passes.c runs each so).
 */
#ifndef ONNXC_COMPILE_H
#define ONNXC_COMPILE_H

#include <stdbool.h>

#include "onnxc.h"
#include "runtime/graph/graph.h"

typedef struct oc_compile_options {
    unsigned optimize;        /* ONNXC_OPTIMIZE_* bits */
    onnxc_kernels kernels;
} oc_compile_options;

typedef onnxc_status *(*oc_pass_fn)(oc_graph *graph,
                                    const oc_compile_options *options);

typedef struct oc_pass {
    const char *name;
    oc_pass_fn run;
    unsigned needs;           /* the ONNXC_OPTIMIZE_* bit that turns it on;
                               * 0: always runs */
} oc_pass;

/* The checking passes, in place. Errors name the node or value at fault;
 * a model with operators onnxc does not run gets one UNSUPPORTED error
 * listing every one of them, before any other complaint. */
onnxc_status *oc_compile_check(oc_graph *graph);

/* A new program from a checked graph, which must outlive it; free it with
 * oc_graph_free. A weight an earlier program released (its readers ran
 * on packed copies) that this program's kernels would read as stored is
 * refused (UNSUPPORTED, naming the weight). */
onnxc_status *oc_compile_program(oc_graph *checked,
                                 const oc_compile_options *options,
                                 oc_graph **program);

/* The fusions' common walk: for each node n whose output has one reader
 * `next`, asks take(g, n, next); when it says yes (n has taken next's
 * work over), next goes and n writes next's output. (fuse_pairs.c) */
typedef bool (*oc_fuse_fn)(oc_graph *g, oc_node *n, const oc_node *next);
onnxc_status *oc_compile_fuse_pairs(oc_graph *g, oc_fuse_fn take);

/* Value v of g when it is a constant with data (initializer, Constant or
 * folded), else NULL (v < 0 too). (fuse_pairs.c) */
const oc_value *oc_compile_constant(const oc_graph *g, int v);
/* The one element of constant c (of any rank up to max_rank, every dim
 * 1) as a double; false when c is NULL, has more elements, or is not
 * float, double, int32 or int64. (fuse_pairs.c) */
bool oc_compile_scalar(const oc_value *c, int max_rank, double *out);

/* The passes, one per file. */
onnxc_status *oc_pass_capture_outer(oc_graph *g, const oc_compile_options *o);
onnxc_status *oc_pass_resolve_ops(oc_graph *g, const oc_compile_options *o);
onnxc_status *oc_pass_link_values(oc_graph *g, const oc_compile_options *o);
onnxc_status *oc_pass_sort_nodes(oc_graph *g, const oc_compile_options *o);
onnxc_status *oc_pass_prepare_nodes(oc_graph *g, const oc_compile_options *o);
onnxc_status *oc_pass_infer_shapes(oc_graph *g, const oc_compile_options *o);
onnxc_status *oc_pass_fold_constants(oc_graph *g, const oc_compile_options *o);
onnxc_status *oc_pass_fold_batch_norm(oc_graph *g, const oc_compile_options *o);
onnxc_status *oc_pass_fuse_layer_norm(oc_graph *g, const oc_compile_options *o);
onnxc_status *oc_pass_fuse_bias(oc_graph *g, const oc_compile_options *o);
onnxc_status *oc_pass_fuse_activation(oc_graph *g, const oc_compile_options *o);
onnxc_status *oc_pass_prepack_weights(oc_graph *g, const oc_compile_options *o);
onnxc_status *oc_pass_release_weights(oc_graph *g, const oc_compile_options *o);
onnxc_status *oc_pass_compile_bodies(oc_graph *g, const oc_compile_options *o);

/* Whether every node reading value v reads only the copy it prepacked
 * (release_weights.c). */
bool oc_read_packed_only(const oc_graph *g, int v);

#endif
