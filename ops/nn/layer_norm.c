/*
 * layer_norm.c - LayerNormalization (version 17): each row of X over dims
 * [axis, rank) normalized to mean 0 and variance 1, then scaled and
 * shifted: Y = (X - mean) / sqrt(var + epsilon) * Scale + B, Scale and B
 * broadcast onto X (numpy's rule, one way). The optional outputs Mean and
 * InvStdDev hold each row's mean and 1 / sqrt(var + epsilon), X's shape
 * with the normalized dims set to 1, in the stash_type (float by default;
 * double allowed).
 *
 * The statistics accumulate in double whatever the stash type: a row's
 * mean and variance do not lose digits with its length. Float and double
 * X; float16 and bfloat16 are refused (no arithmetic on them yet).
 *
 * Float X whose Scale and B (if any) vary along the normalized dims only,
 * the usual case, takes the fast path where the CPU has vector loops:
 * the rows spread over the session's threads, each in one pass for each
 * statistic and one that normalizes, scales and shifts (vec_exp.h),
 * rounding once; the plain loops below stay for the rest and as the
 * reference the tests hold the fast path to.
 */
#include <math.h>

#include "ops/common/binary.h"
#include "ops/kernels/vec_exp.h"
#include "runtime/exec/thread_pool.h"

typedef struct layer_norm_params {
    int64_t axis;
    float epsilon;
    onnxc_dtype stash;
    vec_isa isa;           /* the vector loops the session's kernels allow */
} layer_norm_params;

BINARY_LOOP(mul_float, float, x * z)
BINARY_LOOP(mul_double, double, x * z)
BINARY_LOOP(add_float, float, x + z)
BINARY_LOOP(add_double, double, x + z)

static onnxc_status *layer_norm_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const attrs[] = {"axis", "epsilon", "stash_type", NULL};
    const oc_node *node = ctx->node;
    char desc[300];
    int64_t stash = 1;
    onnxc_status *err;
    layer_norm_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(node, attrs)) ||
        (err = oc_attr_int(node, "axis", -1, &p->axis)) ||
        (err = oc_attr_float(node, "epsilon", 1e-5f, &p->epsilon)) ||
        (err = oc_attr_int(node, "stash_type", 1, &stash)))
        return err;
    if (stash != ONNXC_FLOAT && stash != ONNXC_DOUBLE)
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "%s: stash_type %lld is not supported (1: float, 11: "
                        "double)",
                        oc_node_desc(node, desc, sizeof desc), (long long)stash);
    p->stash = (onnxc_dtype)stash;
    p->isa = oc_vec_select(ctx->kernels);
    *params = p;
    return NULL;
}

/* Whether s broadcasts onto x one way (s's dims right-aligned, each 1 or
 * x's); a symbolic dim is left to the plan. */
static bool onto(const oc_shape *s, const oc_shape *x)
{
    if (s->rank > x->rank)
        return false;
    for (int d = 0; d < s->rank; d++) {
        oc_dim a = s->dims[s->rank - 1 - d], b = x->dims[x->rank - 1 - d];
        if (dim_is_known(a) && a.value != 1 && !oc_dim_compatible(a, b))
            return false;
    }
    return true;
}

