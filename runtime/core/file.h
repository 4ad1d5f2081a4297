/* file.h - reading a whole file, with errors that name it. */
#ifndef ONNXC_FILE_H
#define ONNXC_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "onnxc.h"

/* Reads path into a new malloc'd buffer the caller frees. */
onnxc_status *oc_file_read_all(const char *path, void **data, size_t *size);

/* Maps path read-only (or, where mapping fails or the file is empty,
 * reads it); *mapped says which, for oc_file_unmap. */
onnxc_status *oc_file_map(const char *path, void **data, size_t *size,
                          bool *mapped);
void oc_file_unmap(void *data, size_t size, bool mapped);
/* Drops the whole pages of [data, data + size), part of a mapping, from
 * memory: a hint, read back from the file if touched again. */
void oc_file_forget(const void *data, size_t size);

#endif
