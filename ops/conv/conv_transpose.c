/*
 * conv_transpose.c - ConvTranspose (1, 11): the adjoint of Conv. X [N,
 * C, D1..Dn], W [C, M/group, k1..kn], optional B [M]; each input
 * position scatters W[c, m, k...] * X[n, c, i] into Y[n, m] at i *
 * stride - pad_begin + k * dilation. The output dims are stride * (in -
 * 1) + output_padding + span less the pads, or output_shape with the
 * pads it implies (window.h: oc_window_transpose_dim). Version 11 only
 * reworded the spec.
 *
 * Each (image, group) is a product W_g^T [M/g * K, C/g] x X_g [C/g,
 * positions] (the float Gemm kernels; double a plain loop) giving a
 * column matrix that col2im (conv_columns.h) adds into Y, started at
 * the bias; a tile of positions at a time when the whole matrix would be
 * large. A fused Relu/LeakyRelu is applied once everything is added.
 */
#include <string.h>

#include "ops/common/window.h"
#include "ops/conv/conv_columns.h"
#include "ops/linalg/packed_weight.h"

/* Elements of the column matrix made at once, at most. */
#define CONVT_TILE_ELEMS ((size_t)1 << 22)

typedef struct convt_params {
    oc_window_attrs window;
    int64_t group;
    int n_output_padding, n_output_shape;   /* -1: absent */
    int64_t output_padding[OC_WINDOW_MAX_DIMS];
    int64_t output_shape[OC_WINDOW_MAX_DIMS + 2];
    const gemm_kernel *kernel;
    int act;
    float act_alpha;
} convt_params;

static onnxc_status *convt_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const attrs[] = {"auto_pad", "dilations", "group",
                                        "kernel_shape", "output_padding",
                                        "output_shape", "pads", "strides",
                                        NULL};
    onnxc_status *err;
    convt_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(ctx->node, attrs)) ||
        (err = oc_window_read(ctx->node, OC_WINDOW_DILATIONS, &p->window)) ||
        (err = oc_conv_read_group(ctx->node, &p->group)) ||
        (err = oc_window_read_list(ctx->node, "output_padding", 0, OC_WINDOW_MAX_DIMS,
                         p->output_padding, &p->n_output_padding)) ||
        (err = oc_window_read_list(ctx->node, "output_shape", 1, OC_WINDOW_MAX_DIMS + 2,
                         p->output_shape, &p->n_output_shape)))
        return err;
    p->kernel = oc_gemm_f32_select(ctx->kernels);
    *params = p;
    return NULL;
}

/* The window over an input of `dims` spatial dims: begun from the
 * attributes and W's kernel, output_padding and output_shape checked
 * against the rank. */
static onnxc_status *convt_begin(const oc_node *node, const convt_params *p,
                                 int dims, const int64_t *kernel, oc_window *w)
{
    char desc[160];
    onnxc_status *err = oc_window_begin(node, &p->window, dims, kernel, w);
    if (err)
        return err;
    if (p->n_output_padding >= 0 && p->n_output_padding != dims)
        return oc_error(ONNXC_ERR_SHAPE, "%s: output_padding has %d entries; "
                        "the input has %d spatial dims",
                        oc_node_desc(node, desc, sizeof desc),
                        p->n_output_padding, dims);
    if (p->n_output_shape >= 0 && p->n_output_shape != dims &&
        p->n_output_shape != dims + 2)
        return oc_error(ONNXC_ERR_SHAPE, "%s: output_shape has %d entries; "
                        "the input has %d spatial dims",
                        oc_node_desc(node, desc, sizeof desc),
                        p->n_output_shape, dims);
    return NULL;
}

/* Spatial dim d of the output over an input dim of `in`. */
static onnxc_status *convt_dim(const oc_node *node, const convt_params *p,
                               oc_window *w, int d, int64_t in)
{
    int64_t op = p->n_output_padding < 0 ? 0 : p->output_padding[d];
    int64_t wanted = p->n_output_shape < 0 ? -1
                     : p->output_shape[p->n_output_shape - w->dims + d];
    return oc_window_transpose_dim(node, &p->window, w, d, in, op, wanted);
}

