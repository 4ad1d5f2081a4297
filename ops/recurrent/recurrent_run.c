/*
 * recurrent_run.c - the run LSTM, GRU and RNN share: the input
 * projection, the recurrent products, the walk over the steps in each
 * direction, and the outputs (see recurrent.h). W and R are packed at
 * load, per direction (and per piece of R), when they are float weights.
 */
#include <string.h>

#include "ops/recurrent/recurrent.h"
#include "runtime/exec/thread_pool.h"

/* The sizes of a run, from concrete tensors infer accepted. */
typedef struct rnn_sizes {
    size_t seq, batch, input, hidden, gh, rows;
} rnn_sizes;

static void sizes_of(const oc_run_ctx *ctx, rnn_sizes *z)
{
    const oc_rnn_params *p = ctx->params;
    const oc_tensor *x = ctx->in[0];
    z->seq = (size_t)x->dims[p->layout ? 1 : 0];
    z->batch = (size_t)x->dims[p->layout ? 0 : 1];
    z->input = (size_t)x->dims[2];
    z->hidden = (size_t)ctx->in[2]->dims[2];
    z->gh = z->hidden * (size_t)p->cell->gates;
    z->rows = z->seq * z->batch;
}

/* Batch entries are independent: from this many entries per thread the
 * walk over the steps is split by entries, each thread stepping its own
 * through the whole sequence, one hand-off per direction (R, 1 MB for H =
 * 256, stays in each core's L2); with fewer, each step's product is split
 * over the threads by columns, a hand-off per step. Measured (bench/,
 * LSTM 2 layers, H 256, seq 100, 2 threads): batch 16 took 18.0 ms split
 * by columns, 11.2 in slices; batch 4, 4.15 -> 3.93 ms (slices of 2). */
#define RNN_SLICE_MIN_ROWS 2

/* How many slices of the batch the walk takes: 1, or one per thread. */
static size_t slices_of(const oc_run_ctx *ctx, const rnn_sizes *z)
{
    size_t threads = ctx->threads > 1 ? (size_t)ctx->threads : 1;
    return z->batch >= threads * RNN_SLICE_MIN_ROWS ? threads : 1;
}

/* The workspace's parts, in elements: xw, rec (both pieces), h, c, tmp,
 * then the Gemm's floats (with slices, `slice_gemm` floats per slice, as
 * each slice's products run on its own thread); each part from a 64-byte
 * boundary. */
typedef struct rnn_parts {
    size_t xw, rec, h, c, tmp, gemm, total;
    size_t slices, slice_gemm;
} rnn_parts;

/* The Gemm floats the recurrent products of `rows` batch entries need. */
static size_t rec_gemm_floats(const oc_run_ctx *ctx, const rnn_sizes *z,
                              size_t rows, int threads)
{
    const oc_rnn_params *p = ctx->params;
    size_t h = z->hidden, n0 = (size_t)p->split * h;
    size_t f0 = oc_gemm_f32_workspace_floats(p->kernel, rows, n0, h, threads,
                                             p->r[0][0].data != NULL);
    size_t f1 = oc_gemm_f32_workspace_floats(p->kernel, rows, z->gh - n0, h,
                                             threads, p->r[0][1].data != NULL);
    return f0 > f1 ? f0 : f1;
}

static bool parts_of(const oc_run_ctx *ctx, const rnn_sizes *z, rnn_parts *w)
{
    const oc_rnn_params *p = ctx->params;
    size_t es = onnxc_dtype_size(ctx->in[0]->dtype), xw, rec, state;
    if (!oc_size_mul(z->rows, z->gh, &xw) || !oc_size_mul(xw, es, &xw) ||
        !oc_size_mul(z->batch, z->gh, &rec) || !oc_size_mul(rec, es, &rec) ||
        !oc_size_mul(z->batch, z->hidden, &state) ||
        !oc_size_mul(state, es, &state) || xw > ((size_t)1 << 56) ||
        rec > ((size_t)1 << 56) || state > ((size_t)1 << 56))
        return false;
    size_t gemm = 0;
    w->slices = slices_of(ctx, z);
    w->slice_gemm = 0;
    if (ctx->in[0]->dtype == ONNXC_FLOAT) {
        size_t proj = oc_gemm_f32_workspace_floats(
            p->kernel, z->rows, z->gh, z->input, ctx->threads,
            p->w[0].data != NULL);
        if (w->slices > 1) {
            size_t rows = (z->batch + w->slices - 1) / w->slices;
            w->slice_gemm = (rec_gemm_floats(ctx, z, rows, 1) + 15) / 16 * 16;
            gemm = w->slice_gemm * w->slices;
        } else {
            gemm = rec_gemm_floats(ctx, z, z->batch, ctx->threads);
        }
        gemm = proj > gemm ? proj : gemm;
        if (gemm > ((size_t)1 << 56) / sizeof(float))
            return false;
        gemm *= sizeof(float);
    }
    w->xw = 0;
    w->rec = w->xw + oc_align64(xw);
    w->h = w->rec + oc_align64(rec);
    w->c = w->h + oc_align64(state);
    w->tmp = w->c + oc_align64(state);
    w->gemm = w->tmp + oc_align64(state);
    w->total = w->gemm + gemm;
    return true;
}

