/*
 * hydro_rng.h — the random streams of SCE-UA and the ensembles:
 * xoshiro256** (Blackman & Vigna 2018, doi:10.1145/3460772) seeded through
 * splitmix64 from (seed, stream, item), so every complex or ensemble member
 * draws the same numbers whichever rank runs it.
 */
#ifndef SX_HYDRO_RNG_H
#define SX_HYDRO_RNG_H

#include <math.h>
#include <stdint.h>

#include "sanxiang/sx_splitmix.h"

typedef struct {
    uint64_t s[4];
} sx__rng_t;

static inline void sx__rng_seed(sx__rng_t *r, uint64_t seed, uint64_t stream, uint64_t item)
{
    uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ull) ^ (item * 0xABC98388FB8FAC03ull);
    for (int i = 0; i < 4; i++) r->s[i] = sx_splitmix64_next(&x);
}

static inline uint64_t sx__rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/** Uniform on [0, 1). */
static inline double sx__rng_uniform(sx__rng_t *r)
{
    uint64_t *s = r->s, res = sx__rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = sx__rotl(s[3], 45);
    return (double)(res >> 11) * 0x1.0p-53;
}

/** Standard normal (Box–Muller, one value per call). */
static inline double sx__rng_normal(sx__rng_t *r)
{
    double u1 = sx__rng_uniform(r), u2 = sx__rng_uniform(r);
    return sqrt(-2.0 * log(1.0 - u1)) * cos(6.283185307179586 * u2);
}

#endif
