/*
 * test_pool.c - the pooling operators (ops/pool) through a session
 * against loops written out here from the spec: MaxPool with Indices
 * (row- and column-major), AveragePool with and without the pads counted
 * and with ceil_mode, LpPool, the Global pools; and the refusals at load
 * (kernel beyond the padded input, negative pads, rank < 3, a zero
 * dilation, a window of only padding).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model_builder.h"
#include "onnxc.h"

#define FLOAT_T 1   /* onnx TensorProto.FLOAT */

static void ok(onnxc_status *st)
{
    cr_assert_null(st, "%s", onnxc_status_message(st));
}

typedef struct geo {
    int64_t k[2], s[2], d[2], pb[2], pe[2];
    int ceil, include, storage, p;
} geo;

static onnxc_status *pool_model(const char *op, int opset, const char *dims,
                                const geo *g, bool indices, onnxc_model **model)
{
    mb_model *m = mb_new(8);
    mb_opset(m, "", opset);
    mb_input(m, "x", FLOAT_T, dims);
    Onnx__NodeProto *n = mb_node(m, op, "pool", "x", indices ? "y,i" : "y");
    if (g) {
        int64_t pads[4] = {g->pb[0], g->pb[1], g->pe[0], g->pe[1]};
        mb_attr_ints(m, n, "kernel_shape", g->k, 2);
        mb_attr_ints(m, n, "strides", g->s, 2);
        mb_attr_ints(m, n, "pads", pads, 4);
        if (g->d[0] != 1 || g->d[1] != 1)
            mb_attr_ints(m, n, "dilations", g->d, 2);
        if (g->ceil)
            mb_attr_int(m, n, "ceil_mode", 1);
        if (g->include)
            mb_attr_int(m, n, "count_include_pad", 1);
        if (g->storage)
            mb_attr_int(m, n, "storage_order", 1);
        if (g->p)
            mb_attr_int(m, n, "p", g->p);
    }
    mb_output(m, "y", FLOAT_T, NULL);
    if (indices)
        mb_output(m, "i", 7, NULL);
    onnxc_status *st = mb_load(m, NULL, model);
    mb_free(m);
    return st;
}

static int64_t out_dim(int64_t in, const geo *g, int d)
{
    int64_t span = (g->k[d] - 1) * g->d[d] + 1, padded = in + g->pb[d] + g->pe[d];
    int64_t o = (padded - span) / g->s[d] + 1;
    if (g->ceil && (padded - span) % g->s[d] && o * g->s[d] < in + g->pb[d])
        o++;
    return o;
}

/* One N x C x H x W input through op, against the loops. */
static void check_pool(const char *op, int opset, const geo *g, bool indices)
{
    enum { N = 2, C = 3, H = 7, W = 6 };
    float x[N * C * H * W];
    for (int i = 0; i < N * C * H * W; i++)
        x[i] = (float)((i * 37 % 23) - 11) / 4;   /* with ties */
    int64_t oh = out_dim(H, g, 0), ow = out_dim(W, g, 1);
    size_t n_out = (size_t)(N * C * oh * ow);
    float want[N * C * 8 * 8], got[N * C * 8 * 8];
    int64_t want_i[N * C * 8 * 8], got_i[N * C * 8 * 8];
    for (int pl = 0; pl < N * C; pl++)
        for (int64_t a = 0; a < oh; a++)
            for (int64_t b = 0; b < ow; b++) {
                double best = -INFINITY, sum = 0;
                int64_t at = -1, cnt = 0, padded = 0;
                for (int64_t i = 0; i < g->k[0]; i++)
                    for (int64_t j = 0; j < g->k[1]; j++) {
                        int64_t h = a * g->s[0] - g->pb[0] + i * g->d[0];
                        int64_t w = b * g->s[1] - g->pb[1] + j * g->d[1];
                        if (h < H + g->pe[0] && w < W + g->pe[1])
                            padded++;
                        if (h < 0 || h >= H || w < 0 || w >= W)
                            continue;
                        double v = x[(pl * H + h) * W + w];
                        cnt++;
                        if (v > best) {
                            best = v;
                            at = pl * H * W + (g->storage ? w * H + h : h * W + w);
                        }
                        sum += g->p ? pow(fabs(v), g->p) : v;
                    }
                size_t o = (size_t)((pl * oh + a) * ow + b);
                want_i[o] = at;
                want[o] = strcmp(op, "MaxPool") == 0 ? (float)best
                          : g->p ? (float)pow(sum, 1.0 / g->p)
                                 : (float)(sum / (g->include ? padded : cnt));
            }
    onnxc_model *model;
    onnxc_session *s;
    char dims[32];
    snprintf(dims, sizeof dims, "%d,%d,%d,%d", N, C, H, W);
    ok(pool_model(op, opset, dims, g, indices, &model));
    ok(onnxc_session_create(model, NULL, &s));
    int64_t xd[4] = {N, C, H, W};
    ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, xd, 4, x));
    ok(onnxc_session_run(s));
    onnxc_tensor_view yv, *y = &yv;
    ok(onnxc_session_output(s, 0, y));
    cr_assert_eq(y->rank, 4);
    cr_assert_eq(y->dims[2], oh, "%s: H out %lld, want %lld", op, (long long)y->dims[2], (long long)oh);
    cr_assert_eq(y->dims[3], ow);
    memcpy(got, y->data, n_out * sizeof *got);
    for (size_t i = 0; i < n_out; i++)
        cr_assert_float_eq(got[i], want[i], 1e-5f, "%s[%zu]: %g, want %g", op, i, got[i], want[i]);
    if (indices) {
        onnxc_tensor_view t;
        ok(onnxc_session_output(s, 1, &t));
        memcpy(got_i, t.data, n_out * sizeof *got_i);
        for (size_t i = 0; i < n_out; i++)
            cr_assert_eq(got_i[i], want_i[i], "Indices[%zu]: %lld, want %lld", i,
                         (long long)got_i[i], (long long)want_i[i]);
    }
    onnxc_session_free(s);
    onnxc_model_free(model);
}

