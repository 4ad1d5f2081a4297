/*
 * eval_node.h - running one node ahead of the run: at load on constants
 * (constant folding) and while a plan is made on what the plan knows
 * (shapes computed inside the graph), into a value store.
 *
 * A value store is one grow-only block: a plan made again at shapes seen
 * before takes its values from the same memory and allocates nothing.
 */
#ifndef ONNXC_EVAL_NODE_H
#define ONNXC_EVAL_NODE_H

#include <stdbool.h>
#include <stddef.h>

#include "runtime/graph/op.h"

typedef struct oc_value_store {
    unsigned char *mem;
    size_t cap;     /* bytes of mem */
    size_t used;    /* bytes handed out since the last reset */
    size_t need;    /* what the takes since the reset asked for in all */
} oc_value_store;

/* `bytes` from the store, 64-aligned; NULL when they do not fit (need
 * still counts them, for the caller to reserve that much and start
 * again). */
void *oc_value_store_take(oc_value_store *store, size_t bytes);
/* Forgets every take; keeps the memory. */
void oc_value_store_reset(oc_value_store *store);
/* Grows the store to at least `bytes` (its contents are lost). False
 * when out of memory. */
bool oc_value_store_reserve(oc_value_store *store, size_t bytes);
/* Grows the store to at least `bytes`, keeping the first `keep` bytes it
 * holds; *old gets where they were (for the caller to move its pointers
 * by the distance), NULL when nothing moved. False when out of memory. */
bool oc_value_store_grow(oc_value_store *store, size_t bytes, size_t keep,
                         unsigned char **old);
void oc_value_store_free(oc_value_store *store);

/* Runs ctx's node (single-threaded), whose input tensors hold their data
 * and output tensors their shapes: each present output gets its memory
 * from the store, the workspace is taken and given back. *fits is false
 * when the store was too small (nothing ran); errors are the kernel's. */
onnxc_status *oc_eval_node(oc_run_ctx *ctx, oc_value_store *store, bool *fits);

#endif
