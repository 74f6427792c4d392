/*
 * test_hydro_freq.c — the incomplete gamma function and its inverse against
 * closed forms (a = 1: e^-x; a = 1/2: erfc; integer a: the Poisson sum),
 * round trips over a from 0.05 to 40000 and tails down to 1e-10; the P-III
 * frequency factor Phi against closed forms (Cs = 2 is the exponential) and
 * against two published tables of K (Bulletin 17B appendix 3, 5 decimals;
 * Soetopo, 3 decimals; tests/data/hydro_frequency/README.md) to half a unit
 * of the last printed digit; the SL 44-2006 sample of 《工程水文学》 table 9-4
 * (empirical frequencies exact, moments against a hand computation), a
 * sample with l = 1; the curve fit recovering the parameters of points placed
 * on a P-III curve; bad samples refused.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sanxiang/sx_hydro_freq.h"
#include "sanxiang/sx_table.h"

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
    double lo, hi; /* the small-Cs branch joins the gamma branch */
    assert_int_equal(sx_p3_phi(0.99e-4, 0.001, &lo), SX_OK);
    assert_int_equal(sx_p3_phi(1.01e-4, 0.001, &hi), SX_OK);
    const double z = 3.090232306167813; /* dPhi/dCs = (z^2 - 1) / 6 at Cs = 0 */
    assert_true(fabs(hi - lo - 0.02e-4 * (z * z - 1) / 6) < 1e-8);
    double x;
    assert_int_equal(sx_p3_quantile(100, 0.5, 2, 0.01, &x), SX_OK);
    assert_close(x, 100 * (1 + 0.5 * (log(100) - 1)), 1e-13);
}

/* Cells of the published K tables that are misprinted (k_tables_misprints.csv). */
typedef struct {
    char table[16];
    double p, skew, printed;
    int seen;
} misprint_t;

static int read_misprints(misprint_t *m, int cap)
{
    sx_table_t *t = NULL;
    assert_int_equal(sx_table_read_comments(SX_TEST_DATA_DIR "/hydro_frequency/k_tables_misprints.csv", '#', &t), SX_OK);
    int ct = sx_table_col(t, "table"), cp = sx_table_col(t, "exceedance"), cs = sx_table_col(t, "skew"),
        cv = sx_table_col(t, "printed");
    assert_true(ct >= 0 && cp >= 0 && cs >= 0 && cv >= 0 && t->nrow <= cap);
    for (int r = 0; r < t->nrow; r++) {
        snprintf(m[r].table, sizeof m[r].table, "%s", sx_table_at(t, r, ct));
        assert_int_equal(sx_table_num(t, r, cp, &m[r].p), SX_OK);
        assert_int_equal(sx_table_num(t, r, cs, &m[r].skew), SX_OK);
        assert_int_equal(sx_table_num(t, r, cv, &m[r].printed), SX_OK);
        m[r].seen = 0;
    }
    int n = t->nrow;
    sx_table_destroy(&t);
    return n;
}

/* Compare every cell of one published table with sx_p3_phi: within half a
 * unit of the last printed digit (decimals), except the listed misprints,
 * which must be further off than that. rows_are_p: rows are exceedance
 * probabilities and columns skews (else the other way round). Returns the
 * number of cells that matched. */
static int check_k_table(const char *name, const char *file, int rows_are_p, int decimals, misprint_t *mis, int nmis)
{
    char path[512];
    snprintf(path, sizeof path, "%s/hydro_frequency/%s", SX_TEST_DATA_DIR, file);
    sx_table_t *t = NULL;
    assert_int_equal(sx_table_read_comments(path, '#', &t), SX_OK);
    const double half = 0.5 * pow(10, -decimals) + 1e-12;
    int matched = 0;
    for (int r = 0; r < t->nrow; r++) {
        double key;
        assert_int_equal(sx_table_num(t, r, 0, &key), SX_OK);
        for (int c = 1; c < t->ncol; c++) {
            char *end;
            double col = strtod(t->head[c], &end), printed, phi;
            assert_true(*end == '\0');
            assert_int_equal(sx_table_num(t, r, c, &printed), SX_OK);
            double p = rows_are_p ? key : col, skew = rows_are_p ? col : key;
            assert_int_equal(sx_p3_phi(skew, p, &phi), SX_OK);
            misprint_t *m = NULL;
            for (int k = 0; k < nmis; k++)
                if (!strcmp(mis[k].table, name) && fabs(mis[k].p - p) < 1e-9 && fabs(mis[k].skew - skew) < 1e-9) m = &mis[k];
            if (m) {
                m->seen = 1;
                if (!(m->printed == printed && fabs(phi - printed) > half)) {
                    print_error("%s: P %g, skew %g listed as misprinted (%g) but the table has %g and K = %.7f\n", name,
                                p, skew, m->printed, printed, phi);
                    fail();
                }
            } else if (fabs(phi - printed) > half) {
                print_error("%s: K(skew %g, P %g) = %.7f, printed %.*f\n", name, skew, p, phi, decimals, printed);
                fail();
            } else {
                matched++;
            }
        }
    }
    sx_table_destroy(&t);
    return matched;
}

static void test_phi_published_tables(void **state)
{
    (void)state;
    misprint_t mis[32];
    int nmis = read_misprints(mis, 32);
    /* Bulletin 17B appendix 3: 7 exceedance rows x 181 skews (-9.0..9.0), 14 cells misprinted. */
    assert_int_equal(check_k_table("bulletin17b", "k_bulletin17b.csv", 1, 5, mis, nmis), 7 * 181 - 14);
    /* Soetopo: 61 skews (-3.0..3.0) x 12 exceedance probabilities, 2 cells rounded twice. */
    assert_int_equal(check_k_table("soetopo", "k_soetopo.csv", 0, 3, mis, nmis), 61 * 12 - 2);
    for (int k = 0; k < nmis; k++)
        if (!mis[k].seen) {
            print_error("misprint %s P %g skew %g is in no table\n", mis[k].table, mis[k].p, mis[k].skew);
            fail();
        }
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
        cmocka_unit_test(test_phi),                cmocka_unit_test(test_phi_published_tables),
        cmocka_unit_test(test_table94),
        cmocka_unit_test(test_measured_extraordinary), cmocka_unit_test(test_fit_recovers_curve),
        cmocka_unit_test(test_bad_samples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
