/*
 * pad.c - Pad: x grown (or, with negative pads, cropped) at the start and
 * end of each dim (versions 1, 2, 11, 13, 18, 19, 21). Version 1 names
 * the attribute `paddings`, 2 `pads` (with `value`, a float); from 11
 * pads is an int64 input and the constant an optional scalar input of
 * x's type, and from 18 an optional `axes` input says which dims pads
 * covers. Modes: constant (the default), reflect (mirror without the
 * edge), edge (repeat the edge) and, from 19, wrap (continue from the
 * other end). Reflect and edge need a non-empty dim to read from.
 *
 * The plan knows pads and axes. The run goes row by row: a row that
 * falls in the padding of an outer dim is the constant (or a row the
 * mode maps it to), and inside a row the middle is one memcpy.
 */
#include <string.h>

#include "runtime/core/status.h"
#include "ops/common/convert.h"
#include "ops/common/dims_value.h"
#include "ops/common/op_util.h"

enum pad_mode { PAD_CONSTANT, PAD_REFLECT, PAD_EDGE, PAD_WRAP };

typedef struct pad_params {
    enum pad_mode mode;
    int n_pads;                      /* attribute pads (1, 2), or -1 */
    int64_t pads[2 * ONNXC_MAX_RANK];
    float value;                     /* attribute value (1, 2) */
} pad_params;

static onnxc_status *pad_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    static const char *const v1_attrs[] = {"paddings", "mode", "value", NULL};
    static const char *const v2_attrs[] = {"pads", "mode", "value", NULL};
    static const char *const v11_attrs[] = {"mode", NULL};
    char desc[300];
    const char *mode;
    const int64_t *pads;
    size_t n;
    onnxc_status *err;
    pad_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    int v = node->op_version;
    const char *pads_name = v < 2 ? "paddings" : "pads";
    if ((err = oc_check_attrs(node, v < 2 ? v1_attrs : v < 11 ? v2_attrs
                                                              : v11_attrs)) ||
        (err = oc_attr_string(node, "mode", "constant", &mode)) ||
        (err = oc_attr_float(node, "value", 0.0f, &p->value)) ||
        (err = oc_attr_ints(node, pads_name, &pads, &n)))
        return err;
    p->mode = strcmp(mode, "constant") == 0 ? PAD_CONSTANT
              : strcmp(mode, "reflect") == 0 ? PAD_REFLECT
              : strcmp(mode, "edge") == 0    ? PAD_EDGE
                                             : PAD_WRAP;
    if (p->mode == PAD_WRAP && (strcmp(mode, "wrap") != 0 || v < 19))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: mode '%s' is not one of constant, reflect, "
                        "edge%s",
                        oc_node_desc(node, desc, sizeof desc), mode,
                        v >= 19 ? ", wrap" : "");
    p->n_pads = -1;
    if (v < 11) {
        if (!oc_node_attr(node, pads_name) || n % 2 ||
            n > 2 * ONNXC_MAX_RANK)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "%s: attribute '%s' must give a start and an end "
                            "per dim (rank <= %d)",
                            oc_node_desc(node, desc, sizeof desc), pads_name,
                            ONNXC_MAX_RANK);
        p->n_pads = (int)n;
        memcpy(p->pads, pads, n * sizeof *pads);
    } else if (node->n_inputs < 2 || !node->input_names[1][0]) {
        return oc_error(ONNXC_ERR_INVALID_MODEL, "%s: input pads is required",
                        oc_node_desc(node, desc, sizeof desc));
    }
    *params = p;
    return NULL;
}

/* Pads per dim, begin[d] and end[d], from the attribute or the inputs
 * (pads, and axes from 18): false when the inputs are not known yet. */
