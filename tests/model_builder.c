/* model_builder.c - see model_builder.h. */
#include "model_builder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mb_model {
    Onnx__ModelProto model;
    Onnx__GraphProto graph;
    /* The graph mb_input, mb_node, ... add to: graph, or a subgraph being
     * built (mb_subgraph_begin), with the ones around it. */
    Onnx__GraphProto *cur;
    Onnx__GraphProto *outer[32];
    int depth;
    /* Everything hung on the protos: freed together by mb_free(). */
    void **allocs;
    size_t n_allocs, cap_allocs;
};

static void *mb_alloc(mb_model *m, size_t size)
{
    if (m->n_allocs == m->cap_allocs) {
        size_t cap = m->cap_allocs ? 2 * m->cap_allocs : 64;
        void **grown = realloc(m->allocs, cap * sizeof *grown);
        if (!grown)
            abort();
        m->allocs = grown;
        m->cap_allocs = cap;
    }
    void *p = calloc(1, size ? size : 1);
    if (!p)
        abort();
    m->allocs[m->n_allocs++] = p;
    return p;
}

static char *mb_strdup(mb_model *m, const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(mb_alloc(m, n), s, n);
}

/* Appends to a protobuf-c repeated field (a pointer and a count). The old
 * array stays in the builder's list until mb_free: simpler than tracking
 * reallocs, and tests build small models. */
#define MB_PUSH(m, arr, n, item)                                               \
    do {                                                                       \
        void *grown_ = mb_alloc((m), ((n) + 1) * sizeof *(arr));               \
        if (n)                                                                 \
            memcpy(grown_, (arr), (n) * sizeof *(arr));                        \
        (arr) = grown_;                                                        \
        (arr)[(n)++] = (item);                                                 \
    } while (0)

/* Splits "a,b,,c" at commas into builder-owned strings; "" gives none. */
static char **split(mb_model *m, const char *spec, size_t *count)
{
    char **out = NULL;
    *count = 0;
    if (!spec || !*spec)
        return NULL;
    for (const char *p = spec;;) {
        size_t len = strcspn(p, ",");
        char *item = mb_alloc(m, len + 1);
        memcpy(item, p, len);
        MB_PUSH(m, out, *count, item);
        if (!p[len])
            break;
        p += len + 1;
    }
    return out;
}

/* A dim token as a number; false when it is a symbol. */
static int parse_dim(const char *s, int64_t *value)
{
    char *end;
    if (!*s)
        return 0;
    long long v = strtoll(s, &end, 10);
    if (*end)
        return 0;
    *value = v;
    return 1;
}

mb_model *mb_new(int64_t ir_version)
{
    mb_model *m = calloc(1, sizeof *m);
    if (!m)
        abort();
    Onnx__ModelProto model = ONNX__MODEL_PROTO__INIT;
    Onnx__GraphProto graph = ONNX__GRAPH_PROTO__INIT;
    m->model = model;
    m->graph = graph;
    m->graph.name = mb_strdup(m, "test");
    m->model.graph = &m->graph;
    m->cur = &m->graph;
    m->model.has_ir_version = ir_version != 0;
    m->model.ir_version = ir_version;
    m->model.producer_name = mb_strdup(m, "onnxc model_builder");
    return m;
}

void mb_free(mb_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_allocs; i++)
        free(m->allocs[i]);
    free(m->allocs);
    free(m);
}

Onnx__ModelProto *mb_proto(mb_model *m)
{
    return &m->model;
}

void mb_opset(mb_model *m, const char *domain, int64_t version)
{
    Onnx__OperatorSetIdProto *o = mb_alloc(m, sizeof *o);
    Onnx__OperatorSetIdProto init = ONNX__OPERATOR_SET_ID_PROTO__INIT;
    *o = init;
    o->domain = mb_strdup(m, domain);
    o->has_version = 1;
    o->version = version;
    MB_PUSH(m, m->model.opset_import, m->model.n_opset_import, o);
}

void mb_remove_graph(mb_model *m)
{
    m->model.graph = NULL;
}

