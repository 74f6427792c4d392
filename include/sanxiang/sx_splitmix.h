/*
 * sx_splitmix.h — splitmix64, the one 64-bit mixing generator behind the
 * counter-based random streams of every domain (the random forest and the
 * sample keys of rs, the Monte Carlo of econ, the seeding of the hydro
 * xoshiro256** streams).
 *
 * splitmix64: Steele, Lea & Flood 2014, "Fast splittable pseudorandom number
 * generators", OOPSLA '14, doi:10.1145/2714064.2660195; the output function
 * is Stafford's "Mix13" variant of the MurmurHash3 finaliser, as in Vigna's
 * reference splitmix64.c (https://prng.di.unimi.it/splitmix64.c). The state
 * advances by the golden-ratio gamma and the output is the mix of the new
 * state, so from state 0 the first two outputs are 0xE220A8397B1DCDAF and
 * 0x6E789E6AA1B965F4 (pinned in tests/unit/test_splitmix.c against an
 * independent implementation).
 *
 * Streams built on it depend only on the seed and the counter, never on the
 * rank or thread that draws: that is what keeps outputs bit-identical at any
 * rank count. Changing anything here changes every seeded output of the
 * suite. Not collective; no allocation; pure functions of their arguments.
 */
#ifndef SX_SPLITMIX_H
#define SX_SPLITMIX_H

#include <stdint.h>

/** The golden-ratio increment of the splitmix64 state (2^64 / phi, odd). */
#define SX_SPLITMIX64_GAMMA UINT64_C(0x9E3779B97F4A7C15)

/** splitmix64's output function: a bijective 64-bit mix of z (no state).
 *  Also a good hash of a 64-bit key. */
static inline uint64_t sx_splitmix64_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/** The next splitmix64 output: advances *state by the gamma and returns the
 *  mix of the new state. state is caller-owned. */
static inline uint64_t sx_splitmix64_next(uint64_t *state)
{
    *state += SX_SPLITMIX64_GAMMA;
    return sx_splitmix64_mix(*state);
}

#endif
