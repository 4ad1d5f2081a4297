/* model.c - loading a model, describing its inputs and outputs, and the
 * programs compiled from it. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/graph/format.h"
#include "runtime/core/file.h"
#include "runtime/api/model.h"
#include "runtime/core/status.h"

/* Fills a value_info from a value, in the graph's pool. */
static onnxc_status *describe(oc_graph *g, const oc_value *v,
                              const oc_value *decl, onnxc_value_info *info)
{
    /* An output's declared shape names its symbols; an inferred one may
     * know more dims. Prefer what is known, keep the names. */
    const oc_shape *shape = &v->shape;
    int64_t *dims = oc_pool_calloc(&g->pool, ONNXC_MAX_RANK, sizeof *dims);
    const char **names = oc_pool_calloc(&g->pool, ONNXC_MAX_RANK, sizeof *names);
    if (!dims || !names)
        return oc_no_memory();
    if (shape->rank < 0 && decl)
        shape = &decl->shape;
    info->name = v->name;
    info->kind = v->kind;
    info->elem_kind = v->elem_kind;
    info->dtype = v->dtype;
    info->rank = shape->rank;
    for (int i = 0; i < shape->rank; i++) {
        oc_dim d = shape->dims[i];
        if (!dim_is_known(d) && decl && decl->shape.rank == shape->rank &&
            dim_is_known(decl->shape.dims[i]))
            d = decl->shape.dims[i];
        dims[i] = dim_is_known(d) ? d.value : -1;
        names[i] = dim_is_known(d) || d.sym == OC_SYM_UNKNOWN ? NULL
                                                         : g->symbols[d.sym];
    }
    info->dims = dims;
    info->dim_names = names;
    info->has_default = (v->flags & OC_VALUE_INITIALIZER) != 0;
    return NULL;
}

static onnxc_status *model_from_graph(oc_graph *g, onnxc_model **model)
{
    onnxc_status *err;
    onnxc_model *m = calloc(1, sizeof *m);
    if (!m) {
        oc_graph_free(g);
        return oc_no_memory();
    }
    m->graph = g;
    pthread_mutex_init(&m->lock, NULL);
    if ((err = oc_compile_check(g)))
        goto fail;
    m->inputs = oc_pool_calloc(&g->pool, (size_t)g->n_inputs + 1, sizeof *m->inputs);
    m->outputs = oc_pool_calloc(&g->pool, (size_t)g->n_outputs + 1, sizeof *m->outputs);
    if (!m->inputs || !m->outputs) {
        err = oc_no_memory();
        goto fail;
    }
    for (int i = 0; i < g->n_inputs; i++)
        if ((err = describe(g, &g->values[g->inputs[i]], NULL, &m->inputs[i])))
            goto fail;
    for (int i = 0; i < g->n_outputs; i++)
        if ((err = describe(g, &g->values[g->outputs[i]], &g->output_decls[i],
                            &m->outputs[i])))
            goto fail;
    *model = m;
    return NULL;
fail:
    onnxc_model_free(m);
    return err;
}

/* The graph decoded from the bytes, checked, as a model; in_place: the
 * bytes are the model's mapped file, kept until the model is freed. */
static onnxc_status *load(const void *data, size_t size, const char *base_dir,
                          bool in_place, onnxc_model **model)
{
    oc_graph *g;
    if (!data && size)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "data is NULL");
    onnxc_status *err = oc_onnx_decode_model(data, size, base_dir, in_place, &g);
    if (err)
        return err;
    return model_from_graph(g, model);
}

onnxc_status *onnxc_model_load_buffer(const void *data, size_t size,
                                      const char *base_dir,
                                      onnxc_model **model)
{
    if (!model)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "model is NULL");
    *model = NULL;
    return load(data, size, base_dir, false, model);
}