static Onnx__ValueInfoProto *value_info(mb_model *m, const char *name,
                                        int elem_type, const char *shape)
{
    Onnx__ValueInfoProto *vi = mb_alloc(m, sizeof *vi);
    Onnx__ValueInfoProto vi_init = ONNX__VALUE_INFO_PROTO__INIT;
    Onnx__TypeProto *type = mb_alloc(m, sizeof *type);
    Onnx__TypeProto type_init = ONNX__TYPE_PROTO__INIT;
    Onnx__TypeProto__Tensor *tt = mb_alloc(m, sizeof *tt);
    Onnx__TypeProto__Tensor tt_init = ONNX__TYPE_PROTO__TENSOR__INIT;
    *vi = vi_init;
    *type = type_init;
    *tt = tt_init;
    vi->name = mb_strdup(m, name);
    vi->type = type;
    type->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    type->tensor_type = tt;
    tt->has_elem_type = 1;
    tt->elem_type = elem_type;
    if (!shape)
        return vi;
    Onnx__TensorShapeProto *sp = mb_alloc(m, sizeof *sp);
    Onnx__TensorShapeProto sp_init = ONNX__TENSOR_SHAPE_PROTO__INIT;
    *sp = sp_init;
    tt->shape = sp;
    size_t n;
    char **tokens = split(m, shape, &n);
    for (size_t i = 0; i < n; i++) {
        Onnx__TensorShapeProto__Dimension *d = mb_alloc(m, sizeof *d);
        Onnx__TensorShapeProto__Dimension d_init =
            ONNX__TENSOR_SHAPE_PROTO__DIMENSION__INIT;
        *d = d_init;
        int64_t v;
        if (parse_dim(tokens[i], &v)) {
            d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
            d->dim_value = v;
        } else if (strcmp(tokens[i], "?") != 0) {
            d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
            d->dim_param = tokens[i];
        }
        MB_PUSH(m, sp->dim, sp->n_dim, d);
    }
    return vi;
}

Onnx__ValueInfoProto *mb_input(mb_model *m, const char *name, int elem_type,
                               const char *shape)
{
    Onnx__ValueInfoProto *vi = value_info(m, name, elem_type, shape);
    MB_PUSH(m, m->cur->input, m->cur->n_input, vi);
    return vi;
}

Onnx__ValueInfoProto *mb_output(mb_model *m, const char *name, int elem_type,
                                const char *shape)
{
    Onnx__ValueInfoProto *vi = value_info(m, name, elem_type, shape);
    MB_PUSH(m, m->cur->output, m->cur->n_output, vi);
    return vi;
}

void mb_wrap(mb_model *m, Onnx__ValueInfoProto *vi, onnxc_kind kind)
{
    Onnx__TypeProto *outer = mb_alloc(m, sizeof *outer);
    Onnx__TypeProto type_init = ONNX__TYPE_PROTO__INIT;
    *outer = type_init;
    if (kind == ONNXC_KIND_SEQUENCE) {
        Onnx__TypeProto__Sequence *sq = mb_alloc(m, sizeof *sq);
        Onnx__TypeProto__Sequence sq_init = ONNX__TYPE_PROTO__SEQUENCE__INIT;
        *sq = sq_init;
        sq->elem_type = vi->type;
        outer->value_case = ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE;
        outer->sequence_type = sq;
    } else {
        Onnx__TypeProto__Optional *op = mb_alloc(m, sizeof *op);
        Onnx__TypeProto__Optional op_init = ONNX__TYPE_PROTO__OPTIONAL__INIT;
        *op = op_init;
        op->elem_type = vi->type;
        outer->value_case = ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE;
        outer->optional_type = op;
    }
    vi->type = outer;
}

