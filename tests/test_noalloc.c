/*
 * test_noalloc.c - repeated runs at the same shapes touch no heap.
 *
 * onnxc.h promises that after the first run at a set of input shapes,
 * later runs at those shapes allocate nothing, and that with a
 * caller-owned arena a session allocates nothing after creation. To
 * check it, this binary defines malloc and friends itself: the dynamic
 * linker then sends every call in the process to them (the library's,
 * libc's own internal ones, Criterion's). They forward to glibc's
 * implementation and count, but only on the thread that asked for
 * counting and only while it is on.
 *
 * Nothing that may allocate runs while counting: Criterion reports every
 * assertion to its runner, so the counted loops only record what they
 * see and the asserts come after.
 *
 * A session with threads runs part of its work on worker threads it
 * starts at creation. To see their allocations too, this binary also
 * defines pthread_create: threads started while `tagging` is on (around
 * onnxc_session_create) are tagged, and a tagged thread's heap calls are
 * counted while the counting thread counts.
 */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model_builder.h"
#include "onnxc.h"

#define REFERENCE FIXTURES_DIR "/reference/mlp_relu"
#define REPEATS 1000

/* ------------------------------------------------------ interposition */

/* glibc's own entry points, which its malloc, calloc, ... also use. */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);
extern void *__libc_memalign(size_t alignment, size_t size);

/* Thread-local so that Criterion's own threads are never counted. */
static _Thread_local int counting;
static _Thread_local size_t heap_allocs;  /* malloc, calloc, realloc, ... */
static _Thread_local size_t heap_frees;   /* free of a non-NULL pointer */

/* Threads started by the library while tagging: their calls (allocations
 * and frees alike) go to one shared counter while workers_counting. */
static atomic_int tagging;
static _Thread_local int tagged;
static atomic_int workers_counting;
static atomic_size_t worker_heap_calls;

static void count_worker_call(void)
{
    if (tagged && atomic_load(&workers_counting))
        atomic_fetch_add(&worker_heap_calls, 1);
}

void *malloc(size_t size)
{
    heap_allocs += counting != 0;
    count_worker_call();
    return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
    heap_allocs += counting != 0;
    count_worker_call();
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
    heap_allocs += counting != 0;
    count_worker_call();
    return __libc_realloc(p, size);
}

void free(void *p)
{
    heap_frees += counting && p;
    if (p)
        count_worker_call();
    __libc_free(p);
}

void *aligned_alloc(size_t alignment, size_t size)
{
    heap_allocs += counting != 0;
    count_worker_call();
    return __libc_memalign(alignment, size);
}

void *memalign(size_t alignment, size_t size);  /* <malloc.h>, not C11 */
void *memalign(size_t alignment, size_t size)
{
    heap_allocs += counting != 0;
    count_worker_call();
    return __libc_memalign(alignment, size);
}

int posix_memalign(void **out, size_t alignment, size_t size)
{
    heap_allocs += counting != 0;
    count_worker_call();
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0)
        return EINVAL;
    void *p = __libc_memalign(alignment, size);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

/* The threads tagged so far: their start routines, run by tagged_start,
 * and their ids (for their CPU clocks). */
#define MAX_TAGGED 8
typedef struct tagged_thread {
    void *(*fn)(void *);
    void *arg;
    pthread_t id;
} tagged_thread;
static tagged_thread tagged_threads[MAX_TAGGED];
static atomic_int tagged_count;

static void *tagged_start(void *slot)
{
    tagged_thread *t = slot;
    tagged = 1;
    return t->fn(t->arg);
}

/* Every pthread_create in the process lands here (the library's, libc's,
 * Criterion's); glibc's does the work. */
int pthread_create(pthread_t *id, const pthread_attr_t *attr,
                   void *(*fn)(void *), void *arg)
{
    static int (*real)(pthread_t *, const pthread_attr_t *,
                       void *(*)(void *), void *);
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "pthread_create");
    if (!real)
        return EAGAIN;
    int slot = atomic_load(&tagging) ? atomic_fetch_add(&tagged_count, 1)
                                     : MAX_TAGGED;
    if (slot >= MAX_TAGGED)
        return real(id, attr, fn, arg);
    tagged_threads[slot].fn = fn;
    tagged_threads[slot].arg = arg;
    int err = real(id, attr, tagged_start, &tagged_threads[slot]);
    if (!err)
        tagged_threads[slot].id = *id;
    return err;
}

static void count_start(void)
{
    heap_allocs = 0;
    heap_frees = 0;
    atomic_store(&worker_heap_calls, 0);
    atomic_store(&workers_counting, 1);
    counting = 1;
}

/* Stops counting; the number of heap calls (allocations and frees), the
 * tagged threads' included. */
static size_t count_stop(void)
{
    counting = 0;
    atomic_store(&workers_counting, 0);
    return heap_allocs + heap_frees + atomic_load(&worker_heap_calls);
}

/* ------------------------------------------------------------ helpers */

#define expect_ok(call)                                                        \
    do {                                                                       \
        onnxc_status *st_ = (call);                                            \
        cr_assert_null(st_, "%s failed: %s", #call,                            \
                       onnxc_status_message(st_));                             \
    } while (0)

