/*
 * scan.c - Scan: runs its body once per slice of its scan inputs, carrying
 * N state values from one iteration to the next, and stacks the body's K
 * scan outputs (versions 8, 9, 11, 16, 19, 21 over tensors).
 *
 * From version 9 each scan input is sliced along its own axis (default
 * 0), forward or backward, and each scan output stacked along its own.
 * Version 8 has a batch axis 0 on every input and output, scans axis 1,
 * and runs the body over each batch entry in turn; its sequence_lens must
 * be the whole sequence (shorter ones are refused, saying so).
 * The carried states go through two buffers of the node's, as Loop's do
 * (loop.c); slices are copied into contiguous buffers, which the body
 * reads as inputs.
 */
#include <stdlib.h>
#include <string.h>

#include "ops/control/body.h"
#include "ops/common/op_util.h"
#include "runtime/core/status.h"

typedef struct scan_params {
    int body;             /* attribute index */
    int first;            /* the first state input: 1 after sequence_lens */
    bool batched;         /* version 8 */
    int n_state, n_in, n_out;
    /* per scan input and output, NULL when left out (0: axis 0, forward) */
    const int64_t *in_axes, *in_dirs, *out_axes, *out_dirs;
} scan_params;

typedef struct scan_state {
    oc_body body;
    oc_held *carry[2];    /* per state: this iteration's, the next */
    oc_tensor *cur;       /* per state: as the next iteration reads it */
    oc_held *slice;       /* per scan input: this iteration's slice */
    oc_held *final;       /* per state: the final values (per batch entry) */
    oc_held *stack;       /* per scan output: the stacked rows */
    oc_tensor *row;       /* per scan output: the first row's type and shape */
    int n_state, n_in, n_out;
    size_t limit;
} scan_state;

static int64_t entry(const int64_t *list, int i)
{
    return list ? list[i] : 0;
}

/* An ints attribute of `count` entries, each in [lo, hi] unless lo > hi. */
static onnxc_status *int_list(const oc_node *n, const char *name, int count,
                              int64_t lo, int64_t hi, const int64_t **out)
{
    size_t got;
    onnxc_status *err = oc_attr_ints(n, name, out, &got);
    if (err || !*out)
        return err;
    if (got != (size_t)count)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (Scan): %s has %zu entries for %d values",
                        n->label, name, got, count);
    for (int i = 0; lo <= hi && i < count; i++)
        if ((*out)[i] < lo || (*out)[i] > hi)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "node '%s' (Scan): %s[%d] is %lld; it must be 0 "
                            "(forward) or 1 (reverse)",
                            n->label, name, i, (long long)(*out)[i]);
    return NULL;
}

static onnxc_status *scan_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const v8[] = {"body", "num_scan_inputs", "directions",
                                      NULL};
    static const char *const v9[] = {"body", "num_scan_inputs",
                                      "scan_input_axes", "scan_input_directions",
                                      "scan_output_axes", "scan_output_directions",
                                      NULL};
    const oc_node *n = ctx->node;
    bool batched = ctx->node->op_version < 9;
    onnxc_status *err = oc_check_attrs(n, batched ? v8 : v9);
    scan_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    int64_t m;
    if (err || (err = oc_attr_int(n, "num_scan_inputs", -1, &m)))
        return err;
    if (!p)
        return oc_no_memory();
    if ((err = oc_body_attr(n, "body", &p->body)))
        return err;
    p->batched = batched;
    p->first = batched ? 1 : 0;
    int explicit = n->n_inputs - n->n_implicit - p->first;
    if (m < 1 || m > explicit)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (Scan): num_scan_inputs is %lld, with %d "
                        "state and scan inputs",
                        n->label, (long long)m, explicit);
    p->n_in = (int)m;
    p->n_state = explicit - p->n_in;
    p->n_out = n->n_outputs - p->n_state;
    if (p->n_out < 0)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (Scan): %d states but %d outputs",
                        n->label, p->n_state, n->n_outputs);
    for (int k = p->first; k < p->first + explicit; k++)
        if (!n->input_names[k][0])
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "node '%s' (Scan): input %d is empty", n->label, k);
    if (batched)
        err = int_list(n, "directions", p->n_in, 0, 1, &p->in_dirs);
    else if (!(err = int_list(n, "scan_input_axes", p->n_in, 1, 0, &p->in_axes)) &&
             !(err = int_list(n, "scan_input_directions", p->n_in, 0, 1, &p->in_dirs)) &&
             !(err = int_list(n, "scan_output_axes", p->n_out, 1, 0, &p->out_axes)))
        err = int_list(n, "scan_output_directions", p->n_out, 0, 1, &p->out_dirs);
    if (err)
        return err;
    *params = p;
    return NULL;
}

