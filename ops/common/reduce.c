/* reduce.c - the reduction engine (see reduce.h). */
#include <math.h>
#include <string.h>

#include "ops/common/convert.h"
#include "ops/common/reduce.h"

onnxc_status *oc_reduce_prepare(const oc_prepare_ctx *ctx, oc_reduce_kind kind,
                                int axes_input_from, void **params)
{
    static const char *const attr_form[] = {"axes", "keepdims", NULL};
    static const char *const input_form[] = {"keepdims", "noop_with_empty_axes",
                                             NULL};
    const oc_node *node = ctx->node;
    char desc[300];
    onnxc_status *err;
    int64_t keepdims = 1, noop = 0;
    oc_reduce_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    p->kind = kind;
    p->isa = oc_vec_select(ctx->kernels);
    p->axes_input = node->op_version >= axes_input_from;
    p->axes.count = -1;
    if ((err = oc_check_attrs(node, p->axes_input ? input_form : attr_form)) ||
        (err = oc_attr_int(node, "keepdims", 1, &keepdims)) ||
        (p->axes_input &&
         (err = oc_attr_int(node, "noop_with_empty_axes", 0, &noop))) ||
        (!p->axes_input && (err = oc_axes_from_attr(node, &p->axes))))
        return err;
    if (!p->axes_input && node->n_inputs > 1 && node->input_names[1][0])
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: axes are an attribute before version %d, not an "
                        "input",
                        oc_node_desc(node, desc, sizeof desc), axes_input_from);
    p->keepdims = keepdims != 0;
    p->noop_with_empty_axes = noop != 0;
    *params = p;
    return NULL;
}

/* Whether this version of the kind reduces dtype. */
static bool takes(oc_reduce_kind kind, onnxc_dtype t, int version)
{
    bool minmax = kind == OC_REDUCE_MAX || kind == OC_REDUCE_MIN;
    switch (t) {
    case ONNXC_FLOAT:
    case ONNXC_DOUBLE:
    case ONNXC_INT32:
    case ONNXC_INT64:
    case ONNXC_UINT32:
    case ONNXC_UINT64:
        return true;
    case ONNXC_INT8:
    case ONNXC_UINT8:
        return minmax && version >= 12;
    case ONNXC_BOOL:
        return minmax && version >= 20;
    default:
        return false;
    }
}

static const char *types_of(oc_reduce_kind kind)
{
    switch (kind) {
    case OC_REDUCE_MAX:
    case OC_REDUCE_MIN:
        return REDUCE_MINMAX_TYPES;
    default:
        return REDUCE_ARITH_TYPES;
    }
}

/* The reduced axes of x (rank `rank`) into *mask; *noop when the node
 * copies x (no axes, noop_with_empty_axes). */
static onnxc_status *reduced_axes(const oc_node *node, const oc_reduce_params *p,
                                  const oc_axes *axes, int rank, unsigned *mask,
                                  bool *noop)
{
    *noop = false;
    if (axes->count <= 0) {
        *noop = p->axes_input && p->noop_with_empty_axes;
        *mask = *noop ? 0 : (rank ? (1u << rank) - 1 : 0);
        return NULL;
    }
    return oc_axes_mask(node, axes, rank, mask);
}

onnxc_status *oc_reduce_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const oc_reduce_params *p = ctx->params;
    const oc_type *x = ctx->in[0];
    oc_type *y = ctx->out[0];
    oc_axes axes = p->axes;
    bool known = true, noop;
    unsigned mask;
    onnxc_status *err;
    if (!takes(p->kind, x->dtype, node->op_version))
        return oc_bad_dtype(node, "data", x->dtype, types_of(p->kind));
    if (p->axes_input && ctx->n_in > 1 &&
        (err = oc_axes_from_input(node, ctx->in[1], &axes, &known)))
        return err;
    y->dtype = x->dtype;
    y->shape.rank = -1;
    if (x->shape.rank < 0)
        return NULL;
    if (!known) {
        /* which axes only the plan knows: with keepdims, the rank stays */
        if (p->keepdims) {
            y->shape.rank = x->shape.rank;
            for (int d = 0; d < x->shape.rank; d++)
                y->shape.dims[d] = dim_unknown();
        }
        return NULL;
    }
    if ((err = reduced_axes(node, p, &axes, x->shape.rank, &mask, &noop)))
        return err;
    y->shape.rank = 0;
    for (int d = 0; d < x->shape.rank; d++) {
        if (!(mask >> d & 1))
            y->shape.dims[y->shape.rank++] = x->shape.dims[d];
        else if (p->keepdims)
            y->shape.dims[y->shape.rank++] = dim_known(1);
    }
    return NULL;
}

