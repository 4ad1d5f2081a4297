/*
 * measure.c - the timing loop, statistics and report shared by the
 * inference benchmarks. See measure.h.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* clock_gettime, getrusage */
#endif
#include "measure.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

const char *bench_tool_name = "bench";

/* Runs that -s may take at most: tiny models run in ~100 ns, and a
 * counter this size keeps a histogram bin (uint32_t) from overflowing. */
#define MAX_RUNS 100000000L
#define HIST_RATIO 1.005
#define HIST_FLOOR_S 1e-9

void bench_die(const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* Messages may quote file contents (names from a model): one line. */
    for (char *p = msg; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    fflush(stdout);
    fprintf(stderr, "%s: %s\n", bench_tool_name, msg);
    exit(2);
}

static long parse_long(const char *opt, const char *s, long min, long max)
{
    char *end;
    errno = 0;
    long v = s ? strtol(s, &end, 10) : 0;
    if (!s || !*s || errno || *end || v < min || v > max)
        bench_die("%s needs an integer from %ld to %ld, got '%s'", opt, min,
                  max, s ? s : "");
    return v;
}

static double parse_double(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    double v = s ? strtod(s, &end) : 0;
    if (!s || !*s || errno || *end || !(v > 0) || isinf(v))
        bench_die("%s needs a positive number, got '%s'", opt, s ? s : "");
    return v;
}

void bench_parse_args(const char *tool, const char *usage, int argc,
                      char **argv, bench_options *o, bench_extra_option extra,
                      void *ctx)
{
    bench_tool_name = tool;
    memset(o, 0, sizeof *o);
    o->batch = 1;
    o->threads = 1;
    o->warmup = 3;
    bool have_n = false, have_s = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        int took;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            exit(0);
        } else if (!strcmp(a, "-b") || !strcmp(a, "--batch")) {
            o->batch = parse_long(a, next, 1, INT32_MAX);
            i++;
        } else if (!strcmp(a, "-t") || !strcmp(a, "--threads")) {
            o->threads = (int)parse_long(a, next, 1, 1024);
            i++;
        } else if (!strcmp(a, "-n") || !strcmp(a, "--iters")) {
            o->iters = parse_long(a, next, 1, MAX_RUNS);
            have_n = true;
            i++;
        } else if (!strcmp(a, "-s") || !strcmp(a, "--seconds")) {
            o->seconds = parse_double(a, next);
            have_s = true;
            i++;
        } else if (!strcmp(a, "--warmup")) {
            o->warmup = (int)parse_long(a, next, 0, 1000000);
            i++;
        } else if (!strcmp(a, "--flops")) {
            o->flops = parse_double(a, next);
            i++;
        } else if (!strcmp(a, "--json")) {
            o->json = true;
        } else if (extra && (took = extra(argc, argv, i, ctx)) > 0) {
            i += took - 1;
        } else if (a[0] == '-' && a[1]) {
            bench_die("unknown option '%s' (see --help)", a);
        } else if (!o->model) {
            o->model = a;
        } else {
            bench_die("one model only, got '%s' and '%s'", o->model, a);
        }
    }
    if (!o->model)
        bench_die("no model given (see --help)");
    if (have_n && have_s)
        bench_die("give -n or -s, not both");
    if (!have_n && !have_s)
        o->iters = 100;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The bin of a latency: bin b holds [floor * r^b, floor * r^(b+1)). */
static int hist_bin(double s)
{
    if (!(s > HIST_FLOOR_S))
        return 0;
    double b = floor(log(s / HIST_FLOOR_S) / log(HIST_RATIO));
    return b >= BENCH_HIST_BINS ? BENCH_HIST_BINS - 1 : (int)b;
}

/* The geometric middle of a bin: within half a bin (0.25%) of any
 * latency in it. */
static double hist_value(int bin)
{
    return HIST_FLOOR_S * pow(HIST_RATIO, bin + 0.5);
}

static void run_or_die(bench_run_fn run, void *ctx, const char *when)
{
    char err[1024] = "";
    if (run(ctx, err, sizeof err))
        bench_die("%s: %s", when, err[0] ? err : "run failed");
}

