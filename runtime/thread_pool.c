/* thread_pool.c - a small pthread pool: a generation counter wakes the
 * workers, an atomic counter hands out tasks, the last finisher wakes the
 * caller.
 *
 * Waking a sleeping thread costs tens of microseconds on a virtual
 * machine, more than a layer of a small network takes. So while a session
 * run is in flight (thread_pool_begin .. thread_pool_end) workers that
 * finish a batch spin briefly for the next one; outside a run they sleep
 * on the condition variable and cost nothing. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "status.h"
#include "thread_pool.h"

struct oc_thread_pool {
    pthread_mutex_t lock;
    pthread_cond_t wake;      /* workers: a new batch, or stop */
    pthread_cond_t finished;  /* caller: the batch is done */
    unsigned long generation;
    bool stop;
    int size;                 /* the caller included */
    int started;
    pthread_t *workers;

    /* The batch being run. */
    oc_task_fn fn;
    void *ctx;
    size_t n;
    atomic_size_t next;
    atomic_int busy;          /* workers still in this batch */

    atomic_bool in_run;       /* between thread_pool_begin and _end */
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

static void run_tasks(oc_thread_pool *p, int thread)
{
    size_t i;
    while ((i = atomic_fetch_add(&p->next, 1)) < p->n)
        p->fn(p->ctx, i, thread);
}

typedef struct worker_arg {
    oc_thread_pool *pool;
    int thread;
} worker_arg;

static void *worker_main(void *arg)
{
    oc_thread_pool *p = ((worker_arg *)arg)->pool;
    int thread = ((worker_arg *)arg)->thread;
    free(arg);
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
        pthread_mutex_unlock(&p->lock);
        run_tasks(p, thread);
        /* The last one out wakes the caller, under the lock so that the
         * signal cannot fall between the caller's check and its wait. */
        if (atomic_fetch_sub(&p->busy, 1) == 1) {
            pthread_mutex_lock(&p->lock);
            pthread_cond_signal(&p->finished);
            pthread_mutex_unlock(&p->lock);
        }
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

onnxc_status *thread_pool_create(int threads, oc_thread_pool **pool)
{
    *pool = NULL;
    if (threads <= 1)
        return NULL;
    oc_thread_pool *p = calloc(1, sizeof *p);
    if (!p)
        return oc_no_memory();
    p->size = threads;
    p->workers = calloc((size_t)threads, sizeof *p->workers);
    if (!p->workers) {
        free(p);
        return oc_no_memory();
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->finished, NULL);
    for (int t = 1; t < threads; t++) {
        worker_arg *arg = malloc(sizeof *arg);
        if (arg) {
            arg->pool = p;
            arg->thread = t;
        }
        if (!arg ||
            pthread_create(&p->workers[t - 1], NULL, worker_main, arg) != 0) {
            free(arg);
            thread_pool_free(p);
            return oc_error(ONNXC_ERR_NO_MEMORY,
                            "cannot start thread %d of %d", t + 1, threads);
        }
        p->started++;
    }
    *pool = p;
    return NULL;
}

void thread_pool_free(oc_thread_pool *p)
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
    free(p);
}

int thread_pool_size(const oc_thread_pool *p)
{
    return p ? p->size : 1;
}

void thread_pool_run(oc_thread_pool *p, size_t n, oc_task_fn fn, void *ctx)
{
    if (!p || n <= 1) {
        for (size_t i = 0; i < n; i++)
            fn(ctx, i, 0);
        return;
    }
    pthread_mutex_lock(&p->lock);
    p->fn = fn;
    p->ctx = ctx;
    p->n = n;
    atomic_store(&p->next, 0);
    atomic_store(&p->busy, p->started);
    p->generation++;
    atomic_store(&p->published, p->generation);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);

    run_tasks(p, 0);

    for (int spin = 0; spin < SPIN_ROUNDS && atomic_load(&p->busy) > 0; spin++)
        cpu_relax();
    pthread_mutex_lock(&p->lock);
    while (atomic_load(&p->busy) > 0)
        pthread_cond_wait(&p->finished, &p->lock);
    pthread_mutex_unlock(&p->lock);
}

void thread_pool_begin(oc_thread_pool *p)
{
    if (p)
        atomic_store(&p->in_run, true);
}

void thread_pool_end(oc_thread_pool *p)
{
    if (p)
        atomic_store(&p->in_run, false);
}
