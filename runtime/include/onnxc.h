/*
 * onnxc.h - the public C API of onnxc, a small ONNX inference runtime.
 *
 * The life of an inference:
 *
 *     onnxc_model *model;            load once, read-only afterwards
 *     onnxc_session *session;        one per thread that runs inferences
 *     onnxc_model_load_file("mlp.onnx", &model);
 *     onnxc_session_create(model, NULL, &session);
 *     onnxc_session_bind_input(session, 0, ONNXC_FLOAT, dims, 2, data);
 *     onnxc_session_run(session);
 *     onnxc_session_output(session, 0, &view);   view.data valid until next run
 *     onnxc_session_free(session);
 *     onnxc_model_free(model);
 *
 * Errors: every fallible call returns an onnxc_status pointer. NULL means
 * success. A non-NULL status is owned by the caller, who reads its code and
 * message and releases it with onnxc_status_free(). Messages name what went
 * wrong and where (the node, the tensor, the expected and the actual shape).
 * No call aborts or exits the process because of its input.
 *
 * Threads: there is no global state. A model is immutable once loaded, so
 * any number of sessions on any threads may share it (its weights are read,
 * never copied). A session runs one inference at a time: calls on one
 * session must not overlap. A model must outlive its sessions.
 *
 * Memory: all intermediate tensors of a session live in one arena planned
 * ahead of time. After the first run at a given set of input shapes, later
 * runs at the same shapes allocate nothing. A caller-owned arena (see
 * onnxc_session_options_set_arena) makes the session allocate nothing after
 * onnxc_session_create.
 */
#ifndef ONNXC_H
#define ONNXC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Marks the functions the shared library exports; everything else in it
 * is hidden. */
#if defined(__GNUC__) && !defined(ONNXC_STATIC_BUILD)
#define ONNXC_API __attribute__((visibility("default")))
#else
#define ONNXC_API
#endif

#define ONNXC_VERSION_MAJOR 0
#define ONNXC_VERSION_MINOR 1
#define ONNXC_VERSION_PATCH 0
#define ONNXC_VERSION_STRING "0.1.0"

/* The largest tensor rank onnxc handles; higher ranks are refused at load. */
#define ONNXC_MAX_RANK 8

/* ---------------------------------------------------------------- status */

typedef enum onnxc_code {
    ONNXC_OK = 0,
    ONNXC_ERR_INVALID_ARGUMENT, /* the caller passed something wrong */
    ONNXC_ERR_NO_MEMORY,        /* an allocation failed or a limit was hit */
    ONNXC_ERR_IO,               /* a file could not be read or written */
    ONNXC_ERR_INVALID_MODEL,    /* the model or tensor file is malformed */
    ONNXC_ERR_UNSUPPORTED,      /* valid ONNX that onnxc does not run yet */
    ONNXC_ERR_SHAPE,            /* an input's type or shape does not fit */
    ONNXC_ERR_RUN               /* a kernel met a bad value while running (an
                                 * index out of range, a count that does not
                                 * fit); the message names the node, the
                                 * tensor and the value. The session stays
                                 * usable. */
} onnxc_code;

typedef struct onnxc_status onnxc_status;

/* The status's code; ONNXC_OK for NULL. */
ONNXC_API onnxc_code onnxc_status_code(const onnxc_status *status);
/* The status's message, one line without a trailing newline; "" for NULL.
 * Valid until the status is freed. */
ONNXC_API const char *onnxc_status_message(const onnxc_status *status);
/* Releases a status. NULL is allowed. */
ONNXC_API void onnxc_status_free(onnxc_status *status);
/* A static name for a code, e.g. "unsupported". */
ONNXC_API const char *onnxc_code_name(onnxc_code code);

/* ---------------------------------------------------------- element types */

/* Values are those of onnx.TensorProto.DataType. */
typedef enum onnxc_dtype {
    ONNXC_UNDEFINED = 0,
    ONNXC_FLOAT = 1,
    ONNXC_UINT8 = 2,
    ONNXC_INT8 = 3,
    ONNXC_UINT16 = 4,
    ONNXC_INT16 = 5,
    ONNXC_INT32 = 6,
    ONNXC_INT64 = 7,
    ONNXC_STRING = 8,
    ONNXC_BOOL = 9,
    ONNXC_FLOAT16 = 10,
    ONNXC_DOUBLE = 11,
    ONNXC_UINT32 = 12,
    ONNXC_UINT64 = 13,
    ONNXC_COMPLEX64 = 14,
    ONNXC_COMPLEX128 = 15,
    ONNXC_BFLOAT16 = 16
} onnxc_dtype;

