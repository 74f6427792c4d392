/*
 * test_hydro_reservoir.c — level-pool routing (storage indication) against
 * V. M. Ponce's published sample problem onlinerouting02 (linear reservoir
 * S = K O, K = 2 h, dt = 1 h; data/hydrology/reservoir_routing/
 * sdsu_linear_reservoir), a step worked by hand on a nonlinear table, the
 * water balance to round-off on every case (also on the USACE RMC rfaR
 * reservoir tables with their inflows), and the refusals: non-monotonic
 * curves by row, levels and storages outside the curve, an overtopped curve.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sanxiang/sx_hydro_reservoir.h"

#define RR SX_DATA_DIR "/hydrology/reservoir_routing/"

/* Relative water-balance residual of a routed series. */
static double balance(double dt, int64_t n, const double *I, const double *O, const double *S)
{
    double vin, vout, ds;
    sx_reservoir_balance(dt, n, I, O, S, &vin, &vout, &ds);
    return fabs(vin - vout - ds) / fmax(fmax(vin, vout), fabs(S[0]) + fabs(S[n - 1]));
}

/* Outflow column of Ponce's onlinerouting02 sample output (t = 0..25 h), as printed (3 decimals). */
static const double ponce_out[26] = {100,     110,     146,     217.6,   370.56,  582.336, 729.402,
                                     757.641, 704.585, 612.751, 507.65,  414.59,  338.754, 273.252,
                                     217.951, 174.771, 144.863, 126.918, 116.151, 109.69,  105.814,
                                     103.489, 102.093, 101.256, 100.754, 100.452};

static void test_ponce_linear(void **state)
{
    (void)state;
    double I[26];
    FILE *f = fopen(RR "sdsu_linear_reservoir/sdsu_onlinerouting02_inflow.csv", "r");
    assert_non_null(f);
    char line[128];
    assert_non_null(fgets(line, sizeof line, f));
    for (int i = 0; i < 16; i++) {
        int k, t;
        assert_non_null(fgets(line, sizeof line, f));
        assert_int_equal(sscanf(line, "%d,%d,%lf", &k, &t, &I[i]), 3);
    }
    fclose(f);
    for (int i = 16; i < 26; i++) I[i] = 100; /* the page holds the last ordinate to t = 25 h */
    /* S = K O with K = 7200 s: any increasing level; the table spans the outflows */
    double z[11], s[11], q[11];
    for (int i = 0; i < 11; i++) z[i] = 100 + i, q[i] = 100.0 * i, s[i] = 7200 * q[i];
    sx_reservoir_curves_t c;
    assert_int_equal(sx_reservoir_curves_init(&c, 11, z, s, q, NULL, "linear"), SX_OK);
    double s0, O[26], S[26], Z[26];
    assert_int_equal(sx_reservoir_storage_steady(&c, I[0], &s0), SX_OK); /* outflow = inflow */
    assert_true(fabs(s0 - 720000) < 1e-6);
    assert_int_equal(sx_reservoir_route(&c, 3600, 26, I, s0, NULL, O, S, Z), SX_OK);
    for (int i = 0; i < 26; i++)
        if (fabs(O[i] - ponce_out[i]) > 0.0005 + 1e-9)
            fail_msg("t = %d h: O = %.6f, Ponce %.3f", i, O[i], ponce_out[i]);
    assert_true(fabs(Z[7] - (100 + O[7] / 100)) < 1e-9);
    double r = balance(3600, 26, I, O, S);
    printf("onlinerouting02: peak %.3f at 7 h (Ponce 757.641); balance residual %.1e\n", O[7], r);
    assert_true(r < 1e-14);
    sx_reservoir_curves_fini(&c);
}

/* One step by hand: rows (z, s, q) = (100, 0, 0), (101, 36000, 10), (102, 108000, 50), dt = 1 h, so
 * SI = 2S/dt + O = 0, 30, 110. From S = 0 with I = 0 -> 40: SI2 = 0 + 40 + 0 - 0 = 40, a tenth of
 * the way... (40 - 30)/(110 - 30) = 0.125 along the second segment: S = 45000, O = 15, Z = 101.125,
 * and 45000 = 3600 (0 + 40 - 0 - 15)/2. */
static void test_hand_step(void **state)
{
    (void)state;
    const double z[] = {100, 101, 102}, s[] = {0, 36000, 108000}, q[] = {0, 10, 50}, I[] = {0, 40};
    sx_reservoir_curves_t c;
    assert_int_equal(sx_reservoir_curves_init(&c, 3, z, s, q, NULL, NULL), SX_OK);
    double O[2], S[2], Z[2];
    assert_int_equal(sx_reservoir_route(&c, 3600, 2, I, 0, NULL, O, S, Z), SX_OK);
    assert_true(fabs(S[1] - 45000) < 1e-9 && fabs(O[1] - 15) < 1e-12 && fabs(Z[1] - 101.125) < 1e-12);
    double st;
    assert_int_equal(sx_reservoir_storage_at(&c, 101.5, "level", &st), SX_OK);
    assert_true(fabs(st - 72000) < 1e-9);
    /* steady state: the lowest storage whose capacity is the inflow; 0 on a zero-outflow floor */
    assert_int_equal(sx_reservoir_storage_steady(&c, 30, &st), SX_OK);
    assert_true(fabs(st - 72000) < 1e-9);
    assert_int_equal(sx_reservoir_storage_steady(&c, 0, &st), SX_OK);
    assert_true(st == 0);
    sx_reservoir_curves_fini(&c);
}

