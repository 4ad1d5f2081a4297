/*
 * cpu_features.h - what this x86 CPU and its OS run: the vector
 * extensions the kernels choose between. Read once, with the fewest
 * cpuid instructions: under a hypervisor each one is a trap, and
 * libgcc's __builtin_cpu_init (a dozen of them, in a constructor of every
 * program that links it) was a tenth of onnxc-run's one-shot cost.
 * (ops/kernels/cpu_features.c)
 */
#ifndef ONNXC_CPU_FEATURES_H
#define ONNXC_CPU_FEATURES_H

#include <stdbool.h>

enum {
    OC_CPU_AVX2_FMA = 1,    /* AVX2 and FMA, with the OS saving YMM state */
    OC_CPU_AVX512F = 2,     /* AVX-512F, with the OS saving ZMM state */
    OC_CPU_AVX512VL = 4
};

/* The OC_CPU_ bits this machine has (0 off x86). */
unsigned oc_cpu_features(void);

#endif
