/*
 * matmul.c - MatMul: the matrix product of numpy.matmul (versions 1, 9,
 * 13).
 *
 * Both operands have rank >= 1 (numpy refuses scalars, and so do we). A
 * 1-D A is a row [1, K] and a 1-D B a column [K, 1]; that 1 is left out
 * of the result. The dims before the last two are batch dims and
 * broadcast multidirectionally. Version 9 adds int32, int64, uint32 and
 * uint64, which run a plain loop that wraps on overflow as two's
 * complement (the spec leaves overflow open); 13 adds bfloat16, which is
 * refused like float16.
 *
 * Float runs through gemm_kernel.h, the kernel behind Gemm. When B has
 * no batch (2-D, 1-D, or batch dims all 1) the batch of A is folded into
 * its rows: [batch..., M, K] x [K, N] is one [batch * M, K] x [K, N]
 * product, which is what a Linear over (batch, seq, features) exports.
 * Such a B that is a weight is packed at load, and a following Relu or
 * LeakyRelu is fused into the store, as for Gemm. Other batches run one
 * 2-D product per output matrix, each split over the session's threads
 * by M and N only, so results do not depend on the thread count. Double
 * and the integers run the plain loop.
 */
#include <string.h>

#include "runtime/core/status.h"
#include "ops/common/broadcast.h"
#include "ops/linalg/packed_weight.h"

typedef struct matmul_params {
    const gemm_kernel *kernel;  /* the float kernel; NULL: the reference */
    int act;                    /* an activation fused into the store */
    float act_alpha;
    oc_packed_weight b_packed;  /* B prepacked at load, when a weight */
    const float *bias;          /* an Add fused into the store, or NULL */
    size_t bias_n;
} matmul_params;

/* How the product of two concrete tensors runs: `batches` products of
 * (M x K) by (K x N), the t-th written at t * M * N in Y. The batch index
 * walks batch_dims (row-major); A and B advance by a_step and b_step
 * elements per step along each of them (0 where they broadcast). */
typedef struct matmul_layout {
    size_t m, n, k;
    size_t batches;
    int batch_rank;
    size_t batch_dims[ONNXC_MAX_RANK];
    size_t a_step[ONNXC_MAX_RANK], b_step[ONNXC_MAX_RANK];
    bool b_is_matrix;   /* B has no batch: one matrix for every product */
} matmul_layout;

static onnxc_status *matmul_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    oc_pool *pool = ctx->pool;
    static const char *const none[] = {NULL};
    onnxc_status *err = oc_check_attrs(node, none);
    if (err)
        return err;
    matmul_params *p = oc_pool_calloc(pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    p->kernel = oc_gemm_f32_select(ctx->kernels);
    *params = p;
    return NULL;
}

static bool dtype_allowed(onnxc_dtype t, int version)
{
    switch (t) {
    case ONNXC_FLOAT:
    case ONNXC_DOUBLE:
        return true;
    case ONNXC_INT32:
    case ONNXC_INT64:
    case ONNXC_UINT32:
    case ONNXC_UINT64:
        return version >= 9;
    default:
        return false;
    }
}

/* The batch dims of s (all but the last two; none for rank <= 2). */
static oc_shape batch_part(const oc_shape *s)
{
    oc_shape batch;
    memset(&batch, 0, sizeof batch);
    batch.rank = s->rank > 2 ? s->rank - 2 : 0;
    for (int d = 0; d < batch.rank; d++)
        batch.dims[d] = s->dims[d];
    return batch;
}

