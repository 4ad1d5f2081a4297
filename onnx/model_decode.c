/*
 * model_decode.c - ModelProto -> oc_graph.
 *
 * This file translates, it does not judge: names are copied as they are,
 * and checks that need the whole graph (defined inputs, unique names,
 * cycles, supported operators) are the compiler's (runtime/compile/). It
 * refuses only what cannot be translated: bytes that are not a ModelProto, an IR version
 * outside 3..10, tensors whose sizes lie.
 */
#include <stdio.h>
#include <string.h>

#include "runtime/core/name_map.h"
#include "runtime/core/status.h"
#include "onnx.pb-c.h"
#include "runtime/graph/format.h"
#include "onnx/tensor_data.h"
#include "onnx/wire_depth.h"
#include "onnx/wire_strip.h"

#define IR_VERSION_MIN 3
#define IR_VERSION_MAX 10

typedef struct decoder {
    oc_graph *g;
    const char *base_dir;
    /* bytes that outlive the graph, whose weights may be used in place */
    const uint8_t *in_place;
    size_t in_place_size;
    oc_name_map symbols;  /* dim_param name -> symbol */
    size_t symbol_cap;    /* room in g->symbols */
} decoder;

static const char *str(const char *s)
{
    return s ? s : "";
}

static const char *domain_of(const char *d)
{
    /* "ai.onnx" is the default domain spelt out; keep one spelling. */
    return !d || strcmp(d, "ai.onnx") == 0 ? "" : d;
}

/* The symbol for a named dim, shared by every dim of that name; a fresh
 * anonymous symbol when the dim has no name. -1 when out of memory. */
static int symbol_for(decoder *d, const char *name)
{
    oc_graph *g = d->g;
    if (name && *name) {
        int known = oc_name_map_get(&d->symbols, name);
        if (known >= 0)
            return known;
    }
    if ((size_t)g->n_symbols == d->symbol_cap) {
        size_t cap = d->symbol_cap ? d->symbol_cap * 2 : 16;
        const char **grown = oc_pool_calloc(&g->pool, cap, sizeof *grown);
        if (!grown)
            return -1;
        if (g->n_symbols)
            memcpy(grown, g->symbols, (size_t)g->n_symbols * sizeof *grown);
        g->symbols = grown;
        d->symbol_cap = cap;
    }
    const char *copy = NULL;
    if (name && *name) {
        if (!(copy = oc_pool_strdup(&g->pool, name)))
            return -1;
        oc_name_map_put(&d->symbols, copy, g->n_symbols);
    }
    g->symbols[g->n_symbols] = copy;
    return g->n_symbols++;
}

/* The kind a TypeProto names, and the tensor type inside it: a tensor, a
 * sequence of tensors, an optional tensor or sequence of tensors. NULL
 * (and *bad set) for what onnxc cannot hold: maps, sparse tensors,
 * sequences of sequences. */
static const Onnx__TypeProto__Tensor *kind_of(const Onnx__TypeProto *type,
                                              onnxc_kind *kind,
                                              onnxc_kind *elem_kind,
                                              const char **bad)
{
    const Onnx__TypeProto *inner = type;
    *kind = *elem_kind = ONNXC_KIND_TENSOR;
    *bad = NULL;
    if (type->value_case == ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE) {
        *kind = ONNXC_KIND_OPTIONAL;
        inner = type->optional_type->elem_type;
        if (!inner) {
            *bad = "optional value of no declared type";
            return NULL;
        }
    }
    if (inner->value_case == ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE) {
        if (*kind == ONNXC_KIND_TENSOR)
            *kind = ONNXC_KIND_SEQUENCE;
        *elem_kind = ONNXC_KIND_SEQUENCE;
        inner = inner->sequence_type->elem_type;
        if (!inner) {
            *bad = "sequence of no declared type";
            return NULL;
        }
    }
    if (inner->value_case == ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE)
        return inner->tensor_type;
    *bad = inner->value_case == ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE
               ? "sequence of sequences"
           : inner->value_case == ONNX__TYPE_PROTO__VALUE_MAP_TYPE ? "map"
           : inner->value_case == ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE
               ? "optional of an optional"
               : "sparse tensor or other non-tensor value";
    return NULL;
}