static onnxc_status *layer_norm_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const layer_norm_params *p = ctx->params;
    const oc_type *x = ctx->in[0];
    char desc[300], s1[128], s2[128];
    static const char *const names[] = {"X", "Scale", "B"};
    onnxc_status *err;
    int axis;
    if (x->dtype != ONNXC_FLOAT && x->dtype != ONNXC_DOUBLE)
        return oc_bad_dtype(node, "X", x->dtype, "float, double");
    for (int k = 1; k < ctx->n_in && k < 3; k++) {
        const oc_type *t = ctx->in[k];
        if (!t)
            continue;
        if (t->dtype != x->dtype)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "%s: %s is %s, X %s; they share one type",
                            oc_node_desc(node, desc, sizeof desc), names[k],
                            onnxc_dtype_name(t->dtype),
                            onnxc_dtype_name(x->dtype));
        if (x->shape.rank >= 0 && t->shape.rank >= 0 && !onto(&t->shape, &x->shape))
            return oc_error(ONNXC_ERR_SHAPE,
                            "%s: %s %s does not broadcast onto X %s",
                            oc_node_desc(node, desc, sizeof desc), names[k],
                            oc_shape_format(&t->shape, NULL, s1, sizeof s1),
                            oc_shape_format(&x->shape, NULL, s2, sizeof s2));
    }
    ctx->out[0]->dtype = x->dtype;
    ctx->out[0]->shape = x->shape;
    for (int k = 1; k < ctx->n_out && k < 3; k++) {
        ctx->out[k]->dtype = p->stash;
        ctx->out[k]->shape.rank = -1;
    }
    if (x->shape.rank < 0)
        return NULL;
    if ((err = oc_axis(node, p->axis, x->shape.rank, false, &axis)))
        return err;
    for (int k = 1; k < ctx->n_out && k < 3; k++) {
        ctx->out[k]->shape = x->shape;
        for (int d = axis; d < x->shape.rank; d++)
            ctx->out[k]->shape.dims[d] = dim_known(1);
    }
    return NULL;
}

/* Normalizes `rows` rows of n elements of x into y; the statistics into
 * mean and inv (stash type, NULL when not asked for). */
#define NORMALIZE(name, T)                                                     \
    static void name(const T *x, T *y, size_t rows, size_t n, double eps,      \
                     void *mean, void *inv, bool stash_double)                 \
    {                                                                          \
        for (size_t r = 0; r < rows; r++) {                                    \
            const T *xr = x + r * n;                                           \
            T *yr = y + r * n;                                                 \
            double s = 0, q = 0;                                               \
            for (size_t i = 0; i < n; i++)                                     \
                s += xr[i];                                                    \
            double m = s / (double)n;                                          \
            for (size_t i = 0; i < n; i++)                                     \
                q += (xr[i] - m) * (xr[i] - m);                                \
            double is = 1.0 / sqrt(q / (double)n + eps);                       \
            for (size_t i = 0; i < n; i++)                                     \
                yr[i] = (T)((xr[i] - m) * is);                                 \
            if (mean && stash_double)                                          \
                ((double *)mean)[r] = m;                                       \
            else if (mean)                                                     \
                ((float *)mean)[r] = (float)m;                                 \
            if (inv && stash_double)                                           \
                ((double *)inv)[r] = is;                                       \
            else if (inv)                                                      \
                ((float *)inv)[r] = (float)is;                                 \
        }                                                                      \
    }

NORMALIZE(normalize_float, float)
NORMALIZE(normalize_double, double)

/* Whether t (Scale or B; NULL: absent) varies along x's dims from axis
 * on only, so that element i of a row's n meets t[i]. */
static bool per_row_element(const oc_tensor *t, const oc_tensor *x, int axis,
                            size_t n)
{
    if (!t)
        return true;
    /* All n of a row: a [4] scale of an x [2, 3, 4] normalized from axis
     * 1 broadcasts over the 3, which the fast path does not do. */
    if (t->rank > x->rank || oc_tensor_count(t) != n)
        return false;
    for (int d = 0; d < t->rank; d++) {
        int xd = x->rank - t->rank + d;
        if (t->dims[d] != (xd < axis ? 1 : x->dims[xd]))
            return false;
    }
    return true;
}

typedef struct fast_job {
    vec_isa isa;
    const float *x, *scale, *bias;
    float *y;
    void *mean, *inv;
    bool stash_double;
    size_t rows, n, per_task;
    double eps;
} fast_job;

static void fast_task(void *ctx, size_t t, int thread)
{
    const fast_job *j = ctx;
    size_t r0, r1;
    oc_task_span(t, j->per_task, j->rows, &r0, &r1);
    (void)thread;
    for (size_t r = r0; r < r1; r++) {
        const float *xr = j->x + r * j->n;
        double m = oc_vec_sum_f32(j->isa, xr, j->n) / (double)j->n;
        double q = oc_vec_sqdev_f32(j->isa, xr, j->n, m);
        double is = 1.0 / sqrt(q / (double)j->n + j->eps);
        oc_vec_norm_f32(j->isa, j->y + r * j->n, xr, j->n, m, is, j->scale,
                        j->bias);
        if (j->mean && j->stash_double)
            ((double *)j->mean)[r] = m;
        else if (j->mean)
            ((float *)j->mean)[r] = (float)m;
        if (j->inv && j->stash_double)
            ((double *)j->inv)[r] = is;
        else if (j->inv)
            ((float *)j->inv)[r] = (float)is;
    }
}

