/* operators.c - the public listing of the operator registry. */
#include "runtime/graph/op.h"
#include "runtime/core/status.h"

size_t onnxc_operator_count(void)
{
    size_t n;
    oc_ops_all(&n);
    return n;
}

onnxc_status *onnxc_operator_get(size_t index, onnxc_operator_info *info)
{
    size_t n;
    const oc_op *const *all = oc_ops_all(&n);
    if (!info || index >= n)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "operator index %zu is out of range (%zu operators) "
                        "or info is NULL",
                        index, n);
    const oc_op *op = all[index];
    info->domain = op->domain;
    info->op_type = op->op_type;
    info->versions = op->versions;
    info->last_opset = op->last_opset;
    info->types = op->types ? op->types : "";
    return NULL;
}
