/*
 * model.h - the loaded model behind the public onnxc_model handle: a
 * validated graph plus the descriptions of its inputs and outputs that
 * the API hands out.
 */
#ifndef ONNXC_MODEL_H
#define ONNXC_MODEL_H

#include "runtime/graph/graph.h"
#include "onnxc.h"

struct onnxc_model {
    oc_graph *graph;
    onnxc_value_info *inputs;   /* graph->n_inputs entries */
    onnxc_value_info *outputs;  /* graph->n_outputs entries */
};

#endif