static onnxc_tensor *read_tensor(int set, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, REFERENCE "/test_data_set_%d/%s.pb", set, name);
    onnxc_tensor *t = NULL;
    expect_ok(onnxc_tensor_read_file(path, &t));
    return t;
}

/* One test data set: torch's input and output. */
typedef struct data_set {
    onnxc_tensor *input, *output;
    onnxc_tensor_view in, out;
} data_set;

static data_set data_set_load(int set)
{
    data_set d;
    d.input = read_tensor(set, "input_0");
    d.output = read_tensor(set, "output_0");
    d.in = onnxc_tensor_get_view(d.input);
    d.out = onnxc_tensor_get_view(d.output);
    return d;
}

static void data_set_free(data_set *d)
{
    onnxc_tensor_free(d->input);
    onnxc_tensor_free(d->output);
}

/* Bind, run, read the output: what an application does per inference.
 * Returns the first error (the status is kept, not freed, so that the
 * counted loop does not touch the heap on success). */
static onnxc_status *infer(onnxc_session *s, const data_set *d,
                           onnxc_tensor_view *out)
{
    onnxc_status *st = onnxc_session_bind_input(
        s, 0, d->in.dtype, d->in.dims, (size_t)d->in.rank, d->in.data);
    if (!st)
        st = onnxc_session_run(s);
    if (!st)
        st = onnxc_session_output(s, 0, out);
    return st;
}

/* Within rtol 1e-4 / atol 1e-5 of torch's output. Not for counted code. */
static void expect_matches_torch(const onnxc_tensor_view *got,
                                 const data_set *d)
{
    cr_assert_eq(got->rank, 2);
    cr_assert_eq(got->dims[0], d->out.dims[0], "batch %lld, torch %lld",
                 (long long)got->dims[0], (long long)d->out.dims[0]);
    cr_assert_eq(got->dims[1], 3);
    cr_assert_eq(got->bytes, d->out.bytes);
    const float *g = got->data, *w = d->out.data;
    for (size_t i = 0; i < d->out.bytes / sizeof(float); i++)
        cr_assert_leq(fabs((double)g[i] - w[i]), 1e-5 + 1e-4 * fabs(w[i]),
                      "element %zu: %.9g, torch says %.9g", i, g[i], w[i]);
}

/* Runs REPEATS inferences while counting. Each output must be bit-equal
 * to `expected`, a copy of the first run's output taken before counting
 * (memcmp does not allocate). */
typedef struct repeat_result {
    size_t heap_calls;
    onnxc_status *error;
    int run;            /* the run that failed or differed, or -1 */
    int differed;
} repeat_result;

static repeat_result run_repeatedly_n(onnxc_session *s, const data_set *d,
                                      const void *expected, size_t bytes,
                                      int repeats)
{
    repeat_result r = {0, NULL, -1, 0};
    onnxc_tensor_view out;
    count_start();
    for (int i = 0; i < repeats; i++) {
        if ((r.error = infer(s, d, &out))) {
            r.run = i;
            break;
        }
        if (out.bytes != bytes || memcmp(out.data, expected, bytes) != 0) {
            r.run = i;
            r.differed = 1;
            break;
        }
    }
    r.heap_calls = count_stop();
    return r;
}

static repeat_result run_repeatedly(onnxc_session *s, const data_set *d,
                                    const void *expected, size_t bytes)
{
    return run_repeatedly_n(s, d, expected, bytes, REPEATS);
}

static void expect_clean(const repeat_result *r)
{
    cr_assert_null(r->error, "run %d failed: %s", r->run,
                   onnxc_status_message(r->error));
    cr_assert_eq(r->differed, 0, "run %d gave a different output", r->run);
    cr_assert_eq(r->heap_calls, 0,
                 "%zu heap calls in %d runs at unchanged shapes",
                 r->heap_calls, REPEATS);
}

static onnxc_model *load_reference(void)
{
    onnxc_model *model = NULL;
    expect_ok(onnxc_model_load_file(REFERENCE "/model.onnx", &model));
    return model;
}

/* -------------------------------------------------------------- tests */

Test(noalloc, interposition_counts_calls_made_while_counting)
{
    /* Through volatile pointers so the compiler cannot drop the pairs. */
    void *(*volatile do_malloc)(size_t) = malloc;
    void *(*volatile do_aligned)(size_t, size_t) = aligned_alloc;
    void (*volatile do_free)(void *) = free;

    count_start();
    void *p = do_malloc(24);
    size_t after_malloc = heap_allocs;
    void *q = do_aligned(64, 128);
    char *dup = strdup("libc allocates through our malloc too");
    do_free(p);
    do_free(q);
    do_free(dup);
    size_t allocs = heap_allocs, frees = heap_frees;
    count_stop();

    cr_assert_eq(after_malloc, 1, "malloc was not counted");
    cr_assert_eq(allocs, 3, "malloc, aligned_alloc and strdup: %zu counted",
                 allocs);
    cr_assert_eq(frees, 3, "three frees, %zu counted", frees);

    /* Not counting: nothing is recorded. */
    void *r = do_malloc(8);
    do_free(r);
    cr_assert_eq(heap_allocs, allocs);
    cr_assert_eq(heap_frees, frees);
}