/* The axis scan input m is sliced along, for its rank (the batch's
 * included in version 8). */
static onnxc_status *input_axis(const oc_node *n, const scan_params *p, int m,
                                int rank, int *axis)
{
    if (p->batched) {
        *axis = 1;
        return rank >= 2 ? NULL
                         : oc_error(ONNXC_ERR_SHAPE,
                                    "node '%s' (Scan-8): scan input %d has "
                                    "rank %d; it needs a batch and a sequence "
                                    "axis",
                                    n->label, m, rank);
    }
    return oc_axis(n, entry(p->in_axes, m), rank, false, axis);
}

/* Where a scan output's rows stack: its axis for the row's rank. */
static onnxc_status *output_axis(const oc_node *n, const scan_params *p, int s,
                                 int row_rank, int *axis)
{
    if (row_rank + 1 + p->batched > ONNXC_MAX_RANK)
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "node '%s' (Scan): scan output %d would have rank %d, "
                        "above the maximum %d",
                        n->label, s, row_rank + 1 + p->batched, ONNXC_MAX_RANK);
    *axis = 0;
    return p->batched ? NULL
                      : oc_axis(n, entry(p->out_axes, s), row_rank + 1, false,
                                axis);
}

static onnxc_status *scan_infer(const oc_infer_ctx *ctx)
{
    const scan_params *p = ctx->params;
    const oc_node *n = ctx->node;
    const oc_graph *body = n->attrs[p->body].g;
    int formal = body->n_inputs - body->n_captured;
    onnxc_status *err;
    if (formal != p->n_state + p->n_in || body->n_outputs != n->n_outputs)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (Scan): %d states, %d scan inputs and %d "
                        "outputs need a body of %d inputs and %d outputs; it "
                        "has %d and %d",
                        n->label, p->n_state, p->n_in, n->n_outputs,
                        p->n_state + p->n_in, n->n_outputs, formal,
                        body->n_outputs);
    for (int k = p->first; k < p->first + p->n_state + p->n_in; k++)
        if (ctx->in[k]->kind != ONNXC_KIND_TENSOR)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "node '%s' (Scan): input %d is %s; Scan's states "
                            "and scan inputs are tensors",
                            n->label, k, oc_kind_name(ctx->in[k]->kind));
    const oc_type *x0 = ctx->in[p->first + p->n_state];
    int axis = 0;
    oc_dim len = dim_unknown(), batch = dim_unknown();
    if (x0->shape.rank >= 0) {
        if ((err = input_axis(n, p, 0, x0->shape.rank, &axis)))
            return err;
        len = x0->shape.dims[axis];
        batch = x0->shape.dims[0];
    }
    for (int k = 0; k < ctx->n_out; k++) {
        oc_type *y = ctx->out[k];
        oc_type row_type;
        oc_body_value_type(body, body->outputs[k], &row_type);
        oc_shape row = row_type.shape;
        y->dtype = row_type.dtype;
        if (body->values[body->outputs[k]].kind != ONNXC_KIND_TENSOR)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "node '%s' (Scan): body output %d is %s; Scan "
                            "carries and stacks tensors",
                            n->label, k,
                            oc_kind_name(body->values[body->outputs[k]].kind));
        if (k < p->n_state) {
            const oc_type *init = ctx->in[p->first + k];
            if (init->dtype != y->dtype)
                return oc_error(ONNXC_ERR_INVALID_MODEL,
                                "node '%s' (Scan): state %d starts %s but the "
                                "body gives %s",
                                n->label, k, onnxc_dtype_name(init->dtype),
                                onnxc_dtype_name(y->dtype));
            y->shape = init->shape;   /* version 8: with its batch axis */
            if (!p->batched)
                oc_shape_merge(&y->shape, &row);
        } else if (row.rank >= 0) {
            int s = k - p->n_state, at;
            if ((err = output_axis(n, p, s, row.rank, &at)))
                return err;
            y->shape.rank = 0;
            if (p->batched)
                y->shape.dims[y->shape.rank++] = batch;
            for (int d = 0; d <= row.rank; d++)
                y->shape.dims[y->shape.rank++] =
                    d == at ? len : row.dims[d - (d > at)];
        } else {
            y->shape.rank = -1;
        }
        if (ctx->concrete)
            y->shape.rank = 0;   /* the run gives the shape (owns_outputs) */
    }
    return NULL;
}

