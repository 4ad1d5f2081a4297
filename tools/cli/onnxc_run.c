/*
 * onnxc-run - run an ONNX model on tensor files from the command line.
 *
 *   onnxc-run [options] MODEL [INPUT.pb ...]
 *
 * Exit status: 0 ran (and matched, with -d), 1 outputs did not match,
 * 2 anything wrong with the command, the model or the inputs; errors are
 * one line on stderr.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "npy.h"
#include "profile.h"
#include "session_flags.h"
#include "onnxc.h"

#define MAX_FILES 256

typedef struct options {
    const char *model;
    const char *inputs[MAX_FILES];
    int n_inputs;
    const char *output_dir;
    const char *data_set;
    double rtol, atol;
    bool stats, quiet, nodes;
    int threads;             /* --threads N, 1 without */
    int profile_runs;        /* --profile N, 0 without */
    const char *profile_json;
    bool npy_out;
    session_flags session;   /* --kernels, --optimize */
} options;

/* An input file: a TensorProto (.pb) or a NumPy array (.npy), told apart
 * by content. An .npy's data points into `bytes`. */
typedef struct input_file {
    const char *path;
    void *bytes;
    void *aligned;      /* an aligned copy of misaligned .npy data */
    onnxc_tensor *pb;
    npy_array npy;
    const char *name;   /* "" when the file names no tensor */
    onnxc_tensor_view view;
    /* for a sequence or optional input: the SequenceProto or OptionalProto
     * read, and its tensors */
    onnxc_value *value;
    onnxc_tensor_view *items;
} input_file;

static void usage(FILE *f)
{
    fprintf(f,
        "usage: onnxc-run [options] MODEL [INPUT.pb ...]\n"
        "\n"
        "Runs an ONNX model on inputs given as TensorProto files (.pb, the\n"
        "format of the ONNX test data) or NumPy .npy files (told apart by\n"
        "content) and prints its outputs. An input file whose tensor name\n"
        "matches a graph input binds to it; an unnamed one (every .npy)\n"
        "binds by position among the inputs that have no default.\n"
        "\n"
        "options:\n"
        "  -d, --data-set DIR   read DIR/input_*.pb and compare the outputs\n"
        "                       with DIR/output_*.pb\n"
        "  -o, --output-dir DIR write output_0.pb, output_1.pb, ... to DIR\n"
        "      --output-format F  pb (default) or npy, for -o\n"
        "      --rtol X         relative tolerance for -d (default 1e-3)\n"
        "      --atol X         absolute tolerance for -d (default 1e-7)\n"
        "      --stats          print the memory plan and timings\n"
        "      --nodes          print the nodes the compiled program runs:\n"
        "                       their count and how many of each operator\n"
        "                       (what --optimize folded and fused)\n"
        "  -t, --threads N      intra-op threads (default 1)\n"
        "      --profile N      run N more times and print one row per node\n"
        "                       (output shape, median time, share of the\n"
        "                       run, GFLOP/s), slowest first\n"
        "      --profile-json F also write the profile to F as JSON\n"
        "  -q, --quiet          do not print output values\n"
        SESSION_FLAGS_USAGE
        "      --operators      print the operators this build runs (a\n"
        "                       Markdown table) and exit\n"
        "  -h, --help           this text\n"
        "  -V, --version        print the version\n"
        "\n"
        "exit status: 0 ran (and matched), 1 outputs differ, 2 error\n");
}

/* Every failure ends here: one line, exit 2. Names from files may hold
 * newlines; they become spaces so the message stays one line. */