Test(noalloc, interposition_sees_the_librarys_allocations)
{
    /* Creating a session allocates its tables: counting must see it. */
    onnxc_model *model = load_reference();
    onnxc_session *s = NULL;
    count_start();
    onnxc_status *st = onnxc_session_create(model, NULL, &s);
    size_t calls = count_stop();
    cr_assert_null(st, "%s", onnxc_status_message(st));
    cr_assert_gt(calls, 0, "session_create allocated nothing we could see");
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(noalloc, repeated_runs_at_the_same_shape_do_not_allocate)
{
    onnxc_model *model = load_reference();
    data_set sets[2] = {data_set_load(0), data_set_load(1)};
    for (int k = 0; k < 2; k++) {
        const data_set *d = &sets[k];
        onnxc_session *s = NULL;
        expect_ok(onnxc_session_create(model, NULL, &s));
        onnxc_tensor_view first;
        expect_ok(infer(s, d, &first));  /* plans: may allocate */
        expect_matches_torch(&first, d);
        float saved[64 * 3];
        cr_assert_leq(first.bytes, sizeof saved);
        memcpy(saved, first.data, first.bytes);
        repeat_result r = run_repeatedly(s, d, saved, first.bytes);
        expect_clean(&r);
        onnxc_plan_stats st;
        expect_ok(onnxc_session_plan_stats(s, &st));
        cr_assert_eq(st.plans, 1, "batch %lld re-planned",
                     (long long)d->in.dims[0]);
        onnxc_session_free(s);
    }
    data_set_free(&sets[0]);
    data_set_free(&sets[1]);
    onnxc_model_free(model);
}

Test(noalloc, caller_arena_and_fixed_batch_allocate_nothing_from_the_first_run)
{
    onnxc_model *model = load_reference();
    data_set d = data_set_load(1);  /* batch 64 */
    static _Alignas(64) unsigned char arena[64 * 1024];
    onnxc_session_options *opts = NULL;
    expect_ok(onnxc_session_options_create(&opts));
    expect_ok(onnxc_session_options_set_arena(opts, arena, sizeof arena));
    expect_ok(onnxc_session_options_set_dim(opts, "batch", d.in.dims[0]));
    onnxc_session *s = NULL;
    expect_ok(onnxc_session_create(model, opts, &s));
    onnxc_session_options_free(opts);

    /* The very first inference is counted too. */
    onnxc_tensor_view first;
    count_start();
    onnxc_status *st = infer(s, &d, &first);
    size_t first_calls = count_stop();
    cr_assert_null(st, "%s", onnxc_status_message(st));
    cr_assert_eq(first_calls, 0, "the first run made %zu heap calls",
                 first_calls);
    expect_matches_torch(&first, &d);

    float saved[64 * 3];
    cr_assert_eq(first.bytes, sizeof saved);
    memcpy(saved, first.data, sizeof saved);
    repeat_result r = run_repeatedly(s, &d, saved, sizeof saved);
    expect_clean(&r);

    onnxc_plan_stats stats;
    expect_ok(onnxc_session_plan_stats(s, &stats));
    cr_assert_eq(stats.plans, 1, "planned at creation only");
    onnxc_session_free(s);
    data_set_free(&d);
    onnxc_model_free(model);
}

Test(noalloc, caller_output_buffer_allocates_nothing)
{
    onnxc_model *model = load_reference();
    data_set d = data_set_load(1);
    static _Alignas(64) unsigned char arena[64 * 1024];
    float out[64 * 3];
    onnxc_session_options *opts = NULL;
    expect_ok(onnxc_session_options_create(&opts));
    expect_ok(onnxc_session_options_set_arena(opts, arena, sizeof arena));
    onnxc_session *s = NULL;
    expect_ok(onnxc_session_create(model, opts, &s));
    onnxc_session_options_free(opts);
    expect_ok(onnxc_session_bind_output(s, 0, out, sizeof out));

    /* No fixed dims: the first run plans, into the caller's arena, which
     * needs no allocation either. */
    onnxc_tensor_view first;
    count_start();
    onnxc_status *st = infer(s, &d, &first);
    size_t first_calls = count_stop();
    cr_assert_null(st, "%s", onnxc_status_message(st));
    cr_assert_eq(first_calls, 0, "planning into a caller arena made %zu heap "
                 "calls", first_calls);
    cr_assert_eq(first.data, (const void *)out);
    expect_matches_torch(&first, &d);

    float saved[64 * 3];
    memcpy(saved, out, sizeof saved);
    repeat_result r = run_repeatedly(s, &d, saved, sizeof saved);
    expect_clean(&r);
    onnxc_session_free(s);
    data_set_free(&d);
    onnxc_model_free(model);
}

/* A new batch re-plans. With the runtime's arena a larger batch grows it
 * (one allocation); a smaller one, or a return to a size it has held,
 * fits what is there. The session keeps one plan, so going back re-plans;
 * what matters is that the outputs stay right. */
Test(noalloc, batch_changes_replan_and_stay_correct)
{
    onnxc_model *model = load_reference();
    data_set small = data_set_load(0), large = data_set_load(1);
    onnxc_session *s = NULL;
    expect_ok(onnxc_session_create(model, NULL, &s));
    onnxc_tensor_view out;
    onnxc_plan_stats st;

    expect_ok(infer(s, &small, &out));
    expect_matches_torch(&out, &small);
    expect_ok(onnxc_session_plan_stats(s, &st));
    size_t small_arena = st.arena_bytes;

    count_start();
    onnxc_status *err = infer(s, &large, &out);
    size_t grow_calls = count_stop();
    cr_assert_null(err, "%s", onnxc_status_message(err));
    expect_matches_torch(&out, &large);
    expect_ok(onnxc_session_plan_stats(s, &st));
    cr_assert_eq(st.plans, 2, "batch 1 -> 64 must re-plan");
    cr_assert_gt(st.arena_bytes, small_arena);
    cr_assert_gt(grow_calls, 0, "a larger arena was needed: the growth "
                 "should have been seen");

    /* Back and forth: re-plans each time, within the grown arena. */
    const data_set *order[] = {&small, &large, &small};
    for (int i = 0; i < 3; i++) {
        count_start();
        err = infer(s, order[i], &out);
        size_t calls = count_stop();
        cr_assert_null(err, "%s", onnxc_status_message(err));
        expect_matches_torch(&out, order[i]);
        expect_ok(onnxc_session_plan_stats(s, &st));
        cr_assert_eq(st.plans, (size_t)(3 + i), "switch %d re-plans", i);
        cr_assert_eq(calls, 0, "switch %d: the arena already fits, yet %zu "
                     "heap calls", i, calls);
    }

    /* And settled at the new shape, no more heap traffic. */
    float saved[3];
    cr_assert_eq(out.bytes, sizeof saved);
    memcpy(saved, out.data, sizeof saved);
    repeat_result r = run_repeatedly(s, &small, saved, sizeof saved);
    expect_clean(&r);

    onnxc_session_free(s);
    data_set_free(&small);
    data_set_free(&large);
    onnxc_model_free(model);
}

Test(noalloc, caller_arena_batch_changes_allocate_nothing)
{
    onnxc_model *model = load_reference();
    data_set small = data_set_load(0), large = data_set_load(1);
    static _Alignas(64) unsigned char arena[64 * 1024];
    onnxc_session_options *opts = NULL;
    expect_ok(onnxc_session_options_create(&opts));
    expect_ok(onnxc_session_options_set_arena(opts, arena, sizeof arena));
    onnxc_session *s = NULL;
    expect_ok(onnxc_session_create(model, opts, &s));
    onnxc_session_options_free(opts);

    const data_set *order[] = {&small, &large, &small, &large};
    for (int i = 0; i < 4; i++) {
        onnxc_tensor_view out;
        count_start();
        onnxc_status *err = infer(s, order[i], &out);
        size_t calls = count_stop();
        cr_assert_null(err, "%s", onnxc_status_message(err));
        cr_assert_eq(calls, 0, "run %d: %zu heap calls with a caller arena",
                     i, calls);
        expect_matches_torch(&out, order[i]);
    }
    onnxc_session_free(s);
    data_set_free(&small);
    data_set_free(&large);
    onnxc_model_free(model);
}


/* Binds x (one float input of n elements) and runs s, counting heap
 * calls unless `first`; the output 0 and the plan statistics after it.
 * Returns the heap calls. */
static size_t run_counted(onnxc_session *s, int64_t n, const float *x,
                          bool first, onnxc_tensor_view *v,
                          onnxc_plan_stats *st)
{
    int64_t dims[1] = {n};
    expect_ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, dims, 1, x));
    if (!first)
        count_start();
    onnxc_status *err = onnxc_session_run(s);
    size_t calls = first ? 0 : count_stop();
    cr_assert_null(err, "%s", onnxc_status_message(err));
    expect_ok(onnxc_session_output(s, 0, v));
    expect_ok(onnxc_session_plan_stats(s, st));
    return calls;
}

