/* file.c - whole-file reads and read-only maps. */
#define _DEFAULT_SOURCE  /* madvise */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef __unix__
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

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

onnxc_status *oc_file_map(const char *path, void **data, size_t *size,
                          bool *mapped)
{
    *mapped = false;
#ifdef __unix__
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
        st.st_size > 0 && (unsigned long long)st.st_size <= SIZE_MAX) {
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p != MAP_FAILED) {
            close(fd);
            *data = p;
            *size = (size_t)st.st_size;
            *mapped = true;
            return NULL;
        }
    }
    if (fd >= 0)
        close(fd);
#endif
    /* what cannot be mapped is read, with read_all's messages */
    return oc_file_read_all(path, data, size);
}

void oc_file_unmap(void *data, size_t size, bool mapped)
{
#ifdef __unix__
    if (mapped) {
        munmap(data, size);
        return;
    }
#endif
    (void)size;
    free(data);
}

void oc_file_forget(const void *data, size_t size)
{
#if defined(__unix__) && defined(MADV_DONTNEED)
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0)
        return;
    uintptr_t lo = ((uintptr_t)data + (uintptr_t)page - 1) / (uintptr_t)page *
                   (uintptr_t)page;
    uintptr_t hi = ((uintptr_t)data + size) / (uintptr_t)page * (uintptr_t)page;
    if (hi > lo)
        madvise((void *)lo, hi - lo, MADV_DONTNEED);
#else
    (void)data;
    (void)size;
#endif
}
