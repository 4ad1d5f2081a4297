/*
 * unique.c - Unique: the distinct elements of x (flattened), or with
 * `axis` its distinct slices along that axis, sorted ascending (sorted=1,
 * the default) or in order of first occurrence (version 11). Outputs: Y,
 * then int64 indices (each unique entry's first occurrence), inverse
 * indices (each input entry's place in Y) and counts. Slices compare
 * lexicographically; NaN equals NaN and sorts after every number, as
 * NumPy's unique does. How many are distinct only the run knows: the
 * node is data-dependent (op.h), planned at "all of them".
 *
 * The run sorts entry numbers (a stable merge sort, in the workspace),
 * groups equal runs, and for sorted=0 orders the groups by their first
 * occurrence.
 */
#include <math.h>
#include <string.h>

#include "runtime/core/status.h"
#include "ops/common/op_util.h"

typedef struct unique_params {
    bool has_axis, sorted;
    int64_t axis;
} unique_params;

static onnxc_status *unique_prepare(const oc_prepare_ctx *ctx, void **params)
{
    static const char *const attrs[] = {"axis", "sorted", NULL};
    int64_t sorted;
    onnxc_status *err;
    unique_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    p->has_axis = oc_node_attr(ctx->node, "axis") != NULL;
    if ((err = oc_check_attrs(ctx->node, attrs)) ||
        (err = oc_attr_int(ctx->node, "axis", 0, &p->axis)) ||
        (err = oc_attr_int(ctx->node, "sorted", 1, &sorted)))
        return err;
    p->sorted = sorted != 0;
    *params = p;
    return NULL;
}

static bool comparable(onnxc_dtype t)
{
    switch (t) {
    case ONNXC_FLOAT: case ONNXC_DOUBLE: case ONNXC_BOOL:
    case ONNXC_INT8: case ONNXC_INT16: case ONNXC_INT32: case ONNXC_INT64:
    case ONNXC_UINT8: case ONNXC_UINT16: case ONNXC_UINT32: case ONNXC_UINT64:
        return true;
    default:
        return false;
    }
}

/* The layout of x as entries: n entries of outer x inner elements. */
typedef struct entries {
    size_t n, outer, inner;
} entries;

static entries entries_of(const unique_params *p, const oc_tensor *x)
{
    entries e = {oc_tensor_count(x), 1, 1};
    if (p->has_axis) {
        int axis = (int)(p->axis < 0 ? p->axis + x->rank : p->axis);
        e.n = (size_t)x->dims[axis];
        for (int d = 0; d < axis; d++)
            e.outer *= (size_t)x->dims[d];
        for (int d = axis + 1; d < x->rank; d++)
            e.inner *= (size_t)x->dims[d];
    }
    return e;
}

static onnxc_status *unique_infer(const oc_infer_ctx *ctx)
{
    const oc_node *node = ctx->node;
    const unique_params *p = ctx->params;
    const oc_type *x = ctx->in[0];
    char desc[300];
    onnxc_status *err;
    int axis = 0;
    if (!comparable(x->dtype))
        return oc_bad_dtype(node, "X", x->dtype, "numeric types, bool");
    oc_dim n = dim_unknown();
    if (x->shape.rank >= 0 && p->has_axis &&
        (err = oc_axis(node, p->axis, x->shape.rank, false, &axis)))
        return err;
    if (x->shape.rank >= 0 && !p->has_axis &&
        !oc_shape_product(&x->shape, 0, x->shape.rank, &n))
        return oc_error(ONNXC_ERR_SHAPE, "%s: the input's size overflows",
                        oc_node_desc(node, desc, sizeof desc));
    if (x->shape.rank >= 0 && p->has_axis)
        n = x->shape.dims[axis];
    /* at load the count is unknown; planning, the most it can be */
    oc_dim u = ctx->concrete ? n : dim_unknown();
    for (int k = 0; k < ctx->n_out; k++) {
        oc_type *y = ctx->out[k];
        y->dtype = k ? ONNXC_INT64 : x->dtype;
        y->shape.rank = 1;
        y->shape.dims[0] = k == 2 ? n : u;
    }
    oc_type *y = ctx->out[0];
    if (p->has_axis) {
        y->shape = x->shape;
        if (x->shape.rank >= 0)
            y->shape.dims[axis] = u;
    }
    return NULL;
}

static size_t unique_workspace(const oc_run_ctx *ctx)
{
    entries e = entries_of(ctx->params, ctx->in[0]);
    return 5 * e.n * sizeof(int64_t) + 64;
}

/* Element order: NaN equals NaN and comes after every number. */
#define CMP_REAL(a, b)                                                         \
    (isnan(a) ? (isnan(b) ? 0 : 1) : isnan(b) ? -1 : (a) < (b) ? -1 : (a) > (b))
#define CMP_INT(a, b) ((a) < (b) ? -1 : (a) > (b))

