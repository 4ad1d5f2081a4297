/*
 * blas_bench - the ceilings onnxc's Gemm is measured against: OpenBLAS's
 * cblas_sgemm on the same shapes, and the FP32 FMA peak of this CPU.
 *
 *   blas_bench [-t THREADS] [-s SECONDS] [--peak] [--json] [MxNxK ...]
 *
 * Each MxNxK is timed as the ONNX Gemm of the benchmark models computes it:
 * Y[M,N] = A[M,K] * B[N,K]^T, row-major (transB=1), alpha 1, beta 0 (the
 * bias add is O(M*N) against the O(M*N*K) product, and left out).
 *
 * --peak measures the FP32 FMA peak with a loop of independent FMAs in
 * registers (AVX-512 where the CPU has it, else AVX2+FMA), on 1 thread and
 * on THREADS threads: what no Gemm can beat, and what a good one nears.
 *
 * OpenBLAS reads OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE at load time, and
 * they decide which kernel it runs: the report names the kernel it chose
 * (openblas_get_corename) and the two variables as they were, so a run
 * with and one without them can be told apart.
 *
 * Exit status: 0 measured, 2 anything wrong (one line on stderr).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* OpenBLAS's cblas.h declares affinity calls with cpu_set_t */
#endif
#include <cblas.h>
#include <errno.h>
#include <immintrin.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SHAPES 64

static const char usage[] =
    "usage: blas_bench [options] [MxNxK ...]\n"
    "\n"
    "Times OpenBLAS cblas_sgemm on Y[M,N] = A[M,K] * B[N,K]^T (row-major),\n"
    "and with --peak the FP32 FMA peak of this CPU.\n"
    "\n"
    "options:\n"
    "  -t, --threads N    OpenBLAS threads, and peak threads (default 1)\n"
    "  -s, --seconds S    time per shape (default 1; at least 2 runs)\n"
    "      --peak         measure the FMA peak on 1 and on N threads\n"
    "      --json         print one JSON object\n"
    "  -h, --help         this text\n";

static void die(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("blas_bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------------------- sgemm */

typedef struct shape_result {
    long m, n, k;
    long runs;
    double min_s, p50_s, mean_s;
} shape_result;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static float *random_matrix(size_t count, uint32_t seed)
{
    size_t bytes = (count * sizeof(float) + 63) / 64 * 64;
    float *p = aligned_alloc(64, bytes ? bytes : 64);
    if (!p)
        die("out of memory for %zu floats", count);
    /* Any non-trivial values do: an LCG into [-1, 1). */
    for (size_t i = 0; i < count; i++) {
        seed = seed * 1664525u + 1013904223u;
        p[i] = (float)(seed >> 8) / (float)(1 << 24) * 2.0f - 1.0f;
    }
    return p;
}

static void sgemm(const float *a, const float *b, float *y, long m, long n,
                  long k)
{
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)n,
                (int)k, 1.0f, a, (int)k, b, (int)k, 0.0f, y, (int)n);
}

static void time_shape(shape_result *r, double seconds)
{
    float *a = random_matrix((size_t)r->m * (size_t)r->k, 1);
    float *b = random_matrix((size_t)r->n * (size_t)r->k, 2);
    float *y = random_matrix((size_t)r->m * (size_t)r->n, 3);
    /* One untimed run: OpenBLAS starts its threads and buffers lazily. */
    sgemm(a, b, y, r->m, r->n, r->k);
    size_t cap = 1024;
    double *times = malloc(cap * sizeof *times);
    double start = now_s(), sum = 0;
    r->runs = 0;
    while (r->runs < 2 || now_s() - start < seconds) {
        if ((size_t)r->runs == cap) {
            cap *= 2;
            times = realloc(times, cap * sizeof *times);
        }
        if (!times)
            die("out of memory for timings");
        double t0 = now_s();
        sgemm(a, b, y, r->m, r->n, r->k);
        double t = now_s() - t0;
        sum += t;
        times[r->runs++] = t;
    }
    /* The median resists the odd preempted run better than the mean on a
     * small shared machine; both are reported. */
    qsort(times, (size_t)r->runs, sizeof *times, cmp_double);
    r->min_s = times[0];
    r->p50_s = times[(r->runs - 1) / 2];
    r->mean_s = sum / (double)r->runs;
    free(times);
    free(a);
    free(b);
    free(y);
}

/* -------------------------------------------------------------- peak */

/* Independent accumulators: more than FMA latency x FMA ports (4 x 2 on
 * current x86 cores), so the loop is limited by FMA throughput alone.
 * They are 16 named variables, not an array, so that they live in
 * registers whatever the optimizer decides about arrays (an array version
 * compiled at -O2 kept them in memory and measured half the peak).
 * acc = acc * m + c converges to c / (1 - m): values stay normal, never
 * denormal or infinite, whatever the iteration count. */
