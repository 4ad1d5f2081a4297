/*
 * model.h - the loaded model behind the public onnxc_model handle: the
 * checked graph, the descriptions of its inputs and outputs that the API
 * hands out, and the programs compiled from it, one per set of compile
 * options, shared by the sessions that ask for those options.
 */
#ifndef ONNXC_MODEL_H
#define ONNXC_MODEL_H

#include <pthread.h>

#include "onnxc.h"
#include "runtime/compile/compile.h"
#include "runtime/graph/graph.h"

typedef struct oc_program {
    oc_compile_options options;
    oc_graph *graph;
    struct oc_program *next;
} oc_program;

struct onnxc_model {
    oc_graph *graph;            /* checked (compile.h) */
    onnxc_value_info *inputs;   /* graph->n_inputs entries */
    onnxc_value_info *outputs;  /* graph->n_outputs entries */
    pthread_mutex_t lock;       /* guards programs, and the weights
                                 * release_weights frees in graph */
    oc_program *programs;
    void *mapping;              /* the model's file, mapped: weights used in
                                 * place point into it (OC_VALUE_MAPPED) */
    size_t mapping_size;
};

/* The model's program for these options, compiled at the first request;
 * it lives as long as the model. */
onnxc_status *oc_model_program(const onnxc_model *model,
                               const oc_compile_options *options,
                               const oc_graph **program);

#endif
