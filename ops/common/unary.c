/* unary.c - attribute and type checks and the run of the float
 * activations (see unary.h). */
#include "runtime/core/status.h"
#include "ops/common/unary.h"
#include "runtime/exec/thread_pool.h"

onnxc_status *oc_unary_prepare(const oc_prepare_ctx *ctx,
                            const char *const *known, unary_loop loop_float,
                            unary_loop loop_double, void **params)
{
    onnxc_status *err = oc_check_attrs(ctx->node, known);
    if (err)
        return err;
    unary_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    p->loop_float = loop_float;
    p->loop_double = loop_double;
    p->isa = oc_vec_select(ctx->kernels);
    *params = p;
    return NULL;
}

onnxc_status *oc_unary_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const oc_type *const *in = ctx->in;
    oc_type *const *out = ctx->out;
    if (in[0]->dtype != ONNXC_FLOAT && in[0]->dtype != ONNXC_DOUBLE)
        return oc_bad_dtype(node, "X", in[0]->dtype, UNARY_TYPES);
    out[0]->dtype = in[0]->dtype;
    out[0]->shape = in[0]->shape;
    return NULL;
}

/* Below this many elements a tensor is one task: handing out work costs
 * more than it saves. */
#define UNARY_TASK_MIN 32768

typedef struct unary_job {
    unary_loop loop;
    const unary_params *p;
    char *y;
    const char *x;
    size_t n, per_task, esize;
} unary_job;

static void unary_task(void *ctx, size_t i, int thread)
{
    const unary_job *j = ctx;
    size_t lo, hi;
    oc_task_span(i, j->per_task, j->n, &lo, &hi);
    (void)thread;
    j->loop(j->y + lo * j->esize, j->x + lo * j->esize, hi - lo, j->p);
}

/* The tensor in equal slices across the session's threads (elementwise:
 * any split gives the same result), four per thread so that a thread
 * the machine slows does not hold the others up. */
onnxc_status *oc_unary_run(const oc_run_ctx *ctx)
{
    const unary_params *p = ctx->params;
    const oc_tensor *x = ctx->in[0];
    unary_job j = {
        .loop = x->dtype == ONNXC_FLOAT ? p->loop_float : p->loop_double,
        .p = p, .y = ctx->out[0]->data, .x = x->data,
        .n = oc_tensor_count(x), .esize = onnxc_dtype_size(x->dtype),
    };
    size_t tasks = ctx->threads > 1 ? (size_t)ctx->threads * 4 : 1;
    if (j.n / UNARY_TASK_MIN < tasks)
        tasks = j.n / UNARY_TASK_MIN ? j.n / UNARY_TASK_MIN : 1;
    /* slices a multiple of 64 elements: whole vectors, whole cache lines */
    j.per_task = ((j.n + tasks - 1) / tasks + 63) / 64 * 64;
    if (j.per_task == 0)
        return NULL;
    tasks = (j.n + j.per_task - 1) / j.per_task;
    oc_thread_pool_run(tasks > 1 ? ctx->pool : NULL, tasks, unary_task, &j);
    return NULL;
}
