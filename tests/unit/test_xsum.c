/* test_xsum.c — exact, order-independent sums: cancellation across the
 * whole exponent range, subnormals, negative totals, permutations and
 * merges giving bit-identical results, against sums known exactly. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "sanxiang/sx_xsum.h"

static double sum_of(const double *x, int n)
{
    sx_xsum_t s;
    sx_xsum_init(&s);
    for (int i = 0; i < n; i++) sx_xsum_add(&s, x[i]);
    return sx_xsum_value(&s);
}

static void test_cancellation(void **state)
{
    (void)state;
    double a[] = {1e308, 1.0, 1e308, -1e308, -1e308};
    assert_true(sum_of(a, 5) == 1.0); /* naive left-to-right gives inf */
    double b[] = {1.0, 1e-300, -1.0};
    assert_true(sum_of(b, 3) == 1e-300);
    double c[] = {DBL_MAX, -DBL_MAX, DBL_TRUE_MIN, DBL_TRUE_MIN, DBL_TRUE_MIN};
    assert_true(sum_of(c, 5) == 3 * DBL_TRUE_MIN);
    double d[] = {0.1, -0.3, 0.1};
    assert_true(sum_of(d, 3) == -0.09999999999999998); /* Python: float(2*Fraction(0.1) - Fraction(0.3)) */
    double e[] = {-2.5, -0.25, 0.0, -0.0};
    assert_true(sum_of(e, 4) == -2.75);
    assert_true(sum_of(e, 0) == 0.0);
}

/* Values k · 2^-20 with random integers k: the exact sum is known in int64. */
static void test_against_integer_sum(void **state)
{
    (void)state;
    enum { N = 100000 };
    double *x = malloc(N * sizeof *x);
    int64_t exact = 0;
    srand(7);
    for (int i = 0; i < N; i++) {
        int64_t k = ((int64_t)rand() << 16 ^ rand()) % 2000000001 - 1000000000;
        x[i] = ldexp((double)k, -20);
        exact += k;
    }
    double want = ldexp((double)exact, -20);
    assert_true(sum_of(x, N) == want);
    /* Reversed, shuffled and split-and-merged: the same bits. */
    for (int i = 0; i < N / 2; i++) {
        double t = x[i];
        x[i] = x[N - 1 - i];
        x[N - 1 - i] = t;
    }
    assert_true(sum_of(x, N) == want);
    for (int i = N - 1; i > 0; i--) {
        int j = rand() % (i + 1);
        double t = x[i];
        x[i] = x[j];
        x[j] = t;
    }
    sx_xsum_t p[3];
    for (int t = 0; t < 3; t++) sx_xsum_init(&p[t]);
    for (int i = 0; i < N; i++) sx_xsum_add(&p[i % 3], x[i]);
    sx_xsum_merge(&p[2], &p[0]);
    sx_xsum_merge(&p[2], &p[1]);
    assert_true(sx_xsum_value(&p[2]) == want);
    free(x);
}

/* Order independence where plain summation is order dependent. */
static void test_order_independent(void **state)
{
    (void)state;
    enum { N = 5000 };
    double x[N];
    srand(11);
    for (int i = 0; i < N; i++) x[i] = ((double)rand() / RAND_MAX - 0.5) * pow(10.0, rand() % 30 - 15);
    double fwd = sum_of(x, N);
    double naive_fwd = 0, naive_bwd = 0;
    for (int i = 0; i < N; i++) naive_fwd += x[i];
    for (int i = N - 1; i >= 0; i--) naive_bwd += x[i];
    for (int i = 0; i < N / 2; i++) {
        double t = x[i];
        x[i] = x[N - 1 - i];
        x[N - 1 - i] = t;
    }
    assert_true(sum_of(x, N) == fwd);
    assert_true(fabs(fwd - naive_fwd) <= 1e-9 * fabs(fwd) + 1e-3);
    assert_true(fabs(fwd - naive_bwd) <= 1e-9 * fabs(fwd) + 1e-3);
}

/* The bucketed front end gives exactly what sx_xsum_add gives, across the
 * range (subnormals, DBL_MAX, cancellation, both signs). */
