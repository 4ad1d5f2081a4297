/*
 * onnxc-bench - how fast onnxc runs a model: latency percentiles,
 * throughput, GFLOP/s, memory.
 *
 *   onnxc-bench MODEL [-b BATCH] [-t THREADS] [-n ITERS | -s SECONDS]
 *               [--warmup N] [--flops N] [--json]
 *
 * Inputs are random, of the shapes the model declares, every symbolic dim
 * being BATCH; the generator and its seed are fixed (bench/measure.c), so
 * two runs, and bench/ort_bench on the same model, see the same inputs.
 * Only the runs are timed: loading the model, creating the session and
 * filling the inputs are not.
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

#include "../../bench/measure.h"
#include "onnxc.h"
#include "session_flags.h"

static const char usage[] =
    "usage: onnxc-bench MODEL [options]\n"
    "\n"
    "Times onnxc on random inputs of the model's declared shapes.\n"
    "\n"
    "options:\n"
    "  -b, --batch N        value of every symbolic dim (default 1)\n"
    "  -t, --threads N      intra-op threads (default 1; 1 whatever N is\n"
    "                       when onnxc is built without the thread option)\n"
    "  -n, --iters N        timed runs (default 100)\n"
    "  -s, --seconds S      time runs for S seconds instead (at least one)\n"
    "      --warmup N       untimed runs first (default 3; with -s, only as\n"
    "                       many as fit in S seconds, at least one)\n"
    "      --flops N        floating-point operations per run, for GFLOP/s\n"
    "                       (e.g. 2*M*N*K summed over the Gemms)\n"
    SESSION_FLAGS_USAGE
    "      --json           print one JSON object\n"
    "  -h, --help           this text\n"
    "\n"
    "exit status: 0 measured, 2 error\n";

/* --kernels and --optimize, for bench_parse_args. */
static int parse_session_flag(int argc, char **argv, int i, void *ctx)
{
    char err[256];
    int took = session_flags_parse(argv[i], i + 1 < argc ? argv[i + 1] : NULL,
                                   ctx, err, sizeof err);
    if (took < 0)
        bench_die("%s", err);
    return took;
}

typedef struct bench_ctx {
    onnxc_session *session;
} bench_ctx;

/* Dies with onnxc's message when a call failed, after `what` unless it
 * is NULL (onnxc's messages name the file or tensor themselves). */
static void check(onnxc_status *st, const char *what)
{
    if (!st)
        return;
    char msg[1024];
    snprintf(msg, sizeof msg, "%s%s%s (%s)", what ? what : "",
             what ? ": " : "", onnxc_status_message(st),
             onnxc_code_name(onnxc_status_code(st)));
    onnxc_status_free(st);
    bench_die("%s", msg);
}

/* Passes the requested thread count to the session options; returns
 * whether onnxc will use it. The onnxc.h that declares
 * onnxc_session_options_set_threads also defines ONNXC_MAX_THREADS, which
 * is how this file tells the two apart at compile time: with an older
 * onnxc.h, onnxc runs on one thread whatever -t says, and the report says
 * "threads: 1 (not yet supported)". */
static bool apply_threads(onnxc_session_options *opts, int requested)
{
#ifdef ONNXC_MAX_THREADS
    check(onnxc_session_options_set_threads(opts, requested), "-t");
    return true;
#else
    (void)opts;
    (void)requested;
    return false;
#endif
}

static int run_once(void *ctx, char *err, size_t err_size)
{
    bench_ctx *c = ctx;
    onnxc_status *st = onnxc_session_run(c->session);
    if (!st)
        return 0;
    snprintf(err, err_size, "%s", onnxc_status_message(st));
    onnxc_status_free(st);
    return 1;
}

/* Fixes every named symbolic dim to the batch, so the session plans its
 * memory at creation as a deployed one would. Unnamed symbolic dims get
 * their value from the bound inputs at the first run instead. */
static void fix_symbolic_dims(const onnxc_model *model,
                              onnxc_session_options *opts, int64_t batch)
{
    size_t n = onnxc_model_input_count(model);
    for (size_t i = 0; i < n; i++) {
        onnxc_value_info info;
        check(onnxc_model_input_info(model, i, &info), "input info");
        for (int d = 0; d < info.rank; d++)
            if (info.dims[d] < 0 && info.dim_names && info.dim_names[d])
                check(onnxc_session_options_set_dim(opts, info.dim_names[d],
                                                    batch),
                      info.dim_names[d]);
    }
}

