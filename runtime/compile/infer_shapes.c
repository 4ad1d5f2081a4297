/*
 * infer_shapes.c - gives every value its static element type and shape,
 * node by node in order, and checks the graph outputs against their
 * declarations.
 *
 * Dims may be symbolic (the batch); what only the run can check is
 * checked then. Inputs whose contents decide a shape (value_inputs) are
 * known here when they are constants; the session knows the others when
 * it plans (graph inputs and what follows from them) or once its run has
 * computed them (it splits the plan before such a node).
 * Outputs whose contents infer gives (a Constant's), or that a run at load
 * computes because every input is fixed (constant folding: Shape of a
 * static shape, arithmetic on constants), become known values: later
 * nodes see their contents, and fold_constants may drop the node.
 *
 * It also marks what the session computes when it plans: values that
 * follow from constants, graph inputs and shapes (OC_VALUE_PLAN_TIME),
 * and those whose contents decide a shape (OC_VALUE_DECIDES_SHAPE): a
 * graph input so marked makes the session plan again when its contents
 * change.
 */
#include <stdlib.h>
#include <string.h>

#include "runtime/compile/compile.h"
#include "runtime/core/status.h"
#include "runtime/exec/eval_node.h"
#include "runtime/graph/op.h"

/* The most output bytes a node may have to run at load: folding must not
 * double the weights. */
#define FOLD_MAX_BYTES ((size_t)1 << 20)

static bool shape_static(const oc_shape *s)
{
    for (int d = 0; d < s->rank; d++)
        if (!dim_is_known(s->dims[d]))
            return false;
    return s->rank >= 0;
}

/* Whether the op's run computes its outputs from its inputs alone, so
 * that they may be computed ahead of the run. */
static bool computes_ahead(const oc_op *op)
{
    return op->run && !op->no_fold;
}

/* Whether what the run of n reads of input k is fixed by the model: a
 * constant's contents, or only a static shape. */
static bool input_fixed(const oc_graph *g, const oc_node *n, int k)
{
    int v = n->inputs[k];
    if (v < 0)
        return true;
    const oc_value *val = &g->values[v];
    if (n->op->shape_inputs >> k & 1)
        return shape_static(&val->shape);
    return oc_value_is_constant(val) && shape_static(&val->shape) &&
           (val->data || val->bytes == 0);
}

/* Runs n at load when everything it reads is fixed and its outputs are
 * small: they become known values. */
static onnxc_status *fold_at_load(oc_graph *g, const oc_node *n,
                                  const oc_type *outs)
{
    size_t total = 0, bytes;
    if (!computes_ahead(n->op))
        return NULL;
    for (int k = 0; k < n->n_inputs; k++)
        if (!input_fixed(g, n, k))
            return NULL;
    for (int k = 0; k < n->n_outputs; k++) {
        if (n->outputs[k] < 0)
            continue;
        int64_t dims[ONNXC_MAX_RANK];
        if (outs[k].data || !shape_static(&outs[k].shape))
            return NULL;
        for (int d = 0; d < outs[k].shape.rank; d++)
            dims[d] = outs[k].shape.dims[d].value;
        if (!oc_tensor_bytes(outs[k].dtype, dims, outs[k].shape.rank, &bytes) ||
            bytes > FOLD_MAX_BYTES - total)
            return NULL;
        total += bytes;
    }
    onnxc_status *err = NULL;
    oc_tensor *tensors = calloc((size_t)(n->in_slots + n->out_slots),
                                sizeof *tensors);
    const oc_tensor **in = calloc((size_t)n->in_slots, sizeof *in);
    oc_tensor **out = calloc((size_t)n->out_slots, sizeof *out);
    oc_value_store store = {0};
    if (!tensors || !in || !out) {
        err = oc_no_memory();
        goto done;
    }
    for (int k = 0; k < n->n_inputs; k++) {
        const oc_value *val = n->inputs[k] >= 0 ? &g->values[n->inputs[k]]
                                                : NULL;
        if (!val)
            continue;
        oc_tensor *t = &tensors[k];
        t->dtype = val->dtype;
        t->rank = val->shape.rank;
        for (int d = 0; d < t->rank; d++)
            t->dims[d] = val->shape.dims[d].value;
        t->data = (void *)val->data;
        in[k] = t;
    }
    for (int k = 0; k < n->n_outputs; k++) {
        if (n->outputs[k] < 0)
            continue;
        oc_tensor *t = &tensors[n->in_slots + k];
        t->dtype = outs[k].dtype;
        t->rank = outs[k].shape.rank;
        for (int d = 0; d < t->rank; d++)
            t->dims[d] = outs[k].shape.dims[d].value;
        out[k] = t;
    }
    oc_run_ctx ctx = {.node = n, .params = n->params, .n_in = n->n_inputs,
                      .n_out = n->n_outputs, .in = in, .out = out};
    bool fits = false;
    while (!err && !fits) {
        oc_value_store_reset(&store);
        if ((err = oc_eval_node(&ctx, &store, &fits)) || fits)
            break;
        if (!oc_value_store_reserve(&store, store.need))
            err = oc_no_memory();
    }
    for (int k = 0; !err && k < n->n_outputs; k++) {
        if (!out[k])
            continue;
        oc_value *y = &g->values[n->outputs[k]];
        oc_tensor_bytes(out[k]->dtype, out[k]->dims, out[k]->rank, &bytes);
        void *data = oc_pool_alloc(&g->pool, bytes);
        if (!data) {
            err = oc_no_memory();
            break;
        }
        if (bytes)
            memcpy(data, out[k]->data, bytes);
        y->data = data;
        y->bytes = bytes;
        y->flags |= OC_VALUE_KNOWN;
    }
done:
    oc_value_store_free(&store);
    free(tensors);
    free(in);
    free(out);
    return err;
}

