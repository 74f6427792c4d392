/*
 * test_terrain.c — the fused terrain products on hand-checkable surfaces:
 *  - curvatures (Zevenbergen & Thorne 1987, ArcGIS signs, x 100) on
 *    quadratics z = a x^2 + b y^2 + c x y + d x + e y, where the 3 x 3
 *    differences are exact: D = a, E = b, F = c, G = 2 a x + c y + d,
 *    H = 2 b y + c x + e at each cell; a dome is convex (curvature > 0,
 *    profile < 0);
 *  - aspect of planes falling east, north, south-west (90, 0, 225 degrees);
 *    hillshade of a flat cell 1 + 254 sin(45 deg) rounded (181), of a slope
 *    facing the light brighter than one facing away;
 *  - TPI, TRI (Riley) and roughness of one worked window;
 *  - TWI on a plane: ln(acc x cell / tan(slope)), nodata where flat;
 *  - asking for all products at once gives each the value it has alone.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sanxiang/sx_dem.h"

enum { N = 9, C = 4 };
static const double L = 10.0;

static sx_grid_t grid(void) { return (sx_grid_t){.nx = N, .ny = N, .gt = {0, L, 0, 0, 0, -L}}; }

/* x east and y north of cell (i, j), from the centre cell */
static double X(int i) { return (i - C) * L; }
static double Y(int j) { return (C - j) * L; }

static void quadratic(double *z, double a, double b, double c, double d, double e)
{
    for (int j = 0; j < N; j++)
        for (int i = 0; i < N; i++) {
            double x = X(i), y = Y(j);
            z[j * N + i] = 500 + a * x * x + b * y * y + c * x * y + d * x + e * y;
        }
}

static void run(const double *z, const sx_terrain_opts_t *o, float *out[SX_TERRAIN_NPRODUCTS], uint8_t *hs,
                const double *acc)
{
    sx_grid_t g = grid();
    sx_window_t w = {0, 0, N, N};
    assert_int_equal(sx_dem_terrain_block(&g, w, w, z, o, out, hs, acc), SX_OK);
}

static void test_curvature_quadratics(void **state)
{
    (void)state;
    const double q[][5] = {{-0.01, -0.01, 0, 0.3, 0.1}, {0.02, -0.005, 0.004, -0.2, 0.5}, {0, 0.01, -0.003, 0.1, 0}};
    double z[N * N];
    float curv[N * N], prof[N * N], plan[N * N];
    float *out[SX_TERRAIN_NPRODUCTS] = {[SX_TERRAIN_CURVATURE] = curv, [SX_TERRAIN_PROFILE_CURVATURE] = prof,
                                        [SX_TERRAIN_PLAN_CURVATURE] = plan};
    sx_terrain_opts_t o = {.z_factor = 1};
    for (size_t s = 0; s < sizeof q / sizeof *q; s++) {
        double a = q[s][0], b = q[s][1], c = q[s][2], d = q[s][3], e = q[s][4];
        quadratic(z, a, b, c, d, e);
        run(z, &o, out, NULL, NULL);
        for (int j = 1; j < N - 1; j++)
            for (int i = 1; i < N - 1; i++) {
                double G = 2 * a * X(i) + c * Y(j) + d, H = 2 * b * Y(j) + c * X(i) + e, g2 = G * G + H * H;
                double wc = -200 * (a + b);
                double wp = 200 * (a * G * G + b * H * H + c * G * H) / g2;
                double wq = -200 * (a * H * H + b * G * G - c * G * H) / g2;
                int k = j * N + i;
                if (fabs(curv[k] - wc) > 1e-5 * fabs(wc) + 1e-6 || fabs(prof[k] - wp) > 1e-5 * fabs(wp) + 1e-6 ||
                    fabs(plan[k] - wq) > 1e-5 * fabs(wq) + 1e-6)
                    fail_msg("surface %zu cell (%d, %d): curvature %g/%g profile %g/%g plan %g/%g", s, i, j, curv[k], wc,
                             prof[k], wp, plan[k], wq);
                /* ArcGIS: curvature = plan - profile */
                assert_true(fabs(curv[k] - (plan[k] - prof[k])) < 1e-4 * (fabs(curv[k]) + 1));
            }
        assert_true(curv[0] == SX_TERRAIN_NODATA && prof[N - 1] == SX_TERRAIN_NODATA);
    }
    /* the dome: convex everywhere */
    quadratic(z, -0.01, -0.01, 0, 0.3, 0.1);
    run(z, &o, out, NULL, NULL);
    assert_true(curv[C * N + C] > 0 && prof[C * N + C] < 0 && plan[C * N + C] > 0);
}