/* The ONNX name of a type ("float", "double", "int64", ...); "?" if unknown. */
ONNXC_API const char *onnxc_dtype_name(onnxc_dtype dtype);
/* Bytes per element; 0 for types without a fixed size (string, undefined). */
ONNXC_API size_t onnxc_dtype_size(onnxc_dtype dtype);

/* ------------------------------------------------------------------ model */

typedef struct onnxc_model onnxc_model;

/* Loads an ONNX model file. External tensor data is read from files in the
 * model's folder; a location outside that folder is refused. On success
 * *model is a new model the caller releases with onnxc_model_free(); on
 * error *model is NULL. Errors: IO, INVALID_MODEL, UNSUPPORTED (the message
 * lists every unsupported operator), NO_MEMORY. */
ONNXC_API onnxc_status *onnxc_model_load_file(const char *path, onnxc_model **model);

/* Loads a model from bytes in memory. The bytes are only read during the
 * call. base_dir is the folder external data is resolved against; NULL
 * refuses models with external data. Ownership and errors as for
 * onnxc_model_load_file. */
ONNXC_API onnxc_status *onnxc_model_load_buffer(const void *data, size_t size,
                                      const char *base_dir,
                                      onnxc_model **model);

/* Releases a model. All its sessions must have been freed. NULL is allowed. */
ONNXC_API void onnxc_model_free(onnxc_model *model);

/* What a value is. A model declares tensors, sequences (ONNX's lists of
 * tensors of one element type, which SplitToSequence makes and
 * ConcatFromSequence joins) and optionals (a tensor or a sequence, or
 * nothing). A value a run gives is a tensor, a sequence, or NONE: an
 * optional holding nothing. */
typedef enum onnxc_kind {
    ONNXC_KIND_TENSOR = 0,
    ONNXC_KIND_SEQUENCE = 1,
    ONNXC_KIND_OPTIONAL = 2,
    ONNXC_KIND_NONE = 3
} onnxc_kind;

/* A graph input or output as the model declares it. Strings and arrays
 * point into the model and live as long as it does. */
typedef struct onnxc_value_info {
    const char *name;
    onnxc_kind kind;           /* TENSOR, SEQUENCE or OPTIONAL */
    onnxc_kind elem_kind;      /* OPTIONAL: what it holds (TENSOR or
                                * SEQUENCE); else as kind */
    onnxc_dtype dtype;         /* the tensors' element type */
    int rank;                  /* -1 when the model does not declare a shape
                                * (a sequence's: that of its tensors) */
    const int64_t *dims;       /* rank entries; -1 for a symbolic dim */
    const char *const *dim_names; /* rank entries; the symbol ("batch") of a
                                   * symbolic dim, NULL for a fixed one or an
                                   * unnamed symbolic one */
    int has_default;           /* an input with an initializer as its default
                                * value (old exports): binding it is optional */
} onnxc_value_info;

/* Number of graph inputs the caller binds (initializers that are not listed
 * as inputs are not counted; optional inputs with defaults are). */
ONNXC_API size_t onnxc_model_input_count(const onnxc_model *model);
ONNXC_API size_t onnxc_model_output_count(const onnxc_model *model);
/* Describes input or output `index`. Errors: INVALID_ARGUMENT for an index
 * out of range. */
ONNXC_API onnxc_status *onnxc_model_input_info(const onnxc_model *model, size_t index,
                                     onnxc_value_info *info);
ONNXC_API onnxc_status *onnxc_model_output_info(const onnxc_model *model, size_t index,
                                      onnxc_value_info *info);
/* Finds an input by name; INVALID_ARGUMENT when there is none. */
ONNXC_API onnxc_status *onnxc_model_input_index(const onnxc_model *model,
                                      const char *name, size_t *index);

/* The model's default-domain opset version and its IR version. */
ONNXC_API int64_t onnxc_model_opset(const onnxc_model *model);
ONNXC_API int64_t onnxc_model_ir_version(const onnxc_model *model);

/* -------------------------------------------------------------- kernels */

/* Which kernels a session runs (onnxc_session_options_set_kernels). AUTO
 * takes the fastest this CPU has; the others force one, for tests and
 * benchmarks (one the CPU lacks falls back to the next slower). */