/* Fills a value's kind, dtype and shape from a ValueInfoProto. A type
 * onnxc cannot hold is recorded in bad_type, not refused here. */
static onnxc_status *decode_value_info(decoder *d, const Onnx__ValueInfoProto *vi,
                                       oc_value *v)
{
    const char *name = str(vi->name);
    const Onnx__TypeProto *type = vi->type;
    v->shape.rank = -1;
    if (!type)
        return NULL;  /* outputs may leave their type to inference */
    const Onnx__TypeProto__Tensor *tt = kind_of(type, &v->kind, &v->elem_kind,
                                                &v->bad_type);
    if (!tt)
        return NULL;
    int32_t et = tt->has_elem_type ? tt->elem_type : 0;
    if (et < 0 || et > ONNXC_BFLOAT16)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "value '%s': unknown element type %d", name, (int)et);
    v->dtype = (onnxc_dtype)et;
    if (v->dtype == ONNXC_STRING)
        v->bad_type = "string tensor";
    if (!tt->shape)
        return NULL;
    if (tt->shape->n_dim > ONNXC_MAX_RANK)
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "value '%s': rank %zu is above the supported maximum %d",
                        name, tt->shape->n_dim, ONNXC_MAX_RANK);
    v->shape.rank = (int)tt->shape->n_dim;
    for (size_t i = 0; i < tt->shape->n_dim; i++) {
        const Onnx__TensorShapeProto__Dimension *dim = tt->shape->dim[i];
        oc_dim *out = &v->shape.dims[i];
        if (dim->value_case ==
            ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE) {
            if (dim->dim_value < 0)
                return oc_error(ONNXC_ERR_INVALID_MODEL,
                                "value '%s': dim %zu is negative (%lld)", name,
                                i, (long long)dim->dim_value);
            *out = dim_known(dim->dim_value);
        } else {
            const char *param =
                dim->value_case ==
                        ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM
                    ? dim->dim_param
                    : NULL;
            int sym = symbol_for(d, param);
            if (sym < 0)
                return oc_no_memory();
            out->value = -1;
            out->sym = sym;
        }
    }
    /* Known dims alone must fit in memory: a lie here would otherwise
     * surface later as a confusing binding error. */
    size_t count = 1;
    for (int i = 0; i < v->shape.rank; i++)
        if (dim_is_known(v->shape.dims[i]) &&
            !oc_size_mul(count, (size_t)v->shape.dims[i].value, &count))
            count = SIZE_MAX;
    size_t esize = onnxc_dtype_size(v->dtype);
    char shape[160];
    if (count == SIZE_MAX || (esize && count > SIZE_MAX / esize))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "value '%s': shape %s has more %s than memory can hold",
                        name,
                        oc_shape_format(&v->shape, d->g->symbols, shape, sizeof shape),
                        count == SIZE_MAX ? "elements" : "bytes");
    return NULL;
}

static oc_value *find_declared(oc_graph *g, const char *name)
{
    for (int i = 0; i < g->n_values; i++)
        if (strcmp(g->values[i].name, name) == 0)
            return &g->values[i];
    return NULL;
}

