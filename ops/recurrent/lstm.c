/*
 * lstm.c - LSTM (1, 7, 14). Gates i, o, f, c in W, R and B; P holds the
 * peepholes of i, o, f:
 *   it = f(Xt Wi^T + Ht-1 Ri^T + Pi (.) Ct-1 + Wbi + Rbi)
 *   ft = f(Xt Wf^T + Ht-1 Rf^T + Pf (.) Ct-1 + Wbf + Rbf)
 *   ct = g(Xt Wc^T + Ht-1 Rc^T + Wbc + Rbc)
 *   Ct = ft (.) Ct-1 + it (.) ct
 *   ot = f(Xt Wo^T + Ht-1 Ro^T + Po (.) Ct + Wbo + Rbo)
 *   Ht = ot (.) h(Ct)
 * f, g, h Sigmoid, Tanh, Tanh by default; clip bounds each gate's input
 * to its activation, peephole included; input_forget couples the forget
 * gate to the input gate, ft = 1 - it (onnxruntime's reading: the spec
 * says only "couple"). Everything but the step is recurrent.c's.
 */
#include "ops/recurrent/recurrent.h"

#define LSTM_STEP(name, T, ACT, CLIP)                                          \
    static void name(const oc_rnn_state *s, size_t t)                          \
    {                                                                          \
        const oc_rnn_params *p = s->p;                                         \
        const oc_rnn_act *a = p->acts[s->dir];                                 \
        const T *peep = s->peep;                                               \
        size_t h = s->hidden;                                                  \
        for (size_t b = s->b0; b < s->b1; b++) {                               \
            if (!oc_rnn_active(s, t, b))                                       \
                continue;                                                      \
            const T *x = (const T *)s->xw + oc_rnn_x_row(s, t, b) * 4 * h;     \
            T *gi = (T *)s->rec + b * 4 * h, *go = gi + h, *gf = go + h;       \
            T *gc = gf + h, *c = (T *)s->c + b * h, *hs = (T *)s->h + b * h;   \
            for (size_t j = 0; j < 4 * h; j++)                                 \
                gi[j] += x[j];                                                 \
            for (size_t j = 0; peep && j < h; j++) {                           \
                gi[j] += peep[j] * c[j];                                       \
                gf[j] += peep[2 * h + j] * c[j];                               \
            }                                                                  \
            CLIP(p, gi, h);                                                    \
            CLIP(p, gf, 2 * h);                                                \
            ACT(p, &a[0], gi, h);                                              \
            if (p->input_forget)                                               \
                for (size_t j = 0; j < h; j++)                                 \
                    gf[j] = 1 - gi[j];                                         \
            else                                                               \
                ACT(p, &a[0], gf, h);                                          \
            ACT(p, &a[1], gc, h);                                              \
            for (size_t j = 0; j < h; j++)                                     \
                c[j] = gf[j] * c[j] + gi[j] * gc[j];                           \
            for (size_t j = 0; peep && j < h; j++)                             \
                go[j] += peep[h + j] * c[j];                                   \
            CLIP(p, go, h);                                                    \
            ACT(p, &a[0], go, h);                                              \
            for (size_t j = 0; j < h; j++)   /* gc is free again: h(Ct) */     \
                gc[j] = c[j];                                                  \
            ACT(p, &a[2], gc, h);                                              \
            for (size_t j = 0; j < h; j++)                                     \
                hs[j] = go[j] * gc[j];                                         \
        }                                                                      \
    }

LSTM_STEP(lstm_step_f32, float, OC_RNN_ACT_F32, oc_rnn_clip_f32)
LSTM_STEP(lstm_step_f64, double, OC_RNN_ACT_F64, oc_rnn_clip_f64)

static const char *const lstm_default_acts[] = {"Sigmoid", "Tanh", "Tanh"};

static const oc_rnn_cell lstm_cell = {
    .gates = 4,
    .n_acts = 3,
    .default_acts = lstm_default_acts,
    .has_cell_state = true,
    .step = {lstm_step_f32, lstm_step_f64},
};

static onnxc_status *lstm_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const extra[] = {"input_forget", NULL};
    oc_rnn_params *p;
    int64_t input_forget;
    onnxc_status *err = oc_rnn_prepare(ctx, &lstm_cell, extra, &p);
    if (!err)
        err = oc_attr_int(ctx->node, "input_forget", 0, &input_forget);
    if (err)
        return err;
    p->input_forget = input_forget != 0;
    *params = p;
    return NULL;
}

static const int lstm_versions[] = {1, 7, 14, 0};

const oc_op oc_op_lstm = {
    .domain = "",
    .op_type = "LSTM",
    .versions = lstm_versions,
    .last_opset = 21,
    .min_inputs = 3, .max_inputs = 8,
    .min_outputs = 0, .max_outputs = 3,
    .types = "float, double",
    .prepare = lstm_prepare,
    .infer = oc_rnn_infer,
    .run = oc_rnn_run,
    .workspace = oc_rnn_workspace,
    .prepack = oc_rnn_prepack,
};
