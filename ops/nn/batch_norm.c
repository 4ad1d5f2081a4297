/*
 * batch_norm.c - BatchNormalization (versions 1, 6, 7, 9, 14, 15):
 * y = (x - mean) / sqrt(var + epsilon) * scale + B per channel (dim 1).
 *
 * Inference mode uses the mean and var inputs. Training mode uses the
 * batch's own mean and population variance over every dim but 1, and
 * gives the running statistics input * momentum + batch * (1 - momentum).
 * The mode is, per version:
 *  - 1 and 6: is_test, whose default 0 means training, as the spec says;
 *  - 7 and 9 have no attribute for it; their schema allows 1 output
 *    (inference) or 5 (training: Y, mean, var, saved_mean, saved_var),
 *    and the count decides, as in onnxruntime;
 *  - 14 and 15: training_mode (default 0), with 1 output in inference and
 *    3 in training (Y, running_mean, running_var), as the schema demands.
 * Output counts the schema does not allow are refused, and so are named
 * outputs beyond Y with is_test=1 (1 and 6 say they are not for testing).
 * saved_mean and saved_var (outputs 3 and 4, before 14) are the batch mean
 * and variance, as their names and the ONNX reference implementation say;
 * onnxruntime gives 1 / sqrt(var + epsilon) as saved_var instead.
 *
 * spatial=0 (1, 6, 7) takes statistics per element of a sample: scale, B,
 * mean and var then have X's shape without the batch dim (7 spells this
 * out; 1 and 6 leave it open). From 9 X may have rank 1 (C is then 1);
 * earlier versions need rank >= 2. 14 and 15 let the statistics (and in
 * 15 scale and B) differ in type from X; onnxc runs one type for all five
 * inputs, float or double. Arithmetic is in double; an empty batch in
 * training mode gives NaN statistics.
 */
#include <math.h>

#include "runtime/core/status.h"
#include "ops/common/op_util.h"

typedef struct batch_norm_params {
    float epsilon, momentum;
    bool training;  /* batch statistics instead of the mean and var inputs */
    bool spatial;   /* statistics per channel, not per element of a sample */
} batch_norm_params;

/* Whether the node names any output beyond Y. */
static bool names_statistics(const oc_node *node)
{
    for (int k = 1; k < node->n_outputs; k++)
        if (node->output_names[k][0])
            return true;
    return false;
}

/* The schema's output counts: 1 or 5 before version 14, then 1 in
 * inference and 3 in training. */
static onnxc_status *check_output_count(const oc_node *node, bool training)
{
    int v = node->op_version, n = node->n_outputs;
    bool ok = v < 14 ? n == 1 || n == 5 : n == (training ? 3 : 1);
    if (ok)
        return NULL;
    return oc_error(ONNXC_ERR_INVALID_MODEL,
                    "node '%s' (BatchNormalization-%d): %d outputs; this "
                    "version takes %s",
                    node->label, v, n,
                    v < 14     ? "1 (Y) or 5 (Y, mean, var, saved_mean, "
                                 "saved_var)"
                    : training ? "3 in training mode (Y, running_mean, "
                                 "running_var)"
                               : "1 (Y) with training_mode=0");
}

static onnxc_status *batch_norm_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    oc_pool *pool = ctx->pool;
    static const char *const v1_attrs[] = {"consumed_inputs", "epsilon",
                                           "is_test", "momentum", "spatial",
                                           NULL};
    static const char *const v6_attrs[] = {"epsilon", "is_test", "momentum",
                                           "spatial", NULL};
    static const char *const v7_attrs[] = {"epsilon", "momentum", "spatial",
                                           NULL};
    static const char *const v9_attrs[] = {"epsilon", "momentum", NULL};
    static const char *const v14_attrs[] = {"epsilon", "momentum",
                                            "training_mode", NULL};
    onnxc_status *err;
    int64_t is_test, spatial, training_mode;
    int v = node->op_version;
    batch_norm_params *p = oc_pool_alloc(pool, sizeof *p);
    if (!p)
        return oc_no_memory();
    const char *const *known = v < 6    ? v1_attrs
                               : v < 7  ? v6_attrs
                               : v < 9  ? v7_attrs
                               : v < 14 ? v9_attrs
                                        : v14_attrs;
    if ((err = oc_check_attrs(node, known)) ||
        (err = oc_attr_float(node, "epsilon", 1e-5f, &p->epsilon)) ||
        (err = oc_attr_float(node, "momentum", 0.9f, &p->momentum)) ||
        (err = oc_attr_int(node, "is_test", 0, &is_test)) ||
        (err = oc_attr_int(node, "spatial", 1, &spatial)) ||
        (err = oc_attr_int(node, "training_mode", 0, &training_mode)))
        return err;
    p->spatial = spatial != 0;
    p->training = v < 7    ? is_test == 0
                  : v < 14 ? node->n_outputs > 1
                           : training_mode != 0;
    if ((err = check_output_count(node, p->training)))
        return err;
    if (!p->training && names_statistics(node))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (BatchNormalization-%d): is_test=1 asks "
                        "for inference, where only output Y is defined, but "
                        "the node names more outputs",
                        node->label, v);
    *params = p;
    return NULL;
}

