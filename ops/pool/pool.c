/*
 * pool.c - the pooling operators' shared stages. The walk visits each
 * output position once, works out which taps of its window fall inside
 * the input (clipped per spatial dim, dilations stepping between taps),
 * lists their offsets, and hands that list to the reduction of the op's
 * kind, which applies it to every N x C plane in turn: the offsets are
 * worked out once per position, not once per plane.
 *
 * Max keeps the first of equal maxima (its index is the one Indices
 * gives) and lets a NaN through, as a max over the window's values
 * would. Average and Lp accumulate in double. AveragePool divides by the
 * taps inside the input, or with count_include_pad by those inside the
 * padded input: never by the taps ceil_mode's extra window adds beyond
 * the end pad, which are neither.
 */
#include <math.h>
#include <string.h>

#include "ops/pool/pool.h"
#include "runtime/core/status.h"

onnxc_status *oc_pooling_prepare(const oc_prepare_ctx *ctx, pool_kind kind,
                           bool global, const char *const *known,
                           unsigned flags, pool_params **params)
{
    onnxc_status *err;
    pool_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(ctx->node, known)))
        return err;
    if (!global &&
        (err = oc_window_read(ctx->node, flags | OC_WINDOW_NEED_KERNEL, &p->win)))
        return err;
    p->kind = kind;
    p->global = global;
    p->plane_walk = ctx->kernels != ONNXC_KERNELS_PORTABLE &&
                    ctx->kernels != ONNXC_KERNELS_REFERENCE;
    *params = p;
    return NULL;
}

onnxc_status *oc_pooling_read_p(const oc_node *node, bool float_attr, double *p)
{
    char desc[160];
    onnxc_status *err;
    if (float_attr) {
        float f;
        err = oc_attr_float(node, "p", 2.0f, &f);
        *p = f;
    } else {
        int64_t i;
        err = oc_attr_int(node, "p", 2, &i);
        *p = (double)i;
    }
    if (err)
        return err;
    if (!(*p > 0) || isinf(*p))
        return oc_error(ONNXC_ERR_INVALID_MODEL, "%s: p is %g; it must be a "
                        "positive number", oc_node_desc(node, desc, sizeof desc), *p);
    return NULL;
}

/* The padded count runs from the first tap, which never starts before
 * the begin pad. */
void oc_pooling_dim_taps(const oc_window *w, int d, int64_t o, int64_t *first,
                         int64_t *inside, int64_t *padded)
{
    int64_t k = w->kernel[d], dil = w->dilations[d], in = w->in[d];
    int64_t start = o * w->strides[d] - w->pad_begin[d];
    int64_t end = in + w->pad_end[d];
    int64_t lo = start < 0 ? (-start + dil - 1) / dil : 0;
    int64_t hi = start >= in ? 0 : (in - 1 - start) / dil + 1;
    int64_t hp = start >= end ? 0 : (end - 1 - start) / dil + 1;
    if (hi > k)
        hi = k;
    *first = start + lo * dil;
    *inside = hi > lo ? hi - lo : 0;
    *padded = hp < k ? hp : k;
}