typedef enum onnxc_kernels {
    ONNXC_KERNELS_AUTO = 0,
    ONNXC_KERNELS_AVX512,     /* AVX-512 Gemm tiles and vector math */
    ONNXC_KERNELS_AVX2,       /* AVX2+FMA */
    ONNXC_KERNELS_PORTABLE,   /* C only: packed Gemm with a C tile */
    ONNXC_KERNELS_REFERENCE   /* the definitions: plain loops */
} onnxc_kernels;

/* -------------------------------------------------------- session options */

typedef struct onnxc_session_options onnxc_session_options;

/* Creates options with the defaults: runtime-owned arena, no fixed dims,
 * arena limit ONNXC_DEFAULT_ARENA_LIMIT, Loop bound
 * ONNXC_DEFAULT_MAX_ITERATIONS. Free with
 * onnxc_session_options_free(). Errors: NO_MEMORY. */
ONNXC_API onnxc_status *onnxc_session_options_create(onnxc_session_options **options);
ONNXC_API void onnxc_session_options_free(onnxc_session_options *options);

/* Hands the session a caller-owned arena: `bytes` bytes at `memory`, which
 * must stay valid and untouched until the session is freed. The session
 * then allocates nothing after onnxc_session_create; a run whose shapes
 * need a larger arena fails with NO_MEMORY and says how much it needs.
 * The subgraphs of If and Loop nodes run in arenas of their own, which
 * the runtime allocates at their first run at given shapes (and the
 * memory control-flow outputs are copied to grows to the largest seen):
 * later runs at those shapes allocate nothing. */
ONNXC_API onnxc_status *onnxc_session_options_set_arena(onnxc_session_options *options,
                                              void *memory, size_t bytes);

/* Fixes a symbolic dim (e.g. "batch" = 1) so that the session plans its
 * memory at creation; inputs bound later must agree. The name is copied.
 * Errors: INVALID_ARGUMENT for an empty name or a negative value. */
ONNXC_API onnxc_status *onnxc_session_options_set_dim(onnxc_session_options *options,
                                            const char *name, int64_t value);

/* Intra-op threads: the session starts threads - 1 workers and splits
 * large Gemms over blocks of rows and columns (never over the sum, so
 * results are bit-identical whatever the count). Default 1: the calling
 * thread alone. Workers sleep between runs; they never spin. Small layers
 * stay on one thread. Errors: INVALID_ARGUMENT outside 1..ONNXC_MAX_THREADS. */
#define ONNXC_MAX_THREADS 256
ONNXC_API onnxc_status *onnxc_session_options_set_threads(
    onnxc_session_options *options, int threads);

/* Which optimizing passes compile the session's program. Default
 * ONNXC_OPTIMIZE_ALL; NONE runs the graph as written (for debugging, and
 * to test optimized against unoptimized results). */
#define ONNXC_OPTIMIZE_NONE 0u
#define ONNXC_OPTIMIZE_FOLD 1u  /* drop nodes whose outputs are known at
                                 * load (Constant), keeping their values */
#define ONNXC_OPTIMIZE_FUSE 2u  /* fold a bias Add, and a Relu, LeakyRelu
                                 * or Clip from 0 (ReLU6), into the Gemm,
                                 * MatMul or Conv before them; a
                                 * BatchNormalization into the Conv; run
                                 * the LayerNorm torch decomposes before
                                 * opset 17 as one LayerNormalization */
#define ONNXC_OPTIMIZE_ALL 3u
/* Errors: INVALID_ARGUMENT for bits outside ONNXC_OPTIMIZE_ALL. */
ONNXC_API onnxc_status *onnxc_session_options_set_optimizations(
    onnxc_session_options *options, unsigned flags);

/* Which kernels the session runs (default ONNXC_KERNELS_AUTO). Errors:
 * INVALID_ARGUMENT for a value not in onnxc_kernels. */
ONNXC_API onnxc_status *onnxc_session_options_set_kernels(
    onnxc_session_options *options, onnxc_kernels kernels);

/* The most arena bytes a session may plan (runtime-owned arenas only);
 * a larger plan fails with NO_MEMORY. 0 means no limit. */
#define ONNXC_DEFAULT_ARENA_LIMIT ((size_t)1 << 32)
ONNXC_API onnxc_status *onnxc_session_options_set_arena_limit(
    onnxc_session_options *options, size_t bytes);

