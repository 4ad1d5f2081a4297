/*
 * softmax_common.c - the kernels Softmax, LogSoftmax and Hardmax share
 * (versions 1, 11 and 13 of each). Hardmax sets 1 at the first maximum
 * of each row (a row whose first element is NaN: there).
 *
 * Versions 1 and 11 coerce the input to the matrix
 * [d0 * ... * d(axis-1), d(axis) * ... * d(r-1)] and normalize its rows;
 * 13 normalizes along the axis alone. Both are blocks of `len` x `inner`
 * elements normalized along len (inner is 1 for the coerced form).
 * Version 1 does not say whether the axis may be negative; onnxruntime
 * accepts it, and so does the official pytorch-converted
 * test_log_softmax_lastdim (opset 6, axis -1), so every version does here.
 *
 * Numerically: the largest element of a row is subtracted before exp, so
 * large inputs do not overflow; exp, the sum and the logarithm are taken
 * in double for float tensors too. LogSoftmax takes log(sum) as
 * log1p(sum of the terms but the largest's, which is 1): when the largest
 * dominates, log(sum) is small, and the log of a sum rounded near 1 would
 * lose most of its digits (~40 ulps of the result in double).
 *
 * The spec leaves rows holding +inf, or only -inf, open; they come out
 * NaN (inf - inf), as in the ONNX reference (numpy) and onnxruntime's
 * float kernels (its double LogSoftmax gives -inf beside a +inf instead);
 * a NaN makes its whole row NaN.
 */
#include <math.h>

#include "runtime/core/status.h"
#include "ops/nn/softmax_common.h"
#include "ops/kernels/vec_exp.h"
#include "runtime/exec/thread_pool.h"

onnxc_status *oc_softmax_prepare(const oc_prepare_ctx *ctx,
                              softmax_kind kind, void **params)
{
    const oc_node *node = ctx->node;
    static const char *const attrs[] = {"axis", NULL};
    onnxc_status *err;
    softmax_params *p = oc_pool_alloc(ctx->pool, sizeof *p);
    if (!p)
        return oc_no_memory();
    p->kind = kind;
    p->isa = oc_vec_select(ctx->kernels);
    p->per_axis = node->op_version >= 13;
    if ((err = oc_check_attrs(node, attrs)) ||
        (err = oc_attr_int(node, "axis", p->per_axis ? -1 : 1, &p->axis)))
        return err;
    *params = p;
    return NULL;
}

onnxc_status *oc_softmax_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const void *params = ctx->params;
    const oc_type *const *in = ctx->in;
    oc_type *const *out = ctx->out;
    const softmax_params *p = params;
    int axis;
    if (in[0]->dtype != ONNXC_FLOAT && in[0]->dtype != ONNXC_DOUBLE)
        return oc_bad_dtype(node, "input", in[0]->dtype, "float, double");
    if (in[0]->shape.rank >= 0) {
        onnxc_status *err = oc_axis(node, p->axis, in[0]->shape.rank, false,
                                    &axis);
        if (err)
            return err;
    }
    out[0]->dtype = in[0]->dtype;
    out[0]->shape = in[0]->shape;
    return NULL;
}

/* x as `outer` blocks of `len` x `inner` elements, normalized along len. */
typedef struct softmax_blocks {
    size_t outer, len, inner;
} softmax_blocks;

static softmax_blocks blocks_of(const softmax_params *p, const oc_tensor *x)
{
    softmax_blocks b = {1, 1, 1};
    int axis = (int)(p->axis < 0 ? p->axis + x->rank : p->axis);
    /* infer accepted the shape, so none of these products overflows */
    oc_shape_count(x->dims, axis, &b.outer);
    if (p->per_axis) {
        b.len = (size_t)x->dims[axis];
        oc_shape_count(x->dims + axis + 1, x->rank - axis - 1, &b.inner);
    } else {
        oc_shape_count(x->dims + axis, x->rank - axis, &b.len);
    }
    return b;
}