onnxc_status *oc_pooling_geometry(const oc_node *node, const pool_params *p,
                            const int64_t *x_dims, int x_rank, oc_window *w)
{
    char desc[160];
    onnxc_status *err;
    if (p->global) {
        if (x_rank < 3 || x_rank > ONNXC_MAX_RANK)
            return oc_error(ONNXC_ERR_SHAPE, "%s: X has rank %d; expected N x C "
                            "x at least one spatial dim",
                            oc_node_desc(node, desc, sizeof desc), x_rank);
        memset(w, 0, sizeof *w);
        w->dims = x_rank - 2;
        for (int d = 0; d < w->dims; d++) {
            w->in[d] = w->kernel[d] = x_dims[2 + d];
            w->out[d] = w->strides[d] = w->dilations[d] = 1;
            if (w->in[d] == 0)
                return oc_error(ONNXC_ERR_SHAPE, "%s: spatial dim %d of X is 0: "
                                "the pool would be of nothing",
                                oc_node_desc(node, desc, sizeof desc), d);
        }
        return NULL;
    }
    if (x_rank < 3)
        return oc_error(ONNXC_ERR_SHAPE, "%s: X has rank %d; expected N x C x "
                        "at least one spatial dim",
                        oc_node_desc(node, desc, sizeof desc), x_rank);
    if ((err = oc_window_forward(node, &p->win, x_dims, x_rank, NULL, w)))
        return err;
    for (int d = 0; d < w->dims; d++)
        for (int64_t o = 0; o < w->out[d]; o++) {
            int64_t first, inside, padded;
            oc_pooling_dim_taps(w, d, o, &first, &inside, &padded);
            if (inside == 0)
                return oc_error(ONNXC_ERR_SHAPE,
                                "%s: spatial dim %d: the window at output %lld "
                                "covers only padding (input %lld, kernel %lld, "
                                "pads %lld and %lld)",
                                oc_node_desc(node, desc, sizeof desc), d,
                                (long long)o, (long long)w->in[d],
                                (long long)w->kernel[d], (long long)w->pad_begin[d],
                                (long long)w->pad_end[d]);
        }
    return NULL;
}

static bool dtype_ok(const pool_params *p, onnxc_dtype t)
{
    return t == ONNXC_FLOAT || t == ONNXC_DOUBLE ||
           (p->small_ints && (t == ONNXC_INT8 || t == ONNXC_UINT8));
}

onnxc_status *oc_pooling_infer(const oc_infer_ctx *ctx)
{
    const pool_params *p = ctx->params;
    const oc_type *x = ctx->in[0];
    oc_shape *y = &ctx->out[0]->shape;
    int64_t dims[ONNXC_MAX_RANK];
    bool known = x->shape.rank >= 0;
    onnxc_status *err;
    oc_window w;
    if (!dtype_ok(p, x->dtype))
        return oc_bad_dtype(ctx->node, "X", x->dtype,
                            p->small_ints ? "float, double, int8, uint8"
                                          : "float, double");
    ctx->out[0]->dtype = x->dtype;
    if (p->global) {
        if (x->shape.rank >= 0 && x->shape.rank < 3)
            return oc_pooling_geometry(ctx->node, p, dims, x->shape.rank, &w);
        *y = x->shape;
        for (int d = 2; d < y->rank; d++)
            y->dims[d] = dim_known(1);
    } else if ((err = oc_window_infer_shape(ctx->node, &p->win, &x->shape,
                                            x->shape.rank >= 2 ? x->shape.dims[1]
                                                               : dim_unknown(),
                                            NULL, y)))
        return err;
    for (int d = 0; d < x->shape.rank; d++) {
        known = known && (d < 2 || dim_is_known(x->shape.dims[d]));
        dims[d] = d < 2 || !known ? 0 : x->shape.dims[d].value;
    }
    if (known && (err = oc_pooling_geometry(ctx->node, p, dims, x->shape.rank, &w)))
        return err;
    if (ctx->n_out > 1) {
        ctx->out[1]->dtype = ONNXC_INT64;
        ctx->out[1]->shape = *y;
    }
    return NULL;
}

/* The most taps a window has inside the input. */
static size_t max_taps(const oc_window *w)
{
    size_t n = 1;
    for (int d = 0; d < w->dims; d++)
        n *= (size_t)(w->kernel[d] < w->in[d] ? w->kernel[d] : w->in[d]);
    return n;
}

