/*
 * ort_session.c - an onnxruntime session with random inputs bound. See
 * ort_session.h.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#include "ort_session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure.h"

/* Every call below returns on failure with its message in err. */
#define TRY(call, what)                                                  \
    do {                                                                 \
        if (ort_failed(api, (call), (what), err, err_size))              \
            return 1;                                                    \
    } while (0)

static int input_shape(ort_bench_session *s, size_t i, int64_t batch,
                       char *err, size_t err_size)
{
    const ort_api *api = s->api;
    ort_tensor *t = &s->inputs[i];
    ort_type_info *type;
    const ort_tensor_info *info;
    TRY(api->SessionGetInputTypeInfo(s->session, i, &type), "input type");
    ort_status *st = api->CastTypeInfoToTensorInfo(type, &info);
    if (!st && !info) {
        api->ReleaseTypeInfo(type);
        snprintf(err, err_size, "input '%s' is not a tensor", t->name);
        return 1;
    }
    if (!st)
        st = api->GetTensorElementType(info, &t->dtype);
    if (!st)
        st = api->GetDimensionsCount(info, &t->rank);
    if (!st && t->rank > ORT_MAX_RANK) {
        api->ReleaseTypeInfo(type);
        snprintf(err, err_size, "input '%s' has rank %zu (at most %d)",
                 t->name, t->rank, ORT_MAX_RANK);
        return 1;
    }
    if (!st)
        st = api->GetDimensions(info, t->dims, t->rank);
    api->ReleaseTypeInfo(type);
    TRY(st, t->name);

    t->count = 1;
    for (size_t d = 0; d < t->rank; d++) {
        if (t->dims[d] < 0)
            t->dims[d] = batch;
        t->count *= (size_t)t->dims[d];
    }
    return 0;
}

/* onnxruntime_session_options_config_keys.h's
 * kOrtSessionOptionsConfigAllowIntraOpSpinning: "1" (the default) or "0". */
#define INTRA_OP_SPINNING "session.intra_op.allow_spinning"

int ort_session_open(ort_bench_session *s, const ort_api *api,
                     const char *model, int64_t batch, int threads,
                     bool spin, char *err, size_t err_size)
{
    memset(s, 0, sizeof *s);
    s->api = api;
    ort_session_options *opts;
    TRY(api->CreateEnv(ORT_LOG_WARNING, "onnxc-bench", &s->env), "env");
    TRY(api->CreateSessionOptions(&opts), "session options");
    const char *what = model; /* what a failure below is reported as */
    ort_status *st = api->SetIntraOpNumThreads(opts, threads);
    if (!st)
        st = api->SetInterOpNumThreads(opts, 1);
    if (!st)
        st = api->SetSessionGraphOptimizationLevel(opts, ORT_OPT_ENABLE_ALL);
    /* By default the intra-op workers spin-wait for work after each task,
     * and so keep burning CPU between and after runs: what a process
     * sharing the machine, or timed by its CPU time, would turn off. */
    if (!st && !spin) {
        st = api->AddSessionConfigEntry(opts, INTRA_OP_SPINNING, "0");
        if (st)
            what = INTRA_OP_SPINNING;
    }
    if (!st)
        st = api->CreateSession(s->env, model, opts, &s->session);
    api->ReleaseSessionOptions(opts);
    TRY(st, what);

    TRY(api->GetAllocatorWithDefaultOptions(&s->allocator), "allocator");
    TRY(api->CreateCpuMemoryInfo(ORT_ALLOCATOR_DEVICE, ORT_MEM_DEFAULT,
                                 &s->cpu),
        "memory info");
    TRY(api->SessionGetInputCount(s->session, &s->n_inputs), "inputs");
    TRY(api->SessionGetOutputCount(s->session, &s->n_outputs), "outputs");
    s->inputs = calloc(s->n_inputs + 1, sizeof *s->inputs);
    s->outputs = calloc(s->n_outputs + 1, sizeof *s->outputs);
    s->input_values = calloc(s->n_inputs + 1, sizeof *s->input_values);
    s->output_values = calloc(s->n_outputs + 1, sizeof *s->output_values);
    s->input_names = calloc(s->n_inputs + 1, sizeof *s->input_names);
    s->output_names = calloc(s->n_outputs + 1, sizeof *s->output_names);
    if (!s->inputs || !s->outputs || !s->input_values || !s->output_values ||
        !s->input_names || !s->output_names) {
        snprintf(err, err_size, "out of memory");
        return 1;
    }

    for (size_t i = 0; i < s->n_outputs; i++) {
        TRY(api->SessionGetOutputName(s->session, i, s->allocator,
                                      &s->outputs[i].name),
            "output name");
        s->output_names[i] = s->outputs[i].name;
    }

    /* Inputs in index order from one generator state: the order
     * onnxc-bench fills them in, so both see the same data. (onnxruntime
     * lists an initializer that doubles as an input only when the model's
     * IR version makes it overridable; onnxc-bench leaves such inputs at
     * their defaults, and so would the sums differ for those models.) */
    uint64_t state = BENCH_SEED;
    for (size_t i = 0; i < s->n_inputs; i++) {
        ort_tensor *t = &s->inputs[i];
        TRY(api->SessionGetInputName(s->session, i, s->allocator, &t->name),
            "input name");
        s->input_names[i] = t->name;
        if (input_shape(s, i, batch, err, err_size))
            return 1;
        size_t size = bench_dtype_size(t->dtype);
        if (!size) {
            snprintf(err, err_size, "input '%s': cannot make random data of "
                     "element type %d", t->name, t->dtype);
            return 1;
        }
        t->data = bench_alloc(t->count * size);
        bench_fill(t->data, t->count, t->dtype, &state);
        TRY(api->CreateTensorWithDataAsOrtValue(
                s->cpu, t->data, t->count * size, t->dims, t->rank, t->dtype,
                &s->input_values[i]),
            t->name);
    }
    return 0;
}