static Onnx__TensorProto *tensor(mb_model *m, const char *name, int elem_type,
                                 const char *dims)
{
    Onnx__TensorProto *t = mb_alloc(m, sizeof *t);
    Onnx__TensorProto init = ONNX__TENSOR_PROTO__INIT;
    *t = init;
    t->name = mb_strdup(m, name);
    t->has_data_type = 1;
    t->data_type = elem_type;
    size_t n;
    char **tokens = split(m, dims, &n);
    for (size_t i = 0; i < n; i++) {
        int64_t v = 0;
        if (!parse_dim(tokens[i], &v)) {
            fprintf(stderr, "model_builder: initializer dim '%s' is not a "
                            "number\n", tokens[i]);
            abort();
        }
        MB_PUSH(m, t->dims, t->n_dims, v);
    }
    MB_PUSH(m, m->cur->initializer, m->cur->n_initializer, t);
    return t;
}

Onnx__TensorProto *mb_initializer_raw(mb_model *m, const char *name,
                                      int elem_type, const char *dims,
                                      const void *data, size_t bytes)
{
    Onnx__TensorProto *t = tensor(m, name, elem_type, dims);
    t->has_raw_data = 1;
    t->raw_data.len = bytes;
    t->raw_data.data = mb_alloc(m, bytes);
    if (bytes)
        memcpy(t->raw_data.data, data, bytes);
    return t;
}

Onnx__TensorProto *mb_initializer_f32(mb_model *m, const char *name,
                                      const char *dims, const float *values,
                                      size_t count)
{
    return mb_initializer_raw(m, name, ONNXC_FLOAT, dims, values,
                              count * sizeof *values);
}

Onnx__TensorProto *mb_initializer_float_data(mb_model *m, const char *name,
                                             const char *dims,
                                             const float *values,
                                             size_t count)
{
    Onnx__TensorProto *t = tensor(m, name, ONNXC_FLOAT, dims);
    t->n_float_data = count;
    t->float_data = mb_alloc(m, count * sizeof *values);
    if (count)
        memcpy(t->float_data, values, count * sizeof *values);
    return t;
}

static void add_entry(mb_model *m, Onnx__TensorProto *t, const char *key,
                      const char *value)
{
    Onnx__StringStringEntryProto *e = mb_alloc(m, sizeof *e);
    Onnx__StringStringEntryProto init = ONNX__STRING_STRING_ENTRY_PROTO__INIT;
    *e = init;
    e->key = mb_strdup(m, key);
    e->value = mb_strdup(m, value);
    MB_PUSH(m, t->external_data, t->n_external_data, e);
}

void mb_set_external(mb_model *m, Onnx__TensorProto *t, const char *location,
                     const char *offset, const char *length)
{
    t->has_raw_data = 0;
    t->raw_data.len = 0;
    t->raw_data.data = NULL;
    t->n_float_data = 0;
    t->has_data_location = 1;
    t->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
    add_entry(m, t, "location", location);
    if (offset)
        add_entry(m, t, "offset", offset);
    if (length)
        add_entry(m, t, "length", length);
}

Onnx__NodeProto *mb_node(mb_model *m, const char *op_type, const char *name,
                         const char *inputs, const char *outputs)
{
    Onnx__NodeProto *n = mb_alloc(m, sizeof *n);
    Onnx__NodeProto init = ONNX__NODE_PROTO__INIT;
    *n = init;
    n->op_type = mb_strdup(m, op_type);
    n->name = name ? mb_strdup(m, name) : NULL;
    n->input = split(m, inputs, &n->n_input);
    n->output = split(m, outputs, &n->n_output);
    MB_PUSH(m, m->cur->node, m->cur->n_node, n);
    return n;
}

void mb_node_domain(mb_model *m, Onnx__NodeProto *n, const char *domain)
{
    n->domain = mb_strdup(m, domain);
}

static Onnx__AttributeProto *attr(mb_model *m, Onnx__NodeProto *n,
                                  const char *name,
                                  Onnx__AttributeProto__AttributeType type)
{
    Onnx__AttributeProto *a = mb_alloc(m, sizeof *a);
    Onnx__AttributeProto init = ONNX__ATTRIBUTE_PROTO__INIT;
    *a = init;
    a->name = mb_strdup(m, name);
    a->has_type = 1;
    a->type = type;
    MB_PUSH(m, n->attribute, n->n_attribute, a);
    return a;
}

