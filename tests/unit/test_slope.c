/*
 * test_slope.c — Horn slope on hand-checkable grids: a tilted plane has the
 * slope atan(|gradient|) everywhere inside; edges and nodata neighbours give
 * nodata; on a geographic grid the metric cell width shrinks with cos(lat).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "sanxiang/sx_dem.h"

#define NX 6
#define NY 5

static void plane(double *z, double dx, double dy, double a, double b)
{
    for (int j = 0; j < NY; j++)
        for (int i = 0; i < NX; i++) z[j * NX + i] = a * i * dx - b * j * dy; /* rows go south */
}

static void test_plane_projected(void **state)
{
    sx_grid_t g = {.nx = NX, .ny = NY, .gt = {0, 30, 0, 0, 0, -30}};
    double z[NX * NY];
    float s[NX * NY];
    plane(z, 30, 30, 0.3, 0.4); /* |gradient| = 0.5 */
    sx_window_t w = {0, 0, NX, NY};
    assert_int_equal(sx_dem_slope_block(&g, w, w, z, s, SX_SLOPE_DEGREE, 1.0), SX_OK);
    for (int j = 0; j < NY; j++)
        for (int i = 0; i < NX; i++) {
            float v = s[j * NX + i];
            if (i == 0 || j == 0 || i == NX - 1 || j == NY - 1) assert_true(v == SX_SLOPE_NODATA);
            else assert_true(fabs(v - atan(0.5) * 180 / M_PI) < 1e-4);
        }
    assert_int_equal(sx_dem_slope_block(&g, w, w, z, s, SX_SLOPE_PERCENT, 2.0), SX_OK);
    assert_true(fabs(s[2 * NX + 2] - 100.0) < 1e-3); /* 2 x 0.5 = 100 % */
    z[2 * NX + 3] = NAN;
    assert_int_equal(sx_dem_slope_block(&g, w, w, z, s, SX_SLOPE_DEGREE, 1.0), SX_OK);
    assert_true(s[2 * NX + 2] == SX_SLOPE_NODATA); /* neighbour of the NaN */
    assert_true(s[1 * NX + 1] != SX_SLOPE_NODATA); /* out of its reach */
}

static void test_geographic_scale(void **state)
{
    /* A 45-degree ramp to the east on a 1-arcsecond grid at 60 N: the cell is
     * R * dlon * cos(60) metres wide, so z rising by that much per cell gives
     * exactly 45 degrees. */
    const double d = 1.0 / 3600, lat0 = 60.0 + 2.5 * d;
    sx_grid_t g = {.nx = NX, .ny = NY, .gt = {10, d, 0, lat0, 0, -d}, .wkt = "GEOGCS[\"WGS 84\"]"};
    double z[NX * NY];
    float s[NX * NY];
    double row_lat = (lat0 - 2.5 * d) * M_PI / 180; /* centre of row 2 */
    double cell = SX_EARTH_RADIUS_M * d * M_PI / 180 * cos(row_lat);
    for (int j = 0; j < NY; j++)
        for (int i = 0; i < NX; i++) z[j * NX + i] = i * cell;
    sx_window_t w = {0, 0, NX, NY};
    assert_int_equal(sx_dem_slope_block(&g, w, w, z, s, SX_SLOPE_DEGREE, 1.0), SX_OK);
    assert_true(fabs(s[2 * NX + 2] - 45.0) < 1e-4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plane_projected),
        cmocka_unit_test(test_geographic_scale),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
