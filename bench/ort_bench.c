/*
 * ort_bench - onnxc-bench's measurement, of onnxruntime: the figures to
 * divide onnxc's by.
 *
 *   ort_bench MODEL [-b BATCH] [-t THREADS] [-n ITERS | -s SECONDS]
 *             [--warmup N] [--flops N] [--json] [--ort-lib PATH] [--save DIR]
 *             [--no-spin]
 *
 * Same options, same random inputs, same clock and statistics as
 * onnxc-bench (bench/measure.c); -t sets onnxruntime's intra-op threads.
 * onnxruntime is loaded with dlopen (bench/ort_api.h), from --ort-lib, else
 * $ORT_LIB, else the library path it was built with.
 *
 * --save DIR writes the inputs and the last run's outputs as NumPy files
 * (DIR/input_0.npy ..., DIR/output_0.npy ...): onnxc-run reads the inputs,
 * so the two engines' outputs can be compared on exactly the same data.
 *
 * --no-spin sets session.intra_op.allow_spinning to 0: onnxruntime's
 * intra-op threads then block when out of work instead of spin-waiting,
 * which by default they do between and after runs, on CPU time that
 * another process on the machine would otherwise have.
 *
 * Exit status: 0 measured, 2 anything wrong (one line on stderr).
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure.h"
#include "ort_api.h"
#include "ort_session.h"

#ifndef ORT_LIB_DEFAULT
#define ORT_LIB_DEFAULT "libonnxruntime.so.1"
#endif

static const char usage[] =
    "usage: ort_bench MODEL [options]\n"
    "\n"
    "Times onnxruntime on random inputs of the model's declared shapes,\n"
    "exactly as onnxc-bench times onnxc.\n"
    "\n"
    "options:\n"
    "  -b, --batch N      value of every symbolic dim (default 1)\n"
    "  -t, --threads N    onnxruntime intra-op threads (default 1)\n"
    "  -n, --iters N      timed runs (default 100)\n"
    "  -s, --seconds S    time runs for S seconds instead (at least one)\n"
    "      --warmup N     untimed runs first (default 3; with -s, only as\n"
    "                     many as fit in S seconds, at least one)\n"
    "      --flops N      floating-point operations per run, for GFLOP/s\n"
    "      --json         print one JSON object\n"
    "      --ort-lib PATH libonnxruntime.so.1 to load (default: $ORT_LIB,\n"
    "                     else " ORT_LIB_DEFAULT ")\n"
    "      --save DIR     write inputs and outputs as DIR/*.npy\n"
    "      --no-spin      intra-op threads block when out of work (by\n"
    "                     default onnxruntime has them spin-wait first)\n"
    "  -h, --help         this text\n"
    "\n"
    "exit status: 0 measured, 2 error\n";

typedef struct extra_options {
    const char *ort_lib;
    const char *save_dir;
    bool no_spin;
} extra_options;

static int parse_extra(int argc, char **argv, int i, void *ctx)
{
    extra_options *x = ctx;
    const char *a = argv[i];
    if (!strcmp(a, "--no-spin")) {
        x->no_spin = true;
        return 1;
    }
    if (strcmp(a, "--ort-lib") && strcmp(a, "--save"))
        return 0;
    if (i + 1 >= argc)
        bench_die("%s needs a path", a);
    if (!strcmp(a, "--ort-lib"))
        x->ort_lib = argv[i + 1];
    else
        x->save_dir = argv[i + 1];
    return 2;
}

static int run_once(void *ctx, char *err, size_t err_size)
{
    return ort_session_run(ctx, err, err_size);
}

/* NumPy's dtype code for an ONNX element type; NULL for others. */
static const char *npy_descr(int dtype)
{
    switch (dtype) {
    case 1: return "<f4";
    case 11: return "<f8";
    case 6: return "<i4";
    case 7: return "<i8";
    case 3: return "|i1";
    case 2: return "|u1";
    case 9: return "|b1";
    default: return NULL;
    }
}