static bool scan_body_input(const oc_node *node, int attr, int j,
                            const oc_type *const *in, oc_type *type)
{
    const scan_params *p = node->params;
    (void)attr;
    if (!p || j >= p->n_state + p->n_in || !in[p->first + j])
        return false;
    const oc_type *x = in[p->first + j];
    type->dtype = x->dtype;
    /* a state loses its batch axis (version 8), a slice its scan axis too */
    type->shape.rank = x->shape.rank < 0 ? -1
                       : x->shape.rank - p->batched - (j >= p->n_state);
    return type->shape.rank >= 0 || x->shape.rank < 0;
}

static void scan_state_free(void *state)
{
    scan_state *st = state;
    oc_body_close(&st->body);
    oc_held_free(st->carry[0], st->n_state);
    oc_held_free(st->carry[1], st->n_state);
    oc_held_free(st->final, st->n_state);
    oc_held_free(st->slice, st->n_in);
    oc_held_free(st->stack, st->n_out);
    free(st->cur);
    free(st->row);
    free(st);
}

static onnxc_status *scan_state_new(const oc_state_ctx *ctx, void **state)
{
    const scan_params *p = ctx->params;
    scan_state *st = calloc(1, sizeof *st);
    if (!st)
        return oc_no_memory();
    st->n_state = p->n_state;
    st->n_in = p->n_in;
    st->n_out = p->n_out;
    st->limit = ctx->arena_limit;
    st->carry[0] = oc_held_new(p->n_state);
    st->carry[1] = oc_held_new(p->n_state);
    st->final = oc_held_new(p->n_state);
    st->cur = calloc((size_t)p->n_state + 1, sizeof *st->cur);
    st->slice = oc_held_new(p->n_in);
    st->stack = oc_held_new(p->n_out);
    st->row = calloc((size_t)p->n_out + 1, sizeof *st->row);
    onnxc_status *err = !st->carry[0] || !st->carry[1] || !st->final ||
                                !st->cur || !st->slice || !st->stack || !st->row
                            ? oc_no_memory()
                            : oc_body_open(ctx, p->body, &st->body);
    if (err) {
        scan_state_free(st);
        return err;
    }
    *state = st;
    return NULL;
}

/* Batch entry b of t (version 8: its axis 0 dropped), or t itself. */
static oc_tensor batch_entry(const scan_params *p, const oc_tensor *t, int64_t b)
{
    oc_tensor e = *t;
    if (!p->batched)
        return e;
    e.rank = t->rank - 1;
    memmove(e.dims, t->dims + 1, (size_t)e.rank * sizeof *e.dims);
    size_t bytes;
    oc_tensor_bytes(e.dtype, e.dims, e.rank, &bytes);
    e.data = (unsigned char *)t->data + (size_t)b * bytes;
    return e;
}

