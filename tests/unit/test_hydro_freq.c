/*
 * test_hydro_freq.c — the incomplete gamma function and its inverse against
 * closed forms (a = 1: e^-x; a = 1/2: erfc; integer a: the Poisson sum),
 * round trips over a from 0.05 to 40000 and tails down to 1e-10; the P-III
 * frequency factor Phi against closed forms (Cs = 2 is the exponential) and
 * the printed Foster–Rybkin table (two decimals); the SL 44-2006 sample of
 * 《工程水文学》 table 9-4 (empirical frequencies exact, moments against a
 * hand computation), a sample with l = 1; the curve fit recovering the
 * parameters of points placed on a P-III curve; bad samples refused.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "sanxiang/sx_hydro_freq.h"

#define assert_close(a, b, rel)                                                                  \
    do {                                                                                         \
        double a_ = (a), b_ = (b);                                                               \
        if (!(fabs(a_ - b_) <= (rel) * fmax(fabs(b_), 1e-300))) {                                \
            print_error("%s = %.17g, expected %.17g (rel %g)\n", #a, a_, b_, (double)(rel));     \
            fail();                                                                              \
        }                                                                                        \
    } while (0)

static void test_gamma_closed_forms(void **state)
{
    (void)state;
    const double xs[] = {1e-6, 0.01, 0.3, 1, 2.5, 7, 20, 60};
    for (size_t i = 0; i < sizeof xs / sizeof *xs; i++) {
        double x = xs[i], p, q;
        assert_int_equal(sx_gamma_q(1, x, &q), SX_OK);
        assert_close(q, exp(-x), 1e-13);
        assert_int_equal(sx_gamma_p(1, x, &p), SX_OK);
        assert_close(p, -expm1(-x), 1e-13);
        assert_int_equal(sx_gamma_q(0.5, x, &q), SX_OK);
        assert_close(q, erfc(sqrt(x)), 1e-12);
        assert_int_equal(sx_gamma_q(3, x, &q), SX_OK);
        assert_close(q, exp(-x) * (1 + x + x * x / 2), 1e-12);
    }
    double p;
    assert_int_equal(sx_gamma_p(0, 1, &p), SX_ERR_NUMERIC);
    assert_int_equal(sx_gamma_p(1, -1, &p), SX_ERR_NUMERIC);
}

static void test_gamma_inverse(void **state)
{
    (void)state;
    const double as[] = {0.05, 0.3, 1, 2.5, 10, 400, 40000}, qs[] = {1e-10, 1e-4, 0.01, 0.2, 0.5, 0.9, 0.9999};
    for (size_t i = 0; i < sizeof as / sizeof *as; i++)
        for (size_t j = 0; j < sizeof qs / sizeof *qs; j++) {
            double x, q, p;
            assert_int_equal(sx_gamma_q_inv(as[i], qs[j], &x), SX_OK);
            assert_int_equal(sx_gamma_q(as[i], x, &q), SX_OK);
            assert_int_equal(sx_gamma_p(as[i], x, &p), SX_OK);
            if (qs[j] < 0.5) assert_close(q, qs[j], 1e-11);
            else assert_close(p, 1 - qs[j], 1e-11);
        }
    double x;
    assert_int_equal(sx_gamma_q_inv(1, 1e-4, &x), SX_OK);
    assert_close(x, -log(1e-4), 1e-14);
    assert_int_equal(sx_gamma_q_inv(1, 0, &x), SX_ERR_NUMERIC);
    double z;
    assert_int_equal(sx_normal_q_inv(0.01, &z), SX_OK);
    assert_close(z, 2.3263478740408408, 1e-14);
    assert_int_equal(sx_normal_q_inv(1e-4, &z), SX_OK);
    assert_close(z, 3.7190164854556804, 1e-14);
    assert_int_equal(sx_normal_q_inv(0.975, &z), SX_OK);
    assert_close(z, -1.959963984540054, 1e-14);
}

static void test_phi(void **state)
{
    (void)state;
    double phi;
    const double ps[] = {1e-4, 1e-3, 0.01, 0.05, 0.5, 0.99};
    for (size_t i = 0; i < sizeof ps / sizeof *ps; i++) { /* Cs = 2: a = 1, Phi = -ln p - 1 */
        assert_int_equal(sx_p3_phi(2, ps[i], &phi), SX_OK);
        assert_close(phi, -log(ps[i]) - 1, 1e-13);
        assert_int_equal(sx_p3_phi(-2, 1 - ps[i], &phi), SX_OK); /* mirrored */
        assert_close(phi, log(ps[i]) + 1, 1e-12);
    }
    /* The Foster–Rybkin table of Phi as printed (two decimals) in Chinese hydrology textbooks. */
    const struct { double cs, p, phi; } tab[] = {
        {0, 0.01, 2.33}, {0.5, 0.01, 2.69}, {1.0, 0.01, 3.02}, {1.0, 0.5, -0.16}, {1.0, 0.99, -1.59}, {2.0, 0.001, 5.91},
    };
    for (size_t i = 0; i < sizeof tab / sizeof *tab; i++) {
        assert_int_equal(sx_p3_phi(tab[i].cs, tab[i].p, &phi), SX_OK);
        if (fabs(phi - tab[i].phi) > 0.005 + 1e-9) {
            print_error("Phi(Cs %g, P %g) = %.4f, table %.2f\n", tab[i].cs, tab[i].p, phi, tab[i].phi);
            fail();
        }
    }
    double lo, hi; /* the small-Cs branch joins the gamma branch */
    assert_int_equal(sx_p3_phi(0.99e-4, 0.001, &lo), SX_OK);
    assert_int_equal(sx_p3_phi(1.01e-4, 0.001, &hi), SX_OK);
    const double z = 3.090232306167813; /* dPhi/dCs = (z^2 - 1) / 6 at Cs = 0 */
    assert_true(fabs(hi - lo - 0.02e-4 * (z * z - 1) / 6) < 1e-8);
    double x;
    assert_int_equal(sx_p3_quantile(100, 0.5, 2, 0.01, &x), SX_OK);
    assert_close(x, 100 * (1 + 0.5 * (log(100) - 1)), 1e-13);
}

