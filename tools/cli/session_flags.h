/*
 * session_flags.h - the command-line flags that choose a session's
 * kernels and optimizations, shared by onnxc-run and onnxc-bench:
 *
 *   --kernels auto|avx512|avx2|portable|reference
 *   --optimize all|none|fold|fuse      (fold,fuse: a comma list)
 *   --max-iterations N                 (Loop iterations a run may make)
 */
#ifndef ONNXC_SESSION_FLAGS_H
#define ONNXC_SESSION_FLAGS_H

#include <stdbool.h>

#include "onnxc.h"

typedef struct session_flags {
    onnxc_kernels kernels;   /* ONNXC_KERNELS_AUTO unless given */
    unsigned optimize;       /* ONNXC_OPTIMIZE_ALL unless given */
    long long max_iterations; /* ONNXC_DEFAULT_MAX_ITERATIONS unless given */
} session_flags;

/* The defaults: what a session gets without the flags. */
session_flags session_flags_default(void);

/* Parses flag `flag` with argument `value` (NULL when absent) into *f.
 * Returns 0 when `flag` is not one of these, 2 when it took the flag and
 * its value, -1 with a one-line message in err on a bad value. */
int session_flags_parse(const char *flag, const char *value, session_flags *f,
                        char *err, size_t err_size);

/* Sets the flags on session options. */
onnxc_status *session_flags_apply(const session_flags *f,
                                  onnxc_session_options *options);

/* The lines --help shows for these flags. */
#define SESSION_FLAGS_USAGE                                                   \
    "      --kernels K      auto (default), avx512, avx2, portable or\n"      \
    "                       reference (the plain loops)\n"                    \
    "      --optimize O     all (default), none, or a comma list of fold\n"   \
    "                       (known values) and fuse (bias and activation,\n"  \
    "                       decomposed LayerNorm)\n"                       \
    "      --max-iterations N  the most Loop iterations a run may make,\n"  \
    "                       nested Loops' counted\n"                        \
    "                       (default 16777216; 0: no bound)\n"

#endif
