/* fuzz_tensor.c - libFuzzer target: any bytes as a TensorProto (.pb). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "onnxc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    onnxc_tensor *t = NULL;
    onnxc_status *s = onnxc_tensor_read_buffer(data, size, &t);
    if (s) {
        if (!onnxc_status_message(s)[0])
            abort();
        onnxc_status_free(s);
        return 0;
    }
    /* Touch every byte the tensor claims to have. */
    onnxc_tensor_view v = onnxc_tensor_get_view(t);
    volatile uint8_t sum = 0;
    for (size_t i = 0; i < v.bytes; i++)
        sum = (uint8_t)(sum + ((const uint8_t *)v.data)[i]);
    (void)strlen(onnxc_tensor_name(t));
    onnxc_tensor_free(t);
    return 0;
}
