/*
 * pow.c - Pow: y = x ^ e elementwise with broadcasting (versions 1, 7, 12,
 * 13, 15). Version 1 broadcasts the legacy way (broadcast=1: e onto x's
 * trailing dims; an `axis` is refused), 7 on numpy's rule. Before 12 x
 * and e share one type, float or double; from 12 x is float, double,
 * int32 or int64 and e any numeric type, and y has x's type.
 *
 * Floats compute pow in double and round once to y's type. An integer x
 * with an integer e is exact, wrapping as the arithmetic ops do (a
 * negative e gives 0 but for x = 1 and -1, as 1 / x^|e| truncates); with a
 * float e, the double result converts as Cast does (toward zero, NaN to
 * 0, saturating).
 */
#include <math.h>

#include "ops/common/broadcast.h"
#include "ops/common/convert.h"
#include "ops/common/dims_value.h"

typedef struct pow_params {
    bool legacy_equal;   /* version 1 without broadcast=1: equal shapes */
} pow_params;

typedef struct pow_types {
    onnxc_dtype x, e;
} pow_types;

static onnxc_status *pow_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const v1_attrs[] = {"broadcast", "axis", NULL};
    static const char *const none[] = {NULL};
    const oc_node *node = ctx->node;
    bool v1 = node->op_version < 7;
    char desc[300];
    int64_t broadcast = 0;
    onnxc_status *err;
    pow_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(node, v1 ? v1_attrs : none)) ||
        (err = oc_attr_int(node, "broadcast", 0, &broadcast)))
        return err;
    if (v1 && oc_node_attr(node, "axis"))
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "%s: legacy broadcasting at an 'axis' is not "
                        "supported (broadcast=1 aligns the exponent with the "
                        "trailing dims)",
                        oc_node_desc(node, desc, sizeof desc));
    p->legacy_equal = v1 && !broadcast;
    *params = p;
    return NULL;
}

static bool is_float(onnxc_dtype t)
{
    return t == ONNXC_FLOAT || t == ONNXC_DOUBLE;
}

static bool exponent_type(onnxc_dtype t)
{
    return is_float(t) || oc_dtype_is_int(t);
}

static onnxc_status *pow_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const pow_params *p = ctx->params;
    const oc_type *x = ctx->in[0], *e = ctx->in[1];
    oc_type *y = ctx->out[0];
    char desc[300], s1[128], s2[128];
    onnxc_status *err;
    bool v12 = node->op_version >= 12;
    if (!is_float(x->dtype) &&
        !(v12 && (x->dtype == ONNXC_INT32 || x->dtype == ONNXC_INT64)))
        return oc_bad_dtype(node, "X", x->dtype,
                            "float, double; int32, int64 from 12");
    if (!v12 && e->dtype != x->dtype)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: Y is %s and X %s; before version 12 they share "
                        "one type",
                        oc_node_desc(node, desc, sizeof desc),
                        onnxc_dtype_name(e->dtype), onnxc_dtype_name(x->dtype));
    if (!exponent_type(e->dtype))
        return oc_bad_dtype(node, "Y", e->dtype, "the numeric types");
    y->dtype = x->dtype;
    if (p->legacy_equal && x->shape.rank >= 0 && e->shape.rank >= 0 &&
        !oc_shape_compatible(&x->shape, &e->shape))
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: Y %s is not X's shape %s, and broadcast is not 1",
                        oc_node_desc(node, desc, sizeof desc),
                        oc_shape_format(&e->shape, NULL, s1, sizeof s1),
                        oc_shape_format(&x->shape, NULL, s2, sizeof s2));
    if ((err = oc_broadcast_shape(node, &x->shape, &e->shape, &y->shape)))
        return err;
    if (node->op_version < 7 && x->shape.rank >= 0 && y->shape.rank >= 0 &&
        !oc_shape_compatible(&x->shape, &y->shape))
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: Y %s does not broadcast onto X %s (version 1 "
                        "broadcasts Y only)",
                        oc_node_desc(node, desc, sizeof desc),
                        oc_shape_format(&e->shape, NULL, s1, sizeof s1),
                        oc_shape_format(&x->shape, NULL, s2, sizeof s2));
    return NULL;
}