/* Writes a tensor as a version 1.0 .npy file: magic, a header dict padded
 * so the data starts 64-byte aligned, then the raw little-endian data. */
static void save_npy(const char *dir, const char *kind, size_t index,
                     const ort_tensor *t)
{
    const char *descr = npy_descr(t->dtype);
    if (!descr)
        bench_die("--save: element type %d has no .npy form here", t->dtype);
    char path[4096], shape[512] = "", header[1024];
    snprintf(path, sizeof path, "%s/%s_%zu.npy", dir, kind, index);
    size_t len = 0;
    for (size_t d = 0; d < t->rank; d++)
        len += (size_t)snprintf(shape + len, sizeof shape - len, "%lld,%s",
                                (long long)t->dims[d],
                                d + 1 < t->rank ? " " : "");
    if (t->rank > 1)
        shape[len - 1] = '\0'; /* (2, 3) but (2,) */
    int n = snprintf(header, sizeof header,
                     "{'descr': '%s', 'fortran_order': False, "
                     "'shape': (%s), }", descr, shape);
    size_t total = 10 + (size_t)n + 1; /* magic+version+len, dict, '\n' */
    size_t pad = (64 - total % 64) % 64;
    size_t header_len = (size_t)n + pad + 1;
    FILE *f = fopen(path, "wb");
    if (!f)
        bench_die("cannot write %s", path);
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                             (unsigned char)(header_len & 0xff),
                             (unsigned char)(header_len >> 8)};
    fwrite(pre, 1, sizeof pre, f);
    fwrite(header, 1, (size_t)n, f);
    for (size_t i = 0; i < pad; i++)
        fputc(' ', f);
    fputc('\n', f);
    fwrite(t->data, bench_dtype_size(t->dtype), t->count, f);
    if (fclose(f))
        bench_die("cannot write %s", path);
}

int main(int argc, char **argv)
{
    bench_options o;
    extra_options x = {0};
    bench_parse_args("ort_bench", usage, argc, argv, &o, parse_extra, &x);
    if (!x.ort_lib)
        x.ort_lib = getenv("ORT_LIB");
    if (!x.ort_lib || !*x.ort_lib)
        x.ort_lib = ORT_LIB_DEFAULT;

    char err[1024];
    ort_api api;
    ort_bench_session s;
    if (ort_load(&api, x.ort_lib, err, sizeof err) ||
        ort_session_open(&s, &api, o.model, o.batch, o.threads, !x.no_spin,
                         err, sizeof err))
        bench_die("%s", err);

    bench_result r;
    bench_measure(&o, run_once, &s, &r);

    if (ort_session_read_outputs(&s, err, sizeof err))
        bench_die("%s", err);
    double checksum = 0, checksum_abs = 0;
    for (size_t i = 0; i < s.n_outputs; i++)
        bench_sum(s.outputs[i].data, s.outputs[i].count, s.outputs[i].dtype,
                  &checksum, &checksum_abs);
    if (x.save_dir) {
        for (size_t i = 0; i < s.n_inputs; i++)
            save_npy(x.save_dir, "input", i, &s.inputs[i]);
        for (size_t i = 0; i < s.n_outputs; i++)
            save_npy(x.save_dir, "output", i, &s.outputs[i]);
    }

    char version[64];
    snprintf(version, sizeof version, "%s (C API %u)", api.version,
             (unsigned)api.api_version);
    bench_engine_info info = {
        .engine = "onnxruntime",
        .version = version,
        .threads = o.threads,
        .threads_note = NULL,
        .arena_bytes = -1, /* onnxruntime does not report its plan */
        .checksum = checksum,
        .checksum_abs = checksum_abs,
    };
    bench_report(&o, &r, &info);
    /* The JSON object is bench_report's, shared with onnxc-bench: the
     * setting shows in the text report only. */
    if (!o.json)
        printf("spinning:    %s\n", x.no_spin ? "no (--no-spin)" : "yes");

    bench_result_free(&r);
    ort_session_close(&s);
    return 0;
}
