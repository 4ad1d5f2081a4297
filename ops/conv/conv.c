/*
 * conv.c - Conv (1, 11): Y[n, m] = B[m] + sum over the channels c of
 * m's group and the kernel taps of W[m, c, k...] * X[n, c, at(o, k)],
 * X [N, C, D1..Dn], W [M, C/group, k1..kn], optional B [M]; 1 to
 * OC_WINDOW_MAX_DIMS spatial dims. Version 11 only changed the spec's
 * wording (kernel_shape inferred from W, as both versions do here).
 *
 * Each (image, group) is a product W_g [M/g, C/g * K] x columns
 * [C/g * K, positions] through the float Gemm kernels, bias and a fused
 * Relu/LeakyRelu/capped Relu in the Gemm's store. Where the blocked Gemm
 * takes it, the columns are never stored whole: the group's input is
 * copied once into its phase planes (conv_columns.h; X itself for a 1x1
 * window of stride 1 without pads), and the Gemm makes each block of
 * columns from them as it reaches it; the outputs are then taken out of
 * the product's positions. Otherwise (small products, double, a padding
 * far larger than the input) the columns are made a tile of positions at
 * a time (im2col), so the scratch stays bounded. A single channel per
 * group (depthwise) is a direct loop, one kernel tap at a time over the
 * whole plane. Double runs the columns through a plain loop.
 */
#include <string.h>

#include "ops/common/window.h"
#include "ops/conv/conv_columns.h"
#include "ops/conv/conv_depthwise.h"
#include "ops/linalg/packed_weight.h"
#include "runtime/exec/thread_pool.h"

/* Elements of the column matrix made at once, at most (a tile of
 * positions; at least one position whatever its height). */
#define CONV_TILE_ELEMS ((size_t)1 << 22)

typedef struct conv_params {
    oc_window_attrs window;
    int64_t group;
    const gemm_kernel *kernel;   /* the float kernel; NULL: the reference */
    vec_isa isa;                 /* the depthwise loop's */
    int act;                     /* an activation fused into the store */
    float act_alpha;
} conv_params;

static onnxc_status *conv_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const attrs[] = {"auto_pad", "dilations", "group",
                                        "kernel_shape", "pads", "strides",
                                        NULL};
    onnxc_status *err;
    conv_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(ctx->node, attrs)) ||
        (err = oc_window_read(ctx->node, OC_WINDOW_DILATIONS, &p->window)) ||
        (err = oc_conv_read_group(ctx->node, &p->group)))
        return err;
    p->kernel = oc_gemm_f32_select(ctx->kernels);
    p->isa = oc_vec_select(ctx->kernels);
    *params = p;
    return NULL;
}

/* Whether dim d of s is known and not v. */
static bool dim_differs(const oc_shape *s, int d, int64_t v)
{
    return dim_is_known(s->dims[d]) && s->dims[d].value != v;
}

/* W's channel count against X's and the group, B's length against W's
 * outputs: what both ranks known lets infer check. */