static onnxc_status *convt_infer(const oc_infer_ctx *ctx)
{
    const convt_params *p = ctx->params;
    const oc_type *xt = ctx->in[0], *wt = ctx->in[1], *b = ctx->in[2];
    const oc_shape *x = &xt->shape, *w = &wt->shape;
    oc_shape *y = &ctx->out[0]->shape;
    int64_t kernel[OC_WINDOW_MAX_DIMS];
    bool kernel_known = true;
    char desc[160], s1[96], s2[96];
    oc_window win;
    onnxc_status *err;
    oc_node_desc(ctx->node, desc, sizeof desc);
    if ((err = oc_conv_check_types(ctx)))
        return err;
    if (x->rank < 0 || w->rank < 0) {
        y->rank = -1;
        return NULL;
    }
    if (x->rank < 3 || w->rank != x->rank)
        return oc_error(ONNXC_ERR_SHAPE, "%s: X %s and W %s: expected X "
                        "[N, C, D1...] and W [C, M/group, k1...] of the same "
                        "rank, at least 3", desc, oc_shape_format(x, NULL, s1, sizeof s1),
                        oc_shape_format(w, NULL, s2, sizeof s2));
    oc_dim c = x->dims[1], wc = w->dims[0], mg = w->dims[1];
    if (dim_is_known(c) && c.value % p->group)
        return oc_error(ONNXC_ERR_SHAPE, "%s: group %lld does not divide X's "
                        "%lld channels", desc, (long long)p->group,
                        (long long)c.value);
    if (dim_is_known(c) && dim_is_known(wc) && wc.value != c.value)
        return oc_error(ONNXC_ERR_SHAPE, "%s: W %s has %lld input channels; "
                        "X has %lld", desc, oc_shape_format(w, NULL, s1, sizeof s1),
                        (long long)wc.value, (long long)c.value);
    oc_dim m = dim_is_known(mg) ? dim_known(mg.value * p->group) : dim_unknown();
    if (b && b->shape.rank >= 0 &&
        (b->shape.rank != 1 || (dim_is_known(m) && dim_is_known(b->shape.dims[0]) &&
                                b->shape.dims[0].value != m.value)))
        return oc_error(ONNXC_ERR_SHAPE, "%s: B %s: expected [M] with M = "
                        "group * W's dim 1 = %lld", desc,
                        oc_shape_format(&b->shape, NULL, s1, sizeof s1),
                        (long long)m.value);
    for (int d = 2; d < w->rank; d++) {
        kernel_known = kernel_known && dim_is_known(w->dims[d]);
        kernel[d - 2] = w->dims[d].value;
    }
    *y = *x;
    y->dims[1] = m;
    if (!kernel_known && p->window.n_kernel < 0) {
        for (int d = 2; d < x->rank; d++)
            y->dims[d] = dim_unknown();
        return NULL;
    }
    if ((err = convt_begin(ctx->node, p, x->rank - 2,
                           kernel_known ? kernel : NULL, &win)))
        return err;
    for (int d = 0; d < win.dims; d++) {
        if (!dim_is_known(x->dims[2 + d])) {
            y->dims[2 + d] = dim_unknown();
            continue;
        }
        if ((err = convt_dim(ctx->node, p, &win, d, x->dims[2 + d].value)))
            return err;
        y->dims[2 + d] = dim_known(win.in[d]);
    }
    return NULL;
}

/* How one run goes (workspace and run work it out alike). */
typedef struct convt_plan {
    oc_window w;            /* w.in: Y's spatial dims, w.out: X's */
    size_t batch, group, cg, mg;
    size_t x_size, y_size, ksize, rows;   /* rows = mg * ksize */
    size_t tile, esize;
    size_t col_at, xtile_at, gemm_at, bytes;
} convt_plan;

static onnxc_status *convt_plan_make(const oc_run_ctx *ctx, convt_plan *q)
{
    const convt_params *p = ctx->params;
    const oc_tensor *x = ctx->in[0], *wt = ctx->in[1];
    int64_t kernel[OC_WINDOW_MAX_DIMS];
    memset(q, 0, sizeof *q);
    for (int d = 2; d < wt->rank; d++)
        kernel[d - 2] = wt->dims[d];
    onnxc_status *err = convt_begin(ctx->node, p, x->rank - 2, kernel, &q->w);
    for (int d = 0; !err && d < q->w.dims; d++)
        err = convt_dim(ctx->node, p, &q->w, d, x->dims[2 + d]);
    if (err)
        return err;
    q->batch = (size_t)x->dims[0];
    q->group = (size_t)p->group;
    q->cg = (size_t)x->dims[1] / q->group;
    q->mg = (size_t)wt->dims[1];
    q->x_size = oc_conv_out_size(&q->w);
    q->y_size = oc_conv_in_size(&q->w);
    q->ksize = oc_conv_kernel_size(&q->w);
    q->rows = q->mg * q->ksize;
    q->esize = x->dtype == ONNXC_FLOAT ? sizeof(float) : sizeof(double);
    q->tile = q->x_size;
    if (q->rows && q->tile > CONVT_TILE_ELEMS / q->rows)
        q->tile = CONVT_TILE_ELEMS / q->rows ? CONVT_TILE_ELEMS / q->rows : 1;
    size_t at = oc_align64(q->rows * q->tile * q->esize);
    q->xtile_at = at;
    if (q->tile < q->x_size && x->dtype == ONNXC_FLOAT)
        at = oc_align64(at + q->cg * q->tile * q->esize);
    q->gemm_at = at;
    if (x->dtype == ONNXC_FLOAT)
        at += sizeof(float) * oc_gemm_f32_workspace_floats(
                                  p->kernel, q->rows, q->tile, q->cg,
                                  ctx->threads, false);
    q->bytes = at;
    return NULL;
}

static size_t convt_workspace(const oc_run_ctx *ctx)
{
    convt_plan q;
    onnxc_status *err = convt_plan_make(ctx, &q);
    if (err) {          /* run meets it again and reports it */
        onnxc_status_free(err);
        return 0;
    }
    return q.bytes;
}

