/* options.c - what a session is told at creation. */
#include <stdlib.h>
#include <string.h>

#include "runtime/api/session.h"
#include "runtime/core/status.h"

onnxc_status *onnxc_session_options_create(onnxc_session_options **options)
{
    if (!options)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "options is NULL");
    *options = calloc(1, sizeof **options);
    if (!*options)
        return oc_no_memory();
    (*options)->arena_limit = ONNXC_DEFAULT_ARENA_LIMIT;
    (*options)->threads = 1;
    (*options)->max_iterations = ONNXC_DEFAULT_MAX_ITERATIONS;
    (*options)->compile.optimize = ONNXC_OPTIMIZE_ALL;
    (*options)->compile.kernels = ONNXC_KERNELS_AUTO;
    return NULL;
}

void onnxc_session_options_free(onnxc_session_options *options)
{
    if (!options)
        return;
    for (size_t i = 0; i < options->n_dims; i++)
        free(options->dims[i].name);
    free(options->dims);
    free(options);
}

onnxc_status *onnxc_session_options_set_arena(onnxc_session_options *options,
                                              void *memory, size_t bytes)
{
    if (!options || (!memory && bytes))
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "options or arena memory is NULL");
    options->arena = memory;
    options->arena_bytes = memory ? bytes : 0;
    return NULL;
}

onnxc_status *onnxc_session_options_set_arena_limit(
    onnxc_session_options *options, size_t bytes)
{
    if (!options)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "options is NULL");
    options->arena_limit = bytes;
    return NULL;
}

onnxc_status *onnxc_session_options_set_max_iterations(
    onnxc_session_options *options, int64_t iterations)
{
    if (!options || iterations < 0)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "options is NULL or the iteration bound is negative "
                        "(%lld)",
                        (long long)iterations);
    options->max_iterations = iterations;
    return NULL;
}

onnxc_status *onnxc_session_options_set_dim(onnxc_session_options *options,
                                            const char *name, int64_t value)
{
    if (!options || !name || !*name)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "options is NULL or the dim has no name");
    if (value < 0)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "dim '%s' cannot be negative (%lld)", name,
                        (long long)value);
    for (size_t i = 0; i < options->n_dims; i++)
        if (strcmp(options->dims[i].name, name) == 0) {
            options->dims[i].value = value;
            return NULL;
        }
    fixed_dim *grown = realloc(options->dims,
                               (options->n_dims + 1) * sizeof *grown);
    if (!grown)
        return oc_no_memory();
    options->dims = grown;
    char *copy = strdup(name);
    if (!copy)
        return oc_no_memory();
    grown[options->n_dims].name = copy;
    grown[options->n_dims].value = value;
    options->n_dims++;
    return NULL;
}

onnxc_status *onnxc_session_options_set_threads(onnxc_session_options *options,
                                               int threads)
{
    if (!options)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "options is NULL");
    if (threads < 1 || threads > ONNXC_MAX_THREADS)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "threads must be 1 to %d, got %d", ONNXC_MAX_THREADS,
                        threads);
    options->threads = threads;
    return NULL;
}

onnxc_status *onnxc_session_options_set_optimizations(
    onnxc_session_options *options, unsigned flags)
{
    if (!options)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "options is NULL");
    if (flags & ~ONNXC_OPTIMIZE_ALL)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "optimization flags 0x%x are not ONNXC_OPTIMIZE_* "
                        "bits", flags & ~ONNXC_OPTIMIZE_ALL);
    options->compile.optimize = flags;
    return NULL;
}

onnxc_status *onnxc_session_options_set_kernels(onnxc_session_options *options,
                                                onnxc_kernels kernels)
{
    if (!options)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "options is NULL");
    if ((unsigned)kernels > ONNXC_KERNELS_REFERENCE)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT,
                        "kernels %d is not an onnxc_kernels value",
                        (int)kernels);
    options->compile.kernels = kernels;
    return NULL;
}

onnxc_status *onnxc_session_options_set_profiling(onnxc_session_options *options,
                                                  int enable)
{
    if (!options)
        return oc_error(ONNXC_ERR_INVALID_ARGUMENT, "options is NULL");
    options->profile = enable != 0;
    return NULL;
}
