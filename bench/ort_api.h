/*
 * ort_api.h - the few onnxruntime C API functions the benchmarks call,
 * reached through dlopen of libonnxruntime.so.1.
 *
 * No onnxruntime headers are installed here, so these are our own
 * declarations, written from onnxruntime's public documentation of its C
 * API (include/onnxruntime/core/session/onnxruntime_c_api.h):
 *
 *  - The library exports one entry point, OrtGetApiBase(), which returns a
 *    struct of two function pointers: GetApi(version) and
 *    GetVersionString().
 *  - GetApi returns the OrtApi struct: a table of function pointers, one
 *    per C API function, in declaration order. Releases only ever append to
 *    it, so the index of a function (its slot) is fixed from the version
 *    that added it on. Every slot used here exists since API version 1,
 *    but AddSessionConfigEntry (version 5).
 *  - Fallible functions return an OrtStatus pointer: NULL for success,
 *    otherwise an object to read (GetErrorMessage) and release
 *    (ReleaseStatus).
 *  - Enumerations are passed as C ints, their values as documented.
 *
 * A wrong slot number would call the wrong function, so ort_load checks the
 * table before use (a status made and read back through three slots), and
 * bench/run.sh checks a whole inference against onnxc-run's.
 */
#ifndef ONNXC_BENCH_ORT_API_H
#define ONNXC_BENCH_ORT_API_H

#include <stddef.h>
#include <stdint.h>

/* Opaque onnxruntime objects: only ever handled by pointer. */
typedef struct ort_status ort_status;
typedef struct ort_env ort_env;
typedef struct ort_session_options ort_session_options;
typedef struct ort_session ort_session;
typedef struct ort_memory_info ort_memory_info;
typedef struct ort_value ort_value;
typedef struct ort_type_info ort_type_info;
typedef struct ort_tensor_info ort_tensor_info; /* OrtTensorTypeAndShapeInfo */
typedef struct ort_allocator ort_allocator;

/* Values of the enumerations used (onnxruntime's documented values). */
enum {
    ORT_ERR_INVALID_ARGUMENT = 2,  /* OrtErrorCode */
    ORT_LOG_WARNING = 2,           /* OrtLoggingLevel */
    ORT_OPT_ENABLE_ALL = 99,       /* GraphOptimizationLevel */
    ORT_ALLOCATOR_DEVICE = 0,      /* OrtAllocatorType */
    ORT_MEM_DEFAULT = 0            /* OrtMemType */
};
/* Tensor element types are ONNX's TensorProto codes (1 = float, ...). */

/* The slots: each function's index in the OrtApi table. */
enum ort_slot {
    ORT_SLOT_CreateStatus = 0,
    ORT_SLOT_GetErrorCode = 1,
    ORT_SLOT_GetErrorMessage = 2,
    ORT_SLOT_CreateEnv = 3,
    ORT_SLOT_CreateSession = 7,
    ORT_SLOT_Run = 9,
    ORT_SLOT_CreateSessionOptions = 10,
    ORT_SLOT_SetSessionGraphOptimizationLevel = 23,
    ORT_SLOT_SetIntraOpNumThreads = 24,
    ORT_SLOT_SetInterOpNumThreads = 25,
    ORT_SLOT_SessionGetInputCount = 30,
    ORT_SLOT_SessionGetOutputCount = 31,
    ORT_SLOT_SessionGetInputTypeInfo = 33,
    ORT_SLOT_SessionGetInputName = 36,
    ORT_SLOT_SessionGetOutputName = 37,
    ORT_SLOT_CreateTensorWithDataAsOrtValue = 49,
    ORT_SLOT_GetTensorMutableData = 51,
    ORT_SLOT_CastTypeInfoToTensorInfo = 55,
    ORT_SLOT_GetTensorElementType = 60,
    ORT_SLOT_GetDimensionsCount = 61,
    ORT_SLOT_GetDimensions = 62,
    ORT_SLOT_GetTensorShapeElementCount = 64,
    ORT_SLOT_GetTensorTypeAndShape = 65,
    ORT_SLOT_CreateCpuMemoryInfo = 69,
    ORT_SLOT_AllocatorFree = 76,
    ORT_SLOT_GetAllocatorWithDefaultOptions = 78,
    ORT_SLOT_ReleaseEnv = 92,
    ORT_SLOT_ReleaseStatus = 93,
    ORT_SLOT_ReleaseMemoryInfo = 94,
    ORT_SLOT_ReleaseSession = 95,
    ORT_SLOT_ReleaseValue = 96,
    ORT_SLOT_ReleaseTypeInfo = 98,
    ORT_SLOT_ReleaseTensorTypeAndShapeInfo = 99,
    ORT_SLOT_ReleaseSessionOptions = 100,
    /* 130: counted in onnxruntime_c_api.h's struct OrtApi, one slot per
     * member (ORT_API2_STATUS and ORT_CLASS_RELEASE included), which gives
     * every slot above too; and the table in onnxruntime_c_api.cc, whose
     * static_asserts put ReleaseAvailableProviders, the end of version 4,
     * at 126, followed by GetStringTensorElementLength,
     * GetStringTensorElement, FillStringTensorElement, then this. */
    ORT_SLOT_AddSessionConfigEntry = 130
};