/* ------------------------------------------------------------------ walk */

/* x's dims merged into groups of neighbours that are all kept or all
 * reduced (dims of 1 dropped): kept groups in output order, reduced
 * groups in the order they are visited. */
typedef struct walk {
    int nk, nr;
    size_t kd[ONNXC_MAX_RANK], ks[ONNXC_MAX_RANK];
    size_t rd[ONNXC_MAX_RANK], rs[ONNXC_MAX_RANK];
    size_t outputs, n;   /* output elements; elements each reduces */
} walk;

static void walk_make(const oc_tensor *x, unsigned mask, walk *w)
{
    size_t stride = 1, st[ONNXC_MAX_RANK];
    for (int d = x->rank - 1; d >= 0; d--) {
        st[d] = stride;
        stride *= (size_t)x->dims[d];
    }
    w->nk = w->nr = 0;
    w->outputs = w->n = 1;
    int last = -1;  /* 1: the last group is reduced, 0: kept */
    for (int d = 0; d < x->rank; d++) {
        size_t dim = (size_t)x->dims[d];
        int red = mask >> d & 1;
        if (red)
            w->n *= dim;
        else
            w->outputs *= dim;
        if (dim == 1)
            continue;
        size_t *gd = red ? w->rd : w->kd, *gs = red ? w->rs : w->ks;
        int *ng = red ? &w->nr : &w->nk;
        if (last == red) {
            gd[*ng - 1] *= dim;
            gs[*ng - 1] = st[d];
        } else {
            gd[*ng] = dim;
            gs[*ng] = st[d];
            ++*ng;
        }
        last = red;
    }
}

/* Runs BODY with v (of type A) set to each element x reduces into the
 * output whose first element is at p0: the last reduced group in a plain
 * loop, the others by an odometer. */
#define VISIT(T, A, w, p0, BODY)                                               \
    do {                                                                       \
        size_t idx_[ONNXC_MAX_RANK] = {0};                                     \
        const T *q_ = (p0);                                                    \
        int nr_ = (w)->nr;                                                     \
        size_t in_n_ = nr_ ? (w)->rd[nr_ - 1] : 1;                             \
        size_t in_s_ = nr_ ? (w)->rs[nr_ - 1] : 0;                             \
        size_t rows_ = in_n_ ? (w)->n / in_n_ : 0;                             \
        for (size_t r_ = 0; r_ < rows_; r_++) {                                \
            for (size_t i_ = 0; i_ < in_n_; i_++) {                            \
                A v = (A)q_[i_ * in_s_];                                       \
                BODY;                                                          \
            }                                                                  \
            for (int g_ = nr_ - 2; g_ >= 0; g_--) {                            \
                q_ += (w)->rs[g_];                                             \
                if (++idx_[g_] < (w)->rd[g_])                                  \
                    break;                                                     \
                q_ -= (w)->rs[g_] * (w)->rd[g_];                               \
                idx_[g_] = 0;                                                  \
            }                                                                  \
        }                                                                      \
    } while (0)

/* Calls ONE(offset, o) for each output o, offset its first element in x. */
#define EACH_OUTPUT(w, ONE)                                                    \
    do {                                                                       \
        size_t oidx_[ONNXC_MAX_RANK] = {0}, off_ = 0;                          \
        for (size_t o_ = 0; o_ < (w)->outputs; o_++) {                         \
            ONE(off_, o_);                                                     \
            for (int g_ = (w)->nk - 1; g_ >= 0; g_--) {                        \
                off_ += (w)->ks[g_];                                           \
                if (++oidx_[g_] < (w)->kd[g_])                                 \
                    break;                                                     \
                off_ -= (w)->ks[g_] * (w)->kd[g_];                             \
                oidx_[g_] = 0;                                                 \
            }                                                                  \
        }                                                                      \
    } while (0)