/* The shape scale, B, mean and var must have for an X of rank >= 1. */
static oc_shape statistics_shape(const batch_norm_params *p, const oc_shape *x)
{
    oc_shape s;
    if (p->spatial) {
        s.rank = 1;
        s.dims[0] = x->rank > 1 ? x->dims[1] : dim_known(1);
        return s;
    }
    s.rank = x->rank - 1;
    for (int d = 1; d < x->rank; d++)
        s.dims[d - 1] = x->dims[d];
    return s;
}

static onnxc_status *batch_norm_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const void *params = ctx->params;
    const oc_type *const *in = ctx->in;
    oc_type *const *out = ctx->out;
    static const char *const v1_names[] = {"X", "scale", "B", "mean", "var"};
    static const char *const v14_names[] = {"X", "scale", "B", "input_mean",
                                            "input_var"};
    const batch_norm_params *p = params;
    const oc_shape *x = &in[0]->shape;
    int v = node->op_version;
    const char *const *names = v < 14 ? v1_names : v14_names;
    char s1[128], s2[128], s3[128];
    if (in[0]->dtype != ONNXC_FLOAT && in[0]->dtype != ONNXC_DOUBLE)
        return oc_bad_dtype(node, "X", in[0]->dtype, "float, double");
    for (int k = 1; k < 5; k++)
        if (in[k]->dtype != in[0]->dtype)
            return oc_error(v < 14 ? ONNXC_ERR_INVALID_MODEL
                                   : ONNXC_ERR_UNSUPPORTED,
                            "node '%s' (BatchNormalization-%d): %s is %s but "
                            "X is %s; onnxc runs BatchNormalization with all "
                            "five inputs of one type",
                            node->label, v, names[k],
                            onnxc_dtype_name(in[k]->dtype),
                            onnxc_dtype_name(in[0]->dtype));
    if (x->rank == 0 || (x->rank == 1 && v < 9))
        return oc_error(ONNXC_ERR_SHAPE,
                        "node '%s' (BatchNormalization-%d): X has rank %d; "
                        "this version needs rank >= %d",
                        node->label, v, x->rank, v < 9 ? 2 : 1);
    oc_shape want = x->rank > 0 ? statistics_shape(p, x) : in[3]->shape;
    for (int k = 1; k < 5 && x->rank > 0; k++)
        if (in[k]->shape.rank >= 0 && !oc_shape_compatible(&in[k]->shape, &want))
            return oc_error(ONNXC_ERR_SHAPE,
                            "node '%s' (BatchNormalization-%d): %s has shape "
                            "%s; X of shape %s needs %s",
                            node->label, v, names[k],
                            oc_shape_format(&in[k]->shape, NULL, s1, sizeof s1),
                            oc_shape_format(x, NULL, s2, sizeof s2),
                            oc_shape_format(&want, NULL, s3, sizeof s3));
    out[0]->dtype = in[0]->dtype;
    out[0]->shape = *x;
    for (int k = 1; k < ctx->n_out; k++) {
        out[k]->dtype = in[0]->dtype;
        out[k]->shape = want;
    }
    return NULL;
}

/* One channel at a time: its statistics (given, or of the batch), then
 * its elements, which sit in `batch` runs of `inner` elements, `stride`
 * apart. A channel is read whole before it is written, so y may be x. */
