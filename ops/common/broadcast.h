/*
 * broadcast.h - numpy-style (multidirectional) broadcasting: the output
 * shape of two operands, and walking the output in contiguous runs.
 *
 * Used by the elementwise binary operators (Add, Sub, Mul, Div, PRelu).
 * A walk splits the output into runs along its innermost dims in which
 * each operand either advances one element per output element or stays
 * on one element (stride 1 or 0), so kernels loop without an index
 * computation per element.
 */
#ifndef ONNXC_BROADCAST_H
#define ONNXC_BROADCAST_H

#include "ops/common/op_util.h"

/* The broadcast of shapes a and b (static or concrete). Two symbolic dims
 * that may differ give an unknown dim; a symbol against a known dim gives
 * the known one (the run checks it). Either rank unknown: rank unknown.
 * Errors name the node and both shapes. */
onnxc_status *oc_broadcast_shape(const oc_node *node, const oc_shape *a,
                              const oc_shape *b, oc_shape *out);

/* Operands aligned to the output: `dims` as the output's rank with 1
 * where the operand is broadcast. */
typedef struct bcast_operand {
    const void *data;
    int64_t dims[ONNXC_MAX_RANK];
} bcast_operand;

/* Called for each run: y[i] = f(a[i * sa], b[i * sb]) for i < n, with sa
 * and sb each 0 or 1. */
typedef void (*bcast_loop)(void *y, const void *a, size_t sa, const void *b,
                           size_t sb, size_t n);

/* Walks y (rank, dims, element size y_esize) over operands a and b
 * (elements of in_esize bytes), which broadcast to it, calling loop once
 * per run. */
void oc_broadcast_walk(void *y, const int64_t *dims, int rank, size_t y_esize,
                       size_t in_esize, const bcast_operand *a,
                       const bcast_operand *b, bcast_loop loop);

/* The same over any number of operands (Where has three): run is called
 * once per run of n output elements with each operand's address and its
 * step (0 or 1 elements per output element). */
#define BCAST_MAX_OPERANDS 4
typedef void (*bcast_run)(void *cookie, void *y, const void *const *in,
                          const size_t *step, size_t n);
void oc_broadcast_walk_n(void *y, size_t y_esize, const int64_t *dims,
                         int rank, int n_in, const bcast_operand *in,
                         const size_t *esize, bcast_run run, void *cookie);

/* a's dims right-aligned to rank (numpy's rule), into op. */
void oc_broadcast_align(const oc_tensor *t, int rank, bcast_operand *op);

#endif