/* The column kernel's scratch: per column, the maximum, the sum and the
 * position of the maximum. */
typedef struct softmax_columns_scratch {
    double *max, *sum;
    size_t *top;
} softmax_columns_scratch;

static size_t column_bytes(void)
{
    return 2 * sizeof(double) + sizeof(size_t);
}

size_t oc_softmax_workspace(const oc_run_ctx *ctx)
{
    const void *params = ctx->params;
    const oc_tensor *const *in = ctx->in;
    softmax_blocks b = blocks_of(params, in[0]);
    return b.inner > 1 ? b.inner * column_bytes() : 0;
}

/* Rows of len contiguous elements (inner == 1): the maximum and the sum
 * stay in registers. */
#define SOFTMAX_ROWS(NAME, T)                                                  \
    static void NAME(softmax_kind kind, const T *x, T *y, size_t rows,         \
                     size_t len)                                               \
    {                                                                          \
        for (size_t r = 0; r < rows; r++, x += len, y += len) {                \
            double max = x[0], sum = 0;                                        \
            size_t top = 0;                                                    \
            for (size_t i = 1; i < len; i++)                                   \
                if (x[i] > max) {                                              \
                    max = x[i];                                                \
                    top = i;                                                   \
                }                                                              \
            if (kind == SOFTMAX_HARD) {                                        \
                for (size_t i = 0; i < len; i++)                               \
                    y[i] = (T)(i == top);                                      \
            } else if (kind == SOFTMAX_EXP) {                                  \
                for (size_t i = 0; i < len; i++) {                             \
                    double e = exp(x[i] - max);                                \
                    y[i] = (T)e;                                               \
                    sum += e;                                                  \
                }                                                              \
                double inv = 1 / sum;                                          \
                for (size_t i = 0; i < len; i++)                               \
                    y[i] = (T)(y[i] * inv);                                    \
            } else {                                                           \
                for (size_t i = 0; i < len; i++)                               \
                    if (i != top)                                              \
                        sum += exp(x[i] - max);                                \
                /* x[top] - max is 0 unless the maximum is infinite or         \
                 * NaN: then it spreads NaN as the whole sum would */          \
                double log_sum = log1p(sum + (x[top] - max));                  \
                for (size_t i = 0; i < len; i++)                               \
                    y[i] = (T)((x[i] - max) - log_sum);                        \
            }                                                                  \
        }                                                                      \
    }

/* Blocks of len x inner, normalized down the columns: the running maximum
 * and sum of every column live in the workspace, so each pass reads rows
 * of inner contiguous elements. */