static onnxc_status *pads_of(const oc_node *node, const pad_params *p,
                             int rank, const void *pads, int64_t n_pads,
                             const void *axes, onnxc_dtype axes_type,
                             int64_t n_axes, int64_t *begin, int64_t *end)
{
    char desc[300];
    int64_t list[2 * ONNXC_MAX_RANK], ax[ONNXC_MAX_RANK];
    int n_ax = rank;
    for (int d = 0; d < rank; d++) {
        begin[d] = end[d] = 0;
        ax[d] = d;
    }
    if (p->n_pads >= 0) {
        n_pads = p->n_pads;
        memcpy(list, p->pads, (size_t)n_pads * sizeof *list);
    } else if (!oc_int_list(pads, ONNXC_INT64, n_pads, 2 * ONNXC_MAX_RANK,
                            list)) {
        n_pads = -1;
    }
    if (axes) {
        n_ax = (int)n_axes;
        if (n_axes > rank || !oc_int_list(axes, axes_type, n_axes, rank, ax))
            n_ax = -1;
    }
    if (n_ax < 0 || n_pads != 2 * n_ax)
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: pads has %lld entries; it needs 2 per axis "
                        "(%d axes, rank %d)",
                        oc_node_desc(node, desc, sizeof desc),
                        (long long)n_pads, n_ax, rank);
    unsigned seen = 0;
    for (int i = 0; i < n_ax; i++) {
        int64_t a = ax[i] < 0 ? ax[i] + rank : ax[i];
        if (a < 0 || a >= rank || (seen >> a & 1))
            return oc_error(ONNXC_ERR_SHAPE,
                            "%s: axis %lld is out of range for rank %d or "
                            "given twice",
                            oc_node_desc(node, desc, sizeof desc),
                            (long long)ax[i], rank);
        seen |= 1u << a;
        begin[a] = list[i];
        end[a] = list[i + n_ax];
    }
    return NULL;
}

/* The input index that output index i (of dim n, padded by b at the
 * start) reads, or -1 for the constant. */
static int64_t source_index(enum pad_mode mode, int64_t i, int64_t b,
                            int64_t n)
{
    int64_t j = i - b;
    if (j >= 0 && j < n)
        return j;
    switch (mode) {
    case PAD_EDGE:
        return j < 0 ? 0 : n - 1;
    case PAD_WRAP:
        return ((j % n) + n) % n;
    case PAD_REFLECT: {
        if (n == 1)
            return 0;
        int64_t period = 2 * (n - 1), k = ((j % period) + period) % period;
        return k < n ? k : period - k;
    }
    default:
        return -1;
    }
}

typedef struct pad_inputs {
    const void *pads, *axes, *value;
    onnxc_dtype axes_type, value_type;
    int64_t n_pads, n_axes;
} pad_inputs;

static onnxc_status *pad_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const pad_params *p = ctx->params;
    const oc_type *x = ctx->in[0];
    oc_type *y = ctx->out[0];
    char desc[300];
    int64_t begin[ONNXC_MAX_RANK], end[ONNXC_MAX_RANK];
    pad_inputs in = {0};
    onnxc_status *err;
    if (!oc_dtype_has_size(x->dtype))
        return oc_bad_dtype(node, "data", x->dtype, OC_DATA_TYPES);
    y->dtype = x->dtype;
    y->shape.rank = x->shape.rank;
    for (int d = 0; d < x->shape.rank; d++)
        y->shape.dims[d] = dim_unknown();
    for (int k = 1; k < ctx->n_in && k < 4; k++) {
        const oc_type *t = ctx->in[k];
        if (!t)
            continue;
        bool vector = t->shape.rank == 1 && dim_is_known(t->shape.dims[0]);
        int64_t count = vector ? t->shape.dims[0].value
                        : t->shape.rank == 0 ? 1 : -1;
        if (k == 1 && t->dtype != ONNXC_INT64)
            return oc_bad_dtype(node, "pads", t->dtype, "int64");
        if (k == 2 && (t->dtype != x->dtype || count > 1))
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "%s: constant_value must be one %s, got %s of "
                            "%lld elements",
                            oc_node_desc(node, desc, sizeof desc),
                            onnxc_dtype_name(x->dtype),
                            onnxc_dtype_name(t->dtype), (long long)count);
        if (k == 3 && t->dtype != ONNXC_INT64 && t->dtype != ONNXC_INT32)
            return oc_bad_dtype(node, "axes", t->dtype, "int32, int64");
        if (k == 1) {
            in.pads = t->data;
            in.n_pads = count;
        } else if (k == 3) {
            in.axes = t->data;
            in.axes_type = t->dtype;
            in.n_axes = count;
        }
    }
    if (x->shape.rank < 0)
        return NULL;
    bool known = p->n_pads >= 0 ||
                 (in.pads && (ctx->n_in < 4 || !ctx->in[3] || in.axes));
    if (!known)
        return NULL;
    if ((err = pads_of(node, p, x->shape.rank, in.pads, in.n_pads, in.axes,
                       in.axes_type, in.n_axes, begin, end)))
        return err;
    for (int d = 0; d < x->shape.rank; d++) {
        oc_dim a = x->shape.dims[d];
        if (begin[d] == 0 && end[d] == 0) {
            y->shape.dims[d] = a;
            continue;
        }
        if (!dim_is_known(a))
            continue;
        bool fits = begin[d] > INT64_MIN / 4 && begin[d] < INT64_MAX / 4 &&
                    end[d] > INT64_MIN / 4 && end[d] < INT64_MAX / 4;
        int64_t n = fits ? a.value + begin[d] + end[d] : -1;
        if (n < 0)
            return oc_error(ONNXC_ERR_SHAPE,
                            "%s: dim %d of %lld padded by %lld and %lld "
                            "gives no valid size",
                            oc_node_desc(node, desc, sizeof desc), d,
                            (long long)a.value, (long long)begin[d],
                            (long long)end[d]);
        if (p->mode != PAD_CONSTANT && a.value == 0 && n > 0)
            return oc_error(ONNXC_ERR_SHAPE,
                            "%s: dim %d is empty; only constant mode pads it",
                            oc_node_desc(node, desc, sizeof desc), d);
        y->shape.dims[d] = dim_known(n);
    }
    return NULL;
}

