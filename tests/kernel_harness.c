/*
 * kernel_harness.c - the operator unit tests' shared harness: see
 * kernel_harness.h.
 */
#include "kernel_harness.h"

#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------ kernel lifetime */

static onnxc_kernels chosen_kernels = ONNXC_KERNELS_AUTO;

void kernel_use(onnxc_kernels kernels)
{
    chosen_kernels = kernels;
}

static const char *const default_outputs[KERNEL_MAX_OUTPUTS] = {
    "y", "o1", "o2", "o3", "o4", "o5", "o6", "o7"};

onnxc_status *kernel_open_outputs(kernel *k, const char *op_type, int opset,
                                  const oc_attr *attrs, int n_attrs,
                                  int n_outputs, const char *const *names)
{
    int version = -1;
    memset(k, 0, sizeof *k);
    k->op = oc_ops_find("", op_type, opset, &version);
    cr_assert(k->op, "oc_ops_find(\"\", %s, %d) gave NULL", op_type, opset);
    cr_assert(n_attrs <= KERNEL_MAX_ATTRS && n_outputs <= KERNEL_MAX_OUTPUTS);
    if (n_attrs)
        memcpy(k->attrs, attrs, (size_t)n_attrs * sizeof *attrs);
    for (int i = 0; i < n_outputs; i++)
        k->output_names[i] = names ? names[i] : default_outputs[i];
    k->node.name = KERNEL_LABEL;
    k->node.label = KERNEL_LABEL;
    k->node.op_type = op_type;
    k->node.domain = "";
    k->node.attrs = k->attrs;
    k->node.n_attrs = n_attrs;
    k->node.output_names = n_outputs ? k->output_names : NULL;
    k->node.n_outputs = n_outputs;
    k->node.opset = opset;
    k->node.op_version = version;
    oc_pool_init(&k->pool);
    oc_prepare_ctx ctx = {.node = &k->node, .pool = &k->pool,
                          .kernels = chosen_kernels};
    return k->op->prepare(&ctx, &k->params);
}

onnxc_status *kernel_open(kernel *k, const char *op_type, int opset,
                          const oc_attr *attrs, int n_attrs)
{
    return kernel_open_outputs(k, op_type, opset, attrs, n_attrs, 0, NULL);
}

void kernel_open_outputs_ok(kernel *k, const char *op_type, int opset,
                            const oc_attr *attrs, int n_attrs, int n_outputs)
{
    onnxc_status *st = kernel_open_outputs(k, op_type, opset, attrs, n_attrs,
                                           n_outputs, NULL);
    cr_assert_null(st, "%s opset %d: prepare failed: %s", op_type, opset,
                   onnxc_status_message(st));
}

void kernel_open_ok(kernel *k, const char *op_type, int opset,
                    const oc_attr *attrs, int n_attrs)
{
    kernel_open_outputs_ok(k, op_type, opset, attrs, n_attrs, 0);
}

void kernel_close(kernel *k)
{
    oc_pool_free(&k->pool);
}

/* The inputs a test hands over: one per input the op takes at most. */
static int input_count(const kernel *k)
{
    cr_assert(k->op->max_inputs != OC_VARIADIC,
              "%s takes any number of inputs: use the _n forms",
              k->op->op_type);
    return k->op->max_inputs;
}

/* The outputs: the node's, and at least output 0. */
static int output_count(const kernel *k)
{
    return k->node.n_outputs > 0 ? k->node.n_outputs : 1;
}

onnxc_status *kernel_infer_n(const kernel *k, int n_in,
                             const oc_type *const *in, oc_type *out)
{
    oc_type *slots[KERNEL_MAX_OUTPUTS];
    int n_out = output_count(k);
    for (int i = 0; i < n_out; i++) {
        memset(&out[i], 0, sizeof out[i]);
        out[i].shape.rank = -1;
        slots[i] = &out[i];
    }
    oc_infer_ctx ctx = {.node = &k->node, .params = k->params, .n_in = n_in,
                        .n_out = n_out, .in = in, .out = slots,
                        .concrete = true};
    return k->op->infer(&ctx);
}

onnxc_status *kernel_infer(const kernel *k, const oc_type *const *in,
                           oc_type *out)
{
    return kernel_infer_n(k, input_count(k), in, out);
}

onnxc_status *kernel_try_run_n(const kernel *k, int n_in,
                               const oc_tensor *const *in,
                               oc_tensor *const *out, oc_thread_pool *pool)
{
    oc_run_ctx ctx = {.node = &k->node, .params = k->params, .n_in = n_in,
                      .n_out = output_count(k), .in = in, .out = out,
                      .pool = pool, .threads = oc_thread_pool_size(pool)};
    size_t bytes = k->op->workspace ? k->op->workspace(&ctx) : 0;
    void *ws = bytes ? aligned_alloc(64, (bytes + 63) / 64 * 64) : NULL;
    cr_assert(!bytes || ws, "cannot allocate %zu bytes of workspace", bytes);
    ctx.workspace = ws;
    onnxc_status *st = k->op->run(&ctx);
    free(ws);
    return st;
}

onnxc_status *kernel_try_run(const kernel *k, const oc_tensor *const *in,
                             oc_tensor *const *out)
{
    return kernel_try_run_n(k, input_count(k), in, out, NULL);
}

void kernel_run_on(const kernel *k, const oc_tensor *const *in,
                   oc_tensor *const *out, oc_thread_pool *pool)
{
    onnxc_status *st = kernel_try_run_n(k, input_count(k), in, out, pool);
    cr_assert_null(st, "%s: run failed: %s", k->op->op_type,
                   onnxc_status_message(st));
}

