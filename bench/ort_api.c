/*
 * ort_api.c - loading onnxruntime's C API with dlopen. See ort_api.h.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#include "ort_api.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A slot of the table, as stored: some function pointer. */
typedef void (*ort_fn)(void);

/* What OrtGetApiBase() returns: two function pointers, in this order. */
typedef struct ort_api_base {
    const ort_fn *(*get_api)(uint32_t version);
    const char *(*get_version_string)(void);
} ort_api_base;

typedef const ort_api_base *(*get_api_base_fn)(void);

/* Reads the library's "MAJOR.MINOR.PATCH". onnxruntime 1.x serves C API
 * version MINOR (1.14 serves 14, 1.30 serves 30): that is the version to
 * ask for, the newest the library has. */
static int api_version_of(const char *version, uint32_t *api_version)
{
    unsigned major, minor;
    if (!version || sscanf(version, "%u.%u", &major, &minor) != 2 ||
        major != 1 || minor == 0)
        return 1;
    *api_version = minor;
    return 0;
}

int ort_load(ort_api *api, const char *path, char *err, size_t err_size)
{
    memset(api, 0, sizeof *api);
    /* RTLD_LOCAL: the library's C++ runtime symbols stay its own. */
    api->lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!api->lib) {
        snprintf(err, err_size, "cannot load %s: %s", path, dlerror());
        return 1;
    }
    /* POSIX's way to turn dlsym's object pointer into a function pointer:
     * copy the bits (ISO C has no conversion between the two). */
    get_api_base_fn get_base;
    void *sym = dlsym(api->lib, "OrtGetApiBase");
    if (!sym) {
        snprintf(err, err_size, "%s has no OrtGetApiBase: not onnxruntime",
                 path);
        return 1;
    }
    memcpy(&get_base, &sym, sizeof get_base);
    const ort_api_base *base = get_base();
    if (!base || !base->get_api || !base->get_version_string) {
        snprintf(err, err_size, "%s: OrtGetApiBase returned no API", path);
        return 1;
    }
    api->version = base->get_version_string();
    if (api_version_of(api->version, &api->api_version)) {
        snprintf(err, err_size, "%s: unexpected version string '%s' "
                 "(expected 1.MINOR.PATCH)", path,
                 api->version ? api->version : "(null)");
        return 1;
    }
    const ort_fn *table = base->get_api(api->api_version);
    if (!table) {
        snprintf(err, err_size, "onnxruntime %s refuses C API version %u",
                 api->version, (unsigned)api->api_version);
        return 1;
    }

    /* Each slot's pointer, converted to its function's type (conversions
     * between function pointer types are ISO C; calls go through the right
     * type). */
#define SLOT(name) api->name = (__typeof__(api->name))table[ORT_SLOT_##name]
    SLOT(CreateStatus);
    SLOT(GetErrorCode);
    SLOT(GetErrorMessage);
    SLOT(ReleaseStatus);
    SLOT(CreateEnv);
    SLOT(ReleaseEnv);
    SLOT(CreateSessionOptions);
    SLOT(SetSessionGraphOptimizationLevel);
    SLOT(SetIntraOpNumThreads);
    SLOT(SetInterOpNumThreads);
    SLOT(AddSessionConfigEntry);
    SLOT(ReleaseSessionOptions);
    SLOT(CreateSession);
    SLOT(SessionGetInputCount);
    SLOT(SessionGetOutputCount);
    SLOT(SessionGetInputTypeInfo);
    SLOT(SessionGetInputName);
    SLOT(SessionGetOutputName);
    SLOT(Run);
    SLOT(ReleaseSession);
    SLOT(CastTypeInfoToTensorInfo);
    SLOT(ReleaseTypeInfo);
    SLOT(GetTensorElementType);
    SLOT(GetDimensionsCount);
    SLOT(GetDimensions);
    SLOT(GetTensorShapeElementCount);
    SLOT(ReleaseTensorTypeAndShapeInfo);
    SLOT(CreateCpuMemoryInfo);
    SLOT(ReleaseMemoryInfo);
    SLOT(CreateTensorWithDataAsOrtValue);
    SLOT(GetTensorMutableData);
    SLOT(GetTensorTypeAndShape);
    SLOT(ReleaseValue);
    SLOT(GetAllocatorWithDefaultOptions);
    SLOT(AllocatorFree);
#undef SLOT

    /* A cheap check that the table is laid out as assumed: a status made
     * through slot 0 must read back, code and text, through slots 1 and 2.
     * Off by one anywhere there and this fails or crashes here, not in
     * the middle of a benchmark. */
    static const char probe[] = "onnxc-bench probe";
    ort_status *st = api->CreateStatus(ORT_ERR_INVALID_ARGUMENT, probe);
    int ok = st && api->GetErrorCode(st) == ORT_ERR_INVALID_ARGUMENT &&
             !strcmp(api->GetErrorMessage(st), probe);
    if (st)
        api->ReleaseStatus(st);
    if (!ok) {
        snprintf(err, err_size, "onnxruntime %s: the C API table is not laid "
                 "out as bench/ort_api.h expects", api->version);
        return 1;
    }
    return 0;
}

int ort_failed(const ort_api *api, ort_status *status, const char *what,
               char *err, size_t err_size)
{
    if (!status)
        return 0;
    snprintf(err, err_size, "%s: %s", what, api->GetErrorMessage(status));
    api->ReleaseStatus(status);
    return 1;
}
