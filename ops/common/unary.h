/*
 * unary.h - what the elementwise float functions share (Sigmoid, Tanh,
 * Erf, Softplus, Softsign, Elu, Selu, HardSigmoid, HardSwish, Gelu, and
 * the math functions of ops/math: Exp, Log, Sqrt, Sin, ...):
 * attribute checks, the float/double type check, and a run that hands the
 * whole tensor to the op's loop for its element type.
 *
 * An op file stamps its two loops from one body with UNARY_LOOPS and
 * includes <tgmath.h>, so exp, expm1, tanh, erf, ... are expf, expm1f,
 * tanhf, erff in the float loop and the double functions in the double
 * one.
 */
#ifndef ONNXC_UNARY_H
#define ONNXC_UNARY_H

#include "ops/common/op_util.h"
#include "ops/kernels/vec_exp.h"

typedef struct unary_params unary_params;

/* y[i] = f(x[i]) for i < n; y may be x (the ops run in place). */
typedef void (*unary_loop)(void *y, const void *x, size_t n,
                           const unary_params *p);

/* The op's loops and the attributes of the ops that have some (Elu:
 * alpha; Selu: alpha, gamma; HardSigmoid: alpha, beta), as float32 like
 * ONNX attributes whatever the tensor's type. */
struct unary_params {
    unary_loop loop_float, loop_double;
    float alpha, beta, gamma;
    vec_isa isa;    /* the vector loops the session's kernels allow */
};

/* Refuses attributes not in `known` (NULL-terminated) and sets *params
 * to a unary_params holding the loops, coefficients 0; the op then reads
 * its attributes into them. */
onnxc_status *oc_unary_prepare(const oc_prepare_ctx *ctx,
                            const char *const *known, unary_loop loop_float,
                            unary_loop loop_double, void **params);
/* X must be float or double; Y is X's type and shape. */
onnxc_status *oc_unary_infer(const oc_infer_ctx *ctx);
onnxc_status *oc_unary_run(const oc_run_ctx *ctx);

#define UNARY_TYPES "float, double"

/* Stamps name_float and name_double. BODY is statements setting `y` from
 * `x`, both of type `real` (the element type), with the op's params in
 * `p`. Constants in BODY are written (real)c: a bare 0.5 is a double and
 * would carry the float loop's arithmetic into double. A macro because C
 * has no other way to write one loop for two element types. */
#define UNARY_LOOPS(name, ...)                                                 \
    UNARY_LOOP_OF_TYPE(name##_float, float, __VA_ARGS__)                       \
    UNARY_LOOP_OF_TYPE(name##_double, double, __VA_ARGS__)

#define UNARY_LOOP_OF_TYPE(name, T, ...)                                       \
    static void name(void *ys, const void *xs, size_t n,                       \
                     const unary_params *p)                                    \
    {                                                                          \
        typedef T real;                                                        \
        real *yv = ys;                                                         \
        const real *xv = xs;                                                   \
        (void)p;                                                               \
        for (size_t i = 0; i < n; i++) {                                       \
            real x = xv[i], y;                                                 \
            __VA_ARGS__;                                                       \
            yv[i] = y;                                                         \
        }                                                                      \
    }

/* A math function of the float types with no attributes (Exp, Log, Sin,
 * ...): `oc_op_<op>` named NAME, y = EXPR of x, at the versions listed
 * (0-ended by the macro). Version 1 of the oldest ones carries the legacy
 * `consumed_inputs` attribute, accepted and ignored there. UNARY_MATH_OP_ID
 * also gives the op's identity, for one the compiler's fusions match
 * (Sqrt). */
#define UNARY_MATH_OP(op, NAME, EXPR, ...)                                     \
    UNARY_MATH_OP_ID(op, NAME, OC_OP_OTHER, EXPR, __VA_ARGS__)
#define UNARY_MATH_OP_ID(op, NAME, ID, EXPR, ...)                              \
    UNARY_LOOPS(op, y = (EXPR))                                                \
    UNARY_MATH_OP_OF_LOOPS_ID(op, NAME, ID, __VA_ARGS__)

/* The same op around loops op##_float and op##_double the file wrote
 * itself (Exp's float loop is vectorized). */
#define UNARY_MATH_OP_OF_LOOPS(op, NAME, ...)                                  \
    UNARY_MATH_OP_OF_LOOPS_ID(op, NAME, OC_OP_OTHER, __VA_ARGS__)
#define UNARY_MATH_OP_OF_LOOPS_ID(op, NAME, ID, ...)                           \
    static onnxc_status *op##_prepare(const oc_prepare_ctx *ctx, void **params) \
    {                                                                          \
        static const char *const v1_attrs[] = {"consumed_inputs", NULL};       \
        static const char *const none[] = {NULL};                              \
        return oc_unary_prepare(ctx, ctx->node->op_version < 6 ? v1_attrs      \
                                                               : none,         \
                                op##_float, op##_double, params);              \
    }                                                                          \
    static const int op##_versions[] = {__VA_ARGS__, 0};                       \
    const oc_op oc_op_##op = {                                                 \
        .domain = "",                                                          \
        .op_type = NAME,                                                       \
        .id = ID,                                                              \
        .versions = op##_versions,                                             \
        .last_opset = 21,                                                      \
        .min_inputs = 1, .max_inputs = 1,                                      \
        .min_outputs = 1, .max_outputs = 1,                                    \
        .in_place = true,                                                      \
        .types = UNARY_TYPES,                                                  \
        .prepare = op##_prepare,                                               \
        .infer = oc_unary_infer,                                               \
        .run = oc_unary_run,                                                   \
    };

#endif