/* One output of a floating-point type T, accumulated in double. */
#define FLOAT_REDUCER(name, T)                                                 \
    static double name##_one(oc_reduce_kind kind, const walk *w, const T *p)  \
    {                                                                          \
        double acc = 0, m = kind == OC_REDUCE_VARIANCE ? 0 : -INFINITY;        \
        bool nan = false;                                                      \
        switch (kind) {                                                        \
        case OC_REDUCE_SUM:                                                    \
        case OC_REDUCE_LOG_SUM:                                                \
            VISIT(T, double, w, p, acc += v);                                  \
            return kind == OC_REDUCE_SUM ? acc : log(acc);                     \
        case OC_REDUCE_MEAN:                                                   \
            VISIT(T, double, w, p, acc += v);                                  \
            return acc / (double)w->n;                                         \
        case OC_REDUCE_VARIANCE:                                               \
            /* about the mean: no cancellation of E(x^2) - E(x)^2 */         \
            VISIT(T, double, w, p, m += v);                                    \
            m /= (double)w->n;                                                 \
            VISIT(T, double, w, p, acc += (v - m) * (v - m));                  \
            return acc / (double)w->n;                                         \
        case OC_REDUCE_MAX:                                                    \
            acc = -INFINITY;                                                   \
            VISIT(T, double, w, p, if (v > acc) acc = v; else if (isnan(v)) nan = true); \
            return nan ? NAN : acc;                                            \
        case OC_REDUCE_MIN:                                                    \
            acc = INFINITY;                                                    \
            VISIT(T, double, w, p, if (v < acc) acc = v; else if (isnan(v)) nan = true); \
            return nan ? NAN : acc;                                            \
        case OC_REDUCE_PROD:                                                   \
            acc = 1;                                                           \
            VISIT(T, double, w, p, acc *= v);                                  \
            return acc;                                                        \
        case OC_REDUCE_L1:                                                     \
            VISIT(T, double, w, p, acc += fabs(v));                            \
            return acc;                                                        \
        case OC_REDUCE_L2:                                                     \
        case OC_REDUCE_SUM_SQUARE:                                             \
            VISIT(T, double, w, p, acc += v * v);                              \
            return kind == OC_REDUCE_L2 ? sqrt(acc) : acc;                     \
        case OC_REDUCE_LOG_SUM_EXP:                                            \
            /* shifted by the max, so that exp does not overflow */           \
            VISIT(T, double, w, p, if (v > m) m = v; else if (isnan(v)) nan = true); \
            if (nan)                                                           \
                return NAN;                                                    \
            if (isinf(m))                                                      \
                return m;                                                      \
            VISIT(T, double, w, p, acc += exp(v - m));                         \
            return m + log(acc);                                               \
        }                                                                      \
        return NAN;                                                            \
    }                                                                          \
    static void name(oc_reduce_kind kind, const walk *w, const void *xv,       \
                     void *yv)                                                 \
    {                                                                          \
        const T *x = xv;                                                       \
        T *y = yv;                                                             \
        EACH_OUTPUT(w, ONE_##name);                                            \
    }

/* One output of an integer type T, accumulated in A (int64_t or
 * uint64_t) with wrap-around; LO and HI the type's range, DT its dtype,
 * ABS(v) |v| as a uint64_t. */
#define INT_REDUCER(name, T, A, LO, HI, ABS, DT)                                       \
    /* L2 and the log-sums, whose results are not integers: in double, as   \
     * the spec's reference computes them, then converted into T by Cast's \
     * rule (toward 0; NaN 0, beyond T's range its bound: log of an empty \
     * or zero sum is -inf, T's least). LogSumExp shifted by the max. */  \
    static A name##_real(oc_reduce_kind kind, const walk *w, const T *p)      \
    {                                                                          \
        double s = 0, m = -INFINITY, r;                                        \
        if (kind == OC_REDUCE_L2) {                                            \
            VISIT(T, double, w, p, s += v * v);                                \
            r = sqrt(s);                                                       \
        } else if (kind == OC_REDUCE_LOG_SUM) {                                \
            VISIT(T, double, w, p, s += v);                                    \
            r = log(s);                                                        \
        } else {                                                               \
            VISIT(T, double, w, p, if (v > m) m = v);                          \
            if (!isinf(m))                                                     \
                VISIT(T, double, w, p, s += exp(v - m));                       \
            r = isinf(m) ? m : m + log(s);                                     \
        }                                                                      \
        T out;                                                                 \
        oc_convert(&r, ONNXC_DOUBLE, &out, DT, 1);                             \
        return (A)out;                                                         \
    }                                                                          \
    static A name##_one(oc_reduce_kind kind, const walk *w, const T *p)       \
    {                                                                          \
        uint64_t acc = 0;                                                      \
        A best;                                                                \
        switch (kind) {                                                        \
        case OC_REDUCE_SUM:                                                    \
        case OC_REDUCE_MEAN:                                                   \
            VISIT(T, A, w, p, acc += (uint64_t)v);                             \
            if (kind == OC_REDUCE_SUM)                                         \
                return (A)acc;                                                 \
            return w->n ? (A)acc / (A)w->n : 0;                                \
        case OC_REDUCE_MAX:                                                    \
            best = (A)(LO);                                                    \
            VISIT(T, A, w, p, if (v > best) best = v);                         \
            return best;                                                       \
        case OC_REDUCE_MIN:                                                    \
            best = (A)(HI);                                                    \
            VISIT(T, A, w, p, if (v < best) best = v);                         \
            return best;                                                       \
        case OC_REDUCE_PROD:                                                   \
            acc = 1;                                                           \
            VISIT(T, A, w, p, acc *= (uint64_t)v);                             \
            return (A)acc;                                                     \
        case OC_REDUCE_L1:                                                     \
            VISIT(T, A, w, p, acc += ABS(v));   \
            return (A)acc;                                                     \
        case OC_REDUCE_SUM_SQUARE:                                             \
            VISIT(T, A, w, p, acc += (uint64_t)v * (uint64_t)v);               \
            return (A)acc;                                                     \
        case OC_REDUCE_L2:                                                     \
        case OC_REDUCE_LOG_SUM:                                                \
        case OC_REDUCE_LOG_SUM_EXP:                                            \
            return name##_real(kind, w, p);                                    \
        default: /* refused by infer */                                        \
            return 0;                                                          \
        }                                                                      \
    }                                                                          \
    static void name(oc_reduce_kind kind, const walk *w, const void *xv,       \
                     void *yv)                                                 \
    {                                                                          \
        const T *x = xv;                                                       \
        T *y = yv;                                                             \
        EACH_OUTPUT(w, ONE_##name);                                            \
    }

#define ONE_OUTPUT(name, T, off, o) (y[o] = (T)name##_one(kind, w, x + (off)))
#define ONE_reduce_float(off, o) ONE_OUTPUT(reduce_float, float, off, o)
#define ONE_reduce_double(off, o) ONE_OUTPUT(reduce_double, double, off, o)
#define ONE_reduce_int8(off, o) ONE_OUTPUT(reduce_int8, int8_t, off, o)
#define ONE_reduce_uint8(off, o) ONE_OUTPUT(reduce_uint8, uint8_t, off, o)
#define ONE_reduce_bool(off, o) ONE_OUTPUT(reduce_bool, uint8_t, off, o)
#define ONE_reduce_int32(off, o) ONE_OUTPUT(reduce_int32, int32_t, off, o)
#define ONE_reduce_uint32(off, o) ONE_OUTPUT(reduce_uint32, uint32_t, off, o)
#define ONE_reduce_int64(off, o) ONE_OUTPUT(reduce_int64, int64_t, off, o)
#define ONE_reduce_uint64(off, o) ONE_OUTPUT(reduce_uint64, uint64_t, off, o)

FLOAT_REDUCER(reduce_float, float)
FLOAT_REDUCER(reduce_double, double)
#define ABS_SIGNED(v) ((v) < 0 ? 0 - (uint64_t)(v) : (uint64_t)(v))
#define ABS_UNSIGNED(v) ((uint64_t)(v))
INT_REDUCER(reduce_int8, int8_t, int64_t, INT8_MIN, INT8_MAX, ABS_SIGNED, ONNXC_INT8)
INT_REDUCER(reduce_uint8, uint8_t, uint64_t, 0, UINT8_MAX, ABS_UNSIGNED, ONNXC_UINT8)
INT_REDUCER(reduce_bool, uint8_t, uint64_t, 0, 1, ABS_UNSIGNED, ONNXC_BOOL)
INT_REDUCER(reduce_int32, int32_t, int64_t, INT32_MIN, INT32_MAX, ABS_SIGNED, ONNXC_INT32)
INT_REDUCER(reduce_uint32, uint32_t, uint64_t, 0, UINT32_MAX, ABS_UNSIGNED, ONNXC_UINT32)
INT_REDUCER(reduce_int64, int64_t, int64_t, INT64_MIN, INT64_MAX, ABS_SIGNED, ONNXC_INT64)
INT_REDUCER(reduce_uint64, uint64_t, uint64_t, 0, UINT64_MAX, ABS_UNSIGNED, ONNXC_UINT64)

/* float in, the double each output was accumulated in out: statistics
 * a kernel goes on computing with (MVN's mean). */
#define ONE_reduce_float_wide(off, o) (y[o] = reduce_float_one(kind, w, x + (off)))
static void reduce_float_wide(oc_reduce_kind kind, const walk *w, const void *xv,
                              void *yv)
{
    const float *x = xv;
    double *y = yv;
    EACH_OUTPUT(w, ONE_reduce_float_wide);
}

typedef void (*reducer)(oc_reduce_kind kind, const walk *w, const void *x,
                        void *y);

static reducer reducer_for(onnxc_dtype t)
{
    switch (t) {
    case ONNXC_FLOAT: return reduce_float;
    case ONNXC_DOUBLE: return reduce_double;
    case ONNXC_INT8: return reduce_int8;
    case ONNXC_UINT8: return reduce_uint8;
    case ONNXC_BOOL: return reduce_bool;
    case ONNXC_INT32: return reduce_int32;
    case ONNXC_UINT32: return reduce_uint32;
    case ONNXC_INT64: return reduce_int64;
    case ONNXC_UINT64: return reduce_uint64;
    default: return NULL;
    }
}

void oc_reduce_tensor(oc_reduce_kind kind, const oc_tensor *x, unsigned mask,
                      oc_tensor *y)
{
    reducer r = x->dtype == ONNXC_FLOAT && y->dtype == ONNXC_DOUBLE
                    ? reduce_float_wide
                    : reducer_for(x->dtype);
    walk w;
    walk_make(x, mask, &w);
    if (r && w.outputs)
        r(kind, &w, x->data, y->data);
}

onnxc_status *oc_reduce_run(const oc_run_ctx *ctx)
{
    const oc_reduce_params *p = ctx->params;
    const oc_tensor *x = ctx->in[0], *a = ctx->n_in > 1 ? ctx->in[1] : NULL;
    oc_tensor *y = ctx->out[0];
    oc_axes axes = p->axes;
    unsigned mask;
    bool noop;
    onnxc_status *err;
    if (p->axes_input && a) {
        /* infer saw these contents at plan time and checked their count */
        size_t n = oc_tensor_count(a);
        axes.count = (int)n;
        memcpy(axes.axes, a->data, n * sizeof(int64_t));
    }
    if ((err = reduced_axes(ctx->node, p, &axes, x->rank, &mask, &noop)))
        return err;
    size_t count = oc_tensor_count(y);
    if (noop) {
        if (count)
            memcpy(y->data, x->data, count * onnxc_dtype_size(x->dtype));
        return NULL;
    }
    if (count && !oc_reduce_fast(ctx, p->isa, p->kind, x, mask, y))
        oc_reduce_tensor(p->kind, x, mask, y);
    return NULL;
}
