/* registry.c - every operator onnxc runs, one line each. */
#include <string.h>

#include "ops.h"

extern const oc_op op_gemm;
extern const oc_op op_matmul;
extern const oc_op op_relu;
extern const oc_op op_leaky_relu;
extern const oc_op op_add;
extern const oc_op op_sub;
extern const oc_op op_mul;
extern const oc_op op_div;
extern const oc_op op_identity;
extern const oc_op op_flatten;
extern const oc_op op_reshape;
extern const oc_op op_constant;
extern const oc_op op_dropout;
extern const oc_op op_softmax;
extern const oc_op op_log_softmax;
extern const oc_op op_batch_norm;
extern const oc_op op_sigmoid;
extern const oc_op op_tanh;
extern const oc_op op_erf;
extern const oc_op op_softplus;
extern const oc_op op_softsign;
extern const oc_op op_elu;
extern const oc_op op_selu;
extern const oc_op op_hard_sigmoid;
extern const oc_op op_hard_swish;
extern const oc_op op_gelu;
extern const oc_op op_prelu;
extern const oc_op op_clip;

static const oc_op *const registry[] = {
    &op_gemm,
    &op_matmul,
    &op_relu,
    &op_leaky_relu,
    &op_add,
    &op_sub,
    &op_mul,
    &op_div,
    &op_identity,
    &op_flatten,
    &op_reshape,
    &op_constant,
    &op_dropout,
    &op_softmax,
    &op_log_softmax,
    &op_batch_norm,
    &op_sigmoid,
    &op_tanh,
    &op_erf,
    &op_softplus,
    &op_softsign,
    &op_elu,
    &op_selu,
    &op_hard_sigmoid,
    &op_hard_swish,
    &op_gelu,
    &op_prelu,
    &op_clip,
};

static bool is_default_domain(const char *d)
{
    return d[0] == 0 || strcmp(d, "ai.onnx") == 0;
}

const oc_op *ops_find(const char *domain, const char *op_type, int64_t opset,
                      int *version)
{
    for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++) {
        const oc_op *op = registry[i];
        bool same_domain = is_default_domain(op->domain)
                               ? is_default_domain(domain)
                               : strcmp(op->domain, domain) == 0;
        if (!same_domain || strcmp(op->op_type, op_type) != 0)
            continue;
        if (opset > op->last_opset || opset < op->versions[0])
            return NULL;
        int v = op->versions[0];
        for (const int *p = op->versions; *p; p++)
            if (*p <= opset)
                v = *p;
        *version = v;
        return op;
    }
    return NULL;
}

const oc_op *const *ops_all(size_t *count)
{
    *count = sizeof registry / sizeof registry[0];
    return registry;
}
