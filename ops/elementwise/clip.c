/*
 * clip.c - Clip: y = min(max(x, min), max) elementwise (versions 1, 6,
 * 11, 12, 13).
 *
 * The spec has absent bounds default to the type's lowest() and max(), so
 * even an unbounded Clip turns ±inf into ±FLT_MAX on float (as
 * onnxruntime does). Before 11 the bounds are float32 attributes: 6
 * declares their defaults, float32's range, which double tensors get too;
 * 1 declares none, so there an absent one is the tensor type's own limit
 * (1 also carries the legacy `consumed_inputs`, ignored). From 11 they
 * are optional inputs of X's type holding one element (the spec says a
 * scalar; a [1] tensor is taken too, as onnxruntime does), read at run.
 * 12 adds the integer types, which run; bfloat16 (13) does not. With
 * min > max every element becomes max, as the spec says. NaN stays NaN, a
 * NaN bound clips nothing (x < NaN is false), and x equal to a bound is
 * kept (Clip(-0, min=+0) is -0), all as in onnxruntime.
 */
#include <float.h>
#include <stdint.h>

#include "runtime/core/status.h"
#include "ops/common/op_util.h"

/* y[i] = x[i] clipped to [*lo, *hi]; NULL: the type's lowest or
 * highest value. y may be x. */
typedef void (*clip_loop)(void *y, const void *x, size_t n, const void *lo,
                          const void *hi);

/* One loop per element type; a macro because C has no other way to write
 * one loop for ten types. */
#define CLIP_LOOP(name, T, LOWEST, HIGHEST)                                    \
    static void name(void *ys, const void *xs, size_t n, const void *lo_p,     \
                     const void *hi_p)                                         \
    {                                                                          \
        T *y = ys;                                                             \
        const T *x = xs;                                                       \
        T lo = lo_p ? *(const T *)lo_p : LOWEST;                               \
        T hi = hi_p ? *(const T *)hi_p : HIGHEST;                              \
        for (size_t i = 0; i < n; i++) {                                       \
            T v = x[i] < lo ? lo : x[i];                                       \
            y[i] = v > hi ? hi : v;                                            \
        }                                                                      \
    }

CLIP_LOOP(clip_float, float, -FLT_MAX, FLT_MAX)
CLIP_LOOP(clip_double, double, -DBL_MAX, DBL_MAX)
CLIP_LOOP(clip_int8, int8_t, INT8_MIN, INT8_MAX)
CLIP_LOOP(clip_int16, int16_t, INT16_MIN, INT16_MAX)
CLIP_LOOP(clip_int32, int32_t, INT32_MIN, INT32_MAX)
CLIP_LOOP(clip_int64, int64_t, INT64_MIN, INT64_MAX)
CLIP_LOOP(clip_uint8, uint8_t, 0, UINT8_MAX)
CLIP_LOOP(clip_uint16, uint16_t, 0, UINT16_MAX)
CLIP_LOOP(clip_uint32, uint32_t, 0, UINT32_MAX)
CLIP_LOOP(clip_uint64, uint64_t, 0, UINT64_MAX)

static const clip_loop clip_loops[ONNXC_BFLOAT16 + 1] = {
    [ONNXC_FLOAT] = clip_float, [ONNXC_DOUBLE] = clip_double,
    [ONNXC_INT8] = clip_int8, [ONNXC_INT16] = clip_int16,
    [ONNXC_INT32] = clip_int32, [ONNXC_INT64] = clip_int64,
    [ONNXC_UINT8] = clip_uint8, [ONNXC_UINT16] = clip_uint16,
    [ONNXC_UINT32] = clip_uint32, [ONNXC_UINT64] = clip_uint64,
};

#define CLIP_TYPES                                                             \
    "float, double, int8, int16, int32, int64, uint8, uint16, uint32, uint64"

typedef struct clip_params {
    bool from_attrs;        /* before version 11 */
    bool has_min, has_max;  /* else the type's own limits */
    float min_f, max_f;     /* the attributes, for float tensors */
    double min_d, max_d;    /* the same values, for double tensors */
} clip_params;