static onnxc_status *decode_initializer(decoder *d, const Onnx__TensorProto *t,
                                        size_t index)
{
    oc_graph *g = d->g;
    char what[256];
    const char *name = str(t->name);
    snprintf(what, sizeof what, "initializer '%s'", name);
    if (!*name)
        return oc_error(ONNXC_ERR_INVALID_MODEL, "initializer %zu has no name",
                        index);
    tensor_layout l;
    onnxc_status *err = oc_tensor_layout_read(t, what, &l);
    if (!err)
        err = oc_tensor_data_check(t, what, &l, d->base_dir);
    if (err)
        return err;
    oc_value *v = &g->values[g->n_values++];
    if (!(v->name = oc_pool_strdup(&g->pool, name)))
        return oc_no_memory();
    v->flags = OC_VALUE_INITIALIZER;
    v->dtype = l.dtype;
    v->bad_type = l.bad_type;
    v->shape.rank = l.rank;
    for (int i = 0; i < l.rank; i++)
        v->shape.dims[i] = dim_known(l.dims[i]);
    v->bytes = l.bytes;
    /* raw_data in the mapped file, aligned for its elements and already
     * in the native layout (little-endian, as ONNX stores it): used where
     * it lies. Misaligned data is copied: it is never read in place. */
    const uint8_t *raw = t->has_raw_data ? t->raw_data.data : NULL;
    size_t esize = onnxc_dtype_size(l.dtype);
    if (raw && d->in_place && raw >= d->in_place &&
        raw + l.bytes <= d->in_place + d->in_place_size && l.bytes &&
        t->raw_data.len == l.bytes && esize && (uintptr_t)raw % esize == 0 &&
        !l.bad_type) {
        v->data = raw;
        v->flags |= OC_VALUE_MAPPED;
        return NULL;
    }
    void *data = oc_pool_alloc(&g->pool, l.bytes);
    if (!data)
        return oc_error(ONNXC_ERR_NO_MEMORY,
                        "%s: cannot allocate %zu bytes", what, l.bytes);
    v->data = data;
    return oc_tensor_data_copy(t, what, &l, d->base_dir, data);
}

/* Initializers first, then graph inputs: an input named like an
 * initializer is an optional input whose default is that initializer
 * (old exports list every weight as an input). */
static onnxc_status *decode_declared_values(decoder *d, const Onnx__GraphProto *gp)
{
    oc_graph *g = d->g;
    onnxc_status *err;
    for (size_t i = 0; i < gp->n_initializer; i++)
        if ((err = decode_initializer(d, gp->initializer[i], i)))
            return err;
    if (gp->n_sparse_initializer) {
        const Onnx__SparseTensorProto *sp = gp->sparse_initializer[0];
        const char *name = sp->values && sp->values->name ? sp->values->name : "";
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "sparse initializer '%s': sparse tensors are not "
                        "supported",
                        name);
    }
    g->inputs = oc_pool_calloc(&g->pool, gp->n_input, sizeof *g->inputs);
    if (!g->inputs && gp->n_input)
        return oc_no_memory();
    for (size_t i = 0; i < gp->n_input; i++) {
        const char *name = str(gp->input[i]->name);
        if (!*name)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "graph input %zu has no name", i);
        oc_value *v = find_declared(g, name);
        oc_value decl = {0};
        if ((err = decode_value_info(d, gp->input[i], &decl)))
            return err;
        if (v && (v->flags & OC_VALUE_INPUT))
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "graph input '%s' is listed twice", name);
        if (v) {
            /* The initializer's own type and shape stand. */
            if (decl.dtype != ONNXC_UNDEFINED && decl.dtype != v->dtype)
                return oc_error(ONNXC_ERR_INVALID_MODEL,
                                "graph input '%s' is declared %s but its "
                                "initializer is %s",
                                name, onnxc_dtype_name(decl.dtype),
                                onnxc_dtype_name(v->dtype));
        } else {
            v = &g->values[g->n_values++];
            *v = decl;
            if (!(v->name = oc_pool_strdup(&g->pool, name)))
                return oc_no_memory();
        }
        v->flags |= OC_VALUE_INPUT;
        g->inputs[g->n_inputs++] = (int)(v - g->values);
    }
    return NULL;
}