static onnxc_status *conv_check_shapes(const oc_infer_ctx *ctx)
{
    const conv_params *p = ctx->params;
    const oc_shape *x = &ctx->in[0]->shape, *w = &ctx->in[1]->shape;
    const oc_type *b = ctx->in[2];
    char desc[160], s1[96], s2[96];
    oc_node_desc(ctx->node, desc, sizeof desc);
    if (x->rank < 3 || w->rank != x->rank)
        return oc_error(ONNXC_ERR_SHAPE, "%s: X %s and W %s: expected X "
                        "[N, C, D1...] and W [M, C/group, k1...] of the same "
                        "rank, at least 3", desc, oc_shape_format(x, NULL, s1, sizeof s1),
                        oc_shape_format(w, NULL, s2, sizeof s2));
    oc_dim c = x->dims[1], wc = w->dims[1], m = w->dims[0];
    if (dim_is_known(c) && c.value % p->group)
        return oc_error(ONNXC_ERR_SHAPE, "%s: group %lld does not divide X's "
                        "%lld channels", desc, (long long)p->group,
                        (long long)c.value);
    if (dim_is_known(m) && m.value % p->group)
        return oc_error(ONNXC_ERR_SHAPE, "%s: group %lld does not divide W's "
                        "%lld output channels", desc, (long long)p->group,
                        (long long)m.value);
    if (dim_is_known(c) && dim_differs(w, 1, c.value / p->group))
        return oc_error(ONNXC_ERR_SHAPE, "%s: W %s has %lld channels per "
                        "group; X's %lld channels in %lld groups make %lld",
                        desc, oc_shape_format(w, NULL, s1, sizeof s1),
                        (long long)wc.value, (long long)c.value,
                        (long long)p->group, (long long)(c.value / p->group));
    if (b && b->shape.rank >= 0 &&
        (b->shape.rank != 1 || (dim_is_known(m) && dim_differs(&b->shape, 0, m.value))))
        return oc_error(ONNXC_ERR_SHAPE, "%s: B %s: expected [M], M the "
                        "output channels of W %s", desc,
                        oc_shape_format(&b->shape, NULL, s1, sizeof s1),
                        oc_shape_format(w, NULL, s2, sizeof s2));
    return NULL;
}

static onnxc_status *conv_infer(const oc_infer_ctx *ctx)
{
    const conv_params *p = ctx->params;
    const oc_shape *x = &ctx->in[0]->shape, *w = &ctx->in[1]->shape;
    oc_shape *y = &ctx->out[0]->shape;
    int64_t kernel[OC_WINDOW_MAX_DIMS];
    bool kernel_known = true;
    onnxc_status *err = oc_conv_check_types(ctx);
    if (err)
        return err;
    if (x->rank < 0 || w->rank < 0) {
        y->rank = -1;
        return NULL;
    }
    if ((err = conv_check_shapes(ctx)))
        return err;
    for (int d = 2; d < w->rank; d++) {
        kernel_known = kernel_known && dim_is_known(w->dims[d]);
        kernel[d - 2] = w->dims[d].value;
    }
    if (kernel_known || p->window.n_kernel >= 0)
        return oc_window_infer_shape(ctx->node, &p->window, x, w->dims[0],
                                     kernel_known ? kernel : NULL, y);
    /* The window is not known until W's dims are: only N and M are. */
    *y = *x;
    y->dims[1] = w->dims[0];
    for (int d = 2; d < x->rank; d++)
        y->dims[d] = dim_unknown();
    return NULL;
}

/* How one run goes, worked out for the workspace and again by run. */
typedef struct conv_plan {
    oc_window w;
    size_t batch, group, cg, mg;  /* channels and outputs per group */
    size_t in_size, out_size, ksize, rows;   /* rows = cg * ksize */
    bool pointwise;       /* 1x1, stride 1, no pads: X is the column matrix */
    bool depthwise;       /* one channel per group, float: the direct loop, */
    bool padded;          /* reading a padded copy of the plane (col_at) */
    bool made;            /* the columns made by the blocked Gemm's blocks, */
    oc_conv_phases ph;    /* from these phase planes */
    size_t tile;          /* positions per column tile */
    size_t esize;
    /* Workspace offsets (bytes) and the Gemm's floats, in each of
     * `slots` slots of slot_bytes: one per thread when (image, group)
     * products run side by side, each on its thread; else one, each
     * product split over the threads. */
    size_t col_at, ytile_at, rows_at, gemm_at, slot_bytes, slots, bytes;
} conv_plan;

