/*
 * test_hydro_rating.c — rating curves, outlet structures and signal grades by
 * hand: a two-segment power law inverted in closed form (20 (h - 30)^1.6 at
 * 34 m is 183.79 m3/s) and round-tripped, a discharge in the jump at a
 * breakpoint placed on the breakpoint, a rating table of the published
 * Xiangtan (湘潭) readings (40.55 m <-> 18500, 40.77 m <-> 19400 m3/s;
 * tests/data/hydro_dispatch/hunan) interpolated and never extrapolated, a
 * non-monotonic table refused by its line; the weir, gate and outlet
 * formulas; and the 水情预警 grades at the published Changsha (长沙)
 * thresholds (警戒 36.00, 保证 38.37, historical maximum 39.51 m).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sanxiang/sx_hydro_stations.h"

static sx_rating_t two_segments(void)
{
    sx_rating_t r;
    memset(&r, 0, sizeof r);
    snprintf(r.source, sizeof r.source, "test");
    r.nseg = 2;
    r.from[0] = 30, r.a[0] = 20, r.b[0] = 30, r.c[0] = 1.6;
    r.from[1] = 38, r.a[1] = 35, r.b[1] = 31, r.c[1] = 1.45;
    return r;
}

static void test_power_law(void **state)
{
    (void)state;
    sx_rating_t r = two_segments();
    assert_int_equal(sx_rating_check(&r), SX_OK);
    assert_true(fabs(sx_rating_discharge(&r, 34) - 20 * pow(4, 1.6)) < 1e-9);
    double h;
    assert_int_equal(sx_rating_level(&r, 20 * pow(4, 1.6), "t", &h), SX_OK);
    assert_true(fabs(h - 34) < 1e-12);
    for (double z = 30.5; z < 45; z += 0.37) { /* round trip in both segments */
        assert_int_equal(sx_rating_level(&r, sx_rating_discharge(&r, z), "t", &h), SX_OK);
        assert_true(fabs(h - z) < 1e-9);
    }
    /* 20 * 8^1.6 = 557.2 < 35 * 7^1.45 = 588.0: a discharge in between lies on the breakpoint */
    assert_int_equal(sx_rating_level(&r, 570, "t", &h), SX_OK);
    assert_true(h == 38);
    r.a[1] = 10; /* the upper segment starts below the lower one's end: not monotonic */
    assert_int_equal(sx_rating_check(&r), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "at the breakpoint 38 m segment 1 gives 557.152"));
}

static void test_table(void **state)
{
    (void)state;
    const char *p = SX_TEST_OUT "/rating_xiangtan.csv", *bad = SX_TEST_OUT "/rating_bad.csv";
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("# Xiangtan, published readings (hunan/stage_discharge_observations.csv)\nlevel,discharge\n"
          "40.55,18500\n40.77,19400\n", f);
    fclose(f);
    sx_rating_t r;
    assert_int_equal(sx_rating_read_table(p, &r), SX_OK);
    double h;
    assert_int_equal(sx_rating_level(&r, 18950, "t", &h), SX_OK);
    assert_true(fabs(h - 40.66) < 1e-12);
    assert_int_equal(sx_rating_level(&r, 20000, "station 'xt'", &h), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "station 'xt': discharge 20000 m3/s is outside the rating table"));
    sx_rating_fini(&r);
    f = fopen(bad, "w");
    fputs("level,discharge\n37,300\n38,600\n39,500\n", f);
    fclose(f);
    assert_int_equal(sx_rating_read_table(bad, &r), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "rating_bad.csv:4: level 39, discharge 500 do not both rise"));
}

static void test_structures(void **state)
{
    (void)state;
    const double g2 = sqrt(2 * 9.81);
    sx_reservoir_structure_t s[3] = {
        {SX_RESERVOIR_WEIR, 2, 100, 30, 0, INFINITY, 0.45, 0},
        {SX_RESERVOIR_GATE, 3, 96, 10, 0, 3, 0.38, 0.6},
        {SX_RESERVOIR_OUTLET, 2, 80, 0, 12, 0, 0, 0.8},
    };
    /* at 104 m: weir H = 4; gate H = 8, e/H = 0.375 <= 0.65: orifice; outlet dH = 24 */
    const double want = 0.45 * 60 * g2 * 8 + 0.6 * 3 * 10 * 3 * sqrt(2 * 9.81 * 8) + 0.8 * 2 * 12 * sqrt(2 * 9.81 * 24);
    assert_true(fabs(sx_reservoir_structures_q(s, 3, 104) - want) < 1e-9);
    /* at 99 m the gate (H = 3, e/H = 1 > 0.65) passes weir flow and the weir nothing */
    assert_true(fabs(sx_reservoir_structures_q(s, 2, 99) - 0.38 * 30 * g2 * pow(3, 1.5)) < 1e-9);
    assert_true(sx_reservoir_structures_q(s, 3, 79) == 0);
}

static void test_grades(void **state)
{
    (void)state;
    sx_hydro_station_t s;
    memset(&s, 0, sizeof s);
    s.z_warn = 36.00, s.z_guar = 38.37, s.z_hist = 39.51, s.approach = 0.5; /* Changsha, published */
    s.q5 = s.q20 = s.q50 = NAN;
    assert_int_equal(sx_hydro_signal_grade(&s, 35.4, 0), SX_SIGNAL_NONE);
    assert_int_equal(sx_hydro_signal_grade(&s, 35.5, 0), SX_SIGNAL_BLUE);
    assert_int_equal(sx_hydro_signal_grade(&s, 36.01, 0), SX_SIGNAL_YELLOW);
    assert_int_equal(sx_hydro_signal_grade(&s, 38.5, 0), SX_SIGNAL_ORANGE);
    assert_int_equal(sx_hydro_signal_grade(&s, 39.52, 0), SX_SIGNAL_RED);
    s.q5 = 14000, s.q20 = 18000, s.q50 = 21000; /* a 20-year discharge grades orange at any level */
    assert_int_equal(sx_hydro_signal_grade(&s, 30, 18000), SX_SIGNAL_ORANGE);
    assert_string_equal(sx_signal_name(SX_SIGNAL_RED), "red");
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_power_law), cmocka_unit_test(test_table),
                                       cmocka_unit_test(test_structures), cmocka_unit_test(test_grades)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
