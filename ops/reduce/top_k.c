/*
 * top_k.c - TopK: the k largest (or smallest) elements along one axis and
 * their indices (versions 1, 10, 11).
 *
 * Version 1 takes k as an attribute, 10 and later as a one-element int64
 * tensor whose contents the plan reads (a constant, a graph input or a
 * value the plan computes: value_inputs), so the outputs' shapes are
 * known before the run. 11 adds largest and sorted, and every numeric
 * type (float and double before). Equal elements come in the order of
 * their indices, lower first, as the spec asks; sorted=0 leaves the order
 * open, and the sorted order is as good as any. NaN ranks above every
 * number (numpy's sort puts it last), so it comes first among the
 * largest and last among the smallest.
 *
 * Each line of the axis is selected with a heap of its best k indices
 * (the worst at the root), n log k, then sorted out of the heap.
 */
#include <math.h>
#include <string.h>

#include "ops/common/dims_value.h"
#include "ops/common/op_util.h"

typedef struct top_k_params {
    int64_t axis;
    int64_t k;        /* version 1's attribute */
    bool largest;
} top_k_params;

static onnxc_status *top_k_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const v1_attrs[] = {"axis", "k", NULL};
    static const char *const v10_attrs[] = {"axis", NULL};
    static const char *const v11_attrs[] = {"axis", "largest", "sorted", NULL};
    const oc_node *node = ctx->node;
    int v = node->op_version;
    int64_t largest = 1;
    char desc[300];
    onnxc_status *err;
    top_k_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(node, v < 10 ? v1_attrs
                                           : v < 11 ? v10_attrs : v11_attrs)) ||
        (err = oc_attr_int(node, "axis", -1, &p->axis)) ||
        (err = oc_attr_int(node, "k", -1, &p->k)) ||
        (err = oc_attr_int(node, "largest", 1, &largest)))
        return err;
    if (v < 10 && p->k < 0)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: attribute k is %s; it must be given, 0 or more",
                        oc_node_desc(node, desc, sizeof desc),
                        oc_node_attr(node, "k") ? "negative" : "missing");
    p->largest = largest != 0;
    *params = p;
    return NULL;
}

static bool takes(const oc_node *node, onnxc_dtype t)
{
    if (t == ONNXC_FLOAT || t == ONNXC_DOUBLE)
        return true;
    return node->op_version >= 11 && oc_dtype_is_int(t);
}

/* k from the attribute or the input, when known; -1 when only the plan
 * for concrete shapes will know it. */
static onnxc_status *known_k(const oc_node *node, const top_k_params *p,
                             const oc_type *kt, int64_t *k)
{
    char desc[300];
    *k = p->k;
    if (node->op_version < 10)
        return NULL;
    if (kt->dtype != ONNXC_INT64)
        return oc_bad_dtype(node, "K", kt->dtype, "int64");
    if (kt->shape.rank != 1 ||
        (dim_is_known(kt->shape.dims[0]) && kt->shape.dims[0].value != 1))
        return oc_error(ONNXC_ERR_SHAPE, "%s: K must be 1-D with one element",
                        oc_node_desc(node, desc, sizeof desc));
    *k = kt->data && dim_is_known(kt->shape.dims[0])
             ? oc_int_at(kt->data, ONNXC_INT64, 0) : -1;
    if (kt->data && *k < 0)
        return oc_error(ONNXC_ERR_INVALID_MODEL, "%s: K is %lld; it must be 0 or more",
                        oc_node_desc(node, desc, sizeof desc), (long long)*k);
    return NULL;
}

