/*
 * op_util.h - what most operators share: reading attributes, refusing
 * what they do not run, normalizing an axis, and the run of ops whose
 * output holds their input's data. (ops/common/attrs.c)
 */
#ifndef ONNXC_OP_UTIL_H
#define ONNXC_OP_UTIL_H

#include "runtime/core/status.h"
#include "runtime/graph/op.h"

/* The attribute `name` of the node as a float or an int, `fallback` when
 * absent; INVALID_MODEL when it has another type. */
onnxc_status *oc_attr_float(const oc_node *node, const char *name,
                            float fallback, float *out);
onnxc_status *oc_attr_int(const oc_node *node, const char *name,
                          int64_t fallback, int64_t *out);
/* The ints of attribute `name` (NULL and 0 when absent); INVALID_MODEL
 * when it has another type. */
onnxc_status *oc_attr_ints(const oc_node *node, const char *name,
                           const int64_t **values, size_t *count);
/* The string of attribute `name` (fallback when absent). */
onnxc_status *oc_attr_string(const oc_node *node, const char *name,
                             const char *fallback, const char **out);
/* Refuses attributes the op does not know (a misspelt or newer attribute
 * would otherwise be silently ignored). `known` is NULL-terminated. */
onnxc_status *oc_check_attrs(const oc_node *node, const char *const *known);
/* The prepare of ops whose only attribute is `axis` (Gather,
 * GatherElements): params becomes an oc_axis_param. */
typedef struct oc_axis_param {
    int64_t axis;
} oc_axis_param;
onnxc_status *oc_prepare_axis_only(const oc_prepare_ctx *ctx, int64_t fallback,
                                   void **params);
/* The run of ops whose output holds their input's data (Identity,
 * Flatten, Reshape): a copy, or nothing when the planner gave the output
 * the input's buffer. */
onnxc_status *oc_run_copy(const oc_run_ctx *ctx);
/* What the data-moving ops carry: every type with a size. */
#define OC_DATA_TYPES "all numeric types, bool; float16, bfloat16 carried"

/* Types with a fixed element size: what data-moving ops (Reshape,
 * Identity, ...) can hold. */
bool oc_dtype_has_size(onnxc_dtype dtype);
/* n rounded up to a multiple of 64: where the next part of a workspace
 * starts, so that each part is as aligned as the workspace itself. */
static inline size_t oc_align64(size_t n) { return (n + 63) & ~(size_t)63; }

/* Element i of float or double data, as a double: for the ops that take
 * either and compute in double (GridSample, RoiAlign). */
static inline double oc_real_at(const void *data, bool is_double, size_t i)
{
    return is_double ? ((const double *)data)[i] : (double)((const float *)data)[i];
}

/* The address of element i of the same data (a plane's start). */
static inline const void *oc_real_ptr(const void *data, bool is_double, size_t i)
{
    return is_double ? (const void *)((const double *)data + i)
                     : (const void *)((const float *)data + i);
}

/* Stores v as element i: rounded once to float, or as it is. */
static inline void oc_real_set(void *data, bool is_double, size_t i, double v)
{
    if (is_double)
        ((double *)data)[i] = v;
    else
        ((float *)data)[i] = (float)v;
}

/* The element count of dims[from..rank) of t, as a double: for the
 * operation counts of profiles, where a rounded product is fine. */
static inline double oc_dims_product(const oc_tensor *t, int from)
{
    double n = 1;
    for (int d = from; d < t->rank; d++)
        n *= (double)t->dims[d];
    return n;
}

/* axis normalized against rank (negative counts from the end) into *out;
 * allow_end also accepts rank itself (Flatten). A SHAPE error otherwise. */
onnxc_status *oc_axis(const oc_node *node, int64_t axis, int rank,
                      bool allow_end, int *out);
/* An UNSUPPORTED error for an element type the op does not run. */
onnxc_status *oc_bad_dtype(const oc_node *node, const char *what,
                           onnxc_dtype dtype, const char *supported);
/* A node's message prefix: "node 'x' (Gather-13)" into buf. */
const char *oc_node_desc(const oc_node *node, char *buf, size_t size);

#endif
