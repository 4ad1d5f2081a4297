/* session_flags.c - --kernels, --optimize and --max-iterations, parsed
 * once for every tool. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session_flags.h"

session_flags session_flags_default(void)
{
    return (session_flags){ONNXC_KERNELS_AUTO, ONNXC_OPTIMIZE_ALL,
                           ONNXC_DEFAULT_MAX_ITERATIONS};
}

static const struct {
    const char *name;
    onnxc_kernels kernels;
} KERNELS[] = {
    {"auto", ONNXC_KERNELS_AUTO},         {"avx512", ONNXC_KERNELS_AVX512},
    {"avx2", ONNXC_KERNELS_AVX2},         {"portable", ONNXC_KERNELS_PORTABLE},
    {"reference", ONNXC_KERNELS_REFERENCE},
};

/* "all", "none", or a comma list of "fold" and "fuse". */
static bool parse_optimize(const char *s, unsigned *bits)
{
    if (!strcmp(s, "all") || !strcmp(s, "none")) {
        *bits = !strcmp(s, "all") ? ONNXC_OPTIMIZE_ALL : ONNXC_OPTIMIZE_NONE;
        return true;
    }
    *bits = 0;
    while (*s) {
        size_t n = strcspn(s, ",");
        if (n == 4 && !strncmp(s, "fold", 4))
            *bits |= ONNXC_OPTIMIZE_FOLD;
        else if (n == 4 && !strncmp(s, "fuse", 4))
            *bits |= ONNXC_OPTIMIZE_FUSE;
        else
            return false;
        s += n + (s[n] == ',');
    }
    return true;
}

int session_flags_parse(const char *flag, const char *value, session_flags *f,
                        char *err, size_t err_size)
{
    if (!strcmp(flag, "--kernels")) {
        for (size_t i = 0; value && i < sizeof KERNELS / sizeof KERNELS[0]; i++)
            if (!strcmp(value, KERNELS[i].name)) {
                f->kernels = KERNELS[i].kernels;
                return 2;
            }
        snprintf(err, err_size, "--kernels is auto, avx512, avx2, portable or "
                 "reference, got '%s'", value ? value : "");
        return -1;
    }
    if (!strcmp(flag, "--optimize")) {
        if (value && *value && parse_optimize(value, &f->optimize))
            return 2;
        snprintf(err, err_size, "--optimize is all, none, or a comma list of "
                 "fold and fuse, got '%s'", value ? value : "");
        return -1;
    }
    if (!strcmp(flag, "--max-iterations")) {
        char *end = NULL;
        long long n = value ? strtoll(value, &end, 10) : -1;
        if (value && *value && !*end && n >= 0) {
            f->max_iterations = n;
            return 2;
        }
        snprintf(err, err_size, "--max-iterations needs a count of 0 or more, "
                 "got '%s'", value ? value : "");
        return -1;
    }
    return 0;
}

onnxc_status *session_flags_apply(const session_flags *f,
                                  onnxc_session_options *options)
{
    onnxc_status *st = onnxc_session_options_set_kernels(options, f->kernels);
    if (!st)
        st = onnxc_session_options_set_optimizations(options, f->optimize);
    if (!st)
        st = onnxc_session_options_set_max_iterations(options, f->max_iterations);
    return st;
}