/* NonZero's output shape follows x's contents: the plan is split after
 * it, the rest planned when the run gets there, and kept while the count
 * repeats. A count seen before re-plans within memory already there. */
static onnxc_model *load_nonzero_graph(void)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "6");
    float half = 0.5f;
    mb_initializer_f32(m, "half", "", &half, 1);
    mb_node(m, "NonZero", "nz", "x", "nz");
    mb_node(m, "Transpose", "t", "nz", "t");
    Onnx__NodeProto *c = mb_node(m, "Cast", "f", "t", "f");
    mb_attr_int(m, c, "to", ONNXC_FLOAT);
    mb_node(m, "Shape", "s", "f", "s");
    mb_node(m, "ConstantOfShape", "zeros", "s", "z");
    mb_node(m, "Add", "g", "f,z", "g");
    mb_node(m, "Add", "y", "g,half", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    onnxc_model *model = NULL;
    expect_ok(mb_load(m, NULL, &model));
    mb_free(m);
    return model;
}

Test(noalloc, a_data_dependent_shape_replans_then_reuses_without_allocating)
{
    onnxc_model *model = load_nonzero_graph();
    onnxc_session *s = NULL;
    expect_ok(onnxc_session_create(model, NULL, &s));
    static const float three[6] = {1, 0, -2, 0, 0, 3};   /* at 0, 2, 5 */
    static const float two[6] = {0, 7, 0, 0, 0.5f, 0};   /* at 1, 4 */
    static const float want3[3] = {0.5f, 2.5f, 5.5f}, want2[2] = {1.5f, 4.5f};
    const float *xs[] = {three, two, two, three, two};
    size_t plans[] = {2, 3, 3, 4, 5};  /* the first run plans both segments */
    for (int i = 0; i < 5; i++) {
        onnxc_tensor_view v;
        onnxc_plan_stats st;
        size_t calls = run_counted(s, 6, xs[i], i == 0, &v, &st);
        size_t k = xs[i] == three ? 3 : 2;
        const float *want = k == 3 ? want3 : want2;
        cr_assert_eq(v.rank, 2);
        cr_assert_eq(v.dims[0], (int64_t)k, "run %d: %lld rows", i,
                     (long long)v.dims[0]);
        for (size_t j = 0; j < k; j++)
            cr_assert_eq(((const float *)v.data)[j], want[j], "run %d [%zu]",
                         i, j);
        cr_assert_eq(st.plans, plans[i], "run %d: %zu plans, expected %zu", i,
                     (size_t)st.plans, plans[i]);
        cr_assert_eq(calls, 0, "run %d: %zu heap calls", i, calls);
    }
    onnxc_session_free(s);
    onnxc_model_free(model);
}