Test(pool, max_pool_indices_row_and_column_major)
{
    geo g = {{3, 2}, {2, 1}, {1, 1}, {1, 0}, {1, 1}, 0, 0, 0, 0};
    check_pool("MaxPool", 8, &g, true);
    g.storage = 1;
    check_pool("MaxPool", 12, &g, true);
}

Test(pool, max_pool_ceil_dilations)
{
    geo g = {{2, 2}, {2, 3}, {2, 1}, {1, 1}, {1, 1}, 1, 0, 0, 0};
    check_pool("MaxPool", 10, &g, true);
}

Test(pool, average_pool_pads_counted_or_not_with_ceil)
{
    geo g = {{3, 3}, {2, 2}, {1, 1}, {1, 2}, {2, 1}, 1, 0, 0, 0};
    check_pool("AveragePool", 11, &g, false);
    g.include = 1;
    check_pool("AveragePool", 11, &g, false);
    g.d[0] = 2;
    check_pool("AveragePool", 19, &g, false);
}

Test(pool, lp_pool)
{
    geo g = {{2, 3}, {1, 2}, {1, 1}, {1, 1}, {0, 1}, 0, 0, 0, 2};
    check_pool("LpPool", 11, &g, false);
    g.p = 3;
    g.ceil = 1;
    g.d[1] = 2;
    check_pool("LpPool", 18, &g, false);
}

Test(pool, global_pools_are_the_whole_plane)
{
    onnxc_model *model;
    onnxc_session *s;
    float x[2 * 3 * 42];
    for (int i = 0; i < 2 * 3 * 42; i++)
        x[i] = (float)((i * 13 % 17) - 8);
    const char *ops[] = {"GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool"};
    for (int k = 0; k < 3; k++) {
        ok(pool_model(ops[k], 13, "2,3,7,6", NULL, false, &model));
        ok(onnxc_session_create(model, NULL, &s));
        int64_t xd[4] = {2, 3, 7, 6};
        ok(onnxc_session_bind_input(s, 0, ONNXC_FLOAT, xd, 4, x));
        ok(onnxc_session_run(s));
        onnxc_tensor_view yv, *y = &yv;
        ok(onnxc_session_output(s, 0, y));
        cr_assert(y->rank == 4 && y->dims[2] == 1 && y->dims[3] == 1);
        for (int pl = 0; pl < 6; pl++) {
            double sum = 0, sq = 0, best = -INFINITY;
            for (int i = 0; i < 42; i++) {
                double v = x[pl * 42 + i];
                sum += v;
                sq += v * v;
                best = v > best ? v : best;
            }
            double want = k == 0 ? sum / 42 : k == 1 ? best : sqrt(sq);
            cr_assert_float_eq(((const float *)y->data)[pl], (float)want, 1e-5f,
                               "%s plane %d", ops[k], pl);
        }
        onnxc_session_free(s);
        onnxc_model_free(model);
    }
}

/* A model that must be refused at load, its message naming `what`. */
static void refused(const char *dims, const geo *g, const char *what)
{
    onnxc_model *model = NULL;
    onnxc_status *st = pool_model("MaxPool", 12, dims, g, false, &model);
    cr_assert_not_null(st, "%s: loaded", what);
    cr_assert(strstr(onnxc_status_message(st), what), "%s",
              onnxc_status_message(st));
    onnxc_status_free(st);
}

Test(pool, bad_geometry_is_refused)
{
    geo big = {{5, 5}, {1, 1}, {1, 1}, {0, 0}, {0, 0}, 0, 0, 0, 0};
    refused("1,1,3,3", &big, "padded input");
    geo neg = {{2, 2}, {1, 1}, {1, 1}, {-1, 0}, {0, 0}, 0, 0, 0, 0};
    refused("1,1,3,3", &neg, "pads");
    geo zero = {{2, 2}, {1, 1}, {0, 1}, {0, 0}, {0, 0}, 0, 0, 0, 0};
    refused("1,1,3,3", &zero, "dilations");
    geo only_pad = {{1, 1}, {1, 1}, {1, 1}, {1, 0}, {0, 0}, 0, 0, 0, 0};
    refused("1,1,3,3", &only_pad, "only padding");
    geo ok_geo = {{1, 1}, {1, 1}, {1, 1}, {0, 0}, {0, 0}, 0, 0, 0, 0};
    refused("1,3", &ok_geo, "rank");
}
