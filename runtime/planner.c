/* planner.c - greedy offset assignment by decreasing size. */
#include <stdint.h>

#include "planner.h"

bool plan_align(size_t bytes, size_t *out)
{
    if (bytes > SIZE_MAX - (PLAN_ALIGN - 1))
        return false;
    *out = (bytes + PLAN_ALIGN - 1) / PLAN_ALIGN * PLAN_ALIGN;
    return true;
}

static bool alive_together(const plan_buffer *a, const plan_buffer *b)
{
    return a->first <= b->last && b->first <= a->last;
}

/* Larger first; among equals the earlier-born, so plans are stable. */
static bool goes_before(const plan_buffer *a, const plan_buffer *b)
{
    if (a->size != b->size)
        return a->size > b->size;
    return a->first < b->first;
}

size_t plan_assign_offsets(plan_buffer *bufs, size_t n, size_t *scratch)
{
    size_t *order = scratch;       /* buffers, in placing order */
    size_t *placed = scratch + n;  /* placed buffers, by rising offset */
    size_t n_placed = 0, arena = 0;

    /* Insertion sort: plain, in place, and it never allocates (qsort may). */
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        while (j > 0 && goes_before(&bufs[i], &bufs[order[j - 1]])) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }

    for (size_t i = 0; i < n; i++) {
        plan_buffer *b = &bufs[order[i]];
        size_t offset = 0;
        /* Walk the placed buffers alive at the same time, lowest first,
         * and stop at the first gap large enough. */
        for (size_t k = 0; k < n_placed; k++) {
            const plan_buffer *p = &bufs[placed[k]];
            if (!alive_together(b, p) || p->size == 0)
                continue;
            if (offset + b->size <= p->offset)
                break;
            if (p->offset + p->size > offset)
                offset = p->offset + p->size;
        }
        b->offset = offset;
        size_t k = n_placed++;
        while (k > 0 && bufs[placed[k - 1]].offset > offset) {
            placed[k] = placed[k - 1];
            k--;
        }
        placed[k] = order[i];
        if (offset + b->size > arena)
            arena = offset + b->size;
    }
    return arena;
}

size_t plan_lower_bound(const plan_buffer *bufs, size_t n, int steps,
                        size_t *scratch)
{
    /* scratch[s] accumulates sizes born at s minus those dead after s - 1;
     * a running sum gives the live total at each step. Sizes only grow
     * the sum before they shrink it, so unsigned arithmetic is exact. */
    for (int s = 0; s <= steps; s++)
        scratch[s] = 0;
    for (size_t i = 0; i < n; i++) {
        scratch[bufs[i].first] += bufs[i].size;
        scratch[bufs[i].last + 1] -= bufs[i].size;
    }
    size_t live = 0, best = 0;
    for (int s = 0; s < steps; s++) {
        live += scratch[s];
        if (live > best)
            best = live;
    }
    return best;
}

bool plan_is_valid(const plan_buffer *bufs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            const plan_buffer *a = &bufs[i], *b = &bufs[j];
            if (!a->size || !b->size || !alive_together(a, b))
                continue;
            if (a->offset < b->offset + b->size &&
                b->offset < a->offset + a->size)
                return false;
        }
    return true;
}