static void test_aspect_hillshade(void **state)
{
    (void)state;
    double z[N * N];
    float asp[N * N];
    uint8_t hs[N * N];
    float *out[SX_TERRAIN_NPRODUCTS] = {[SX_TERRAIN_ASPECT] = asp};
    sx_terrain_opts_t o = {.z_factor = 1};
    const struct {
        double d, e, aspect;
    } planes[] = {{-0.5, 0, 90}, {0, -0.5, 0}, {0.3, 0.3, 225}, {0, 0.4, 180}};
    for (size_t s = 0; s < sizeof planes / sizeof *planes; s++) {
        quadratic(z, 0, 0, 0, planes[s].d, planes[s].e); /* falls towards -(d, e) */
        run(z, &o, out, hs, NULL);
        if (fabs(asp[C * N + C] - planes[s].aspect) > 1e-4)
            fail_msg("plane %zu: aspect %g, expected %g", s, asp[C * N + C], planes[s].aspect);
    }
    quadratic(z, 0, 0, 0, 0, 0);
    run(z, &o, out, hs, NULL);
    assert_true(asp[C * N + C] == SX_TERRAIN_NODATA); /* flat */
    assert_int_equal(hs[C * N + C], 181);              /* 1 + 254 sin 45 = 180.6 */
    assert_int_equal(hs[0], 0);                        /* edge */
    quadratic(z, 0, 0, 0, 0.5, -0.5); /* falls towards the north-west, facing the light (azimuth 315) */
    run(z, &o, out, hs, NULL);
    uint8_t lit = hs[C * N + C];
    quadratic(z, 0, 0, 0, -0.5, 0.5); /* facing away */
    run(z, &o, out, hs, NULL);
    assert_true(lit > 181 && hs[C * N + C] < 181);
}

static void test_tpi_tri_roughness(void **state)
{
    (void)state;
    double z[N * N];
    for (int k = 0; k < N * N; k++) z[k] = 100;
    /* the window around the centre: 1..9 row by row, centre 5 */
    for (int dj = -1; dj <= 1; dj++)
        for (int di = -1; di <= 1; di++) z[(C + dj) * N + C + di] = 5 + di + 3 * dj;
    float tpi[N * N], tri[N * N], rough[N * N];
    float *out[SX_TERRAIN_NPRODUCTS] = {[SX_TERRAIN_TPI] = tpi, [SX_TERRAIN_TRI] = tri, [SX_TERRAIN_ROUGHNESS] = rough};
    sx_terrain_opts_t o = {.z_factor = 1};
    run(z, &o, out, NULL, NULL);
    int k = C * N + C;
    assert_true(tpi[k] == 0);                            /* 5 - mean(1,2,3,4,6,7,8,9) */
    assert_true(fabs(tri[k] - sqrt(60.0)) < 1e-5);       /* 16+9+4+1+1+4+9+16 */
    assert_true(rough[k] == 8);                          /* 9 - 1 */
    assert_true(fabs(tpi[k - 2] - (100 - (100 * 5 + 1 + 4 + 7) / 8.0)) < 1e-4); /* west of the window */
}

static void test_twi(void **state)
{
    (void)state;
    double z[N * N], acc[N * N];
    float twi[N * N], slope[N * N];
    quadratic(z, 0, 0, 0, -0.2, 0); /* tan(slope) = 0.2 */
    for (int j = 0; j < N; j++)
        for (int i = 0; i < N; i++) acc[j * N + i] = 1 + i;
    float *out[SX_TERRAIN_NPRODUCTS] = {[SX_TERRAIN_TWI] = twi, [SX_TERRAIN_SLOPE] = slope};
    sx_terrain_opts_t o = {.z_factor = 1};
    run(z, &o, out, NULL, acc);
    for (int i = 1; i < N - 1; i++) {
        double want = log((1 + i) * L / 0.2);
        if (fabs(twi[C * N + i] - want) > 1e-5) fail_msg("column %d: twi %g, expected %g", i, twi[C * N + i], want);
    }
    quadratic(z, 0, 0, 0, 0, 0);
    run(z, &o, out, NULL, acc);
    assert_true(twi[C * N + C] == SX_TERRAIN_NODATA); /* flat: no slope, as TauDEM */
}

static void test_all_at_once(void **state)
{
    (void)state;
    double z[N * N], acc[N * N];
    quadratic(z, 0.02, -0.005, 0.004, -0.2, 0.5);
    for (int k = 0; k < N * N; k++) acc[k] = 1 + k % 7;
    float all[SX_TERRAIN_NPRODUCTS][N * N], one[N * N];
    uint8_t hs[N * N], hs1[N * N];
    float *out[SX_TERRAIN_NPRODUCTS];
    for (int p = 0; p < SX_TERRAIN_NPRODUCTS; p++) out[p] = all[p];
    sx_terrain_opts_t o = {.z_factor = 1.5, .azimuth = 200, .altitude = 30};
    run(z, &o, out, hs, acc);
    for (int p = 0; p < SX_TERRAIN_NPRODUCTS; p++) {
        if (p == SX_TERRAIN_HILLSHADE) continue;
        float *single[SX_TERRAIN_NPRODUCTS] = {0};
        single[p] = one;
        run(z, &o, single, NULL, acc);
        if (memcmp(one, all[p], sizeof one)) fail_msg("%s differs when computed alone", sx_terrain_name((sx_terrain_product)p));
    }
    float *none[SX_TERRAIN_NPRODUCTS] = {0};
    run(z, &o, none, hs1, acc);
    assert_memory_equal(hs, hs1, sizeof hs);
    sx_terrain_product p;
    assert_int_equal(sx_terrain_parse("profile_curvature", &p), SX_OK);
    assert_int_equal(p, SX_TERRAIN_PROFILE_CURVATURE);
    assert_int_equal(sx_terrain_parse("ndvi", &p), SX_ERR_USAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_curvature_quadratics), cmocka_unit_test(test_aspect_hillshade),
        cmocka_unit_test(test_tpi_tri_roughness),    cmocka_unit_test(test_twi),
        cmocka_unit_test(test_all_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