/* Whether the session can compute n's outputs when it plans: from
 * constants, graph inputs, plan-time values and shapes. */
static bool plan_time(const oc_graph *g, const oc_node *n)
{
    if (!computes_ahead(n->op))
        return false;
    /* Sequences and optionals are never computed ahead. */
    for (int k = 0; k < n->n_outputs; k++)
        if (n->outputs[k] >= 0 && g->values[n->outputs[k]].kind != ONNXC_KIND_TENSOR)
            return false;
    for (int k = 0; k < n->n_inputs; k++)
        if (n->inputs[k] >= 0 && g->values[n->inputs[k]].kind != ONNXC_KIND_TENSOR)
            return false;
    for (int k = 0; k < n->n_inputs; k++) {
        int v = n->inputs[k];
        if (v < 0 || (n->op->shape_inputs >> k & 1))
            continue;
        const oc_value *val = &g->values[v];
        if (!oc_value_is_constant(val) &&
            !(val->flags & (OC_VALUE_INPUT | OC_VALUE_PLAN_TIME)))
            return false;
    }
    return true;
}

/* Marks the values whose contents decide a shape: the value inputs, and
 * back through plan-time nodes, what they are computed from. */
static void mark_shape_deciders(oc_graph *g)
{
    for (int i = g->n_nodes - 1; i >= 0; i--) {
        const oc_node *n = &g->nodes[i];
        bool decides = false;
        for (int k = 0; k < n->n_outputs; k++)
            decides = decides || (n->outputs[k] >= 0 &&
                                  (g->values[n->outputs[k]].flags &
                                   OC_VALUE_DECIDES_SHAPE));
        for (int k = 0; k < n->n_inputs; k++) {
            int v = n->inputs[k];
            bool shape_only = n->op->shape_inputs >> k & 1;
            bool operand = k < 32 && (n->op->value_inputs >> k & 1);
            if (v >= 0 && (operand || (decides && !shape_only && plan_time(g, n))))
                g->values[v].flags |= OC_VALUE_DECIDES_SHAPE |
                                      (operand ? OC_VALUE_SHAPE_OPERAND : 0);
        }
    }
}

