/*
 * recurrent.c - the attributes and shapes LSTM, GRU and RNN share (see
 * recurrent.h).
 *
 * Versions: 1 has output_sequence (GRU 3 too), which only says whether Y
 * is wanted; the node's outputs say that already, so it is read and left
 * alone. 7 drops it; 14 adds layout. activation_alpha and
 * activation_beta are consumed in the order of the activations, each
 * taking a value only when it has such a parameter (onnxruntime's
 * reading); an activation past the end of the list takes its operator's
 * default.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ops/recurrent/recurrent.h"
#include "runtime/core/status.h"

/* name, kind, takes alpha, takes beta, default alpha, default beta */
static const struct act_name {
    const char *name;
    oc_rnn_act_kind kind;
    bool alpha, beta;
    float default_alpha, default_beta;
} act_names[] = {
    {"Relu", RNN_ACT_RELU, false, false, 0, 0},
    {"Tanh", RNN_ACT_TANH, false, false, 0, 0},
    {"Sigmoid", RNN_ACT_SIGMOID, false, false, 0, 0},
    {"Affine", RNN_ACT_AFFINE, true, true, 1.0f, 0.0f},
    {"LeakyRelu", RNN_ACT_LEAKY_RELU, true, false, 0.01f, 0},
    {"ThresholdedRelu", RNN_ACT_THRESHOLDED_RELU, true, false, 1.0f, 0},
    {"ScaledTanh", RNN_ACT_SCALED_TANH, true, true, 1.0f, 1.0f},
    {"HardSigmoid", RNN_ACT_HARD_SIGMOID, true, true, 0.2f, 0.5f},
    {"Elu", RNN_ACT_ELU, true, false, 1.0f, 0},
    {"Softsign", RNN_ACT_SOFTSIGN, false, false, 0, 0},
    {"Softplus", RNN_ACT_SOFTPLUS, false, false, 0, 0},
};

static const oc_attr *attr_of(const oc_node *node, const char *name, int type,
                              onnxc_status **err)
{
    const oc_attr *a = oc_node_attr(node, name);
    *err = NULL;
    if (a && a->type != type) {
        char desc[256];
        *err = oc_error(ONNXC_ERR_INVALID_MODEL, "%s: attribute '%s' has the "
                        "wrong type (%s expected)",
                        oc_node_desc(node, desc, sizeof desc), name,
                        type == OC_ATTR_FLOATS ? "floats" : "strings");
        return NULL;
    }
    return a;
}

/* The activations: the cell's defaults, or the `activations` list, which
 * names n_acts per direction. */
static onnxc_status *parse_activations(const oc_node *node, oc_rnn_params *p)
{
    char desc[256];
    onnxc_status *err;
    const oc_attr *names = attr_of(node, "activations", OC_ATTR_STRINGS, &err);
    const oc_attr *alpha = err ? NULL
                               : attr_of(node, "activation_alpha",
                                         OC_ATTR_FLOATS, &err);
    const oc_attr *beta = err ? NULL
                              : attr_of(node, "activation_beta",
                                        OC_ATTR_FLOATS, &err);
    if (err)
        return err;
    int per = p->cell->n_acts, want = per * p->directions;
    if (names && names->count != (size_t)want)
        return oc_error(ONNXC_ERR_INVALID_MODEL, "%s: activations names %zu "
                        "functions; %d expected (%d per direction, %d "
                        "direction%s)",
                        oc_node_desc(node, desc, sizeof desc), names->count,
                        want, per, p->directions,
                        p->directions > 1 ? "s" : "");
    size_t next_alpha = 0, next_beta = 0;
    for (int i = 0; i < want; i++) {
        const char *name = names ? names->strings[i]
                                 : p->cell->default_acts[i % per];
        const struct act_name *an = NULL;
        for (size_t k = 0; k < sizeof act_names / sizeof *act_names; k++)
            if (strcasecmp(name, act_names[k].name) == 0)
                an = &act_names[k];
        if (!an)
            return oc_error(ONNXC_ERR_UNSUPPORTED, "%s: unknown activation "
                            "\"%s\" (Relu, Tanh, Sigmoid, Affine, LeakyRelu, "
                            "ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, "
                            "Softsign, Softplus)",
                            oc_node_desc(node, desc, sizeof desc), name);
        oc_rnn_act *a = &p->acts[i / per][i % per];
        a->kind = an->kind;
        a->alpha = an->default_alpha;
        a->beta = an->default_beta;
        if (an->alpha && alpha && next_alpha < alpha->count)
            a->alpha = alpha->floats[next_alpha++];
        if (an->beta && beta && next_beta < beta->count)
            a->beta = beta->floats[next_beta++];
    }
    return NULL;
}