void kernel_run(const kernel *k, const oc_tensor *const *in,
                oc_tensor *const *out)
{
    kernel_run_on(k, in, out, NULL);
}

onnxc_status *kernel_prepack(kernel *k, const oc_value *const *in)
{
    oc_prepack_ctx ctx = {.node = &k->node, .params = k->params,
                          .n_in = input_count(k), .in = in, .pool = &k->pool};
    return k->op->prepack(&ctx);
}

void expect_error(onnxc_status *st, onnxc_code code, ...)
{
    cr_assert_not_null(st, "expected %s, got success", onnxc_code_name(code));
    const char *msg = onnxc_status_message(st);
    cr_assert_eq(onnxc_status_code(st), code, "expected %s, got %s: %s",
                 onnxc_code_name(code),
                 onnxc_code_name(onnxc_status_code(st)), msg);
    va_list ap;
    va_start(ap, code);
    for (const char *part; (part = va_arg(ap, const char *));)
        cr_assert(strstr(msg, part), "message lacks \"%s\": %s", part, msg);
    va_end(ap);
    onnxc_status_free(st);
}

/* ------------------------------------------------------------ builders */

oc_attr attr_float(const char *name, float v)
{
    oc_attr a = {.name = name, .type = OC_ATTR_FLOAT, .f = v};
    return a;
}

oc_attr attr_int(const char *name, int64_t v)
{
    oc_attr a = {.name = name, .type = OC_ATTR_INT, .i = v};
    return a;
}

oc_attr attr_ints(const char *name, const int64_t *v, size_t count)
{
    oc_attr a = {.name = name, .type = OC_ATTR_INTS, .ints = v,
                 .count = count};
    return a;
}

oc_attr attr_string(const char *name, const char *s)
{
    oc_attr a = {.name = name, .type = OC_ATTR_STRING, .s = s,
                 .s_len = strlen(s)};
    return a;
}

oc_type type_of(onnxc_dtype dtype, int rank, const int64_t *dims)
{
    oc_type t;
    memset(&t, 0, sizeof t);
    t.dtype = dtype;
    t.shape.rank = rank;
    for (int i = 0; i < rank; i++)
        t.shape.dims[i] = dim_known(dims[i]);
    return t;
}

oc_tensor tensor_of(onnxc_dtype dtype, int rank, const int64_t *dims,
                    void *data)
{
    oc_tensor t;
    memset(&t, 0, sizeof t);
    t.dtype = dtype;
    t.rank = rank;
    for (int i = 0; i < rank; i++)
        t.dims[i] = dims[i];
    t.data = data;
    return t;
}

size_t count_of(int rank, const int64_t *dims)
{
    size_t n = 1;
    for (int i = 0; i < rank; i++)
        n *= (size_t)dims[i];
    return n;
}

void *alloc_elems(size_t count, onnxc_dtype dtype)
{
    void *p = calloc(count ? count : 1, onnxc_dtype_size(dtype));
    cr_assert(p);
    return p;
}

/* ---------------------------------------------------------- elements */

double get_elem(onnxc_dtype dtype, const void *data, size_t i)
{
    return dtype == ONNXC_FLOAT ? ((const float *)data)[i]
                                : ((const double *)data)[i];
}

void set_elem(onnxc_dtype dtype, void *data, size_t i, double v)
{
    if (dtype == ONNXC_FLOAT)
        ((float *)data)[i] = (float)v;
    else
        ((double *)data)[i] = v;
}

bool same_value(onnxc_dtype dtype, const void *a, const void *b, size_t i)
{
    if (isnan(get_elem(dtype, a, i)) && isnan(get_elem(dtype, b, i)))
        return true;
    size_t size = onnxc_dtype_size(dtype);
    return memcmp((const char *)a + i * size, (const char *)b + i * size,
                  size) == 0;
}

/* ---------------------------------------------------- inputs and values */

double rng_unit(rng *r)
{
    return (double)(rng_next(r) >> 11) / 4503599627370496.0 - 1.0;
}

const float special_f[N_SPECIAL] = {
    NAN, -NAN, INFINITY, -INFINITY, 0.0f, -0.0f, FLT_MIN, -FLT_MIN,
    FLT_MIN / 4, -FLT_MIN / 4, FLT_TRUE_MIN, -FLT_TRUE_MIN, FLT_MAX, -FLT_MAX,
    1.0f, -1.0f, 30.0f, -30.0f, 100.0f, -100.0f};
const double special_d[N_SPECIAL] = {
    NAN, -NAN, INFINITY, -INFINITY, 0.0, -0.0, DBL_MIN, -DBL_MIN,
    DBL_MIN / 4, -DBL_MIN / 4, DBL_TRUE_MIN, -DBL_TRUE_MIN, DBL_MAX, -DBL_MAX,
    1.0, -1.0, 30.0, -30.0, 100.0, -100.0};

int random_shape(rng *r, int64_t *dims)
{
    int rank = (int)rng_below(r, 7);
    for (int i = 0; i < rank; i++)
        dims[i] = rng_below(r, 6) == 0 ? 0 : 1 + rng_below(r, 4);
    return rank;
}

void fill_random(rng *r, onnxc_dtype dtype, void *data, size_t n,
                 size_t n_special)
{
    cr_assert(n_special <= N_SPECIAL);
    unsigned specials = (unsigned)n_special;
    for (size_t i = 0; i < n; i++) {
        unsigned s = i < specials ? (unsigned)i : rng_below(r, 4 * specials);
        if (s < specials && dtype == ONNXC_FLOAT)
            ((float *)data)[i] = special_f[s];
        else if (s < specials)
            ((double *)data)[i] = special_d[s];
        else
            set_elem(dtype, data, i, 10 * rng_unit(r));
    }
}