static void die(const char *fmt, ...)
{
    char msg[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (char *p = msg; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    fprintf(stderr, "onnxc-run: %s\n", msg);
    exit(2);
}

static double parse_double(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    double v = s ? strtod(s, &end) : 0;
    if (!s || errno || *end || !(v >= 0))
        die("%s needs a non-negative number, got '%s'", opt, s ? s : "");
    return v;
}

static void print_operators(void);

static void parse_args(int argc, char **argv, options *o)
{
    o->rtol = 1e-3;
    o->atol = 1e-7;
    o->session = session_flags_default();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        char err[256];
        int took;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            exit(0);
        } else if (!strcmp(a, "--operators")) {
            print_operators();
            exit(0);
        } else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
            printf("onnxc-run %s\n", ONNXC_VERSION_STRING);
            exit(0);
        } else if (!strcmp(a, "-d") || !strcmp(a, "--data-set")) {
            if (!next)
                die("%s needs a folder", a);
            o->data_set = argv[++i];
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output-dir")) {
            if (!next)
                die("%s needs a folder", a);
            o->output_dir = argv[++i];
        } else if (!strcmp(a, "--output-format")) {
            if (!next || (strcmp(next, "pb") && strcmp(next, "npy")))
                die("--output-format is pb or npy");
            o->npy_out = !strcmp(argv[++i], "npy");
        } else if (!strcmp(a, "--rtol")) {
            o->rtol = parse_double(a, next);
            i++;
        } else if (!strcmp(a, "--atol")) {
            o->atol = parse_double(a, next);
            i++;
        } else if (!strcmp(a, "--stats")) {
            o->stats = true;
        } else if (!strcmp(a, "--nodes")) {
            o->nodes = true;
        } else if (!strcmp(a, "-t") || !strcmp(a, "--threads")) {
            char *end;
            long n = next ? strtol(next, &end, 10) : 0;
            if (!next || *end || n < 1 || n > ONNXC_MAX_THREADS)
                die("%s needs a thread count from 1 to %d, got '%s'", a,
                    ONNXC_MAX_THREADS, next ? next : "");
            o->threads = (int)n;
            i++;
        } else if (!strcmp(a, "--profile")) {
            char *end;
            long n = next ? strtol(next, &end, 10) : 0;
            if (!next || *end || n < 1 || n > 1000000)
                die("--profile needs a run count from 1 to 1000000, got '%s'",
                    next ? next : "");
            o->profile_runs = (int)n;
            i++;
        } else if (!strcmp(a, "--profile-json")) {
            if (!next)
                die("%s needs a file", a);
            o->profile_json = argv[++i];
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            o->quiet = true;
        } else if ((took = session_flags_parse(a, next, &o->session, err,
                                               sizeof err))) {
            if (took < 0)
                die("%s", err);
            i += took - 1;
        } else if (a[0] == '-' && a[1]) {
            die("unknown option '%s' (see --help)", a);
        } else if (!o->model) {
            o->model = a;
        } else if (o->n_inputs < MAX_FILES) {
            o->inputs[o->n_inputs++] = a;
        } else {
            die("too many input files (at most %d)", MAX_FILES);
        }
    }
    if (!o->model)
        die("no model given (see --help)");
    if (o->data_set && o->n_inputs)
        die("give input files or -d, not both");
    if (o->profile_json && !o->profile_runs)
        die("--profile-json needs --profile N");
}

/* Dies on an error status. what prefixes the message; NULL where the
 * library's message already names the file. */
static void check(onnxc_status *s, const char *what)
{
    if (s) {
        char msg[4096];
        snprintf(msg, sizeof msg, "%s", onnxc_status_message(s));
        onnxc_status_free(s);
        if (what)
            die("%s: %s", what, msg);
        die("%s", msg);
    }
}

/* --nodes: "nodes: 12 (MatMul 4, Add 4, LayerNormalization 2, ...)", the
 * operators in the order they first run. */
static void print_nodes(const onnxc_session *session, const char *model)
{
    size_t n = onnxc_session_node_count(session), kinds = 0;
    const char **types = calloc(n + 1, sizeof *types);
    size_t *counts = calloc(n + 1, sizeof *counts);
    if (!types || !counts)
        die("out of memory");
    for (size_t i = 0; i < n; i++) {
        const char *t;
        size_t k = 0;
        check(onnxc_session_node_op_type(session, i, &t), model);
        while (k < kinds && strcmp(types[k], t))
            k++;
        types[k] = t;
        counts[k]++;
        kinds += k == kinds;
    }
    printf("nodes: %zu (", n);
    for (size_t k = 0; k < kinds; k++)
        printf("%s%s %zu", k ? ", " : "", types[k], counts[k]);
    printf(")\n");
    free(types);
    free(counts);
}

