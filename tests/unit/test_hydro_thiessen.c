/*
 * test_hydro_thiessen.c — Thiessen weights: four gauges at the centres of a
 * square's quadrants get a quarter each; an L-shaped basin gets weights
 * equal to its area shares by hand; the two-rectangle GeoJSON gives west
 * (1, 0, 0) and east (0, ½, ½); bad input is refused.
 * IDW: a 2 x 2 lattice over the square (0,0)-(2,2) with gauges A (0.5, 0.5)
 * and B (3.5, 0.5) gives, by hand, per centre w_A = 1 (on A), 4/5, 10/11,
 * 5/7 at p = 2, so w_A = 659/770; at p = 1 the same with square roots.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sanxiang/sx_hydro_io.h"

static void test_quadrants(void **state)
{
    double x[4] = {25, 75, 25, 75}, y[4] = {25, 25, 75, 75}, w[4];
    assert_int_equal(sx_hydro_thiessen_wkt("POLYGON((0 0,100 0,100 100,0 100,0 0))", 4, x, y, 200, w), SX_OK);
    for (int i = 0; i < 4; i++) assert_true(fabs(w[i] - 0.25) < 1e-12);
    /* L shape: square minus its upper-right quadrant; by hand 1/3 each for the 3 left gauges */
    assert_int_equal(sx_hydro_thiessen_wkt("POLYGON((0 0,100 0,100 50,50 50,50 100,0 100,0 0))", 4, x, y, 200, w), SX_OK);
    assert_true(fabs(w[0] - 1.0 / 3) < 1e-12 && fabs(w[1] - 1.0 / 3) < 1e-12 && fabs(w[2] - 1.0 / 3) < 1e-12);
    assert_true(w[3] == 0);
    /* a gauge outside the basin still gets the part nearest to it */
    double xo[2] = {50, 150}, yo[2] = {50, 50};
    assert_int_equal(sx_hydro_thiessen_wkt("POLYGON((0 0,120 0,120 100,0 100,0 0))", 2, xo, yo, 240, w), SX_OK);
    assert_true(fabs(w[1] - 20.0 / 120) < 1e-12);
}

static void test_layer(void **state)
{
    double x[3] = {500, 1500, 2500}, y[3] = {500, 500, 500};
    int n;
    char **ids;
    double *w;
    assert_int_equal(sx_hydro_thiessen_layer(SX_TEST_DATA_DIR "/hydro/subbasins.geojson", "id", 3, x, y, 400, &n, &ids, &w),
                     SX_OK);
    assert_int_equal(n, 2);
    assert_string_equal(ids[0], "west");
    assert_true(w[0] == 1 && w[1] == 0 && w[2] == 0);
    assert_string_equal(ids[1], "east");
    assert_true(w[3] == 0 && fabs(w[4] - 0.5) < 1e-12 && fabs(w[5] - 0.5) < 1e-12);
    for (int i = 0; i < n; i++) free(ids[i]);
    free(ids);
    free(w);
    assert_int_equal(sx_hydro_thiessen_layer(SX_TEST_DATA_DIR "/hydro/subbasins.geojson", "name", 3, x, y, 400, &n, &ids, &w),
                     SX_ERR_INPUT);
    assert_int_equal(sx_hydro_thiessen_layer(SX_TEST_DATA_DIR "/hydro/none.geojson", "id", 3, x, y, 400, &n, &ids, &w),
                     SX_ERR_IO);
    assert_int_equal(sx_hydro_thiessen_wkt("POLYGON((0 0,1 0", 3, x, y, 100, w), SX_ERR_INPUT);
    assert_int_equal(sx_hydro_thiessen_wkt("POLYGON((0 0,1 0,1 1,0 0))", 0, x, y, 100, w), SX_ERR_INPUT);
}

