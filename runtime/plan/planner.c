/* planner.c - greedy offset assignment by decreasing size. */
#include <stdint.h>

#include "runtime/plan/planner.h"

bool oc_plan_align(size_t bytes, size_t *out)
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

/* Greedy by size: returns the arena size. order and placed: n each. */
static size_t place_largest_first(plan_buffer *bufs, size_t n, size_t *order,
                                  size_t *placed)
{
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

/* True when [offset, offset + b->size) is free of every placed buffer
 * alive with b. placed: the first n_placed entries of `placed`. */
static bool fits(const plan_buffer *bufs, const size_t *placed, size_t n_placed,
                 const plan_buffer *b, size_t offset)
{
    for (size_t k = 0; k < n_placed; k++) {
        const plan_buffer *p = &bufs[placed[k]];
        if (p->size && alive_together(b, p) && offset < p->offset + p->size &&
            p->offset < offset + b->size)
            return false;
    }
    return true;
}

/* Two-ended placement within `limit` bytes; false when some buffer does
 * not fit (the caller then keeps the greedy plan). order and placed: n. */
static bool place_two_ended(plan_buffer *bufs, size_t n, size_t limit,
                            size_t *order, size_t *placed)
{
    size_t n_placed = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        while (j > 0 && (bufs[i].first < bufs[order[j - 1]].first ||
                         (bufs[i].first == bufs[order[j - 1]].first &&
                          bufs[i].size > bufs[order[j - 1]].size))) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    for (size_t i = 0; i < n; i++) {
        plan_buffer *b = &bufs[order[i]];
        if (b->size > limit)
            return false;
        /* The side opposite the youngest placed buffer alive with b. */
        const plan_buffer *young = NULL;
        for (size_t k = 0; k < n_placed; k++) {
            const plan_buffer *p = &bufs[placed[k]];
            if (p->size && alive_together(b, p) &&
                (!young || p->first >= young->first))
                young = p;
        }
        bool young_at_bottom = young && young->offset < limit - young->offset -
                                                            young->size;
        size_t bottom = 0, top = limit - b->size;
        size_t first = young_at_bottom ? top : bottom;
        size_t second = young_at_bottom ? bottom : top;
        if (fits(bufs, placed, n_placed, b, first))
            b->offset = first;
        else if (fits(bufs, placed, n_placed, b, second))
            b->offset = second;
        else
            return false;
        placed[n_placed++] = order[i];
    }
    return true;
}

/* The largest total size alive at one step, found at the birth step of
 * some buffer; O(n^2) so that it needs no per-step table. */
static size_t live_peak(const plan_buffer *bufs, size_t n)
{
    size_t best = 0;
    for (size_t i = 0; i < n; i++) {
        size_t live = 0;
        for (size_t k = 0; k < n; k++)
            if (bufs[k].first <= bufs[i].first && bufs[i].first <= bufs[k].last)
                live += bufs[k].size;
        if (live > best)
            best = live;
    }
    return best;
}

size_t oc_plan_assign_offsets(plan_buffer *bufs, size_t n, size_t *scratch)
{
    size_t *order = scratch, *placed = scratch + n, *saved = scratch + 2 * n;
    size_t arena = place_largest_first(bufs, n, order, placed);
    size_t bound = live_peak(bufs, n);
    if (arena <= bound)
        return arena;
    for (size_t i = 0; i < n; i++)
        saved[i] = bufs[i].offset;
    if (place_two_ended(bufs, n, bound, order, placed))
        return bound;
    for (size_t i = 0; i < n; i++)
        bufs[i].offset = saved[i];
    return arena;
}

size_t oc_plan_lower_bound(const plan_buffer *bufs, size_t n, int steps,
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

bool oc_plan_is_valid(const plan_buffer *bufs, size_t n)
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