void bench_measure(const bench_options *o, bench_run_fn run, void *ctx,
                   bench_result *r)
{
    memset(r, 0, sizeof *r);
    r->hist = calloc(BENCH_HIST_BINS, sizeof *r->hist);
    if (!r->hist)
        bench_die("out of memory");
    double warm_start = now_s();
    for (int i = 0; i < o->warmup; i++) {
        run_or_die(run, ctx, "warm-up run");
        /* With -s, warming up takes no longer than the timing itself: a
         * model whose one run takes seconds gets one warm-up run, not N. */
        if (o->iters == 0 && now_s() - warm_start >= o->seconds)
            break;
    }

    double start = now_s(), end = start;
    r->min_s = INFINITY;
    for (;;) {
        if (o->iters > 0 ? r->runs >= o->iters
                         : (r->runs > 0 && end - start >= o->seconds))
            break;
        if (r->runs >= MAX_RUNS)
            break;
        double t0 = now_s();
        run_or_die(run, ctx, "timed run");
        end = now_s();
        double t = end - t0;
        r->runs++;
        r->sum_s += t;
        r->min_s = t < r->min_s ? t : r->min_s;
        r->max_s = t > r->max_s ? t : r->max_s;
        r->hist[hist_bin(t)]++;
    }
    r->total_s = end - start;
}

void bench_result_free(bench_result *r)
{
    free(r->hist);
    r->hist = NULL;
}

/* The nearest-rank percentile: the smallest latency that at least p% of
 * the runs did not exceed, read off the histogram, clamped to the exact
 * min and max (which the bin middles can overshoot). */
static double percentile(const bench_result *r, double p)
{
    long rank = (long)ceil(p / 100.0 * (double)r->runs);
    if (rank < 1)
        rank = 1;
    long seen = 0;
    for (int b = 0; b < BENCH_HIST_BINS; b++) {
        seen += r->hist[b];
        if (seen >= rank) {
            double v = hist_value(b);
            return v < r->min_s ? r->min_s : v > r->max_s ? r->max_s : v;
        }
    }
    return r->max_s;
}

/* Peak resident set of this process, in bytes (Linux reports KiB). */
static long long peak_rss_bytes(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru))
        return -1;
    return (long long)ru.ru_maxrss * 1024;
}

/* Threads this process runs now: shows whether an engine really started
 * the pool it was asked for. -1 where /proc does not tell. */
static int os_threads(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    int n = -1;
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Threads: %d", &n) == 1)
            break;
    fclose(f);
    return n;
}

