/*
 * profile.h - onnxc-run --profile: runs a profiled session N more times
 * and prints where the time went, one row per node (name, operator,
 * output shape, median time, share of the run, GFLOP/s where the
 * operator counts its arithmetic), slowest first; optionally as JSON.
 */
#ifndef ONNXC_CLI_PROFILE_H
#define ONNXC_CLI_PROFILE_H

#include <stdio.h>

#include "onnxc.h"

#include <stdbool.h>

/* Runs `session` (created with profiling, inputs bound) `runs` times and
 * prints the table to `out`; with `json_path`, writes the same rows there.
 * false on the first error (a failed run, no memory, a file that cannot be
 * written), with a one-line message in err. */
bool profile_print(onnxc_session *session, int runs, FILE *out,
                   const char *json_path, char *err, size_t err_size);

#endif
