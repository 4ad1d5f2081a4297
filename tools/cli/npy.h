/*
 * npy.h - NumPy .npy files (format versions 1 to 3), so that a PyTorch user
 * can save `x.numpy()` with np.save and run it. Only what onnxc-run needs:
 * C-order arrays of the numeric types ONNX shares with NumPy, little-endian.
 * Kept with the tools: the C API knows nothing of NumPy.
 */
#ifndef ONNXC_NPY_H
#define ONNXC_NPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onnxc.h"

typedef struct npy_array {
    onnxc_dtype dtype;
    int rank;
    int64_t dims[ONNXC_MAX_RANK];
    const void *data;   /* points into the bytes given to npy_parse */
    size_t bytes;
} npy_array;

/* True when the bytes start like a .npy file. */
bool npy_is_npy(const void *bytes, size_t size);

/* Parses a .npy file held in memory. On error returns false and writes a
 * one-line reason into err (Fortran order, big-endian or unsupported
 * dtypes, sizes that disagree, a malformed header). */
bool npy_parse(const void *bytes, size_t size, npy_array *out, char *err,
               size_t err_size);

/* Writes a C-order .npy (version 1.0, or 2.0 for long headers); false with
 * errno set on I/O errors or an unsupported dtype (errno EINVAL). */
bool npy_write(const char *path, onnxc_dtype dtype, const int64_t *dims,
               int rank, const void *data, size_t bytes);

#endif
