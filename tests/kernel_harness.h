/*
 * kernel_harness.h - what the operator unit tests (test_kernels,
 * test_activations, test_normalize, test_matmul) share to drive one
 * kernel the way the runtime drives it: oc_ops_find, prepare on a hand-built
 * node, infer on types, run on tensors with the workspace it asks for.
 * With it: the attribute, type and tensor builders, element access, the
 * special values and random inputs, and the check of an error status.
 *
 * Test code, linked into those tests only (tests/CMakeLists.txt): a
 * failure is a Criterion assertion, which ends the test that called.
 */
#ifndef ONNXC_KERNEL_HARNESS_H
#define ONNXC_KERNEL_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "onnxc.h"
#include "runtime/graph/op.h"
#include "runtime/core/pool.h"
#include "test_rng.h"
#include "runtime/exec/thread_pool.h"

/* The name and label of every node a kernel is opened on: the error
 * messages that name the node must hold it. */
#define KERNEL_LABEL "node_under_test"
#define KERNEL_MAX_ATTRS 8
#define KERNEL_MAX_OUTPUTS 8

/* An op bound to a hand-built node, as the compiler's passes would leave
 * it (prepared, on default kernels). */
typedef struct kernel {
    const oc_op *op;
    oc_node node;
    oc_attr attrs[KERNEL_MAX_ATTRS];
    const char *output_names[KERNEL_MAX_OUTPUTS];
    oc_pool pool;
    void *params;
} kernel;

/* ------------------------------------------------------ kernel lifetime */

/* Finds op_type (default domain) for `opset` (fails if none), builds its
 * node with a copy of the n_attrs attrs (at most KERNEL_MAX_ATTRS) and no
 * outputs, and returns prepare's status. k must not move afterwards: the
 * node points into it. kernel_close it whatever the status. */
onnxc_status *kernel_open(kernel *k, const char *op_type, int opset,
                          const oc_attr *attrs, int n_attrs);

/* The kernels kernel_open prepares ops for from now on (at first AUTO,
 * as a session's default): a test of one vector ISA sets it, and sets it
 * back. */
void kernel_use(onnxc_kernels kernels);

/* kernel_open, failing the test unless prepare succeeds. */
void kernel_open_ok(kernel *k, const char *op_type, int opset,
                    const oc_attr *attrs, int n_attrs);

/* kernel_open with n_outputs outputs (at most KERNEL_MAX_OUTPUTS), named
 * by `names` (an empty name is an output left out) or, when names is
 * NULL, all named: "y", "o1", "o2", ... */
onnxc_status *kernel_open_outputs(kernel *k, const char *op_type, int opset,
                                  const oc_attr *attrs, int n_attrs,
                                  int n_outputs, const char *const *names);

/* kernel_open_outputs with every output named, failing the test unless
 * prepare succeeds. */
void kernel_open_outputs_ok(kernel *k, const char *op_type, int opset,
                            const oc_attr *attrs, int n_attrs, int n_outputs);

/* Frees what prepare allocated. */
void kernel_close(kernel *k);

/* infer on the types `in` (one entry per input the op takes at most, NULL
 * for an omitted one) into out (one per node output, at least one),
 * which it zeroes first; returns infer's status. The _n form is for ops
 * taking any number of inputs: n_in entries. */
onnxc_status *kernel_infer(const kernel *k, const oc_type *const *in,
                           oc_type *out);
onnxc_status *kernel_infer_n(const kernel *k, int n_in,
                             const oc_type *const *in, oc_type *out);

/* Runs the op the way a session does, on one thread, with the workspace
 * it asks for; fails the test unless run succeeds. in as for
 * kernel_infer; out: one per node output, at least one. */
void kernel_run(const kernel *k, const oc_tensor *const *in,
                oc_tensor *const *out);

/* kernel_run on `pool`'s threads (NULL: one thread). */
void kernel_run_on(const kernel *k, const oc_tensor *const *in,
                   oc_tensor *const *out, oc_thread_pool *pool);

/* kernel_run returning run's status, for the tests of run-time errors. */
onnxc_status *kernel_try_run(const kernel *k, const oc_tensor *const *in,
                             oc_tensor *const *out);
onnxc_status *kernel_try_run_n(const kernel *k, int n_in,
                               const oc_tensor *const *in,
                               oc_tensor *const *out, oc_thread_pool *pool);

/* prepack on the values `in` (one per input the op takes at most), into
 * k's pool; returns prepack's status. */
onnxc_status *kernel_prepack(kernel *k, const oc_value *const *in);

/* Fails unless st has `code` and its message holds every given part (a
 * NULL-terminated list of strings); frees st. */
void expect_error(onnxc_status *st, onnxc_code code, ...);

/* ------------------------------------------------------------ builders */

/* Attributes; the name and the values are not copied. */
oc_attr attr_float(const char *name, float v);
oc_attr attr_int(const char *name, int64_t v);
oc_attr attr_ints(const char *name, const int64_t *v, size_t count);
oc_attr attr_string(const char *name, const char *s);

/* A value type with every dim known. */
oc_type type_of(onnxc_dtype dtype, int rank, const int64_t *dims);

/* A tensor on `data` (not copied, not owned). */
oc_tensor tensor_of(onnxc_dtype dtype, int rank, const int64_t *dims,
                    void *data);

/* The number of elements of a shape (1 for rank 0). */
size_t count_of(int rank, const int64_t *dims);

/* count zeroed elements of dtype, for free(); never NULL, even for 0
 * elements: kernels may be handed any pointer. */
void *alloc_elems(size_t count, onnxc_dtype dtype);

/* ---------------------------------------------------------- elements */

/* Element i of float or double data, as a double. */
double get_elem(onnxc_dtype dtype, const void *data, size_t i);

/* Stores v as element i of float or double data (rounded for float). */
void set_elem(onnxc_dtype dtype, void *data, size_t i, double v);

/* Same value: both NaN, or the same bits (so -0 and +0 differ); float or
 * double data. */
bool same_value(onnxc_dtype dtype, const void *a, const void *b, size_t i);

/* ---------------------------------------------------- inputs and values */

/* Uniform in [-1, 1). */
double rng_unit(rng *r);

/* The special values, the same in float and double: NaN, -NaN, ±inf,
 * ±0, ±the smallest normal, ±a subnormal, ±the smallest subnormal, ±the
 * largest finite and ±1 (the first N_SPECIAL_BASIC), then ±30 and ±100,
 * where the exponential activations saturate. */
#define N_SPECIAL_BASIC 16
#define N_SPECIAL 20
extern const float special_f[N_SPECIAL];
extern const double special_d[N_SPECIAL];

/* A random shape of rank 0..6 with dims 0..4, 1 in 6 of them 0; returns
 * the rank. */
int random_shape(rng *r, int64_t *dims);

/* Fills n float or double elements: values in [-10, 10), a quarter of
 * them special, from the first n_special (N_SPECIAL_BASIC or N_SPECIAL)
 * special values; those all appear first in every tensor large enough. */
void fill_random(rng *r, onnxc_dtype dtype, void *data, size_t n,
                 size_t n_special);

#endif