/* The most Loop iterations one run may make, counting every Loop's, those
 * nested in Loops and If branches included: a Loop that would go on (its
 * trip count or its condition) fails with ONNXC_ERR_RUN naming the node,
 * instead of running unbounded. 0 means no bound. Errors:
 * INVALID_ARGUMENT for a negative count. */
#define ONNXC_DEFAULT_MAX_ITERATIONS ((int64_t)1 << 24)
ONNXC_API onnxc_status *onnxc_session_options_set_max_iterations(
    onnxc_session_options *options, int64_t iterations);

/* Per-node profiling (default off): each run times every node's kernel
 * (two clock reads per node), for onnxc_session_node_profile. The
 * counters are allocated with the session: runs still allocate nothing.
 * enable: nonzero turns it on. Errors: INVALID_ARGUMENT for NULL options. */
ONNXC_API onnxc_status *onnxc_session_options_set_profiling(
    onnxc_session_options *options, int enable);

/* ---------------------------------------------------------------- session */

typedef struct onnxc_session onnxc_session;

/* Creates a session over a loaded model. The options are only read during
 * the call (NULL for the defaults). The model must outlive the session.
 * The first session for a set of optimizations and kernels compiles the
 * model's program for them (folding, fusions, weights packed for the
 * kernels); later sessions with the same options share it. Sessions of
 * one model may be created from several threads. After packing, a model
 * keeps one copy of a large weight: the packed one. A session whose
 * options would read such a weight as stored is then refused
 * (UNSUPPORTED, naming it): load the model once per such option set.
 * Errors: NO_MEMORY, SHAPE (fixed dims that do not fit the model),
 * UNSUPPORTED. */
ONNXC_API onnxc_status *onnxc_session_create(const onnxc_model *model,
                                   const onnxc_session_options *options,
                                   onnxc_session **session);
ONNXC_API void onnxc_session_free(onnxc_session *session);

/* A tensor: one a run produced (data and dims then point into the session,
 * or the caller's output buffer, and are valid until the next run, a
 * rebinding, or onnxc_session_free), or one of a sequence the caller binds
 * (onnxc_session_bind_input_sequence; bytes is not read). */
typedef struct onnxc_tensor_view {
    onnxc_dtype dtype;
    int rank;
    const int64_t *dims;
    const void *data;
    size_t bytes;
} onnxc_tensor_view;

/* Binds input `index` to caller-owned data: a dense row-major tensor of
 * `rank` dims, aligned for its element type. Nothing is copied: the data
 * must stay valid and unchanged until the run that uses it returns, and
 * the binding holds for later runs until rebound. dims is copied. Errors:
 * INVALID_ARGUMENT (index, NULL or misaligned data), SHAPE
 * (type or a fixed dim differs from the model's declaration; the message
 * names the input, the expected and the actual shape). */
ONNXC_API onnxc_status *onnxc_session_bind_input(onnxc_session *session, size_t index,
                                       onnxc_dtype dtype, const int64_t *dims,
                                       size_t rank, const void *data);

/* Binds a sequence input (or an optional one holding a sequence) to
 * `count` caller-owned tensors, each as onnxc_session_bind_input takes
 * one (their data is not copied and must stay valid and unchanged until
 * the run that uses it returns; the views and dims are copied). count may
 * be 0. Memory for the views grows with the longest sequence bound.
 * Errors: INVALID_ARGUMENT (index, an input that is not a sequence, NULL
 * or misaligned data), SHAPE (an element type or a fixed dim the model
 * does not declare), NO_MEMORY. */
ONNXC_API onnxc_status *onnxc_session_bind_input_sequence(
    onnxc_session *session, size_t index, const onnxc_tensor_view *items,
    size_t count);

/* Binds an optional input to nothing (ONNX's empty optional). A tensor or
 * sequence it holds is bound as above. Errors: INVALID_ARGUMENT (index,
 * an input that is not optional). */
ONNXC_API onnxc_status *onnxc_session_bind_input_none(onnxc_session *session,
                                                      size_t index);

/* Makes output `index` be written into a caller-owned buffer of `bytes`
 * bytes instead of the session's memory; NULL restores the default. A run
 * whose output does not fit fails with SHAPE. */
ONNXC_API onnxc_status *onnxc_session_bind_output(onnxc_session *session, size_t index,
                                        void *data, size_t bytes);

