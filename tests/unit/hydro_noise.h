/*
 * hydro_noise.h — test helper of the hydrological unit tests: a fixed,
 * platform-independent noise stream (xorshift64* and Box–Muller) and a
 * relative comparison that prints both values. Include after cmocka.h.
 */
#ifndef TEST_HYDRO_NOISE_H
#define TEST_HYDRO_NOISE_H

#include <math.h>
#include <stdint.h>

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static double uniform(void)
{
    rng ^= rng >> 12, rng ^= rng << 25, rng ^= rng >> 27;
    return ((rng * 2685821657736338717ull) >> 11) * (1.0 / 9007199254740992.0);
}
static double gauss(void)
{
    double u = uniform(), v = uniform();
    return sqrt(-2 * log(u > 0 ? u : 1e-300)) * cos(2 * M_PI * v);
}

static void close_to(double a, double b, double tol)
{
    if (fabs(a - b) > tol * fmax(1, fabs(b))) fail_msg("%.17g differs from %.17g by more than %g", a, b, tol);
}

#endif