void mb_attr_float(mb_model *m, Onnx__NodeProto *n, const char *name, float f)
{
    Onnx__AttributeProto *a =
        attr(m, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    a->has_f = 1;
    a->f = f;
}

void mb_attr_int(mb_model *m, Onnx__NodeProto *n, const char *name, int64_t i)
{
    Onnx__AttributeProto *a =
        attr(m, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    a->has_i = 1;
    a->i = i;
}

void mb_attr_ints(mb_model *m, Onnx__NodeProto *n, const char *name,
                  const int64_t *values, size_t count)
{
    Onnx__AttributeProto *a =
        attr(m, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    a->ints = mb_alloc(m, (count ? count : 1) * sizeof *a->ints);
    for (size_t i = 0; i < count; i++)
        a->ints[i] = values[i];
    a->n_ints = count;
}

void mb_attr_string(mb_model *m, Onnx__NodeProto *n, const char *name,
                    const char *value)
{
    Onnx__AttributeProto *a =
        attr(m, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING);
    size_t len = strlen(value);
    a->has_s = 1;
    a->s.data = mb_alloc(m, len + 1);
    memcpy(a->s.data, value, len + 1);
    a->s.len = len;
}

void mb_attr_floats(mb_model *m, Onnx__NodeProto *n, const char *name,
                    const float *values, size_t count)
{
    Onnx__AttributeProto *a =
        attr(m, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS);
    a->floats = mb_alloc(m, (count ? count : 1) * sizeof *a->floats);
    for (size_t i = 0; i < count; i++)
        a->floats[i] = values[i];
    a->n_floats = count;
}

void mb_attr_strings(mb_model *m, Onnx__NodeProto *n, const char *name,
                     const char *const *values, size_t count)
{
    Onnx__AttributeProto *a =
        attr(m, n, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS);
    a->strings = mb_alloc(m, (count ? count : 1) * sizeof *a->strings);
    for (size_t i = 0; i < count; i++) {
        size_t len = strlen(values[i]);
        a->strings[i].data = mb_alloc(m, len + 1);
        memcpy(a->strings[i].data, values[i], len + 1);
        a->strings[i].len = len;
    }
    a->n_strings = count;
}

void mb_subgraph_begin(mb_model *m, const char *name)
{
    if (m->depth == (int)(sizeof m->outer / sizeof m->outer[0]))
        abort();
    Onnx__GraphProto *g = mb_alloc(m, sizeof *g);
    onnx__graph_proto__init(g);
    g->name = mb_strdup(m, name);
    m->outer[m->depth++] = m->cur;
    m->cur = g;
}

void mb_subgraph_end(mb_model *m, Onnx__NodeProto *n, const char *attr_name)
{
    if (!m->depth)
        abort();
    Onnx__GraphProto *g = m->cur;
    m->cur = m->outer[--m->depth];
    Onnx__AttributeProto *a = attr(m, n, attr_name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__GRAPH);
    a->g = g;
}

void *mb_pack(const mb_model *m, size_t *size)
{
    *size = onnx__model_proto__get_packed_size(&m->model);
    uint8_t *buf = malloc(*size ? *size : 1);
    if (!buf)
        abort();
    onnx__model_proto__pack(&m->model, buf);
    return buf;
}

onnxc_status *mb_load(const mb_model *m, const char *base_dir,
                      onnxc_model **model)
{
    size_t size;
    void *bytes = mb_pack(m, &size);
    onnxc_status *err = onnxc_model_load_buffer(bytes, size, base_dir, model);
    free(bytes);
    return err;
}

int mb_write_file(const mb_model *m, const char *path)
{
    size_t size;
    void *bytes = mb_pack(m, &size);
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(bytes, 1, size, f) == size;
    if (f)
        ok = fclose(f) == 0 && ok;
    free(bytes);
    return ok ? 0 : -1;
}
