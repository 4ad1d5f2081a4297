/*
 * max_pool.c - MaxPool (1, 8, 10, 11, 12): the largest value in each
 * window. From 8 an optional second output, Indices, gives where each
 * came from in the input flattened whole (N and C offsets included),
 * the spatial part column-major with storage_order 1; ceil_mode and
 * dilations from 10, int8 and uint8 from 12 (float16 is refused).
 */
#include "ops/pool/pool.h"
#include "runtime/core/status.h"

static onnxc_status *max_pool_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const v1[] = {"auto_pad", "kernel_shape", "pads",
                                     "strides", NULL};
    static const char *const v8[] = {"auto_pad", "kernel_shape", "pads",
                                     "strides", "storage_order", NULL};
    static const char *const v10[] = {"auto_pad", "kernel_shape", "pads",
                                      "strides", "storage_order", "ceil_mode",
                                      "dilations", NULL};
    const oc_node *node = ctx->node;
    int v = node->op_version;
    char desc[160];
    int64_t order = 0;
    pool_params *p;
    onnxc_status *err = oc_pooling_prepare(ctx, POOL_MAX, false,
                                     v >= 10 ? v10 : v >= 8 ? v8 : v1,
                                     v >= 10 ? OC_WINDOW_DILATIONS | OC_WINDOW_CEIL_MODE
                                             : 0, &p);
    if (err || (err = oc_attr_int(node, "storage_order", 0, &order)))
        return err;
    if (order != 0 && order != 1)
        return oc_error(ONNXC_ERR_INVALID_MODEL, "%s: storage_order is %lld; "
                        "expected 0 (row-major) or 1 (column-major)",
                        oc_node_desc(node, desc, sizeof desc), (long long)order);
    if (v < 8 && node->n_outputs > 1)
        return oc_error(ONNXC_ERR_INVALID_MODEL, "%s: %d outputs; MaxPool-%d "
                        "has one (Indices comes with version 8)",
                        oc_node_desc(node, desc, sizeof desc), node->n_outputs, v);
    p->column_major = order == 1;
    p->small_ints = v >= 12;
    *params = p;
    return NULL;
}

POOL_OP(max_pool, "MaxPool", 2, "float, double; int8, uint8 from 12",
        max_pool_prepare, 1, 8, 10, 11, 12)
