/*
 * window.c - sliding-window geometry for Conv, ConvTranspose and the
 * pools: the attributes read and checked once, then turned into output
 * dims and applied pads at each input shape.
 */
#include <string.h>

#include "ops/common/op_util.h"
#include "ops/common/window.h"
#include "runtime/core/status.h"

onnxc_status *oc_window_read_list(const oc_node *node, const char *name,
                               int64_t min, int max_count, int64_t *dst,
                               int *count)
{
    char desc[160];
    const int64_t *v;
    size_t n;
    onnxc_status *err = oc_attr_ints(node, name, &v, &n);
    if (err)
        return err;
    *count = -1;
    if (!v)
        return NULL;
    if (n > (size_t)max_count)
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "%s: %s has %zu entries; at most %d are supported",
                        oc_node_desc(node, desc, sizeof desc), name, n, max_count);
    for (size_t i = 0; i < n; i++) {
        if (v[i] < min)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "%s: %s[%zu] is %lld; it must be at least %lld",
                            oc_node_desc(node, desc, sizeof desc), name, i,
                            (long long)v[i], (long long)min);
        dst[i] = v[i];
    }
    *count = (int)n;
    return NULL;
}

static onnxc_status *read_auto_pad(const oc_node *node, oc_auto_pad *out)
{
    static const char *const names[] = {"NOTSET", "SAME_UPPER", "SAME_LOWER",
                                        "VALID"};
    char desc[160];
    const char *s;
    onnxc_status *err = oc_attr_string(node, "auto_pad", "NOTSET", &s);
    if (err)
        return err;
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (oc_auto_pad)i;
            return NULL;
        }
    return oc_error(ONNXC_ERR_INVALID_MODEL,
                    "%s: auto_pad is '%s'; expected NOTSET, SAME_UPPER, "
                    "SAME_LOWER or VALID",
                    oc_node_desc(node, desc, sizeof desc), s);
}

onnxc_status *oc_window_read(const oc_node *node, unsigned flags,
                             oc_window_attrs *out)
{
    char desc[160];
    int64_t ceil_mode = 0;
    onnxc_status *err;
    memset(out, 0, sizeof *out);
    out->n_dilations = -1;
    if ((err = oc_window_read_list(node, "kernel_shape", 1, OC_WINDOW_MAX_DIMS,
                         out->kernel, &out->n_kernel)) ||
        (err = oc_window_read_list(node, "strides", 1, OC_WINDOW_MAX_DIMS, out->strides,
                         &out->n_strides)) ||
        (err = oc_window_read_list(node, "pads", 0, 2 * OC_WINDOW_MAX_DIMS, out->pads,
                         &out->n_pads)) ||
        (err = read_auto_pad(node, &out->auto_pad)))
        return err;
    if ((flags & OC_WINDOW_DILATIONS) &&
        (err = oc_window_read_list(node, "dilations", 1, OC_WINDOW_MAX_DIMS,
                         out->dilations, &out->n_dilations)))
        return err;
    if ((flags & OC_WINDOW_CEIL_MODE) &&
        (err = oc_attr_int(node, "ceil_mode", 0, &ceil_mode)))
        return err;
    out->ceil_mode = ceil_mode != 0;
    oc_node_desc(node, desc, sizeof desc);
    if ((flags & OC_WINDOW_NEED_KERNEL) && out->n_kernel < 0)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: the attribute kernel_shape is required", desc);
    if (out->n_pads >= 0 && out->auto_pad != OC_AUTO_PAD_NOTSET)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: pads and auto_pad are both given; the spec allows "
                        "pads only with auto_pad NOTSET", desc);
    if (out->n_pads >= 0 && out->n_pads % 2)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: pads has %d entries; expected two per spatial dim",
                        desc, out->n_pads);
    if (oc_window_attr_dims(out) == -2)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: kernel_shape, strides, dilations and pads give "
                        "different numbers of spatial dims", desc);
    return NULL;
}

/* -2 when the lists disagree. */
int oc_window_attr_dims(const oc_window_attrs *a)
{
    int n[4] = {a->n_kernel, a->n_strides, a->n_dilations,
                a->n_pads < 0 ? -1 : a->n_pads / 2};
    int dims = -1;
    for (int i = 0; i < 4; i++) {
        if (n[i] < 0)
            continue;
        if (dims >= 0 && dims != n[i])
            return -2;
        dims = n[i];
    }
    return dims;
}

