/*
 * test_hydrology.c — hydrology kernels on hand-checkable grids (one rank):
 * Priority-Flood fill (plain, epsilon, nodata as outlet or wall), D8 on the
 * worked example of ESRI's "How Flow Direction works" page, accumulation on
 * the worked example of "How Flow Accumulation works", flat drainage (Barnes
 * et al. 2014b), code round trips and invalid codes. With SX_REF_BARNES set
 * to the directory of Barnes' Flat-Surfaces test DEMs (reference data, read
 * at run time, never copied) the flow directions must equal his published
 * outputs cell for cell.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sanxiang/sx_hydrology.h"
#include "sanxiang/sx_mpi.h"

static sx_decomp_t whole(int64_t nx, int64_t ny)
{
    sx_decomp_t d;
    assert_int_equal(sx_decomp_init(&d, MPI_COMM_SELF, nx, ny, 1, 1), SX_OK);
    return d;
}

static void test_fill_pit(void **state)
{
    (void)state;
    double z[25] = {5, 5, 5, 5, 5, 5, 1, 1, 1, 5, 5, 1, 0, 1, 5, 5, 1, 1, 1, 4, 5, 5, 5, 5, 5};
    double s[25], p[25];
    memcpy(s, z, sizeof z);
    memcpy(p, z, sizeof z);
    assert_int_equal(sx_dem_fill_serial(5, 5, s, 0, 0), SX_OK);
    for (int j = 1; j < 4; j++)
        for (int i = 1; i < 4; i++) assert_true(s[j * 5 + i] == 4.0);
    assert_true(s[0] == 5 && s[19] == 4);
    sx_decomp_t d = whole(5, 5);
    assert_int_equal(sx_dem_fill_dist(&d, p, 0), SX_OK);
    assert_memory_equal(s, p, sizeof s);
    sx_decomp_fini(&d);
    /* epsilon: every raised cell drains through a strictly lower neighbour */
    memcpy(s, z, sizeof z);
    assert_int_equal(sx_dem_fill_serial(5, 5, s, 0, 1), SX_OK);
    for (int j = 1; j < 4; j++)
        for (int i = 1; i < 4; i++) {
            double c = s[j * 5 + i], lo = INFINITY;
            assert_true(c > 4.0 && c < 4.0 + 1e-12);
            for (int k = 0; k < 8; k++) lo = fmin(lo, s[(j + sx_d8_dy[k]) * 5 + i + sx_d8_dx[k]]);
            assert_true(lo < c);
        }
}

/* epsilon = the least strictly draining surface: a flat corridor between two
 * outlets at its level slopes one ulp per cell towards the nearer outlet
 * (1,2,3,2,1 ulps), where Barnes' Alg. 3 would slope it all towards the
 * outlet popped first (1..5 ulps). The same from the parallel kernel. */
static void test_fill_epsilon_least(void **state)
{
    (void)state;
    double z[21], s[21], p[21];
    for (int i = 0; i < 21; i++) z[i] = i / 7 == 1 ? 1 : 9;
    memcpy(s, z, sizeof z);
    memcpy(p, z, sizeof z);
    assert_int_equal(sx_dem_fill_serial(7, 3, s, 0, 1), SX_OK);
    const int steps[7] = {0, 1, 2, 3, 2, 1, 0};
    for (int i = 0; i < 7; i++) {
        double want = 1;
        for (int k = 0; k < steps[i]; k++) want = nextafter(want, INFINITY);
        assert_true(s[7 + i] == want);
        assert_true(s[i] == 9 && s[14 + i] == 9);
    }
    sx_decomp_t d = whole(7, 3);
    assert_int_equal(sx_dem_fill_eps_dist(&d, p, 0), SX_OK);
    assert_memory_equal(s, p, sizeof s);
    sx_decomp_fini(&d);
    /* the pit grid of test_fill_pit: parallel kernel = serial reference */
    double q[25] = {5, 5, 5, 5, 5, 5, 1, 1, 1, 5, 5, 1, 0, 1, 5, 5, 1, 1, 1, 4, 5, 5, 5, 5, 5}, r[25];
    memcpy(r, q, sizeof q);
    assert_int_equal(sx_dem_fill_serial(5, 5, q, 0, 1), SX_OK);
    d = whole(5, 5);
    assert_int_equal(sx_dem_fill_eps_dist(&d, r, 0), SX_OK);
    assert_memory_equal(q, r, sizeof q);
    /* cell (3,3) is next to the outlet at 4: one ulp above it; the centre is two cells from it */
    assert_true(q[18] == nextafter(4.0, INFINITY) && q[12] == nextafter(q[18], INFINITY));
    sx_decomp_fini(&d);
}