static onnxc_status *conv_plan_make(const oc_run_ctx *ctx, conv_plan *q)
{
    const conv_params *p = ctx->params;
    const oc_tensor *x = ctx->in[0], *wt = ctx->in[1];
    int64_t kernel[OC_WINDOW_MAX_DIMS];
    memset(q, 0, sizeof *q);
    for (int d = 2; d < wt->rank; d++)
        kernel[d - 2] = wt->dims[d];
    onnxc_status *err = oc_window_forward(ctx->node, &p->window, x->dims,
                                          x->rank, kernel, &q->w);
    if (err)
        return err;
    q->batch = (size_t)x->dims[0];
    q->group = (size_t)p->group;
    q->cg = (size_t)x->dims[1] / q->group;
    q->mg = (size_t)wt->dims[0] / q->group;
    q->in_size = oc_conv_in_size(&q->w);
    q->out_size = oc_conv_out_size(&q->w);
    q->ksize = oc_conv_kernel_size(&q->w);
    q->rows = q->cg * q->ksize;
    q->esize = x->dtype == ONNXC_FLOAT ? sizeof(float) : sizeof(double);
    q->pointwise = q->ksize == 1;
    for (int d = 0; d < q->w.dims; d++)
        q->pointwise = q->pointwise && q->w.strides[d] == 1 &&
                       q->w.pad_begin[d] == 0 && q->w.pad_end[d] == 0;
    q->depthwise = !q->pointwise && q->cg == 1 && x->dtype == ONNXC_FLOAT;
    /* Where the blocked Gemm takes the product, it makes the columns a
     * block at a time, in its packed layout, while the block is in cache:
     * made whole beforehand, they went to memory and back (26% of
     * resnet18's time on 1 thread, with the copy into panels). */
    q->made = x->dtype == ONNXC_FLOAT && p->kernel &&
              !q->depthwise && oc_conv_phases_plan(&q->w, &q->ph) &&
              !oc_gemm_f32_is_small(q->mg, q->ph.positions, q->rows) &&
              !oc_gemm_f32_is_narrow(q->mg, q->ph.positions, q->rows);
    q->tile = q->out_size;
    if (!q->made && q->rows && q->tile > CONV_TILE_ELEMS / q->rows)
        q->tile = CONV_TILE_ELEMS / q->rows ? CONV_TILE_ELEMS / q->rows : 1;
    if (q->pointwise || q->depthwise)
        q->tile = q->out_size;
    /* As many (image, group) products as threads, or more: each runs on
     * one thread, side by side; else each product is split over the
     * threads. */
    size_t threads = ctx->threads > 1 ? (size_t)ctx->threads : 1;
    q->slots = q->depthwise || q->batch * q->group >= threads ? threads : 1;
    int gemm_threads = q->slots > 1 ? 1 : (int)threads;
    size_t at = 0;
    if (!q->pointwise && !q->depthwise && !q->made) {
        q->col_at = at;
        at = oc_align64(at + q->rows * q->tile * q->esize);
        q->ytile_at = at;
        if (q->tile < q->out_size)
            at = oc_align64(at + q->mg * q->tile * q->esize);
    }
    if (q->made) {
        /* The phase planes (col_at), unless the positions are the
         * outputs the product over them (ytile_at), and where each row
         * of columns starts in the planes (rows_at). */
        size_t planes, ytile;
        /* A pointwise window's phase planes are X as it is. */
        if (!oc_size_mul(q->pointwise ? 0 : q->cg, q->ph.channel_size,
                         &planes) ||
            !oc_size_mul(planes, sizeof(float), &planes) ||
            !oc_size_mul(q->mg, q->ph.positions, &ytile) ||
            !oc_size_mul(ytile, sizeof(float), &ytile) ||
            planes > SIZE_MAX / 4 || ytile > SIZE_MAX / 4)
            return oc_run_error(ctx, "the phase planes of %zu channels are "
                                "too large", q->cg);
        q->col_at = 0;
        at = oc_align64(planes);
        q->ytile_at = at;
        if (q->ph.positions != q->out_size)
            at = oc_align64(at + ytile);
        q->rows_at = at;
        at = oc_align64(at + q->rows * sizeof(size_t));
    }
    if (q->depthwise) {
        /* each thread's padded copy of the plane it works on */
        size_t floats;
        if (!oc_conv_depthwise_scratch_floats(p->isa, &q->w, &floats) ||
            floats > SIZE_MAX / 4 / sizeof(float))
            return oc_run_error(ctx, "the padded input plane of %lld x "
                                "%lld is too large",
                                (long long)q->w.in[0], (long long)q->w.in[1]);
        q->padded = floats > 0;
        q->col_at = 0;
        at = floats * sizeof(float);
    }
    q->gemm_at = at;
    if (q->made)
        at += sizeof(float) * oc_gemm_f32_made_b_workspace_floats(
                                  p->kernel, q->ph.positions, q->rows,
                                  gemm_threads);
    else if (x->dtype == ONNXC_FLOAT && !q->depthwise)
        at += sizeof(float) * oc_gemm_f32_workspace_floats(
                                  p->kernel, q->mg, q->tile, q->rows,
                                  gemm_threads, false);
    q->slot_bytes = oc_align64(at);
    if (q->slot_bytes > SIZE_MAX / q->slots)
        return oc_run_error(ctx, "the workspace of %zu threads is too large",
                            q->slots);
    q->bytes = q->slot_bytes * q->slots;
    return NULL;
}

