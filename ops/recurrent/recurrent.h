/*
 * recurrent.h - what LSTM, GRU and RNN share: their attributes (direction,
 * layout, hidden_size, clip, the activations with activation_alpha and
 * activation_beta), the shapes of their inputs and outputs, and the run
 * that walks the sequence.
 *
 * A cell has G gates, each a block of hidden_size rows of W [D, G*H,
 * input] and R [D, G*H, H]; B is [D, 2*G*H], Wb then Rb. The run takes
 * one direction at a time:
 *  - the input projection of every step at once, X * W^T + Wb, one Gemm
 *    of [seq * batch, input] by [input, G*H] (the rows of X in their
 *    stored order, whatever the layout);
 *  - per step, the recurrent product H * R^T + Rb, one Gemm of [batch, H]
 *    by [H, G*H] (GRU without linear_before_reset makes it two: the
 *    update and reset gates, then the hidden gate on r (.) H);
 *  - the cell's step, which adds the two and applies the gates.
 * Float runs both products through the Gemm kernels with W and R packed
 * at load when they are weights; double runs the plain loop.
 *
 * sequence_lens: a batch entry whose sequence ends before seq_length
 * keeps its state past its end (forward) or starts from the initial state
 * at its own last step (reverse); its outputs there are zero, and Y_h and
 * Y_c hold the state after its last step.
 */
#ifndef ONNXC_RECURRENT_H
#define ONNXC_RECURRENT_H

#include "ops/common/op_util.h"
#include "ops/kernels/gemm_kernel.h"
#include "ops/kernels/vec_exp.h"
#include "ops/linalg/packed_weight.h"

/* The activations the recurrent ops take by name. */
typedef enum oc_rnn_act_kind {
    RNN_ACT_RELU,
    RNN_ACT_TANH,
    RNN_ACT_SIGMOID,
    RNN_ACT_AFFINE,
    RNN_ACT_LEAKY_RELU,
    RNN_ACT_THRESHOLDED_RELU,
    RNN_ACT_SCALED_TANH,
    RNN_ACT_HARD_SIGMOID,
    RNN_ACT_ELU,
    RNN_ACT_SOFTSIGN,
    RNN_ACT_SOFTPLUS
} oc_rnn_act_kind;

typedef struct oc_rnn_act {
    oc_rnn_act_kind kind;
    float alpha, beta;
} oc_rnn_act;

struct oc_rnn_state;

/* What makes LSTM, GRU or RNN. */
typedef struct oc_rnn_cell {
    int gates;                         /* G */
    int n_acts;                        /* activations per direction */
    const char *const *default_acts;   /* n_acts names */
    bool has_cell_state;               /* LSTM: initial_c, P, Y_c */
    /* One step at time t of batch entries [s->b0, s->b1), float and
     * double: the recurrent product of piece 0 is in rec; updates h (and
     * c). Touches only those entries' rows of the buffers. */
    void (*step[2])(const struct oc_rnn_state *s, size_t t);
} oc_rnn_cell;

typedef struct oc_rnn_params {
    const oc_rnn_cell *cell;
    int64_t hidden;        /* hidden_size; 0 when absent: R's last dim */
    int directions;        /* D: 1, or 2 for bidirectional */
    bool reverse;          /* direction "reverse": one direction, backwards */
    int layout;            /* 0: [seq, batch, ...]; 1: [batch, seq, ...] */
    bool has_clip;
    float clip;
    oc_rnn_act acts[2][3]; /* per direction, the cell's n_acts */
    int split;             /* gates of the first recurrent product */
    bool input_forget;     /* LSTM: f = 1 - i */
    bool linear_before_reset;  /* GRU */
    const gemm_kernel *kernel;
    vec_isa isa;
    oc_packed_weight w[2];     /* W_d as B' (input x G*H), when packed */
    oc_packed_weight r[2][2];  /* R_d's pieces as B' (H x gates * H) */
} oc_rnn_params;

/* A direction's run, as the cell's step sees it. Buffers hold the
 * tensors' element type. */
typedef struct oc_rnn_state {
    const oc_rnn_params *p;
    const oc_run_ctx *ctx;
    size_t seq, batch, input, hidden;
    size_t b0, b1;         /* the batch entries this walk steps: [b0, b1) */
    int dir;               /* index of the direction in W, R, B, Y */
    const int32_t *lens;   /* sequence_lens, or NULL: all seq_length */
    void *xw;              /* [seq * batch, G*H]: X W^T + Wb, X's rows */
    void *rec;             /* [batch, split*H]: H R^T + Rb, piece 0 */
    void *rec1;            /* [batch, (G - split)*H]: piece 1 */
    void *h, *c;           /* [batch, H]: the state */
    void *tmp;             /* [batch, H] */
    const void *peep;      /* this direction's P (3H), or NULL */
    float *gemm_ws;
    struct oc_thread_pool *pool;  /* the recurrent products' threads */
} oc_rnn_state;

/* The row of xw for step t of batch entry b. */
static inline size_t oc_rnn_x_row(const oc_rnn_state *s, size_t t, size_t b)
{
    return s->p->layout ? b * s->seq + t : t * s->batch + b;
}

/* Whether batch entry b has a step t. */
static inline bool oc_rnn_active(const oc_rnn_state *s, size_t t, size_t b)
{
    return !s->lens || t < (size_t)s->lens[b];
}

/* Parses the attributes every recurrent op has, and `extra` (the cell's
 * own, NULL-terminated, may be NULL), into a new params. */
onnxc_status *oc_rnn_prepare(const oc_prepare_ctx *ctx, const oc_rnn_cell *cell,
                             const char *const *extra, oc_rnn_params **params);
onnxc_status *oc_rnn_infer(const oc_infer_ctx *ctx);
size_t oc_rnn_workspace(const oc_run_ctx *ctx);
onnxc_status *oc_rnn_run(const oc_run_ctx *ctx);
onnxc_status *oc_rnn_prepack(const oc_prepack_ctx *ctx);

/* out = src * R_piece^T + Rb_piece for batch entries [b0, b1) (src
 * [batch, H], out [batch, piece's gates * H]). */
void oc_rnn_product(const oc_rnn_state *s, int piece, const void *src,
                    void *out);

/* Clips x[0..n) to [-clip, clip] when the op has a clip. */
void oc_rnn_clip_f32(const oc_rnn_params *p, float *x, size_t n);
void oc_rnn_clip_f64(const oc_rnn_params *p, double *x, size_t n);
/* Applies the activation to x[0..n) in place. */
void oc_rnn_act_f32(vec_isa isa, const oc_rnn_act *a, float *x, size_t n);
void oc_rnn_act_f64(const oc_rnn_act *a, double *x, size_t n);
/* The two under one signature, for the cells' steps written once for
 * both types (a macro per cell, instantiated with these). */
#define OC_RNN_ACT_F32(p, a, x, n) oc_rnn_act_f32((p)->isa, a, x, n)
#define OC_RNN_ACT_F64(p, a, x, n) oc_rnn_act_f64(a, x, n)

#endif
