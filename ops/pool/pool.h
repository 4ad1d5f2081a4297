/*
 * pool.h - what the pooling operators share: their parameters, infer,
 * run, and the one walk over output positions and the window taps that
 * fall inside the input (ops/pool/pool.c). MaxPool, AveragePool and
 * LpPool slide a window whose geometry is ops/common/window.h's; the
 * Global* ones are the same reductions with the window set to the whole
 * of each spatial dim.
 *
 * Each operator file names the attributes of each of its versions and
 * its element types, and stamps its oc_op with POOL_OP.
 */
#ifndef ONNXC_OPS_POOL_H
#define ONNXC_OPS_POOL_H

#include "ops/common/op_util.h"
#include "ops/common/window.h"

typedef enum pool_kind {
    POOL_MAX,
    POOL_AVERAGE,
    POOL_LP
} pool_kind;

typedef struct pool_params {
    pool_kind kind;
    bool global;              /* the window is every spatial dim whole */
    oc_window_attrs win;      /* the windowed pools' geometry attributes */
    bool count_include_pad;   /* AveragePool: pads count in the divisor */
    double p;                 /* LpPool: the norm's exponent */
    bool column_major;        /* MaxPool's Indices: storage_order 1 */
    bool small_ints;          /* int8 and uint8 accepted (MaxPool 12) */
    bool plane_walk;          /* the 2-D fast path may run (not on the
                               * portable and reference kernels) */
} pool_params;

/* Checks the node's attributes against `known` (NULL-ended), reads the
 * window's (flags as oc_window_read; none for a Global pool) and gives
 * params of `kind`, which the op file completes. */
onnxc_status *oc_pooling_prepare(const oc_prepare_ctx *ctx, pool_kind kind,
                           bool global, const char *const *known,
                           unsigned flags, pool_params **params);

/* LpPool's p: a float attribute in version 1 of LpPool and GlobalLpPool,
 * an int from 2; at least 1. */
onnxc_status *oc_pooling_read_p(const oc_node *node, bool float_attr, double *p);

onnxc_status *oc_pooling_infer(const oc_infer_ctx *ctx);
onnxc_status *oc_pooling_run(const oc_run_ctx *ctx);
size_t oc_pooling_workspace(const oc_run_ctx *ctx);

/* The geometry of the pool over an input of shape x (rank >= 3): the
 * output dims, and a SHAPE error for a window that would cover only
 * padding (its max or mean would be of nothing). */
onnxc_status *oc_pooling_geometry(const oc_node *node, const pool_params *p,
                            const int64_t *x_dims, int x_rank, oc_window *w);

/* The taps of the window at output position o along dim d: the input
 * index of the first inside the input, how many are inside it, and how
 * many inside the padded input. */
void oc_pooling_dim_taps(const oc_window *w, int d, int64_t o, int64_t *first,
                         int64_t *inside, int64_t *padded);

/* The 2-D fast path (pool_2d.c): whether it runs this pool, its workspace,
 * and the run, which gives the general walk's results. */
bool oc_pooling_plane_walk_fits(const pool_params *p, const oc_window *w,
                                onnxc_dtype dtype, bool indices);
size_t oc_pooling_plane_walk_workspace(const oc_window *w, int threads);
void oc_pooling_plane_walk(const oc_run_ctx *ctx, const oc_window *w);

#define POOL_FLOAT_TYPES "float, double"

/* A pooling operator `oc_op_<op>` named NAME with up to OUTPUTS outputs
 * at the versions given (0-ended here); PREPARE makes its params. */
#define POOL_OP(op, NAME, OUTPUTS, TYPES, PREPARE, ...)                        \
    static const int op##_versions[] = {__VA_ARGS__, 0};                       \
    const oc_op oc_op_##op = {                                                 \
        .domain = "",                                                          \
        .op_type = NAME,                                                       \
        .versions = op##_versions,                                             \
        .last_opset = 21,                                                      \
        .min_inputs = 1, .max_inputs = 1,                                      \
        .min_outputs = 1, .max_outputs = OUTPUTS,                              \
        .types = TYPES,                                                        \
        .prepare = PREPARE,                                                    \
        .infer = oc_pooling_infer,                                             \
        .run = oc_pooling_run,                                                 \
        .workspace = oc_pooling_workspace,                                     \
    };

#endif
