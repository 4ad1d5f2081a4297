/*
 * recurrent_act.c - the activations and the clip of the recurrent ops
 * (see recurrent.h). Float Sigmoid and Tanh run on the vector exp of
 * vec_exp.h; the rest, and double, are plain loops of the spec's
 * formulas.
 */
#include <math.h>

#include "ops/recurrent/recurrent.h"

void oc_rnn_clip_f32(const oc_rnn_params *p, float *x, size_t n)
{
    if (!p->has_clip)
        return;
    for (size_t i = 0; i < n; i++)   /* NaN passes as it is */
        x[i] = x[i] < -p->clip ? -p->clip : x[i] > p->clip ? p->clip : x[i];
}

void oc_rnn_clip_f64(const oc_rnn_params *p, double *x, size_t n)
{
    double c = p->clip;
    if (!p->has_clip)
        return;
    for (size_t i = 0; i < n; i++)
        x[i] = x[i] < -c ? -c : x[i] > c ? c : x[i];
}

/* log(1 + e^x) without overflow for large x. */
static double softplus(double x)
{
    return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

/* One activation of one element, in double: the definition. */
static double act_one(const oc_rnn_act *a, double x)
{
    double al = a->alpha, be = a->beta;
    switch (a->kind) {
    case RNN_ACT_RELU: return x > 0 ? x : 0;
    case RNN_ACT_TANH: return tanh(x);
    case RNN_ACT_SIGMOID: return 1 / (1 + exp(-x));
    case RNN_ACT_AFFINE: return al * x + be;
    case RNN_ACT_LEAKY_RELU: return x >= 0 ? x : al * x;
    case RNN_ACT_THRESHOLDED_RELU: return x > al ? x : 0;
    case RNN_ACT_SCALED_TANH: return al * tanh(be * x);
    case RNN_ACT_HARD_SIGMOID: return fmax(0, fmin(1, al * x + be));
    case RNN_ACT_ELU: return x >= 0 ? x : al * (exp(x) - 1);
    case RNN_ACT_SOFTSIGN: return x / (1 + fabs(x));
    case RNN_ACT_SOFTPLUS: return softplus(x);
    }
    return x;
}

void oc_rnn_act_f32(vec_isa isa, const oc_rnn_act *a, float *x, size_t n)
{
    if (a->kind == RNN_ACT_SIGMOID)
        oc_vec_sigmoid_f32(isa, x, x, n);
    else if (a->kind == RNN_ACT_TANH)
        oc_vec_tanh_f32(isa, x, x, n);
    else
        for (size_t i = 0; i < n; i++)
            x[i] = (float)act_one(a, x[i]);
}

void oc_rnn_act_f64(const oc_rnn_act *a, double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = act_one(a, x[i]);
}