onnxc_status *onnxc_model_load_file(const char *path, onnxc_model **model)
{
    void *data = NULL;
    size_t size;
    bool mapped;
    if (!model || !path)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "path or model is NULL");
    *model = NULL;
    onnxc_status *err = oc_file_map(path, &data, &size, &mapped);
    if (err)
        return err;  /* its message names the file */
    /* External data lives beside the model file. */
    char *copy = strdup(path);
    if (!copy) {
        oc_file_unmap(data, size, mapped);
        return oc_no_memory();
    }
    err = load(data, size, dirname(copy), mapped, model);
    free(copy);
    if (err || !mapped) {
        oc_file_unmap(data, size, mapped);
        return err ? oc_error_wrap(err, "%s", path) : NULL;
    }
    /* Its weights are read where they lie in the file. */
    (*model)->mapping = data;
    (*model)->mapping_size = size;
    return NULL;
}

void onnxc_model_free(onnxc_model *model)
{
    if (!model)
        return;
    for (oc_program *p = model->programs, *next; p; p = next) {
        next = p->next;
        oc_graph_free(p->graph);
        free(p);
    }
    pthread_mutex_destroy(&model->lock);
    oc_graph_free(model->graph);
    if (model->mapping)
        oc_file_unmap(model->mapping, model->mapping_size, true);
    free(model);
}

static bool same_options(const oc_compile_options *a,
                         const oc_compile_options *b)
{
    return a->optimize == b->optimize && a->kernels == b->kernels;
}

onnxc_status *oc_model_program(const onnxc_model *model,
                               const oc_compile_options *options,
                               const oc_graph **program)
{
    /* The cache is the model's own state, not what the caller sees of
     * it: compiling is allowed through a const model. */
    onnxc_model *m = (onnxc_model *)model;
    onnxc_status *err = NULL;
    oc_program *p;
    pthread_mutex_lock(&m->lock);
    for (p = m->programs; p; p = p->next)
        if (same_options(&p->options, options))
            break;
    if (!p) {
        p = calloc(1, sizeof *p);
        if (!p)
            err = oc_no_memory();
        else if ((err = oc_compile_program(m->graph, options, &p->graph))) {
            free(p);
            p = NULL;
        } else {
            p->options = *options;
            p->next = m->programs;
            m->programs = p;
        }
    }
    pthread_mutex_unlock(&m->lock);
    *program = p ? p->graph : NULL;
    return err;
}

size_t onnxc_model_input_count(const onnxc_model *model)
{
    return model ? (size_t)model->graph->n_inputs : 0;
}

size_t onnxc_model_output_count(const onnxc_model *model)
{
    return model ? (size_t)model->graph->n_outputs : 0;
}

onnxc_status *onnxc_model_input_info(const onnxc_model *model, size_t index,
                                     onnxc_value_info *info)
{
    if (!model || !info)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "model or info is NULL");
    if (index >= (size_t)model->graph->n_inputs)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "input index %zu is out of range (the model has %d "
                        "inputs)",
                        index, model->graph->n_inputs);
    *info = model->inputs[index];
    return NULL;
}

onnxc_status *onnxc_model_output_info(const onnxc_model *model, size_t index,
                                      onnxc_value_info *info)
{
    if (!model || !info)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "model or info is NULL");
    if (index >= (size_t)model->graph->n_outputs)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "output index %zu is out of range (the model has %d "
                        "outputs)",
                        index, model->graph->n_outputs);
    *info = model->outputs[index];
    return NULL;
}

onnxc_status *onnxc_model_input_index(const onnxc_model *model,
                                      const char *name, size_t *index)
{
    if (!model || !name || !index)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "NULL argument");
    for (int i = 0; i < model->graph->n_inputs; i++)
        if (strcmp(model->inputs[i].name, name) == 0) {
            *index = (size_t)i;
            return NULL;
        }
    return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "the model has no input '%s'",
                    name);
}

int64_t onnxc_model_opset(const onnxc_model *model)
{
    return model ? model->graph->opset : 0;
}

int64_t onnxc_model_ir_version(const onnxc_model *model)
{
    return model ? model->graph->ir_version : 0;
}