static onnxc_status *decode_outputs(decoder *d, const Onnx__GraphProto *gp)
{
    oc_graph *g = d->g;
    g->output_decls = oc_pool_calloc(&g->pool, gp->n_output, sizeof(oc_value));
    g->outputs = oc_pool_calloc(&g->pool, gp->n_output, sizeof(int));
    if (gp->n_output && (!g->output_decls || !g->outputs))
        return oc_no_memory();
    for (size_t i = 0; i < gp->n_output; i++) {
        oc_value *o = &g->output_decls[i];
        const char *name = str(gp->output[i]->name);
        if (!*name)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "graph output %zu has no name", i);
        onnxc_status *err = decode_value_info(d, gp->output[i], o);
        if (err)
            return err;
        if (!(o->name = oc_pool_strdup(&g->pool, name)))
            return oc_no_memory();
        g->n_outputs++;
    }
    return NULL;
}

/* The attribute type of old models that leave `type` unset: the field
 * that holds a value says it. */
static int attr_type(const Onnx__AttributeProto *a)
{
    if (a->has_type)
        return (int)a->type;
    if (a->has_f) return OC_ATTR_FLOAT;
    if (a->has_i) return OC_ATTR_INT;
    if (a->has_s) return OC_ATTR_STRING;
    if (a->t) return OC_ATTR_TENSOR;
    if (a->g) return OC_ATTR_GRAPH;
    if (a->n_floats) return OC_ATTR_FLOATS;
    if (a->n_ints) return OC_ATTR_INTS;
    if (a->n_strings) return OC_ATTR_STRINGS;
    if (a->tp) return OC_ATTR_TYPE_PROTO;
    return 0;
}

/* A TENSOR attribute (Constant's value), decoded like an initializer. */
static onnxc_status *decode_attr_tensor(decoder *d, const Onnx__AttributeProto *a,
                                        const char *node_label, oc_attr *out)
{
    char what[300];
    tensor_layout l;
    onnxc_status *err;
    snprintf(what, sizeof what, "attribute '%s' of node '%s'", out->name,
             node_label);
    if ((err = oc_tensor_layout_read(a->t, what, &l)) ||
        (err = oc_tensor_data_check(a->t, what, &l, d->base_dir)))
        return err;
    out->t.dtype = l.dtype;
    out->t.rank = l.rank;
    memcpy(out->t.dims, l.dims, sizeof out->t.dims);
    out->t_bytes = l.bytes;
    out->t_bad_type = l.bad_type;
    /* One spare byte: a pointer for an empty tensor is still not NULL. */
    if (!(out->t.data = oc_pool_alloc(&d->g->pool, l.bytes + 1)))
        return oc_error(ONNXC_ERR_NO_MEMORY, "%s: cannot allocate %zu bytes",
                        what, l.bytes);
    return oc_tensor_data_copy(a->t, what, &l, d->base_dir, out->t.data);
}

static onnxc_status *decode_graph(decoder *d, const Onnx__GraphProto *gp);

/* A GRAPH attribute (If's branches, a Loop's body): a graph of its own,
 * with the model's opsets and IR version, freed with the node's graph. */
static onnxc_status *decode_attr_graph(decoder *d, const Onnx__AttributeProto *a,
                                       const char *node_label, oc_attr *out)
{
    oc_graph *parent = d->g;
    decoder sub = {.g = oc_graph_new(), .base_dir = d->base_dir};
    if (!sub.g)
        return oc_no_memory();
    sub.g->ir_version = parent->ir_version;
    sub.g->opset = parent->opset;
    sub.g->opsets = parent->opsets;   /* the parent's pool outlives it */
    sub.g->n_opsets = parent->n_opsets;
    sub.g->depth = parent->depth + 1;
    onnxc_status *err = decode_graph(&sub, a->g);
    if (err) {
        oc_graph_free(sub.g);
        return oc_error_wrap(err, "node '%s', attribute '%s'", node_label,
                             out->name);
    }
    out->g = sub.g;
    return NULL;
}