size_t oc_rnn_workspace(const oc_run_ctx *ctx)
{
    rnn_sizes z;
    rnn_parts w;
    sizes_of(ctx, &z);
    return parts_of(ctx, &z, &w) ? w.total : SIZE_MAX;
}

/* Y = A * B^T (+ bias row): A [m, k], B [n, k] as W and R store them. */
static void gemm_f32(const oc_rnn_state *s, oc_thread_pool *pool, size_t m,
                     size_t n, size_t k, const float *a, const float *b,
                     const float *bias, const oc_packed_weight *packed,
                     float *y)
{
    gemm_f32_problem g;
    memset(&g, 0, sizeof g);
    g.m = m;
    g.n = n;
    g.k = k;
    g.a = a;
    g.b = b;
    g.trans_b = true;
    g.alpha = 1.0f;
    g.y = y;
    if (bias) {
        g.c = bias;
        g.c_cs = 1;
        g.beta = 1.0f;
    }
    if (oc_packed_weight_fits(packed, k, n))
        g.b_packed = packed->data;
    oc_gemm_f32_compute(s->p->kernel, &g, s->gemm_ws, pool);
}

/* The same in double: the plain loop. */
static void gemm_f64(size_t m, size_t n, size_t k, const double *a,
                     const double *b, const double *bias, double *y)
{
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            double acc = 0;
            for (size_t l = 0; l < k; l++)
                acc += a[i * k + l] * b[j * k + l];
            y[i * n + j] = bias ? acc + bias[j] : acc;
        }
}

/* y = a * B_rows^T + bias, where B_rows are `n` rows of W or R from row
 * `row0` of direction d's block; on pool's threads. */
static void product(const oc_rnn_state *s, oc_thread_pool *pool,
                    const oc_tensor *wt, size_t k, size_t row0, size_t n,
                    size_t bias_at, size_t m, const void *a,
                    const oc_packed_weight *packed, void *y)
{
    const oc_tensor *bt = s->ctx->n_in > 3 ? s->ctx->in[3] : NULL;
    size_t gh = s->hidden * (size_t)s->p->cell->gates;
    size_t w_at = ((size_t)s->dir * gh + row0) * k;
    size_t b_at = (size_t)s->dir * 2 * gh + bias_at;
    if (m == 0 || n == 0)
        return;
    if (wt->dtype == ONNXC_FLOAT)
        gemm_f32(s, pool, m, n, k, a, (const float *)wt->data + w_at,
                 bt ? (const float *)bt->data + b_at : NULL, packed, y);
    else
        gemm_f64(m, n, k, a, (const double *)wt->data + w_at,
                 bt ? (const double *)bt->data + b_at : NULL, y);
}

void oc_rnn_product(const oc_rnn_state *s, int piece, const void *src,
                    void *out)
{
    size_t h = s->hidden, gh = h * (size_t)s->p->cell->gates;
    size_t first = (size_t)s->p->split * h;
    size_t g0 = piece ? first : 0, n = piece ? gh - first : first;
    size_t es = onnxc_dtype_size(s->ctx->in[0]->dtype);
    product(s, s->pool, s->ctx->in[2], h, g0, n, gh + g0, s->b1 - s->b0,
            (const char *)src + s->b0 * h * es, &s->p->r[s->dir][piece],
            (char *)out + s->b0 * n * es);
}

/* Where the state of direction d, batch entry b starts in initial_h,
 * Y_h and the like (elements). */
static size_t state_at(const oc_rnn_params *p, const rnn_sizes *z, int d,
                       size_t b)
{
    size_t nd = (size_t)p->directions;
    return (p->layout ? b * nd + (size_t)d : (size_t)d * z->batch + b) *
           z->hidden;
}

/* The same in Y for step t. */
static size_t y_at(const oc_rnn_state *s, size_t t, size_t b)
{
    size_t nd = (size_t)s->p->directions, d = (size_t)s->dir;
    return (s->p->layout ? (b * s->seq + t) * nd + d
                         : (t * nd + d) * s->batch + b) *
           s->hidden;
}