static void json_string(const char *s)
{
    putchar('"');
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

void bench_report(const bench_options *o, const bench_result *r,
                  const bench_engine_info *info)
{
    double mean = r->sum_s / (double)r->runs;
    /* Inferences per second: each run infers `batch` samples. The time is
     * the runs' own (their sum), not the loop's wall time: between two runs
     * the loop files a latency (~20 ns), which is the benchmark's cost,
     * not the engine's, and is a tenth of a run of the smallest model. */
    double throughput = (double)o->batch * (double)r->runs / r->sum_s;
    double gflops = o->flops > 0 ? o->flops / mean * 1e-9 : NAN;
    long long rss = peak_rss_bytes();
    int os_thr = os_threads();

    if (o->json) {
        printf("{\"engine\": ");
        json_string(info->engine);
        printf(", \"version\": ");
        json_string(info->version);
        printf(", \"model\": ");
        json_string(o->model);
        printf(", \"batch\": %lld, \"threads_requested\": %d, "
               "\"threads\": %d, \"threads_supported\": %s, "
               "\"os_threads\": %d",
               (long long)o->batch, o->threads, info->threads,
               info->threads_note ? "false" : "true", os_thr);
        printf(", \"warmup\": %d, \"runs\": %ld, \"total_s\": %.6f",
               o->warmup, r->runs, r->total_s);
        printf(", \"min_ms\": %.6g, \"p50_ms\": %.6g, \"p90_ms\": %.6g, "
               "\"p99_ms\": %.6g, \"mean_ms\": %.6g",
               r->min_s * 1e3, percentile(r, 50) * 1e3,
               percentile(r, 90) * 1e3, percentile(r, 99) * 1e3, mean * 1e3);
        printf(", \"throughput\": %.3f", throughput);
        if (o->flops > 0)
            printf(", \"flops\": %.0f, \"gflops\": %.3f", o->flops, gflops);
        else
            printf(", \"flops\": null, \"gflops\": null");
        if (info->arena_bytes >= 0)
            printf(", \"arena_bytes\": %lld", info->arena_bytes);
        else
            printf(", \"arena_bytes\": null");
        printf(", \"peak_rss_bytes\": %lld, \"checksum\": %.9g, "
               "\"checksum_abs\": %.9g}\n", rss, info->checksum,
               info->checksum_abs);
        return;
    }

    printf("engine:      %s %s\n", info->engine, info->version);
    printf("model:       %s\n", o->model);
    printf("batch:       %lld\n", (long long)o->batch);
    if (info->threads_note)
        printf("threads:     %d (%s)\n", info->threads, info->threads_note);
    else
        printf("threads:     %d\n", info->threads);
    printf("runs:        %ld (after %d warm-up) in %.4g s\n", r->runs,
           o->warmup, r->total_s);
    printf("latency ms:  min %.4g  p50 %.4g  p90 %.4g  p99 %.4g  mean %.4g\n",
           r->min_s * 1e3, percentile(r, 50) * 1e3,
           percentile(r, 90) * 1e3, percentile(r, 99) * 1e3, mean * 1e3);
    printf("throughput:  %.1f inferences/s\n", throughput);
    if (o->flops > 0)
        printf("GFLOP/s:     %.2f (%.4g FLOP per run)\n", gflops, o->flops);
    else
        printf("GFLOP/s:     n/a (pass --flops FLOP-per-run)\n");
    if (info->arena_bytes >= 0)
        printf("arena:       %lld bytes\n", info->arena_bytes);
    else
        printf("arena:       n/a\n");
    printf("peak RSS:    %lld bytes (%.1f MiB)\n", rss,
           (double)rss / (1024.0 * 1024.0));
    printf("OS threads:  %d\n", os_thr);
    printf("checksum:    %.9g (sum of outputs; of magnitudes %.9g)\n",
           info->checksum, info->checksum_abs);
}

/* xorshift64*: tiny, fast, and the same sequence everywhere. Quality is
 * beside the point: inputs only need to be non-trivial and repeatable. */
static uint64_t next_u64(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * UINT64_C(2685821657736338717);
}

size_t bench_dtype_size(int dtype)
{
    switch (dtype) {
    case 1: return 4;              /* float */
    case 2: case 3: case 9: return 1; /* uint8, int8, bool */
    case 4: case 5: return 2;      /* uint16, int16 */
    case 6: case 12: return 4;     /* int32, uint32 */
    case 7: case 13: return 8;     /* int64, uint64 */
    case 11: return 8;             /* double */
    default: return 0;
    }
}

bool bench_fill(void *data, size_t count, int dtype, uint64_t *state)
{
    size_t size = bench_dtype_size(dtype);
    if (!size)
        return false;
    unsigned char *p = data;
    for (size_t i = 0; i < count; i++, p += size) {
        uint64_t bits = next_u64(state);
        /* 24 random bits give every float in [-1, 1) on a 2^-23 grid. */
        double u = (double)(bits >> 40) / (double)(1 << 24) * 2.0 - 1.0;
        uint64_t small = (bits >> 62) & (dtype == 9 ? 1 : 3);
        if (dtype == 1) {
            float f = (float)u;
            memcpy(p, &f, sizeof f);
        } else if (dtype == 11) {
            memcpy(p, &u, sizeof u);
        } else {
            /* Little-endian: the low bytes carry the small value. */
            memset(p, 0, size);
            memcpy(p, &small, 1);
        }
    }
    return true;
}

void bench_sum(const void *data, size_t count, int dtype, double *sum,
               double *abs_sum)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < count; i++) {
        double v;
        if (dtype == 1) {
            float f;
            memcpy(&f, p + 4 * i, sizeof f);
            v = f;
        } else if (dtype == 11) {
            memcpy(&v, p + 8 * i, sizeof v);
        } else if (dtype == 7) {
            int64_t x;
            memcpy(&x, p + 8 * i, sizeof x);
            v = (double)x;
        } else if (dtype == 6) {
            int32_t x;
            memcpy(&x, p + 4 * i, sizeof x);
            v = x;
        } else {
            return;
        }
        *sum += v;
        *abs_sum += fabs(v);
    }
}

void *bench_alloc(size_t bytes)
{
    /* aligned_alloc wants a multiple of the alignment; 0 bytes (an empty
     * tensor) still gets a valid pointer. */
    size_t rounded = (bytes + 63) / 64 * 64;
    if (rounded < bytes)
        bench_die("allocation of %zu bytes overflows", bytes);
    void *p = aligned_alloc(64, rounded ? rounded : 64);
    if (!p)
        bench_die("out of memory for %zu bytes", bytes);
    memset(p, 0, rounded ? rounded : 64);
    return p;
}
