/*
 * test_hydro_muskingum.c — Muskingum routing against Ponce (1989) Table 9-1
 * (data/hydrology/muskingum_ponce: K = 2 d, X = 0.1, dt = 1 d; inflow peak
 * 6951 on day 7, outflow peak 6352.6 on day 9). The printed table is rounded
 * to 0.1, so MODFLOW 6's test allows 0.06; we allow the same. Also: the
 * stability band, sub-reaches and sub-steps keep outflow non-negative and
 * conserve volume; Muskingum–Cunge parameters; bad input.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "sanxiang/sx_hydro.h"

#define N 26

static void test_ponce_table(void **state)
{
    FILE *f = fopen(SX_DATA_DIR "/hydrology/muskingum_ponce/muskingum_ponce_table9-1.csv", "r");
    assert_non_null(f);
    char line[256];
    double I[N], Oref[N], O[N];
    assert_non_null(fgets(line, sizeof line, f));
    for (int i = 0; i < N; i++) {
        double t, a, b, c, k, x, dt;
        assert_non_null(fgets(line, sizeof line, f));
        assert_int_equal(sscanf(line, "%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf", &t, &I[i], &a, &b, &c, &Oref[i], &k, &x, &dt), 9);
    }
    fclose(f);
    sx_muskingum_t mk;
    assert_int_equal(sx_muskingum_plan(48, 0.1, 24, &mk), SX_OK); /* hours */
    assert_int_equal(mk.nreach, 1);
    assert_int_equal(mk.nsub, 1);
    assert_true(fabs(mk.c0 - 0.130435) < 1e-6 && fabs(mk.c1 - 0.304348) < 1e-6 && fabs(mk.c2 - 0.565217) < 1e-6);
    assert_int_equal(sx_muskingum_route(&mk, N, I, O), SX_OK);
    int ipk = 0, opk = 0;
    for (int i = 0; i < N; i++) {
        if (fabs(O[i] - Oref[i]) > 0.06) fail_msg("day %d: O = %.3f, Ponce %.1f", i, O[i], Oref[i]);
        if (I[i] > I[ipk]) ipk = i;
        if (O[i] > O[opk]) opk = i;
    }
    assert_int_equal(ipk, 7);
    assert_int_equal(opk, 9);
    assert_true(fabs(O[opk] - 6352.6) < 0.06);
    printf("Ponce Table 9-1: outflow peak %.2f m3/s on day %d\n", O[opk], opk);
}

static void test_stability_fixes(void **state)
{
    /* A sharp pulse through reaches whose plain coefficients would be
     * negative: dt < 2KX (c0 < 0) and dt > 2K(1-X) (c2 < 0). */
    double I[200], O[200];
    for (int i = 0; i < 200; i++) I[i] = i >= 5 && i < 8 ? 1000 : 10;
    const double cases[][3] = {{48, 0.4, 6}, {1, 0.2, 24}, {100, 0.5, 1}, {0.5, 0, 24}};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        sx_muskingum_t mk;
        assert_int_equal(sx_muskingum_plan(cases[c][0], cases[c][1], cases[c][2], &mk), SX_OK);
        assert_true(mk.c0 >= 0 && mk.c1 >= 0 && mk.c2 >= 0);
        assert_true(fabs(mk.c0 + mk.c1 + mk.c2 - 1) < 1e-12);
        assert_int_equal(sx_muskingum_route(&mk, 200, I, O), SX_OK);
        double vin = 0, vout = 0;
        for (int i = 0; i < 200; i++) {
            assert_true(O[i] >= 0);
            vin += I[i];
            vout += O[i];
        }
        if (fabs(vin - vout) > 1e-6 * vin) fail_msg("case %zu: volume in %g out %g", c, vin, vout);
    }
    sx_muskingum_t mk;
    assert_int_equal(sx_muskingum_plan(48, 0.4, 6, &mk), SX_OK);
    assert_true(mk.nreach > 1); /* 2KX = 38.4 > 6 */
    assert_int_equal(sx_muskingum_plan(1, 0.2, 24, &mk), SX_OK);
    assert_true(mk.nsub > 1);   /* 2K(1-X) = 1.6 < 24 */
}

static void test_cunge(void **state)
{
    double K, X;
    /* 10 km reach, c = 2 m/s, 50 m wide, S0 = 0.001, Qref = 200 m3/s:
     * K = 5000 s = 1.389 h, X = 0.5 (1 - 4 / 20) = 0.4 */
    assert_int_equal(sx_muskingum_cunge_params(10000, 2, 50, 0.001, 200, &K, &X), SX_OK);
    assert_true(fabs(K - 10000.0 / 2 / 3600) < 1e-12);
    assert_true(fabs(X - 0.4) < 1e-12);
    assert_int_equal(sx_muskingum_cunge_params(100, 2, 5, 0.0001, 2000, &K, &X), SX_OK);
    assert_true(X == 0); /* diffusion dominates: clipped */
    assert_int_equal(sx_muskingum_cunge_params(0, 2, 50, 0.001, 200, &K, &X), SX_ERR_INPUT);
}

static void test_bad_input(void **state)
{
    sx_muskingum_t mk;
    assert_int_equal(sx_muskingum_plan(0, 0.1, 1, &mk), SX_ERR_INPUT);
    assert_int_equal(sx_muskingum_plan(2, 0.6, 1, &mk), SX_ERR_INPUT);
    assert_int_equal(sx_muskingum_plan(2, 0.1, -1, &mk), SX_ERR_INPUT);
    assert_int_equal(sx_muskingum_plan(2, 0.1, 1, &mk), SX_OK);
    double I[3] = {1, NAN, 1}, O[3];
    assert_int_equal(sx_muskingum_route(&mk, 3, I, O), SX_ERR_INPUT);
    I[1] = -3;
    assert_int_equal(sx_muskingum_route(&mk, 3, I, O), SX_ERR_INPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ponce_table),
        cmocka_unit_test(test_stability_fixes),
        cmocka_unit_test(test_cunge),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
