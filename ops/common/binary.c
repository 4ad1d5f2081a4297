/* binary.c - attributes, checks and the run of elementwise binary ops. */
#include <string.h>

#include "runtime/core/status.h"
#include "ops/common/binary.h"

typedef struct binary_params {
    const binary_kernels *kernels;
    bool legacy;       /* before version 7: B onto A, or equal shapes */
    bool broadcast;    /* legacy: broadcast=1 */
    bool has_axis;
    int64_t axis;
} binary_params;

const int oc_binary_arith_versions[] = {1, 6, 7, 13, 14, 0};

onnxc_status *oc_binary_prepare(const oc_node *node, oc_pool *pool,
                             const binary_kernels *kernels, void **params)
{
    static const char *const v1_attrs[] = {"broadcast", "axis",
                                           "consumed_inputs", NULL};
    static const char *const v6_attrs[] = {"broadcast", "axis", NULL};
    static const char *const none[] = {NULL};
    onnxc_status *err;
    int64_t broadcast;
    binary_params *p = oc_pool_calloc(pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    p->kernels = kernels;
    p->legacy = node->op_version < 7;
    const char *const *known = node->op_version < 6   ? v1_attrs
                               : node->op_version < 7 ? v6_attrs
                               : kernels->attrs       ? kernels->attrs
                                                      : none;
    if ((err = oc_check_attrs(node, known)) ||
        (err = oc_attr_int(node, "broadcast", 0, &broadcast)) ||
        (err = oc_attr_int(node, "axis", 0, &p->axis)))
        return err;
    p->broadcast = broadcast != 0;
    p->has_axis = oc_node_attr(node, "axis") != NULL;
    *params = p;
    return NULL;
}

/* Legacy broadcast: where B's first dim sits in A, or -1 if B does not fit. */
static int legacy_offset(const binary_params *p, int rank_a, int rank_b)
{
    if (rank_b > rank_a)
        return -1;
    int64_t at = p->has_axis ? p->axis : rank_a - rank_b;
    if (at < 0)
        at += rank_a;
    return at < 0 || at + rank_b > rank_a ? -1 : (int)at;
}

static onnxc_status *legacy_shape(const oc_node *node, const binary_params *p,
                                  const oc_shape *a, const oc_shape *b,
                                  oc_shape *out)
{
    char s1[128], s2[128];
    *out = *a;
    if (a->rank < 0 || b->rank < 0)
        return NULL;
    int at = p->broadcast ? legacy_offset(p, a->rank, b->rank) : 0;
    bool ok = p->broadcast ? at >= 0 : a->rank == b->rank;
    for (int d = 0; ok && d < b->rank; d++) {
        oc_dim x = a->dims[at + d], y = b->dims[d];
        ok = !dim_is_known(x) || !dim_is_known(y) || x.value == y.value ||
             (p->broadcast && y.value == 1);
    }
    if (ok)
        return NULL;
    if (p->broadcast)
        return oc_error(ONNXC_ERR_SHAPE,
                        "node '%s' (%s-%d): B %s does not fit A %s at axis "
                        "%lld (legacy broadcast)",
                        node->label, node->op_type, node->op_version,
                        oc_shape_format(b, NULL, s2, sizeof s2),
                        oc_shape_format(a, NULL, s1, sizeof s1),
                        (long long)(p->has_axis ? p->axis : a->rank - b->rank));
    return oc_error(ONNXC_ERR_SHAPE,
                    "node '%s' (%s-%d): A %s and B %s differ and the node "
                    "does not set broadcast=1",
                    node->label, node->op_type, node->op_version,
                    oc_shape_format(a, NULL, s1, sizeof s1),
                    oc_shape_format(b, NULL, s2, sizeof s2));
}

onnxc_status *oc_binary_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const void *params = ctx->params;
    const oc_type *const *in = ctx->in;
    oc_type *const *out = ctx->out;
    const binary_params *p = params;
    onnxc_dtype t = in[0]->dtype;
    /* The spec's type lists grew: floats only in version 1, 8- and 16-bit
     * integers from 14. */
    bool small_int = t == ONNXC_INT8 || t == ONNXC_INT16 || t == ONNXC_UINT8 ||
                     t == ONNXC_UINT16;
    bool is_float = t == ONNXC_FLOAT || t == ONNXC_DOUBLE;
    bool gated = !p->kernels->any_version &&
                 ((node->op_version < 6 && !is_float) ||
                  (node->op_version < 14 && small_int));
    if ((unsigned)t >= BINARY_DTYPES || !p->kernels->loops[t] || gated)
        return oc_bad_dtype(node, "A", t, p->kernels->types);
    if (in[1]->dtype != t)
        return oc_error(ONNXC_ERR_SHAPE,
                        "node '%s' (%s): A is %s but B is %s; they must be "
                        "the same type",
                        node->label, node->op_type, onnxc_dtype_name(t),
                        onnxc_dtype_name(in[1]->dtype));
    out[0]->dtype = p->kernels->out_dtype ? p->kernels->out_dtype : t;
    if (p->legacy)
        return legacy_shape(node, p, &in[0]->shape, &in[1]->shape,
                            &out[0]->shape);
    return oc_broadcast_shape(node, &in[0]->shape, &in[1]->shape, &out[0]->shape);
}

onnxc_status *oc_binary_run(const oc_run_ctx *ctx)
{
    const void *params = ctx->params;
    const oc_tensor *const *in = ctx->in;
    oc_tensor *const *out = ctx->out;
    const binary_params *p = params;
    const oc_tensor *y = out[0];
    bcast_operand a, b;
    oc_broadcast_align(in[0], y->rank, &a);
    if (p->legacy) {
        /* B's dims at their offset in A, ones around them. */
        int at = p->broadcast ? legacy_offset(p, in[0]->rank, in[1]->rank) : 0;
        b.data = in[1]->data;
        for (int d = 0; d < y->rank; d++)
            b.dims[d] = d >= at && d < at + in[1]->rank ? in[1]->dims[d - at] : 1;
    } else {
        oc_broadcast_align(in[1], y->rank, &b);
    }
    onnxc_dtype t = in[0]->dtype;
    oc_broadcast_walk(y->data, y->dims, y->rank, onnxc_dtype_size(y->dtype),
                      onnxc_dtype_size(t), &a, &b, p->kernels->loops[t]);
    return NULL;
}