static onnxc_status *decode_attr(decoder *d, const Onnx__AttributeProto *a,
                                 const char *node_label, oc_attr *out)
{
    oc_pool *pool = &d->g->pool;
    if (!(out->name = oc_pool_strdup(pool, str(a->name))))
        return oc_no_memory();
    out->type = attr_type(a);
    out->f = a->f;
    out->i = a->i;
    if (a->has_s) {
        if (!(out->s = oc_pool_strndup(pool, (const char *)a->s.data, a->s.len)))
            return oc_no_memory();
        out->s_len = a->s.len;
    }
    else if (out->type == OC_ATTR_STRING)
        out->s = "";   /* typed STRING but carrying none: the empty one */
    /* count belongs to the list the type names: an INTS attribute that
     * carries floats instead holds no ints (not n_floats of them) */
    if (out->type == OC_ATTR_FLOATS && a->n_floats) {
        float *f = oc_pool_calloc(pool, a->n_floats, sizeof *f);
        if (!f)
            return oc_no_memory();
        memcpy(f, a->floats, a->n_floats * sizeof *f);
        out->floats = f;
        out->count = a->n_floats;
    } else if (out->type == OC_ATTR_INTS && a->n_ints) {
        int64_t *v = oc_pool_calloc(pool, a->n_ints, sizeof *v);
        if (!v)
            return oc_no_memory();
        memcpy(v, a->ints, a->n_ints * sizeof *v);
        out->ints = v;
        out->count = a->n_ints;
    } else if (out->type == OC_ATTR_STRINGS && a->n_strings) {
        const char **v = oc_pool_calloc(pool, a->n_strings, sizeof *v);
        if (!v)
            return oc_no_memory();
        for (size_t k = 0; k < a->n_strings; k++)
            if (!(v[k] = oc_pool_strndup(pool, (const char *)a->strings[k].data,
                                         a->strings[k].len)))
                return oc_no_memory();
        out->strings = v;
        out->count = a->n_strings;
    }
    if (out->type == OC_ATTR_TENSOR && a->t)
        return decode_attr_tensor(d, a, node_label, out);
    if (out->type == OC_ATTR_GRAPH && a->g)
        return decode_attr_graph(d, a, node_label, out);
    if (out->type == OC_ATTR_TYPE_PROTO && a->tp) {
        const Onnx__TypeProto__Tensor *tt = kind_of(a->tp, &out->tp_kind,
                                                    &out->tp_elem_kind, &out->tp_bad);
        int32_t et = tt && tt->has_elem_type ? tt->elem_type : 0;
        if (tt && (et <= 0 || et > ONNXC_BFLOAT16 || et == ONNXC_STRING))
            out->tp_bad = et == ONNXC_STRING ? "string tensor" : "tensor of no known type";
        out->tp_dtype = out->tp_bad ? ONNXC_UNDEFINED : (onnxc_dtype)et;
    }
    return NULL;
}

static const char **copy_names(oc_pool *pool, char **names, size_t n)
{
    const char **out = oc_pool_calloc(pool, n ? n : 1, sizeof *out);
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (!(out[i] = oc_pool_strdup(pool, str(names[i]))))
            return NULL;
    return out;
}

