/* cpu_features.c - x86 feature bits from cpuid (see cpu_features.h). */
#include "ops/kernels/cpu_features.h"

#if defined(__x86_64__) && defined(__has_include)
#if __has_include(<sys/platform/x86.h>)
#define HAVE_GLIBC_X86_FEATURES 1
#endif
#endif

#if defined(HAVE_GLIBC_X86_FEATURES)
#include <sys/platform/x86.h>

/* glibc (2.33 on) read cpuid when the process started, as it does in
 * every process, and says what is active: present and enabled by the OS
 * (XCR0), as the cpuid detect() below checks. Asking it costs no cpuid,
 * which traps to the hypervisor on a virtual machine: 6.7 us each here,
 * two of them about 2% of onnxc-run's whole process on the reference
 * model.
 *
 * active() is the header's x86_cpu_active with 1u: glibc 2.36's shifts
 * an int 1 by the bit, undefined for bit 31 (AVX512VL), which UBSan
 * reports. */
static bool active(unsigned index)
{
    unsigned per_leaf = 8 * sizeof(unsigned) * 4;
    const struct cpuid_feature *leaf =
        __x86_get_cpuid_feature_leaf(index / per_leaf);
    unsigned reg = index % per_leaf, bit = reg % (8 * sizeof(unsigned));
    return leaf->active_array[reg / (8 * sizeof(unsigned))] >> bit & 1u;
}

static unsigned detect(void)
{
    unsigned features = 0;
    if (active(x86_cpu_AVX2) && active(x86_cpu_FMA))
        features |= OC_CPU_AVX2_FMA;
    if (active(x86_cpu_AVX512F))
        features |= OC_CPU_AVX512F;
    if (active(x86_cpu_AVX512VL))
        features |= OC_CPU_AVX512VL;
    return features;
}

#elif defined(__x86_64__)
#include <cpuid.h>

static unsigned detect(void)
{
    unsigned a, b, c, d, features = 0;
    /* Leaf 1 exists on every x86-64 CPU; __get_cpuid would first ask
     * leaf 0 for the highest leaf, one more trap. */
    __cpuid(1, a, b, c, d);
    bool fma = c >> 12 & 1, osxsave = c >> 27 & 1, avx = c >> 28 & 1;
    if (!osxsave || !avx)
        return 0;
    unsigned lo, hi;
    __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    bool ymm = (lo & 0x6) == 0x6;         /* SSE and AVX state */
    bool zmm = ymm && (lo & 0xe0) == 0xe0; /* opmask, ZMM low and high */
    /* An OS that saves AVX state uses XSAVE, whose leaf 0xd lies above
     * leaf 7: leaf 7 is there. */
    __cpuid_count(7, 0, a, b, c, d);
    if (ymm && fma && (b >> 5 & 1))
        features |= OC_CPU_AVX2_FMA;
    if (zmm && (b >> 16 & 1))
        features |= OC_CPU_AVX512F;
    if (zmm && (b >> 31 & 1))
        features |= OC_CPU_AVX512VL;
    return features;
}

#endif

#if defined(__x86_64__)
unsigned oc_cpu_features(void)
{
    /* Racing threads compute the same value: a plain cache is enough. */
    static volatile int known;
    static volatile unsigned features;
    if (!known) {
        features = detect();
        known = 1;
    }
    return features;
}

#else

unsigned oc_cpu_features(void)
{
    return 0;
}

#endif