/* Runs the model on the bound inputs. Every input without a default must
 * be bound. Symbolic dims are taken from the inputs; the memory plan is
 * redone only when they change. Errors: INVALID_ARGUMENT (unbound input),
 * SHAPE (inconsistent dims, named), NO_MEMORY (arena), RUN (a kernel met
 * a bad value; the outputs are then undefined, the session stays usable
 * for the next run). */
ONNXC_API onnxc_status *onnxc_session_run(onnxc_session *session);

/* Describes output `index` of the last successful run, a tensor. Errors:
 * INVALID_ARGUMENT (index, no run yet, or an output that is a sequence or
 * holds nothing: see onnxc_session_output_kind). */
ONNXC_API onnxc_status *onnxc_session_output(const onnxc_session *session, size_t index,
                                   onnxc_tensor_view *view);

/* What output `index` of the last successful run is: ONNXC_KIND_TENSOR
 * (read it with onnxc_session_output), ONNXC_KIND_SEQUENCE (*count
 * tensors, read with onnxc_session_output_item) or ONNXC_KIND_NONE (an
 * optional holding nothing). count may be NULL. Errors: INVALID_ARGUMENT
 * (index, or no run yet). */
ONNXC_API onnxc_status *onnxc_session_output_kind(const onnxc_session *session,
                                                  size_t index, onnxc_kind *kind,
                                                  size_t *count);

/* Tensor `item` of sequence output `index`, valid as onnxc_session_output's
 * views are. Errors: INVALID_ARGUMENT (index, an output that is not a
 * sequence now, item out of range, no run yet). */
ONNXC_API onnxc_status *onnxc_session_output_item(const onnxc_session *session,
                                                  size_t index, size_t item,
                                                  onnxc_tensor_view *view);

/* The session's memory plan for the last run's shapes. */
typedef struct onnxc_plan_stats {
    size_t arena_bytes;       /* what the plan uses */
    size_t lower_bound_bytes; /* the largest total of tensors alive at once:
                               * no plan can use less */
    size_t no_reuse_bytes;    /* what one buffer per tensor would use */
    size_t tensors;           /* intermediate and output tensors planned */
    size_t in_place;          /* of those, how many share their input's
                               * memory */
    size_t plans;             /* how many times this session has planned */
    size_t nodes_at_plan;     /* nodes whose outputs the plan computed
                               * (shapes computed inside the graph): they
                               * do not run */
} onnxc_plan_stats;

/* Errors: INVALID_ARGUMENT before the first plan. */
ONNXC_API onnxc_status *onnxc_session_plan_stats(const onnxc_session *session,
                                       onnxc_plan_stats *stats);

/* The nodes the session's program runs, in run order, after the
 * optimizations its options ask for (folding drops nodes, fusions merge
 * them: a decomposed LayerNorm becomes one LayerNormalization): how many,
 * and the operator type of each ("MatMul"; static, or living as long as
 * the model). Errors: INVALID_ARGUMENT (index out of range, NULL). */
ONNXC_API size_t onnxc_session_node_count(const onnxc_session *session);
ONNXC_API onnxc_status *onnxc_session_node_op_type(const onnxc_session *session,
                                                   size_t index,
                                                   const char **op_type);

/* Where the time of a profiled session went, node by node (`index` in run
 * order, as above). Strings and dims point into the session and the
 * model: valid until the next run or onnxc_session_free. */
typedef struct onnxc_node_profile {
    const char *name;          /* the node's name, or "#index op_type" */
    const char *op_type;
    double seconds;            /* its kernel's time in the last run; 0 when
                                * the plan computed its outputs (it did
                                * not run) */
    double total_seconds;      /* summed over the session's runs */
    uint64_t runs;             /* how many runs it ran in */
    double flops;              /* floating-point operations of the last
                                * run (a multiply-add counts two); 0 where
                                * the operator does not define them */
    int rank;                  /* its first output's shape in the last run */
    const int64_t *dims;
} onnxc_node_profile;

/* Errors: INVALID_ARGUMENT (NULL, index out of range, a session created
 * without onnxc_session_options_set_profiling, or no successful run yet). */
ONNXC_API onnxc_status *onnxc_session_node_profile(const onnxc_session *session,
                                                   size_t index,
                                                   onnxc_node_profile *profile);

/* -------------------------------------------------------------- operators */