/* The state from initial (NULL: zeros) in the op's layout. */
static void load_state(const oc_rnn_params *p, const rnn_sizes *z, int d,
                       const oc_tensor *initial, size_t es, char *state)
{
    size_t row = z->hidden * es;
    for (size_t b = 0; b < z->batch; b++) {
        if (initial)
            memcpy(state + b * row,
                   (const char *)initial->data + state_at(p, z, d, b) * es,
                   row);
        else
            memset(state + b * row, 0, row);
    }
}

static void store_state(const oc_rnn_params *p, const rnn_sizes *z, int d,
                        const char *state, size_t es, oc_tensor *out)
{
    size_t row = z->hidden * es;
    if (!out)
        return;
    for (size_t b = 0; b < z->batch; b++)
        memcpy((char *)out->data + state_at(p, z, d, b) * es, state + b * row,
               row);
}

/* The steps of batch entries [s->b0, s->b1) of one direction, with
 * their rows of Y. */
static void walk(const oc_rnn_state *s)
{
    const oc_run_ctx *ctx = s->ctx;
    const oc_rnn_params *p = s->p;
    onnxc_dtype t = ctx->in[0]->dtype;
    size_t es = onnxc_dtype_size(t), row = s->hidden * es;
    bool backward = p->reverse || s->dir == 1;
    oc_tensor *y = ctx->out[0];
    for (size_t k = 0; k < s->seq; k++) {
        size_t step = backward ? s->seq - 1 - k : k;
        oc_rnn_product(s, 0, s->h, s->rec);
        p->cell->step[t == ONNXC_DOUBLE](s, step);
        for (size_t b = s->b0; y && b < s->b1; b++) {
            char *dst = (char *)y->data + y_at(s, step, b) * es;
            if (oc_rnn_active(s, step, b))
                memcpy(dst, (const char *)s->h + b * row, row);
            else
                memset(dst, 0, row);
        }
    }
}

/* Slices of the batch walked on the pool's threads, one each. */
typedef struct rnn_slices {
    const oc_rnn_state *s;
    size_t n, gemm_floats;
} rnn_slices;

static void walk_slice(void *ctx, size_t i, int thread)
{
    const rnn_slices *job = ctx;
    oc_rnn_state s = *job->s;
    (void)thread;
    s.b0 = i * s.batch / job->n;
    s.b1 = (i + 1) * s.batch / job->n;
    s.pool = NULL;
    s.gemm_ws = job->s->gemm_ws + i * job->gemm_floats;
    walk(&s);
}

/* One direction, from the projection to its outputs. */
static void run_direction(oc_rnn_state *s, const rnn_sizes *z,
                          const rnn_parts *w)
{
    const oc_run_ctx *ctx = s->ctx;
    const oc_rnn_params *p = s->p;
    size_t es = onnxc_dtype_size(ctx->in[0]->dtype);
    const oc_tensor *peep = ctx->n_in > 7 ? ctx->in[7] : NULL;
    const oc_tensor *h0 = ctx->n_in > 5 ? ctx->in[5] : NULL;
    const oc_tensor *c0 = ctx->n_in > 6 ? ctx->in[6] : NULL;
    oc_tensor *yh = ctx->n_out > 1 ? ctx->out[1] : NULL;
    oc_tensor *yc = ctx->n_out > 2 ? ctx->out[2] : NULL;

    s->peep = peep ? (const char *)peep->data +
                         (size_t)s->dir * 3 * z->hidden * es
                   : NULL;
    product(s, ctx->pool, ctx->in[1], z->input, 0, z->gh, 0, z->rows,
            ctx->in[0]->data, &p->w[s->dir], s->xw);
    load_state(p, z, s->dir, h0, es, s->h);
    if (p->cell->has_cell_state)
        load_state(p, z, s->dir, c0, es, s->c);
    if (w->slices > 1) {
        rnn_slices job = {.s = s, .n = w->slices,
                          .gemm_floats = w->slice_gemm};
        oc_thread_pool_run(ctx->pool, w->slices, walk_slice, &job);
    } else {
        walk(s);
    }
    store_state(p, z, s->dir, s->h, es, yh);
    if (p->cell->has_cell_state)
        store_state(p, z, s->dir, s->c, es, yc);
}