static onnxc_status *decode_nodes(decoder *d, const Onnx__GraphProto *gp)
{
    oc_graph *g = d->g;
    oc_pool *pool = &g->pool;
    g->nodes = oc_pool_calloc(pool, gp->n_node, sizeof *g->nodes);
    if (!g->nodes && gp->n_node)
        return oc_no_memory();
    for (size_t i = 0; i < gp->n_node; i++) {
        const Onnx__NodeProto *np = gp->node[i];
        oc_node *n = &g->nodes[i];
        if (np->n_input > INT32_MAX / 2 || np->n_output > INT32_MAX / 2 ||
            np->n_attribute > INT32_MAX / 2)
            return oc_error(ONNXC_ERR_INVALID_MODEL, "node %zu is too large", i);
        n->name = oc_pool_strdup(pool, str(np->name));
        n->op_type = oc_pool_strdup(pool, str(np->op_type));
        char label[64];
        snprintf(label, sizeof label, "#%zu %.40s", i, n->op_type ? n->op_type : "");
        n->label = *str(np->name) ? n->name : oc_pool_strdup(pool, label);
        n->domain = oc_pool_strdup(pool, domain_of(np->domain));
        n->input_names = copy_names(pool, np->input, np->n_input);
        n->output_names = copy_names(pool, np->output, np->n_output);
        n->attrs = oc_pool_calloc(pool, np->n_attribute ? np->n_attribute : 1,
                               sizeof *n->attrs);
        if (!n->name || !n->op_type || !n->label || !n->domain || !n->input_names ||
            !n->output_names || !n->attrs)
            return oc_no_memory();
        n->n_inputs = (int)np->n_input;
        n->n_outputs = (int)np->n_output;
        g->n_nodes++;   /* counted now: a failure frees its subgraphs */
        for (size_t k = 0; k < np->n_attribute; k++) {
            onnxc_status *err =
                decode_attr(d, np->attribute[k], n->label, &n->attrs[k]);
            if (err)
                return err;
            n->n_attrs++;
        }
    }
    return NULL;
}

static onnxc_status *decode_opsets(decoder *d, const Onnx__ModelProto *m)
{
    oc_graph *g = d->g;
    g->opsets = oc_pool_calloc(&g->pool, m->n_opset_import ? m->n_opset_import : 1,
                            sizeof *g->opsets);
    if (!g->opsets)
        return oc_no_memory();
    for (size_t i = 0; i < m->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *o = m->opset_import[i];
        const char *domain = domain_of(o->domain);
        if (!(g->opsets[i].domain = oc_pool_strdup(&g->pool, domain)))
            return oc_no_memory();
        g->opsets[i].version = o->has_version ? o->version : 0;
        if (g->opsets[i].version < 0)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "opset import of %s at version %lld is invalid",
                            *domain ? domain : "ai.onnx",
                            (long long)g->opsets[i].version);
        g->n_opsets++;
        if (!*domain)
            g->opset = g->opsets[i].version;
    }
    return NULL;
}

/* Room for every value the graph can have: inputs, initializers and the
 * outputs of every node. */
static onnxc_status *reserve_values(oc_graph *g, const Onnx__GraphProto *gp)
{
    size_t n = gp->n_input + gp->n_initializer;
    for (size_t i = 0; i < gp->n_node; i++)
        n += gp->node[i]->n_output;
    if (n > INT32_MAX / 2)
        return oc_error(ONNXC_ERR_INVALID_MODEL, "the graph has too many values");
    g->values = oc_pool_calloc(&g->pool, n ? n : 1, sizeof *g->values);
    if (!g->values)
        return oc_no_memory();
    g->max_values = (int)n;
    return NULL;
}

/* How many dims a value declares, for sizing the symbol map. */
static size_t value_info_dims(const Onnx__ValueInfoProto *vi)
{
    const Onnx__TypeProto *t = vi->type;
    if (!t || t->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE ||
        !t->tensor_type->shape)
        return 0;
    return t->tensor_type->shape->n_dim;
}

/* The large raw_data left out of the parse (wire_strip.h), put back as
 * pointers into the original bytes; undo before freeing the message, which
 * would free them. */
static bool point_weights(Onnx__ModelProto *m, const oc_stripped *s,
                          const uint8_t *data, bool undo)
{
    Onnx__GraphProto *gp = m->graph;
    if (!gp || gp->n_initializer != s->n_refs)
        return false;
    for (size_t i = 0; i < s->n_refs; i++) {
        Onnx__TensorProto *t = gp->initializer[i];
        if (!s->refs[i].len)
            continue;
        t->has_raw_data = !undo;
        t->raw_data.data = undo ? NULL : (uint8_t *)data + s->refs[i].offset;
        t->raw_data.len = undo ? 0 : s->refs[i].len;
    }
    return true;
}