static onnxc_status *parse_direction(const oc_node *node, oc_rnn_params *p)
{
    char desc[256];
    const char *dir;
    onnxc_status *err = oc_attr_string(node, "direction", "forward", &dir);
    if (err)
        return err;
    p->directions = strcmp(dir, "bidirectional") == 0 ? 2 : 1;
    p->reverse = strcmp(dir, "reverse") == 0;
    if (p->directions == 1 && !p->reverse && strcmp(dir, "forward") != 0)
        return oc_error(ONNXC_ERR_INVALID_MODEL, "%s: direction \"%s\": "
                        "forward, reverse or bidirectional expected",
                        oc_node_desc(node, desc, sizeof desc), dir);
    return NULL;
}

onnxc_status *oc_rnn_prepare(const oc_prepare_ctx *ctx, const oc_rnn_cell *cell,
                             const char *const *extra, oc_rnn_params **params)
{
    const oc_node *node = ctx->node;
    static const char *const common[] = {"activation_alpha", "activation_beta",
                                         "activations", "clip", "direction",
                                         "hidden_size", NULL};
    const char *known[16];
    int n = 0;
    char desc[256];
    for (int i = 0; common[i]; i++)
        known[n++] = common[i];
    if (node->op_version < 7)
        known[n++] = "output_sequence";
    if (node->op_version >= 14)
        known[n++] = "layout";
    for (int i = 0; extra && extra[i] && n < 15; i++)
        known[n++] = extra[i];
    known[n] = NULL;

    oc_rnn_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    int64_t layout, hidden;
    float clip;
    onnxc_status *err;
    if ((err = oc_check_attrs(node, known)) ||
        (err = oc_attr_int(node, "hidden_size", 0, &hidden)) ||
        (err = oc_attr_int(node, "layout", 0, &layout)) ||
        (err = oc_attr_float(node, "clip", 0, &clip)) ||
        (err = parse_direction(node, p)))
        return err;
    p->cell = cell;
    if ((err = parse_activations(node, p)))
        return err;
    /* hidden_size * 4 gates * 2 directions must stay far from overflow */
    if (oc_node_attr(node, "hidden_size") &&
        (hidden <= 0 || hidden > ((int64_t)1 << 40)))
        return oc_error(ONNXC_ERR_INVALID_MODEL, "%s: hidden_size %lld: "
                        "a positive size expected",
                        oc_node_desc(node, desc, sizeof desc),
                        (long long)hidden);
    if (layout != 0 && layout != 1)
        return oc_error(ONNXC_ERR_INVALID_MODEL, "%s: layout %lld: 0 or 1 "
                        "expected", oc_node_desc(node, desc, sizeof desc),
                        (long long)layout);
    p->has_clip = oc_node_attr(node, "clip") != NULL;
    if (p->has_clip && !(clip > 0))
        return oc_error(ONNXC_ERR_INVALID_MODEL, "%s: clip %g: a positive "
                        "threshold expected",
                        oc_node_desc(node, desc, sizeof desc), (double)clip);
    p->hidden = hidden;
    p->layout = (int)layout;
    p->clip = clip;
    p->split = cell->gates;
    p->kernel = oc_gemm_f32_select(ctx->kernels);
    p->isa = oc_vec_select(ctx->kernels);
    *params = p;
    return NULL;
}

/* Checks that t (when given and of known rank) is `rank` dims compatible
 * with want[]; `what` names the input, `why` what fixes its shape. */
static onnxc_status *expect_shape(const oc_infer_ctx *ctx, const char *what,
                                  const oc_type *t, onnxc_dtype dtype,
                                  int rank, const oc_dim *want,
                                  const char *why)
{
    char desc[256], s1[128], s2[128];
    if (!t)
        return NULL;
    if (t->dtype != dtype)
        return oc_error(ONNXC_ERR_INVALID_MODEL, "%s: %s is %s; %s expected",
                        oc_node_desc(ctx->node, desc, sizeof desc), what,
                        onnxc_dtype_name(t->dtype), onnxc_dtype_name(dtype));
    if (t->shape.rank < 0)
        return NULL;
    oc_shape w;
    memset(&w, 0, sizeof w);
    w.rank = rank;
    for (int d = 0; d < rank; d++)
        w.dims[d] = want[d];
    if (!oc_shape_compatible(&t->shape, &w))
        return oc_error(ONNXC_ERR_SHAPE, "%s: %s is %s; %s expected (%s)",
                        oc_node_desc(ctx->node, desc, sizeof desc), what,
                        oc_shape_format(&t->shape, NULL, s1, sizeof s1),
                        oc_shape_format(&w, NULL, s2, sizeof s2), why);
    return NULL;
}

/* k * d as a dim: unknown when d is. */
static oc_dim dim_times(int64_t k, oc_dim d)
{
    return dim_is_known(d) ? dim_known(k * d.value) : dim_unknown();
}

static oc_dim dim_of(const oc_type *t, int d)
{
    return t && t->shape.rank > d ? t->shape.dims[d] : dim_unknown();
}

/* The sizes the run multiplies, checked against overflow once all are
 * known: [seq * batch, G*H] of projections and per direction. */
