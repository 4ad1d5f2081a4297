/*
 * ort_once - one inference in one process with onnxruntime: load the
 * library, create a session, run once on random inputs, exit.
 *
 *   ort_once MODEL [--ort-lib PATH]
 *
 * The onnxruntime side of the one-process-per-inference comparison (a
 * command-line tool, a CGI-style service): timed from outside, against
 * `onnxc-run MODEL INPUT`, everything from exec to exit counts. Library
 * path: --ort-lib, else $ORT_LIB, else the one it was built with.
 *
 * Exit status: 0 ran, 2 anything wrong (one line on stderr).
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ort_api.h"
#include "ort_session.h"

#ifndef ORT_LIB_DEFAULT
#define ORT_LIB_DEFAULT "libonnxruntime.so.1"
#endif

static int fail(const char *msg)
{
    fprintf(stderr, "ort_once: %s\n", msg);
    return 2;
}

int main(int argc, char **argv)
{
    const char *model = NULL, *lib = getenv("ORT_LIB");
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--ort-lib") && i + 1 < argc)
            lib = argv[++i];
        else if (argv[i][0] == '-')
            return fail("usage: ort_once MODEL [--ort-lib PATH]");
        else
            model = argv[i];
    }
    if (!model)
        return fail("usage: ort_once MODEL [--ort-lib PATH]");
    if (!lib || !*lib)
        lib = ORT_LIB_DEFAULT;

    char err[1024];
    ort_api api;
    ort_bench_session s;
    /* One thread, batch 1: what onnxc-run does (one thread: no workers
     * to spin or not). */
    if (ort_load(&api, lib, err, sizeof err) ||
        ort_session_open(&s, &api, model, 1, 1, true, err, sizeof err) ||
        ort_session_run(&s, err, sizeof err) ||
        ort_session_read_outputs(&s, err, sizeof err))
        return fail(err);
    ort_session_close(&s);
    return 0;
}
