/*
 * gemm.c - Gemm: Y = alpha * A' * B' + beta * C (versions 1, 6, 7, 9, 11, 13).
 *
 * What changes between versions:
 *  - 1 and 6: C is required; it broadcasts only when the `broadcast`
 *    attribute is 1, otherwise it must be exactly (M, N).
 *  - 7: `broadcast` is gone; C broadcasts unidirectionally from [], [1],
 *    [N], [1,N], [M,1] or [M,N]. A 1-D C is a row, also when M == N.
 *  - 9 adds integer types, 11 makes C optional, 13 adds bfloat16.
 * alpha and beta are float32 attributes whatever the tensor type.
 *
 * The kernel is the plain triple loop; it is the reference any faster
 * kernel is tested against.
 */
#include <string.h>

#include "../runtime/status.h"
#include "ops.h"

typedef struct gemm_params {
    float alpha, beta;
    bool trans_a, trans_b;
    bool c_broadcasts;  /* false only for versions 1 and 6 without broadcast */
} gemm_params;

static onnxc_status *gemm_prepare(const oc_node *node, oc_pool *pool,
                                  void **params)
{
    static const char *const v1_attrs[] = {"alpha", "beta", "transA", "transB",
                                           "broadcast", NULL};
    static const char *const attrs[] = {"alpha", "beta", "transA", "transB",
                                        NULL};
    onnxc_status *err;
    gemm_params *p = pool_alloc(pool, sizeof *p);
    if (!p)
        return oc_no_memory();
    int64_t ta, tb, bc = 1;
    bool legacy = node->op_version < 7;
    if ((err = op_check_attrs(node, legacy ? v1_attrs : attrs)) ||
        (err = op_attr_float(node, "alpha", 1.0f, &p->alpha)) ||
        (err = op_attr_float(node, "beta", 1.0f, &p->beta)) ||
        (err = op_attr_int(node, "transA", 0, &ta)) ||
        (err = op_attr_int(node, "transB", 0, &tb)))
        return err;
    if (legacy && (err = op_attr_int(node, "broadcast", 0, &bc)))
        return err;
    p->trans_a = ta != 0;
    p->trans_b = tb != 0;
    p->c_broadcasts = bc != 0;
    *params = p;
    return NULL;
}

static onnxc_status *gemm_infer(const oc_node *node, const void *params,
                                const oc_type *const *in, oc_type *out)
{
    const gemm_params *p = params;
    const oc_type *a = in[0], *b = in[1], *c = in[2];
    char s1[96], s2[96];

    if (a->dtype != ONNXC_FLOAT && a->dtype != ONNXC_DOUBLE)
        return op_bad_dtype(node, "A", a->dtype, "float, double");
    if (b->dtype != a->dtype || (c && c->dtype != a->dtype))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (Gemm): inputs must share one element "
                        "type, got A %s, B %s%s%s",
                        node->label, onnxc_dtype_name(a->dtype),
                        onnxc_dtype_name(b->dtype), c ? ", C " : "",
                        c ? onnxc_dtype_name(c->dtype) : "");
    if (!c && node->op_version < 11)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (Gemm-%d): input C is required before "
                        "Gemm-11",
                        node->label, node->op_version);

    out->dtype = a->dtype;
    out->shape.rank = 2;
    if (a->shape.rank < 0 || b->shape.rank < 0) {
        /* Only known at run time; the plan calls infer again then. */
        out->shape.dims[0].value = -1;
        out->shape.dims[0].sym = -1;
        out->shape.rank = -1;
        return NULL;
    }
    if (a->shape.rank != 2 || b->shape.rank != 2)
        return oc_error(ONNXC_ERR_SHAPE,
                        "node '%s' (Gemm): A and B must be 2-D, got A %s "
                        "and B %s",
                        node->label, shape_format(&a->shape, NULL, s1, sizeof s1),
                        shape_format(&b->shape, NULL, s2, sizeof s2));
    oc_dim m = a->shape.dims[p->trans_a ? 1 : 0];
    oc_dim ka = a->shape.dims[p->trans_a ? 0 : 1];
    oc_dim kb = b->shape.dims[p->trans_b ? 1 : 0];
    oc_dim n = b->shape.dims[p->trans_b ? 0 : 1];
    if (!dim_compatible(ka, kb))
        return oc_error(ONNXC_ERR_SHAPE,
                        "node '%s' (Gemm): inner dims differ: A%s %s (transA=%d) "
                        "and B%s %s (transB=%d)",
                        node->label, p->trans_a ? "'" : "",
                        shape_format(&a->shape, NULL, s1, sizeof s1),
                        p->trans_a, p->trans_b ? "'" : "",
                        shape_format(&b->shape, NULL, s2, sizeof s2),
                        p->trans_b);
    out->shape.dims[0] = m;
    out->shape.dims[1] = n;

    if (c && c->shape.rank >= 0) {
        bool ok;
        const oc_shape *cs = &c->shape;
        if (!p->c_broadcasts)
            ok = cs->rank == 2 && dim_compatible(cs->dims[0], m) &&
                 dim_compatible(cs->dims[1], n);
        else if (cs->rank > 2)
            ok = false;
        else {
            /* Align C's dims with (M, N) from the right. */
            ok = true;
            for (int i = 0; i < cs->rank; i++) {
                oc_dim want = i == cs->rank - 1 ? n : m;
                oc_dim got = cs->dims[i];
                if (dim_is_known(got) && got.value == 1)
                    continue;
                ok = ok && dim_compatible(got, want);
            }
        }
        if (!ok)
            return oc_error(ONNXC_ERR_SHAPE,
                            "node '%s' (Gemm-%d): C of shape %s does not %s "
                            "the output %s",
                            node->label, node->op_version,
                            shape_format(cs, NULL, s1, sizeof s1),
                            p->c_broadcasts ? "broadcast to" : "match "
                            "(broadcast=0)",
                            shape_format(&out->shape, NULL, s2, sizeof s2));
    }
    return NULL;
}

