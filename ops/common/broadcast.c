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

void oc_broadcast_walk(void *y, const int64_t *dims, int rank, size_t esize,
                    const bcast_operand *a, const bcast_operand *b,
                    bcast_loop loop)
{
    /* Element strides of each operand per output dim (0: broadcast). */
    size_t sa[ONNXC_MAX_RANK], sb[ONNXC_MAX_RANK], n[ONNXC_MAX_RANK];
    size_t stride_a = 1, stride_b = 1, count = 1;
    for (int d = rank - 1; d >= 0; d--) {
        n[d] = (size_t)dims[d];
        sa[d] = a->dims[d] == 1 && dims[d] != 1 ? 0 : stride_a;
        sb[d] = b->dims[d] == 1 && dims[d] != 1 ? 0 : stride_b;
        stride_a *= (size_t)a->dims[d];
        stride_b *= (size_t)b->dims[d];
        count *= n[d];
    }
    if (count == 0)
        return;
    /* Merge inner dims into one run while both operands keep the same
     * kind of stride (1 or 0) across them. */
    size_t run = 1, ra = 1, rb = 1;
    int inner = rank;
    if (rank > 0) {
        ra = sa[rank - 1] ? 1 : 0;
        rb = sb[rank - 1] ? 1 : 0;
    }
    while (inner > 0) {
        int d = inner - 1;
        bool a_ok = ra ? sa[d] == run : sa[d] == 0;
        bool b_ok = rb ? sb[d] == run : sb[d] == 0;
        if (n[d] != 1 && (!a_ok || !b_ok))
            break;
        run *= n[d];
        inner--;
    }
    /* An odometer over the outer dims [0, inner). */
    size_t idx[ONNXC_MAX_RANK] = {0};
    size_t off_a = 0, off_b = 0;
    unsigned char *out = y;
    const unsigned char *pa = a->data, *pb = b->data;
    for (size_t done = 0; done < count; done += run) {
        loop(out, pa + off_a * esize, ra, pb + off_b * esize, rb, run);
        out += run * esize;
        for (int d = inner - 1; d >= 0; d--) {
            if (++idx[d] < n[d]) {
                off_a += sa[d];
                off_b += sb[d];
                break;
            }
            idx[d] = 0;
            off_a -= sa[d] * (n[d] - 1);
            off_b -= sb[d] * (n[d] - 1);
        }
    }
}