#define SOFTMAX_COLUMNS(NAME, T)                                               \
    static void NAME(softmax_kind kind, const T *x, T *y, softmax_blocks b,    \
                     softmax_columns_scratch s)                                \
    {                                                                          \
        size_t len = b.len, inner = b.inner, block = len * inner;              \
        double *max = s.max, *sum = s.sum;                                     \
        size_t *top = s.top;                                                   \
        for (size_t o = 0; o < b.outer; o++, x += block, y += block) {         \
            for (size_t j = 0; j < inner; j++) {                               \
                max[j] = x[j];                                                 \
                sum[j] = 0;                                                    \
                top[j] = 0;                                                    \
            }                                                                  \
            for (size_t a = 1; a < len; a++)                                   \
                for (size_t j = 0; j < inner; j++)                             \
                    if (x[a * inner + j] > max[j]) {                           \
                        max[j] = x[a * inner + j];                             \
                        top[j] = a;                                            \
                    }                                                          \
            if (kind == SOFTMAX_HARD) {                                        \
                for (size_t a = 0; a < len; a++)                               \
                    for (size_t j = 0; j < inner; j++)                         \
                        y[a * inner + j] = (T)(a == top[j]);                   \
            } else if (kind == SOFTMAX_EXP) {                                  \
                for (size_t a = 0; a < len; a++)                               \
                    for (size_t j = 0; j < inner; j++) {                       \
                        double e = exp(x[a * inner + j] - max[j]);             \
                        y[a * inner + j] = (T)e;                               \
                        sum[j] += e;                                           \
                    }                                                          \
                for (size_t j = 0; j < inner; j++)                             \
                    sum[j] = 1 / sum[j];                                       \
                for (size_t a = 0; a < len; a++)                               \
                    for (size_t j = 0; j < inner; j++)                         \
                        y[a * inner + j] = (T)(y[a * inner + j] * sum[j]);     \
            } else {                                                           \
                for (size_t a = 0; a < len; a++)                               \
                    for (size_t j = 0; j < inner; j++)                         \
                        if (a != top[j])                                       \
                            sum[j] += exp(x[a * inner + j] - max[j]);          \
                for (size_t j = 0; j < inner; j++)                             \
                    sum[j] = log1p(sum[j] + (x[top[j] * inner + j] - max[j])); \
                for (size_t a = 0; a < len; a++)                               \
                    for (size_t j = 0; j < inner; j++)                         \
                        y[a * inner + j] =                                     \
                            (T)((x[a * inner + j] - max[j]) - sum[j]);         \
            }                                                                  \
        }                                                                      \
    }

SOFTMAX_ROWS(softmax_rows_f32_scalar, float)
SOFTMAX_ROWS(softmax_rows_f64, double)
SOFTMAX_COLUMNS(softmax_columns_f32, float)
SOFTMAX_COLUMNS(softmax_columns_f64, double)

/* Rows this far ahead are asked of memory while the exps of a block are
 * computed: the max pass of the next block would otherwise wait on them
 * (rows of 128 floats: that pass took 36% of the time). Softmax over
 * [768, 128, 128], 1 thread, interleaved runs: 9.3 -> 7.7 ms with 8 rows
 * ahead; 16 and 32 were no better. */
#define PREFETCH_ROWS 8

/* The cache lines of the row of len floats at p. */
static void prefetch_row(const float *p, size_t len)
{
#if defined(__GNUC__) || defined(__clang__)
    for (size_t i = 0; i < len; i += 16)
        __builtin_prefetch(p + i, 0, 3);
#else
    (void)p;
    (void)len;
#endif
}

/* Float rows through the SIMD loops of vec_exp.h: the same steps as
 * SOFTMAX_ROWS, the sum in double; Softmax's exp in float lanes on an
 * exact x - max (within 2 ulps), LogSoftmax's in double lanes (~1e-11
 * relative: its log of the sum near 1 keeps the sum's error). The
 * maximum skips NaN where SOFTMAX_ROWS may start from one; either way a
 * NaN's term makes the sum, so the row, NaN. */