/* One operator this build runs. All strings are static. */
typedef struct onnxc_operator_info {
    const char *domain;     /* "" for the default (ai.onnx) domain */
    const char *op_type;    /* "Gemm" */
    const int *versions;    /* the operator versions implemented, ascending,
                             * ended by 0 */
    int last_opset;         /* the newest opset it is checked against */
    const char *types;      /* the element types it runs, "float, double" */
} onnxc_operator_info;

/* How many operators this build runs; info on each by index (0 ..
 * count - 1). Errors: INVALID_ARGUMENT (index out of range, NULL info). */
ONNXC_API size_t onnxc_operator_count(void);
ONNXC_API onnxc_status *onnxc_operator_get(size_t index, onnxc_operator_info *info);

/* ---------------------------------------------------- tensor files (.pb) */

/* A tensor owned by the caller, as read from a serialized onnx.TensorProto
 * (the format of the ONNX test data). */
typedef struct onnxc_tensor onnxc_tensor;

/* Reads a TensorProto from a file or from memory (the bytes are only read
 * during the call). Errors: IO, INVALID_MODEL (malformed, or sizes that
 * disagree), UNSUPPORTED (string and complex tensors). Free the result
 * with onnxc_tensor_free(). */
ONNXC_API onnxc_status *onnxc_tensor_read_file(const char *path, onnxc_tensor **tensor);
ONNXC_API onnxc_status *onnxc_tensor_read_buffer(const void *data, size_t size,
                                       onnxc_tensor **tensor);

/* Writes a tensor as a TensorProto file with the given name (may be NULL).
 * Errors: IO, NO_MEMORY, INVALID_ARGUMENT. */
ONNXC_API onnxc_status *onnxc_tensor_write_file(const char *path, const char *name,
                                      const onnxc_tensor_view *tensor);

ONNXC_API void onnxc_tensor_free(onnxc_tensor *tensor);
/* The tensor's name ("" when it has none) and contents; both live as long
 * as the tensor. */
ONNXC_API const char *onnxc_tensor_name(const onnxc_tensor *tensor);
ONNXC_API onnxc_tensor_view onnxc_tensor_get_view(const onnxc_tensor *tensor);

/* ------------------------------------- sequence and optional files (.pb) */

/* A sequence or optional value owned by the caller, as read from a
 * serialized onnx.SequenceProto or onnx.OptionalProto (the test data's
 * form of sequence and optional inputs and outputs). */
typedef struct onnxc_value onnxc_value;

/* Reads a SequenceProto (kind ONNXC_KIND_SEQUENCE) or an OptionalProto
 * (kind ONNXC_KIND_OPTIONAL) from a file: the protobuf does not say which
 * message the bytes are, the model's declaration does. Errors: IO,
 * INVALID_ARGUMENT (another kind), INVALID_MODEL (malformed), UNSUPPORTED
 * (maps, sparse tensors, sequences of sequences). Free the result with
 * onnxc_value_free(). */
ONNXC_API onnxc_status *onnxc_value_read_file(const char *path, onnxc_kind kind,
                                              onnxc_value **value);
ONNXC_API void onnxc_value_free(onnxc_value *value);
/* What it holds: ONNXC_KIND_SEQUENCE (onnxc_value_count tensors),
 * ONNXC_KIND_TENSOR (an optional holding one: count 1) or ONNXC_KIND_NONE
 * (count 0); its name ("" when it has none); tensor `index` (a view valid
 * as long as the value; an empty view past the count). */
ONNXC_API onnxc_kind onnxc_value_kind(const onnxc_value *value);
ONNXC_API size_t onnxc_value_count(const onnxc_value *value);
ONNXC_API const char *onnxc_value_name(const onnxc_value *value);
ONNXC_API onnxc_tensor_view onnxc_value_item(const onnxc_value *value, size_t index);

/* Writes count tensors as a SequenceProto (declared ONNXC_KIND_SEQUENCE)
 * or an OptionalProto (declared ONNXC_KIND_OPTIONAL) holding `kind`:
 * ONNXC_KIND_TENSOR (count 1), ONNXC_KIND_SEQUENCE or ONNXC_KIND_NONE.
 * name may be NULL. Errors: IO, NO_MEMORY, INVALID_ARGUMENT. */
ONNXC_API onnxc_status *onnxc_value_write_file(const char *path, const char *name,
                                               onnxc_kind declared, onnxc_kind kind,
                                               const onnxc_tensor_view *items,
                                               size_t count);

#ifdef __cplusplus
}
#endif
#endif