static size_t conv_workspace(const oc_run_ctx *ctx)
{
    conv_plan q;
    onnxc_status *err = conv_plan_make(ctx, &q);
    if (err) {          /* run meets it again and reports it */
        onnxc_status_free(err);
        return 0;
    }
    return q.bytes;
}

/* Offset `at` of a slot of the workspace: none when nothing was planned
 * (a null pointer, to which even 0 may not be added). */
static void *ws_at(char *ws, size_t at)
{
    return ws ? ws + at : NULL;
}

/* The blocked Gemm's maker of a group's columns, from its phase planes. */
typedef struct columns_maker {
    const float *planes;
    const size_t *rows;   /* where each row of columns starts in them */
} columns_maker;

static void make_columns(const void *ctx, size_t l0, size_t kc, size_t j0,
                         size_t j1, size_t nr, float *out)
{
    const columns_maker *c = ctx;
    oc_conv_phases_block(c->planes, c->rows, l0, kc, j0, j1, nr, out);
}

/* A group's product over its phase planes: Y over the positions, then
 * the outputs taken out of them. */
static void conv_group_made(const oc_run_ctx *ctx, const conv_plan *q,
                            char *ws, oc_thread_pool *pool, const float *x,
                            gemm_f32_problem *g, float *y)
{
    const conv_params *p = ctx->params;
    const float *planes = x;
    bool direct = q->ph.positions == q->out_size;
    if (!q->pointwise) {
        float *made = (float *)ws_at(ws, q->col_at);
        oc_conv_phases_fill(&q->w, &q->ph, x, q->cg, made);
        planes = made;
    }
    size_t *rows = ws_at(ws, q->rows_at);
    oc_conv_phases_rows(&q->w, &q->ph, q->cg, rows);
    columns_maker c = {planes, rows};
    gemm_b_maker maker = {make_columns, &c};
    g->n = q->ph.positions;
    g->b_maker = &maker;
    g->y = direct ? y : (float *)ws_at(ws, q->ytile_at);
    oc_gemm_f32_blocked(p->kernel, g, (float *)ws_at(ws, q->gemm_at), pool);
    if (!direct)
        oc_conv_phases_compact(&q->w, &q->ph, g->y, q->mg, y);
}

/* One group of one image, float: y_g (mg x out_size) from x_g (cg
 * planes) and w_g (mg x rows). */