/* 《工程水文学》 (3rd ed.) table 9-4: 30 measured floods, 2 historical in N = 102 years. */
static const double t94[30] = {1400, 1210, 960, 920, 890, 880, 790, 784, 670, 650, 638, 590, 520, 510, 480,
                               470,  462,  440, 386, 368, 346, 322, 300, 288, 262, 240, 220, 200, 186, 160};

static void test_table94(void **state)
{
    (void)state;
    int years[30], hy[2] = {1878, 1921};
    double vals[30], hv[2] = {2520, 2200};
    for (int i = 0; i < 30; i++) years[i] = 1979 - i, vals[i] = t94[29 - i]; /* any order */
    sx_freq_sample_t s;
    assert_int_equal(sx_freq_sample_init(years, vals, 30, hy, hv, 2, 102, &s), SX_OK);
    assert_int_equal(s.count, 32);
    assert_int_equal(s.a, 2);
    assert_int_equal(s.l, 0);
    assert_close(s.floods[0].freq, 1.0 / 103, 1e-15);
    assert_close(s.floods[1].freq, 2.0 / 103, 1e-15);
    for (int m = 1; m <= 30; m++) {
        assert_close(s.floods[1 + m].value, t94[m - 1], 0);
        assert_close(s.floods[1 + m].freq, 2.0 / 103 + (101.0 / 103) * m / 31, 1e-15);
    }
    sx_p3_params_t mom, fit;
    assert_int_equal(sx_p3_moments(&s, &mom), SX_OK);
    /* By hand: sum of the 30 = 16542; mean = (4720 + 100/30 * 16312) / 102. */
    assert_close(mom.mean, (4720 + 100.0 / 30 * 16542) / 102, 1e-14);
    assert_close(mom.mean, 586.8627450980392, 1e-13);
    assert_close(mom.cv, 0.6772595153378057, 1e-12);
    assert_close(mom.cs, 2.106801877833812, 1e-11);
    double sse_fit, sse_mom = 0;
    assert_int_equal(sx_p3_fit_curve(&s, &mom, &fit, &sse_fit), SX_OK);
    for (int i = 0; i < s.count; i++) {
        double x;
        assert_int_equal(sx_p3_quantile(mom.mean, mom.cv, mom.cs, s.floods[i].freq, &x), SX_OK);
        sse_mom += (s.floods[i].value - x) * (s.floods[i].value - x);
    }
    assert_true(sse_fit < sse_mom);
    for (int d = 0; d < 4; d++) { /* a local minimum: no nearby point does better */
        double cv = fit.cv + (d == 0 ? 1e-4 : d == 1 ? -1e-4 : 0), cs = fit.cs + (d == 2 ? 1e-3 : d == 3 ? -1e-3 : 0);
        double sse = 0;
        for (int i = 0; i < s.count; i++) {
            double x;
            assert_int_equal(sx_p3_quantile(fit.mean, cv, cs, s.floods[i].freq, &x), SX_OK);
            sse += (s.floods[i].value - x) * (s.floods[i].value - x);
        }
        assert_true(sse >= sse_fit);
    }
    sx_freq_sample_fini(&s);
}