/* Files DIR/PREFIX_N.pb for N = 0, 1, ... until one is missing. */
static int list_numbered(const char *dir, const char *prefix, char **paths,
                         int max)
{
    int n = 0;
    for (; n < max; n++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s_%d.pb", dir, prefix, n);
        if (stat(path, &st) != 0)
            break;
        if (!(paths[n] = strdup(path)))
            die("out of memory");
    }
    return n;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void format_dims(const int64_t *dims, int rank, char *buf, size_t size)
{
    size_t len = (size_t)snprintf(buf, size, "[");
    for (int i = 0; i < rank && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%lld", i ? "," : "",
                                (long long)dims[i]);
    if (len < size)
        snprintf(buf + len, size - len, "]");
}

static size_t element_count(const onnxc_tensor_view *v)
{
    size_t size = onnxc_dtype_size(v->dtype);
    return size ? v->bytes / size : 0;
}

/* A float16 or bfloat16 element's value, for printing. */
static double half_value(uint16_t h, bool bfloat)
{
    if (bfloat) {
        uint32_t x = (uint32_t)h << 16;
        float f;
        memcpy(&f, &x, sizeof f);
        return f;
    }
    int e = h >> 10 & 0x1f, m = h & 0x3ff;
    double v = e == 0    ? ldexp(m, -24)
               : e == 31 ? (m ? NAN : INFINITY)
                         : ldexp(m | 0x400, e - 25);
    return h & 0x8000 ? -v : v;
}

/* Element i as a double, for comparing floats (integers are compared
 * exactly, and printed by format_element). */
static double element(const onnxc_tensor_view *v, size_t i)
{
    const void *p = v->data;
    switch (v->dtype) {
    case ONNXC_FLOAT16: return half_value(((const uint16_t *)p)[i], false);
    case ONNXC_BFLOAT16: return half_value(((const uint16_t *)p)[i], true);
    case ONNXC_FLOAT: return ((const float *)p)[i];
    case ONNXC_DOUBLE: return ((const double *)p)[i];
    case ONNXC_INT8: return ((const int8_t *)p)[i];
    case ONNXC_UINT8: return ((const uint8_t *)p)[i];
    case ONNXC_BOOL: return ((const uint8_t *)p)[i];
    case ONNXC_INT16: return ((const int16_t *)p)[i];
    case ONNXC_UINT16: return ((const uint16_t *)p)[i];
    case ONNXC_INT32: return ((const int32_t *)p)[i];
    case ONNXC_UINT32: return ((const uint32_t *)p)[i];
    case ONNXC_INT64: return (double)((const int64_t *)p)[i];
    case ONNXC_UINT64: return (double)((const uint64_t *)p)[i];
    default: return NAN;
    }
}

/* Element i as text: integers exactly (all 64 bits), floating point with
 * `digits` significant digits (15 for double). Returns buf. */
static const char *format_element(const onnxc_tensor_view *v, size_t i,
                                  int digits, char *buf, size_t size)
{
    const void *p = v->data;
    switch (v->dtype) {
    case ONNXC_INT64:
        snprintf(buf, size, "%" PRId64, ((const int64_t *)p)[i]);
        break;
    case ONNXC_UINT64:
        snprintf(buf, size, "%" PRIu64, ((const uint64_t *)p)[i]);
        break;
    case ONNXC_DOUBLE:
        snprintf(buf, size, "%.*g", digits > 15 ? digits : 15, element(v, i));
        break;
    default:
        snprintf(buf, size, "%.*g", digits, element(v, i));
        break;
    }
    return buf;
}

static void print_tensor(const char *name, const onnxc_tensor_view *v,
                         bool values)
{
    char dims[256];
    format_dims(v->dims, v->rank, dims, sizeof dims);
    printf("%s: %s %s\n", name, onnxc_dtype_name(v->dtype), dims);
    if (!values)
        return;
    size_t n = element_count(v), head = n > 12 ? 8 : n;
    char e[64], f[64];
    printf("  [");
    for (size_t i = 0; i < head; i++)
        printf("%s%s", i ? ", " : "", format_element(v, i, 7, e, sizeof e));
    if (head < n)
        printf(", ... (%zu more), %s, %s", n - head - 2,
               format_element(v, n - 2, 7, e, sizeof e),
               format_element(v, n - 1, 7, f, sizeof f));
    printf("]\n");
}

static bool is_float(onnxc_dtype t)
{
    return t == ONNXC_FLOAT || t == ONNXC_DOUBLE;
}

/* Compares like numpy.testing.assert_allclose: |a - e| <= atol + rtol*|e|,
 * NaN equal to NaN, infinities equal only to themselves. */
static bool compare(const char *name, const onnxc_tensor_view *got,
                    const onnxc_tensor_view *want, double rtol, double atol)
{
    char g[256], w[256];
    format_dims(got->dims, got->rank, g, sizeof g);
    format_dims(want->dims, want->rank, w, sizeof w);
    if (got->dtype != want->dtype || got->rank != want->rank ||
        memcmp(got->dims, want->dims, (size_t)got->rank * sizeof got->dims[0])) {
        printf("%s: expected %s %s, got %s %s\n", name,
               onnxc_dtype_name(want->dtype), w, onnxc_dtype_name(got->dtype), g);
        return false;
    }
    size_t n = element_count(got), bad = 0, first = 0;
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        bool ok;
        if (!is_float(got->dtype)) {
            size_t size = onnxc_dtype_size(got->dtype);
            ok = memcmp((const char *)got->data + i * size,
                        (const char *)want->data + i * size, size) == 0;
        } else {
            double a = element(got, i), e = element(want, i);
            if (isnan(a) || isnan(e))
                ok = isnan(a) && isnan(e);
            else if (isinf(a) || isinf(e))
                ok = a == e;
            else {
                double err = fabs(a - e);
                ok = err <= atol + rtol * fabs(e);
                if (err > worst)
                    worst = err;
            }
        }
        if (!ok && bad++ == 0)
            first = i;
    }
    if (bad) {
        printf("%s: %zu of %zu values differ (rtol %g, atol %g); first at "
               "flat index %zu: expected %s, got %s; max abs error %.3g\n",
               name, bad, n, rtol, atol, first,
               format_element(want, first, 9, w, sizeof w),
               format_element(got, first, 9, g, sizeof g), worst);
        return false;
    }
    return true;
}