static onnxc_status *matmul_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const oc_type *const *in = ctx->in;
    oc_type *const *out = ctx->out;
    const oc_shape *a = &in[0]->shape, *b = &in[1]->shape;
    char s1[128], s2[128];

    if (!dtype_allowed(in[0]->dtype, node->op_version))
        return oc_bad_dtype(node, "A", in[0]->dtype,
                            node->op_version >= 9
                                ? "float, double, int32, int64, uint32, uint64"
                                : "float, double (integers from version 9)");
    if (in[1]->dtype != in[0]->dtype)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (MatMul-%d): A is %s but B is %s; they "
                        "must be the same type",
                        node->label, node->op_version,
                        onnxc_dtype_name(in[0]->dtype),
                        onnxc_dtype_name(in[1]->dtype));
    out[0]->dtype = in[0]->dtype;
    if (a->rank < 0 || b->rank < 0) {
        /* Only known at run time; the plan calls infer again then. */
        out[0]->shape.rank = -1;
        return NULL;
    }
    if (a->rank == 0 || b->rank == 0)
        return oc_error(ONNXC_ERR_SHAPE,
                        "node '%s' (MatMul-%d): A %s and B %s: both need rank "
                        ">= 1 (MatMul has no scalar operands)",
                        node->label, node->op_version,
                        oc_shape_format(a, NULL, s1, sizeof s1),
                        oc_shape_format(b, NULL, s2, sizeof s2));
    oc_dim ka = a->dims[a->rank - 1];
    oc_dim kb = b->dims[b->rank == 1 ? 0 : b->rank - 2];
    if (!oc_dim_compatible(ka, kb))
        return oc_error(ONNXC_ERR_SHAPE,
                        "node '%s' (MatMul-%d): A %s and B %s do not multiply: "
                        "K is %lld in A (its last dim) but %lld in B (its %s "
                        "dim)",
                        node->label, node->op_version,
                        oc_shape_format(a, NULL, s1, sizeof s1),
                        oc_shape_format(b, NULL, s2, sizeof s2),
                        (long long)ka.value, (long long)kb.value,
                        b->rank == 1 ? "only" : "second-to-last");

    oc_shape a_batch = batch_part(a), b_batch = batch_part(b);
    oc_shape *y = &out[0]->shape;
    onnxc_status *err = oc_broadcast_shape(node, &a_batch, &b_batch, y);
    if (err) {
        onnxc_status_free(err);
        return oc_error(ONNXC_ERR_SHAPE,
                        "node '%s' (MatMul-%d): the batch dims of A %s and B "
                        "%s (all but the last two) do not broadcast",
                        node->label, node->op_version,
                        oc_shape_format(a, NULL, s1, sizeof s1),
                        oc_shape_format(b, NULL, s2, sizeof s2));
    }
    if (a->rank >= 2)
        y->dims[y->rank++] = a->dims[a->rank - 2];
    if (b->rank >= 2)
        y->dims[y->rank++] = b->dims[b->rank - 1];
    return NULL;
}

/* A batch dim of t aligned to `rank` output batch dims (1 where absent). */
static size_t batch_dim(const oc_tensor *t, int rank, int d)
{
    int own = t->rank > 2 ? t->rank - 2 : 0;
    int at = d - (rank - own);
    return at >= 0 ? (size_t)t->dims[at] : 1;
}

/* The layout of A x B; infer has accepted their shapes. */
static void layout_of(const oc_tensor *a, const oc_tensor *b,
                      matmul_layout *l)
{
    memset(l, 0, sizeof *l);
    l->m = a->rank >= 2 ? (size_t)a->dims[a->rank - 2] : 1;
    l->k = (size_t)a->dims[a->rank - 1];
    l->n = b->rank >= 2 ? (size_t)b->dims[b->rank - 1] : 1;
    int a_rank = a->rank > 2 ? a->rank - 2 : 0;
    int b_rank = b->rank > 2 ? b->rank - 2 : 0;
    int rank = a_rank > b_rank ? a_rank : b_rank;
    size_t a_count = 1, b_count = 1;
    size_t a_stride = l->m * l->k, b_stride = l->k * l->n;
    for (int d = rank - 1; d >= 0; d--) {
        size_t da = batch_dim(a, rank, d), db = batch_dim(b, rank, d);
        l->batch_dims[d] = da == 1 ? db : da;
        l->a_step[d] = da == 1 ? 0 : a_stride;
        l->b_step[d] = db == 1 ? 0 : b_stride;
        a_stride *= da;
        b_stride *= db;
        a_count *= da;
        b_count *= db;
    }
    l->b_is_matrix = b_count == 1;
    if (l->b_is_matrix) {
        /* A's batch is the output's: its matrices are consecutive rows. */
        l->m *= a_count;
        l->batches = 1;
        l->batch_rank = 0;
        return;
    }
    l->batch_rank = rank;
    l->batches = 1;
    for (int d = 0; d < rank; d++)
        l->batches *= l->batch_dims[d];
}