static int compare_elements(const void *x, onnxc_dtype t, size_t i, size_t j)
{
    switch (t) {
    case ONNXC_FLOAT: {
        float a = ((const float *)x)[i], b = ((const float *)x)[j];
        return CMP_REAL(a, b);
    }
    case ONNXC_DOUBLE: {
        double a = ((const double *)x)[i], b = ((const double *)x)[j];
        return CMP_REAL(a, b);
    }
    case ONNXC_BOOL: {
        int a = ((const uint8_t *)x)[i] != 0, b = ((const uint8_t *)x)[j] != 0;
        return CMP_INT(a, b);
    }
#define INT_CASE(E, T)                                                         \
    case E: {                                                                  \
        T a = ((const T *)x)[i], b = ((const T *)x)[j];                        \
        return CMP_INT(a, b);                                                  \
    }
    INT_CASE(ONNXC_INT8, int8_t)
    INT_CASE(ONNXC_INT16, int16_t)
    INT_CASE(ONNXC_INT32, int32_t)
    INT_CASE(ONNXC_INT64, int64_t)
    INT_CASE(ONNXC_UINT8, uint8_t)
    INT_CASE(ONNXC_UINT16, uint16_t)
    INT_CASE(ONNXC_UINT32, uint32_t)
    INT_CASE(ONNXC_UINT64, uint64_t)
#undef INT_CASE
    default:
        return 0;
    }
}

typedef struct unique_input {
    const void *data;
    onnxc_dtype dtype;
    entries e;
} unique_input;

/* Entries a and b compared element by element, outer then inner. */
static int compare_entries(const unique_input *in, int64_t a, int64_t b)
{
    const entries *e = &in->e;
    for (size_t o = 0; o < e->outer; o++)
        for (size_t i = 0; i < e->inner; i++) {
            size_t base = o * e->n * e->inner + i;
            int c = compare_elements(in->data, in->dtype,
                                     base + (size_t)a * e->inner,
                                     base + (size_t)b * e->inner);
            if (c)
                return c;
        }
    return 0;
}

/* Stable merge sort of the n entry numbers in v by key: the entries'
 * contents (in) or, without in, the values of by[]. tmp has n slots. */
static void merge_sort(int64_t *v, int64_t *tmp, size_t n,
                       const unique_input *in, const int64_t *by)
{
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t a = lo, b = mid, k = lo;
            while (a < mid && b < hi) {
                int c = in ? compare_entries(in, v[b], v[a])
                           : CMP_INT(by[v[b]], by[v[a]]);
                tmp[k++] = c < 0 ? v[b++] : v[a++];
            }
            while (a < mid)
                tmp[k++] = v[a++];
            while (b < hi)
                tmp[k++] = v[b++];
        }
        memcpy(v, tmp, n * sizeof *v);
    }
}

static onnxc_status *unique_run(const oc_run_ctx *ctx)
{
    const unique_params *p = ctx->params;
    const oc_tensor *x = ctx->in[0];
    unique_input in = {x->data, x->dtype, entries_of(p, x)};
    size_t n = in.e.n, esize = onnxc_dtype_size(x->dtype);
    int64_t *order = ctx->workspace, *tmp = order + n, *group = tmp + n;
    int64_t *first = group + n, *count = first + n;
    size_t groups = 0;
    for (size_t i = 0; i < n; i++)
        order[i] = (int64_t)i;
    merge_sort(order, tmp, n, &in, NULL);
    /* group[entry] = its group; first and count per group, in sorted
     * order of the groups */
    for (size_t j = 0; j < n; j++) {
        if (j == 0 || compare_entries(&in, order[j - 1], order[j]) != 0) {
            first[groups] = order[j];
            count[groups++] = 0;
        }
        group[order[j]] = (int64_t)groups - 1;
        count[groups - 1]++;
    }
    /* The place of each group in Y: by value, or by first occurrence. */
    int64_t *place = tmp;
    for (size_t g = 0; g < groups; g++)
        order[g] = (int64_t)g;
    if (!p->sorted)
        merge_sort(order, place, groups, NULL, first);
    for (size_t r = 0; r < groups; r++)
        place[order[r]] = (int64_t)r;
    /* Y: each group's first entry, in place order */
    oc_tensor *y = ctx->out[0];
    if (y) {
        int axis = p->has_axis ? (int)(p->axis < 0 ? p->axis + x->rank
                                                   : p->axis)
                               : 0;
        if (p->has_axis) {
            y->rank = x->rank;
            memcpy(y->dims, x->dims, sizeof y->dims);
        } else {
            y->rank = 1;
        }
        y->dims[axis] = (int64_t)groups;
        size_t row = in.e.inner * esize;
        for (size_t o = 0; row && o < in.e.outer; o++)
            for (size_t r = 0; r < groups; r++)
                memcpy((unsigned char *)y->data + (o * groups + r) * row,
                       (const unsigned char *)x->data +
                           (o * n + (size_t)first[order[r]]) * row,
                       row);
    }
    for (int k = 1; k < ctx->n_out && k < 4; k++) {
        oc_tensor *t = ctx->out[k];
        if (!t)
            continue;
        int64_t *v = t->data;
        size_t len = k == 2 ? n : groups;
        t->rank = 1;
        t->dims[0] = (int64_t)len;
        for (size_t i = 0; i < len; i++)
            v[i] = k == 1   ? first[order[i]]
                   : k == 2 ? place[group[i]]
                            : count[order[i]];
    }
    return NULL;
}

static const int unique_versions[] = {11, 0};

const oc_op oc_op_unique = {
    .domain = "",
    .op_type = "Unique",
    .versions = unique_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 4,
    .data_dependent = true,
    .types = "all numeric types, bool",
    .prepare = unique_prepare,
    .infer = unique_infer,
    .workspace = unique_workspace,
    .run = unique_run,
};
