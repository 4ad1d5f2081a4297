/*
 * measure.h - what the inference benchmarks (onnxc-bench, ort_bench) share:
 * their command line, the timing loop, the statistics and the report.
 *
 * Both tools measure the same thing the same way, so that their figures can
 * be divided by each other: the same options, the same random inputs (one
 * generator, one seed, inputs filled in order), the same clock, the same
 * percentiles and the same JSON fields. Only creating the session and
 * running it differ, and those are the callers' part.
 */
#ifndef ONNXC_BENCH_MEASURE_H
#define ONNXC_BENCH_MEASURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bench_options {
    const char *model;
    int64_t batch;     /* the value of every symbolic dim (default 1) */
    int threads;       /* requested threads (default 1) */
    long iters;        /* -n: timed runs; 0 when timing by seconds */
    double seconds;    /* -s: time budget of the timed runs */
    int warmup;        /* untimed runs before (default 3); with -s, no
                        * more of them than fit in SECONDS (at least 1) */
    bool json;
    double flops;      /* --flops: floating-point operations per run, 0 if
                        * unknown */
} bench_options;

/* A tool's own options: called for an argument the shared parser does not
 * know, with argv[i] that argument. Returns how many arguments it took
 * (1 or 2), or 0 when it does not know it either. */
typedef int (*bench_extra_option)(int argc, char **argv, int i, void *ctx);

/* Parses argv into *o; calls bench_die on any mistake. usage is printed
 * for -h and is the tool's whole help text. */
void bench_parse_args(const char *tool, const char *usage, int argc,
                      char **argv, bench_options *o, bench_extra_option extra,
                      void *ctx);

/* The benchmarks' single way out on error: "TOOL: message" on one line of
 * stderr, exit status 2. */
void bench_die(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
/* The name bench_die prefixes; set once by bench_parse_args. */
extern const char *bench_tool_name;

/* One inference. Returns 0, or nonzero with a message in err. */
typedef int (*bench_run_fn)(void *ctx, char *err, size_t err_size);

/* Latencies go into a histogram of log-spaced bins rather than a list:
 * millions of sub-microsecond runs would otherwise need tens of MB, which
 * would show in the peak RSS the report gives as the engine's. Bins are
 * 0.5% wide, so a percentile is within 0.25% of a latency a run took;
 * min, max and mean are exact. */
#define BENCH_HIST_BINS 5600   /* 1 ns * 1.005^5600 > 1000 s */

typedef struct bench_result {
    long runs;
    double total_s;      /* wall time of the timed loop, overhead included */
    double min_s, max_s, sum_s;
    uint32_t *hist;      /* BENCH_HIST_BINS counts */
} bench_result;

/* Warms up, then times runs one by one until -n runs or -s seconds are
 * done (at least one run). Dies if a run fails. */
void bench_measure(const bench_options *o, bench_run_fn run, void *ctx,
                   bench_result *r);
void bench_result_free(bench_result *r);

/* What the engine reports besides the timings. */
typedef struct bench_engine_info {
    const char *engine;         /* "onnxc", "onnxruntime" */
    const char *version;
    int threads;                /* threads the engine was told to use */
    const char *threads_note;   /* NULL, or why threads differs from -t */
    long long arena_bytes;      /* -1 when the engine does not say */
    double checksum;            /* sum of all output elements of the last
                                 * run, to compare engines on one input */
    double checksum_abs;        /* sum of their magnitudes: the scale a
                                 * difference of checksums is judged on */
} bench_engine_info;

/* Prints the report: text, or one JSON object with --json. */
void bench_report(const bench_options *o, const bench_result *r,
                  const bench_engine_info *info);

/* Fills `count` elements of ONNX element type `dtype` (TensorProto codes,
 * as onnxc_dtype and ORT's element types use) with values from the
 * benchmark's generator: floats uniform in [-1, 1), integers in [0, 4),
 * booleans 0/1. Returns false for a type it cannot fill. The state starts
 * at BENCH_SEED; fill inputs in index order so both tools fill alike. */
#define BENCH_SEED UINT64_C(0x2545F4914F6CDD1D)
bool bench_fill(void *data, size_t count, int dtype, uint64_t *state);
/* Bytes per element of an ONNX element type; 0 for those bench_fill
 * does not know. */
size_t bench_dtype_size(int dtype);
/* Adds the sum of `count` elements, and of their magnitudes, to *sum and
 * *abs_sum (float, double, int32, int64; other types add nothing). */
void bench_sum(const void *data, size_t count, int dtype, double *sum,
               double *abs_sum);

/* Memory 64-byte aligned (for any element type and for AVX-512 loads),
 * zeroed; dies when out of memory. Free with free(). */
void *bench_alloc(size_t bytes);

#endif