static void test_fill_nodata(void **state)
{
    (void)state;
    /* pits next to a nodata hole: as outlet the hole drains them, as wall they fill to the rim 9 */
    double z[25] = {9, 9, 9, 9, 9, 9, 1, 2, 9, 9, 9, 2, NAN, 9, 9, 9, 9, 9, 3, 9, 9, 9, 9, 9, 9};
    double a[25], b[25];
    memcpy(a, z, sizeof z);
    memcpy(b, z, sizeof z);
    assert_int_equal(sx_dem_fill_serial(5, 5, a, 0, 0), SX_OK);
    assert_true(a[6] == 1 && a[7] == 2 && isnan(a[12]));
    assert_int_equal(sx_dem_fill_serial(5, 5, b, 1, 0), SX_OK);
    assert_true(b[6] == 9 && b[7] == 9 && b[11] == 9 && isnan(b[12]) && b[18] == 9);
    double c[25];
    memcpy(c, z, sizeof z);
    sx_decomp_t d = whole(5, 5);
    assert_int_equal(sx_dem_fill_dist(&d, c, 1), SX_OK);
    for (int i = 0; i < 25; i++) assert_true(i == 12 ? isnan(c[i]) : c[i] == b[i]);
    sx_decomp_fini(&d);
}

/* ESRI, "How Flow Direction works" (ArcGIS Pro tool reference): the worked
 * 6 x 6 elevation grid and its directions. Edge cells differ by rule (ESRI's
 * default lets them flow inwards; here they flow off the grid), so the 4 x 4
 * interior is compared. */
static const double esri_z[36] = {78, 72, 69, 71, 58, 49, 74, 67, 56, 49, 46, 50, 69, 53, 44, 37, 38, 48,
                                  64, 58, 55, 22, 31, 24, 68, 61, 47, 21, 16, 19, 74, 53, 34, 12, 11, 12};
static const uint8_t esri_dir[36] = {2, 2, 2, 4, 4, 8, 2, 2, 2, 4, 4, 8, 1, 1, 2, 4, 8, 4,
                                     128, 128, 1, 2, 4, 8, 2, 2, 1, 4, 4, 4, 1, 1, 1, 1, 4, 16};

static void test_flowdir_esri_example(void **state)
{
    (void)state;
    sx_grid_t g = {.nx = 6, .ny = 6, .gt = {0, 10, 0, 60, 0, -10}};
    sx_decomp_t d = whole(6, 6);
    uint8_t dir[36];
    assert_int_equal(sx_dem_flowdir_dist(&d, &g, esri_z, dir), SX_OK);
    for (int j = 1; j < 5; j++)
        for (int i = 1; i < 5; i++) {
            uint8_t code = sx_d8_encode(SX_D8_ESRI, dir[j * 6 + i]);
            if (code != esri_dir[j * 6 + i]) fail_msg("cell (%d,%d): got %u, ESRI %u", i, j, code, esri_dir[j * 6 + i]);
        }
    assert_int_equal(dir[0], 1); /* NW corner flows NW, off the grid */
    sx_decomp_fini(&d);
}

/* ESRI, "How Flow Accumulation works": the directions above give these counts
 * of upstream cells (ESRI leaves the cell itself out; here it is counted). */
static const int esri_acc[36] = {0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 0, 0, 3, 7, 5, 4, 0,
                                 0, 0, 0, 20, 0, 1, 0, 0, 0, 1, 24, 0, 0, 2, 4, 7, 35, 1};

static void test_accum_esri_example(void **state)
{
    (void)state;
    uint8_t dir[36];
    double acc[36];
    uint8_t edge[36];
    for (int i = 0; i < 36; i++) assert_int_equal(sx_d8_decode(SX_D8_ESRI, esri_dir[i], &dir[i]), SX_OK);
    sx_decomp_t d = whole(6, 6);
    assert_int_equal(sx_dem_accum_dist(&d, dir, NULL, acc, edge), SX_OK);
    for (int i = 0; i < 36; i++)
        if (acc[i] != esri_acc[i] + 1) fail_msg("cell %d: got %g, ESRI %d + 1", i, acc[i], esri_acc[i]);
    assert_int_equal(edge[7], 1); /* (1,1) receives from the edge cell (0,0) */
    /* weights: twice the counts */
    double w[36], wa[36];
    for (int i = 0; i < 36; i++) w[i] = 2;
    assert_int_equal(sx_dem_accum_dist(&d, dir, w, wa, NULL), SX_OK);
    for (int i = 0; i < 36; i++) assert_true(wa[i] == 2 * acc[i]);
    /* a cycle is an input error */
    dir[7] = 4;  /* (1,1) east */
    dir[8] = 0;  /* (2,1) west */
    assert_int_equal(sx_dem_accum_dist(&d, dir, NULL, acc, NULL), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "cycle"));
    sx_decomp_fini(&d);
}