static onnxc_status *check_sizes(const oc_infer_ctx *ctx, oc_dim seq,
                                 oc_dim batch, oc_dim input, oc_dim hidden)
{
    const oc_rnn_params *p = ctx->params;
    char desc[256];
    size_t rows, gh, cells, wsz;
    if (!dim_is_known(seq) || !dim_is_known(batch) || !dim_is_known(input) ||
        !dim_is_known(hidden))
        return NULL;
    if (!oc_size_mul((size_t)seq.value, (size_t)batch.value, &rows) ||
        !oc_size_mul((size_t)hidden.value, (size_t)p->cell->gates * 2, &gh) ||
        !oc_size_mul(rows, gh, &cells) || cells > ((size_t)1 << 48) ||
        !oc_size_mul((size_t)input.value, gh, &wsz))
        return oc_error(ONNXC_ERR_SHAPE, "%s: seq_length %lld x batch %lld "
                        "x hidden_size %lld is too large to run",
                        oc_node_desc(ctx->node, desc, sizeof desc),
                        (long long)seq.value, (long long)batch.value,
                        (long long)hidden.value);
    return NULL;
}

onnxc_status *oc_rnn_infer(const oc_infer_ctx *ctx)
{
    const oc_rnn_params *p = ctx->params;
    const oc_rnn_cell *cell = p->cell;
    const oc_type *const *in = ctx->in;
    const oc_type *x = in[0];
    char desc[256], s1[128];
    onnxc_dtype t = x->dtype;
    onnxc_status *err;
    if (t != ONNXC_FLOAT && t != ONNXC_DOUBLE)
        return oc_bad_dtype(ctx->node, "X", t, "float, double");
    if (x->shape.rank >= 0 && x->shape.rank != 3)
        return oc_error(ONNXC_ERR_SHAPE, "%s: X is %s; rank 3 expected "
                        "(%s)", oc_node_desc(ctx->node, desc, sizeof desc),
                        oc_shape_format(&x->shape, NULL, s1, sizeof s1),
                        p->layout ? "[batch, seq_length, input_size]"
                                  : "[seq_length, batch, input_size]");
    oc_dim seq = dim_of(x, p->layout ? 1 : 0), batch = dim_of(x, p->layout ? 0 : 1);
    oc_dim input = dim_of(x, 2), nd = dim_known(p->directions);
    oc_dim hidden = p->hidden > 0 ? dim_known(p->hidden) : dim_of(in[2], 2);
    oc_dim gh = dim_times(cell->gates, hidden);
    const oc_dim w[] = {nd, gh, input}, r[] = {nd, gh, hidden};
    const oc_dim b[] = {nd, dim_times(2 * cell->gates, hidden)};
    const oc_dim lens[] = {batch};
    const oc_dim state0[] = {nd, batch, hidden}, state1[] = {batch, nd, hidden};
    const oc_dim *state = p->layout ? state1 : state0;
    const oc_dim peep[] = {nd, dim_times(3, hidden)};
    const char *sizes = "direction count, gates x hidden_size, input_size";
    if ((err = expect_shape(ctx, "W", in[1], t, 3, w, sizes)) ||
        (err = expect_shape(ctx, "R", in[2], t, 3, r,
                            "direction count, gates x hidden_size, "
                            "hidden_size")) ||
        (err = expect_shape(ctx, "B", ctx->n_in > 3 ? in[3] : NULL, t, 2, b,
                            "direction count, 2 x gates x hidden_size")) ||
        (err = expect_shape(ctx, "sequence_lens", ctx->n_in > 4 ? in[4] : NULL,
                            ONNXC_INT32, 1, lens, "batch")) ||
        (err = expect_shape(ctx, "initial_h", ctx->n_in > 5 ? in[5] : NULL, t,
                            3, state, "the state's shape")) ||
        (err = expect_shape(ctx, "initial_c", ctx->n_in > 6 ? in[6] : NULL, t,
                            3, state, "the state's shape")) ||
        (err = expect_shape(ctx, "P", ctx->n_in > 7 ? in[7] : NULL, t, 2,
                            peep, "direction count, 3 x hidden_size")) ||
        (err = check_sizes(ctx, seq, batch, input, hidden)))
        return err;
    for (int k = 0; k < ctx->n_out; k++) {
        oc_type *o = ctx->out[k];
        o->dtype = t;
        if (x->shape.rank < 0) {
            o->shape.rank = -1;
            continue;
        }
        if (k == 0) {
            o->shape.rank = 4;
            o->shape.dims[0] = p->layout ? batch : seq;
            o->shape.dims[1] = p->layout ? seq : nd;
            o->shape.dims[2] = p->layout ? nd : batch;
            o->shape.dims[3] = hidden;
        } else {
            o->shape.rank = 3;
            for (int d = 0; d < 3; d++)
                o->shape.dims[d] = state[d];
        }
    }
    return NULL;
}
