/*
 * where.c - Where: y = cond ? X : Y elementwise, the three broadcast
 * together (versions 9, 16). X and Y have one type, any with a size
 * (float16 and bfloat16 too: nothing is computed on them); cond is bool,
 * any nonzero byte true. The loops go by element size, not type.
 */
#include <string.h>

#include "runtime/core/status.h"
#include "ops/common/broadcast.h"

static onnxc_status *where_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const none[] = {NULL};
    *params = NULL;
    return oc_check_attrs(ctx->node, none);
}

static onnxc_status *where_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const oc_type *const *in = ctx->in;
    oc_type *y = ctx->out[0];
    char desc[300];
    onnxc_status *err;
    oc_shape xy;
    if (in[0]->dtype != ONNXC_BOOL)
        return oc_bad_dtype(node, "condition", in[0]->dtype, "bool");
    if (!oc_dtype_has_size(in[1]->dtype))
        return oc_bad_dtype(node, "X", in[1]->dtype, "any numeric type, bool");
    if (in[2]->dtype != in[1]->dtype)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: X is %s but Y is %s; they must be the same type",
                        oc_node_desc(node, desc, sizeof desc),
                        onnxc_dtype_name(in[1]->dtype),
                        onnxc_dtype_name(in[2]->dtype));
    if ((err = oc_broadcast_shape(node, &in[1]->shape, &in[2]->shape, &xy)) ||
        (err = oc_broadcast_shape(node, &in[0]->shape, &xy, &y->shape)))
        return err;
    y->dtype = in[1]->dtype;
    return NULL;
}

#define WHERE_RUN(name, T)                                                     \
    static void name(void *cookie, void *yv, const void *const *in,            \
                     const size_t *step, size_t n)                             \
    {                                                                          \
        const uint8_t *c = in[0];                                              \
        const T *a = in[1], *b = in[2];                                        \
        T *y = yv;                                                             \
        (void)cookie;                                                          \
        for (size_t i = 0; i < n; i++)                                         \
            y[i] = c[i * step[0]] ? a[i * step[1]] : b[i * step[2]];           \
    }
WHERE_RUN(where_1, uint8_t)
WHERE_RUN(where_2, uint16_t)
WHERE_RUN(where_4, uint32_t)
WHERE_RUN(where_8, uint64_t)
typedef struct bytes16 { uint64_t lo, hi; } bytes16;   /* complex128 */
WHERE_RUN(where_16, bytes16)

static onnxc_status *where_run(const oc_run_ctx *ctx)
{
    const oc_tensor *y = ctx->out[0];
    size_t esize = onnxc_dtype_size(y->dtype);
    size_t sizes[3] = {1, esize, esize};
    bcast_operand ops[3];
    for (int k = 0; k < 3; k++)
        oc_broadcast_align(ctx->in[k], y->rank, &ops[k]);
    bcast_run run = esize == 1 ? where_1 : esize == 2 ? where_2
                  : esize == 4 ? where_4 : esize == 8 ? where_8 : where_16;
    oc_broadcast_walk_n(y->data, esize, y->dims, y->rank, 3, ops, sizes, run,
                        NULL);
    return NULL;
}

static const int where_versions[] = {9, 16, 0};

const oc_op oc_op_where = {
    .domain = "",
    .op_type = "Where",
    .versions = where_versions,
    .last_opset = 21,
    .min_inputs = 3, .max_inputs = 3,
    .min_outputs = 1, .max_outputs = 1,
    .types = "all numeric types, bool; float16, bfloat16 carried",
    .prepare = where_prepare,
    .infer = where_infer,
    .run = where_run,
};
