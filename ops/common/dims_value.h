/*
 * dims_value.h - small integer tensors whose elements are dims: Shape's
 * output and what Gather, Concat, Unsqueeze, Squeeze and Cast make of it.
 * At load their elements may be symbolic (Shape of [batch, 3] is
 * [batch, 3]); infer carries them in oc_type's sym so that a Reshape to
 * a computed shape keeps the batch's name. (ops/common/dims_value.c)
 */
#ifndef ONNXC_DIMS_VALUE_H
#define ONNXC_DIMS_VALUE_H

#include <stdbool.h>

#include "runtime/graph/op.h"

/* t's elements as dims, from its contents when known (int32 or int64),
 * else from its sym: false when neither is there, when t has more than
 * ONNXC_MAX_RANK elements or a rank above 1. */
bool oc_type_as_dims(const oc_type *t, oc_dim *dims, int *count);

/* Gives t (an output whose type and shape are set) the elements dims. */
void oc_type_set_dims(oc_type *t, const oc_dim *dims, int count);

/* Element i of an integer tensor of type `dtype` as int64. */
int64_t oc_int_at(const void *data, onnxc_dtype dtype, size_t i);

/* The elements of a 0-D or 1-D int32/int64 tensor of `n` elements at
 * data, up to `max` of them, into out: false when there are more. */
bool oc_int_list(const void *data, onnxc_dtype dtype, int64_t n, int max,
                 int64_t *out);

/* Whether dtype is one of the integer types (bool excluded). */
bool oc_dtype_is_int(onnxc_dtype dtype);

#endif
