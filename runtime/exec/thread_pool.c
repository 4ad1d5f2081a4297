/* thread_pool.c - a small pthread pool: a generation counter wakes the
 * workers, an atomic ticket hands out tasks, the thread finishing the last
 * task wakes the caller.
 *
 * The caller waits for the tasks, not for the workers: when the other CPU
 * is busy a worker may wake only after the caller has run every task
 * itself, and waiting for it to check in would cost milliseconds. The
 * ticket carries the generation, so such a late worker can never take a
 * task of a later batch with the function of an earlier one.
 *
 * Waking a sleeping thread costs tens of microseconds on a virtual
 * machine, more than a layer of a small network takes. So while a session
 * run is in flight (oc_thread_pool_begin .. oc_thread_pool_end) workers that
 * finish a batch spin briefly for the next one; outside a run they sleep
 * on the condition variable and cost nothing. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "runtime/core/status.h"
#include "runtime/exec/thread_pool.h"

struct oc_thread_pool {
    pthread_mutex_t lock;
    pthread_cond_t wake;      /* workers: a new batch, or stop */
    pthread_cond_t finished;  /* caller: the batch is done */
    unsigned long generation;
    bool stop;
    int size;                 /* the caller included */
    int started;
    pthread_t *workers;
    struct worker_arg *args;  /* one per worker, owned by the pool: a
                               * worker starting late frees nothing inside
                               * someone's run */

    /* The batch being run (written under the lock). */
    oc_task_fn fn;
    void *ctx;
    size_t n;
    /* generation (low 32 bits) << 32 | the next task to hand out */
    atomic_uint_fast64_t ticket;
    atomic_size_t done;       /* tasks of this batch finished */

    atomic_bool in_run;       /* between oc_thread_pool_begin and _end */
    atomic_ulong published;   /* generation, readable without the lock */
};

/* How long a worker spins for the next batch inside a run before it
 * sleeps: about 50 microseconds of pause instructions. */
#define SPIN_ROUNDS 20000

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* The batch a thread saw when it joined: its own copy, so the caller may
 * set up the next one while it runs. */
typedef struct batch {
    uint_fast64_t generation;
    oc_task_fn fn;
    void *ctx;
    size_t n;
} batch;

/* Takes tasks of batch b until none are left or a newer batch started. */
static void run_tasks(oc_thread_pool *p, const batch *b, int thread)
{
    uint_fast64_t t = atomic_load(&p->ticket);
    for (;;) {
        if (t >> 32 != (b->generation & 0xffffffffu) ||
            (t & 0xffffffffu) >= b->n)
            return;
        if (!atomic_compare_exchange_weak(&p->ticket, &t, t + 1))
            continue;  /* t now holds the current ticket */
        b->fn(b->ctx, (size_t)(t & 0xffffffffu), thread);
        /* The last task done wakes the caller, under the lock so that the
         * signal cannot fall between the caller's check and its wait. */
        if (atomic_fetch_add(&p->done, 1) + 1 == b->n) {
            pthread_mutex_lock(&p->lock);
            pthread_cond_signal(&p->finished);
            pthread_mutex_unlock(&p->lock);
        }
        t = atomic_load(&p->ticket);
    }
}

typedef struct worker_arg {
    oc_thread_pool *pool;
    int thread;
} worker_arg;

static void *worker_main(void *arg)
{
    oc_thread_pool *p = ((worker_arg *)arg)->pool;
    int thread = ((worker_arg *)arg)->thread;
    unsigned long seen = 0;
    for (;;) {
        /* Inside a run, the next batch usually follows within
         * microseconds: wait for it without sleeping. */
        for (int spin = 0; spin < SPIN_ROUNDS && atomic_load(&p->in_run) &&
                           atomic_load(&p->published) == seen;
             spin++)
            cpu_relax();
        pthread_mutex_lock(&p->lock);
        while (!p->stop && p->generation == seen)
            pthread_cond_wait(&p->wake, &p->lock);
        if (p->stop)
            break;
        seen = p->generation;
        batch b = {seen, p->fn, p->ctx, p->n};
        pthread_mutex_unlock(&p->lock);
        run_tasks(p, &b, thread);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

onnxc_status *oc_thread_pool_create(int threads, oc_thread_pool **pool)
{
    *pool = NULL;
    if (threads <= 1)
        return NULL;
    oc_thread_pool *p = calloc(1, sizeof *p);
    if (!p)
        return oc_no_memory();
    p->size = threads;
    p->workers = calloc((size_t)threads, sizeof *p->workers);
    p->args = calloc((size_t)threads, sizeof *p->args);
    if (!p->workers || !p->args) {
        free(p->workers);
        free(p->args);
        free(p);
        return oc_no_memory();
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->finished, NULL);
    for (int t = 1; t < threads; t++) {
        worker_arg *arg = &p->args[t];
        arg->pool = p;
        arg->thread = t;
        if (pthread_create(&p->workers[t - 1], NULL, worker_main, arg) != 0) {
            oc_thread_pool_free(p);
            return oc_error(ONNXC_ERR_NO_MEMORY,
                            "cannot start thread %d of %d", t + 1, threads);
        }
        p->started++;
    }
    *pool = p;
    return NULL;
}

void oc_thread_pool_free(oc_thread_pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (int t = 0; t < p->started; t++)
        pthread_join(p->workers[t], NULL);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->finished);
    pthread_mutex_destroy(&p->lock);
    free(p->workers);
    free(p->args);
    free(p);
}

int oc_thread_pool_size(const oc_thread_pool *p)
{
    return p ? p->size : 1;
}

void oc_thread_pool_run(oc_thread_pool *p, size_t n, oc_task_fn fn, void *ctx)
{
    /* The ticket holds 32 bits of task index; no caller comes near. */
    if (!p || n <= 1 || n > 0xffffffffu) {
        for (size_t i = 0; i < n; i++)
            fn(ctx, i, 0);
        return;
    }
    pthread_mutex_lock(&p->lock);
    p->fn = fn;
    p->ctx = ctx;
    p->n = n;
    p->generation++;
    batch b = {p->generation, fn, ctx, n};
    atomic_store(&p->done, 0);
    atomic_store(&p->ticket, (uint_fast64_t)(p->generation & 0xffffffffu) << 32);
    atomic_store(&p->published, p->generation);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);

    run_tasks(p, &b, 0);

    for (int spin = 0; spin < SPIN_ROUNDS && atomic_load(&p->done) < n; spin++)
        cpu_relax();
    pthread_mutex_lock(&p->lock);
    while (atomic_load(&p->done) < n)
        pthread_cond_wait(&p->finished, &p->lock);
    pthread_mutex_unlock(&p->lock);
}

void oc_thread_pool_begin(oc_thread_pool *p)
{
    if (p)
        atomic_store(&p->in_run, true);
}

void oc_thread_pool_end(oc_thread_pool *p)
{
    if (p)
        atomic_store(&p->in_run, false);
}
