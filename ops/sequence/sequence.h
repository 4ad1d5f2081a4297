/*
 * sequence.h - what the sequence and optional operators share: a sequence
 * a node holds (the descriptions of its tensors, and the contents of those
 * it copied: the tensors of a plan's buffers are reused once their last
 * reader has run, a sequence outlives them), and the position input.
 *
 * A sequence names the tensors of the sequences it was made from where
 * they lie (the node that made them holds them until its next run, in the
 * next run of the session): SequenceInsert and SequenceErase copy the
 * descriptions only.
 */
#ifndef ONNXC_SEQUENCE_H
#define ONNXC_SEQUENCE_H

#include "ops/control/body.h"

typedef struct oc_seq_state {
    oc_sequence seq;
    oc_tensor *items;     /* room for cap descriptions */
    size_t cap;
    oc_held copies;       /* the contents it copied */
    size_t limit;         /* the session's arena limit (0: none) */
} oc_seq_state;

/* state_new and state_free of every op that makes a sequence. */
onnxc_status *oc_seq_state_new(const oc_state_ctx *ctx, void **state);
void oc_seq_state_free(void *state);

/* Room for n descriptions in st (their contents kept), and for bytes of
 * copies (at least 1, so that copies.data is never NULL). */
onnxc_status *oc_seq_reserve(const oc_run_ctx *ctx, oc_seq_state *st, size_t n,
                             size_t bytes);

/* Output k becomes the sequence st holds, of element type dtype. */
void oc_seq_output(const oc_run_ctx *ctx, int k, oc_seq_state *st,
                   onnxc_dtype dtype);

/* The position in input k (int32 or int64, one element) for a sequence
 * of n tensors: in [-n, n - 1], or [-n, n] with `end` (an insertion);
 * negative counts from the back. *pos is the index from the front. */
onnxc_status *oc_seq_position(const oc_run_ctx *ctx, int k, size_t n, bool end,
                              size_t *pos);

/* Input k as a sequence: an error naming the node when it is not one. */
onnxc_status *oc_seq_input(const oc_run_ctx *ctx, int k, const oc_sequence **seq);

/* infer's checks: input k is a sequence (of element type *dtype), or a
 * tensor; the position's type. */
onnxc_status *oc_seq_expect(const oc_infer_ctx *ctx, int k, onnxc_kind kind);
onnxc_status *oc_seq_check_position(const oc_infer_ctx *ctx, int k);

/* Output k's type at load: a sequence of dtype, tensors of any shape (or
 * the given one). */
void oc_seq_type(const oc_infer_ctx *ctx, int k, onnxc_dtype dtype,
                 const oc_shape *shape);

#endif