static onnxc_status *clip_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    oc_pool *pool = ctx->pool;
    static const char *const v1_attrs[] = {"min", "max", "consumed_inputs",
                                           NULL};
    static const char *const v6_attrs[] = {"min", "max", NULL};
    static const char *const none[] = {NULL};
    int v = node->op_version;
    onnxc_status *err;
    clip_params *p = oc_pool_calloc(pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    p->from_attrs = v < 11;
    if ((err = oc_check_attrs(node, v < 6 ? v1_attrs : v < 11 ? v6_attrs
                                                               : none)) ||
        (err = oc_attr_float(node, "min", -FLT_MAX, &p->min_f)) ||
        (err = oc_attr_float(node, "max", FLT_MAX, &p->max_f)))
        return err;
    p->has_min = v >= 6 || oc_node_attr(node, "min");
    p->has_max = v >= 6 || oc_node_attr(node, "max");
    p->min_d = p->min_f;
    p->max_d = p->max_f;
    *params = p;
    return NULL;
}

/* A bound input (version 11 on): X's type and one element. */
static onnxc_status *check_bound(const oc_node *node, const char *name,
                                 const oc_type *x, const oc_type *bound)
{
    char s[128];
    const oc_shape *b = &bound->shape;
    bool one = b->rank <= 0 ||
               (b->rank == 1 &&
                (!dim_is_known(b->dims[0]) || b->dims[0].value == 1));
    if (bound->dtype == x->dtype && one)
        return NULL;
    return oc_error(ONNXC_ERR_SHAPE,
                    "node '%s' (Clip-%d): %s must be a scalar of X's type "
                    "%s, got %s %s",
                    node->label, node->op_version, name,
                    onnxc_dtype_name(x->dtype),
                    onnxc_dtype_name(bound->dtype),
                    oc_shape_format(b, NULL, s, sizeof s));
}

static onnxc_status *clip_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const void *params = ctx->params;
    const oc_type *const *in = ctx->in;
    oc_type *const *out = ctx->out;
    const clip_params *p = params;
    onnxc_status *err = NULL;
    onnxc_dtype t = in[0]->dtype;
    bool is_float = t == ONNXC_FLOAT || t == ONNXC_DOUBLE;
    if ((unsigned)t > ONNXC_BFLOAT16 || !clip_loops[t] ||
        (node->op_version < 12 && !is_float))
        return oc_bad_dtype(node, "input", t,
                            node->op_version < 12 ? "float, double"
                                                  : CLIP_TYPES);
    if (p->from_attrs && (in[1] || in[2]))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (Clip-%d): takes one input; min and max "
                        "are attributes before version 11",
                        node->label, node->op_version);
    if ((in[1] && (err = check_bound(node, "min", in[0], in[1]))) ||
        (in[2] && (err = check_bound(node, "max", in[0], in[2]))))
        return err;
    out[0]->dtype = t;
    out[0]->shape = in[0]->shape;
    return NULL;
}

static onnxc_status *clip_run(const oc_run_ctx *ctx)
{
    const void *params = ctx->params;
    const oc_tensor *const *in = ctx->in;
    oc_tensor *const *out = ctx->out;
    const clip_params *p = params;
    const oc_tensor *x = in[0];
    const void *lo = NULL, *hi = NULL;
    if (p->from_attrs) {
        bool f = x->dtype == ONNXC_FLOAT;
        if (p->has_min)
            lo = f ? (const void *)&p->min_f : (const void *)&p->min_d;
        if (p->has_max)
            hi = f ? (const void *)&p->max_f : (const void *)&p->max_d;
    } else {
        lo = in[1] ? in[1]->data : NULL;
        hi = in[2] ? in[2]->data : NULL;
    }
    clip_loops[x->dtype](out[0]->data, x->data, oc_tensor_count(x), lo, hi);
    return NULL;
}

static const int clip_versions[] = {1, 6, 11, 12, 13, 0};

const oc_op oc_op_clip = {
    .domain = "",
    .op_type = "Clip",
    .id = OC_OP_CLIP,
    .versions = clip_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 3,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = CLIP_TYPES,
    .prepare = clip_prepare,
    .infer = clip_infer,
    .run = clip_run,
};
