/*
 * status.h - how the runtime builds the onnxc_status errors it returns.
 *
 * A status is one heap block holding its code and message. When that block
 * cannot be allocated, a static out-of-memory status stands in for it, so
 * reporting an error never fails; onnxc_status_free knows not to free it.
 */
#ifndef ONNXC_STATUS_H
#define ONNXC_STATUS_H

#include <stdarg.h>

#include "onnxc.h"

#if defined(__GNUC__)
#define OC_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define OC_PRINTF(a, b)
#endif

/* A new status with a printf-style message. */
onnxc_status *oc_error(onnxc_code code, const char *fmt, ...) OC_PRINTF(2, 3);
onnxc_status *oc_verror(onnxc_code code, const char *fmt, va_list ap);

/* The shared out-of-memory status. */
onnxc_status *oc_no_memory(void);

/* A new status whose message is `prefix: <status's message>`; frees status. */
onnxc_status *oc_error_wrap(onnxc_status *status, const char *fmt, ...)
    OC_PRINTF(2, 3);

#endif