static void test_fast_front_end(void **state)
{
    (void)state;
    enum { N = 20000 };
    static double x[N];
    srand(13);
    for (int i = 0; i < N; i++) x[i] = ((double)rand() / RAND_MAX - 0.5) * pow(2.0, rand() % 2100 - 1075);
    x[0] = DBL_MAX, x[1] = DBL_MAX, x[2] = -DBL_MAX, x[3] = DBL_TRUE_MIN, x[4] = -0.0, x[5] = 1.0, x[6] = -1.0;
    sx_xsum_t a, b;
    sx_xsum_init(&a);
    sx_xsum_init(&b);
    static sx_xsum_fast_t f; /* 128 KiB */
    sx_xsum_fast_init(&f);
    for (int i = 0; i < N; i++) {
        if (isinf(x[i])) x[i] = 0;
        sx_xsum_add(&a, x[i]);
        sx_xsum_fast_add(&f, i % SX_XSUM_LANES, x[i]);
        if (i == N / 2) sx_xsum_fast_flush(&f, &b); /* a flush midway changes nothing */
    }
    sx_xsum_fast_flush(&f, &b);
    assert_true(sx_xsum_value(&a) == sx_xsum_value(&b));
    double c[] = {1e308, 1.0, 1e308, -1e308, -1e308, DBL_TRUE_MIN};
    sx_xsum_init(&b);
    for (int i = 0; i < 6; i++) sx_xsum_fast_add(&f, 0, c[i]);
    sx_xsum_fast_flush(&f, &b);
    assert_true(sx_xsum_value(&b) == 1.0);
}

/* Exact zero iff sx_xsum_add_vec added exactly the values x: add them
 * with the vector front end, subtract them one by one. */
static void expect_vec_exact(const double *x, int n)
{
    static double p[SX_XSUM_VEC_MAX];
    for (int i = 0; i < n; i++) p[i] = x[i];
    sx_xsum_t s;
    sx_xsum_init(&s);
    sx_xsum_add_vec(&s, p, n);
    for (int i = 0; i < n; i++) sx_xsum_add(&s, -x[i]);
    assert_true(sx_xsum_value(&s) == 0.0); /* a nonzero exact sum is at least 2^-1074 */
}

/* Error-free extraction (Rump, Ogita & Oishi 2008) gives exactly the sum of
 * its values: Float32 values of a narrow range (one round), squares spanning
 * 2^-120 .. 1 (several rounds), the whole double range with subnormals and
 * DBL_MAX (the one-by-one fallback), equal values at the bound of the lemma,
 * heavy cancellation, and every count from 0 to the maximum. */
static void test_vector_front_end(void **state)
{
    (void)state;
    enum { N = SX_XSUM_VEC_MAX };
    static double x[N];
    srand(17);
    for (int kind = 0; kind < 6; kind++)
        for (int rep = 0; rep < 50; rep++) {
            for (int i = 0; i < N; i++) {
                double u = (double)rand() / RAND_MAX - 0.5;
                switch (kind) {
                case 0: x[i] = (float)(u * pow(2.0, rand() % 18 - 17)); break;
                case 1: x[i] = u * u * pow(2.0, -(rand() % 120)); break;
                case 2: x[i] = u * pow(2.0, rand() % 2100 - 1075); break;
                case 3: x[i] = nextafter(1.0, 0.0) * (i % 2 ? 1 : -1) * (rep % 2 ? 1 : 3); break;
                case 4: x[i] = (i % 2 ? 1e300 : -1e300) + u; break;
                default: x[i] = u * pow(2.0, rand() % 60 - 30); break;
                }
                if (isinf(x[i])) x[i] = DBL_MAX;
            }
            if (kind == 2) x[0] = DBL_MAX, x[1] = DBL_TRUE_MIN, x[2] = -0.0;
            expect_vec_exact(x, kind == 5 ? rep * (N / 50) + 1 : N);
        }
    expect_vec_exact(x, 0);
    double tiny[] = {DBL_TRUE_MIN, 3 * DBL_TRUE_MIN, -DBL_MIN};
    expect_vec_exact(tiny, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_cancellation), cmocka_unit_test(test_against_integer_sum),
                                       cmocka_unit_test(test_order_independent), cmocka_unit_test(test_fast_front_end),
                                       cmocka_unit_test(test_vector_front_end)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