/* TopK's k from contents only the run computes: the largest index
 * NonZero finds in x (ReduceMax of its output). x is too large for the
 * plan to keep (128 bytes), so NonZero and ReduceMax run; the plan stops
 * before TopK and goes on once the run has computed k. A k seen last time
 * keeps that plan, a new one plans again within the memory already
 * there. */
Test(noalloc, a_shape_from_run_time_contents_splits_the_plan_and_is_reused)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "32");
    mb_node(m, "NonZero", "nz", "x", "nz");
    Onnx__NodeProto *r = mb_node(m, "ReduceMax", "last", "nz", "k");
    int64_t one = 1;
    mb_attr_ints(m, r, "axes", &one, 1);
    mb_attr_int(m, r, "keepdims", 0);
    mb_node(m, "TopK", "top", "x,k", "y,i");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    onnxc_model *model = NULL;
    expect_ok(mb_load(m, NULL, &model));
    mb_free(m);
    onnxc_session *s = NULL;
    expect_ok(onnxc_session_create(model, NULL, &s));
    static const float five[32] = {1, 0, -2, 0, 0, 3};   /* last at 5 */
    static const float four[32] = {0, 7, 0, 0, 0.5f, 0};  /* last at 4 */
    static const float want5[5] = {3, 1, 0, 0, 0}, want4[4] = {7, 0.5f, 0, 0};
    const float *xs[] = {five, four, four, five, five};
    size_t last_plans = 0;
    for (int i = 0; i < 5; i++) {
        onnxc_tensor_view v;
        onnxc_plan_stats st;
        size_t calls = run_counted(s, 32, xs[i], i == 0, &v, &st);
        size_t k = xs[i] == five ? 5 : 4;
        const float *want = k == 5 ? want5 : want4;
        cr_assert_eq(v.rank, 1);
        cr_assert_eq(v.dims[0], (int64_t)k, "run %d: k %lld", i,
                     (long long)v.dims[0]);
        for (size_t j = 0; j < k; j++)
            cr_assert_eq(((const float *)v.data)[j], want[j], "run %d [%zu]",
                         i, j);
        /* a repeated x (runs 2 and 4) plans nothing; a new k plans */
        bool repeat = i > 0 && xs[i] == xs[i - 1];
        cr_assert(repeat ? st.plans == last_plans : st.plans > last_plans,
                  "run %d: %zu plans after %zu", i, (size_t)st.plans,
                  last_plans);
        last_plans = st.plans;
        cr_assert_eq(calls, 0, "run %d: %zu heap calls", i, calls);
    }
    onnxc_session_free(s);
    onnxc_model_free(model);
}

/* A Loop of 5 iterations carrying v (from input x; each adds x, read
 * from the outer graph) with a scan output 2v, then an If on input flag
 * adding or subtracting 1: the bodies run in sessions of their own,
 * whose plans are made at their first run and kept. */