static void test_measured_extraordinary(void **state)
{
    (void)state; /* l = 1: the 2005 flood is extraordinary; N = 9 (1997-2005) */
    int years[5] = {2001, 2002, 2003, 2004, 2005}, hy[2] = {1997, 2005};
    double vals[5] = {1, 2, 3, 4, 5}, hv[2] = {10, 5};
    sx_freq_sample_t s;
    assert_int_equal(sx_freq_sample_init(years, vals, 5, hy, hv, 2, 9, &s), SX_OK);
    assert_int_equal(s.l, 1);
    assert_int_equal(s.count, 6);
    const double want[6] = {0.1, 0.2, 0.36, 0.52, 0.68, 0.84};
    for (int i = 0; i < 6; i++) assert_close(s.floods[i].freq, want[i], 1e-15);
    assert_int_equal(s.floods[2].rank, 2);
    sx_freq_sample_fini(&s);
}

static void test_fit_recovers_curve(void **state)
{
    (void)state; /* 40 floods placed exactly on mean 1000, Cv 0.5, Cs 1.5 at their plotting positions */
    int years[40];
    double vals[40];
    for (int i = 0; i < 40; i++) {
        years[i] = 1980 + i;
        assert_int_equal(sx_p3_quantile(1000, 0.5, 1.5, (i + 1) / 41.0, &vals[i]), SX_OK);
    }
    sx_freq_sample_t s;
    assert_int_equal(sx_freq_sample_init(years, vals, 40, NULL, NULL, 0, 0, &s), SX_OK);
    sx_p3_params_t start = {1000, 0.3, 0.6}, fit;
    double sse;
    assert_int_equal(sx_p3_fit_curve(&s, &start, &fit, &sse), SX_OK);
    assert_close(fit.cv, 0.5, 1e-6);
    assert_close(fit.cs, 1.5, 1e-5);
    assert_true(sse < 1e-6);
    sx_freq_sample_fini(&s);
}

static void test_bad_samples(void **state)
{
    (void)state;
    int y[6] = {1, 2, 3, 4, 5, 6}, hy[1] = {0};
    double v[6] = {5, 4, 3, 2, 1, 6}, hv[1] = {4};
    sx_freq_sample_t s;
    assert_int_equal(sx_freq_sample_init(y, v, 4, NULL, NULL, 0, 0, &s), SX_ERR_INPUT); /* too few */
    assert_int_equal(sx_freq_sample_init(y, v, 6, hy, hv, 1, 10, &s), SX_ERR_INPUT);    /* 4 < 6 */
    hv[0] = 9;
    assert_int_equal(sx_freq_sample_init(y, v, 6, hy, hv, 1, 5, &s), SX_ERR_INPUT);     /* N < span 7 */
    assert_int_equal(sx_freq_sample_init(y, v, 6, hy, hv, 1, 7, &s), SX_OK);
    sx_freq_sample_fini(&s);
    y[5] = 5;
    assert_int_equal(sx_freq_sample_init(y, v, 6, NULL, NULL, 0, 0, &s), SX_ERR_INPUT); /* year twice */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gamma_closed_forms), cmocka_unit_test(test_gamma_inverse),
        cmocka_unit_test(test_phi),                cmocka_unit_test(test_table94),
        cmocka_unit_test(test_measured_extraordinary), cmocka_unit_test(test_fit_recovers_curve),
        cmocka_unit_test(test_bad_samples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