size_t oc_pooling_workspace(const oc_run_ctx *ctx)
{
    const oc_tensor *x = ctx->in[0];
    oc_window w;
    onnxc_status *err = oc_pooling_geometry(ctx->node, ctx->params, x->dims, x->rank, &w);
    if (err) {
        onnxc_status_free(err);   /* run reports it */
        return 0;
    }
    size_t walk = max_taps(&w) * (sizeof(size_t) + sizeof(int64_t));
    size_t plane = oc_pooling_plane_walk_workspace(&w, ctx->threads);
    return walk > plane ? walk : plane;
}

/* One output position's work over every plane. */
typedef struct pool_job {
    const pool_params *p;
    const char *x;
    char *y;
    int64_t *indices;          /* MaxPool's Indices, or NULL */
    size_t planes, in_plane, out_plane, o;
    const size_t *off;         /* the taps inside the input, in order */
    const int64_t *where;      /* each tap's index as Indices gives it */
    size_t n;
    double divisor;            /* AveragePool's count */
} pool_job;

#define POOL_MAX_KERNEL(name, T, IS_NAN)                                       \
    static void name(const pool_job *j)                                        \
    {                                                                          \
        for (size_t pl = 0; pl < j->planes; pl++) {                            \
            const T *x = (const T *)j->x + pl * j->in_plane;                   \
            T v = x[j->off[0]];                                                \
            size_t best = 0;                                                   \
            for (size_t t = 1; t < j->n && !IS_NAN(v); t++) {                  \
                T u = x[j->off[t]];                                            \
                if (u > v || IS_NAN(u)) {                                      \
                    v = u;                                                     \
                    best = t;                                                  \
                }                                                              \
            }                                                                  \
            ((T *)j->y)[pl * j->out_plane + j->o] = v;                         \
            if (j->indices)                                                    \
                j->indices[pl * j->out_plane + j->o] =                         \
                    (int64_t)(pl * j->in_plane) + j->where[best];              \
        }                                                                      \
    }

#define NEVER_NAN(v) ((void)(v), 0)
POOL_MAX_KERNEL(max_float, float, isnan)
POOL_MAX_KERNEL(max_double, double, isnan)
POOL_MAX_KERNEL(max_int8, int8_t, NEVER_NAN)
POOL_MAX_KERNEL(max_uint8, uint8_t, NEVER_NAN)

/* Average and Lp: a sum in double of each tap as TERM makes it, then
 * FINISH of the sum. */
#define POOL_SUM_KERNEL(name, T, TERM, FINISH)                                 \
    static void name(const pool_job *j)                                        \
    {                                                                          \
        double p = j->p->p;                                                    \
        (void)p;                                                               \
        for (size_t pl = 0; pl < j->planes; pl++) {                            \
            const T *x = (const T *)j->x + pl * j->in_plane;                   \
            double s = 0;                                                      \
            for (size_t t = 0; t < j->n; t++) {                                \
                double v = x[j->off[t]];                                       \
                s += TERM;                                                     \
            }                                                                  \
            ((T *)j->y)[pl * j->out_plane + j->o] = (T)(FINISH);               \
        }                                                                      \
    }

POOL_SUM_KERNEL(average_float, float, v, s / j->divisor)
POOL_SUM_KERNEL(average_double, double, v, s / j->divisor)
POOL_SUM_KERNEL(l2_float, float, v * v, sqrt(s))
POOL_SUM_KERNEL(l2_double, double, v * v, sqrt(s))
POOL_SUM_KERNEL(l1_float, float, fabs(v), s)
POOL_SUM_KERNEL(l1_double, double, fabs(v), s)
POOL_SUM_KERNEL(lp_float, float, pow(fabs(v), p), pow(s, 1 / p))
POOL_SUM_KERNEL(lp_double, double, pow(fabs(v), p), pow(s, 1 / p))

typedef void (*pool_kernel)(const pool_job *j);

