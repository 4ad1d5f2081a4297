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
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void *malloc(size_t size)
{
    heap_allocs += counting != 0;
    return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
    heap_allocs += counting != 0;
    return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
    heap_allocs += counting != 0;
    return __libc_realloc(p, size);
}

void free(void *p)
{
    heap_frees += counting && p;
    __libc_free(p);
}

void *aligned_alloc(size_t alignment, size_t size)
{
    heap_allocs += counting != 0;
    return __libc_memalign(alignment, size);
}

void *memalign(size_t alignment, size_t size);  /* <malloc.h>, not C11 */
void *memalign(size_t alignment, size_t size)
{
    heap_allocs += counting != 0;
    return __libc_memalign(alignment, size);
}

int posix_memalign(void **out, size_t alignment, size_t size)
{
    heap_allocs += counting != 0;
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0)
        return EINVAL;
    void *p = __libc_memalign(alignment, size);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

static void count_start(void)
{
    heap_allocs = 0;
    heap_frees = 0;
    counting = 1;
}

/* Stops counting; the number of heap calls (allocations and frees). */
static size_t count_stop(void)
{
    counting = 0;
    return heap_allocs + heap_frees;
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

static repeat_result run_repeatedly(onnxc_session *s, const data_set *d,
                                    const void *expected, size_t bytes)
{
    repeat_result r = {0, NULL, -1, 0};
    onnxc_tensor_view out;
    count_start();
    for (int i = 0; i < REPEATS; i++) {
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