onnxc_status *oc_window_begin(const oc_node *node, const oc_window_attrs *a,
                              int dims, const int64_t *kernel, oc_window *w)
{
    char desc[160];
    int given = oc_window_attr_dims(a);
    if (dims < 1 || dims > OC_WINDOW_MAX_DIMS)
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: %d spatial dims; 1 to %d are supported",
                        oc_node_desc(node, desc, sizeof desc), dims,
                        OC_WINDOW_MAX_DIMS);
    if (given >= 0 && given != dims)
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: the attributes give %d spatial dims; the input "
                        "has %d", oc_node_desc(node, desc, sizeof desc), given,
                        dims);
    if (kernel && a->n_kernel >= 0)
        for (int d = 0; d < dims; d++)
            if (kernel[d] != a->kernel[d])
                return oc_error(ONNXC_ERR_SHAPE,
                                "%s: kernel_shape[%d] is %lld; the weights "
                                "give %lld", oc_node_desc(node, desc, sizeof desc),
                                d, (long long)a->kernel[d], (long long)kernel[d]);
    for (int d = 0; kernel && d < dims; d++)
        if (kernel[d] < 1)
            return oc_error(ONNXC_ERR_SHAPE,
                            "%s: the weights give kernel dim %d of %lld; it "
                            "must be at least 1",
                            oc_node_desc(node, desc, sizeof desc), d,
                            (long long)kernel[d]);
    memset(w, 0, sizeof *w);
    w->dims = dims;
    for (int d = 0; d < dims; d++) {
        w->kernel[d] = kernel ? kernel[d] : a->kernel[d];
        w->strides[d] = a->n_strides < 0 ? 1 : a->strides[d];
        w->dilations[d] = a->n_dilations < 0 ? 1 : a->dilations[d];
        w->pad_begin[d] = a->n_pads < 0 ? 0 : a->pads[d];
        w->pad_end[d] = a->n_pads < 0 ? 0 : a->pads[dims + d];
    }
    return NULL;
}

/* Far below INT64_MAX: sums of a few of these cannot overflow. */
#define WINDOW_LIMIT ((int64_t)1 << 40)

/* A total pad (none when below 0) split over dim d as auto_pad says:
 * SAME_UPPER puts the odd one at the end, the others at the start. */
static void split_pads(const oc_window_attrs *a, oc_window *w, int d,
                       int64_t total)
{
    if (total < 0)
        total = 0;
    int64_t small = total / 2;
    w->pad_begin[d] = a->auto_pad == OC_AUTO_PAD_SAME_UPPER ? small : total - small;
    w->pad_end[d] = total - w->pad_begin[d];
}

/* A SHAPE error when a size of dim d (the input's `in`, or `extra`, an
 * attribute of the op), the window's span or the strided input is beyond
 * WINDOW_LIMIT; NULL otherwise. Products are checked by division: both
 * factors may be near the limit. */
static onnxc_status *check_limits(const oc_node *node, const oc_window *w,
                                  int d, int64_t in, int64_t extra)
{
    char desc[160];
    int64_t k = w->kernel[d], s = w->strides[d], dil = w->dilations[d];
    if (in <= WINDOW_LIMIT && k <= WINDOW_LIMIT && s <= WINDOW_LIMIT &&
        dil <= WINDOW_LIMIT && extra <= WINDOW_LIMIT &&
        w->pad_begin[d] <= WINDOW_LIMIT && w->pad_end[d] <= WINDOW_LIMIT &&
        k - 1 < WINDOW_LIMIT / dil && in - 1 < WINDOW_LIMIT / s)
        return NULL;
    return oc_error(ONNXC_ERR_SHAPE,
                    "%s: spatial dim %d: input %lld, kernel %lld, stride "
                    "%lld, dilation %lld: sizes beyond 2^40 are refused",
                    oc_node_desc(node, desc, sizeof desc), d, (long long)in,
                    (long long)k, (long long)s, (long long)dil);
}