static void release_outputs(ort_bench_session *s)
{
    for (size_t i = 0; i < s->n_outputs; i++) {
        s->api->ReleaseValue(s->output_values[i]);
        s->output_values[i] = NULL;
        s->outputs[i].data = NULL;
    }
}

int ort_session_run(ort_bench_session *s, char *err, size_t err_size)
{
    const ort_api *api = s->api;
    release_outputs(s);
    TRY(api->Run(s->session, NULL, s->input_names,
                 (const ort_value *const *)s->input_values, s->n_inputs,
                 s->output_names, s->n_outputs, s->output_values),
        "run");
    return 0;
}

int ort_session_read_outputs(ort_bench_session *s, char *err,
                             size_t err_size)
{
    const ort_api *api = s->api;
    for (size_t i = 0; i < s->n_outputs; i++) {
        ort_tensor *t = &s->outputs[i];
        ort_tensor_info *info;
        if (!s->output_values[i]) {
            snprintf(err, err_size, "no run yet");
            return 1;
        }
        TRY(api->GetTensorTypeAndShape(s->output_values[i], &info),
            "output shape");
        ort_status *st = api->GetTensorElementType(info, &t->dtype);
        if (!st)
            st = api->GetDimensionsCount(info, &t->rank);
        if (!st && t->rank > ORT_MAX_RANK)
            t->rank = 0; /* not a shape we print or save */
        if (!st)
            st = api->GetDimensions(info, t->dims, t->rank);
        if (!st)
            st = api->GetTensorShapeElementCount(info, &t->count);
        api->ReleaseTensorTypeAndShapeInfo(info);
        TRY(st, t->name);
        TRY(api->GetTensorMutableData(s->output_values[i], &t->data),
            t->name);
    }
    return 0;
}

void ort_session_close(ort_bench_session *s)
{
    const ort_api *api = s->api;
    if (!api)
        return;
    if (s->output_values)
        release_outputs(s);
    for (size_t i = 0; s->inputs && i < s->n_inputs; i++) {
        api->ReleaseValue(s->input_values[i]);
        if (s->inputs[i].name)
            api->ReleaseStatus(api->AllocatorFree(s->allocator,
                                                  s->inputs[i].name));
        free(s->inputs[i].data);
    }
    for (size_t i = 0; s->outputs && i < s->n_outputs; i++)
        if (s->outputs[i].name)
            api->ReleaseStatus(api->AllocatorFree(s->allocator,
                                                  s->outputs[i].name));
    free(s->inputs);
    free(s->outputs);
    free(s->input_values);
    free(s->output_values);
    free(s->input_names);
    free(s->output_names);
    api->ReleaseMemoryInfo(s->cpu);
    api->ReleaseSession(s->session);
    api->ReleaseEnv(s->env);
    memset(s, 0, sizeof *s);
}