/* Element i of numeric data as a double, or as an int64 (unsigned 64-bit
 * values above INT64_MAX wrap, which only the integer path meets). */
static double as_double(onnxc_dtype t, const void *p, size_t i)
{
    double v;
    oc_convert((const char *)p + i * onnxc_dtype_size(t), t, &v, ONNXC_DOUBLE, 1);
    return v;
}

static int64_t as_int(onnxc_dtype t, const void *p, size_t i)
{
    int64_t v;
    oc_convert((const char *)p + i * onnxc_dtype_size(t), t, &v, ONNXC_INT64, 1);
    return v;
}

/* x ^ e exact, wrapping in 64 bits. */
static uint64_t int_pow(int64_t x, int64_t e)
{
    if (e < 0)
        return x == 1 ? 1 : x == -1 ? (e % 2 ? (uint64_t)-1 : 1) : 0;
    uint64_t r = 1, b = (uint64_t)x;
    for (uint64_t k = (uint64_t)e; k; k >>= 1) {
        if (k & 1)
            r *= b;
        b *= b;
    }
    return r;
}

static void pow_span(void *cookie, void *y, const void *const *in,
                     const size_t *step, size_t n)
{
    const pow_types *t = cookie;
    for (size_t i = 0; i < n; i++) {
        size_t ix = i * step[0], ie = i * step[1];
        if (t->x == ONNXC_FLOAT) {
            ((float *)y)[i] =
                (float)pow(((const float *)in[0])[ix], as_double(t->e, in[1], ie));
        } else if (t->x == ONNXC_DOUBLE) {
            ((double *)y)[i] =
                pow(((const double *)in[0])[ix], as_double(t->e, in[1], ie));
        } else {
            int64_t x = as_int(t->x, in[0], ix);
            if (is_float(t->e)) {
                double r = pow((double)x, as_double(t->e, in[1], ie));
                oc_convert(&r, ONNXC_DOUBLE, (char *)y + i * onnxc_dtype_size(t->x),
                           t->x, 1);
            } else {
                uint64_t r = int_pow(x, as_int(t->e, in[1], ie));
                oc_convert(&r, ONNXC_UINT64, (char *)y + i * onnxc_dtype_size(t->x),
                           t->x, 1);
            }
        }
    }
}

static onnxc_status *pow_run(const oc_run_ctx *ctx)
{
    const oc_tensor *x = ctx->in[0], *e = ctx->in[1];
    oc_tensor *y = ctx->out[0];
    /* x^2 of a float x, as a decomposed LayerNorm's variance asks: x * x,
     * which is (float)pow(x, 2) bit for bit (the exact product of two
     * floats fits a double), without a libm call per element. */
    if (x->dtype == ONNXC_FLOAT && oc_tensor_count(e) == 1 &&
        exponent_type(e->dtype) && as_double(e->dtype, e->data, 0) == 2.0) {
        const float *xv = x->data;
        float *yv = y->data;
        size_t n = oc_tensor_count(x);
        for (size_t i = 0; i < n; i++)
            yv[i] = xv[i] * xv[i];
        return NULL;
    }
    bcast_operand in[2];
    size_t esize[2] = {onnxc_dtype_size(x->dtype), onnxc_dtype_size(e->dtype)};
    pow_types t = {x->dtype, e->dtype};
    oc_broadcast_align(x, y->rank, &in[0]);
    oc_broadcast_align(e, y->rank, &in[1]);
    oc_broadcast_walk_n(y->data, onnxc_dtype_size(y->dtype), y->dims, y->rank,
                        2, in, esize, pow_span, &t);
    return NULL;
}

static const int pow_versions[] = {1, 7, 12, 13, 15, 0};

const oc_op oc_op_pow = {
    .domain = "",
    .op_type = "Pow",
    .id = OC_OP_POW,
    .versions = pow_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .types = "X: float, double; int32, int64 from 12. Y: X's type; any "
             "numeric type from 12",
    .prepare = pow_prepare,
    .infer = pow_infer,
    .run = pow_run,
};