/* The constant, as bytes of the element type. */
static void constant_bytes(const oc_run_ctx *ctx, const pad_params *p,
                           onnxc_dtype t, unsigned char *out)
{
    const oc_tensor *v = ctx->n_in > 2 ? ctx->in[2] : NULL;
    size_t esize = onnxc_dtype_size(t);
    memset(out, 0, 16);
    if (v && oc_tensor_count(v))
        memcpy(out, v->data, esize);
    else if (!v && ctx->node->op_version < 11)
        oc_convert(&p->value, ONNXC_FLOAT, out, t, 1);
}

static onnxc_status *pad_run(const oc_run_ctx *ctx)
{
    const pad_params *p = ctx->params;
    const oc_tensor *x = ctx->in[0];
    oc_tensor *y = ctx->out[0];
    const oc_tensor *pads = ctx->n_in > 1 ? ctx->in[1] : NULL;
    const oc_tensor *axes = ctx->n_in > 3 ? ctx->in[3] : NULL;
    int64_t begin[ONNXC_MAX_RANK], end[ONNXC_MAX_RANK];
    unsigned char value[16];
    int rank = x->rank;
    size_t esize = onnxc_dtype_size(x->dtype), total = oc_tensor_count(y);
    onnxc_status *err = pads_of(
        ctx->node, p, rank, pads ? pads->data : NULL,
        pads ? (int64_t)oc_tensor_count(pads) : 0, axes ? axes->data : NULL,
        axes ? axes->dtype : ONNXC_INT64,
        axes ? (int64_t)oc_tensor_count(axes) : 0, begin, end);
    if (err || total == 0)
        return err;
    constant_bytes(ctx, p, x->dtype, value);
    unsigned char *out = y->data;
    const unsigned char *src = x->data;
    if (rank == 0) {
        memcpy(out, src, esize);
        return NULL;
    }
    int64_t strides[ONNXC_MAX_RANK], idx[ONNXC_MAX_RANK] = {0};
    int64_t s = 1;
    for (int d = rank - 1; d >= 0; d--) {
        strides[d] = s;
        s *= x->dims[d];
    }
    int64_t row = y->dims[rank - 1], n = x->dims[rank - 1], b = begin[rank - 1];
    for (size_t done = 0; done < total; done += (size_t)row) {
        /* the input row this output row reads, or none */
        int64_t off = 0;
        bool constant = false;
        for (int d = 0; d < rank - 1 && !constant; d++) {
            int64_t j = source_index(p->mode, idx[d], begin[d], x->dims[d]);
            constant = j < 0;
            off += j * strides[d];
        }
        for (int64_t i = 0; i < row; i++) {
            int64_t j = constant ? -1 : source_index(p->mode, i, b, n);
            /* the middle of the row, in one copy */
            if (j >= 0 && i - b == j && j < n) {
                int64_t len = n - j < row - i ? n - j : row - i;
                memcpy(out + (size_t)i * esize,
                       src + (size_t)(off + j) * esize, (size_t)len * esize);
                i += len - 1;
                continue;
            }
            memcpy(out + (size_t)i * esize,
                   j < 0 ? value : src + (size_t)(off + j) * esize, esize);
        }
        out += (size_t)row * esize;
        for (int d = rank - 2; d >= 0; d--) {
            if (++idx[d] < y->dims[d])
                break;
            idx[d] = 0;
        }
    }
    return NULL;
}

static const int pad_versions[] = {1, 2, 11, 13, 18, 19, 21, 0};

const oc_op oc_op_pad = {
    .domain = "",
    .op_type = "Pad",
    .versions = pad_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 4,
    .min_outputs = 1, .max_outputs = 1,
    .value_inputs = (1u << 1) | (1u << 3),
    .types = OC_DATA_TYPES,
    .prepare = pad_prepare,
    .infer = pad_infer,
    .run = pad_run,
};