/* Y = A * B for one (M x K) by (K x N) product, row by row in the order
 * of the definition for each element: the sum over l from zero. Integers
 * run in their unsigned type, which wraps where signed overflow would be
 * undefined. */
#define MATMUL_LOOP(T, a, b, y, m, n, k)                                       \
    do {                                                                       \
        const T *pa = (const T *)(a), *pb = (const T *)(b);                    \
        T *py = (T *)(y);                                                      \
        for (size_t i = 0; i < (m); i++) {                                     \
            T *row = py + i * (n);                                             \
            for (size_t j = 0; j < (n); j++)                                   \
                row[j] = 0;                                                    \
            for (size_t l = 0; l < (k); l++) {                                 \
                T av = pa[i * (k) + l];                                        \
                const T *b_row = pb + l * (n);                                 \
                for (size_t j = 0; j < (n); j++)                               \
                    row[j] += av * b_row[j];                                   \
            }                                                                  \
        }                                                                      \
    } while (0)

static void product_plain(onnxc_dtype t, const void *a, const void *b,
                          void *y, size_t m, size_t n, size_t k)
{
    switch (t) {
    case ONNXC_DOUBLE: MATMUL_LOOP(double, a, b, y, m, n, k); break;
    case ONNXC_INT32:
    case ONNXC_UINT32: MATMUL_LOOP(uint32_t, a, b, y, m, n, k); break;
    case ONNXC_INT64:
    case ONNXC_UINT64: MATMUL_LOOP(uint64_t, a, b, y, m, n, k); break;
    default: break;  /* float goes to the kernel; infer refused the rest */
    }
}

/* Prepacked weights are for the shape they were packed at. */
static bool b_prepacked_for(const matmul_params *p, const matmul_layout *l)
{
    return l->b_is_matrix && oc_packed_weight_fits(&p->b_packed, l->k, l->n);
}

static void product_f32(const matmul_params *p, const matmul_layout *l,
                        const float *a, const float *b, float *y,
                        void *workspace, struct oc_thread_pool *pool)
{
    gemm_f32_problem g;
    memset(&g, 0, sizeof g);
    g.m = l->m;
    g.n = l->n;
    g.k = l->k;
    g.a = a;
    g.b = b;
    g.alpha = 1.0f;
    g.y = y;
    g.act = p->act;
    g.act_alpha = p->act_alpha;
    if (p->bias) {
        g.c = p->bias;   /* a row, the same for every row of Y */
        g.c_rs = 0;
        g.c_cs = 1;
        g.beta = 1.0f;
    }
    if (b_prepacked_for(p, l))
        g.b_packed = p->b_packed.data;
    oc_gemm_f32_compute(p->kernel, &g, workspace, pool);
}

static size_t matmul_workspace(const oc_run_ctx *ctx)
{
    const void *params = ctx->params;
    const oc_tensor *const *in = ctx->in;
    int threads = ctx->threads;
    const matmul_params *p = params;
    matmul_layout l;
    if (in[0]->dtype != ONNXC_FLOAT)
        return 0;
    layout_of(in[0], in[1], &l);
    /* The products run one after another: one product's scratch. */
    return sizeof(float) *
           oc_gemm_f32_workspace_floats(p->kernel, l.m, l.n, l.k, threads,
                                     b_prepacked_for(p, &l));
}

