/*
 * gru.c - GRU (1, 3, 7, 14). Gates z, r, h in W, R and B:
 *   zt = f(Xt Wz^T + Ht-1 Rz^T + Wbz + Rbz)
 *   rt = f(Xt Wr^T + Ht-1 Rr^T + Wbr + Rbr)
 *   ht = g(Xt Wh^T + (rt (.) Ht-1) Rh^T + Rbh + Wbh)    linear_before_reset 0
 *   ht = g(Xt Wh^T + rt (.) (Ht-1 Rh^T + Rbh) + Wbh)    linear_before_reset 1
 *   Ht = (1 - zt) (.) ht + zt (.) Ht-1
 * f, g Sigmoid, Tanh by default. Version 1 has no linear_before_reset
 * (3 adds it). Without it the recurrent product is two: z and r on
 * Ht-1, then h on rt (.) Ht-1 (piece 1 of R). Everything but the step is
 * recurrent.c's.
 */
#include "ops/recurrent/recurrent.h"

/* z and r of one row: g holds Ht-1 R^T + Rb for them (2h). */
#define GRU_STEP(name, T, ACT, CLIP)                                           \
    static void name(const oc_rnn_state *s, size_t t)                          \
    {                                                                          \
        const oc_rnn_params *p = s->p;                                         \
        const oc_rnn_act *a = p->acts[s->dir];                                 \
        size_t h = s->hidden, stride = (size_t)p->split * h;                   \
        for (size_t b = s->b0; b < s->b1; b++) {                               \
            const T *x = (const T *)s->xw + oc_rnn_x_row(s, t, b) * 3 * h;     \
            T *gz = (T *)s->rec + b * stride, *gr = gz + h;                    \
            T *rh = (T *)s->tmp + b * h, *hs = (T *)s->h + b * h;              \
            if (!oc_rnn_active(s, t, b)) {                                     \
                for (size_t j = 0; j < h; j++)                                 \
                    rh[j] = 0;                                                 \
                continue;                                                      \
            }                                                                  \
            for (size_t j = 0; j < 2 * h; j++)                                 \
                gz[j] += x[j];                                                 \
            CLIP(p, gz, 2 * h);                                                \
            ACT(p, &a[0], gz, h);                                              \
            ACT(p, &a[0], gr, h);                                              \
            for (size_t j = 0; j < h; j++)                                     \
                rh[j] = p->linear_before_reset ? gr[j] * gr[h + j]             \
                                               : gr[j] * hs[j];                \
        }                                                                      \
        /* rt (.) Ht-1 through Rh, or rt (.) (Ht-1 Rh^T + Rbh) as it is */     \
        if (!p->linear_before_reset)                                           \
            oc_rnn_product(s, 1, s->tmp, s->rec1);                             \
        for (size_t b = s->b0; b < s->b1; b++) {                               \
            if (!oc_rnn_active(s, t, b))                                       \
                continue;                                                      \
            const T *x = (const T *)s->xw + oc_rnn_x_row(s, t, b) * 3 * h;     \
            const T *gz = (const T *)s->rec + b * stride;                      \
            T *gh = p->linear_before_reset ? (T *)s->tmp + b * h               \
                                           : (T *)s->rec1 + b * h;             \
            T *hs = (T *)s->h + b * h;                                         \
            for (size_t j = 0; j < h; j++)                                     \
                gh[j] += x[2 * h + j];                                         \
            CLIP(p, gh, h);                                                    \
            ACT(p, &a[1], gh, h);                                              \
            for (size_t j = 0; j < h; j++)                                     \
                hs[j] = (1 - gz[j]) * gh[j] + gz[j] * hs[j];                   \
        }                                                                      \
    }

GRU_STEP(gru_step_f32, float, OC_RNN_ACT_F32, oc_rnn_clip_f32)
GRU_STEP(gru_step_f64, double, OC_RNN_ACT_F64, oc_rnn_clip_f64)

static const char *const gru_default_acts[] = {"Sigmoid", "Tanh"};

static const oc_rnn_cell gru_cell = {
    .gates = 3,
    .n_acts = 2,
    .default_acts = gru_default_acts,
    .step = {gru_step_f32, gru_step_f64},
};

static onnxc_status *gru_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const extra[] = {"linear_before_reset", NULL};
    oc_rnn_params *p;
    int64_t lbr;
    bool has_lbr = ctx->node->op_version >= 3;
    onnxc_status *err = oc_rnn_prepare(ctx, &gru_cell, has_lbr ? extra : NULL,
                                       &p);
    if (!err)
        err = oc_attr_int(ctx->node, "linear_before_reset", 0, &lbr);
    if (err)
        return err;
    p->linear_before_reset = has_lbr && lbr != 0;
    p->split = p->linear_before_reset ? 3 : 2;
    *params = p;
    return NULL;
}

static const int gru_versions[] = {1, 3, 7, 14, 0};

const oc_op oc_op_gru = {
    .domain = "",
    .op_type = "GRU",
    .versions = gru_versions,
    .last_opset = 21,
    .min_inputs = 3, .max_inputs = 6,
    .min_outputs = 0, .max_outputs = 2,
    .types = "float, double",
    .prepare = gru_prepare,
    .infer = oc_rnn_infer,
    .run = oc_rnn_run,
    .workspace = oc_rnn_workspace,
    .prepack = oc_rnn_prepack,
};
