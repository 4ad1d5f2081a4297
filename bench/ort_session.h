/*
 * ort_session.h - an onnxruntime session over a model, with random inputs
 * of the model's declared shapes, ready to run: what bench/ort_bench
 * times and bench/ort_once runs once.
 *
 * Inputs come from the same generator, seed and order as onnxc-bench's
 * (bench/measure.c), so both engines compute on identical data.
 */
#ifndef ONNXC_BENCH_ORT_SESSION_H
#define ONNXC_BENCH_ORT_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ort_api.h"

#define ORT_MAX_RANK 8

typedef struct ort_tensor {
    char *name;           /* from onnxruntime's default allocator */
    int dtype;            /* ONNX element type */
    size_t rank;
    int64_t dims[ORT_MAX_RANK];
    size_t count;         /* elements */
    void *data;           /* inputs: ours; outputs: the last run's */
} ort_tensor;

typedef struct ort_bench_session {
    const ort_api *api;
    ort_env *env;
    ort_session *session;
    ort_memory_info *cpu;
    ort_allocator *allocator;
    size_t n_inputs, n_outputs;
    ort_tensor *inputs, *outputs;
    ort_value **input_values;
    ort_value **output_values;   /* the last run's, released by the next */
    const char **input_names, **output_names;
} ort_bench_session;

/* Creates the session with `threads` intra-op threads (inter-op: 1, the
 * graph runs sequentially as onnxc's does) and every optimization on, as
 * onnxruntime is deployed; binds random inputs with every symbolic dim
 * = batch. With `spin` false, the intra-op threads block when out of work
 * instead of spin-waiting first (onnxruntime's default is to spin).
 * Returns 0, or nonzero with a message in err. */
int ort_session_open(ort_bench_session *s, const ort_api *api,
                     const char *model, int64_t batch, int threads,
                     bool spin, char *err, size_t err_size);

/* One inference. Outputs are allocated by onnxruntime for each run, as
 * in ordinary use of Run, and the previous run's are released first. */
int ort_session_run(ort_bench_session *s, char *err, size_t err_size);

/* Fills s->outputs (shape, count, data) from the last run. */
int ort_session_read_outputs(ort_bench_session *s, char *err,
                             size_t err_size);

void ort_session_close(ort_bench_session *s);

#endif