static void test_idw(void **state)
{
    double x[2] = {0.5, 3.5}, y[2] = {0.5, 0.5}, w[2];
    const char *sq = "POLYGON((0 0,2 0,2 2,0 2,0 0))";
    sx_hydro_weights_opts_t o = {SX_HYDRO_WEIGHTS_IDW, 2, 2};
    assert_int_equal(sx_hydro_weights_wkt(sq, &o, 2, x, y, w), SX_OK);
    assert_true(fabs(w[0] - 659.0 / 770) < 1e-14);
    assert_true(fabs(w[0] + w[1] - 1) < 1e-14);
    /* p = 1: centres (1.5,.5): 1/(1+1/2); (.5,1.5): 1/(1+1/sqrt 10); (1.5,1.5): (1/sqrt 2)/(1/sqrt 2+1/sqrt 5) */
    o.power = 1;
    double h = (1 + 2.0 / 3 + 1 / (1 + 1 / sqrt(10)) + (1 / sqrt(2)) / (1 / sqrt(2) + 1 / sqrt(5))) / 4;
    assert_int_equal(sx_hydro_weights_wkt(sq, &o, 2, x, y, w), SX_OK);
    assert_true(fabs(w[0] - h) < 1e-14);
    /* a larger power moves IDW towards Thiessen (A nearest everywhere in the square) */
    o.power = 10;
    o.grid = 200;
    double wt[2];
    assert_int_equal(sx_hydro_weights_wkt(sq, &o, 2, x, y, w), SX_OK);
    assert_int_equal(sx_hydro_thiessen_wkt(sq, 2, x, y, 200, wt), SX_OK);
    assert_true(wt[0] == 1 && w[0] > 659.0 / 770 && w[0] < 1);
    /* bad options */
    o.power = 0;
    assert_int_equal(sx_hydro_weights_wkt(sq, &o, 2, x, y, w), SX_ERR_INPUT);
    o.power = 2;
    o.grid = 1;
    assert_int_equal(sx_hydro_weights_wkt(sq, &o, 2, x, y, w), SX_ERR_INPUT);
}

static void test_gauges_read(void **state)
{
    char names[4][32];
    double x[4], y[4];
    int n = 0;
    assert_int_equal(sx_hydro_gauges_read(SX_TEST_DATA_DIR "/hydro/gauges.csv", 4, &n, names, x, y), SX_OK);
    assert_int_equal(n, 3);
    assert_string_equal(names[2], "G3");
    assert_true(x[2] == 2500 && y[2] == 500);
    assert_int_equal(sx_hydro_gauges_read(SX_TEST_DATA_DIR "/hydro/gauges.csv", 2, &n, names, x, y), SX_ERR_INPUT);
    assert_int_equal(sx_hydro_gauges_read(SX_TEST_DATA_DIR "/hydro/good_hourly.csv", 4, &n, names, x, y), SX_ERR_INPUT);
    /* a forcing table (6 rows, within max) is not read as gauges named by dates */
    char many[8][32];
    double mx[8], my[8];
    assert_int_equal(sx_hydro_gauges_read(SX_TEST_DATA_DIR "/hydro/good_hourly.csv", 8, &n, many, mx, my), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "good_hourly.csv: the header is 'time,P,E', not gauge locations; give a CSV "
                                              "with the columns id,x,y"));
    assert_int_equal(sx_hydro_gauges_read(SX_TEST_DATA_DIR "/hydro/gauges_dup.csv", 4, &n, names, x, y), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "gauges_dup.csv:4: gauge id 'G1' is used twice (also on line 2)"));
    /* columns by name in any order, a BOM, CRLF and a quoted cell with a comma */
    assert_int_equal(sx_hydro_gauges_read(SX_TEST_DATA_DIR "/hydro/gauges_reordered.csv", 4, &n, names, x, y), SX_OK);
    assert_int_equal(n, 2);
    assert_string_equal(names[1], "G2");
    assert_true(x[1] == 1500 && y[1] == 500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_quadrants), cmocka_unit_test(test_layer),
                                       cmocka_unit_test(test_idw), cmocka_unit_test(test_gauges_read)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
