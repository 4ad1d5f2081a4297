/*
 * thread_pool.h - the session's intra-op threads.
 *
 * A session with n threads owns n - 1 workers; the thread calling run is
 * the n-th. Work is handed out as numbered tasks; which thread runs which
 * task does not change any result, because tasks write disjoint outputs
 * (Gemm splits over blocks of M and N, never K). Idle workers sleep on a
 * condition variable: no spinning between runs.
 */
#ifndef ONNXC_THREAD_POOL_H
#define ONNXC_THREAD_POOL_H

#include <stddef.h>

#include "onnxc.h"

typedef struct oc_thread_pool oc_thread_pool;

/* A task: index i of n, run by thread `thread` (0 .. size - 1). */
typedef void (*oc_task_fn)(void *ctx, size_t i, int thread);

/* Starts threads - 1 workers. Errors: NO_MEMORY, or the system refusing
 * a thread. */
onnxc_status *oc_thread_pool_create(int threads, oc_thread_pool **pool);
/* Stops and joins the workers. NULL is allowed. */
void oc_thread_pool_free(oc_thread_pool *pool);
/* Threads that run tasks, the caller included; 1 for NULL. */
int oc_thread_pool_size(const oc_thread_pool *pool);
/* Brackets a session run: between them, workers between batches spin
 * briefly instead of sleeping (waking them costs more than a small
 * layer). After oc_thread_pool_end they sleep. NULL is allowed. */
void oc_thread_pool_begin(oc_thread_pool *pool);
void oc_thread_pool_end(oc_thread_pool *pool);

/* Runs tasks 0 .. n - 1 and returns when all are done. A NULL pool runs
 * them on the caller. Not reentrant: one run at a time per pool. */
void oc_thread_pool_run(oc_thread_pool *pool, size_t n, oc_task_fn fn, void *ctx);

/* The items [*lo, *hi) of task t when n items go out per_task to a task
 * (the last task takes what is left). */
static inline void oc_task_span(size_t t, size_t per_task, size_t n,
                                size_t *lo, size_t *hi)
{
    size_t a = t * per_task;
    *lo = a < n ? a : n;
    *hi = n - *lo < per_task ? n : *lo + per_task;
}

#endif
