/*
 * indices.h - what the ops that address elements by index tensors share
 * (Gather, GatherElements, GatherND, Scatter, ScatterElements, ScatterND,
 * OneHot): reading an index, made non-negative against its axis, and the
 * reductions the scatters apply. (ops/common/indices.c)
 */
#ifndef ONNXC_INDICES_H
#define ONNXC_INDICES_H

#include <stdbool.h>

#include "runtime/graph/op.h"

/* Element i of the int32/int64 tensor idx as an index into an axis of n:
 * negative ones count from the end (valid: [-n, n-1]). *out gets the
 * index made non-negative, or the value read when false (out of range). */
bool oc_index_at(const oc_tensor *idx, size_t i, int64_t n, int64_t *out);

/* The run error for index `value` at element i of `what`, out of range
 * for an axis of size n. */
onnxc_status *oc_index_error(const oc_run_ctx *ctx, const char *what,
                             size_t i, int64_t value, int axis, int64_t n);

/* The checks GatherElements and ScatterElements share: data of a type
 * with a size and rank >= 1, int32/int64 indices of data's rank whose
 * dims off the axis do not exceed data's; *axis normalized (-1 while a
 * rank is unknown). */
onnxc_status *oc_elements_check(const oc_node *node, const oc_type *data,
                                const oc_type *idx, int64_t axis_attr,
                                int *axis);

/* How a scatter combines an update with the element it lands on. */
typedef enum oc_reduction {
    OC_REDUCE_NONE,   /* replace */
    OC_REDUCE_ADD,
    OC_REDUCE_MUL,
    OC_REDUCE_MAX,
    OC_REDUCE_MIN
} oc_reduction;

/* Attribute `reduction` of node (none, add, mul from 16; max, min from
 * 18), "none" when absent. */
onnxc_status *oc_reduction_attr(const oc_node *node, oc_reduction *out);

/* Whether reduction r runs on elements of type t (every type with a size
 * for none; the numeric types otherwise). */
bool oc_reduction_supports(oc_reduction r, onnxc_dtype t);

/* *dst = reduce(*dst, *src) for one element of type t. */
void oc_reduce_one(void *dst, const void *src, onnxc_dtype t, oc_reduction r,
                   size_t esize);

#endif
