/*
 * test_rng.h - the seeded generator the unit tests share: xorshift64*,
 * small, and the same sequence on every platform, so a failing seed
 * reproduces anywhere.
 */
#ifndef ONNXC_TEST_RNG_H
#define ONNXC_TEST_RNG_H

#include <stdint.h>

typedef struct rng {
    uint64_t s;
} rng;

static inline rng rng_seed(uint64_t seed)
{
    rng r = {seed * 0x9E3779B97F4A7C15ull + 1};
    return r;
}

static inline uint64_t rng_next(rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545F4914F6CDD1Dull;
}

/* Uniform enough in [0, n) for test sizes. */
static inline unsigned rng_below(rng *r, unsigned n)
{
    return (unsigned)(rng_next(r) >> 33) % n;
}

#endif
