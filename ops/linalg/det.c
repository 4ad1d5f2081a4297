/*
 * det.c - Det (version 11): the determinant of each square matrix in the
 * last two dims of X, [*, M, M] -> [*].
 *
 * Gaussian elimination with partial pivoting (the largest magnitude in
 * the column goes on the diagonal) on a double copy of each matrix: the
 * product of the pivots, signed by the row swaps, rounded once to X's
 * type. A singular matrix meets a zero pivot and gives 0 (-0 is not
 * distinguished); a 0x0 matrix gives 1, the empty product. NaN and
 * infinities propagate through the arithmetic.
 */
#include <math.h>
#include <string.h>

#include "ops/common/op_util.h"

static onnxc_status *det_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const none[] = {NULL};
    *params = NULL;
    return oc_check_attrs(ctx->node, none);
}

static onnxc_status *det_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const oc_type *x = ctx->in[0];
    oc_type *y = ctx->out[0];
    char desc[300], s[200];
    if (x->dtype != ONNXC_FLOAT && x->dtype != ONNXC_DOUBLE)
        return oc_bad_dtype(node, "X", x->dtype, "float, double");
    y->dtype = x->dtype;
    y->shape.rank = -1;
    if (x->shape.rank < 0)
        return NULL;
    int r = x->shape.rank;
    oc_dim m = r >= 2 ? x->shape.dims[r - 2] : dim_unknown();
    oc_dim n = r >= 2 ? x->shape.dims[r - 1] : dim_unknown();
    if (r < 2 || (dim_is_known(m) && dim_is_known(n) && m.value != n.value))
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: X is %s; Det takes square matrices in its last "
                        "two dims ([*, M, M])",
                        oc_node_desc(node, desc, sizeof desc),
                        oc_shape_format(&x->shape, NULL, s, sizeof s));
    y->shape.rank = r - 2;
    for (int d = 0; d < r - 2; d++)
        y->shape.dims[d] = x->shape.dims[d];
    return NULL;
}

/* One M x M matrix as doubles. */
static size_t det_workspace(const oc_run_ctx *ctx)
{
    const oc_tensor *x = ctx->in[0];
    size_t m = x->rank >= 2 ? (size_t)x->dims[x->rank - 1] : 0;
    return m * m * sizeof(double);   /* no more elements than X holds */
}

/* The determinant of a (m x m, row-major), which it overwrites. */
static double det_of(double *a, size_t m)
{
    double det = 1;
    for (size_t c = 0; c < m; c++) {
        size_t p = c;
        for (size_t r = c + 1; r < m; r++)
            if (fabs(a[r * m + c]) > fabs(a[p * m + c]))
                p = r;
        if (p != c) {
            for (size_t k = c; k < m; k++) {
                double t = a[c * m + k];
                a[c * m + k] = a[p * m + k];
                a[p * m + k] = t;
            }
            det = -det;
        }
        double pivot = a[c * m + c];
        det *= pivot;
        if (pivot == 0)
            return 0;
        for (size_t r = c + 1; r < m; r++) {
            double f = a[r * m + c] / pivot;
            for (size_t k = c + 1; k < m; k++)
                a[r * m + k] -= f * a[c * m + k];
        }
    }
    return det;
}

static onnxc_status *det_run(const oc_run_ctx *ctx)
{
    const oc_tensor *x = ctx->in[0];
    oc_tensor *y = ctx->out[0];
    int r = x->rank;
    if (r < 2)
        return oc_run_error(ctx, "X has rank %d; Det takes [*, M, M]", r);
    if (x->dims[r - 1] != x->dims[r - 2])
        return oc_run_error(ctx, "X's last two dims are %lld x %lld; Det "
                            "takes square matrices",
                            (long long)x->dims[r - 2], (long long)x->dims[r - 1]);
    size_t m = (size_t)x->dims[r - 1], count = oc_tensor_count(y);
    double *a = ctx->workspace;
    bool is_float = x->dtype == ONNXC_FLOAT;
    for (size_t i = 0; i < count; i++) {
        for (size_t k = 0; k < m * m; k++)
            a[k] = is_float ? ((const float *)x->data)[i * m * m + k]
                            : ((const double *)x->data)[i * m * m + k];
        double det = det_of(a, m);
        if (is_float)
            ((float *)y->data)[i] = (float)det;
        else
            ((double *)y->data)[i] = det;
    }
    return NULL;
}

static const int det_versions[] = {11, 0};

const oc_op oc_op_det = {
    .domain = "",
    .op_type = "Det",
    .versions = det_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .types = "float, double",
    .prepare = det_prepare,
    .infer = det_infer,
    .run = det_run,
    .workspace = det_workspace,
};