static onnxc_status *matmul_run(const oc_run_ctx *ctx)
{
    const void *params = ctx->params;
    const oc_tensor *const *in = ctx->in;
    oc_tensor *const *out = ctx->out;
    void *workspace = ctx->workspace;
    const matmul_params *p = params;
    onnxc_dtype t = in[0]->dtype;
    size_t esize = onnxc_dtype_size(t);
    matmul_layout l;
    layout_of(in[0], in[1], &l);
    /* An empty Y has no memory behind it (its pointer may be NULL). */
    if (l.batches == 0 || l.m == 0 || l.n == 0)
        return NULL;
    const unsigned char *a = in[0]->data, *b = in[1]->data;
    unsigned char *y = out[0]->data;
    size_t idx[ONNXC_MAX_RANK] = {0};
    size_t a_off = 0, b_off = 0;
    for (size_t done = 0; done < l.batches; done++) {
        /* b is NULL when only B's packed copy was kept (no offset then:
         * one matrix for every product). */
        const void *am = a + a_off * esize, *bm = b ? b + b_off * esize : b;
        void *ym = y + done * l.m * l.n * esize;
        if (t == ONNXC_FLOAT)
            product_f32(p, &l, am, bm, ym, workspace, ctx->pool);
        else
            product_plain(t, am, bm, ym, l.m, l.n, l.k);
        /* The next batch index, an odometer over batch_dims. */
        for (int d = l.batch_rank - 1; d >= 0; d--) {
            if (++idx[d] < l.batch_dims[d]) {
                a_off += l.a_step[d];
                b_off += l.b_step[d];
                break;
            }
            idx[d] = 0;
            a_off -= l.a_step[d] * (l.batch_dims[d] - 1);
            b_off -= l.b_step[d] * (l.batch_dims[d] - 1);
        }
    }
    return NULL;
}

/* Packs B once at load when it is a float weight (an initializer that no
 * caller can override) with no batch, in the layout the kernel reads. */
static onnxc_status *matmul_prepack(const oc_prepack_ctx *ctx)
{
    matmul_params *p = ctx->params;
    return oc_packed_weight_make(p->kernel, ctx->in[1], false, ctx->pool,
                                 &p->b_packed);
}

/* B, a 2-D weight, is one matrix for every product: its packed copy
 * serves every shape of A when no path for some M reads B as stored. */
static bool matmul_reads_packed_only(const oc_node *node, const void *params,
                                     int input)
{
    const matmul_params *p = params;
    (void)node;
    return input == 1 && oc_packed_weight_suffices(&p->b_packed);
}

/* Folds a following Relu or LeakyRelu into the store of a float MatMul. */
static bool matmul_fuse(const oc_node *node, void *params, oc_activation act,
                        float param)
{
    matmul_params *p = params;
    (void)node;
    return oc_linalg_take_activation(&p->act, &p->act_alpha, act, param);
}

/* Folds a following Add of a constant bias row into the store; the graph
 * checked that the bias has N floats, and N cannot change. */
static bool matmul_fuse_bias(const oc_node *node, void *params,
                             const float *bias, size_t n)
{
    matmul_params *p = params;
    (void)node;
    if (p->bias || p->act != GEMM_ACT_NONE)
        return false;
    p->bias = bias;
    p->bias_n = n;
    return true;
}

/* Every output element sums K products, K being A's last dim. */
static double matmul_flops(const oc_run_ctx *ctx)
{
    const oc_tensor *a = ctx->in[0];
    return 2 * oc_dims_product(ctx->out[0], 0) * (double)a->dims[a->rank - 1];
}

static const int matmul_versions[] = {1, 9, 13, 0};

const oc_op oc_op_matmul = {
    .domain = "",
    .op_type = "MatMul",
    .versions = matmul_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = false,
    .types = "float, double; int32, int64, uint32, uint64 from version 9",
    .prepare = matmul_prepare,
    .infer = matmul_infer,
    .prepack = matmul_prepack,
    .reads_packed_only = matmul_reads_packed_only,
    .fuse_activation = matmul_fuse,
    .fuse_bias = matmul_fuse_bias,
    .workspace = matmul_workspace,
    .run = matmul_run,
    .flops = matmul_flops,
};
