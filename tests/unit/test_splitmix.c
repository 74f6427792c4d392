/*
 * test_splitmix.c — the random streams of the suite are pinned to exact
 * numbers, so a change to splitmix64 (sx_splitmix.h) or to the way a domain
 * seeds its stream fails here and not only in a statistic:
 * - sx_splitmix64_next from state 0 and 1234567 against Vigna's reference
 *   splitmix64.c outputs, and sx_splitmix64_mix;
 * - econ's Monte Carlo stream start sx__mc_stream and its first outputs;
 * - hydro's xoshiro256** streams (sx__rng_seed, sx__rng_uniform).
 * (rs's forest and sample keys are pinned by rs_classify_check.py and
 * test_rs_sample.c.) The expected values come from an independent Python
 * implementation:
 *   M = 2**64 - 1; G = 0x9E3779B97F4A7C15
 *   def mix(z):
 *       z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
 *       z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
 *       return z ^ (z >> 31)
 *   def nxt(s): s = (s + G) & M; return s, mix(s)
 *   econ start: mix(seed ^ mix(2 j + m + 1)); hydro state: four nxt() from
 *   seed ^ stream * 0xD1B54A32D192ED03 ^ item * 0xABC98388FB8FAC03 (mod 2^64),
 *   then xoshiro256** (Blackman & Vigna 2018) with the top 53 bits as u * 2^53.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "econ/mc_model.h"
#include "hydro/hydro_rng.h"
#include "sanxiang/sx_splitmix.h"

static void test_reference_stream(void **state)
{
    (void)state;
    uint64_t s = 0;
    assert_int_equal(sx_splitmix64_next(&s), UINT64_C(0xE220A8397B1DCDAF));
    assert_int_equal(sx_splitmix64_next(&s), UINT64_C(0x6E789E6AA1B965F4));
    assert_int_equal(sx_splitmix64_next(&s), UINT64_C(0x06C45D188009454F));
    assert_int_equal(s, 3 * SX_SPLITMIX64_GAMMA);
    s = 1234567;
    assert_int_equal(sx_splitmix64_next(&s), UINT64_C(6457827717110365317));
    assert_int_equal(sx_splitmix64_next(&s), UINT64_C(3203168211198807973));
    assert_int_equal(sx_splitmix64_next(&s), UINT64_C(9817491932198370423));
}

static void test_mix(void **state)
{
    (void)state;
    assert_int_equal(sx_splitmix64_mix(0), 0);
    assert_int_equal(sx_splitmix64_mix(1), UINT64_C(0x5692161D100B05E5));
    assert_int_equal(sx_splitmix64_mix(SX_SPLITMIX64_GAMMA), UINT64_C(0xE220A8397B1DCDAF));
}

static void test_econ_stream(void **state)
{
    (void)state;
    uint64_t s = sx__mc_stream(7, 0, 0);
    assert_int_equal(s, UINT64_C(0xDF2BBB9538AAE818));
    assert_int_equal(sx_splitmix64_next(&s), UINT64_C(0xBD4D088D92683CB0));
    assert_int_equal(sx_splitmix64_next(&s), UINT64_C(0x016D3DA75B45D5CB));
    assert_int_equal(sx_splitmix64_next(&s), UINT64_C(0x9A2220E3BF3C0B9E));
    s = sx__mc_stream(7, 5, 1);
    assert_int_equal(s, UINT64_C(0x31E983D08241EAE4));
    assert_int_equal(sx_splitmix64_next(&s), UINT64_C(0x9A6AA64D28149E23));
}

static void test_hydro_stream(void **state)
{
    (void)state;
    sx__rng_t r;
    sx__rng_seed(&r, 42, 3, 5);
    const uint64_t top53[3] = {UINT64_C(0x10ABAA3BC1F263), UINT64_C(0x037A02EA70EAFF), UINT64_C(0x0AE4EEE52D6D06)};
    for (int i = 0; i < 3; i++) {
        const double u = sx__rng_uniform(&r), want = (double)top53[i] * 0x1.0p-53;
        if (u != want) fail_msg("uniform %d: %a, want %a", i, u, want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_stream),
        cmocka_unit_test(test_mix),
        cmocka_unit_test(test_econ_stream),
        cmocka_unit_test(test_hydro_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
