/* oc_big_alloc.c - see big_alloc.h. */
#define _DEFAULT_SOURCE  /* madvise */
#include <stdint.h>
#include <stdlib.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "runtime/core/big_alloc.h"

void *oc_big_alloc(size_t align, size_t bytes)
{
    if (bytes < BIG_ALLOC_HUGE) {
        if (bytes > SIZE_MAX - align)
            return NULL;
        return aligned_alloc(align, (bytes + align - 1) / align * align);
    }
    if (bytes > SIZE_MAX - BIG_ALLOC_HUGE)
        return NULL;
    size_t whole = (bytes + BIG_ALLOC_HUGE - 1) / BIG_ALLOC_HUGE * BIG_ALLOC_HUGE;
    void *p = aligned_alloc(BIG_ALLOC_HUGE, whole);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    /* A hint: refused (no THP in this kernel) it changes nothing. */
    if (p)
        madvise(p, whole, MADV_HUGEPAGE);
#endif
    return p;
}