/* "sequence of 3", "none", "float [2]"; the kind a run gave. */
static const char *kind_text(onnxc_kind kind, size_t count, char *buf, size_t size)
{
    if (kind == ONNXC_KIND_SEQUENCE)
        snprintf(buf, size, "sequence of %zu", count);
    else
        snprintf(buf, size, "%s", kind == ONNXC_KIND_NONE ? "none" : "tensor");
    return buf;
}

/* Output i that the model declares a sequence or an optional: printed,
 * written (-o, as a SequenceProto or OptionalProto) and compared (-d,
 * against such a file: the same kind, count, and each tensor). False
 * when it differs from want_path's. */
static bool other_output(onnxc_session *session, size_t i,
                         const onnxc_value_info *info, const options *o,
                         const char *want_path)
{
    onnxc_kind kind;
    size_t count;
    char text[64], name[300];
    check(onnxc_session_output_kind(session, i, &kind, &count), o->model);
    onnxc_tensor_view *items = calloc(count + 1, sizeof *items);
    if (!items)
        die("out of memory");
    for (size_t k = 0; k < count; k++)
        if (kind == ONNXC_KIND_SEQUENCE)
            check(onnxc_session_output_item(session, i, k, &items[k]), o->model);
        else
            check(onnxc_session_output(session, i, &items[k]), o->model);
    if (!o->quiet || !o->data_set) {
        printf("%s: %s\n", info->name, kind_text(kind, count, text, sizeof text));
        for (size_t k = 0; k < count && kind == ONNXC_KIND_SEQUENCE; k++) {
            snprintf(name, sizeof name, "  [%zu]", k);
            print_tensor(name, &items[k], !o->quiet);
        }
        if (kind == ONNXC_KIND_TENSOR)
            print_tensor("  value", &items[0], !o->quiet);
    }
    if (o->output_dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/output_%zu.pb", o->output_dir, i);
        if (o->npy_out)
            die("%s: a %s has no .npy form", path,
                info->kind == ONNXC_KIND_SEQUENCE ? "sequence" : "optional");
        check(onnxc_value_write_file(path, info->name, info->kind, kind, items,
                                     count), NULL);
    }
    bool same = true;
    if (want_path) {
        onnxc_value *want;
        check(onnxc_value_read_file(want_path, info->kind, &want), NULL);
        onnxc_kind want_kind = onnxc_value_kind(want);
        size_t want_count = onnxc_value_count(want);
        char w[64];
        if (want_kind != kind || want_count != count) {
            printf("%s: expected %s, got %s\n", info->name,
                   kind_text(want_kind, want_count, w, sizeof w),
                   kind_text(kind, count, text, sizeof text));
            same = false;
        }
        for (size_t k = 0; same && k < count; k++) {
            onnxc_tensor_view wv = onnxc_value_item(want, k);
            snprintf(name, sizeof name, "%s[%zu]", info->name, k);
            same = compare(name, &items[k], &wv, o->rtol, o->atol);
        }
        onnxc_value_free(want);
    }
    free(items);
    return same;
}

