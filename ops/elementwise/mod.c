/*
 * mod.c - Mod: the remainder of A / B elementwise, with broadcasting
 * (versions 10, 13). fmod=0 (the default, integers only) takes the sign
 * of the divisor, as Python's %; fmod=1 takes the dividend's, as C's
 * fmod and %, and is the only form for floats. An integer divisor of 0
 * is a run-time error naming the node; INT_MIN mod -1 is 0.
 */
#include <math.h>

#include "runtime/core/status.h"
#include "ops/common/binary.h"
#include "ops/common/dims_value.h"

/* C's remainder without its undefined case (x % -1 overflows at INT_MIN). */
#define TRUNC_MOD(x, z) ((z) == -1 ? 0 : (x) % (z))
/* The remainder with the divisor's sign. */
#define FLOOR_MOD(x, z)                                                        \
    (TRUNC_MOD(x, z) != 0 && ((TRUNC_MOD(x, z) < 0) != ((z) < 0))              \
         ? TRUNC_MOD(x, z) + (z)                                               \
         : TRUNC_MOD(x, z))

/* Divisors are never 0 here: mod_run checks first. */
BINARY_LOOP(fmod_float, float, fmodf(x, z))
BINARY_LOOP(fmod_double, double, fmod(x, z))
BINARY_LOOP(fmod_int8, int8_t, TRUNC_MOD(x, z))
BINARY_LOOP(fmod_int16, int16_t, TRUNC_MOD(x, z))
BINARY_LOOP(fmod_int32, int32_t, TRUNC_MOD(x, z))
BINARY_LOOP(fmod_int64, int64_t, TRUNC_MOD(x, z))
BINARY_LOOP(mod_int8, int8_t, FLOOR_MOD(x, z))
BINARY_LOOP(mod_int16, int16_t, FLOOR_MOD(x, z))
BINARY_LOOP(mod_int32, int32_t, FLOOR_MOD(x, z))
BINARY_LOOP(mod_int64, int64_t, FLOOR_MOD(x, z))
BINARY_LOOP(mod_uint8, uint8_t, x % z)
BINARY_LOOP(mod_uint16, uint16_t, x % z)
BINARY_LOOP(mod_uint32, uint32_t, x % z)
BINARY_LOOP(mod_uint64, uint64_t, x % z)

#define MOD_TYPES "integers; float and double with fmod=1"
static const char *const mod_attrs[] = {"fmod", NULL};

static const binary_kernels fmod_kernels = {
    .loops = {
        [ONNXC_FLOAT] = fmod_float, [ONNXC_DOUBLE] = fmod_double,
        [ONNXC_INT8] = fmod_int8, [ONNXC_INT16] = fmod_int16,
        [ONNXC_INT32] = fmod_int32, [ONNXC_INT64] = fmod_int64,
        [ONNXC_UINT8] = mod_uint8, [ONNXC_UINT16] = mod_uint16,
        [ONNXC_UINT32] = mod_uint32, [ONNXC_UINT64] = mod_uint64,
    },
    .types = MOD_TYPES,
    .any_version = true,
    .attrs = mod_attrs,
};

static const binary_kernels mod_kernels = {
    .loops = {
        [ONNXC_INT8] = mod_int8, [ONNXC_INT16] = mod_int16,
        [ONNXC_INT32] = mod_int32, [ONNXC_INT64] = mod_int64,
        [ONNXC_UINT8] = mod_uint8, [ONNXC_UINT16] = mod_uint16,
        [ONNXC_UINT32] = mod_uint32, [ONNXC_UINT64] = mod_uint64,
    },
    .types = MOD_TYPES,
    .any_version = true,
    .attrs = mod_attrs,
};

static onnxc_status *mod_prepare(const oc_prepare_ctx *ctx, void **params)
{
    const oc_node *node = ctx->node;
    int64_t fmod_attr;
    onnxc_status *err = oc_attr_int(node, "fmod", 0, &fmod_attr);
    if (err)
        return err;
    return oc_binary_prepare(node, ctx->pool,
                                  fmod_attr ? &fmod_kernels : &mod_kernels,
                                  params);
}

static onnxc_status *mod_run(const oc_run_ctx *ctx)
{
    const oc_tensor *b = ctx->in[1];
    size_t n = oc_tensor_count(b);
    if (b->dtype != ONNXC_FLOAT && b->dtype != ONNXC_DOUBLE)
        for (size_t i = 0; i < n; i++)
            if (oc_int_at(b->data, b->dtype, i) == 0)
                return oc_run_error(ctx, "B[%zu] is 0: an integer has no "
                                         "remainder by zero", i);
    return oc_binary_run(ctx);
}

static const int mod_versions[] = {10, 13, 0};

const oc_op oc_op_mod = {
    .domain = "",
    .op_type = "Mod",
    .versions = mod_versions,
    .last_opset = 21,
    .min_inputs = 2, .max_inputs = 2,
    .min_outputs = 1, .max_outputs = 1,
    .in_place = true,
    .types = MOD_TYPES,
    .prepare = mod_prepare,
    .infer = oc_binary_infer,
    .run = mod_run,
};