static onnxc_status *top_k_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const top_k_params *p = ctx->params;
    const oc_type *x = ctx->in[0];
    char desc[300], s1[128];
    int64_t k;
    int axis;
    onnxc_status *err;
    if (!takes(node, x->dtype))
        return oc_bad_dtype(node, "X", x->dtype,
                            node->op_version < 11
                                ? "float, double"
                                : "float, double, the integer types");
    if (node->op_version >= 10 && (ctx->n_in < 2 || !ctx->in[1]))
        return oc_error(ONNXC_ERR_INVALID_MODEL, "%s: input K is missing",
                        oc_node_desc(node, desc, sizeof desc));
    if ((err = known_k(node, p, node->op_version < 10 ? NULL : ctx->in[1], &k)))
        return err;
    for (int o = 0; o < ctx->n_out; o++) {
        ctx->out[o]->dtype = o == 0 ? x->dtype : ONNXC_INT64;
        ctx->out[o]->shape.rank = -1;
    }
    if (x->shape.rank < 0)
        return NULL;
    if ((err = oc_axis(node, p->axis, x->shape.rank, false, &axis)))
        return err;
    oc_dim n = x->shape.dims[axis];
    if (k >= 0 && dim_is_known(n) && k > n.value)
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: K is %lld, more than the %lld elements along "
                        "axis %d of X %s",
                        oc_node_desc(node, desc, sizeof desc), (long long)k,
                        (long long)n.value, axis,
                        oc_shape_format(&x->shape, NULL, s1, sizeof s1));
    for (int o = 0; o < ctx->n_out; o++) {
        ctx->out[o]->shape = x->shape;
        ctx->out[o]->shape.dims[axis] = k >= 0 ? dim_known(k) : dim_unknown();
    }
    return NULL;
}

/* The run's view: outer x n x inner elements, k to keep. */
typedef struct top_k_line {
    size_t outer, n, inner, k;
} top_k_line;

static onnxc_status *run_shape(const oc_run_ctx *ctx, top_k_line *l)
{
    const top_k_params *p = ctx->params;
    const oc_tensor *x = ctx->in[0];
    int64_t axis = p->axis < 0 ? p->axis + x->rank : p->axis;
    int64_t k = ctx->node->op_version < 10
                    ? p->k : oc_int_at(ctx->in[1]->data, ONNXC_INT64, 0);
    if (axis < 0 || axis >= x->rank)
        return oc_run_error(ctx, "axis %lld is out of range for X of rank %d",
                            (long long)p->axis, x->rank);
    if (k < 0 || k > x->dims[axis])
        return oc_run_error(ctx, "K is %lld; axis %lld of X has %lld elements",
                            (long long)k, (long long)axis,
                            (long long)x->dims[axis]);
    l->outer = l->inner = 1;
    l->n = (size_t)x->dims[axis];
    l->k = (size_t)k;
    for (int d = 0; d < axis; d++)
        l->outer *= (size_t)x->dims[d];
    for (int d = (int)axis + 1; d < x->rank; d++)
        l->inner *= (size_t)x->dims[d];
    return NULL;
}

/* k indices of scratch. */
static size_t top_k_workspace(const oc_run_ctx *ctx)
{
    top_k_line l = {0, 0, 0, 0};
    onnxc_status *err = run_shape(ctx, &l);
    if (err) {
        onnxc_status_free(err);   /* run reports it */
        return 0;
    }
    return l.k * sizeof(size_t);
}

/* BEFORE(a, b): element index a ranks before b (larger, or smaller, with
 * the lower index first among equals). The heap keeps the k best with
 * the worst at its root: a parent ranks after its children. */