/* Bytes of dims [from, to) of t, times its element size when elem. */
static size_t span(const int64_t *dims, int from, int to, size_t esize)
{
    size_t n = esize;
    for (int d = from; d < to; d++)
        n *= (size_t)dims[d];
    return n;
}

/* Slice t of x along axis into *held, as the tensor *out (axis dropped). */
static onnxc_status *take_slice(const oc_run_ctx *ctx, scan_state *st, int m,
                                const oc_tensor *x, int axis, int64_t t,
                                oc_tensor *out)
{
    size_t esize = onnxc_dtype_size(x->dtype);
    size_t outer = span(x->dims, 0, axis, 1);
    size_t inner = span(x->dims, axis + 1, x->rank, esize);
    size_t len = (size_t)x->dims[axis];
    onnxc_status *err = oc_held_reserve(ctx, &st->slice[m], outer * inner,
                                        st->limit);
    if (err)
        return err;
    for (size_t o = 0; o < outer; o++)
        memcpy((unsigned char *)st->slice[m].data + o * inner,
               (const unsigned char *)x->data + (o * len + (size_t)t) * inner,
               inner);
    memset(out, 0, sizeof *out);   /* a tensor: seq NULL, none false */
    out->dtype = x->dtype;
    out->rank = x->rank - 1;
    for (int d = 0, k = 0; d < x->rank; d++)
        if (d != axis)
            out->dims[k++] = x->dims[d];
    out->data = st->slice[m].data;
    return NULL;
}

/* Scan output s's shape once its row is known: [batch,] rows stacked at
 * their axis; room for all of them. */
static onnxc_status *shape_output(const oc_run_ctx *ctx, scan_state *st, int s,
                                  int64_t batch, int64_t len, oc_tensor *y)
{
    const scan_params *p = ctx->params;
    const oc_tensor *row = &st->row[s];
    int at;
    onnxc_status *err = output_axis(ctx->node, p, s, row->rank, &at);
    if (err)
        return err;
    y->dtype = row->dtype;
    y->rank = 0;
    if (p->batched)
        y->dims[y->rank++] = batch;
    for (int d = 0; d <= row->rank; d++)
        y->dims[y->rank++] = d == at ? len : row->dims[d - (d > at)];
    size_t bytes;
    if (!oc_tensor_bytes(y->dtype, y->dims, y->rank, &bytes))
        return oc_run_error(ctx, "scan output %d: its rows overflow memory", s);
    if ((err = oc_held_reserve(ctx, &st->stack[s], bytes, st->limit)))
        return err;
    y->data = st->stack[s].data;
    return NULL;
}

/* Row v of scan output s into place t of batch entry b. */
static onnxc_status *place_row(const oc_run_ctx *ctx, scan_state *st, int s,
                               const onnxc_tensor_view *v, int64_t b,
                               int64_t t, int64_t len)
{
    const scan_params *p = ctx->params;
    oc_tensor *row = &st->row[s];
    char was[128], now[128];
    if (v->rank != row->rank || v->dtype != row->dtype ||
        memcmp(v->dims, row->dims, (size_t)v->rank * sizeof *v->dims))
        return oc_run_error(ctx, "scan output %d has shape %s, but %s at the "
                            "first iteration: its rows cannot stack",
                            s, oc_dims_format(v->dims, v->rank, now, sizeof now),
                            oc_dims_format(row->dims, row->rank, was, sizeof was));
    int at;
    onnxc_status *err = output_axis(ctx->node, p, s, row->rank, &at);
    if (err)
        return err;
    size_t esize = onnxc_dtype_size(row->dtype);
    size_t outer = span(row->dims, 0, at, 1);
    size_t inner = span(row->dims, at, row->rank, esize);
    int64_t pos = entry(p->out_dirs, s) ? len - 1 - t : t;
    unsigned char *base = (unsigned char *)st->stack[s].data +
                          (size_t)b * (size_t)len * outer * inner;
    for (size_t o = 0; o < outer; o++)
        memcpy(base + (o * (size_t)len + (size_t)pos) * inner,
               (const unsigned char *)v->data + o * inner, inner);
    return NULL;
}

