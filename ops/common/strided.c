/* strided.c - a strided view copied out contiguously (see strided.h). */
#include <string.h>

#include "ops/common/strided.h"

void oc_contiguous_strides(const int64_t *dims, int rank, int64_t *strides)
{
    int64_t s = 1;
    for (int d = rank - 1; d >= 0; d--) {
        strides[d] = s;
        s *= dims[d];
    }
}

/* One inner row of n elements at stride `step`. */
static void copy_row(unsigned char *dst, const unsigned char *src,
                     size_t esize, size_t n, int64_t step)
{
    if (step == 1) {
        memcpy(dst, src, n * esize);
        return;
    }
    ptrdiff_t by = (ptrdiff_t)step * (ptrdiff_t)esize;
    switch (esize) {
#define ROW(T)                                                                 \
    for (size_t i = 0; i < n; i++, src += by)                                  \
        memcpy(dst + i * sizeof(T), src, sizeof(T));                           \
    break;
    case 1: ROW(uint8_t)
    case 2: ROW(uint16_t)
    case 4: ROW(uint32_t)
    case 8: ROW(uint64_t)
#undef ROW
    default:
        for (size_t i = 0; i < n; i++, src += by)
            memcpy(dst + i * esize, src, esize);
    }
}

void oc_strided_copy(void *dst, const void *src, size_t esize, int rank,
                     const int64_t *dims_in, const int64_t *strides_in)
{
    int64_t dims[OC_STRIDED_MAX_RANK], strides[OC_STRIDED_MAX_RANK];
    int r = 0;
    /* Drop dims of 1 and merge a dim into the one inside it when they
     * walk memory as one (outer stride = inner stride * inner dim). */
    for (int d = 0; d < rank; d++) {
        if (dims_in[d] == 0)
            return;
        if (dims_in[d] == 1)
            continue;
        if (r > 0 && strides[r - 1] == strides_in[d] * dims_in[d]) {
            dims[r - 1] *= dims_in[d];
            strides[r - 1] = strides_in[d];
            continue;
        }
        dims[r] = dims_in[d];
        strides[r] = strides_in[d];
        r++;
    }
    unsigned char *out = dst;
    const unsigned char *in = src;
    if (r == 0) {
        memcpy(out, in, esize);
        return;
    }
    size_t row = (size_t)dims[r - 1], idx[OC_STRIDED_MAX_RANK] = {0};
    ptrdiff_t off = 0;
    for (;;) {
        copy_row(out, in + off * (ptrdiff_t)esize, esize, row, strides[r - 1]);
        out += row * esize;
        int d = r - 2;
        for (; d >= 0; d--) {
            off += (ptrdiff_t)strides[d];
            if (++idx[d] < (size_t)dims[d])
                break;
            off -= (ptrdiff_t)strides[d] * dims[d];
            idx[d] = 0;
        }
        if (d < 0)
            return;
    }
}
