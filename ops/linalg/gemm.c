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
 * Float runs through gemm_kernel.h (small path, or packed and blocked
 * with a SIMD micro-kernel; B prepacked at load when it is a weight; a
 * following Relu/LeakyRelu fused into the store). Double runs the plain
 * loop.
 */
#include <string.h>

#include "runtime/core/status.h"
#include "ops/linalg/packed_weight.h"

typedef struct gemm_params {
    float alpha, beta;
    bool trans_a, trans_b;
    bool c_broadcasts;  /* false only for versions 1 and 6 without broadcast */
    const gemm_kernel *kernel;  /* the float kernel; NULL: the reference */
    int act;            /* an activation fused into the store */
    float act_alpha;
    oc_packed_weight b_packed;  /* B prepacked at load, when a weight */
} gemm_params;

static onnxc_status *gemm_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    oc_pool *pool = ctx->pool;
    static const char *const v1_attrs[] = {"alpha", "beta", "transA", "transB",
                                           "broadcast", NULL};
    static const char *const attrs[] = {"alpha", "beta", "transA", "transB",
                                        NULL};
    onnxc_status *err;
    gemm_params *p = oc_pool_alloc(pool, sizeof *p);
    if (!p)
        return oc_no_memory();
    int64_t ta, tb, bc = 1;
    bool legacy = node->op_version < 7;
    if ((err = oc_check_attrs(node, legacy ? v1_attrs : attrs)) ||
        (err = oc_attr_float(node, "alpha", 1.0f, &p->alpha)) ||
        (err = oc_attr_float(node, "beta", 1.0f, &p->beta)) ||
        (err = oc_attr_int(node, "transA", 0, &ta)) ||
        (err = oc_attr_int(node, "transB", 0, &tb)))
        return err;
    if (legacy && (err = oc_attr_int(node, "broadcast", 0, &bc)))
        return err;
    p->trans_a = ta != 0;
    p->trans_b = tb != 0;
    p->c_broadcasts = bc != 0;
    p->kernel = oc_gemm_f32_select(ctx->kernels);
    *params = p;
    return NULL;
}

static onnxc_status *gemm_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const void *params = ctx->params;
    const oc_type *const *in = ctx->in;
    oc_type *const *out = ctx->out;
    const gemm_params *p = params;
    const oc_type *a = in[0], *b = in[1], *c = in[2];
    char s1[96], s2[96];

    if (a->dtype != ONNXC_FLOAT && a->dtype != ONNXC_DOUBLE)
        return oc_bad_dtype(node, "A", a->dtype, "float, double");
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

    out[0]->dtype = a->dtype;
    out[0]->shape.rank = 2;
    if (a->shape.rank < 0 || b->shape.rank < 0) {
        /* Only known at run time; the plan calls infer again then. */
        out[0]->shape.dims[0].value = -1;
        out[0]->shape.dims[0].sym = -1;
        out[0]->shape.rank = -1;
        return NULL;
    }
    if (a->shape.rank != 2 || b->shape.rank != 2)
        return oc_error(ONNXC_ERR_SHAPE,
                        "node '%s' (Gemm): A and B must be 2-D, got A %s "
                        "and B %s",
                        node->label, oc_shape_format(&a->shape, NULL, s1, sizeof s1),
                        oc_shape_format(&b->shape, NULL, s2, sizeof s2));
    oc_dim m = a->shape.dims[p->trans_a ? 1 : 0];
    oc_dim ka = a->shape.dims[p->trans_a ? 0 : 1];
    oc_dim kb = b->shape.dims[p->trans_b ? 1 : 0];
    oc_dim n = b->shape.dims[p->trans_b ? 0 : 1];
    if (!oc_dim_compatible(ka, kb))
        return oc_error(ONNXC_ERR_SHAPE,
                        "node '%s' (Gemm): inner dims differ: A%s %s (transA=%d) "
                        "and B%s %s (transB=%d)",
                        node->label, p->trans_a ? "'" : "",
                        oc_shape_format(&a->shape, NULL, s1, sizeof s1),
                        p->trans_a, p->trans_b ? "'" : "",
                        oc_shape_format(&b->shape, NULL, s2, sizeof s2),
                        p->trans_b);
    out[0]->shape.dims[0] = m;
    out[0]->shape.dims[1] = n;

    if (c && c->shape.rank >= 0) {
        bool ok;
        const oc_shape *cs = &c->shape;
        if (!p->c_broadcasts)
            ok = cs->rank == 2 && oc_dim_compatible(cs->dims[0], m) &&
                 oc_dim_compatible(cs->dims[1], n);
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
                ok = ok && oc_dim_compatible(got, want);
            }
        }
        if (!ok)
            return oc_error(ONNXC_ERR_SHAPE,
                            "node '%s' (Gemm-%d): C of shape %s does not %s "
                            "the output %s",
                            node->label, node->op_version,
                            oc_shape_format(cs, NULL, s1, sizeof s1),
                            p->c_broadcasts ? "broadcast to" : "match "
                            "(broadcast=0)",
                            oc_shape_format(&out[0]->shape, NULL, s2, sizeof s2));
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