onnxc_status *oc_window_dim(const oc_node *node, const oc_window_attrs *a,
                            oc_window *w, int d, int64_t in)
{
    char desc[160];
    int64_t k = w->kernel[d], s = w->strides[d], dil = w->dilations[d];
    int64_t span, padded, out;
    onnxc_status *err = check_limits(node, w, d, in, 0);
    if (err)
        return err;
    span = (k - 1) * dil + 1;
    w->in[d] = in;
    if (a->auto_pad == OC_AUTO_PAD_SAME_UPPER ||
        a->auto_pad == OC_AUTO_PAD_SAME_LOWER) {
        out = (in + s - 1) / s;
        split_pads(a, w, d, (out - 1) * s + span - in);
    } else {
        if (a->auto_pad == OC_AUTO_PAD_VALID)
            w->pad_begin[d] = w->pad_end[d] = 0;
        padded = in + w->pad_begin[d] + w->pad_end[d];
        if (padded < span)
            return oc_error(ONNXC_ERR_SHAPE,
                            "%s: spatial dim %d: the window spans %lld "
                            "(kernel %lld, dilation %lld) but the padded "
                            "input has %lld", oc_node_desc(node, desc, sizeof desc),
                            d, (long long)span, (long long)k, (long long)dil,
                            (long long)padded);
        out = (padded - span) / s + 1;
        if (a->ceil_mode && (padded - span) % s) {
            out++;
            /* The last window must start inside the input or its begin
             * pad; one starting in the end pad covers nothing real. */
            if ((out - 1) * s >= in + w->pad_begin[d])
                out--;
        }
    }
    if (out < 1)
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: spatial dim %d of the output would be %lld",
                        oc_node_desc(node, desc, sizeof desc), d, (long long)out);
    w->out[d] = out;
    return NULL;
}

onnxc_status *oc_window_forward(const oc_node *node, const oc_window_attrs *a,
                                const int64_t *x_dims, int x_rank,
                                const int64_t *kernel, oc_window *w)
{
    onnxc_status *err = oc_window_begin(node, a, x_rank - 2, kernel, w);
    for (int d = 0; !err && d < w->dims; d++)
        err = oc_window_dim(node, a, w, d, x_dims[2 + d]);
    return err;
}

onnxc_status *oc_window_infer_shape(const oc_node *node,
                                    const oc_window_attrs *a,
                                    const oc_shape *x, oc_dim channels,
                                    const int64_t *kernel, oc_shape *out)
{
    char desc[160];
    oc_window w;
    onnxc_status *err;
    if (x->rank < 0) {
        out->rank = -1;
        return NULL;
    }
    if (x->rank < 3)
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: X has rank %d; expected N x C x at least one "
                        "spatial dim", oc_node_desc(node, desc, sizeof desc),
                        x->rank);
    if ((err = oc_window_begin(node, a, x->rank - 2, kernel, &w)))
        return err;
    out->rank = x->rank;
    out->dims[0] = x->dims[0];
    out->dims[1] = channels;
    for (int d = 0; d < w.dims; d++) {
        oc_dim in = x->dims[2 + d];
        if (!dim_is_known(in)) {
            out->dims[2 + d] = dim_unknown();
            continue;
        }
        if ((err = oc_window_dim(node, a, &w, d, in.value)))
            return err;
        out->dims[2 + d] = dim_known(w.out[d]);
    }
    return NULL;
}

onnxc_status *oc_window_transpose_dim(const oc_node *node,
                                      const oc_window_attrs *a, oc_window *w,
                                      int d, int64_t in,
                                      int64_t output_padding, int64_t wanted)
{
    char desc[160];
    int64_t k = w->kernel[d], s = w->strides[d], dil = w->dilations[d];
    int64_t full, out;
    onnxc_status *err = check_limits(node, w, d, in,
                                     output_padding > wanted ? output_padding : wanted);
    if (err)
        return err;
    full = s * (in - 1) + output_padding + (k - 1) * dil + 1;
    bool same = a->auto_pad == OC_AUTO_PAD_SAME_UPPER ||
                a->auto_pad == OC_AUTO_PAD_SAME_LOWER;
    if (wanted >= 0 || same) {
        out = wanted >= 0 ? wanted : in * s;
        split_pads(a, w, d, full - out);
    } else {
        if (a->auto_pad == OC_AUTO_PAD_VALID)
            w->pad_begin[d] = w->pad_end[d] = 0;
        out = full - w->pad_begin[d] - w->pad_end[d];
    }
    if (out < 1 || in < 1)
        return oc_error(ONNXC_ERR_SHAPE,
                        "%s: spatial dim %d: input %lld gives an output of "
                        "%lld", oc_node_desc(node, desc, sizeof desc), d,
                        (long long)in, (long long)out);
    w->in[d] = out;
    w->out[d] = in;
    return NULL;
}
