/*
 * test_rs_sample.c — the pieces of rs sample that need no raster: the
 * stratum allocation (equal; Olofsson et al. 2014's minimum plus
 * proportional, on the paper's worked example; largest-remainder rounding;
 * the errors), the cell keys against the published splitmix64 stream, and
 * the bounded heaps that keep a stratum's smallest keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rs/sample_internal.h"

static void test_equal(void **state)
{
    (void)state;
    const int64_t a[3] = {10, 1000, 5};
    int64_t n[3];
    assert_int_equal(sx_rs_sample_allocate(3, a, 7, 0, 0, n), SX_OK);
    for (int h = 0; h < 3; h++) assert_int_equal(n[h], 7);
}

static void test_olofsson_example(void **state)
{
    (void)state;
    /* Section 5 of the paper: deforestation 200 000, forest gain 150 000,
     * stable forest 3 200 000, stable non-forest 6 450 000 pixels; n = 640
     * with 75 for each change class. The remaining 490 in proportion:
     * 490 * 3.2 / 9.65 = 162.49 and 490 * 6.45 / 9.65 = 327.51 -> 162, 328
     * (the paper's own sample, table 8, has 165 and 325). */
    const int64_t a[4] = {200000, 150000, 3200000, 6450000};
    int64_t n[4];
    assert_int_equal(sx_rs_sample_allocate(4, a, 0, 640, 75, n), SX_OK);
    assert_int_equal(n[0], 75);
    assert_int_equal(n[1], 75);
    assert_int_equal(n[2], 162);
    assert_int_equal(n[3], 328);
}

static void test_cascade_and_rounding(void **state)
{
    (void)state;
    /* Fixing class 0 at the minimum pushes class 1 below it too:
     * 100 * 50/1000 = 5 < 10; of 90 left, 90 * 50/950 = 4.7 < 10 -> both
     * fixed; 80 left for 900 pixels: 44.44 and 35.56 -> 44, 36. */
    const int64_t a[4] = {50, 50, 500, 400};
    int64_t n[4];
    assert_int_equal(sx_rs_sample_allocate(4, a, 0, 100, 10, n), SX_OK);
    assert_int_equal(n[0], 10);
    assert_int_equal(n[1], 10);
    assert_int_equal(n[2], 44);
    assert_int_equal(n[3], 36);
    /* pure proportional, a tie of remainders goes to the lower stratum:
     * 10 units over 3 equal classes = 3.33 each -> 4, 3, 3 */
    const int64_t b[3] = {7, 7, 7};
    assert_int_equal(sx_rs_sample_allocate(3, b, 0, 10, 0, n), SX_OK);
    assert_int_equal(n[0], 4);
    assert_int_equal(n[1], 3);
    assert_int_equal(n[2], 3);
    /* sizes add up to the total for counts whose products pass 2^64 */
    const int64_t big[3] = {INT64_C(3000000000000000000), INT64_C(1), INT64_C(6000000000000000001)};
    assert_int_equal(sx_rs_sample_allocate(3, big, 0, 1000000007, 2, n), SX_OK);
    assert_int_equal(n[0] + n[1] + n[2], 1000000007);
    assert_int_equal(n[1], 2);
    assert_int_equal(n[0], 333333335);
}

static void test_errors(void **state)
{
    (void)state;
    const int64_t a[4] = {10, 20, 30, 40};
    int64_t n[4];
    assert_int_equal(sx_rs_sample_allocate(4, a, 0, 100, 30, n), SX_ERR_USAGE); /* 4 x 30 > 100 */
    assert_int_equal(sx_rs_sample_allocate(4, a, 0, 120, 30, n), SX_OK);
    for (int h = 0; h < 4; h++) assert_int_equal(n[h], 30);
    assert_int_equal(sx_rs_sample_allocate(0, a, 5, 0, 0, n), SX_ERR_INPUT);
}

static void test_keys(void **state)
{
    (void)state;
    /* Stream 0: cell i gives splitmix64's output i + 1 from state 0, whose
     * first two are 0xE220A8397B1DCDAF and 0x6E789E6AA1B965F4 (Vigna's
     * reference splitmix64.c). */
    assert_true(sx__rs_sample_key(0, 0) == UINT64_C(0xE220A8397B1DCDAF));
    assert_true(sx__rs_sample_key(0, 1) == UINT64_C(0x6E789E6AA1B965F4));
    assert_true(sx__rs_sample_stream(1) != sx__rs_sample_stream(2));
}

static void test_heap(void **state)
{
    (void)state;
    /* offer 1000 cells of two strata in a scrambled order: each heap keeps
     * its stratum's n smallest (key, cell), ties on the key to the lower cell */
    const int64_t want[2] = {5, 3};
    sx__rs_select_t s;
    assert_int_equal(sx__rs_select_init(&s, 2, want), SX_OK);
    for (int64_t i = 0; i < 1000; i++) {
        const int64_t cell = (i * 389) % 1000;
        const sx__rs_draw_t d = {(uint64_t)(cell / 2), cell, (int32_t)(cell % 2), 0};
        sx__rs_select_offer(&s, d);
    }
    for (int h = 0; h < 2; h++) {
        assert_int_equal(s.len[h], want[h]);
        int64_t got[5] = {0};
        for (int64_t i = 0; i < s.len[h]; i++) got[i] = s.d[s.off[h] + i].cell;
        for (int64_t i = 0; i < want[h]; i++) {
            int found = 0;
            for (int64_t j = 0; j < want[h]; j++) found |= got[j] == 2 * i + h;
            assert_true(found);
        }
    }
    sx__rs_select_fini(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equal),  cmocka_unit_test(test_olofsson_example), cmocka_unit_test(test_cascade_and_rounding),
        cmocka_unit_test(test_errors), cmocka_unit_test(test_keys),             cmocka_unit_test(test_heap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
