/* file.h - reading a whole file, with errors that name it. */
#ifndef ONNXC_FILE_H
#define ONNXC_FILE_H

#include <stddef.h>

#include "onnxc.h"

/* Reads path into a new malloc'd buffer the caller frees. */
onnxc_status *oc_file_read_all(const char *path, void **data, size_t *size);

#endif
