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


/* ---- operating rules, each checked by hand ----------------------------------------------------
 * The pool: 1e6 m3 per metre from level 100 (S = 1e6 (Z - 100)), outlet capacity 500 (Z - 100) m3/s
 * up to 110 m; dt = 1 h. Rules: flood-limit level 102, flood-control high level 106, safe discharge
 * 300 m3/s, stages {102: 100 m3/s, 103: 300 m3/s}. */
#define DT 3600.0
static void pool(sx_reservoir_curves_t *c)
{
    double z[11], s[11], q[11];
    for (int i = 0; i < 11; i++) z[i] = 100 + i, s[i] = 1e6 * i, q[i] = 500.0 * i;
    assert_int_equal(sx_reservoir_curves_init(c, 11, z, s, q, NULL, "pool"), SX_OK);
}

static sx_reservoir_rules_t pool_rules(void)
{
    sx_reservoir_rules_t r = {102, 106, 300, 2, {102, 103}, {100, 300}, INFINITY};
    return r;
}

static void test_rules_flood(void **state)
{
    (void)state;
    sx_reservoir_curves_t c;
    pool(&c);
    sx_reservoir_rules_t r = pool_rules();
    double I[6] = {50, 1000, 1000, 1000, 1000, 1000}, O[6], S[6], Z[6];
    sx_reservoir_rule_t rule[6];
    assert_int_equal(sx_reservoir_operate(&c, &r, DT, 6, I, NULL, 2e6, NULL, O, S, Z, rule), SX_OK);
    /* t0: at the flood-limit level the release is the inflow, 50 (below the stage's 100) */
    assert_true(O[0] == 50 && rule[0] == SX_RESERVOIR_RULE_INFLOW);
    /* t1: from 102 m the stage allows 100: S = 2e6 + 1800 (50 + 1000 - 50 - 100) = 3.62e6, Z = 103.62 */
    assert_true(O[1] == 100 && rule[1] == SX_RESERVOIR_RULE_STAGE);
    assert_true(fabs(S[1] - 3.62e6) < 1e-6 && fabs(Z[1] - 103.62) < 1e-12);
    /* t2: from 103.62 m the safe discharge 300: S = 3.62e6 + 1800 (2000 - 100 - 300) = 6.5e6 */
    assert_true(O[2] == 300 && rule[2] == SX_RESERVOIR_RULE_SAFE && fabs(S[2] - 6.5e6) < 1e-6);
    /* t3: from 106.5 m, above the high level: free outlets, 2S/dt + 500 S/1e6 = 2000 + 2 6.5e6/3600 - 300 */
    const double rhs = 2000 + 2 * 6.5e6 / DT - 300, s3 = rhs / (2 / DT + 5e-4);
    assert_true(rule[3] == SX_RESERVOIR_RULE_HIGH && fabs(S[3] - s3) < 1e-6 && fabs(O[3] - 5e-4 * s3) < 1e-9);
    /* below the high level the release never exceeds the safe discharge */
    for (int j = 0; j < 6; j++)
        if (Z[j > 0 ? j - 1 : 0] < 106) assert_true(O[j] <= 300);
    assert_true(balance(DT, 6, I, O, S) < 1e-14);
    sx_reservoir_curves_fini(&c);
}

static void test_rules_return_and_hold(void **state)
{
    (void)state;
    sx_reservoir_curves_t c;
    pool(&c);
    sx_reservoir_rules_t r = pool_rules();
    r.nstage = 0; /* the safe discharge alone */
    /* from 104 m (S = 4e6) releasing 300 with no inflow: 4e6 - 1800 (300 + 300) = 2.92e6, then the
     * release that lands on 102 m: 2e6 = 2.92e6 - 1800 (300 + R) -> R = 211.11..., then inflow held */
    double I[5] = {0, 0, 0, 40, 40}, O[5], S[5], Z[5];
    sx_reservoir_rule_t rule[5];
    const double rel[5] = {300, NAN, NAN, NAN, NAN};
    assert_int_equal(sx_reservoir_operate(&c, &r, DT, 5, I, rel, 4e6, NULL, O, S, Z, rule), SX_OK);
    assert_true(rule[0] == SX_RESERVOIR_RULE_SPECIFIED && O[0] == 300);
    assert_true(rule[1] == SX_RESERVOIR_RULE_SAFE && O[1] == 300 && fabs(S[1] - 2.92e6) < 1e-6);
    assert_true(rule[2] == SX_RESERVOIR_RULE_RETURN && fabs(O[2] - (920000.0 / 1800 - 300)) < 1e-9);
    assert_true(fabs(Z[2] - 102) < 1e-12);
    /* at 102 m with inflow 0 -> 40: release = inflow would leave the level below 102 (the last
     * release 211 drew it down): the return rule keeps it on 102: R = 0 + 40 - 211.1 + 0 < 0 -> 0 */
    assert_true(rule[3] == SX_RESERVOIR_RULE_RETURN && O[3] == 0);
    assert_true(balance(DT, 5, I, O, S) < 1e-14);
    sx_reservoir_curves_fini(&c);
}

