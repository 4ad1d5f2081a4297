/*
 * body.h - what the control-flow ops share: a subgraph's session, its
 * inputs bound from the node's tensors, its outputs copied out into
 * memory the node holds (the body's arena is re-planned by its next run,
 * and a body output may be one of its inputs, which belong to the outer
 * plan).
 */
#ifndef ONNXC_BODY_H
#define ONNXC_BODY_H

#include "runtime/graph/op.h"

typedef struct oc_body {
    onnxc_session *session;
    const oc_graph *program;
    int n_formal;      /* its declared inputs; the captured ones follow */
    int *outer;        /* per captured input, the node input bound to it */
} oc_body;

/* Memory a node holds for an output: grows to the largest size seen. */
typedef struct oc_held {
    void *data;
    size_t cap;
    void *meta;           /* a held sequence: its description */
    size_t meta_cap;
} oc_held;

/* The index of n's GRAPH attribute `name` in *attr; INVALID_MODEL,
 * naming the node, when it is missing or not a graph. */
onnxc_status *oc_body_attr(const oc_node *n, const char *name, int *attr);

/* Opens the session of ctx's body `attr` (a GRAPH attribute) and maps its
 * captured inputs to the node's implicit inputs. Close with
 * oc_body_close, also after a failure. */
onnxc_status *oc_body_open(const oc_state_ctx *ctx, int attr, oc_body *body);
void oc_body_close(oc_body *body);

/* Binds body input `input` to t (its dims and data, not copied). */
onnxc_status *oc_body_bind(const oc_run_ctx *ctx, oc_body *body, int input,
                           const oc_tensor *t);

/* Binds the captured inputs from the node's inputs, then runs the body;
 * a failure names the node. */
onnxc_status *oc_body_run(const oc_run_ctx *ctx, oc_body *body);

/* Output j of the body's last run, of any kind; oc_body_tensor refuses
 * what is not a tensor (a scan output, a condition). */
onnxc_status *oc_body_output(const oc_run_ctx *ctx, oc_body *body, int j,
                             const oc_tensor **t);
onnxc_status *oc_body_tensor(const oc_run_ctx *ctx, oc_body *body, int j,
                             onnxc_tensor_view *view);

/* n held buffers, empty; NULL when out of memory. oc_held_free frees
 * them with what they hold (NULL is allowed). */
oc_held *oc_held_new(int n);
void oc_held_free(oc_held *h, int n);
void oc_held_free_one(oc_held *h);   /* what one holds; it stays usable */

/* Room for `bytes` in h (at most `limit`, 0: any), keeping its contents. */
onnxc_status *oc_held_reserve(const oc_run_ctx *ctx, oc_held *h, size_t bytes,
                              size_t limit);

/* t becomes a copy of src held in h: a tensor, a sequence (its tensors
 * copied too) or none. */
onnxc_status *oc_held_copy(const oc_run_ctx *ctx, oc_held *h, size_t limit,
                           const oc_tensor *src, oc_tensor *t);

/* A tensor as the API's views show one (for oc_held_copy). */
onnxc_tensor_view oc_view_of(const oc_tensor *t);

/* The rows of scan output j (body output j) when no iteration ran: of the
 * shape the body declares when it fixes every dim, else none (the output
 * is [0]), as onnxruntime gives them. */
void oc_body_empty_row(const oc_graph *body, int j, oc_tensor *row);

/* Value v of a checked subgraph as the enclosing graph sees it (kind,
 * element type, shape): its dims
 * that are the subgraph's symbols become unknown. */
void oc_body_value_type(const oc_graph *sub, int v, oc_type *t);

/* into keeps the dims it shares with other (If's two branches, a Loop's
 * carried value before and after an iteration); the rest become unknown,
 * the rank too when they differ. */
void oc_shape_merge(oc_shape *into, const oc_shape *other);

#endif