/* The graph's values, nodes, inputs and outputs. */
static onnxc_status *decode_graph(decoder *d, const Onnx__GraphProto *gp)
{
    onnxc_status *err;
    size_t dims = 0;
    for (size_t i = 0; i < gp->n_input; i++)
        dims += value_info_dims(gp->input[i]);
    for (size_t i = 0; i < gp->n_output; i++)
        dims += value_info_dims(gp->output[i]);
    if (!oc_name_map_init(&d->symbols, &d->g->pool, dims))
        return oc_no_memory();
    if ((err = reserve_values(d->g, gp)) ||
        (err = decode_nodes(d, gp)) ||
        (err = decode_declared_values(d, gp)) ||
        (err = decode_outputs(d, gp)))
        return err;
    return NULL;
}

/* Parses the bytes; with in_place, without copying the large weights. */
static Onnx__ModelProto *parse_model(const uint8_t *data, size_t size,
                                     bool in_place, oc_stripped *stripped)
{
    if (in_place &&
        oc_wire_strip_weights(data, size, WIRE_STRIP_MIN_BYTES, stripped)) {
        Onnx__ModelProto *m =
            onnx__model_proto__unpack(NULL, stripped->size, stripped->bytes);
        if (m && point_weights(m, stripped, data, false))
            return m;
        if (m)
            onnx__model_proto__free_unpacked(m, NULL);
        oc_stripped_free(stripped);
    }
    return onnx__model_proto__unpack(NULL, size, data);
}

onnxc_status *oc_onnx_decode_model(const void *data, size_t size,
                                   const char *base_dir, bool in_place,
                                   oc_graph **graph)
{
    onnxc_status *err = NULL;
    oc_stripped stripped = {0};
    *graph = NULL;
    if (size == 0)
        return oc_error(ONNXC_ERR_INVALID_MODEL, "not an ONNX model (empty)");
    if (oc_wire_depth(data, size, &onnx__model_proto__descriptor, WIRE_MAX_DEPTH) >
        WIRE_MAX_DEPTH)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "the model nests messages more than %d deep; refused "
                        "before parsing",
                        WIRE_MAX_DEPTH);
    Onnx__ModelProto *m = parse_model(data, size, in_place, &stripped);
    if (!m)
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "not an ONNX model (the protobuf does not parse; is "
                        "the file truncated?)");
    decoder d = {.g = oc_graph_new(), .base_dir = base_dir,
                 .in_place = in_place ? data : NULL,
                 .in_place_size = in_place ? size : 0};
    if (!d.g) {
        err = oc_no_memory();
        goto done;
    }
    d.g->ir_version = m->has_ir_version ? m->ir_version : 0;
    /* Empty or unrelated bytes often parse as a protobuf with no fields. */
    if (!m->has_ir_version && !m->graph) {
        err = oc_error(ONNXC_ERR_INVALID_MODEL,
                       "not an ONNX model (no IR version and no graph)");
        goto done;
    }
    if (d.g->ir_version < IR_VERSION_MIN || d.g->ir_version > IR_VERSION_MAX) {
        err = oc_error(ONNXC_ERR_UNSUPPORTED,
                       "IR version %lld is not supported (%d to %d are)",
                       (long long)d.g->ir_version, IR_VERSION_MIN,
                       IR_VERSION_MAX);
        goto done;
    }
    if (!m->graph) {
        err = oc_error(ONNXC_ERR_INVALID_MODEL, "the model has no graph");
        goto done;
    }
    if ((err = decode_opsets(&d, m)) || (err = decode_graph(&d, m->graph)))
        goto done;
done:
    if (stripped.bytes)
        point_weights(m, &stripped, data, true);
    oc_stripped_free(&stripped);
    onnx__model_proto__free_unpacked(m, NULL);
    if (err)
        oc_graph_free(d.g);
    else
        *graph = d.g;
    return err;
}
