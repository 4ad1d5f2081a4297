/*
 * binary.h - what the elementwise binary operators share (Add, Sub, Mul,
 * Div): attributes, type and shape checks, and the broadcast walk.
 *
 * Each operator file gives a table of inner loops indexed by element type
 * (NULL: the type is not run) and the text naming those types; this file
 * does the rest. The arithmetic four give only their expressions, to
 * BINARY_ARITH_OP. From version 7 the operands broadcast both ways (numpy);
 * before, B broadcasts onto A only when the node says broadcast=1,
 * aligned at `axis` or at A's last dims.
 */
#ifndef ONNXC_BINARY_H
#define ONNXC_BINARY_H

#include "ops/common/broadcast.h"

#define BINARY_DTYPES 17  /* onnxc_dtype values 0..16 */

typedef struct binary_kernels {
    bcast_loop loops[BINARY_DTYPES];   /* indexed by the inputs' type */
    const char *types;  /* "float, double, int32, ..." */
    onnxc_dtype out_dtype;  /* bool for comparisons; 0: the inputs' type */
    /* Run every type in loops at every version; else the arithmetic
     * ops' rule (floats only before 6, 8- and 16-bit integers from 14). */
    bool any_version;
    /* The op's own attributes (Mod's fmod), NULL-terminated, or NULL. */
    const char *const *attrs;
} binary_kernels;

onnxc_status *oc_binary_prepare(const oc_node *node, oc_pool *pool,
                             const binary_kernels *kernels, void **params);
onnxc_status *oc_binary_infer(const oc_infer_ctx *ctx);
onnxc_status *oc_binary_run(const oc_run_ctx *ctx);

/* The versions every binary arithmetic operator shares up to opset 21. */
extern const int oc_binary_arith_versions[];

#endif

/* Stamps the inner loop `name` over element type T computing
 * y[i] = EXPR with x = a[i * sa] and z = b[i * sb]: one loop per stride
 * pattern, so the compiler vectorizes each. A macro because C has no
 * other way to write one loop for ten element types. y may alias a or b
 * element for element (in-place runs). */
#define BINARY_LOOP(name, T, EXPR) BINARY_LOOP_TO(name, T, T, EXPR)

/* The same with outputs of type TY (bool for comparisons). */
#define BINARY_LOOP_TO(name, TY, T, EXPR)                                      \
    static void name(void *yv, const void *av, size_t sa, const void *bv,      \
                     size_t sb, size_t n)                                      \
    {                                                                          \
        TY *y = yv;                                                            \
        const T *a = av, *b = bv;                                              \
        if (sa && sb) {                                                        \
            for (size_t i = 0; i < n; i++) {                                   \
                T x = a[i], z = b[i];                                          \
                y[i] = (EXPR);                                                 \
            }                                                                  \
        } else if (sb) {                                                       \
            T x = a[0];                                                        \
            for (size_t i = 0; i < n; i++) {                                   \
                T z = b[i];                                                    \
                y[i] = (EXPR);                                                 \
            }                                                                  \
        } else if (sa) {                                                       \
            T z = b[0];                                                        \
            for (size_t i = 0; i < n; i++) {                                   \
                T x = a[i];                                                    \
                y[i] = (EXPR);                                                 \
            }                                                                  \
        } else {                                                               \
            T x = a[0], z = b[0];                                              \
            TY v = (EXPR);                                                     \
            for (size_t i = 0; i < n; i++)                                     \
                y[i] = v;                                                      \
        }                                                                      \
    }

/* One operator of the arithmetic family (Add, Sub, Mul, Div: versions 1,
 * 6, 7, 13, 14 over the BINARY_TYPES): its ten loops, kernel table,
 * prepare hook and oc_op `oc_op_<op>`. The family differs in nothing but
 * the expression of x and z: FE for float and double, SE(T) for the
 * signed integer types and UE(T) for the unsigned ones (SE and UE are the
 * names of function-like macros of T). ID is the op's identity for the
 * compiler's passes (OC_OP_OTHER when none matches on it). */
#define BINARY_ARITH_OP(op, NAME, ID, FE, SE, UE)                              \
    BINARY_LOOP(op##_float, float, FE)                                         \
    BINARY_LOOP(op##_double, double, FE)                                       \
    BINARY_LOOP(op##_int8, int8_t, SE(int8_t))                                 \
    BINARY_LOOP(op##_int16, int16_t, SE(int16_t))                              \
    BINARY_LOOP(op##_int32, int32_t, SE(int32_t))                              \
    BINARY_LOOP(op##_int64, int64_t, SE(int64_t))                              \
    BINARY_LOOP(op##_uint8, uint8_t, UE(uint8_t))                              \
    BINARY_LOOP(op##_uint16, uint16_t, UE(uint16_t))                           \
    BINARY_LOOP(op##_uint32, uint32_t, UE(uint32_t))                           \
    BINARY_LOOP(op##_uint64, uint64_t, UE(uint64_t))                           \
    static const binary_kernels op##_kernels = {                               \
        .loops = {                                                             \
            [ONNXC_FLOAT] = op##_float, [ONNXC_DOUBLE] = op##_double,          \
            [ONNXC_INT8] = op##_int8, [ONNXC_INT16] = op##_int16,              \
            [ONNXC_INT32] = op##_int32, [ONNXC_INT64] = op##_int64,            \
            [ONNXC_UINT8] = op##_uint8, [ONNXC_UINT16] = op##_uint16,          \
            [ONNXC_UINT32] = op##_uint32, [ONNXC_UINT64] = op##_uint64,        \
        },                                                                     \
        .types = BINARY_TYPES,                                                 \
    };                                                                         \
    static onnxc_status *op##_prepare(const oc_prepare_ctx *ctx,               \
                                      void **params)                           \
    {                                                                          \
        return oc_binary_prepare(ctx->node, ctx->pool, &op##_kernels, params); \
    }                                                                          \
    const oc_op oc_op_##op = {                                                 \
        .domain = "",                                                          \
        .op_type = NAME,                                                       \
        .id = ID,                                                              \
        .versions = oc_binary_arith_versions,                                  \
        .last_opset = 21,                                                      \
        .min_inputs = 2, .max_inputs = 2,                                      \
        .min_outputs = 1, .max_outputs = 1,                                    \
        .in_place = true,                                                      \
        .types = BINARY_TYPES,                                                 \
        .prepare = op##_prepare,                                               \
        .infer = oc_binary_infer,                                              \
        .run = oc_binary_run,                                                  \
    };

/* Integer arithmetic wraps (two's complement) as onnxruntime's does;
 * signed overflow in C would be undefined, so it is done unsigned. */
#define WRAP(T, e) ((T)(uint64_t)(e))

/* What the arithmetic ops run, as the spec's type lists grew. */
#define BINARY_TYPES                                                           \
    "float, double; int32, int64, uint32, uint64 from version 6; int8, "       \
    "int16, uint8, uint16 from version 14"