#define CHAINS 16
#define EACH_CHAIN(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) \
                      X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)

__attribute__((target("avx512f"))) static float fma_loop_avx512(long iters)
{
    const __m512 m = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-6f);
#define INIT(i) __m512 acc##i = _mm512_set1_ps((float)(i));
#define STEP(i) acc##i = _mm512_fmadd_ps(acc##i, m, c);
#define SUM(i) sum = _mm512_add_ps(sum, acc##i);
    EACH_CHAIN(INIT)
    for (long it = 0; it < iters; it++) {
        EACH_CHAIN(STEP)
    }
    __m512 sum = _mm512_setzero_ps();
    EACH_CHAIN(SUM)
#undef INIT
#undef STEP
#undef SUM
    return _mm512_reduce_add_ps(sum);
}

__attribute__((target("avx2,fma"))) static float fma_loop_avx2(long iters)
{
    const __m256 m = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-6f);
#define INIT(i) __m256 acc##i = _mm256_set1_ps((float)(i));
#define STEP(i) acc##i = _mm256_fmadd_ps(acc##i, m, c);
#define SUM(i) sum = _mm256_add_ps(sum, acc##i);
    EACH_CHAIN(INIT)
    for (long it = 0; it < iters; it++) {
        EACH_CHAIN(STEP)
    }
    __m256 sum = _mm256_setzero_ps();
    EACH_CHAIN(SUM)
#undef INIT
#undef STEP
#undef SUM
    float out[8];
    _mm256_storeu_ps(out, sum);
    return out[0] + out[1] + out[2] + out[3] + out[4] + out[5] + out[6] +
           out[7];
}

typedef struct peak_isa {
    const char *name;
    int lanes;                   /* floats per vector */
    float (*loop)(long iters);
} peak_isa;

typedef struct peak_thread {
    const peak_isa *isa;
    long iters;
    pthread_barrier_t *start;
    float result;
} peak_thread;

/* Keeps the loops' results alive, so the compiler cannot drop them. */
static volatile float sink;

static void *peak_worker(void *arg)
{
    peak_thread *t = arg;
    pthread_barrier_wait(t->start);
    t->result = t->isa->loop(t->iters);
    return NULL;
}

/* FLOP/s of `threads` threads each running `iters` iterations at once:
 * the best of three tries, so a moment of other load does not count. */
static double peak_gflops(const peak_isa *isa, int threads, long iters)
{
    double best = 0;
    for (int attempt = 0; attempt < 3; attempt++) {
        pthread_t tid[64];
        peak_thread args[64];
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, (unsigned)threads + 1);
        for (int i = 0; i < threads; i++) {
            args[i] = (peak_thread){isa, iters, &start, 0};
            if (pthread_create(&tid[i], NULL, peak_worker, &args[i]))
                die("cannot start thread %d", i);
        }
        pthread_barrier_wait(&start);
        double t0 = now_s();
        for (int i = 0; i < threads; i++) {
            pthread_join(tid[i], NULL);
            sink += args[i].result;
        }
        double t = now_s() - t0;
        pthread_barrier_destroy(&start);
        /* 2 FLOP per lane per FMA. */
        double flop = 2.0 * isa->lanes * CHAINS * (double)iters * threads;
        double g = flop / t * 1e-9;
        best = g > best ? g : best;
    }
    return best;
}

/* ------------------------------------------------------------- main */

static const char *env_or_unset(const char *name)
{
    const char *v = getenv(name);
    return v ? v : "(unset)";
}

static void json_str(const char *key, const char *value, bool comma)
{
    printf("\"%s\": \"", key);
    for (const char *p = value; *p; p++) {
        if (*p == '"' || *p == '\\')
            putchar('\\');
        if ((unsigned char)*p >= 0x20)
            putchar(*p);
    }
    printf("\"%s", comma ? ", " : "");
}

