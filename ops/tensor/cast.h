/* cast.h - what Cast shares with CastLike. (ops/tensor/cast.c) */
#ifndef ONNXC_CAST_H
#define ONNXC_CAST_H

#include "runtime/graph/op.h"

/* The type numbered t (TensorProto) as a target Cast converts to;
 * UNSUPPORTED naming a type onnxc does not hold. */
onnxc_status *oc_cast_target(const oc_node *node, int64_t t, onnxc_dtype *out);
/* infer for a cast of input 0 to `to`. */
onnxc_status *oc_cast_infer_to(const oc_infer_ctx *ctx, onnxc_dtype to);
/* run: converts input 0 into output 0's type. */
onnxc_status *oc_cast_run(const oc_run_ctx *ctx);

#endif