onnxc_status *oc_rnn_run(const oc_run_ctx *ctx)
{
    const oc_rnn_params *p = ctx->params;
    const oc_tensor *lens = ctx->n_in > 4 ? ctx->in[4] : NULL;
    rnn_sizes z;
    rnn_parts w;
    sizes_of(ctx, &z);
    if (!parts_of(ctx, &z, &w))
        return oc_run_error(ctx, "seq_length %zu x batch %zu x hidden_size "
                            "%zu is too large to run", z.seq, z.batch,
                            z.hidden);
    for (size_t b = 0; lens && b < z.batch; b++) {
        int32_t n = ((const int32_t *)lens->data)[b];
        if (n < 0 || (size_t)n > z.seq)
            return oc_run_error(ctx, "sequence_lens[%zu] is %d; 0 to "
                                "seq_length %zu expected", b, (int)n, z.seq);
    }
    if (z.batch == 0 || z.hidden == 0)
        return NULL;   /* every output is empty */
    char *ws = ctx->workspace;
    oc_rnn_state s;
    memset(&s, 0, sizeof s);
    s.p = p;
    s.ctx = ctx;
    s.seq = z.seq;
    s.batch = z.batch;
    s.b0 = 0;
    s.b1 = z.batch;
    s.pool = ctx->pool;
    s.input = z.input;
    s.hidden = z.hidden;
    s.lens = lens ? lens->data : NULL;
    s.xw = ws + w.xw;
    s.rec = ws + w.rec;
    s.rec1 = ws + w.rec + z.batch * (size_t)p->split * z.hidden *
                              onnxc_dtype_size(ctx->in[0]->dtype);
    s.h = ws + w.h;
    s.c = ws + w.c;
    s.tmp = ws + w.tmp;
    s.gemm_ws = (float *)(void *)(ws + w.gemm);
    for (s.dir = 0; s.dir < p->directions; s.dir++)
        run_direction(&s, &z, &w);
    return NULL;
}

/* Packs `pieces` row blocks of each direction of a float weight wt [D,
 * rows, k] as B' (k x block rows): block i is rows [at[i], at[i + 1]). */
static onnxc_status *pack(const oc_rnn_params *p, const oc_value *wt,
                          size_t k, const size_t *at, int pieces,
                          oc_pool *pool, oc_packed_weight *out, int stride)
{
    size_t rows = (size_t)wt->shape.dims[1].value;
    for (int d = 0; d < p->directions; d++)
        for (int i = 0; i < pieces; i++) {
            size_t n = at[i + 1] - at[i];
            size_t floats = oc_gemm_f32_packed_b_floats(p->kernel, k, n);
            oc_packed_weight *pw = &out[d * stride + i];
            if (floats == 0)
                continue;
            float *buf = oc_pool_calloc(pool, floats, sizeof(float));
            if (!buf)
                return oc_no_memory();
            oc_gemm_f32_pack_b(p->kernel,
                               (const float *)wt->data +
                                   ((size_t)d * rows + at[i]) * k,
                               true, k, n, buf);
            pw->data = buf;
            pw->k = k;
            pw->n = n;
        }
    return NULL;
}

/* A float weight of the model of shape [D, G*H, k]: the k, else 0. */
static size_t weight_k(const oc_rnn_params *p, const oc_value *v)
{
    if (!v || v->dtype != ONNXC_FLOAT || !oc_value_is_constant(v) ||
        !v->data || v->shape.rank != 3)
        return 0;
    for (int d = 0; d < 3; d++)
        if (!dim_is_known(v->shape.dims[d]))
            return 0;
    if (v->shape.dims[0].value != p->directions ||
        v->shape.dims[1].value % p->cell->gates != 0)
        return 0;
    return (size_t)v->shape.dims[2].value;
}

onnxc_status *oc_rnn_prepack(const oc_prepack_ctx *ctx)
{
    oc_rnn_params *p = ctx->params;
    const oc_value *w = ctx->in[1], *r = ctx->in[2];
    onnxc_status *err = NULL;
    if (!p->kernel)
        return NULL;   /* the reference loop reads W and R as stored */
    size_t kw = weight_k(p, w), kr = weight_k(p, r);
    if (kw) {
        size_t at[2] = {0, (size_t)w->shape.dims[1].value};
        err = pack(p, w, kw, at, 1, ctx->pool, p->w, 1);
    }
    if (!err && kr &&
        (size_t)r->shape.dims[1].value == kr * (size_t)p->cell->gates) {
        size_t at[3] = {0, (size_t)p->split * kr,
                        (size_t)p->cell->gates * kr};
        err = pack(p, r, kr, at, p->split < p->cell->gates ? 2 : 1,
                   ctx->pool, &p->r[0][0], 2);
    }
    return err;
}
