/* broadcast.c - multidirectional broadcasting: shapes and walks. */
#include <string.h>

#include "runtime/core/status.h"
#include "ops/common/broadcast.h"

static bool dim_is_one(oc_dim d) { return dim_is_known(d) && d.value == 1; }

onnxc_status *oc_broadcast_shape(const oc_node *node, const oc_shape *a,
                              const oc_shape *b, oc_shape *out)
{
    char s1[128], s2[128];
    if (a->rank < 0 || b->rank < 0) {
        out->rank = -1;
        return NULL;
    }
    int rank = a->rank > b->rank ? a->rank : b->rank;
    out->rank = rank;
    for (int d = 0; d < rank; d++) {
        int da = d - (rank - a->rank), db = d - (rank - b->rank);
        oc_dim x = da >= 0 ? a->dims[da] : dim_known(1);
        oc_dim y = db >= 0 ? b->dims[db] : dim_known(1);
        if (dim_is_one(x))
            out->dims[d] = y;
        else if (dim_is_one(y))
            out->dims[d] = x;
        else if (dim_is_known(x) && dim_is_known(y)) {
            if (x.value != y.value)
                return oc_error(ONNXC_ERR_SHAPE,
                                "node '%s' (%s): shapes %s and %s do not "
                                "broadcast (dim %d: %lld vs %lld)",
                                node->label, node->op_type,
                                oc_shape_format(a, NULL, s1, sizeof s1),
                                oc_shape_format(b, NULL, s2, sizeof s2), d,
                                (long long)x.value, (long long)y.value);
            out->dims[d] = x;
        } else if (dim_is_known(x))
            out->dims[d] = x;   /* the symbol is 1 or equal: checked at run */
        else if (dim_is_known(y))
            out->dims[d] = y;
        else
            out->dims[d] = x.sym == y.sym ? x : dim_unknown();
    }
    return NULL;
}

void oc_broadcast_align(const oc_tensor *t, int rank, bcast_operand *op)
{
    op->data = t->data;
    for (int d = 0; d < rank; d++) {
        int k = d - (rank - t->rank);
        op->dims[d] = k >= 0 ? t->dims[k] : 1;
    }
}

/* Adapts the binary loop to the walk's run callback. */
typedef struct binary_loop_box {
    bcast_loop loop;
} binary_loop_box;

static void binary_run(void *box, void *y, const void *const *in,
                       const size_t *step, size_t n)
{
    ((const binary_loop_box *)box)->loop(y, in[0], step[0], in[1], step[1], n);
}

void oc_broadcast_walk(void *y, const int64_t *dims, int rank, size_t y_esize,
                       size_t in_esize, const bcast_operand *a,
                       const bcast_operand *b, bcast_loop loop)
{
    bcast_operand in[2] = {*a, *b};
    size_t esize[2] = {in_esize, in_esize};
    binary_loop_box box = {loop};
    oc_broadcast_walk_n(y, y_esize, dims, rank, 2, in, esize, binary_run, &box);
}

void oc_broadcast_walk_n(void *y, size_t y_esize, const int64_t *dims,
                         int rank, int n_in, const bcast_operand *in,
                         const size_t *esize, bcast_run run, void *cookie)
{
    /* Element strides of each operand per output dim (0: broadcast). */
    size_t s[BCAST_MAX_OPERANDS][ONNXC_MAX_RANK], n[ONNXC_MAX_RANK];
    size_t stride[BCAST_MAX_OPERANDS], step[BCAST_MAX_OPERANDS];
    size_t count = 1;
    for (int k = 0; k < n_in; k++)
        stride[k] = 1;
    for (int d = rank - 1; d >= 0; d--) {
        n[d] = (size_t)dims[d];
        for (int k = 0; k < n_in; k++) {
            s[k][d] = in[k].dims[d] == 1 && dims[d] != 1 ? 0 : stride[k];
            stride[k] *= (size_t)in[k].dims[d];
        }
        count *= n[d];
    }
    if (count == 0)
        return;
    /* Merge inner dims into one run while every operand keeps the same
     * kind of stride (1 or 0) across them. */
    size_t len = 1;
    int inner = rank;
    for (int k = 0; k < n_in; k++)
        step[k] = rank > 0 && s[k][rank - 1] ? 1 : rank == 0;
    while (inner > 0) {
        int d = inner - 1;
        bool same = true;
        for (int k = 0; k < n_in && same; k++)
            same = step[k] ? s[k][d] == len : s[k][d] == 0;
        if (n[d] != 1 && !same)
            break;
        len *= n[d];
        inner--;
    }
    /* An odometer over the outer dims [0, inner). */
    size_t idx[ONNXC_MAX_RANK] = {0}, off[BCAST_MAX_OPERANDS] = {0};
    const void *at[BCAST_MAX_OPERANDS];
    unsigned char *out = y;
    for (size_t done = 0; done < count; done += len) {
        for (int k = 0; k < n_in; k++)
            at[k] = (const unsigned char *)in[k].data + off[k] * esize[k];
        run(cookie, out, at, step, len);
        out += len * y_esize;
        for (int d = inner - 1; d >= 0; d--) {
            bool carry = ++idx[d] == n[d];
            for (int k = 0; k < n_in; k++)
                off[k] = carry ? off[k] - s[k][d] * (n[d] - 1)
                               : off[k] + s[k][d];
            if (!carry)
                break;
            idx[d] = 0;
        }
    }
}