/* Binds a random tensor to every input that has no default; returns the
 * buffers, one per input (NULL for a defaulted one), for freeing at the
 * end. */
static void **bind_inputs(const onnxc_model *model, onnxc_session *session,
                          int64_t batch)
{
    size_t n = onnxc_model_input_count(model);
    void **buffers = calloc(n + 1, sizeof *buffers);
    uint64_t state = BENCH_SEED;
    if (!buffers)
        bench_die("out of memory");
    for (size_t i = 0; i < n; i++) {
        onnxc_value_info info;
        check(onnxc_model_input_info(model, i, &info), "input info");
        if (info.has_default)
            continue; /* a default from the model: what a caller would use */
        if (info.rank < 0)
            bench_die("input '%s' declares no shape: onnxc-bench cannot "
                      "make one up", info.name);
        int64_t dims[ONNXC_MAX_RANK];
        size_t count = 1;
        for (int d = 0; d < info.rank; d++) {
            dims[d] = info.dims[d] < 0 ? batch : info.dims[d];
            if (dims[d] && count > SIZE_MAX / (size_t)dims[d])
                bench_die("input '%s' is too large", info.name);
            count *= (size_t)dims[d];
        }
        size_t size = bench_dtype_size(info.dtype);
        if (!size || count > SIZE_MAX / size)
            bench_die("input '%s': cannot make random %s data", info.name,
                      onnxc_dtype_name(info.dtype));
        buffers[i] = bench_alloc(count * size);
        bench_fill(buffers[i], count, info.dtype, &state);
        check(onnxc_session_bind_input(session, i, info.dtype, dims,
                                       (size_t)info.rank, buffers[i]),
              NULL);
    }
    return buffers;
}

/* Sums of every output of the last run: a cheap fingerprint to compare
 * with onnxruntime's on the same inputs. */
static void output_checksum(const onnxc_model *model,
                            const onnxc_session *session, double *sum,
                            double *abs_sum)
{
    size_t n = onnxc_model_output_count(model);
    for (size_t i = 0; i < n; i++) {
        onnxc_tensor_view v;
        check(onnxc_session_output(session, i, &v), "output");
        size_t size = onnxc_dtype_size(v.dtype);
        if (size)
            bench_sum(v.data, v.bytes / size, v.dtype, sum, abs_sum);
    }
}

int main(int argc, char **argv)
{
    bench_options o;
    session_flags flags = session_flags_default();
    bench_parse_args("onnxc-bench", usage, argc, argv, &o, parse_session_flag,
                     &flags);

    onnxc_model *model;
    onnxc_session_options *opts;
    bench_ctx ctx;
    check(onnxc_model_load_file(o.model, &model), NULL);
    check(onnxc_session_options_create(&opts), "session options");
    check(session_flags_apply(&flags, opts), "session options");
    fix_symbolic_dims(model, opts, o.batch);
    bool threads_ok = apply_threads(opts, o.threads);
    check(onnxc_session_create(model, opts, &ctx.session), "session");
    onnxc_session_options_free(opts);
    void **inputs = bind_inputs(model, ctx.session, o.batch);

    bench_result r;
    bench_measure(&o, run_once, &ctx, &r);

    onnxc_plan_stats stats;
    check(onnxc_session_plan_stats(ctx.session, &stats), "plan stats");
    bench_engine_info info = {
        .engine = "onnxc",
        .version = ONNXC_VERSION_STRING,
        .threads = threads_ok ? o.threads : 1,
        .threads_note = threads_ok ? NULL : "not yet supported",
        .arena_bytes = (long long)stats.arena_bytes,
    };
    output_checksum(model, ctx.session, &info.checksum, &info.checksum_abs);
    bench_report(&o, &r, &info);

    bench_result_free(&r);
    onnxc_session_free(ctx.session);
    for (size_t i = 0; i < onnxc_model_input_count(model); i++)
        free(inputs[i]);
    free(inputs);
    onnxc_model_free(model);
    return 0;
}