/* The double Gemm: the plain loop (float is where the speed matters). */
static void gemm_f64(const gemm_params *p, const oc_tensor *ta,
                     const oc_tensor *tb, const oc_tensor *tc, oc_tensor *ty)
{
    size_t m = (size_t)ty->dims[0], n = (size_t)ty->dims[1];
    size_t k = (size_t)(p->trans_a ? ta->dims[0] : ta->dims[1]);
    size_t a_i = p->trans_a ? 1 : k, a_l = p->trans_a ? m : 1;
    size_t b_l = p->trans_b ? 1 : n, b_j = p->trans_b ? k : 1;
    const double *a = ta->data, *b = tb->data, *c = tc ? tc->data : NULL;
    double *y = ty->data, alpha = p->alpha, beta = p->beta;
    size_t c_r = 0, c_c = 0;
    if (c)
        c_strides(tc, &c_r, &c_c);
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            double acc = 0;
            for (size_t l = 0; l < k; l++)
                acc += a[i * a_i + l * a_l] * b[l * b_l + j * b_j];
            double v = alpha * acc;
            if (c && beta != 0)  /* beta == 0 ignores C, NaN included */
                v += beta * c[i * c_r + j * c_c];
            y[i * n + j] = v;
        }
}

/* Prepacked weights are for the shape they were packed at. */
static bool b_prepacked_for(const gemm_params *p, const oc_tensor *b)
{
    size_t k = (size_t)b->dims[p->trans_b ? 1 : 0];
    size_t n = (size_t)b->dims[p->trans_b ? 0 : 1];
    return oc_packed_weight_fits(&p->b_packed, k, n);
}

static void problem_f32(const gemm_params *p, const oc_tensor *const *in,
                        oc_tensor *y, gemm_f32_problem *g)
{
    memset(g, 0, sizeof *g);
    g->m = (size_t)y->dims[0];
    g->n = (size_t)y->dims[1];
    g->k = (size_t)(p->trans_a ? in[0]->dims[0] : in[0]->dims[1]);
    g->a = in[0]->data;
    g->b = in[1]->data;
    g->trans_a = p->trans_a;
    g->trans_b = p->trans_b;
    g->alpha = p->alpha;
    g->beta = p->beta;
    if (in[2]) {
        g->c = in[2]->data;
        c_strides(in[2], &g->c_rs, &g->c_cs);
    }
    g->y = y->data;
    g->act = p->act;
    g->act_alpha = p->act_alpha;
    if (b_prepacked_for(p, in[1]))
        g->b_packed = p->b_packed.data;
}

static size_t gemm_workspace(const oc_run_ctx *ctx)
{
    const void *params = ctx->params;
    const oc_tensor *const *in = ctx->in;
    const oc_tensor *out = ctx->out[0];
    int threads = ctx->threads;
    const gemm_params *p = params;
    if (in[0]->dtype != ONNXC_FLOAT)
        return 0;
    size_t k = (size_t)(p->trans_a ? in[0]->dims[0] : in[0]->dims[1]);
    return sizeof(float) * oc_gemm_f32_workspace_floats(
                               p->kernel, (size_t)out->dims[0],
                               (size_t)out->dims[1], k, threads,
                               b_prepacked_for(p, in[1]));
}

static onnxc_status *gemm_run(const oc_run_ctx *ctx)
{
    const void *params = ctx->params;
    const oc_tensor *const *in = ctx->in;
    oc_tensor *const *out = ctx->out;
    void *workspace = ctx->workspace;
    const gemm_params *p = params;
    if (in[0]->dtype == ONNXC_FLOAT) {
        gemm_f32_problem g;
        problem_f32(p, in, out[0], &g);
        oc_gemm_f32_compute(p->kernel, &g, workspace, ctx->pool);
    } else {
        gemm_f64(p, in[0], in[1], in[2], out[0]);
    }
    return NULL;
}

/* Packs B once at load when it is a float weight (an initializer that no
 * caller can override), in the layout the kernel reads. */
static onnxc_status *gemm_prepack(const oc_prepack_ctx *ctx)
{
    gemm_params *p = ctx->params;
    const oc_value *b = ctx->in[1];
    if (b && b->shape.rank != 2)
        return NULL;
    return oc_packed_weight_make(p->kernel, b, p->trans_b, ctx->pool,
                                 &p->b_packed);
}

/* Only B is packed; a packed B serves every shape of A (B, a weight,
 * has one) when no path for some M reads B as stored. */
static bool gemm_reads_packed_only(const oc_node *node, const void *params,
                                   int input)
{
    const gemm_params *p = params;
    (void)node;
    return input == 1 && oc_packed_weight_suffices(&p->b_packed);
}

/* Folds a following Relu or LeakyRelu into the store of a float Gemm. */
static bool gemm_fuse(const oc_node *node, void *params, oc_activation act,
                      float param)
{
    gemm_params *p = params;
    (void)node;
    return oc_linalg_take_activation(&p->act, &p->act_alpha, act, param);
}

/* Y[M, N] = A B: M N K multiply-adds, K read off A (transposed or not,
 * it holds M K elements). */
static double gemm_flops(const oc_run_ctx *ctx)
{
    const oc_tensor *a = ctx->in[0], *y = ctx->out[0];
    double m = (double)y->dims[0];
    return m > 0 ? 2 * oc_dims_product(y, 0) * (oc_dims_product(a, 0) / m) : 0;
}

static const int gemm_versions[] = {1, 6, 7, 9, 11, 13, 0};

const oc_op oc_op_gemm = {
    .domain = "",
    .op_type = "Gemm",
    .versions = gemm_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 3,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = false,
    .types = "float, double",
    .prepare = gemm_prepare,
    .infer = gemm_infer,
    .prepack = gemm_prepack,
    .reads_packed_only = gemm_reads_packed_only,
    .fuse_activation = gemm_fuse,
    .workspace = gemm_workspace,
    .run = gemm_run,
    .flops = gemm_flops,
};
