/*
 * ulp_sweep.c - onnxc-ulp-sweep: runs float32 elementwise kernels over
 * every one of the 2^32 float inputs and reports, per function, the
 * largest distance in ulps from a double-precision reference (libm's
 * double function, rounded to float only for the ulp of the result).
 *
 *   onnxc-ulp-sweep [-t THREADS] [--step K] [--kernels K] [OP ...]
 *
 * OP names an operator (Exp, Tanh, ...; all below when none is given).
 * --step K tries every K-th input only (a quick look; 1, every input, is
 * the default). The kernels are the registry's, run as a session would run
 * them (oc_ops_find, prepare, run), so the figures are those of the code
 * that ships. Opt-in: the whole sweep takes tens of minutes (the CI runs
 * the dense per-binade sample of tests/test_math.c and test_activations.c
 * instead). NaN results must come from NaN references; an infinity must
 * match exactly; a finite result for an infinite reference (or the
 * reverse) counts as "wrong class" and is printed.
 */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnxc.h"
#include "runtime/graph/op.h"

typedef struct sweep_fn {
    const char *op;
    int opset;
    double (*ref)(double);
} sweep_fn;

static double sigmoid_ref(double x) { return 1 / (1 + exp(-x)); }
static double softsign_ref(double x) { return x / (1 + fabs(x)); }
static double softplus_ref(double x)
{
    return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

static const sweep_fn FUNCTIONS[] = {
    {"Exp", 13, exp},         {"Log", 13, log},       {"Tanh", 13, tanh},
    {"Sigmoid", 13, sigmoid_ref}, {"Sqrt", 13, sqrt}, {"Erf", 13, erf},
    {"Sin", 7, sin},          {"Cos", 7, cos},        {"Tan", 7, tan},
    {"Asin", 7, asin},        {"Acos", 7, acos},      {"Atan", 7, atan},
    {"Sinh", 9, sinh},        {"Cosh", 9, cosh},      {"Asinh", 9, asinh},
    {"Acosh", 9, acosh},      {"Atanh", 9, atanh},
    {"Softplus", 1, softplus_ref}, {"Softsign", 1, softsign_ref},
};
enum { N_FUNCTIONS = sizeof FUNCTIONS / sizeof FUNCTIONS[0] };

/* Inputs per task: 1 MiB of floats in, 1 MiB out, per thread. */
#define CHUNK (1u << 18)

typedef struct sweep {
    const oc_op *op;
    oc_node node;
    void *params;
    double (*ref)(double);
    uint64_t step;
    atomic_uint_fast64_t next;   /* the next chunk's first index */
    pthread_mutex_t lock;
    double worst;
    float worst_x, worst_y;
    double worst_ref;
    uint64_t wrong_class, tried;
} sweep;

/* The float of index i: the bit patterns in order. */
static float float_of(uint64_t i)
{
    uint32_t bits = (uint32_t)i;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

/* How many ulps y is from ref, the ulp being that of ref rounded to
 * float (at the float's least exponent below the normal range); -1 when
 * they are not of one class (NaN, an infinity, a finite value). */
static double ulps_from(float y, double ref)
{
    if (isnan(ref) || isnan(y))
        return isnan(ref) && isnan(y) ? 0 : -1;
    float r = (float)ref;
    if (isinf(r) || isinf(y)) {
        if (r == y)
            return 0;
        /* a result of FLT_MAX for a reference just above it rounds to
         * inf: one ulp past the largest float */
        if (isinf(r) && fabsf(y) == FLT_MAX && signbit(y) == signbit(r) &&
            fabs(ref) < (double)FLT_MAX * (1 + 0x1p-23))
            return fabs(ref - (double)y) / ldexp(1, 104);
        return -1;
    }
    int e;
    frexp(fabs((double)r) > 0 ? (double)r : FLT_MIN, &e);
    if (e < -125)
        e = -125;
    double ulp = ldexp(1, e - 24);
    return fabs((double)y - ref) / ulp;
}

static void *sweep_worker(void *arg)
{
    sweep *s = arg;
    float *x = malloc(CHUNK * sizeof *x), *y = malloc(CHUNK * sizeof *y);
    if (!x || !y) {
        free(x);
        free(y);
        return "out of memory";
    }
    double worst = 0, worst_ref = 0;
    float worst_x = 0, worst_y = 0;
    uint64_t wrong = 0, tried = 0;
    const uint64_t span = (uint64_t)CHUNK * s->step;
    for (;;) {
        uint64_t first = atomic_fetch_add(&s->next, span);
        if (first >= (1ull << 32))
            break;
        size_t n = 0;
        for (uint64_t i = first; i < first + span && i < (1ull << 32); i += s->step)
            x[n++] = float_of(i);
        int64_t dims[1] = {(int64_t)n};
        oc_tensor tx = {.dtype = ONNXC_FLOAT, .rank = 1, .data = x};
        oc_tensor ty = {.dtype = ONNXC_FLOAT, .rank = 1, .data = y};
        memcpy(tx.dims, dims, sizeof dims);
        memcpy(ty.dims, dims, sizeof dims);
        const oc_tensor *in[1] = {&tx};
        oc_tensor *out[1] = {&ty};
        oc_run_ctx ctx = {.node = &s->node, .params = s->params, .n_in = 1,
                          .n_out = 1, .in = in, .out = out, .threads = 1};
        onnxc_status *err = s->op->run(&ctx);
        if (err) {
            fprintf(stderr, "onnxc-ulp-sweep: %s: %s\n", s->node.op_type,
                    onnxc_status_message(err));
            onnxc_status_free(err);
            break;
        }
        for (size_t k = 0; k < n; k++) {
            double ref = s->ref((double)x[k]);
            double u = ulps_from(y[k], ref);
            tried++;
            if (u < 0) {
                if (wrong++ < 3)
                    printf("  %s: x = %a gave %a, reference %a (wrong class)\n",
                           s->node.op_type, x[k], y[k], ref);
                continue;
            }
            if (u > worst) {
                worst = u;
                worst_x = x[k];
                worst_y = y[k];
                worst_ref = ref;
            }
        }
    }
    pthread_mutex_lock(&s->lock);
    if (worst > s->worst) {
        s->worst = worst;
        s->worst_x = worst_x;
        s->worst_y = worst_y;
        s->worst_ref = worst_ref;
    }
    s->wrong_class += wrong;
    s->tried += tried;
    pthread_mutex_unlock(&s->lock);
    free(x);
    free(y);
    return NULL;
}

static int run_sweep(const sweep_fn *f, int threads, uint64_t step,
                     onnxc_kernels kernels)
{
    sweep s = {.ref = f->ref, .step = step};
    int version = -1;
    oc_pool pool;
    s.op = oc_ops_find("", f->op, f->opset, &version);
    if (!s.op) {
        fprintf(stderr, "onnxc-ulp-sweep: no operator %s at opset %d\n", f->op,
                f->opset);
        return 1;
    }
    s.node.name = s.node.label = "sweep";
    s.node.op_type = f->op;
    s.node.domain = "";
    s.node.opset = f->opset;
    s.node.op_version = version;
    oc_pool_init(&pool);
    oc_prepare_ctx pctx = {.node = &s.node, .pool = &pool, .kernels = kernels};
    onnxc_status *err = s.op->prepare(&pctx, &s.params);
    if (err) {
        fprintf(stderr, "onnxc-ulp-sweep: %s: %s\n", f->op,
                onnxc_status_message(err));
        onnxc_status_free(err);
        oc_pool_free(&pool);
        return 1;
    }
    pthread_mutex_init(&s.lock, NULL);
    atomic_init(&s.next, 0);
    pthread_t tid[64];
    int started = 0;
    for (; started < threads; started++)
        if (pthread_create(&tid[started], NULL, sweep_worker, &s))
            break;
    int failed = started == 0;
    for (int t = 0; t < started; t++) {
        void *res;
        pthread_join(tid[t], &res);
        failed |= res != NULL;
    }
    pthread_mutex_destroy(&s.lock);
    oc_pool_free(&pool);
    if (failed) {
        fprintf(stderr, "onnxc-ulp-sweep: %s: the sweep did not finish\n", f->op);
        return 1;
    }
    printf("| %s | %" PRIu64 " | %.3f | %a | %a | %a | %" PRIu64 " |\n", f->op,
           s.tried, s.worst, s.worst_x, s.worst_y, s.worst_ref, s.wrong_class);
    fflush(stdout);
    return s.wrong_class ? 1 : 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: onnxc-ulp-sweep [-t THREADS] [--step K] "
                    "[--kernels auto|avx512|avx2|portable] [OP ...]\n");
    return 2;
}

int main(int argc, char **argv)
{
    int threads = 2, first_op = argc;
    uint64_t step = 1;
    onnxc_kernels kernels = ONNXC_KERNELS_AUTO;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-t") && i + 1 < argc) {
            threads = atoi(argv[++i]);
            if (threads < 1 || threads > 64)
                return usage();
        } else if (!strcmp(argv[i], "--step") && i + 1 < argc) {
            step = strtoull(argv[++i], NULL, 10);
            if (step < 1)
                return usage();
        } else if (!strcmp(argv[i], "--kernels") && i + 1 < argc) {
            const char *k = argv[++i];
            kernels = !strcmp(k, "avx512")     ? ONNXC_KERNELS_AVX512
                      : !strcmp(k, "avx2")     ? ONNXC_KERNELS_AVX2
                      : !strcmp(k, "portable") ? ONNXC_KERNELS_PORTABLE
                      : !strcmp(k, "auto")     ? ONNXC_KERNELS_AUTO
                                               : (onnxc_kernels)-1;
            if (kernels == (onnxc_kernels)-1)
                return usage();
        } else if (argv[i][0] == '-') {
            return usage();
        } else {
            first_op = i;
            break;
        }
    }
    printf("| function | inputs | max ulps | at x | onnxc | reference | wrong class |\n"
           "|---|---:|---:|---|---|---|---:|\n");
    int status = 0;
    for (int k = 0; k < N_FUNCTIONS; k++) {
        bool wanted = first_op == argc;
        for (int i = first_op; i < argc; i++)
            wanted |= !strcmp(argv[i], FUNCTIONS[k].op);
        if (wanted)
            status |= run_sweep(&FUNCTIONS[k], threads, step, kernels);
    }
    return status;
}