/* The fast path: rows in tasks of at least 64 KiB of X. */
static void layer_norm_fast(const oc_run_ctx *ctx, fast_job *j)
{
    size_t tasks = ctx->threads > 1 ? (size_t)ctx->threads * 4 : 1;
    size_t min_rows = 16384 / j->n + 1;
    if (j->rows / min_rows < tasks)
        tasks = j->rows / min_rows ? j->rows / min_rows : 1;
    j->per_task = (j->rows + tasks - 1) / tasks;
    tasks = (j->rows + j->per_task - 1) / j->per_task;
    oc_thread_pool_run(tasks > 1 ? ctx->pool : NULL, tasks, fast_task, j);
}

static onnxc_status *layer_norm_run(const oc_run_ctx *ctx)
{
    const layer_norm_params *p = ctx->params;
    const oc_tensor *x = ctx->in[0];
    oc_tensor *y = ctx->out[0];
    oc_tensor *mean = ctx->n_out > 1 ? ctx->out[1] : NULL;
    oc_tensor *inv = ctx->n_out > 2 ? ctx->out[2] : NULL;
    int axis = (int)(p->axis < 0 ? p->axis + x->rank : p->axis);
    size_t rows = 1, n = 1, esize = onnxc_dtype_size(x->dtype);
    bool is_float = x->dtype == ONNXC_FLOAT, stash_double = p->stash == ONNXC_DOUBLE;
    for (int d = 0; d < x->rank; d++)
        *(d < axis ? &rows : &n) *= (size_t)x->dims[d];
    if (rows * n == 0)
        return NULL;
    const oc_tensor *scale = ctx->in[1], *bias = ctx->n_in > 2 ? ctx->in[2] : NULL;
    if (is_float && p->isa != VEC_SCALAR && per_row_element(scale, x, axis, n) &&
        per_row_element(bias, x, axis, n)) {
        fast_job j = {
            .isa = p->isa, .x = x->data, .y = y->data,
            .scale = scale ? scale->data : NULL,
            .bias = bias ? bias->data : NULL,
            .mean = mean ? mean->data : NULL, .inv = inv ? inv->data : NULL,
            .stash_double = stash_double, .rows = rows, .n = n,
            .eps = p->epsilon,
        };
        layer_norm_fast(ctx, &j);
        return NULL;
    }
    if (is_float)
        normalize_float(x->data, y->data, rows, n, p->epsilon,
                        mean ? mean->data : NULL, inv ? inv->data : NULL,
                        stash_double);
    else
        normalize_double(x->data, y->data, rows, n, p->epsilon,
                         mean ? mean->data : NULL, inv ? inv->data : NULL,
                         stash_double);
    /* y = y * Scale + B, in place, Scale and B broadcast onto y */
    bcast_operand acc, b;
    acc.data = y->data;
    for (int d = 0; d < ONNXC_MAX_RANK; d++)
        acc.dims[d] = d < y->rank ? y->dims[d] : 1;
    for (int k = 1; k < 3 && k < ctx->n_in; k++) {
        if (!ctx->in[k])
            continue;
        oc_broadcast_align(ctx->in[k], y->rank, &b);
        bcast_loop loop = k == 1 ? (is_float ? mul_float : mul_double)
                                 : (is_float ? add_float : add_double);
        oc_broadcast_walk(y->data, y->dims, y->rank, esize, esize, &acc, &b,
                          loop);
    }
    return NULL;
}

static const int layer_norm_versions[] = {17, 0};

const oc_op oc_op_layer_normalization = {
    .domain = "",
    .op_type = "LayerNormalization",
    .id = OC_OP_LAYER_NORMALIZATION,
    .versions = layer_norm_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 3,
    .min_outputs = 1, .max_outputs = 3,
    .types = "float, double",
    .prepare = layer_norm_prepare,
    .infer = layer_norm_infer,
    .run = layer_norm_run,
};