static void *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("%s: %s", path, strerror(errno));
    size_t cap = 1 << 16, len = 0;
    unsigned char *buf = malloc(cap);
    for (;;) {
        if (!buf)
            die("%s: out of memory", path);
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap)
            break;
        if (cap > SIZE_MAX / 2)
            die("%s: too large", path);
        cap *= 2;
        buf = realloc(buf, cap);
    }
    if (ferror(f))
        die("%s: %s", path, strerror(errno));
    fclose(f);
    *size = len;
    return buf;
}

static void load_input(input_file *in)
{
    size_t size;
    char err[256];
    in->bytes = read_file(in->path, &size);
    if (npy_is_npy(in->bytes, size)) {
        if (!npy_parse(in->bytes, size, &in->npy, err, sizeof err))
            die("%s: %s", in->path, err);
        in->name = "";
        in->view.dtype = in->npy.dtype;
        in->view.rank = in->npy.rank;
        in->view.dims = in->npy.dims;
        in->view.data = in->npy.data;
        in->view.bytes = in->npy.bytes;
        /* A header of unusual length can leave the data misaligned for its
         * type; the runtime needs it aligned. */
        if ((uintptr_t)in->npy.data % onnxc_dtype_size(in->npy.dtype)) {
            in->aligned = malloc(in->npy.bytes ? in->npy.bytes : 1);
            if (!in->aligned)
                die("%s: out of memory", in->path);
            memcpy(in->aligned, in->npy.data, in->npy.bytes);
            in->view.data = in->aligned;
        }
    } else {
        check(onnxc_tensor_read_buffer(in->bytes, size, &in->pb), in->path);
        in->name = onnxc_tensor_name(in->pb);
        in->view = onnxc_tensor_get_view(in->pb);
    }
}

/* The next input without a default that no file has taken, or n_model. */
static size_t next_free_input(const onnxc_model *model, const bool *taken)
{
    size_t n_model = onnxc_model_input_count(model);
    for (size_t i = 0; i < n_model; i++) {
        onnxc_value_info info;
        onnxc_model_input_info(model, i, &info);
        if (!taken[i] && !info.has_default)
            return i;
    }
    return n_model;
}

/* A file for sequence or optional input `index`: a SequenceProto or an
 * OptionalProto (the model's declaration says which), bound as what it
 * holds. */
static void bind_value(onnxc_session *session, const onnxc_model *model,
                       input_file *in, size_t index)
{
    onnxc_value_info info;
    onnxc_model_input_info(model, index, &info);
    check(onnxc_value_read_file(in->path, info.kind, &in->value), NULL);
    size_t n = onnxc_value_count(in->value);
    in->items = calloc(n + 1, sizeof *in->items);
    if (!in->items)
        die("out of memory");
    for (size_t k = 0; k < n; k++)
        in->items[k] = onnxc_value_item(in->value, k);
    onnxc_kind kind = onnxc_value_kind(in->value);
    onnxc_status *err =
        kind == ONNXC_KIND_SEQUENCE
            ? onnxc_session_bind_input_sequence(session, index, in->items, n)
        : kind == ONNXC_KIND_NONE
            ? onnxc_session_bind_input_none(session, index)
            : onnxc_session_bind_input(session, index, in->items[0].dtype,
                                       in->items[0].dims,
                                       (size_t)in->items[0].rank,
                                       in->items[0].data);
    check(err, in->path);
}