static void test_rules_specified_and_ramp(void **state)
{
    (void)state;
    sx_reservoir_curves_t c;
    pool(&c);
    sx_reservoir_rules_t r = pool_rules();
    r.ramp = 10.0 / 3600; /* 10 m3/s per hour */
    double I[5] = {50, 200, 200, 200, 200}, O[5], S[5], Z[5];
    sx_reservoir_rule_t rule[5];
    double rel[5] = {NAN, NAN, NAN, 20, NAN};
    assert_int_equal(sx_reservoir_operate(&c, &r, DT, 5, I, rel, 2e6, NULL, O, S, Z, rule), SX_OK);
    /* the stage allows 100 but the release may rise by 10 an hour: 50, 60, 70; the order of 20 at t3
     * overrides; then from 103.296 m (S = 2e6 + 1800 (140 + 270 + 310)) the safe 300, ramped to 30 */
    assert_true(O[1] == 60 && O[2] == 70 && rule[1] == SX_RESERVOIR_RULE_RAMP && rule[2] == SX_RESERVOIR_RULE_RAMP);
    assert_true(O[3] == 20 && rule[3] == SX_RESERVOIR_RULE_SPECIFIED);
    assert_true(O[4] == 30 && rule[4] == SX_RESERVOIR_RULE_RAMP && fabs(S[3] - 3.296e6) < 1e-6);
    assert_true(balance(DT, 5, I, O, S) < 1e-14);
    /* an order the outlets cannot pass (5000 m3/s, about 1200 at 102.7 m): they run free */
    rel[3] = 5000;
    assert_int_equal(sx_reservoir_operate(&c, &r, DT, 5, I, rel, 2e6, NULL, O, S, Z, rule), SX_OK);
    assert_true(rule[3] == SX_RESERVOIR_RULE_CAPACITY && fabs(O[3] - 5e-4 * S[3]) < 1e-9 && O[3] < 5000);
    sx_reservoir_curves_fini(&c);
}

static void test_rules_refused(void **state)
{
    (void)state;
    sx_reservoir_curves_t c;
    pool(&c);
    sx_reservoir_rules_t r = pool_rules();
    r.z_limit = 107; /* 汛限水位 above 防洪高水位 */
    assert_int_equal(sx_reservoir_rules_check(&r, &c, "rules.yaml"), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "rules.yaml: flood_limit_level 107 m is not below "
                                             "flood_control_high_level 106 m"));
    r = pool_rules();
    r.stage_q[0] = 400;
    assert_int_equal(sx_reservoir_rules_check(&r, &c, "rules.yaml"), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "rules.yaml: stages[0].max_release 400 m3/s exceeds safe_discharge 300"));
    r = pool_rules();
    r.z_high = 111;
    assert_int_equal(sx_reservoir_rules_check(&r, &c, "rules.yaml"), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "rules.yaml: flood_control_high_level: level 111 m is outside the curve"));
    r = pool_rules();
    r.stage_z[1] = 101;
    assert_int_equal(sx_reservoir_rules_check(&r, &c, "rules.yaml"), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "stages[1].level 101 m does not rise above stages[0].level 102 m"));
    sx_reservoir_curves_fini(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ponce_linear),
        cmocka_unit_test(test_hand_step),
        cmocka_unit_test(test_rfar_balance),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_rules_flood),
        cmocka_unit_test(test_rules_return_and_hold),
        cmocka_unit_test(test_rules_specified_and_ramp),
        cmocka_unit_test(test_rules_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