/* Records what infer said of output value y; its contents when given. */
static onnxc_status *record_output(const oc_node *n, oc_value *y,
                                   const oc_type *t)
{
    y->kind = t->kind;
    y->elem_kind = t->kind == ONNXC_KIND_TENSOR ? ONNXC_KIND_TENSOR : t->elem_kind;
    y->dtype = t->dtype;
    y->shape = t->shape;
    y->has_sym = t->has_sym;
    y->sym = t->sym;
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

/* Gives sub's input c a type (from an enclosing graph's value, or what
 * its node says of a declared input left untyped); symbolic dims become
 * sub's own anonymous symbols from *sym on. */
static void type_input(oc_graph *sub, oc_value *c, const oc_type *t, int *sym)
{
    const oc_shape *shape = &t->shape;
    c->kind = t->kind;
    c->elem_kind = t->elem_kind;
    c->dtype = t->dtype;
    c->shape = *shape;
    for (int d = 0; d < c->shape.rank; d++)
        if (!dim_is_known(c->shape.dims[d])) {
            c->shape.dims[d].value = -1;
            c->shape.dims[d].sym = (*sym)++;
            sub->symbols[c->shape.dims[d].sym] = NULL;
        }
}

/* The captured inputs of sub, typed from n's implicit inputs: a constant
 * becomes one of sub's weights (borrowed, never released), so that the
 * subgraph folds and prepacks it. Untyped declared inputs are typed by
 * the op. */
static onnxc_status *type_subgraph_inputs(const oc_graph *g, const oc_node *n,
                                          const oc_type *const *in, int attr,
                                          oc_graph *sub)
{
    int first = sub->n_inputs - sub->n_captured, syms = sub->n_symbols;
    size_t more = (size_t)sub->n_inputs * ONNXC_MAX_RANK;
    const char **symbols = oc_pool_calloc(&sub->pool, (size_t)syms + more + 1,
                                          sizeof *symbols);
    if (!symbols)
        return oc_no_memory();
    if (syms)
        memcpy(symbols, sub->symbols, (size_t)syms * sizeof *symbols);
    sub->symbols = symbols;
    for (int j = 0; j < first && n->op->body_input; j++) {
        oc_value *c = &sub->values[sub->inputs[j]];
        oc_type t = {0};
        if ((c->dtype == ONNXC_UNDEFINED || c->shape.rank < 0) &&
            n->op->body_input(n, attr, j, in, &t)) {
            for (int d = 0; d < t.shape.rank; d++)
                t.shape.dims[d] = dim_unknown();
            if (c->shape.rank >= 0)
                t.shape = c->shape;
            if (c->dtype) {
                t.dtype = c->dtype;
                t.kind = c->kind;
                t.elem_kind = c->elem_kind;
            }
            type_input(sub, c, &t, &syms);
        }
    }
    int kept = first;
    for (int j = first; j < sub->n_inputs; j++) {
        oc_value *c = &sub->values[sub->inputs[j]];
        for (int k = n->n_inputs - n->n_implicit; k < n->n_inputs; k++) {
            const oc_value *u = &g->values[n->inputs[k]];
            if (strcmp(n->input_names[k], c->name) != 0)
                continue;
            oc_type t = {.kind = u->kind, .elem_kind = u->elem_kind,
                         .dtype = u->dtype, .shape = u->shape};
            type_input(sub, c, &t, &syms);
            if (oc_value_is_constant(u) && (u->data || u->bytes == 0)) {
                c->flags = OC_VALUE_INITIALIZER | OC_VALUE_FOLDED;
                c->data = u->data;
                c->bytes = u->bytes;
            }
        }
        if (c->flags & OC_VALUE_INPUT)
            sub->inputs[kept++] = sub->inputs[j];
    }
    sub->n_symbols = syms;
    sub->n_captured -= sub->n_inputs - kept;
    sub->n_inputs = kept;
    return NULL;
}

/* Checks each subgraph of n once, its inputs typed. */
static onnxc_status *check_subgraphs(oc_graph *g, const oc_node *n,
                                     const oc_type *const *in)
{
    onnxc_status *err;
    for (int a = 0; a < n->n_attrs; a++) {
        oc_graph *sub = n->attrs[a].g;
        if (!sub || sub->checked)
            continue;
        if ((err = type_subgraph_inputs(g, n, in, a, sub)) ||
            (err = oc_compile_check(sub)))
            return oc_error_wrap(err, "node '%s' (%s), attribute '%s'",
                                 n->label, n->op_type, n->attrs[a].name);
        sub->checked = true;
    }
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
        const oc_value *val = &g->values[v];
        if (val->dtype == ONNXC_UNDEFINED)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "node '%s' (%s): input '%s' has no known element "
                            "type",
                            n->label, n->op_type, val->name);
        if (val->kind != ONNXC_KIND_TENSOR && !n->op->any_kind)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "node '%s' (%s): input '%s' is %s; %s takes "
                            "tensors",
                            n->label, n->op_type, val->name,
                            oc_kind_name(val->kind), n->op_type);
        memset(&types[k], 0, sizeof types[k]);
        types[k].kind = val->kind;
        types[k].elem_kind = val->elem_kind;
        types[k].dtype = val->dtype;
        types[k].shape = val->shape;
        types[k].data = oc_value_is_constant(val) ? val->data : NULL;
        types[k].has_sym = val->has_sym;
        types[k].sym = val->sym;
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
    if ((err = check_subgraphs(g, n, in)) || (err = n->op->infer(&ctx)))
        return err;
    for (int k = 0; k < n->n_outputs; k++)
        if (n->outputs[k] >= 0 &&
            (err = record_output(n, &g->values[n->outputs[k]], &outs[k])))
            return err;
    if ((err = fold_at_load(g, n, outs)))
        return err;
    bool ahead = plan_time(g, n);
    for (int k = 0; ahead && k < n->n_outputs; k++)
        if (n->outputs[k] >= 0)
            g->values[n->outputs[k]].flags |= OC_VALUE_PLAN_TIME;
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
        if (decl->dtype != ONNXC_UNDEFINED &&
            (decl->kind != v->kind || decl->elem_kind != v->elem_kind))
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "graph output '%s' is declared %s but computes %s",
                            decl->name, oc_kind_name(decl->kind),
                            oc_kind_name(v->kind));
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
    if (!err)
        mark_shape_deciders(g);
    free(types);
    free(in);
    free(outs);
    free(out);
    oc_graph_count_uses(g);
    return err;
}