/* Binds each input file: by name when its tensor is named like a graph
 * input, otherwise to the next input without a default. A file whose
 * place by position is a sequence or optional input is read as one. */
static void bind_inputs(onnxc_session *session, const onnxc_model *model,
                        input_file *files, int n)
{
    size_t n_model = onnxc_model_input_count(model);
    bool taken[MAX_FILES] = {false};
    if (n_model > MAX_FILES)
        die("the model has more than %d inputs", MAX_FILES);
    for (int f = 0; f < n; f++) {
        input_file *in = &files[f];
        size_t next = next_free_input(model, taken);
        onnxc_value_info next_info;
        if (next < n_model && !onnxc_model_input_info(model, next, &next_info) &&
            next_info.kind != ONNXC_KIND_TENSOR) {
            taken[next] = true;
            bind_value(session, model, in, next);
            continue;
        }
        load_input(in);
        size_t index = n_model;
        onnxc_status *s = NULL;
        if (in->name[0]) {
            s = onnxc_model_input_index(model, in->name, &index);
            onnxc_status_free(s);
        }
        if (s || !in->name[0]) {
            /* Unnamed, or a name the model does not know: by position. */
            index = next;
            if (index == n_model)
                die("%s: more input files than the model has inputs (%zu)",
                    in->path, n_model);
        }
        if (taken[index]) {
            onnxc_value_info info;
            onnxc_model_input_info(model, index, &info);
            die("%s: input '%s' is given twice", in->path, info.name);
        }
        taken[index] = true;
        onnxc_value_info info;
        onnxc_model_input_info(model, index, &info);
        if (info.kind != ONNXC_KIND_TENSOR)
            die("%s: input '%s' is %s; give it as a SequenceProto or "
                "OptionalProto file in its place by position",
                in->path, info.name,
                info.kind == ONNXC_KIND_SEQUENCE ? "a sequence" : "an optional");
        onnxc_status *err = onnxc_session_bind_input(
            session, index, in->view.dtype, in->view.dims,
            (size_t)in->view.rank, in->view.data);
        check(err, in->path);
    }
}

static int by_op_type(const void *a, const void *b)
{
    const onnxc_operator_info *x = a, *y = b;
    int d = strcmp(x->domain, y->domain);
    return d ? d : strcmp(x->op_type, y->op_type);
}

/* The README's operator table comes from here, so it cannot drift from
 * the registry (a test compares them). */
static void print_operators(void)
{
    size_t n = onnxc_operator_count();
    onnxc_operator_info *ops = calloc(n ? n : 1, sizeof *ops);
    if (!ops)
        die("out of memory");
    for (size_t i = 0; i < n; i++)
        check(onnxc_operator_get(i, &ops[i]), NULL);
    qsort(ops, n, sizeof *ops, by_op_type);
    printf("| operator | versions | element types |\n|---|---|---|\n");
    for (size_t i = 0; i < n; i++) {
        printf("| %s%s%s | ", ops[i].domain, ops[i].domain[0] ? "." : "",
               ops[i].op_type);
        for (const int *v = ops[i].versions; *v; v++)
            printf("%s%d", v == ops[i].versions ? "" : ", ", *v);
        printf(" | %s |\n", ops[i].types);
    }
    free(ops);
}