/* One group of one image, float: x_g (cg planes), w_g (cg x rows), y_g
 * (mg planes) already holding the bias. */
static void convt_group_f32(const oc_run_ctx *ctx, const convt_plan *q,
                            const float *x, const float *w, float *y)
{
    const convt_params *p = ctx->params;
    char *ws = ctx->workspace;
    float *col = (float *)(void *)ws;
    gemm_f32_problem g;
    memset(&g, 0, sizeof g);
    g.m = q->rows;
    g.k = q->cg;
    g.a = w;             /* stored K x M: W_g^T is A' */
    g.trans_a = true;
    g.alpha = 1.0f;
    g.y = col;
    for (size_t j0 = 0; j0 < q->x_size; j0 += q->tile) {
        size_t j1 = q->x_size - j0 < q->tile ? q->x_size : j0 + q->tile;
        g.n = j1 - j0;
        if (g.n == q->x_size) {
            g.b = x;
        } else {
            float *xt = (float *)(void *)(ws + q->xtile_at);
            for (size_t c = 0; c < q->cg; c++)
                memcpy(xt + c * g.n, x + c * q->x_size + j0, g.n * sizeof *xt);
            g.b = xt;
        }
        oc_gemm_f32_compute(p->kernel, &g, (float *)(void *)(ws + q->gemm_at),
                            ctx->pool);
        oc_col2im_f32(&q->w, col, q->mg, j0, j1, y);
    }
    oc_gemm_f32_activate(y, q->mg * q->y_size, p->act, p->act_alpha);
}

static void convt_group_f64(const oc_run_ctx *ctx, const convt_plan *q,
                            const double *x, const double *w, double *y)
{
    double *col = ctx->workspace;
    for (size_t j0 = 0; j0 < q->x_size; j0 += q->tile) {
        size_t j1 = q->x_size - j0 < q->tile ? q->x_size : j0 + q->tile;
        oc_conv_gemm_f64(q->rows, j1 - j0, q->cg, w, q->rows, true, x + j0,
                         q->x_size, col);
        oc_col2im_f64(&q->w, col, q->mg, j0, j1, y);
    }
}

/* Every plane of y (planes of `size`) starts at its channel's bias. */
#define FILL_BIAS(T, y, b, planes, channels, size)                          \
    do {                                                                    \
        for (size_t i_ = 0; i_ < (planes); i_++) {                          \
            T v_ = (b) ? (b)[i_ % (channels)] : (T)0;                       \
            for (size_t j_ = 0; j_ < (size); j_++)                          \
                (y)[i_ * (size) + j_] = v_;                                 \
        }                                                                   \
    } while (0)

static onnxc_status *convt_run(const oc_run_ctx *ctx)
{
    const oc_tensor *x = ctx->in[0], *w = ctx->in[1], *b = ctx->in[2];
    convt_plan q;
    onnxc_status *err = convt_plan_make(ctx, &q);
    if (err || oc_tensor_count(ctx->out[0]) == 0)
        return err;   /* (no output channels: W [C, 0, ...], nothing to do) */
    size_t m = q.mg * q.group, planes = q.batch * m;
    if (x->dtype == ONNXC_FLOAT)
        FILL_BIAS(float, (float *)ctx->out[0]->data,
                  b ? (const float *)b->data : NULL, planes, m, q.y_size);
    else
        FILL_BIAS(double, (double *)ctx->out[0]->data,
                  b ? (const double *)b->data : NULL, planes, m, q.y_size);
    for (size_t n = 0; n < q.batch; n++)
        for (size_t g = 0; g < q.group; g++) {
            size_t xi = (n * q.group + g) * q.cg * q.x_size;
            size_t yi = (n * q.group + g) * q.mg * q.y_size;
            size_t wi = g * q.cg * q.rows;
            if (x->dtype == ONNXC_FLOAT)
                convt_group_f32(ctx, &q, (const float *)x->data + xi,
                                (const float *)w->data + wi,
                                (float *)ctx->out[0]->data + yi);
            else
                convt_group_f64(ctx, &q, (const double *)x->data + xi,
                                (const double *)w->data + wi,
                                (double *)ctx->out[0]->data + yi);
        }
    return NULL;
}

static bool convt_fuse(const oc_node *node, void *params, oc_activation act,
                       float param)
{
    convt_params *p = params;
    (void)node;
    return oc_linalg_take_activation(&p->act, &p->act_alpha, act, param);
}

/* Every input element is scattered through M/group times the kernel's
 * size products: the weight's elements past its first dim. */
static double convt_flops(const oc_run_ctx *ctx)
{
    return 2 * oc_dims_product(ctx->in[0], 0) * oc_dims_product(ctx->in[1], 1);
}

static const int convt_versions[] = {1, 11, 0};

const oc_op oc_op_conv_transpose = {
    .domain = "",
    .op_type = "ConvTranspose",
    .versions = convt_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 3,
    .min_outputs = 1, .max_outputs = 1,
    .types = "float, double",
    .prepare = convt_prepare,
    .infer = convt_infer,
    .workspace = convt_workspace,
    .fuse_activation = convt_fuse,
    .run = convt_run,
    .flops = convt_flops,
};