int main(int argc, char **argv)
{
    int threads = 1;
    double seconds = 1;
    bool json = false, peak = false;
    shape_result shapes[MAX_SHAPES];
    int n_shapes = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : "";
        char *end;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage, stdout);
            return 0;
        } else if (!strcmp(a, "-t") || !strcmp(a, "--threads")) {
            errno = 0;
            threads = (int)strtol(next, &end, 10);
            if (errno || *end || !*next || threads < 1 || threads > 64)
                die("%s needs a count from 1 to 64, got '%s'", a, next);
            i++;
        } else if (!strcmp(a, "-s") || !strcmp(a, "--seconds")) {
            errno = 0;
            seconds = strtod(next, &end);
            if (errno || *end || !*next || !(seconds > 0))
                die("%s needs a positive number, got '%s'", a, next);
            i++;
        } else if (!strcmp(a, "--json")) {
            json = true;
        } else if (!strcmp(a, "--peak")) {
            peak = true;
        } else if (a[0] == '-') {
            die("unknown option '%s' (see --help)", a);
        } else {
            shape_result *r = &shapes[n_shapes];
            if (n_shapes == MAX_SHAPES)
                die("at most %d shapes", MAX_SHAPES);
            if (sscanf(a, "%ldx%ldx%ld", &r->m, &r->n, &r->k) != 3 ||
                r->m < 1 || r->n < 1 || r->k < 1 || r->m > 1 << 20 ||
                r->n > 1 << 20 || r->k > 1 << 20)
                die("a shape is MxNxK with each from 1 to 2^20, got '%s'", a);
            n_shapes++;
        }
    }
    if (!n_shapes && !peak)
        die("nothing to measure: give shapes or --peak (see --help)");

    openblas_set_num_threads(threads);
    for (int i = 0; i < n_shapes; i++)
        time_shape(&shapes[i], seconds);

    /* The peak loop runs ~0.1-0.5 s a try at 2-8 GHz-equivalent rates. */
    static const peak_isa avx512 = {"avx512f", 16, fma_loop_avx512};
    static const peak_isa avx2 = {"avx2+fma", 8, fma_loop_avx2};
    const peak_isa *isa = NULL;
    double peak_1 = 0, peak_n = 0;
    if (peak) {
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512f"))
            isa = &avx512;
        else if (__builtin_cpu_supports("avx2") &&
                 __builtin_cpu_supports("fma"))
            isa = &avx2;
        else
            die("--peak needs AVX-512F or AVX2+FMA");
        long iters = isa->lanes == 16 ? 20000000L : 40000000L;
        peak_1 = peak_gflops(isa, 1, iters);
        peak_n = threads > 1 ? peak_gflops(isa, threads, iters) : peak_1;
    }

    const char *core = openblas_get_corename();
    const char *config = openblas_get_config();
    if (json) {
        printf("{");
        json_str("corename", core ? core : "?", true);
        json_str("config", config ? config : "?", true);
        json_str("OPENBLAS_CORETYPE", env_or_unset("OPENBLAS_CORETYPE"), true);
        json_str("OPENBLAS_L2_SIZE", env_or_unset("OPENBLAS_L2_SIZE"), true);
        printf("\"threads\": %d, \"gemm\": [", threads);
        for (int i = 0; i < n_shapes; i++) {
            const shape_result *r = &shapes[i];
            double flop = 2.0 * (double)r->m * (double)r->n * (double)r->k;
            printf("%s{\"m\": %ld, \"n\": %ld, \"k\": %ld, \"runs\": %ld, "
                   "\"min_ms\": %.6g, \"p50_ms\": %.6g, \"mean_ms\": %.6g, "
                   "\"gflops\": %.3f, \"gflops_p50\": %.3f, "
                   "\"gflops_best\": %.3f}",
                   i ? ", " : "", r->m, r->n, r->k, r->runs, r->min_s * 1e3,
                   r->p50_s * 1e3, r->mean_s * 1e3, flop / r->mean_s * 1e-9,
                   flop / r->p50_s * 1e-9, flop / r->min_s * 1e-9);
        }
        printf("]");
        if (peak)
            printf(", \"peak\": {\"isa\": \"%s\", \"gflops_1_thread\": %.2f, "
                   "\"threads\": %d, \"gflops_threads\": %.2f}",
                   isa->name, peak_1, threads, peak_n);
        printf("}\n");
        return 0;
    }

    printf("OpenBLAS:  %s, kernel %s\n", config ? config : "?",
           core ? core : "?");
    printf("env:       OPENBLAS_CORETYPE=%s OPENBLAS_L2_SIZE=%s\n",
           env_or_unset("OPENBLAS_CORETYPE"), env_or_unset("OPENBLAS_L2_SIZE"));
    printf("threads:   %d\n", threads);
    if (n_shapes)
        printf("%-20s %8s %12s %12s %12s %10s\n", "MxNxK", "runs",
               "min ms", "p50 ms", "mean ms", "GFLOP/s");
    for (int i = 0; i < n_shapes; i++) {
        const shape_result *r = &shapes[i];
        char name[64];
        snprintf(name, sizeof name, "%ldx%ldx%ld", r->m, r->n, r->k);
        double flop = 2.0 * (double)r->m * (double)r->n * (double)r->k;
        printf("%-20s %8ld %12.4f %12.4f %12.4f %10.2f\n", name, r->runs,
               r->min_s * 1e3, r->p50_s * 1e3, r->mean_s * 1e3,
               flop / r->mean_s * 1e-9);
    }
    if (peak) {
        printf("FMA peak (%s): %.1f GFLOP/s on 1 thread", isa->name, peak_1);
        if (threads > 1)
            printf(", %.1f on %d threads", peak_n, threads);
        printf("\n");
    }
    return 0;
}