/* One iteration t of batch entry b. */
static onnxc_status *iterate(const oc_run_ctx *ctx, scan_state *st, int64_t b,
                             int64_t t, int64_t batch, int64_t len, int *side)
{
    const scan_params *p = ctx->params;
    onnxc_status *err;
    for (int k = 0; k < p->n_state; k++)
        if ((err = oc_body_bind(ctx, &st->body, k, &st->cur[k])))
            return err;
    for (int m = 0; m < p->n_in; m++) {
        const oc_tensor *x = ctx->in[p->first + p->n_state + m];
        oc_tensor whole = batch_entry(p, x, b), slice;
        int axis;
        if ((err = input_axis(ctx->node, p, m, x->rank, &axis)) ||
            (err = take_slice(ctx, st, m, &whole, axis - p->batched,
                              entry(p->in_dirs, m) ? len - 1 - t : t, &slice)) ||
            (err = oc_body_bind(ctx, &st->body, p->n_state + m, &slice)))
            return err;
    }
    if ((err = oc_body_run(ctx, &st->body)))
        return err;
    onnxc_tensor_view v;
    const oc_tensor *state;
    int next = 1 - *side;
    for (int k = 0; k < p->n_state; k++)
        if ((err = oc_body_output(ctx, &st->body, k, &state)) ||
            (err = oc_held_copy(ctx, &st->carry[next][k], st->limit, state,
                                &st->cur[k])))
            return err;
    *side = next;
    for (int s = 0; s < p->n_out; s++) {
        oc_tensor *y = ctx->out[p->n_state + s];
        if ((err = oc_body_tensor(ctx, &st->body, p->n_state + s, &v)))
            return err;
        if (b == 0 && t == 0) {
            st->row[s].dtype = v.dtype;
            st->row[s].rank = v.rank;
            memcpy(st->row[s].dims, v.dims, (size_t)v.rank * sizeof *v.dims);
            if (y && (err = shape_output(ctx, st, s, batch, len, y)))
                return err;
        }
        if (y && (err = place_row(ctx, st, s, &v, b, t, len)))
            return err;
    }
    return NULL;
}

/* The sequence length (every scan input's, which must agree) and the
 * batch (version 8; 1 from 9 on). */
static onnxc_status *scan_extent(const oc_run_ctx *ctx, int64_t *batch,
                                 int64_t *len)
{
    const scan_params *p = ctx->params;
    onnxc_status *err;
    *batch = 1;
    for (int k = p->first; p->batched && k < p->first + p->n_state + p->n_in; k++) {
        const oc_tensor *x = ctx->in[k];
        if (x->rank < 1 || (k > p->first && x->dims[0] != *batch))
            return oc_run_error(ctx, "input %d has no batch axis of %lld",
                                k, (long long)*batch);
        *batch = x->dims[0];
    }
    for (int m = 0; m < p->n_in; m++) {
        const oc_tensor *x = ctx->in[p->first + p->n_state + m];
        int axis;
        if ((err = input_axis(ctx->node, p, m, x->rank, &axis)))
            return err;
        if (m && x->dims[axis] != *len)
            return oc_run_error(ctx, "scan input %d has %lld steps, scan "
                                "input 0 %lld", m, (long long)x->dims[axis],
                                (long long)*len);
        *len = x->dims[axis];
    }
    const oc_tensor *lens = p->batched ? ctx->in[0] : NULL;
    for (size_t i = 0; lens && i < oc_tensor_count(lens); i++)
        if (((const int64_t *)lens->data)[i] != *len)
            return oc_error(ONNXC_ERR_UNSUPPORTED,
                            "node '%s' (Scan-8): sequence_lens[%zu] is %lld, "
                            "not the whole sequence of %lld; onnxc runs whole "
                            "sequences only",
                            ctx->node->label, i,
                            (long long)((const int64_t *)lens->data)[i],
                            (long long)*len);
    return NULL;
}

