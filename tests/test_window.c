/*
 * test_window.c - the window geometry (ops/common/window.c) on its own:
 * output dims for each auto_pad mode, ceil_mode with its dropped last
 * window, the pads SAME_* apply, and the SHAPE errors.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "ops/common/window.h"
#include "runtime/core/status.h"

static const oc_node node = {.name = "w", .label = "w", .op_type = "MaxPool",
                             .domain = "", .op_version = 12};

/* Output dim of one spatial dim of `in` with kernel k, stride s,
 * dilation d, pads pb/pe; -1 on an error. */
static int64_t dim(oc_auto_pad mode, bool ceil, int64_t in, int64_t k, int64_t s,
                   int64_t d, int64_t pb, int64_t pe, oc_window *w)
{
    oc_window_attrs a;
    memset(&a, 0, sizeof a);
    a.n_kernel = a.n_strides = a.n_dilations = 1;
    a.n_pads = 2;
    a.kernel[0] = k;
    a.strides[0] = s;
    a.dilations[0] = d;
    a.pads[0] = pb;
    a.pads[1] = pe;
    a.auto_pad = mode;
    a.ceil_mode = ceil;
    onnxc_status *st = oc_window_begin(&node, &a, 1, NULL, w);
    cr_assert_null(st);
    st = oc_window_dim(&node, &a, w, 0, in);
    if (st) {
        onnxc_status_free(st);
        return -1;
    }
    return w->out[0];
}

Test(window, notset_floor_and_ceil)
{
    oc_window w;
    cr_assert_eq(dim(OC_AUTO_PAD_NOTSET, false, 7, 3, 2, 1, 0, 0, &w), 3);
    cr_assert_eq(dim(OC_AUTO_PAD_NOTSET, false, 8, 3, 2, 1, 0, 0, &w), 3);
    cr_assert_eq(dim(OC_AUTO_PAD_NOTSET, true, 8, 3, 2, 1, 0, 0, &w), 4);
    cr_assert_eq(dim(OC_AUTO_PAD_NOTSET, false, 7, 2, 1, 3, 1, 1, &w), 6);
    /* ceil_mode: a last window starting in the end pad is dropped
     * (in 4, k 2, s 2, pads 1 and 1: starts -1, 1, 3; a 4th at 5 would
     * start in the end pad) */
    cr_assert_eq(dim(OC_AUTO_PAD_NOTSET, true, 4, 2, 2, 1, 1, 1, &w), 3);
    cr_assert_eq(dim(OC_AUTO_PAD_NOTSET, true, 5, 2, 3, 1, 0, 1, &w), 2);
}

Test(window, same_and_valid)
{
    oc_window w;
    cr_assert_eq(dim(OC_AUTO_PAD_SAME_UPPER, false, 7, 2, 2, 1, 9, 9, &w), 4);
    cr_assert_eq(w.pad_begin[0], 0);
    cr_assert_eq(w.pad_end[0], 1);
    cr_assert_eq(dim(OC_AUTO_PAD_SAME_LOWER, false, 7, 2, 2, 1, 0, 0, &w), 4);
    cr_assert_eq(w.pad_begin[0], 1);
    cr_assert_eq(w.pad_end[0], 0);
    cr_assert_eq(dim(OC_AUTO_PAD_SAME_UPPER, false, 5, 4, 1, 1, 0, 0, &w), 5);
    cr_assert_eq(w.pad_begin[0] + w.pad_end[0], 3);
    cr_assert_eq(dim(OC_AUTO_PAD_VALID, false, 7, 3, 2, 1, 5, 5, &w), 3);
    cr_assert_eq(w.pad_begin[0], 0);
}

Test(window, errors)
{
    oc_window w;
    /* the window beyond the padded input */
    cr_assert_eq(dim(OC_AUTO_PAD_NOTSET, false, 3, 5, 1, 1, 0, 0, &w), -1);
    cr_assert_eq(dim(OC_AUTO_PAD_NOTSET, false, 3, 2, 1, 3, 0, 0, &w), -1);
    cr_assert_eq(dim(OC_AUTO_PAD_NOTSET, false, (int64_t)1 << 50, 2, 1, 1, 0, 0, &w), -1);
    /* spatial rank out of range */
    oc_window_attrs a;
    memset(&a, 0, sizeof a);
    a.n_kernel = a.n_strides = a.n_dilations = a.n_pads = -1;
    onnxc_status *st = oc_window_begin(&node, &a, 0, NULL, &w);
    cr_assert_not_null(st);
    onnxc_status_free(st);
}
