/* file.c - whole-file reads. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "runtime/core/file.h"
#include "runtime/core/status.h"

onnxc_status *oc_file_read_all(const char *path, void **data, size_t *size)
{
    onnxc_status *err = NULL;
    unsigned char *buf = NULL;
    *data = NULL;
    *size = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return oc_error(ONNXC_ERR_IO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        err = oc_error(ONNXC_ERR_IO, "%s: not a regular file", path);
        goto done;
    }
    if ((unsigned long long)st.st_size > SIZE_MAX - 1) {
        err = oc_error(ONNXC_ERR_NO_MEMORY, "%s: too large", path);
        goto done;
    }
    size_t n = (size_t)st.st_size;
    buf = malloc(n ? n : 1);
    if (!buf) {
        err = oc_error(ONNXC_ERR_NO_MEMORY, "%s: cannot allocate %zu bytes",
                       path, n);
        goto done;
    }
    if (fread(buf, 1, n, f) != n) {
        err = oc_error(ONNXC_ERR_IO, "%s: read failed", path);
        goto done;
    }
    *data = buf;
    *size = n;
    buf = NULL;
done:
    free(buf);
    fclose(f);
    return err;
}
