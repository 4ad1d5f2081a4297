/*
 * map.h - what the elementwise maps over any element type share (Neg,
 * Abs, Sign, Not; the float activations have unary.h): attribute checks,
 * the type check against the op's table of loops, and a run that hands
 * the whole tensor to the loop of its type.
 */
#ifndef ONNXC_MAP_H
#define ONNXC_MAP_H

#include "ops/common/op_util.h"

#define MAP_DTYPES 17  /* onnxc_dtype values 0..16 */

/* y[i] = f(x[i]) for i < n; y may be x (the ops run in place). */
typedef void (*map_loop)(void *y, const void *x, size_t n);

typedef struct map_kernels {
    map_loop loops[MAP_DTYPES];   /* NULL: the type is not run */
    const char *types;            /* the text naming them */
} map_kernels;

/* Version 1 of the older ops carries `consumed_inputs`, ignored; later
 * versions have no attributes. params becomes the kernels. */
onnxc_status *oc_map_prepare(const oc_prepare_ctx *ctx,
                             const map_kernels *kernels, void **params);
/* X's type must have a loop; Y is X's type and shape. */
onnxc_status *oc_map_infer(const oc_infer_ctx *ctx);
onnxc_status *oc_map_run(const oc_run_ctx *ctx);

/* Stamps the loop `name` over element type T with y[i] = EXPR of x; EXPR
 * names the type `elem`. */
#define MAP_LOOP(name, T, EXPR)                                                \
    static void name(void *yv, const void *xv, size_t n)                       \
    {                                                                          \
        typedef T elem;                                                        \
        elem *y = yv;                                                          \
        const elem *xs = xv;                                                   \
        for (size_t i = 0; i < n; i++) {                                       \
            elem x = xs[i];                                                    \
            y[i] = (elem)(EXPR);                                               \
        }                                                                      \
    }

/* The same EXPR for the signed integer types (loops name_int8 ...). */
#define MAP_LOOPS_SIGNED(name, EXPR)                                           \
    MAP_LOOP(name##_int8, int8_t, EXPR)                                        \
    MAP_LOOP(name##_int16, int16_t, EXPR)                                      \
    MAP_LOOP(name##_int32, int32_t, EXPR)                                      \
    MAP_LOOP(name##_int64, int64_t, EXPR)
#define MAP_LOOPS_UNSIGNED(name, EXPR)                                         \
    MAP_LOOP(name##_uint8, uint8_t, EXPR)                                      \
    MAP_LOOP(name##_uint16, uint16_t, EXPR)                                    \
    MAP_LOOP(name##_uint32, uint32_t, EXPR)                                    \
    MAP_LOOP(name##_uint64, uint64_t, EXPR)
#define MAP_LOOPS_FLOAT(name, EXPR)                                            \
    MAP_LOOP(name##_float, float, EXPR)                                        \
    MAP_LOOP(name##_double, double, EXPR)

/* Table entries for the loops the macros above stamp. */
#define MAP_ENTRIES_SIGNED(name)                                               \
    [ONNXC_INT8] = name##_int8, [ONNXC_INT16] = name##_int16,                  \
    [ONNXC_INT32] = name##_int32, [ONNXC_INT64] = name##_int64
#define MAP_ENTRIES_UNSIGNED(name)                                             \
    [ONNXC_UINT8] = name##_uint8, [ONNXC_UINT16] = name##_uint16,              \
    [ONNXC_UINT32] = name##_uint32, [ONNXC_UINT64] = name##_uint64
#define MAP_ENTRIES_FLOAT(name)                                                \
    [ONNXC_FLOAT] = name##_float, [ONNXC_DOUBLE] = name##_double

/* Negation that wraps (-INT64_MIN is INT64_MIN, as onnxruntime gives),
 * done unsigned because signed overflow is undefined in C. */
#define MAP_NEG_WRAP(T, x) ((T)(0 - (uint64_t)(x)))

#endif
