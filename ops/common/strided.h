/*
 * strided.h - copying a strided view of a tensor into a contiguous one:
 * the one loop behind Transpose (permuted strides), Slice (stepped,
 * maybe negative), Expand (stride 0 where it broadcasts) and Tile (each
 * dim split into repeats of stride 0 and the dim itself).
 * (ops/common/strided.c)
 */
#ifndef ONNXC_STRIDED_H
#define ONNXC_STRIDED_H

#include <stddef.h>
#include <stdint.h>

#define OC_STRIDED_MAX_RANK 16

/* dst[i0, i1, ...] = src[sum_d i_d * strides[d]] for every index of dims
 * (rank <= OC_STRIDED_MAX_RANK), elements of esize bytes, strides in
 * elements (any sign, 0 repeats). dst is contiguous and row-major; src
 * points at the view's first element. */
void oc_strided_copy(void *dst, const void *src, size_t esize, int rank,
                     const int64_t *dims, const int64_t *strides);

/* The row-major element strides of a tensor of dims. */
void oc_contiguous_strides(const int64_t *dims, int rank, int64_t *strides);

#endif