static void conv_group_f32(const oc_run_ctx *ctx, const conv_plan *q,
                           char *ws, oc_thread_pool *pool, const float *x,
                           const float *w, const float *bias, float *y)
{
    const conv_params *p = ctx->params;
    gemm_f32_problem g;
    memset(&g, 0, sizeof g);
    g.m = q->mg;
    g.k = q->rows;
    g.a = w;
    g.alpha = 1.0f;
    g.beta = bias ? 1.0f : 0.0f;
    g.c = bias;     /* C(i, j) = bias[i] */
    g.c_rs = 1;
    g.act = p->act;
    g.act_alpha = p->act_alpha;
    if (q->made) {
        conv_group_made(ctx, q, ws, pool, x, &g, y);
        return;
    }
    for (size_t j0 = 0; j0 < q->out_size; j0 += q->tile) {
        size_t j1 = q->out_size - j0 < q->tile ? q->out_size : j0 + q->tile;
        bool whole = j0 == 0 && j1 == q->out_size;
        g.n = j1 - j0;
        float *col = (float *)ws_at(ws, q->col_at);
        float *gemm_ws = (float *)ws_at(ws, q->gemm_at);
        g.y = whole ? y : (float *)ws_at(ws, q->ytile_at);
        if (q->pointwise) {
            g.b = x;
        } else {
            oc_im2col_f32(&q->w, x, q->cg, j0, j1, col);
            g.b = col;
        }
        oc_gemm_f32_compute(p->kernel, &g, gemm_ws, pool);
        for (size_t m = 0; !whole && m < q->mg; m++)
            memcpy(y + m * q->out_size + j0, g.y + m * g.n, g.n * sizeof *y);
    }
}

/* The same in double, through the plain product. */
static void conv_group_f64(const conv_plan *q, char *ws, const double *x,
                           const double *w, const double *bias, double *y)
{
    for (size_t j0 = 0; j0 < q->out_size; j0 += q->tile) {
        size_t j1 = q->out_size - j0 < q->tile ? q->out_size : j0 + q->tile;
        size_t n = j1 - j0;
        bool whole = j0 == 0 && j1 == q->out_size;
        const double *b = x;
        double *yt = whole ? y : (double *)ws_at(ws, q->ytile_at);
        if (!q->pointwise) {
            double *col = (double *)ws_at(ws, q->col_at);
            oc_im2col_f64(&q->w, x, q->cg, j0, j1, col);
            b = col;
        }
        oc_conv_gemm_f64(q->mg, n, q->rows, w, q->rows, false, b, n, yt);
        for (size_t m = 0; m < q->mg; m++) {
            double bm = bias ? bias[m] : 0.0;
            double *dst = y + m * q->out_size + j0;
            for (size_t j = 0; j < n; j++)
                dst[j] = yt[m * n + j] + bm;
        }
    }
}

/* One (image, group) of the run: task i = n * group + g; or for the
 * depthwise loop, `chunks` runs of them. */
typedef struct conv_task {
    const oc_run_ctx *ctx;
    const conv_plan *q;
    size_t chunks;
} conv_task;

/* Chunk t of the depthwise loop's (image, group)s, on this thread's
 * padded copy, cleared once a chunk (a plane's copy leaves the pads as
 * they are, so zeroing them again for every plane was wasted: on 7x7
 * planes the copy took as long as the window sums). */
static void conv_depthwise_task(void *arg, size_t t, int thread)
{
    const conv_task *c = arg;
    const oc_run_ctx *ctx = c->ctx;
    const conv_params *p = ctx->params;
    const conv_plan *q = c->q;
    const float *x = ctx->in[0]->data, *w = ctx->in[1]->data;
    const float *b = ctx->in[2] ? ctx->in[2]->data : NULL;
    float *y = ctx->out[0]->data;
    size_t total = q->batch * q->group;
    size_t i0 = t * total / c->chunks, i1 = (t + 1) * total / c->chunks;
    float *padded = NULL;
    if (q->padded) {
        padded = (float *)ws_at(ctx->workspace, (size_t)thread * q->slot_bytes);
        oc_conv_depthwise_clear(p->isa, &q->w, padded);
    }
    for (size_t i = i0; i < i1; i++) {
        size_t g = i % q->group;
        const float *in = x + i * q->in_size;
        if (padded) {
            oc_conv_depthwise_pad_f32(p->isa, &q->w, in, padded);
            in = padded;
        }
        for (size_t m = 0; m < q->mg; m++)
            oc_conv_depthwise_plane_f32(
                p->isa, &q->w, in, w + (g * q->mg + m) * q->ksize,
                b ? b[g * q->mg + m] : 0.0f, p->act, p->act_alpha,
                y + (i * q->mg + m) * q->out_size);
    }
}