static void softmax_rows_f32(vec_isa isa, softmax_kind kind, const float *x,
                             float *y, size_t rows, size_t len)
{
    if (isa == VEC_SCALAR || kind == SOFTMAX_HARD) {
        softmax_rows_f32_scalar(kind, x, y, rows, len);
        return;
    }
    if (kind == SOFTMAX_EXP) {
        /* Each step over a block of rows before the next: a row's steps
         * depend on each other (max, then the sum, then the scale), the
         * rows do not, so within a step the CPU overlaps rows (one row
         * at a time, short rows ran at the latency of their chain). */
        enum { BLOCK = 8 };
        for (size_t r0 = 0; r0 < rows; r0 += BLOCK) {
            size_t nb = rows - r0 < BLOCK ? rows - r0 : BLOCK;
            const float *xb = x + r0 * len;
            float *yb = y + r0 * len, max[BLOCK];
            double sum[BLOCK];
            for (size_t b = 0; b < nb; b++)
                max[b] = oc_vec_max_f32(isa, xb + b * len, len);
            for (size_t b = 0; b < nb; b++) {
                if (r0 + b + PREFETCH_ROWS < rows)
                    prefetch_row(x + (r0 + b + PREFETCH_ROWS) * len, len);
                sum[b] = oc_vec_softmax_expsum_f32(isa, yb + b * len,
                                                   xb + b * len, len, max[b]);
            }
            for (size_t b = 0; b < nb; b++)
                oc_vec_softmax_scale_f32(isa, yb + b * len, len, 1 / sum[b]);
        }
        return;
    }
    for (size_t r = 0; r < rows; r++, x += len, y += len) {
        float max = oc_vec_max_f32(isa, x, len);
        /* the first maximum, as SOFTMAX_ROWS; none if all are NaN */
        size_t top = 0;
        while (top < len && x[top] != max)
            top++;
        if (top == len)
            top = 0;
        double sum = oc_vec_expsum_f32(isa, NULL, x, top, max) +
                     oc_vec_expsum_f32(isa, NULL, x + top + 1, len - top - 1,
                                       max);
        double log_sum = log1p(sum + (x[top] - max));
        oc_vec_shift_f32(isa, y, x, len, max, log_sum);
    }
}

/* Rows (inner 1) in tasks across the session's threads: each row is
 * its own, so any split gives the same result. */
typedef struct rows_job {
    const softmax_params *p;
    const char *x;
    char *y;
    bool is_float;
    size_t rows, len, per_task;
} rows_job;

static void rows_task(void *ctx, size_t t, int thread)
{
    const rows_job *j = ctx;
    size_t r0, r1;
    oc_task_span(t, j->per_task, j->rows, &r0, &r1);
    size_t rows = r1 - r0;
    size_t off = r0 * j->len * (j->is_float ? sizeof(float) : sizeof(double));
    (void)thread;
    if (j->is_float)
        softmax_rows_f32(j->p->isa, j->p->kind, (const float *)(j->x + off),
                         (float *)(j->y + off), rows, j->len);
    else
        softmax_rows_f64(j->p->kind, (const double *)(j->x + off),
                         (double *)(j->y + off), rows, j->len);
}

static void softmax_rows(const oc_run_ctx *ctx, rows_job *j)
{
    size_t tasks = ctx->threads > 1 ? (size_t)ctx->threads * 4 : 1;
    size_t min_rows = 16384 / j->len + 1;   /* ~64 KiB of float rows a task */
    if (j->rows / min_rows < tasks)
        tasks = j->rows / min_rows ? j->rows / min_rows : 1;
    j->per_task = (j->rows + tasks - 1) / tasks;
    tasks = (j->rows + j->per_task - 1) / j->per_task;
    oc_thread_pool_run(tasks > 1 ? ctx->pool : NULL, tasks, rows_task, j);
}

onnxc_status *oc_softmax_run(const oc_run_ctx *ctx)
{
    const void *params = ctx->params;
    const oc_tensor *const *in = ctx->in;
    oc_tensor *const *out = ctx->out;
    void *workspace = ctx->workspace;
    const softmax_params *p = params;
    softmax_blocks b = blocks_of(p, in[0]);
    if (b.outer == 0 || b.len == 0 || b.inner == 0)
        return NULL;
    bool is_float = in[0]->dtype == ONNXC_FLOAT;
    if (b.inner == 1) {
        rows_job j = {.p = p, .x = in[0]->data, .y = out[0]->data,
                      .is_float = is_float, .rows = b.outer, .len = b.len};
        softmax_rows(ctx, &j);
        return NULL;
    }
    softmax_columns_scratch s;
    s.max = workspace;
    s.sum = s.max + b.inner;
    s.top = (size_t *)(s.sum + b.inner);
    if (is_float)
        softmax_columns_f32(p->kind, in[0]->data, out[0]->data, b, s);
    else
        softmax_columns_f64(p->kind, in[0]->data, out[0]->data, b, s);
    return NULL;
}
