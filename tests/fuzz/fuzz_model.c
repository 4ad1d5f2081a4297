/*
 * fuzz_model.c - libFuzzer target: any bytes as a model. Where they load,
 * create a session and run it on inputs synthesized from the declared
 * kinds and shapes (symbolic dims 1..3, bounded sizes; sequences of 0..3
 * tensors, optionals empty or not), so the validator, the shape inference,
 * the planner and the kernels all see hostile graphs. Every output of a
 * successful run is read by its kind, byte by byte.
 */
#include <stdbool.h>
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

/* A sequence input gets 0 to MAX_SEQUENCE tensors. */
#define MAX_SEQUENCE 3

/* Choices the declared types leave open (a sequence's length, whether its
 * tensors share a shape, whether an optional holds anything) come from a
 * hash of all the bytes: almost any mutation of a model that still loads
 * may flip them, and a corpus file always replays the same ones. */
static uint32_t hash_bytes(const uint8_t *data, size_t size)
{
    uint32_t h = 2166136261u;  /* FNV-1a */
    for (size_t b = 0; b < size; b++)
        h = (h ^ data[b]) * 16777619u;
    return h;
}

/* Choice `what` for input `index`: 0 .. n - 1. */
static unsigned pick(uint32_t hash, size_t index, unsigned what, unsigned n)
{
    uint32_t x = hash ^ (uint32_t)(index * 0x9e3779b9u) ^ (what * 0x85ebca6bu);
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    return x % n;
}

/* A tensor as `info` declares it, its data filled from the model's own
 * bytes (varied, and reproducible): symbolic or undeclared dims are
 * 1 + (salt + d) % 3, and the bytes start at `offset`. NULL when it would
 * be too large or has no fixed element size. */
static void *make_tensor(const onnxc_value_info *info, const uint8_t *data,
                         size_t size, size_t salt, size_t offset,
                         int64_t *dims, int *rank_out)
{
    int rank = info->rank < 0 ? 2 : info->rank;
    size_t count = 1;
    for (int d = 0; d < rank; d++) {
        int64_t v = info->rank < 0 || info->dims[d] < 0
                        ? 1 + (int64_t)((salt + (size_t)d) % 3)
                        : info->dims[d];
        dims[d] = v;
        if (v > MAX_INPUT_ELEMENTS || (v && count > MAX_INPUT_ELEMENTS / (size_t)v))
            return NULL;
        count *= (size_t)v;
    }
    size_t esize = onnxc_dtype_size(info->dtype);
    if (!esize)
        return NULL;
    uint8_t *buffer = malloc(count * esize + 1);
    if (!buffer)
        return NULL;
    for (size_t b = 0; b < count * esize; b++)
        buffer[b] = size ? data[(b + offset) % size] : 0;
    *rank_out = rank;
    return buffer;
}

/* Binds input i to 0 .. MAX_SEQUENCE tensors, all of one shape or each
 * its own (ConcatFromSequence and SequenceMap take both paths: joining,
 * and refusing). Their buffers land in buffers[0 .. MAX_SEQUENCE - 1],
 * which must outlive the runs. False when they cannot be made or bound. */
static bool bind_sequence(onnxc_session *session, size_t i,
                          const onnxc_value_info *info, const uint8_t *data,
                          size_t size, uint32_t hash, void **buffers)
{
    int64_t dims[MAX_SEQUENCE][ONNXC_MAX_RANK];
    onnxc_tensor_view items[MAX_SEQUENCE];
    size_t count = pick(hash, i, 0, MAX_SEQUENCE + 1);
    size_t step = pick(hash, i, 1, 2);
    for (size_t k = 0; k < count; k++) {
        int rank = 0;
        /* Item 0 has the shape a tensor input would get. */
        buffers[k] = make_tensor(info, data, size, size + k * step, k * 7,
                                 dims[k], &rank);
        if (!buffers[k])
            return false;
        items[k] = (onnxc_tensor_view){info->dtype, rank, dims[k], buffers[k], 0};
    }
    onnxc_status *s = onnxc_session_bind_input_sequence(session, i, items, count);
    bool bound = !s;
    onnxc_status_free(s);
    return bound;
}