/* Rows of a CSV with a header: the first two numbers of each line (and the third into c when c is
 * not NULL); with tag, only the rows whose third field is tag. */
static int read_rows(const char *path, int max, double *a, double *b, double *c, const char *tag)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[256];
    int n = 0;
    if (!fgets(line, sizeof line, f)) n = -1;
    while (n >= 0 && n < max && fgets(line, sizeof line, f)) {
        char *p = line, *end;
        double v[3];
        for (int k = 0; k < 3; k++, p = end + (*end == ',')) v[k] = strtod(p, &end);
        if (tag && strncmp(strrchr(line, ',') + 1, tag, strlen(tag))) continue;
        a[n] = v[0], b[n] = v[1];
        if (c) c[n] = v[2];
        n++;
    }
    fclose(f);
    return n;
}

static void test_rfar_balance(void **state)
{
    (void)state;
    static double z[200], s[200], q[200], t[1000], I[1000], O[1000], S[1000], Z[1000];
    int m = read_rows(RR "rfar_jmd_may1955/jmd_resmodel_best_est.csv", 200, z, s, q, NULL);
    assert_true(m > 100);
    for (int i = 0; i < m; i++) z[i] *= 0.3048, s[i] *= 1233.48183754752, q[i] *= 0.028316846592;
    int n = read_rows(RR "rfar_jmd_may1955/jmd_may1955_scaled_inflow.csv", 1000, t, I, NULL, "1x\n");
    assert_true(n == 241);
    for (int j = 0; j < n; j++) I[j] *= 0.028316846592;
    sx_reservoir_curves_t c;
    assert_int_equal(sx_reservoir_curves_init(&c, m, z, s, q, NULL, "jmd"), SX_OK);
    double s0;
    assert_int_equal(sx_reservoir_storage_at(&c, 3830.0 * 0.3048, "initial level", &s0), SX_OK);
    assert_int_equal(sx_reservoir_route(&c, 3600, n, I, s0, NULL, O, S, Z), SX_OK);
    double r = balance(3600, n, I, O, S), pk = 0, zmax = 0;
    for (int j = 0; j < n; j++) pk = fmax(pk, O[j]), zmax = fmax(zmax, Z[j]);
    printf("JMD May 1955 (1x): outflow peak %.2f m3/s, top level %.3f m; balance residual %.1e\n", pk, zmax, r);
    assert_true(r < 1e-13);
    for (int j = 0; j < n; j++) assert_true(O[j] >= 0 && Z[j] >= z[0] && Z[j] <= z[m - 1]);
    sx_reservoir_curves_fini(&c);
}

static void test_refusals(void **state)
{
    (void)state;
    sx_reservoir_curves_t c;
    const double z[] = {100, 101, 102, 103}, s[] = {0, 10, 9, 20}, q[] = {0, 1, 2, 1};
    const int line[] = {2, 3, 4, 5};
    assert_int_equal(sx_reservoir_curves_init(&c, 4, z, s, q, line, "c.csv"), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "c.csv:4: storage 9 does not rise above 10 (c.csv:3)"));
    const double s2[] = {0, 10, 15, 20};
    assert_int_equal(sx_reservoir_curves_init(&c, 4, z, s2, q, line, "c.csv"), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "c.csv:5: outflow 1 is below 2"));
    const double z2[] = {100, 101, 101, 103};
    assert_int_equal(sx_reservoir_curves_init(&c, 4, z2, s2, q, NULL, "c.csv"), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "c.csv row 3: level 101 does not rise"));
    const double q2[] = {0, 1, 2, 3};
    assert_int_equal(sx_reservoir_curves_init(&c, 1, z, s2, q2, NULL, NULL), SX_ERR_INPUT);
    assert_int_equal(sx_reservoir_curves_init(&c, 4, z, s2, q2, line, "c.csv"), SX_OK);
    double st, O[3], S[3], Z[3];
    assert_int_equal(sx_reservoir_storage_at(&c, 99.5, "--initial-level", &st), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "--initial-level: level 99.5 m is outside the curve c.csv (100 .. 103"));
    assert_int_equal(sx_reservoir_storage_check(&c, 21, "--initial-storage"), SX_ERR_INPUT);
    assert_int_equal(sx_reservoir_storage_steady(&c, 4, &st), SX_ERR_INPUT);
    /* SI at the top: 2*20/1 + 3 = 43; a pulse of 100 overtops the table at step 1 */
    const double I[] = {0, 100, 0};
    assert_int_equal(sx_reservoir_route(&c, 1, 3, I, 0, NULL, O, S, Z), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "step 1: the reservoir would rise above the top of the curve c.csv "
                                              "(level 103 m, line 5)"));
    const double Ineg[] = {0, -1, 0};
    assert_int_equal(sx_reservoir_route(&c, 1, 3, Ineg, 0, NULL, O, S, Z), SX_ERR_INPUT);
    sx_reservoir_curves_fini(&c);
    /* an outlet that runs at 5 m3/s even when empty, over a long step: the pool would drain below its bottom */
    const double zb[] = {0, 1}, sb[] = {0, 1}, qb[] = {5, 6}, Ib[] = {0, 0};
    assert_int_equal(sx_reservoir_curves_init(&c, 2, zb, sb, qb, NULL, "b"), SX_OK);
    assert_int_equal(sx_reservoir_route(&c, 3600, 2, Ib, 1, NULL, O, S, Z), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "would fall below the bottom of the curve b"));
    sx_reservoir_curves_fini(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ponce_linear),
        cmocka_unit_test(test_hand_step),
        cmocka_unit_test(test_rfar_balance),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