static onnxc_status *scan_run(const oc_run_ctx *ctx)
{
    scan_state *st = ctx->state;
    const scan_params *p = ctx->params;
    int64_t batch, len = 0;
    onnxc_status *err = scan_extent(ctx, &batch, &len);
    for (int64_t b = 0; !err && b < batch; b++) {
        int side = 0;
        for (int k = 0; !err && k < p->n_state; k++) {
            oc_tensor init = batch_entry(p, ctx->in[p->first + k], b);
            err = oc_held_copy(ctx, &st->carry[0][k], st->limit, &init, &st->cur[k]);
        }
        for (int64_t t = 0; !err && t < len; t++)
            err = iterate(ctx, st, b, t, batch, len, &side);
        /* the final states, one per batch entry (version 8) */
        for (int k = 0; !err && k < p->n_state; k++) {
            onnxc_tensor_view v = oc_view_of(&st->cur[k]);
            oc_tensor *y = ctx->out[k];
            if (!y)
                continue;
            if (b == 0) {
                oc_tensor one = st->cur[k];
                y->dtype = one.dtype;
                y->rank = 0;
                if (p->batched)
                    y->dims[y->rank++] = batch;
                for (int d = 0; d < one.rank; d++)
                    y->dims[y->rank++] = one.dims[d];
                if (!(err = oc_held_reserve(ctx, &st->final[k],
                                            (size_t)batch * v.bytes, st->limit)))
                    y->data = st->final[k].data;
            } else if (v.bytes * (size_t)batch != oc_tensor_count(y) *
                                                  onnxc_dtype_size(y->dtype)) {
                err = oc_run_error(ctx, "state %d changes size between batch "
                                   "entries", k);
            }
            if (!err && v.bytes)
                memcpy((unsigned char *)st->final[k].data + (size_t)b * v.bytes,
                       v.data, v.bytes);
        }
    }
    /* No batch entry (version 8): the states as they came, all empty. */
    for (int k = 0; !err && batch == 0 && k < p->n_state; k++)
        if (ctx->out[k]) {
            err = oc_held_copy(ctx, &st->final[k], st->limit, ctx->in[p->first + k],
                               ctx->out[k]);
        }
    /* No iteration ran: no rows, of the shape the body declares. */
    for (int s = 0; !err && s < p->n_out && (len == 0 || batch == 0); s++) {
        oc_body_empty_row(st->body.program, p->n_state + s, &st->row[s]);
        if (ctx->out[p->n_state + s])
            err = shape_output(ctx, st, s, batch, len, ctx->out[p->n_state + s]);
    }
    return err;
}

static const int scan_versions[] = {8, 9, 11, 16, 19, 21, 0};

const oc_op oc_op_scan = {
    .domain = "",
    .op_type = "Scan",
    .versions = scan_versions,
    .last_opset = 21,
    .min_inputs = 0, .max_inputs = OC_VARIADIC,   /* sequence_lens: "" */
    .min_outputs = 1, .max_outputs = OC_VARIADIC,
    .no_fold = true,
    .data_dependent = true,
    .owns_outputs = true,
    .any_kind = true,   /* what its body reads from outside */
    .types = "any tensor type",
    .prepare = scan_prepare,
    .infer = scan_infer,
    .run = scan_run,
    .state_new = scan_state_new,
    .state_free = scan_state_free,
    .body_input = scan_body_input,
};
