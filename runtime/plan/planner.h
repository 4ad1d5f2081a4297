/*
 * planner.h - where each intermediate tensor lives in the session's arena.
 *
 * The planner knows nothing of graphs: it takes buffers with a size and a
 * lifetime (the first and last step at which they are alive) and gives
 * each an offset such that no two buffers alive at the same step overlap.
 * Two strategies run, and the smaller arena wins:
 *  - TensorFlow Lite Micro's greedy one: largest buffer first, each at the
 *    lowest offset free for its whole lifetime;
 *  - a two-ended one aiming at the lower bound (the largest total alive at
 *    one step): in order of birth, each buffer goes to the end of the arena
 *    opposite its youngest live neighbour. On a chain (each tensor feeding
 *    only the next) this is the known optimum, which greedy can miss.
 * It needs no memory of its own beyond the scratch the caller passes, so a
 * session can re-plan without allocating.
 */
#ifndef ONNXC_PLANNER_H
#define ONNXC_PLANNER_H

#include <stdbool.h>
#include <stddef.h>

/* Every buffer starts on this boundary (a cache line; what AVX-512 loads
 * like best). */
#define PLAN_ALIGN 64

typedef struct plan_buffer {
    size_t size;     /* bytes, a multiple of PLAN_ALIGN */
    int first, last; /* alive from step first to step last, inclusive */
    size_t offset;   /* out: where it starts in the arena */
} plan_buffer;

/* bytes rounded up to PLAN_ALIGN into *out; false on overflow. */
bool oc_plan_align(size_t bytes, size_t *out);

/* Scratch entries oc_plan_assign_offsets needs for n buffers. */
#define PLAN_SCRATCH(n) (3 * (n) + 1)

/* Assigns every buffer an offset; returns the arena size they need.
 * scratch: PLAN_SCRATCH(n) entries. */
size_t oc_plan_assign_offsets(plan_buffer *bufs, size_t n, size_t *scratch);

/* The largest total size of buffers alive at one step: no placement can
 * use less. Steps run from 0 to steps - 1; scratch: steps + 1 entries. */
size_t oc_plan_lower_bound(const plan_buffer *bufs, size_t n, int steps,
                        size_t *scratch);

/* True when no two buffers alive at a common step overlap in memory. For
 * tests and debug checks; O(n^2). */
bool oc_plan_is_valid(const plan_buffer *bufs, size_t n);

#endif