#define BATCH_NORM_KERNEL(NAME, T)                                             \
    static void NAME(const batch_norm_params *p, const oc_tensor *const *in,   \
                     oc_tensor *const *out, size_t batch, size_t channels,     \
                     size_t inner)                                             \
    {                                                                          \
        const T *x = in[0]->data, *scale = in[1]->data, *bias = in[2]->data;   \
        const T *mean = in[3]->data, *var = in[4]->data;                       \
        T *y = out[0]->data;                                                   \
        size_t stride = channels * inner;                                      \
        double count = (double)batch * (double)inner;                          \
        double momentum = p->momentum;                                         \
        for (size_t c = 0; c < channels; c++) {                                \
            const T *xc = x + c * inner;                                       \
            T *yc = y + c * inner;                                             \
            double m = mean[c], v = var[c];                                    \
            if (p->training) {                                                 \
                double sum = 0, squares = 0;                                   \
                for (size_t n = 0; n < batch; n++)                             \
                    for (size_t i = 0; i < inner; i++)                         \
                        sum += xc[n * stride + i];                             \
                m = sum / count;                                               \
                for (size_t n = 0; n < batch; n++)                             \
                    for (size_t i = 0; i < inner; i++) {                       \
                        double d = xc[n * stride + i] - m;                     \
                        squares += d * d;                                      \
                    }                                                          \
                v = squares / count;                                           \
                if (out[1])                                                    \
                    ((T *)out[1]->data)[c] =                                   \
                        (T)(mean[c] * momentum + m * (1 - momentum));          \
                if (out[2])                                                    \
                    ((T *)out[2]->data)[c] =                                   \
                        (T)(var[c] * momentum + v * (1 - momentum));           \
                if (out[3])                                                    \
                    ((T *)out[3]->data)[c] = (T)m;                             \
                if (out[4])                                                    \
                    ((T *)out[4]->data)[c] = (T)v;                             \
            }                                                                  \
            double a = scale[c] / sqrt(v + (double)p->epsilon), b = bias[c];   \
            for (size_t n = 0; n < batch; n++)                                 \
                for (size_t i = 0; i < inner; i++)                             \
                    yc[n * stride + i] =                                   \
                        (T)((xc[n * stride + i] - m) * a + b);                 \
        }                                                                      \
    }

BATCH_NORM_KERNEL(batch_norm_f32, float)
BATCH_NORM_KERNEL(batch_norm_f64, double)

static onnxc_status *batch_norm_run(const oc_run_ctx *ctx)
{
    const void *params = ctx->params;
    const oc_tensor *const *in = ctx->in;
    /* the kernel writes the statistics it is given a tensor for */
    oc_tensor *out[5] = {NULL, NULL, NULL, NULL, NULL};
    for (int k = 0; k < ctx->n_out && k < 5; k++)
        out[k] = ctx->out[k];
    const batch_norm_params *p = params;
    const oc_tensor *x = in[0];
    size_t batch = (size_t)x->dims[0], channels = 1, inner = 1;
    /* infer accepted the shape, so none of these products overflows */
    if (p->spatial) {
        channels = x->rank > 1 ? (size_t)x->dims[1] : 1;
        oc_shape_count(x->dims + 2, x->rank > 2 ? x->rank - 2 : 0, &inner);
    } else {
        oc_shape_count(x->dims + 1, x->rank - 1, &channels);
    }
    if (x->dtype == ONNXC_FLOAT)
        batch_norm_f32(p, in, out, batch, channels, inner);
    else
        batch_norm_f64(p, in, out, batch, channels, inner);
    return NULL;
}

static const int batch_norm_versions[] = {1, 6, 7, 9, 14, 15, 0};

const oc_op oc_op_batch_norm = {
    .domain = "",
    .op_type = "BatchNormalization",
    .id = OC_OP_BATCH_NORMALIZATION,
    .versions = batch_norm_versions,
    .last_opset = 21,
    .min_inputs = 5, .max_inputs = 5,
    /* 5 before version 14 (Y, mean, var, saved_mean, saved_var), 3 from
     * 14; prepare checks the version's count */
    .min_outputs = 1, .max_outputs = 5,
    .in_place = true,
    .types = "float, double",
    .prepare = batch_norm_prepare,
    .infer = batch_norm_infer,
    .run = batch_norm_run,
};