static void conv_one_group(void *arg, size_t i, int thread)
{
    const conv_task *t = arg;
    const oc_run_ctx *ctx = t->ctx;
    const conv_plan *q = t->q;
    const oc_tensor *x = ctx->in[0], *w = ctx->in[1], *b = ctx->in[2];
    size_t g = i % q->group;
    size_t xi = i * q->cg * q->in_size, yi = i * q->mg * q->out_size;
    size_t wi = g * q->mg * q->rows, bi = g * q->mg;
    bool own = q->slots > 1;   /* this product on this thread alone */
    char *ws = ws_at(ctx->workspace,
                     (own ? (size_t)thread : 0) * q->slot_bytes);
    if (x->dtype == ONNXC_FLOAT)
        conv_group_f32(ctx, q, ws, own ? NULL : ctx->pool,
                       (const float *)x->data + xi,
                       (const float *)w->data + wi,
                       b ? (const float *)b->data + bi : NULL,
                       (float *)ctx->out[0]->data + yi);
    else
        conv_group_f64(q, ws, (const double *)x->data + xi,
                       (const double *)w->data + wi,
                       b ? (const double *)b->data + bi : NULL,
                       (double *)ctx->out[0]->data + yi);
}

/* The depthwise loop's groups share the threads, each thread padding its
 * plane in its slot of the workspace; so do the other paths' products
 * when there are enough of them; else the products take turns, each split
 * over the threads. */
static onnxc_status *conv_run(const oc_run_ctx *ctx)
{
    conv_plan q;
    onnxc_status *err = conv_plan_make(ctx, &q);
    if (err || oc_tensor_count(ctx->out[0]) == 0)
        return err;   /* an empty output: nothing to compute */
    size_t tasks = q.batch * q.group;
    conv_task t = {ctx, &q, 0};
    if (q.depthwise) {
        /* a few chunks a thread, for balance */
        size_t threads = ctx->threads > 1 ? (size_t)ctx->threads : 1;
        t.chunks = tasks < 4 * threads ? tasks : 4 * threads;
        oc_thread_pool_run(ctx->pool, t.chunks, conv_depthwise_task, &t);
        return NULL;
    }
    if (q.slots > 1) {
        oc_thread_pool_run(ctx->pool, tasks, conv_one_group, &t);
        return NULL;
    }
    for (size_t i = 0; i < tasks; i++)
        conv_one_group(&t, i, 0);
    return NULL;
}

/* Folds a following Relu, LeakyRelu or capped Relu (a Clip from +0: see
 * oc_activation) into the store (float only: the pass offers float
 * outputs alone). */
static bool conv_fuse(const oc_node *node, void *params, oc_activation act,
                      float param)
{
    conv_params *p = params;
    (void)node;
    return oc_linalg_take_activation(&p->act, &p->act_alpha, act, param);
}

/* Every output element sums C/group times the kernel's size products:
 * the weight's elements past its first dim. */
static double conv_flops(const oc_run_ctx *ctx)
{
    return 2 * oc_dims_product(ctx->out[0], 0) * oc_dims_product(ctx->in[1], 1);
}

static const int conv_versions[] = {1, 11, 0};

const oc_op oc_op_conv = {
    .domain = "",
    .op_type = "Conv",
    .id = OC_OP_CONV,
    .versions = conv_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 3,
    .min_outputs = 1, .max_outputs = 1,
    .types = "float, double",
    .prepare = conv_prepare,
    .infer = conv_infer,
    .workspace = conv_workspace,
    .fuse_activation = conv_fuse,
    .run = conv_run,
    .flops = conv_flops,
};