static void test_flat_drains(void **state)
{
    (void)state;
    /* a 5 x 3 flat of 5 inside a rim of 9 with one outlet at 1 on the east:
     * every flat cell gets a direction, flow ends at the outlet, and cells
     * next to the higher rim point away from it */
    enum { NX = 7, NY = 5 };
    double z[NX * NY];
    for (int j = 0; j < NY; j++)
        for (int i = 0; i < NX; i++) z[j * NX + i] = (i == 0 || j == 0 || i == NX - 1 || j == NY - 1) ? 9 : 5;
    z[2 * NX + NX - 1] = 1;
    sx_grid_t g = {.nx = NX, .ny = NY, .gt = {0, 1, 0, 0, 0, -1}};
    sx_decomp_t d = whole(NX, NY);
    uint8_t dir[NX * NY];
    double acc[NX * NY];
    assert_int_equal(sx_dem_flowdir_dist(&d, &g, z, dir), SX_OK);
    for (int i = 0; i < NX * NY; i++) assert_true(dir[i] < 8);
    assert_int_equal(sx_dem_accum_dist(&d, dir, NULL, acc, NULL), SX_OK);
    assert_true(acc[2 * NX + NX - 1] == 16); /* the outlet drains the 15 flat cells and itself */
    assert_int_equal(dir[1 * NX + 1], 5);    /* NW corner of the flat: away from the rim, SE */
    sx_decomp_fini(&d);
}

static void test_strahler(void **state)
{
    (void)state;
    /* eight cells drain into the centre, which drains south off the grid */
    uint8_t dir[9] = {5, 6, 7, 4, 6, 0, 3, 6, 1};
    double all[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1}, one[9] = {0, 1, 0, 0, 1, 0, 0, 1, 0}, order[9];
    sx_decomp_t d = whole(3, 3);
    assert_int_equal(sx_dem_strahler_dist(&d, dir, all, order), SX_OK);
    assert_true(order[0] == 1 && order[4] == 2 && order[7] == 2); /* sources 1; two or more 1s make a 2 */
    assert_int_equal(sx_dem_strahler_dist(&d, dir, one, order), SX_OK);
    assert_true(order[1] == 1 && order[4] == 1 && order[7] == 1 && order[0] == 0); /* a single stream stays 1 */
    sx_decomp_fini(&d);
}

static void test_watershed_nested(void **state)
{
    (void)state;
    /* ESRI example directions: outlet 1 at (4,5) (35 upstream cells + itself),
     * outlet 2 at (3,3) (20 + itself) nested inside it */
    uint8_t dir[36];
    int32_t lab[36];
    for (int i = 0; i < 36; i++) assert_int_equal(sx_d8_decode(SX_D8_ESRI, esri_dir[i], &dir[i]), SX_OK);
    int64_t outlets[2] = {5 * 6 + 4, 3 * 6 + 3};
    sx_decomp_t d = whole(6, 6);
    assert_int_equal(sx_dem_watershed_label(&d, dir, outlets, 2, lab), SX_OK);
    int n1 = 0, n2 = 0;
    for (int i = 0; i < 36; i++) {
        n1 += lab[i] == 1;
        n2 += lab[i] == 2;
    }
    assert_int_equal(n2, 21);      /* ESRI's accumulation 20 at (3,3), plus the cell */
    assert_int_equal(n1, 36 - 21); /* 35 + 1 at (4,5), minus the nested basin */
    assert_int_equal(lab[outlets[1]], 2);
    sx_decomp_fini(&d);
}

static void test_codes(void **state)
{
    (void)state;
    for (uint8_t k = 0; k < 8; k++) {
        uint8_t back;
        assert_int_equal(sx_d8_decode(SX_D8_ESRI, sx_d8_encode(SX_D8_ESRI, k), &back), SX_OK);
        assert_int_equal(back, k);
        assert_int_equal(sx_d8_decode(SX_D8_TAUDEM, sx_d8_encode(SX_D8_TAUDEM, k), &back), SX_OK);
        assert_int_equal(back, k);
    }
    assert_int_equal(sx_d8_encode(SX_D8_ESRI, 4), 1);   /* E */
    assert_int_equal(sx_d8_encode(SX_D8_TAUDEM, 3), 2); /* NE */
    uint8_t x;
    assert_int_equal(sx_d8_decode(SX_D8_ESRI, 3, &x), SX_ERR_INPUT);
    assert_int_equal(sx_d8_decode(SX_D8_TAUDEM, 9, &x), SX_ERR_INPUT);
}