#define TOP_K_KERNEL(name, T, GREATER)                                         \
    static bool name##_before(const T *v, size_t stride, bool largest,         \
                              size_t a, size_t b)                              \
    {                                                                          \
        T x = v[a * stride], y = v[b * stride];                                \
        if (GREATER(x, y))                                                     \
            return largest;                                                    \
        if (GREATER(y, x))                                                     \
            return !largest;                                                   \
        return a < b;                                                          \
    }                                                                          \
    static void name##_sift(const T *v, size_t stride, bool largest,           \
                            size_t *heap, size_t size, size_t at)              \
    {                                                                          \
        for (;;) {                                                             \
            size_t worst = at, l = 2 * at + 1, r = l + 1;                      \
            if (l < size && name##_before(v, stride, largest, heap[worst], heap[l])) \
                worst = l;                                                     \
            if (r < size && name##_before(v, stride, largest, heap[worst], heap[r])) \
                worst = r;                                                     \
            if (worst == at)                                                   \
                return;                                                        \
            size_t t = heap[at];                                               \
            heap[at] = heap[worst];                                            \
            heap[worst] = t;                                                   \
            at = worst;                                                        \
        }                                                                      \
    }                                                                          \
    static void name(const oc_run_ctx *ctx, const top_k_line *l, size_t *heap) \
    {                                                                          \
        const top_k_params *p = ctx->params;                                   \
        const T *x = ctx->in[0]->data;                                         \
        T *y = ctx->out[0] ? ctx->out[0]->data : NULL;                         \
        int64_t *yi = ctx->n_out > 1 && ctx->out[1] ? ctx->out[1]->data : NULL; \
        size_t n = l->n, k = l->k, in = l->inner;                              \
        for (size_t o = 0; o < l->outer; o++)                                  \
            for (size_t i = 0; i < in; i++) {                                  \
                const T *v = x + o * n * in + i;                               \
                for (size_t j = 0; j < k; j++)                                 \
                    heap[j] = j;                                               \
                for (size_t j = k / 2; j-- > 0;)                               \
                    name##_sift(v, in, p->largest, heap, k, j);                \
                for (size_t j = k; j < n; j++)                                 \
                    if (name##_before(v, in, p->largest, j, heap[0])) {        \
                        heap[0] = j;                                           \
                        name##_sift(v, in, p->largest, heap, k, 0);            \
                    }                                                          \
                /* Pop the worst to the end: the best ends up first. */       \
                for (size_t size = k; size > 0; size--) {                      \
                    size_t at = o * k * in + (size - 1) * in + i;              \
                    if (y)                                                     \
                        y[at] = v[heap[0] * in];                               \
                    if (yi)                                                    \
                        yi[at] = (int64_t)heap[0];                             \
                    heap[0] = heap[size - 1];                                  \
                    name##_sift(v, in, p->largest, heap, size - 1, 0);         \
                }                                                              \
            }                                                                  \
    }

#define GREATER_FLOAT(x, y) ((x) > (y) || (isnan(x) && !isnan(y)))
#define GREATER_INT(x, y) ((x) > (y))

TOP_K_KERNEL(top_float, float, GREATER_FLOAT)
TOP_K_KERNEL(top_double, double, GREATER_FLOAT)
TOP_K_KERNEL(top_int8, int8_t, GREATER_INT)
TOP_K_KERNEL(top_int16, int16_t, GREATER_INT)
TOP_K_KERNEL(top_int32, int32_t, GREATER_INT)
TOP_K_KERNEL(top_int64, int64_t, GREATER_INT)
TOP_K_KERNEL(top_uint8, uint8_t, GREATER_INT)
TOP_K_KERNEL(top_uint16, uint16_t, GREATER_INT)
TOP_K_KERNEL(top_uint32, uint32_t, GREATER_INT)
TOP_K_KERNEL(top_uint64, uint64_t, GREATER_INT)

static onnxc_status *top_k_run(const oc_run_ctx *ctx)
{
    top_k_line l = {0, 0, 0, 0};
    onnxc_status *err = run_shape(ctx, &l);
    if (err || l.k == 0 || l.outer * l.inner == 0)
        return err;
    switch (ctx->in[0]->dtype) {
#define CASE(E, fn)                                                            \
    case E:                                                                    \
        fn(ctx, &l, ctx->workspace);                                           \
        break;
    CASE(ONNXC_FLOAT, top_float)
    CASE(ONNXC_DOUBLE, top_double)
    CASE(ONNXC_INT8, top_int8)
    CASE(ONNXC_INT16, top_int16)
    CASE(ONNXC_INT32, top_int32)
    CASE(ONNXC_INT64, top_int64)
    CASE(ONNXC_UINT8, top_uint8)
    CASE(ONNXC_UINT16, top_uint16)
    CASE(ONNXC_UINT32, top_uint32)
    CASE(ONNXC_UINT64, top_uint64)
#undef CASE
    default:
        break;
    }
    return NULL;
}

static const int top_k_versions[] = {1, 10, 11, 0};

const oc_op oc_op_top_k = {
    .domain = "",
    .op_type = "TopK",
    .versions = top_k_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 2,
    .min_outputs = 2, .max_outputs = 2,
    .value_inputs = 1u << 1,
    .types = "float, double; the integer types from 11",
    .prepare = top_k_prepare,
    .infer = top_k_infer,
    .workspace = top_k_workspace,
    .run = top_k_run,
};