static onnxc_model *load_control_flow(void)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", 16);
    mb_input(m, "x", ONNXC_FLOAT, "4");
    mb_input(m, "flag", ONNXC_BOOL, "");
    int64_t five = 5;
    mb_initializer_raw(m, "M", ONNXC_INT64, "", &five, sizeof five);
    Onnx__NodeProto *loop = mb_node(m, "Loop", "loop", "M,,x", "vf,rows");
    mb_subgraph_begin(m, "body");
    mb_input(m, "i", ONNXC_INT64, "");
    mb_input(m, "c", ONNXC_BOOL, "");
    mb_input(m, "v", ONNXC_FLOAT, "4");
    float two = 2, one = 1;
    mb_initializer_f32(m, "two", "", &two, 1);
    mb_node(m, "Identity", "keep", "c", "co");
    mb_node(m, "Add", "step", "v,x", "vo");
    mb_node(m, "Mul", "twice", "v,two", "row");
    mb_output(m, "co", ONNXC_BOOL, "");
    mb_output(m, "vo", ONNXC_FLOAT, "4");
    mb_output(m, "row", ONNXC_FLOAT, "4");
    mb_subgraph_end(m, loop, "body");
    mb_initializer_f32(m, "one", "", &one, 1);
    Onnx__NodeProto *iff = mb_node(m, "If", "choose", "flag", "y");
    mb_subgraph_begin(m, "up");
    mb_node(m, "Add", "plus", "vf,one", "y_up");
    mb_output(m, "y_up", ONNXC_FLOAT, "4");
    mb_subgraph_end(m, iff, "then_branch");
    mb_subgraph_begin(m, "down");
    mb_node(m, "Sub", "minus", "vf,one", "y_down");
    mb_output(m, "y_down", ONNXC_FLOAT, "4");
    mb_subgraph_end(m, iff, "else_branch");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    mb_output(m, "rows", ONNXC_FLOAT, NULL);
    onnxc_model *model = NULL;
    expect_ok(mb_load(m, NULL, &model));
    mb_free(m);
    return model;
}

Test(noalloc, loop_and_if_bodies_run_without_allocating_after_their_first_run)
{
    onnxc_model *model = load_control_flow();
    onnxc_session *s = NULL;
    expect_ok(onnxc_session_create(model, NULL, &s));
    static const float x[4] = {1, -2, 0.5f, 3};
    int64_t dims[1] = {4};
    size_t calls = 0;
    for (int run = 0; run < 2 + REPEATS; run++) {
        bool flag = run % 2 == 0;
        expect_ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, dims, 1, x));
        expect_ok(onnxc_session_bind_input(s, 1, ONNXC_BOOL, NULL, 0, &flag));
        if (run >= 2)   /* each branch has planned once */
            count_start();
        onnxc_status *err = onnxc_session_run(s);
        if (run >= 2)
            calls += count_stop();
        cr_assert_null(err, "%s", onnxc_status_message(err));
        if (run > 3)
            continue;
        onnxc_tensor_view y, rows;
        expect_ok(onnxc_session_output(s, 0, &y));
        expect_ok(onnxc_session_output(s, 1, &rows));
        cr_assert_eq(y.rank, 1);
        cr_assert_eq(rows.rank, 2);
        cr_assert_eq(rows.dims[0], 5);
        cr_assert_eq(rows.dims[1], 4);
        for (int j = 0; j < 4; j++) {
            float want = 6 * x[j] + (flag ? 1.0f : -1.0f);
            cr_assert_eq(((const float *)y.data)[j], want, "run %d y[%d]", run, j);
            for (int i = 0; i < 5; i++)
                cr_assert_eq(((const float *)rows.data)[i * 4 + j],
                             2 * (1 + i) * x[j], "run %d rows[%d][%d]", run, i, j);
        }
    }
    cr_assert_eq(calls, 0, "%zu heap calls over %d runs", calls, REPEATS);
    onnxc_session_free(s);
    onnxc_model_free(model);
}

/* ------------------------------------------------------------ threads */

