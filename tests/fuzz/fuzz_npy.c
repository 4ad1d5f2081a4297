/* fuzz_npy.c - libFuzzer target: any bytes as a NumPy .npy file. */
#include <stdint.h>
#include <stdlib.h>

#include "npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    npy_array a;
    char err[256];
    if (!npy_parse(data, size, &a, err, sizeof err)) {
        if (!err[0])
            abort();
        return 0;
    }
    /* The array must lie inside the input. */
    const uint8_t *p = a.data;
    if (p < data || a.bytes > size || p + a.bytes > data + size)
        abort();
    volatile uint8_t sum = 0;
    for (size_t i = 0; i < a.bytes; i++)
        sum = (uint8_t)(sum + p[i]);
    return 0;
}
