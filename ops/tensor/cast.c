/*
 * cast.c - Cast: x converted to the element type `to` (versions 1, 6, 9,
 * 13, 19, 21), between every numeric type, bool, float16 and bfloat16 by
 * the rules in ops/common/convert.h. Version 1 names the type as a
 * string ("FLOAT"), later ones by its TensorProto number. Strings,
 * complex numbers and the float8 and 4-bit types (19, 21) are refused
 * with their name. `saturate` (19) matters only for float8: accepted.
 */
#include <string.h>

#include "ops/common/convert.h"
#include "ops/common/dims_value.h"
#include "ops/common/op_util.h"
#include "ops/tensor/cast.h"

typedef struct cast_params {
    onnxc_dtype to;
} cast_params;

/* The TensorProto number of a type spelt as in Cast-1. */
static int64_t type_from_name(const char *s)
{
    static const char *const names[] = {
        "UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32",
        "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64",
        "COMPLEX64", "COMPLEX128", "BFLOAT16"};
    for (size_t i = 1; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(s, names[i]))
            return (int64_t)i;
    return -1;
}

/* The names of the TensorProto types onnxc has no enum value for. */
static const char *other_type_name(int64_t t)
{
    switch (t) {
    case 17: return "float8e4m3fn";
    case 18: return "float8e4m3fnuz";
    case 19: return "float8e5m2";
    case 20: return "float8e5m2fnuz";
    case 21: return "uint4";
    case 22: return "int4";
    case 23: return "float4e2m1";
    default: return NULL;
    }
}

/* The target type, by its TensorProto number: a type Cast converts to. */
onnxc_status *oc_cast_target(const oc_node *node, int64_t t, onnxc_dtype *out)
{
    char desc[300];
    const char *other = other_type_name(t);
    if (t > 0 && t <= ONNXC_BFLOAT16 && oc_convert_supports((onnxc_dtype)t)) {
        *out = (onnxc_dtype)t;
        return NULL;
    }
    if (other || (t > 0 && t <= ONNXC_BFLOAT16))
        return oc_error(ONNXC_ERR_UNSUPPORTED,
                        "%s: casting to %s is not supported (onnxc holds "
                        "numeric, bool, float16 and bfloat16 tensors)",
                        oc_node_desc(node, desc, sizeof desc),
                        other ? other : onnxc_dtype_name((onnxc_dtype)t));
    return oc_error(ONNXC_ERR_INVALID_MODEL, "%s: 'to' = %lld is not a type",
                    oc_node_desc(node, desc, sizeof desc), (long long)t);
}

static onnxc_status *cast_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    static const char *const v1_attrs[] = {"to", NULL};
    static const char *const v19_attrs[] = {"to", "saturate", NULL};
    char desc[300];
    onnxc_status *err;
    int64_t to = -1;
    cast_params *p = oc_pool_calloc(ctx->pool, 1, sizeof *p);
    if (!p)
        return oc_no_memory();
    if ((err = oc_check_attrs(node, node->op_version < 19 ? v1_attrs
                                                          : v19_attrs)))
        return err;
    const oc_attr *a = oc_node_attr(node, "to");
    if (a && node->op_version < 6 && a->type == OC_ATTR_STRING) {
        if ((to = type_from_name(a->s)) < 0)
            return oc_error(ONNXC_ERR_INVALID_MODEL,
                            "%s: 'to' = \"%.40s\" is not a type name (FLOAT, "
                            "INT64, ... as TensorProto spells them)",
                            oc_node_desc(node, desc, sizeof desc), a->s);
    } else if (a && node->op_version >= 6 && a->type == OC_ATTR_INT)
        to = a->i;
    else
        return oc_error(ONNXC_ERR_INVALID_MODEL,
                        "%s: attribute 'to' (%s) is required",
                        oc_node_desc(node, desc, sizeof desc),
                        node->op_version < 6 ? "string" : "int");
    if ((err = oc_cast_target(node, to, &p->to)))
        return err;
    *params = p;
    return NULL;
}

/* The output: x's shape in type `to`; a dims vector stays one. */
onnxc_status *oc_cast_infer_to(const oc_infer_ctx *ctx, onnxc_dtype to)
{
    const oc_type *x = ctx->in[0];
    oc_type *y = ctx->out[0];
    if (!oc_convert_supports(x->dtype))
        return oc_bad_dtype(ctx->node, "input", x->dtype,
                            "numeric types, bool, float16, bfloat16");
    /* bfloat16 joins Cast's types at 13 */
    if (ctx->node->op_version < 13 &&
        (x->dtype == ONNXC_BFLOAT16 || to == ONNXC_BFLOAT16))
        return oc_bad_dtype(ctx->node, x->dtype == ONNXC_BFLOAT16 ? "input"
                                                                 : "output",
                            ONNXC_BFLOAT16,
                            "numeric types, bool, float16 (bfloat16 from 13)");
    y->dtype = to;
    y->shape = x->shape;
    oc_dim dims[ONNXC_MAX_RANK];
    int n;
    if (oc_dtype_is_int(to) && onnxc_dtype_size(to) >= 4 &&
        oc_type_as_dims(x, dims, &n))
        oc_type_set_dims(y, dims, n);
    return NULL;
}

static onnxc_status *cast_infer(const oc_infer_ctx *ctx)
{
    return oc_cast_infer_to(ctx, ((const cast_params *)ctx->params)->to);
}

onnxc_status *oc_cast_run(const oc_run_ctx *ctx)
{
    const oc_tensor *x = ctx->in[0];
    oc_tensor *y = ctx->out[0];
    oc_convert(x->data, x->dtype, y->data, y->dtype, oc_tensor_count(x));
    return NULL;
}

static const int cast_versions[] = {1, 6, 9, 13, 19, 21, 0};

const oc_op oc_op_cast = {
    .domain = "",
    .op_type = "Cast",
    .versions = cast_versions,
    .last_opset = 21,
    .min_inputs = 1, .max_inputs = 1,
    .min_outputs = 1, .max_outputs = 1,
    .types = "all numeric types, bool, float16, bfloat16",
    .prepare = cast_prepare,
    .infer = cast_infer,
    .run = oc_cast_run,
};
