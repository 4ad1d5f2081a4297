/* status.c - onnxc_status: an error code and a one-line message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/core/status.h"

struct onnxc_status {
    onnxc_code code;
    char message[];
};

/* Returned when even the status could not be allocated. */
static struct {
    onnxc_code code;
    char message[32];
} no_memory_status = {ONNXC_ERR_NO_MEMORY, "out of memory"};

onnxc_status *oc_no_memory(void)
{
    return (onnxc_status *)&no_memory_status;
}

onnxc_status *oc_verror(onnxc_code code, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int len = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (len < 0)
        len = 0;
    onnxc_status *s = malloc(sizeof *s + (size_t)len + 1);
    if (!s)
        return oc_no_memory();
    s->code = code;
    vsnprintf(s->message, (size_t)len + 1, fmt, ap);
    /* Messages are one line: a name from a file may hold a newline. */
    for (char *p = s->message; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return s;
}

onnxc_status *oc_error(onnxc_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    onnxc_status *s = oc_verror(code, fmt, ap);
    va_end(ap);
    return s;
}

onnxc_status *oc_error_wrap(onnxc_status *status, const char *fmt, ...)
{
    char prefix[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    onnxc_status *s = oc_error(onnxc_status_code(status), "%s: %s", prefix,
                               onnxc_status_message(status));
    onnxc_status_free(status);
    return s;
}

onnxc_code onnxc_status_code(const onnxc_status *status)
{
    return status ? status->code : ONNXC_OK;
}

const char *onnxc_status_message(const onnxc_status *status)
{
    return status ? status->message : "";
}

void onnxc_status_free(onnxc_status *status)
{
    if (status && status != oc_no_memory())
        free(status);
}

const char *onnxc_code_name(onnxc_code code)
{
    switch (code) {
    case ONNXC_OK: return "ok";
    case ONNXC_ERR_INVALID_ARGUMENT: return "invalid argument";
    case ONNXC_ERR_NO_MEMORY: return "out of memory";
    case ONNXC_ERR_IO: return "i/o error";
    case ONNXC_ERR_INVALID_MODEL: return "invalid model";
    case ONNXC_ERR_UNSUPPORTED: return "unsupported";
    case ONNXC_ERR_SHAPE: return "shape mismatch";
    case ONNXC_ERR_RUN: return "run failed";
    }
    return "unknown error";
}