int main(int argc, char **argv)
{
    options o = {0};
    parse_args(argc, argv, &o);

    char *paths[MAX_FILES];
    int n_paths = 0;
    if (o.data_set) {
        struct stat st;
        if (stat(o.data_set, &st) != 0 || !S_ISDIR(st.st_mode))
            die("%s: not a folder", o.data_set);
        n_paths = list_numbered(o.data_set, "input", paths, MAX_FILES);
    } else {
        for (int i = 0; i < o.n_inputs; i++)
            if (!(paths[n_paths++] = strdup(o.inputs[i])))
                die("out of memory");
    }

    double t0 = now_seconds();
    onnxc_model *model;
    check(onnxc_model_load_file(o.model, &model), NULL);
    double t1 = now_seconds();
    onnxc_session_options *session_options;
    onnxc_session *session;
    check(onnxc_session_options_create(&session_options), NULL);
    check(session_flags_apply(&o.session, session_options), NULL);
    if (o.profile_runs)
        check(onnxc_session_options_set_profiling(session_options, 1), NULL);
    if (o.threads > 1)
        check(onnxc_session_options_set_threads(session_options, o.threads), NULL);
    check(onnxc_session_create(model, session_options, &session), o.model);
    onnxc_session_options_free(session_options);

    /* Sized by the files given: zeroing room for MAX_FILES would touch a
     * dozen fresh stack pages, a tenth of the one-shot cost. */
    input_file *files = calloc((size_t)n_paths + 1, sizeof *files);
    if (!files)
        die("out of memory");
    for (int i = 0; i < n_paths; i++)
        files[i].path = paths[i];
    bind_inputs(session, model, files, n_paths);
    double t2 = now_seconds();
    check(onnxc_session_run(session), o.model);
    double t3 = now_seconds();

    int status = 0;
    size_t n_out = onnxc_model_output_count(model);
    char *expected[MAX_FILES];
    int n_expected = 0;
    if (o.data_set) {
        n_expected = list_numbered(o.data_set, "output", expected, MAX_FILES);
        if ((size_t)n_expected != n_out)
            die("%s holds %d output files; the model has %zu outputs",
                o.data_set, n_expected, n_out);
    }
    if (o.output_dir)
        mkdir(o.output_dir, 0777);  /* an existing folder is fine */
    for (size_t i = 0; i < n_out; i++) {
        onnxc_value_info info;
        onnxc_tensor_view view;
        check(onnxc_model_output_info(model, i, &info), o.model);
        if (info.kind != ONNXC_KIND_TENSOR) {
            if (!other_output(session, i, &info, &o, o.data_set ? expected[i] : NULL))
                status = 1;
            free(o.data_set ? expected[i] : NULL);
            continue;
        }
        check(onnxc_session_output(session, i, &view), o.model);
        if (!o.quiet || !o.data_set)
            print_tensor(info.name, &view, !o.quiet);
        if (o.output_dir) {
            char path[4096];
            snprintf(path, sizeof path, "%s/output_%zu.%s", o.output_dir, i,
                     o.npy_out ? "npy" : "pb");
            if (!o.npy_out)
                check(onnxc_tensor_write_file(path, info.name, &view), NULL);
            else if (!npy_write(path, view.dtype, view.dims, view.rank,
                                view.data, view.bytes))
                die("%s: %s", path, errno == EINVAL
                                        ? "this element type has no .npy form"
                                        : strerror(errno));
        }
        if (o.data_set) {
            onnxc_tensor *want;
            check(onnxc_tensor_read_file(expected[i], &want), NULL);
            onnxc_tensor_view wv = onnxc_tensor_get_view(want);
            if (!compare(info.name, &view, &wv, o.rtol, o.atol))
                status = 1;
            onnxc_tensor_free(want);
            free(expected[i]);
        }
    }
    if (o.data_set)
        printf("%s: %s\n", o.data_set, status ? "MISMATCH" : "match");

    if (o.stats) {
        onnxc_plan_stats st;
        check(onnxc_session_plan_stats(session, &st), o.model);
        printf("plan: arena %zu bytes, lower bound %zu bytes, without reuse "
               "%zu bytes; %zu tensors, %zu in place\n",
               st.arena_bytes, st.lower_bound_bytes, st.no_reuse_bytes,
               st.tensors, st.in_place);
        printf("time: load %.3f ms, first run %.3f ms\n", (t1 - t0) * 1e3,
               (t3 - t2) * 1e3);
    }

    if (o.nodes)
        print_nodes(session, o.model);

    char err[4096];
    if (o.profile_runs &&
        !profile_print(session, o.profile_runs, stdout, o.profile_json, err,
                       sizeof err))
        die("%s: %s", o.model, err);

    for (int i = 0; i < n_paths; i++) {
        onnxc_tensor_free(files[i].pb);
        onnxc_value_free(files[i].value);
        free(files[i].items);
        free(files[i].bytes);
        free(files[i].aligned);
        free(paths[i]);
    }
    free(files);
    onnxc_session_free(session);
    onnxc_model_free(model);
    return status;
}
