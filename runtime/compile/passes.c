/*
 * passes.c - the pass lists, in the order they run (see compile.h).
 */
#include "runtime/compile/compile.h"
#include "runtime/core/status.h"
#include "runtime/graph/op.h"

/* At load, in place: from a decoded graph to a checked one. */
static const oc_pass check_passes[] = {
    {"capture_outer", oc_pass_capture_outer, 0},
    {"resolve_ops", oc_pass_resolve_ops, 0},
    {"link_values", oc_pass_link_values, 0},
    {"sort_nodes", oc_pass_sort_nodes, 0},
    {"prepare_nodes", oc_pass_prepare_nodes, 0},
    {"infer_shapes", oc_pass_infer_shapes, 0},
};

/* Per set of options, on a copy of the checked graph. */
static const oc_pass program_passes[] = {
    {"prepare_nodes", oc_pass_prepare_nodes, 0},
    {"fold_constants", oc_pass_fold_constants, ONNXC_OPTIMIZE_FOLD},
    {"fold_batch_norm", oc_pass_fold_batch_norm, ONNXC_OPTIMIZE_FUSE},
    {"fuse_layer_norm", oc_pass_fuse_layer_norm, ONNXC_OPTIMIZE_FUSE},
    {"fuse_bias", oc_pass_fuse_bias, ONNXC_OPTIMIZE_FUSE},
    {"fuse_activation", oc_pass_fuse_activation, ONNXC_OPTIMIZE_FUSE},
    {"prepack_weights", oc_pass_prepack_weights, 0},
    {"release_weights", oc_pass_release_weights, 0},
    {"compile_bodies", oc_pass_compile_bodies, 0},
};

static onnxc_status *run_passes(oc_graph *g, const oc_pass *passes, size_t n,
                                const oc_compile_options *o)
{
    for (size_t i = 0; i < n; i++) {
        if (passes[i].needs && !(o->optimize & passes[i].needs))
            continue;
        onnxc_status *err = passes[i].run(g, o);
        if (err)
            return err;
    }
    return NULL;
}

onnxc_status *oc_compile_check(oc_graph *g)
{
    static const oc_compile_options defaults = {ONNXC_OPTIMIZE_ALL,
                                                ONNXC_KERNELS_AUTO};
    return run_passes(g, check_passes,
                      sizeof check_passes / sizeof check_passes[0], &defaults);
}

onnxc_status *oc_compile_program(oc_graph *checked,
                                 const oc_compile_options *o,
                                 oc_graph **program)
{
    const char *missing = oc_ops_kernels_missing(o->kernels);
    *program = NULL;
    if (missing)
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "the session asks for %s kernels; this CPU lacks %s",
                        o->kernels == ONNXC_KERNELS_AVX512 ? "avx512" : "avx2",
                        missing);
    oc_graph *g = oc_graph_clone(checked);
    if (!g)
        return oc_no_memory();
    onnxc_status *err = run_passes(
        g, program_passes, sizeof program_passes / sizeof program_passes[0], o);
    if (err) {
        oc_graph_free(g);
        return err;
    }
    *program = g;
    return NULL;
}
