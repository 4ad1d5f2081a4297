/*
 * shape.h - tensor shapes, with the symbolic dims ("batch") a model may
 * declare, and the checked arithmetic every size goes through.
 */
#ifndef ONNXC_SHAPE_H
#define ONNXC_SHAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onnxc.h"

/* One dim: a known size (sym < 0), or the symbol `sym` of the graph whose
 * value is bound at run time (value is then -1). OC_SYM_UNKNOWN is a dim
 * only the run will know that no declared symbol names (the -1 of a
 * Reshape whose input has a symbolic batch). */
typedef struct oc_dim {
    int64_t value;
    int32_t sym;
} oc_dim;

/* rank < 0: the rank itself is unknown until run time. */
typedef struct oc_shape {
    int rank;
    oc_dim dims[ONNXC_MAX_RANK];
} oc_shape;

/* The shape of a concrete tensor. */
struct oc_sequence;

typedef struct oc_tensor {
    onnxc_dtype dtype;
    int rank;
    int64_t dims[ONNXC_MAX_RANK];
    void *data;
    /* A sequence value: its tensors (dtype is theirs; rank, dims and data
     * are unused). An optional value holding nothing: none. Else a
     * tensor. */
    const struct oc_sequence *seq;
    bool none;
} oc_tensor;

/* A sequence: count tensors of one element type, whose memory belongs to
 * whoever made the sequence (the node that owns it, or the caller). */
typedef struct oc_sequence {
    size_t count;
    const oc_tensor *items;
} oc_sequence;

#define OC_SYM_UNKNOWN INT32_MAX

static inline oc_dim dim_known(int64_t v) { oc_dim d = {v, -1}; return d; }
static inline oc_dim dim_unknown(void) { oc_dim d = {-1, OC_SYM_UNKNOWN}; return d; }
static inline bool dim_is_known(oc_dim d) { return d.sym < 0; }

/* True when the two dims may be equal: both symbolic, or equal values.
 * A known and a symbolic dim are left for the run to check. */
bool oc_dim_compatible(oc_dim a, oc_dim b);
/* The same for two shapes: equal ranks, each dim pair compatible. */
bool oc_shape_compatible(const oc_shape *a, const oc_shape *b);

/* a * b into *out; false on overflow (or a negative operand). */
bool oc_size_mul(size_t a, size_t b, size_t *out);

/* The number of elements of dims[0..rank); false on overflow or a negative
 * dim. */
bool oc_shape_count(const int64_t *dims, int rank, size_t *count);
/* The bytes of a tensor; false on overflow. */
bool oc_tensor_bytes(onnxc_dtype dtype, const int64_t *dims, int rank,
                  size_t *bytes);
size_t oc_tensor_count(const oc_tensor *t);

/* The product of dims [from, to) of s as one dim: known when they all
 * are (or one is 0); the symbol itself when it is the only symbolic dim
 * and the rest multiply to 1; unknown otherwise. False when the known
 * dims overflow int64. */
bool oc_shape_product(const oc_shape *s, int from, int to, oc_dim *out);

/* Writes "[2,batch,3]" into buf (truncated to size). symbols names the
 * graph's symbolic dims (may be NULL); unnamed ones print as "?".
 * Returns buf. */
const char *oc_shape_format(const oc_shape *shape, const char *const *symbols,
                         char *buf, size_t size);
/* Writes "[2,5,3]" for concrete dims. */
const char *oc_dims_format(const int64_t *dims, int rank, char *buf, size_t size);

#endif