static volatile uint8_t sink;

/* Reads every dim and byte of an output, so that ASan and UBSan report a
 * view pointing at freed, unplanned or foreign memory. Strings have no
 * fixed size: their bytes is 0. */
static void touch(const onnxc_tensor_view *v)
{
    uint8_t acc = 0;
    for (int d = 0; d < v->rank; d++)
        acc ^= (uint8_t)v->dims[d];
    for (size_t b = 0; b < v->bytes; b++)
        acc ^= ((const uint8_t *)v->data)[b];
    sink = acc;
}

/* Reads each output of a successful run by the kind it has now (a hostile
 * graph's declarations may differ): a tensor, each tensor of a sequence,
 * or nothing. The calls can only fail by breaking the API's contract after
 * a successful run, which is the library's fault: abort. */
static void read_outputs(const onnxc_session *session, size_t n_out)
{
    for (size_t o = 0; o < n_out; o++) {
        onnxc_kind kind;
        size_t count;
        onnxc_tensor_view v;
        onnxc_status *s = onnxc_session_output_kind(session, o, &kind, &count);
        if (s)
            abort();
        if (kind == ONNXC_KIND_TENSOR) {
            if ((s = onnxc_session_output(session, o, &v)))
                abort();
            touch(&v);
        } else if (kind == ONNXC_KIND_SEQUENCE) {
            for (size_t k = 0; k < count; k++) {
                if ((s = onnxc_session_output_item(session, o, k, &v)))
                    abort();
                touch(&v);
            }
            /* One past the end is refused, not read. */
            if (!(s = onnxc_session_output_item(session, o, count, &v)))
                abort();
            onnxc_status_free(s);
        } else {
            /* Nothing to read: the tensor call says so instead. */
            if (kind != ONNXC_KIND_NONE ||
                !(s = onnxc_session_output(session, o, &v)))
                abort();
            onnxc_status_free(s);
        }
    }
}

static void run_model(const onnxc_model *model, const uint8_t *data,
                      size_t size)
{
    onnxc_session_options *opt = NULL;
    onnxc_session *session = NULL;
    /* Input i's tensors: buffers[i][0] for a tensor, up to MAX_SEQUENCE
     * for a sequence. */
    void *buffers[64][MAX_SEQUENCE] = {{0}};
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
    uint32_t hash = hash_bytes(data, size);
    for (size_t i = 0; i < n_in; i++) {
        onnxc_value_info info;
        int64_t dims[ONNXC_MAX_RANK];
        int rank = 0;
        onnxc_status_free(onnxc_model_input_info(model, i, &info));
        if (info.has_default && (size & 1))
            continue;  /* sometimes use the initializer's default */
        onnxc_kind kind = info.kind;
        if (kind == ONNXC_KIND_OPTIONAL)
            /* Empty half the time, else bound as what it holds. */
            kind = pick(hash, i, 2, 2) ? info.elem_kind : ONNXC_KIND_NONE;
        if (kind == ONNXC_KIND_NONE) {
            s = onnxc_session_bind_input_none(session, i);
        } else if (kind == ONNXC_KIND_SEQUENCE) {
            if (!bind_sequence(session, i, &info, data, size, hash, buffers[i]))
                goto done;
        } else if (kind == ONNXC_KIND_TENSOR) {
            buffers[i][0] = make_tensor(&info, data, size, size, 0, dims, &rank);
            if (!buffers[i][0])
                goto done;
            s = onnxc_session_bind_input(session, i, info.dtype, dims,
                                         (size_t)rank, buffers[i][0]);
        } else {
            goto done;  /* a kind this harness does not know yet */
        }
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
        read_outputs(session, onnxc_model_output_count(model));
    }
done:
    for (size_t i = 0; i < n_in; i++)
        for (size_t k = 0; k < MAX_SEQUENCE; k++)
            free(buffers[i][k]);
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