static double thread_cpu_seconds(pthread_t id)
{
    clockid_t clock;
    struct timespec ts;
    if (pthread_getcpuclockid(id, &clock) != 0 ||
        clock_gettime(clock, &ts) != 0)
        return -1;
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A session on `threads` threads with the dim `dim` fixed to `batch`,
 * the threads it starts tagged. */
static onnxc_session *tagged_session(onnxc_model *model, int threads,
                                     const char *dim, int64_t batch)
{
    onnxc_session_options *opts = NULL;
    onnxc_session *s = NULL;
    expect_ok(onnxc_session_options_create(&opts));
    expect_ok(onnxc_session_options_set_threads(opts, threads));
    expect_ok(onnxc_session_options_set_dim(opts, dim, batch));
    atomic_store(&tagged_count, 0);
    atomic_store(&tagging, 1);
    onnxc_status *st = onnxc_session_create(model, opts, &s);
    atomic_store(&tagging, 0);
    onnxc_session_options_free(opts);
    cr_assert_null(st, "%s", onnxc_status_message(st));
    return s;
}

/* Runs `model` (one float input [dim, features]) at a batch where its
 * Gemms split over 2 threads, and checks that the second thread exists
 * and worked during the counted runs (its CPU clock moved), that the
 * output has the bits of a 1-thread session's, and that neither thread
 * touched the heap. */
static void expect_two_threads_clean(onnxc_model *model, const char *dim,
                                     int64_t batch, size_t features,
                                     int repeats)
{
    size_t count = (size_t)batch * features;
    float *x = malloc(count * sizeof *x);
    cr_assert(x);
    for (size_t i = 0; i < count; i++)
        x[i] = (float)((i * 7919) % 1000) / 500.0f - 1.0f;
    int64_t dims[2] = {batch, (int64_t)features};
    data_set d = {0};
    d.in = (onnxc_tensor_view){ONNXC_FLOAT, 2, dims, x, count * sizeof *x};
    onnxc_tensor_view out;

    onnxc_session *one = tagged_session(model, 1, dim, batch);
    cr_assert_eq(atomic_load(&tagged_count), 0,
                 "a 1-thread session started a thread");
    expect_ok(infer(one, &d, &out));
    size_t bytes = out.bytes;
    void *expected = malloc(bytes);
    cr_assert(expected);
    memcpy(expected, out.data, bytes);
    onnxc_session_free(one);

    onnxc_session *two = tagged_session(model, 2, dim, batch);
    cr_assert_eq(atomic_load(&tagged_count), 1,
                 "a 2-thread session starts one worker, it started %d",
                 atomic_load(&tagged_count));
    expect_ok(infer(two, &d, &out));
    cr_assert(out.bytes == bytes && memcmp(out.data, expected, bytes) == 0,
              "2 threads differ from 1");
    double before = thread_cpu_seconds(tagged_threads[0].id);
    repeat_result r = run_repeatedly_n(two, &d, expected, bytes, repeats);
    double after = thread_cpu_seconds(tagged_threads[0].id);

    cr_assert_null(r.error, "run %d failed: %s", r.run,
                   onnxc_status_message(r.error));
    cr_assert_eq(r.differed, 0, "run %d gave a different output", r.run);
    cr_assert_eq(r.heap_calls, 0,
                 "%zu heap calls in %d runs on 2 threads at unchanged shapes",
                 r.heap_calls, repeats);
    cr_assert(before >= 0 && after > before,
              "the worker did not run during the counted runs (CPU time "
              "%.6f s, then %.6f s)", before, after);
    onnxc_session_free(two);
    free(expected);
    free(x);
}

static void *allocate_and_free(void *arg)
{
    void *(*volatile do_malloc)(size_t) = malloc;
    void (*volatile do_free)(void *) = free;
    (void)arg;
    do_free(do_malloc(32));
    return NULL;
}

Test(noalloc, interposition_counts_tagged_threads_only)
{
    pthread_t id;
    atomic_store(&tagged_count, 0);
    count_start();
    atomic_store(&tagging, 1);
    int err = pthread_create(&id, NULL, allocate_and_free, NULL);
    atomic_store(&tagging, 0);
    if (!err)
        pthread_join(id, NULL);
    size_t tagged_calls = atomic_load(&worker_heap_calls);
    count_stop();

    /* A thread started while not tagging is not counted. */
    count_start();
    int err2 = pthread_create(&id, NULL, allocate_and_free, NULL);
    if (!err2)
        pthread_join(id, NULL);
    size_t untagged_calls = atomic_load(&worker_heap_calls);
    count_stop();

    cr_assert_eq(err, 0);
    cr_assert_eq(err2, 0);
    cr_assert_eq(atomic_load(&tagged_count), 1);
    cr_assert_geq(tagged_calls, 2, "a tagged thread's malloc and free: %zu "
                  "counted", tagged_calls);
    cr_assert_eq(untagged_calls, 0, "an untagged thread was counted");
}

/* The reference network at batch 8192: its first Gemm (8192 x 10 -> 5)
 * is past the narrow path's threshold and splits over the 2 threads. */
Test(noalloc, runs_on_two_threads_do_not_allocate)
{
    onnxc_model *model = load_reference();
    /* Fewer runs than elsewhere: on a busy machine a hand-off to the
     * worker can wait for a CPU. */
    expect_two_threads_clean(model, "batch", 8192, 10, 300);
    onnxc_model_free(model);
}

/* A 256 x 256 Gemm and Relu at batch 256: the blocked path, which splits
 * over threads with packed panels in the planned workspace. */
Test(noalloc, blocked_gemm_on_two_threads_does_not_allocate)
{
    enum { F = 256 };
    float *w = malloc(F * F * sizeof *w), *bias = malloc(F * sizeof *bias);
    cr_assert(w && bias);
    for (size_t i = 0; i < F * F; i++)
        w[i] = (float)((i * 31) % 200) / 1000.0f - 0.1f;
    for (size_t i = 0; i < F; i++)
        bias[i] = (float)i / F - 0.5f;
    mb_model *mb = mb_new(8);
    mb_opset(mb, "", 13);
    mb_input(mb, "x", ONNXC_FLOAT, "batch,256");
    mb_output(mb, "y", ONNXC_FLOAT, "batch,256");
    mb_initializer_f32(mb, "w", "256,256", w, F * F);
    mb_initializer_f32(mb, "b", "256", bias, F);
    mb_node(mb, "Gemm", "gemm", "x,w,b", "h");
    mb_node(mb, "Relu", "relu", "h", "y");
    onnxc_model *model = NULL;
    expect_ok(mb_load(mb, NULL, &model));
    mb_free(mb);
    free(w);
    free(bias);
    expect_two_threads_clean(model, "batch", 256, F, 200);
    onnxc_model_free(model);
}

/* ---------------------------------------------------------- a small CNN */

/* Conv -> BatchNormalization (folded at load) -> Relu -> MaxPool ->
 * depthwise Conv -> Resize x2 -> AveragePool -> GlobalAveragePool ->
 * Flatten -> Gemm, input [batch, 3, 16, 16]: the convolution, pooling and
 * resampling kernels' workspaces come from the plan too. */
static onnxc_model *load_cnn(void)
{
    static float w1[8 * 3 * 3 * 3], b1[8], w2[8 * 9], wg[8 * 4], bg[4];
    static float scale[8], shift[8], mean[8], var[8];
    static const float roi[1] = {0}, scales[4] = {1, 1, 2, 2};
    for (size_t i = 0; i < sizeof w1 / sizeof *w1; i++)
        w1[i] = (float)((int)(i * 37 % 23) - 11) / 16.0f;
    for (size_t i = 0; i < 8; i++) {
        b1[i] = (float)i / 8 - 0.5f;
        scale[i] = 0.5f + (float)i / 8;
        shift[i] = 0.25f - (float)i / 16;
        mean[i] = (float)i / 10;
        var[i] = 1.0f + (float)i / 4;
    }
    for (size_t i = 0; i < sizeof w2 / sizeof *w2; i++)
        w2[i] = (float)((int)(i * 29 % 17) - 8) / 8.0f;
    for (size_t i = 0; i < sizeof wg / sizeof *wg; i++)
        wg[i] = (float)((int)(i * 13 % 11) - 5) / 4.0f;
    for (size_t i = 0; i < 4; i++)
        bg[i] = (float)i;
    static const int64_t pads[4] = {1, 1, 1, 1}, k2[2] = {2, 2}, s2[2] = {2, 2};
    mb_model *m = mb_new(8);
    mb_opset(m, "", 13);
    mb_input(m, "x", ONNXC_FLOAT, "batch,3,16,16");
    mb_initializer_f32(m, "w1", "8,3,3,3", w1, sizeof w1 / sizeof *w1);
    mb_initializer_f32(m, "b1", "8", b1, 8);
    mb_initializer_f32(m, "scale", "8", scale, 8);
    mb_initializer_f32(m, "shift", "8", shift, 8);
    mb_initializer_f32(m, "mean", "8", mean, 8);
    mb_initializer_f32(m, "var", "8", var, 8);
    mb_initializer_f32(m, "w2", "8,1,3,3", w2, sizeof w2 / sizeof *w2);
    mb_initializer_f32(m, "roi", "0", roi, 0);
    mb_initializer_f32(m, "scales", "4", scales, 4);
    mb_initializer_f32(m, "wg", "8,4", wg, sizeof wg / sizeof *wg);
    mb_initializer_f32(m, "bg", "4", bg, 4);
    Onnx__NodeProto *n = mb_node(m, "Conv", "c1", "x,w1,b1", "c1");
    mb_attr_ints(m, n, "pads", pads, 4);
    mb_node(m, "BatchNormalization", "bn", "c1,scale,shift,mean,var", "bn");
    mb_node(m, "Relu", "r1", "bn", "r1");
    n = mb_node(m, "MaxPool", "mp", "r1", "mp");
    mb_attr_ints(m, n, "kernel_shape", k2, 2);
    mb_attr_ints(m, n, "strides", s2, 2);
    n = mb_node(m, "Conv", "dw", "mp,w2", "dw");
    mb_attr_ints(m, n, "pads", pads, 4);
    mb_attr_int(m, n, "group", 8);
    mb_node(m, "Resize", "up", "dw,roi,scales", "up");
    n = mb_node(m, "AveragePool", "ap", "up", "ap");
    mb_attr_ints(m, n, "kernel_shape", k2, 2);
    mb_attr_ints(m, n, "strides", s2, 2);
    mb_node(m, "GlobalAveragePool", "gap", "ap", "gap");
    mb_node(m, "Flatten", "flat", "gap", "flat");
    mb_node(m, "Gemm", "fc", "flat,wg,bg", "y");
    mb_output(m, "y", ONNXC_FLOAT, NULL);
    onnxc_model *model = NULL;
    expect_ok(mb_load(m, NULL, &model));
    mb_free(m);
    return model;
}

Test(noalloc, a_cnn_runs_without_allocating_on_one_and_two_threads)
{
    onnxc_model *model = load_cnn();
    static float x[2 * 3 * 16 * 16];
    for (size_t i = 0; i < sizeof x / sizeof *x; i++)
        x[i] = (float)((int)(i * 41 % 31) - 15) / 8.0f;
    int64_t dims[4] = {2, 3, 16, 16};
    float first[8];
    for (int threads = 1; threads <= 2; threads++) {
        onnxc_session *s = tagged_session(model, threads, "batch", 2);
        expect_ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, dims, 4, x));
        expect_ok(onnxc_session_run(s));   /* planned at creation */
        for (int run = 0; run < 5; run++) {
            onnxc_tensor_view v;
            count_start();
            onnxc_status *err = onnxc_session_run(s);
            size_t calls = count_stop();
            cr_assert_null(err, "%s", onnxc_status_message(err));
            cr_assert_eq(calls, 0, "%d threads, run %d: %zu heap calls",
                         threads, run, calls);
            expect_ok(onnxc_session_output(s, 0, &v));
            cr_assert_eq(v.bytes, sizeof first);
            if (threads == 1 && run == 0)
                memcpy(first, v.data, sizeof first);
            cr_assert(memcmp(first, v.data, sizeof first) == 0,
                      "%d threads, run %d: other outputs", threads, run);
        }
        onnxc_session_free(s);
    }
    onnxc_model_free(model);
}