/* The functions, typed, as ort_load fills them in from their slots. */
typedef struct ort_api {
    void *lib;             /* the dlopen handle */
    const char *version;   /* the library's own, e.g. "1.30.0" */
    uint32_t api_version;  /* the OrtApi version requested */

    ort_status *(*CreateStatus)(int code, const char *msg);
    int (*GetErrorCode)(const ort_status *status);
    const char *(*GetErrorMessage)(const ort_status *status);
    void (*ReleaseStatus)(ort_status *status);

    ort_status *(*CreateEnv)(int log_level, const char *log_id, ort_env **out);
    void (*ReleaseEnv)(ort_env *env);

    ort_status *(*CreateSessionOptions)(ort_session_options **out);
    ort_status *(*SetSessionGraphOptimizationLevel)(ort_session_options *o,
                                                    int level);
    ort_status *(*SetIntraOpNumThreads)(ort_session_options *o, int n);
    ort_status *(*SetInterOpNumThreads)(ort_session_options *o, int n);
    /* Keys and values as in onnxruntime_session_options_config_keys.h. */
    ort_status *(*AddSessionConfigEntry)(ort_session_options *o,
                                         const char *key, const char *value);
    void (*ReleaseSessionOptions)(ort_session_options *o);

    ort_status *(*CreateSession)(const ort_env *env, const char *model_path,
                                 const ort_session_options *o,
                                 ort_session **out);
    ort_status *(*SessionGetInputCount)(const ort_session *s, size_t *out);
    ort_status *(*SessionGetOutputCount)(const ort_session *s, size_t *out);
    ort_status *(*SessionGetInputTypeInfo)(const ort_session *s, size_t index,
                                           ort_type_info **out);
    /* Names are allocated with `allocator`; free with AllocatorFree. */
    ort_status *(*SessionGetInputName)(const ort_session *s, size_t index,
                                       ort_allocator *allocator, char **out);
    ort_status *(*SessionGetOutputName)(const ort_session *s, size_t index,
                                        ort_allocator *allocator, char **out);
    /* outputs: output_count entries; NULL ones are allocated by the run
     * and then belong to the caller (ReleaseValue). */
    ort_status *(*Run)(ort_session *s, const void *run_options,
                       const char *const *input_names,
                       const ort_value *const *inputs, size_t input_count,
                       const char *const *output_names, size_t output_count,
                       ort_value **outputs);
    void (*ReleaseSession)(ort_session *s);

    /* The tensor info belongs to the type info: not released on its own. */
    ort_status *(*CastTypeInfoToTensorInfo)(const ort_type_info *t,
                                            const ort_tensor_info **out);
    void (*ReleaseTypeInfo)(ort_type_info *t);
    ort_status *(*GetTensorElementType)(const ort_tensor_info *t, int *out);
    ort_status *(*GetDimensionsCount)(const ort_tensor_info *t, size_t *out);
    /* -1 for a symbolic dim. */
    ort_status *(*GetDimensions)(const ort_tensor_info *t, int64_t *dims,
                                 size_t count);
    ort_status *(*GetTensorShapeElementCount)(const ort_tensor_info *t,
                                              size_t *out);
    void (*ReleaseTensorTypeAndShapeInfo)(ort_tensor_info *t);

    ort_status *(*CreateCpuMemoryInfo)(int allocator_type, int mem_type,
                                       ort_memory_info **out);
    void (*ReleaseMemoryInfo)(ort_memory_info *m);
    /* Wraps caller memory, which must outlive the value; nothing copied. */
    ort_status *(*CreateTensorWithDataAsOrtValue)(const ort_memory_info *m,
                                                  void *data, size_t bytes,
                                                  const int64_t *dims,
                                                  size_t rank, int dtype,
                                                  ort_value **out);
    ort_status *(*GetTensorMutableData)(ort_value *v, void **out);
    /* A new tensor info of the value; release with
     * ReleaseTensorTypeAndShapeInfo. */
    ort_status *(*GetTensorTypeAndShape)(const ort_value *v,
                                         ort_tensor_info **out);
    void (*ReleaseValue)(ort_value *v);

    /* The default allocator is never released. */
    ort_status *(*GetAllocatorWithDefaultOptions)(ort_allocator **out);
    ort_status *(*AllocatorFree)(ort_allocator *a, void *p);
} ort_api;

/* Loads the library at `path`, checks its version string, requests the
 * API version that release supports and fills *api. Returns 0, or nonzero
 * with a one-line message in err. */
int ort_load(ort_api *api, const char *path, char *err, size_t err_size);

/* For a failed call: writes "what: message" into err, releases the status
 * and returns 1. Returns 0 for NULL (success). */
int ort_failed(const ort_api *api, ort_status *status, const char *what,
               char *err, size_t err_size);

#endif