/* Strides of C over the (M, N) output: 0 along a broadcast axis. */
static void c_strides(const oc_tensor *c, size_t *rs, size_t *cs)
{
    *rs = *cs = 0;
    if (c->rank == 2) {
        *cs = c->dims[1] == 1 ? 0 : 1;
        *rs = c->dims[0] == 1 ? 0 : (size_t)c->dims[1];
    } else if (c->rank == 1) {
        *cs = c->dims[0] == 1 ? 0 : 1;
    }
}

#define GEMM_KERNEL(NAME, T)                                                   \
    static void NAME(const gemm_params *p, const oc_tensor *ta,                \
                     const oc_tensor *tb, const oc_tensor *tc, oc_tensor *ty)  \
    {                                                                          \
        size_t m = (size_t)ty->dims[0], n = (size_t)ty->dims[1];               \
        size_t k = (size_t)(p->trans_a ? ta->dims[0] : ta->dims[1]);           \
        /* Element (i, l) of A' is a[i * a_i + l * a_l]; likewise B'. */     \
        size_t a_i = p->trans_a ? 1 : k, a_l = p->trans_a ? m : 1;             \
        size_t b_l = p->trans_b ? 1 : n, b_j = p->trans_b ? k : 1;             \
        const T *a = ta->data, *b = tb->data;                                  \
        const T *c = tc ? tc->data : NULL;                                     \
        T *y = ty->data;                                                       \
        T alpha = (T)p->alpha, beta = (T)p->beta;                              \
        size_t c_r = 0, c_c = 0;                                               \
        if (c)                                                                 \
            c_strides(tc, &c_r, &c_c);                                         \
        for (size_t i = 0; i < m; i++)                                         \
            for (size_t j = 0; j < n; j++) {                                   \
                T acc = 0;                                                     \
                for (size_t l = 0; l < k; l++)                                 \
                    acc += a[i * a_i + l * a_l] * b[l * b_l + j * b_j];        \
                T v = alpha * acc;                                             \
                /* beta == 0 ignores C entirely, NaN included, as BLAS and   \
                 * onnxruntime do. */                                          \
                if (c && beta != 0)                                            \
                    v += beta * c[i * c_r + j * c_c];                          \
                y[i * n + j] = v;                                              \
            }                                                                  \
    }

GEMM_KERNEL(gemm_f32, float)
GEMM_KERNEL(gemm_f64, double)

static void gemm_run(const void *params, const oc_tensor *const *in,
                     oc_tensor *const *out)
{
    if (in[0]->dtype == ONNXC_FLOAT)
        gemm_f32(params, in[0], in[1], in[2], out[0]);
    else
        gemm_f64(params, in[0], in[1], in[2], out[0]);
}

static const int gemm_versions[] = {1, 6, 7, 9, 11, 13, 0};

const oc_op op_gemm = {
    .domain = "",
    .op_type = "Gemm",
    .versions = gemm_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 3,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = false,
    .prepare = gemm_prepare,
    .infer = gemm_infer,
    .run = gemm_run,
};