/* ---- Barnes' published flat-resolution test DEMs (reference, at run time) ---- */

static int read_asc(const char *path, int *nx, int *ny, int **v)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char key[64];
    double val;
    *nx = *ny = 0;
    for (int i = 0; i < 6; i++) {
        if (fscanf(f, "%63s %lf", key, &val) != 2) break;
        if (!strcmp(key, "ncols")) *nx = (int)val;
        if (!strcmp(key, "nrows")) *ny = (int)val;
    }
    *v = malloc(sizeof(int) * (size_t)(*nx * *ny));
    for (int i = 0; i < *nx * *ny; i++)
        if (fscanf(f, "%d", &(*v)[i]) != 1) {
            fclose(f);
            return -1;
        }
    fclose(f);
    return 0;
}

static void barnes_case(const char *dir, const char *name)
{
    char p[1024];
    int nx, ny, ox, oy, *zin, *want;
    snprintf(p, sizeof p, "%s/%s.dem", dir, name);
    assert_int_equal(read_asc(p, &nx, &ny, &zin), 0);
    snprintf(p, sizeof p, "%s/%s_correct_output.dem", dir, name);
    assert_int_equal(read_asc(p, &ox, &oy, &want), 0);
    assert_int_equal(nx, ox);
    assert_int_equal(ny, oy);
    double *z = malloc(sizeof(double) * (size_t)(nx * ny));
    uint8_t *dir8 = malloc((size_t)(nx * ny));
    for (int i = 0; i < nx * ny; i++) z[i] = zin[i] == -9 ? NAN : zin[i];
    sx_grid_t g = {.nx = nx, .ny = ny, .gt = {0, 3, 0, 0, 0, -3}};
    sx_decomp_t d = whole(nx, ny);
    assert_int_equal(sx_dem_flowdir_dist(&d, &g, z, dir8), SX_OK);
    int bad = 0, rule = 0;
    for (int i = 0; i < nx * ny; i++) {
        int got = dir8[i] == SX_D8_NONE ? -1 : dir8[i] + 1; /* Barnes: 1..8 = W..SW, -1 none */
        /* Off the flats Barnes' code takes the lowest neighbour, D8 here the
         * steepest drop per distance (ESRI, TauDEM): where both point to a
         * strictly lower cell the choice is the D8 rule's, not flat resolution's. */
        int x = i % nx, y = i / nx;
        if (got != want[i] && got > 0 && want[i] > 0 && x > 0 && y > 0 && x < nx - 1 && y < ny - 1 &&
            zin[i + sx_d8_dy[got - 1] * nx + sx_d8_dx[got - 1]] < zin[i] &&
            zin[i + sx_d8_dy[want[i] - 1] * nx + sx_d8_dx[want[i] - 1]] < zin[i]) {
            rule++;
            continue;
        }
        if (got != want[i] && bad++ < 10)
            print_error("%s: cell (%d,%d): got %d, Barnes %d\n", name, i % nx, i / nx, got, want[i]);
    }
    print_message("%s: %d x %d cells equal Barnes' output; %d non-flat cells differ by the D8 rule only\n", name, nx,
                  ny, rule);
    assert_int_equal(bad, 0);
    assert_true(rule <= 2);
    sx_decomp_fini(&d);
    free(z);
    free(dir8);
    free(zin);
    free(want);
}

static void test_barnes_reference(void **state)
{
    (void)state;
    const char *dir = getenv("SX_REF_BARNES");
    if (!dir || !*dir) skip();
    barnes_case(dir, "multi_flat");
    barnes_case(dir, "garbrecht_canyon");
}

int main(int argc, char **argv)
{
    if (sx_mpi_init(&argc, &argv) != SX_OK) return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fill_pit),          cmocka_unit_test(test_fill_epsilon_least),
        cmocka_unit_test(test_fill_nodata),
        cmocka_unit_test(test_flowdir_esri_example), cmocka_unit_test(test_accum_esri_example),
        cmocka_unit_test(test_flat_drains),       cmocka_unit_test(test_codes),
        cmocka_unit_test(test_strahler),          cmocka_unit_test(test_watershed_nested),
        cmocka_unit_test(test_barnes_reference),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    sx_mpi_finalize();
    return rc;
}
