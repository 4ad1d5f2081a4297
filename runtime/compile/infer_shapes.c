/*
 * infer_shapes.c - gives every value its static element type and shape,
 * node by node in order, and checks the graph outputs against their
 * declarations.
 *
 * Dims may be symbolic (the batch); what only the run can check is
 * checked then. Inputs whose contents decide a shape (value_inputs) must
 * be known by then: constants here, graph inputs when the plan is made.
 * Outputs whose contents infer gives (a Constant's) become known values:
 * later nodes see their contents, and fold_constants may drop the node.
 */
#include <stdlib.h>
#include <string.h>

#include "runtime/compile/compile.h"
#include "runtime/core/status.h"
#include "runtime/graph/op.h"

/* An input whose contents decide shapes must be known before a run: a
 * constant, or a graph input (read when the plan is made). */
static onnxc_status *check_value_input(const oc_graph *g, const oc_node *n,
                                       int k)
{
    const oc_value *v = &g->values[n->inputs[k]];
    if ((oc_value_is_constant(v) && v->data) || (v->flags & OC_VALUE_INPUT))
        return NULL;
    return oc_error(ONNXC_ERR_UNSUPPORTED,
                    "node '%s' (%s): input %d ('%s') decides the output's "
                    "shape but is computed by node '%s'; onnxc needs it to "
                    "be an initializer, a Constant or a graph input",
                    n->label, n->op_type, k, v->name,
                    v->producer >= 0 ? g->nodes[v->producer].label : "?");
}

/* Records what infer said of output value y; its contents when given. */
static onnxc_status *record_output(const oc_node *n, oc_value *y,
                                   const oc_type *t)
{
    y->dtype = t->dtype;
    y->shape = t->shape;
    if (!t->data)
        return NULL;
    int64_t dims[ONNXC_MAX_RANK];
    for (int d = 0; d < t->shape.rank; d++)
        dims[d] = t->shape.dims[d].value;
    if (t->shape.rank < 0 ||
        !oc_tensor_bytes(t->dtype, dims, t->shape.rank, &y->bytes))
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "node '%s' (%s): constant output '%s' has no valid "
                        "shape",
                        n->label, n->op_type, y->name);
    y->data = t->data;
    y->flags |= OC_VALUE_KNOWN;
    return NULL;
}

static onnxc_status *infer_node(oc_graph *g, const oc_node *n, oc_type *types,
                                const oc_type **in, oc_type *outs,
                                oc_type **out)
{
    onnxc_status *err;
    for (int k = 0; k < n->in_slots; k++) {
        int v = k < n->n_inputs ? n->inputs[k] : -1;
        in[k] = NULL;
        if (v < 0)
            continue;
        if ((n->op->value_inputs >> k & 1) && (err = check_value_input(g, n, k)))
            return err;
        const oc_value *val = &g->values[v];
        if (val->dtype == ONNXC_UNDEFINED)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "node '%s' (%s): input '%s' has no known element "
                            "type",
                            n->label, n->op_type, val->name);
        memset(&types[k], 0, sizeof types[k]);
        types[k].dtype = val->dtype;
        types[k].shape = val->shape;
        types[k].data = oc_value_is_constant(val) ? val->data : NULL;
        in[k] = &types[k];
    }
    for (int k = 0; k < n->out_slots; k++) {
        memset(&outs[k], 0, sizeof outs[k]);
        outs[k].shape.rank = -1;
        out[k] = &outs[k];
    }
    oc_infer_ctx ctx = {.node = n, .params = n->params, .n_in = n->n_inputs,
                        .n_out = n->n_outputs, .in = in, .out = out,
                        .concrete = false};
    if ((err = n->op->infer(&ctx)))
        return err;
    for (int k = 0; k < n->n_outputs; k++)
        if (n->outputs[k] >= 0 &&
            (err = record_output(n, &g->values[n->outputs[k]], &outs[k])))
            return err;
    return NULL;
}

/* A graph output's declared type and fixed dims must agree with what the
 * graph computes. Symbolic dims agree with anything until run time. */
static onnxc_status *check_outputs(const oc_graph *g)
{
    if (g->n_outputs == 0)
        return oc_error(ONNXC_ERR_INVALID_MODEL, "the graph has no outputs");
    for (int i = 0; i < g->n_outputs; i++) {
        const oc_value *decl = &g->output_decls[i];
        const oc_value *v = &g->values[g->outputs[i]];
        char s1[128], s2[128];
        if (decl->bad_type)
            return oc_error(ONNXC_ERR_UNSUPPORTED,
                            "graph output '%s' is a %s; onnxc runs numeric "
                            "tensors only",
                            decl->name, decl->bad_type);
        if (decl->dtype != ONNXC_UNDEFINED && decl->dtype != v->dtype)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "graph output '%s' is declared %s but computes %s",
                            decl->name, onnxc_dtype_name(decl->dtype),
                            onnxc_dtype_name(v->dtype));
        bool ok = decl->shape.rank < 0 || v->shape.rank < 0 ||
                  decl->shape.rank == v->shape.rank;
        for (int d = 0; ok && d < decl->shape.rank && d < v->shape.rank; d++)
            ok = oc_dim_compatible(decl->shape.dims[d], v->shape.dims[d]);
        if (!ok)
            return oc_error(ONNXC_ERR_SHAPE,
                            "graph output '%s' is declared %s but computes %s",
                            decl->name,
                            oc_shape_format(&decl->shape, g->symbols, s1, sizeof s1),
                            oc_shape_format(&v->shape, g->symbols, s2, sizeof s2));
    }
    return NULL;
}

onnxc_status *oc_pass_infer_shapes(oc_graph *g, const oc_compile_options *o)
{
    int in_slots = 1, out_slots = 1;
    onnxc_status *err = NULL;
    (void)o;
    for (int i = 0; i < g->n_nodes; i++) {
        if (g->nodes[i].in_slots > in_slots)
            in_slots = g->nodes[i].in_slots;
        if (g->nodes[i].out_slots > out_slots)
            out_slots = g->nodes[i].out_slots;
    }
    oc_type *types = calloc((size_t)in_slots, sizeof *types);
    const oc_type **in = calloc((size_t)in_slots, sizeof *in);
    oc_type *outs = calloc((size_t)out_slots, sizeof *outs);
    oc_type **out = calloc((size_t)out_slots, sizeof *out);
    if (!types || !in || !outs || !out)
        err = oc_no_memory();
    for (int i = 0; !err && i < g->n_nodes; i++)
        err = infer_node(g, &g->nodes[i], types, in, outs, out);
    if (!err)
        err = check_outputs(g);
    free(types);
    free(in);
    free(outs);
    free(out);
    oc_graph_count_uses(g);
    return err;
}
