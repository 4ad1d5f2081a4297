/*
 * axes.h - a list of axes, as an attribute (older versions) or as an
 * int64 input whose contents the plan knows (Unsqueeze, Squeeze and the
 * reductions from 13 or 18), normalized and checked once for all of
 * them. (ops/common/axes.c)
 */
#ifndef ONNXC_AXES_H
#define ONNXC_AXES_H

#include <stdbool.h>

#include "runtime/graph/op.h"

typedef struct oc_axes {
    int count;              /* -1: none given */
    int64_t axes[ONNXC_MAX_RANK];
} oc_axes;

/* The attribute `axes` of node into *out (count -1 when absent); more
 * than ONNXC_MAX_RANK entries is UNSUPPORTED. */
onnxc_status *oc_axes_from_attr(const oc_node *node, oc_axes *out);

/* The contents of axes input t (NULL: omitted) into *out; *known false
 * when only the plan will know them. */
onnxc_status *oc_axes_from_input(const oc_node *node, const oc_type *t,
                                 oc_axes *out, bool *known);

/* The axes made non-negative against `rank`, into mask (bit d set for
 * axis d): a SHAPE error names an axis out of [-rank, rank-1] or given
 * twice. */
onnxc_status *oc_axes_mask(const oc_node *node, const oc_axes *axes, int rank,
                           unsigned *mask);

#endif
