/*
 * fuzz_model.c - libFuzzer target: any bytes as a model. Where they load,
 * create a session and run it on inputs synthesized from the declared
 * shapes (symbolic dims 1..3, bounded sizes), so the validator, the shape
 * inference, the planner and the kernels all see hostile graphs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "onnx/wire_strip.h"
#include "onnxc.h"
#include "runtime/graph/format.h"

#define MAX_INPUT_ELEMENTS (1 << 16)
#define MAX_ARENA ((size_t)256 << 20)
/* Loop iterations per run (nested ones counted): each execution must end
 * well inside libFuzzer's timeout. */
#define MAX_ITERATIONS 4096

static void run_model(const onnxc_model *model, const uint8_t *data,
                      size_t size)
{
    onnxc_session_options *opt = NULL;
    onnxc_session *session = NULL;
    void *buffers[64] = {0};
    size_t n_in = onnxc_model_input_count(model);
    if (n_in > 64)
        return;
    if (onnxc_session_options_create(&opt))
        return;
    onnxc_status_free(onnxc_session_options_set_arena_limit(opt, MAX_ARENA));
    onnxc_status_free(onnxc_session_options_set_max_iterations(opt, MAX_ITERATIONS));
    onnxc_status *s = onnxc_session_create(model, opt, &session);
    onnxc_session_options_free(opt);
    if (s) {
        onnxc_status_free(s);
        return;
    }
    for (size_t i = 0; i < n_in; i++) {
        onnxc_value_info info;
        int64_t dims[ONNXC_MAX_RANK];
        onnxc_status_free(onnxc_model_input_info(model, i, &info));
        if (info.has_default && (size & 1))
            continue;  /* sometimes use the initializer's default */
        int rank = info.rank < 0 ? 2 : info.rank;
        size_t count = 1;
        for (int d = 0; d < rank; d++) {
            int64_t v = info.rank < 0 || info.dims[d] < 0
                            ? 1 + (int64_t)((size + (size_t)d) % 3)
                            : info.dims[d];
            dims[d] = v;
            if (v > MAX_INPUT_ELEMENTS || (v && count > MAX_INPUT_ELEMENTS / (size_t)v))
                goto done;
            count *= (size_t)v;
        }
        size_t esize = onnxc_dtype_size(info.dtype);
        if (!esize)
            goto done;
        buffers[i] = malloc(count * esize + 1);
        if (!buffers[i])
            goto done;
        /* Fill from the model's own bytes: varied, and reproducible. */
        for (size_t b = 0; b < count * esize; b++)
            ((uint8_t *)buffers[i])[b] = size ? data[b % size] : 0;
        s = onnxc_session_bind_input(session, i, info.dtype, dims,
                                     (size_t)rank, buffers[i]);
        if (s) {
            onnxc_status_free(s);
            goto done;
        }
    }
    for (int pass = 0; pass < 2; pass++) {
        s = onnxc_session_run(session);
        if (s) {
            onnxc_status_free(s);
            break;
        }
        for (size_t o = 0; o < onnxc_model_output_count(model); o++) {
            onnxc_tensor_view v;
            onnxc_status_free(onnxc_session_output(session, o, &v));
        }
    }
done:
    for (size_t i = 0; i < n_in; i++)
        free(buffers[i]);
    onnxc_session_free(session);
}

/* Loading in place (a mapped file's path) rewrites the bytes without their
 * large weights first: that rewrite must stay inside the bytes, never grow
 * them, and parse as a model wherever the original does. Stripping every
 * raw_data (min 1) reaches it with the fuzzer's small inputs. */
static void strip_weights(const uint8_t *data, size_t size)
{
    oc_stripped st;
    if (oc_wire_strip_weights(data, size, 1, &st)) {
        if (st.size > size)
            abort();
        for (size_t i = 0; i < st.n_refs; i++)
            if (st.refs[i].len && (st.refs[i].offset > size ||
                                   st.refs[i].len > size - st.refs[i].offset))
                abort();
        oc_graph *g = NULL;
        onnxc_status_free(oc_onnx_decode_model(st.bytes, st.size, NULL, false, &g));
        oc_graph_free(g);
        oc_stripped_free(&st);
    }
    oc_graph *g = NULL;
    onnxc_status_free(oc_onnx_decode_model(data, size, NULL, true, &g));
    oc_graph_free(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    strip_weights(data, size);
    onnxc_model *model = NULL;
    onnxc_status *s = onnxc_model_load_buffer(data, size, NULL, &model);
    if (s) {
        /* Every error carries a message. */
        if (!onnxc_status_message(s)[0])
            abort();
        onnxc_status_free(s);
        return 0;
    }
    run_model(model, data, size);
    onnxc_model_free(model);
    return 0;
}
