/*
 * rnn.c - RNN (1, 7, 14): the simple recurrent cell,
 *   Ht = f(Xt Wi^T + Ht-1 Ri^T + Wbi + Rbi), f Tanh by default.
 * Everything but the step is recurrent.c's.
 */
#include "ops/recurrent/recurrent.h"

#define RNN_STEP(name, T, ACT, CLIP)                                          \
    static void name(const oc_rnn_state *s, size_t t)                          \
    {                                                                          \
        const oc_rnn_params *p = s->p;                                         \
        size_t h = s->hidden;                                                  \
        for (size_t b = s->b0; b < s->b1; b++) {                               \
            if (!oc_rnn_active(s, t, b))                                       \
                continue;                                                      \
            const T *x = (const T *)s->xw + oc_rnn_x_row(s, t, b) * h;         \
            T *g = (T *)s->rec + b * h, *state = (T *)s->h + b * h;            \
            for (size_t j = 0; j < h; j++)                                     \
                g[j] += x[j];                                                  \
            CLIP(p, g, h);                                                     \
            ACT(p, &p->acts[s->dir][0], g, h);                                 \
            for (size_t j = 0; j < h; j++)                                     \
                state[j] = g[j];                                               \
        }                                                                      \
    }

RNN_STEP(rnn_step_f32, float, OC_RNN_ACT_F32, oc_rnn_clip_f32)
RNN_STEP(rnn_step_f64, double, OC_RNN_ACT_F64, oc_rnn_clip_f64)

static const char *const rnn_default_acts[] = {"Tanh"};

static const oc_rnn_cell rnn_cell = {
    .gates = 1,
    .n_acts = 1,
    .default_acts = rnn_default_acts,
    .step = {rnn_step_f32, rnn_step_f64},
};

static onnxc_status *rnn_prepare(const oc_prepare_ctx *ctx, void **params)
{
    oc_rnn_params *p;
    onnxc_status *err = oc_rnn_prepare(ctx, &rnn_cell, NULL, &p);
    if (!err)
        *params = p;
    return err;
}

static const int rnn_versions[] = {1, 7, 14, 0};

const oc_op oc_op_rnn = {
    .domain = "",
    .op_type = "RNN",
    .versions = rnn_versions,
    .last_opset = 21,
    .min_inputs = 3, .max_inputs = 6,
    .min_outputs = 0, .max_outputs = 2,
    .types = "float, double",
    .prepare = rnn_prepare,
    .infer = oc_rnn_infer,
    .run = oc_rnn_run,
    .workspace = oc_rnn_workspace,
    .prepack = oc_rnn_prepack,
};