static pool_kernel pick_kernel(const pool_params *p, onnxc_dtype t)
{
    bool f = t == ONNXC_FLOAT;
    switch (p->kind) {
    case POOL_MAX:
        return f ? max_float : t == ONNXC_DOUBLE ? max_double
               : t == ONNXC_INT8 ? max_int8 : max_uint8;
    case POOL_AVERAGE:
        return f ? average_float : average_double;
    case POOL_LP:
        break;
    }
    if (p->p == 2)
        return f ? l2_float : l2_double;
    if (p->p == 1)
        return f ? l1_float : l1_double;
    return f ? lp_float : lp_double;
}

/* The offsets (row-major within the plane) and Indices positions
 * (row- or column-major) of the taps given by first/inside per dim;
 * returns their count. */
static size_t list_taps(const oc_window *w, bool column_major,
                        const int64_t *first, const int64_t *inside,
                        size_t *off, int64_t *where)
{
    int64_t row[OC_WINDOW_MAX_DIMS], col[OC_WINDOW_MAX_DIMS];
    int64_t at[OC_WINDOW_MAX_DIMS] = {0};
    size_t n = 0;
    int dims = w->dims;
    row[dims - 1] = 1;
    for (int d = dims - 1; d > 0; d--)
        row[d - 1] = row[d] * w->in[d];
    col[0] = 1;
    for (int d = 1; d < dims; d++)
        col[d] = col[d - 1] * w->in[d - 1];
    for (;;) {
        int64_t r = 0, c = 0;
        for (int d = 0; d < dims; d++) {
            int64_t pos = first[d] + at[d] * w->dilations[d];
            r += pos * row[d];
            c += pos * col[d];
        }
        off[n] = (size_t)r;
        where[n] = column_major ? c : r;
        n++;
        int d = dims - 1;
        while (d >= 0 && ++at[d] == inside[d])
            at[d--] = 0;
        if (d < 0)
            return n;
    }
}

onnxc_status *oc_pooling_run(const oc_run_ctx *ctx)
{
    const pool_params *p = ctx->params;
    const oc_tensor *x = ctx->in[0];
    oc_tensor *y = ctx->out[0];
    oc_tensor *ind = ctx->n_out > 1 ? ctx->out[1] : NULL;
    int64_t o_at[OC_WINDOW_MAX_DIMS] = {0};
    oc_window w;
    onnxc_status *err = oc_pooling_geometry(ctx->node, p, x->dims, x->rank, &w);
    if (err)
        return err;
    pool_job j = {
        .p = p, .x = x->data, .y = y ? y->data : NULL,
        .indices = ind ? ind->data : NULL,
        .planes = (size_t)x->dims[0] * (size_t)x->dims[1],
        .in_plane = 1, .out_plane = 1,
        .off = ctx->workspace,
    };
    for (int d = 0; d < w.dims; d++) {
        j.in_plane *= (size_t)w.in[d];
        j.out_plane *= (size_t)w.out[d];
    }
    if (j.planes == 0 || !y)
        return NULL;
    if (oc_pooling_plane_walk_fits(p, &w, x->dtype, ind != NULL)) {
        oc_pooling_plane_walk(ctx, &w);
        return NULL;
    }
    size_t *off = ctx->workspace;
    int64_t *where = (int64_t *)(off + max_taps(&w));
    j.where = where;
    pool_kernel kernel = pick_kernel(p, x->dtype);
    for (j.o = 0; j.o < j.out_plane; j.o++) {
        int64_t first[OC_WINDOW_MAX_DIMS], inside[OC_WINDOW_MAX_DIMS];
        int64_t padded = 1;
        for (int d = 0; d < w.dims; d++) {
            int64_t pd;
            oc_pooling_dim_taps(&w, d, o_at[d], &first[d], &inside[d], &pd);
            padded *= pd;
        }
        j.n = list_taps(&w, p->column_major, first, inside, off, where);
        j.divisor = p->count_include_pad ? (double)padded : (double)j.n;
        kernel(&j);
        for (int d = w.dims - 1; d >= 0 && ++o_at[d] == w.out[d]; d--)
            o_at[d] = 0;
    }
    return NULL;
}
