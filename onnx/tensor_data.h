/*
 * tensor_data.h - the contents of an onnx.TensorProto: its type, its
 * shape, and its data wherever the file keeps it (raw_data, the typed
 * fields, or an external file), checked before anything is allocated.
 * Internal to onnx/.
 */
#ifndef ONNXC_TENSOR_DATA_H
#define ONNXC_TENSOR_DATA_H

#include "onnx.pb-c.h"
#include "onnxc.h"

typedef struct tensor_layout {
    onnxc_dtype dtype;
    int rank;
    int64_t dims[ONNXC_MAX_RANK];
    size_t count;
    size_t bytes;
    const char *bad_type;  /* non-NULL for types onnxc cannot hold */
} tensor_layout;

/* Checks a TensorProto's type, dims and data sizes. `what` names the
 * tensor in messages ("initializer 'fc1.weight'"). A string tensor is not
 * an error here: bad_type says so and bytes is 0. */
onnxc_status *oc_tensor_layout_read(const Onnx__TensorProto *t, const char *what,
                                 tensor_layout *layout);

/* Checks that the data can be had before anything is allocated for it:
 * for external data, that the file exists inside base_dir and holds
 * offset + length bytes (a file may claim any size; only the disk is
 * trusted). Nothing to check for data held in the proto itself, whose
 * size oc_tensor_layout_read already matched. */
onnxc_status *oc_tensor_data_check(const Onnx__TensorProto *t, const char *what,
                                const tensor_layout *layout,
                                const char *base_dir);

/* Copies the data into dest (layout->bytes bytes), converting the typed
 * fields to native values and reading external data relative to base_dir
 * (NULL refuses external data). */
onnxc_status *oc_tensor_data_copy(const Onnx__TensorProto *t, const char *what,
                               const tensor_layout *layout,
                               const char *base_dir, void *dest);

#endif
