/*
 * test_econ_rank.c — descending ranks (1 = highest, ties share the lowest
 * rank, NaN last) from the integer keys of rank.c against a direct count
 * (rank = 1 + number of scores strictly greater, NaN below every number and
 * tied with every NaN): hand-checked ties, -0 == +0, infinities and NaN, and
 * a warm-started ranker over a sequence of nearly sorted and then unrelated
 * score vectors (the insertion sort, and its fallback when the last order is
 * far off), which must give the same ranks as a cold sort every time.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "econ/econ_internal.h"

static int greater(double a, double b) /* a ranks strictly above b */
{
    if (isnan(a)) return 0;
    return isnan(b) || a > b;
}

static void reference(const double *s, int n, int *rank)
{
    for (int i = 0; i < n; i++) {
        rank[i] = 1;
        for (int j = 0; j < n; j++) rank[i] += greater(s[j], s[i]);
    }
}

static void test_hand(void **state)
{
    (void)state;
    const double s[9] = {3, NAN, 5, -0.0, 5, 0.0, INFINITY, -INFINITY, NAN};
    const int want[9] = {4, 8, 2, 5, 2, 5, 1, 7, 8};
    int got[9];
    sx_econ_rank_desc(s, 9, 1, got);
    for (int i = 0; i < 9; i++) assert_int_equal(got[i], want[i]);
    sx__econ_ranker_t r;
    assert_int_equal(sx__econ_ranker_init(&r, 9), SX_OK);
    sx__econ_ranker_rank(&r, s, 1, got);
    for (int i = 0; i < 9; i++) assert_int_equal(got[i], want[i]);
    sx__econ_ranker_fini(&r);
}

static uint64_t lcg(uint64_t *x)
{
    *x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
    return *x >> 11;
}

static void test_warm(void **state)
{
    (void)state;
    enum { N = 300, ROUNDS = 400 };
    double base[N], s[N];
    int got[N], cold[N], want[N];
    uint64_t x = 42;
    for (int i = 0; i < N; i++) base[i] = (double)(lcg(&x) % 50); /* many ties */
    sx__econ_ranker_t r;
    assert_int_equal(sx__econ_ranker_init(&r, N), SX_OK);
    for (int k = 0; k < ROUNDS; k++) {
        const int far = k % 7 == 3; /* now and then an unrelated vector: more inversions than the budget */
        for (int i = 0; i < N; i++) {
            s[i] = far ? (double)(lcg(&x) % 1000) : base[i] + (double)(lcg(&x) % 5) * 0.5;
            if (lcg(&x) % 97 == 0) s[i] = NAN;
        }
        sx__econ_ranker_rank(&r, s, 1, got);
        sx_econ_rank_desc(s, N, 1, cold);
        reference(s, N, want);
        for (int i = 0; i < N; i++) {
            if (got[i] != want[i] || cold[i] != want[i])
                fail_msg("round %d unit %d: warm %d, cold %d, count %d", k, i, got[i], cold[i], want[i]);
        }
    }
    sx__econ_ranker_fini(&r);
}

static void test_stride(void **state)
{
    (void)state;
    const double s[8] = {1, 99, 4, 99, 4, 99, 2, 99}; /* column 0 of a 4 x 2 table */
    const int want[4] = {4, 1, 1, 3};
    int got[4];
    sx_econ_rank_desc(s, 4, 2, got);
    for (int i = 0; i < 4; i++) assert_int_equal(got[i], want[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_hand), cmocka_unit_test(test_warm), cmocka_unit_test(test_stride)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
