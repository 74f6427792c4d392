/*
 * test_flow_multi.c — D-infinity and MFD routing on hand-checkable surfaces
 * (one rank):
 *  - Tarboton (1997): on a plane the D-infinity angle is the direction of
 *    steepest descent, exactly, for any direction (not only the eight of D8);
 *  - D-infinity accumulation on a plane descending at theta in (0, pi/4):
 *    each cell sends 1 - r to the east and r to the north-east
 *    (r = theta / (pi/4)), so a cell i columns from the west edge, far enough
 *    from the south edge, carries exactly i cells;
 *  - MFD on a cone: the peak splits its flow over its eight neighbours by
 *    Freeman's tan^1.1 (equal eighths: every slope is 1) or Quinn's contour
 *    lengths (0.5 / 3.416 cardinal, 0.354 / 3.416 diagonal), and the
 *    north-east neighbour receives that plus the shares of the peak's north
 *    and east neighbours, written out from their slopes below;
 *  - bad D-infinity angles and the method names.
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

enum { PN = 11 };

/* z of a plane falling towards theta (radians from east, counter-clockwise); rows grow southwards. */
static void plane(double theta, double *z)
{
    for (int j = 0; j < PN; j++)
        for (int i = 0; i < PN; i++) z[j * PN + i] = 1000 - (10.0 * i * cos(theta) - 10.0 * j * sin(theta));
}

static void test_dinf_plane_angles(void **state)
{
    (void)state;
    const double thetas[] = {0.3, 0.7853981633974483 + 0.2, 1.2, 2.0, 2.9, 3.5, 4.1, 4.9, 5.5, 6.1};
    sx_grid_t g = {.nx = PN, .ny = PN, .gt = {0, 10, 0, 0, 0, -10}};
    sx_decomp_t d = whole(PN, PN);
    double z[PN * PN];
    float a[PN * PN];
    for (size_t t = 0; t < sizeof thetas / sizeof *thetas; t++) {
        plane(thetas[t], z);
        assert_int_equal(sx_dem_dinf_dist(&d, &g, z, a), SX_OK);
        for (int j = 1; j < PN - 1; j++)
            for (int i = 1; i < PN - 1; i++) {
                double got = a[j * PN + i];
                if (fabs(got - thetas[t]) > 2e-6) fail_msg("theta %.6f: cell (%d, %d) angle %.8f", thetas[t], i, j, got);
            }
        /* the grid edge points off the grid, as D8 does: west edge (not a corner) to the west */
        assert_true(fabs(a[5 * PN] - M_PI) < 1e-6);
    }
    sx_decomp_fini(&d);
}

static void test_dinf_plane_accum(void **state)
{
    (void)state;
    const double theta = 0.25; /* r = theta / (pi/4) ~ 0.318: 68 % east, 32 % north-east */
    sx_grid_t g = {.nx = PN, .ny = PN, .gt = {0, 10, 0, 0, 0, -10}};
    sx_decomp_t d = whole(PN, PN);
    double z[PN * PN], acc[PN * PN];
    float a[PN * PN];
    plane(theta, z);
    assert_int_equal(sx_dem_dinf_dist(&d, &g, z, a), SX_OK);
    assert_int_equal(sx_dem_accum_dinf_dist(&d, a, NULL, acc, NULL), SX_OK);
    int checked = 0;
    for (int j = 1; j < PN - 1; j++)
        for (int i = 1; i < PN - 1; i++) {
            if (j + i - 1 > PN - 2) continue; /* reached by the missing flow of the south edge */
            double got = acc[j * PN + i];
            if (fabs(got - i) > 1e-12 * i) fail_msg("cell (%d, %d): %.17g, expected %d", i, j, got, i);
            checked++;
        }
    assert_true(checked > 30);
    /* the south edge's missing inflow: the next row's second column gets only its east share */
    double r = theta / (M_PI / 4);
    assert_true(fabs(acc[(PN - 2) * PN + 2] - (1 + (1 - r))) < 1e-12);
    sx_decomp_fini(&d);
}

enum { CN = 7, CC = 3 };

static void cone(double *z)
{
    for (int j = 0; j < CN; j++)
        for (int i = 0; i < CN; i++) z[j * CN + i] = -hypot(i - CC, j - CC);
}

/* Expected share from the peak's east neighbour (1, 0) to its north neighbour (1, 1): its lower
 * neighbours are (1, +-1) [cardinal, drop sqrt2 - 1], (2, 0) [cardinal, drop 1] and (2, +-1)
 * [diagonal, drop sqrt5 - 1 over sqrt2]. */
static double east_to_ne(sx_mfd_rule rule)
{
    double t1 = sqrt(2) - 1, t2 = 1, t3 = (sqrt(5) - 1) / sqrt(2);
    if (rule == SX_MFD_QUINN) return 0.5 * t1 / (2 * 0.5 * t1 + 0.5 * t2 + 2 * 0.354 * t3);
    return pow(t1, 1.1) / (2 * pow(t1, 1.1) + pow(t2, 1.1) + 2 * pow(t3, 1.1));
}

static void test_mfd_cone(void **state)
{
    (void)state;
    sx_grid_t g = {.nx = CN, .ny = CN, .gt = {0, 1, 0, 0, 0, -1}};
    sx_decomp_t d = whole(CN, CN);
    double z[CN * CN], acc[CN * CN];
    cone(z);
    for (int rule = SX_MFD_FREEMAN; rule <= SX_MFD_QUINN; rule++) {
        assert_int_equal(sx_dem_accum_mfd_dist(&d, &g, z, (sx_mfd_rule)rule, NULL, acc, NULL), SX_OK);
        double pc = rule == SX_MFD_QUINN ? 0.5 / 3.416 : 0.125, pd = rule == SX_MFD_QUINN ? 0.354 / 3.416 : 0.125;
        double east = acc[CC * CN + CC + 1], ne = acc[(CC - 1) * CN + CC + 1];
        if (fabs(east - (1 + pc)) > 1e-12) fail_msg("rule %d: east of the peak %.17g, expected %.17g", rule, east, 1 + pc);
        /* all four cardinal neighbours alike, all four diagonal ones alike */
        assert_true(acc[CC * CN + CC - 1] == east && acc[(CC - 1) * CN + CC] == east && acc[(CC + 1) * CN + CC] == east);
        double want = 1 + pd + 2 * east_to_ne((sx_mfd_rule)rule) * (1 + pc);
        if (fabs(ne - want) > 1e-12) fail_msg("rule %d: north-east of the peak %.17g, expected %.17g", rule, ne, want);
        assert_true(fabs(acc[(CC + 1) * CN + CC - 1] - ne) < 1e-14);
        assert_true(acc[CC * CN + CC] == 1); /* the peak */
    }
    sx_decomp_fini(&d);
}

static void test_bad_angles_and_names(void **state)
{
    (void)state;
    sx_decomp_t d = whole(3, 3);
    float a[9] = {0, 0, 0, 0, 7.0f, 0, 0, 0, 0};
    double acc[9];
    assert_int_equal(sx_dem_accum_dinf_dist(&d, a, NULL, acc, NULL), SX_ERR_INPUT);
    assert_non_null(strstr(sx_err_message(), "col 1, row 1"));
    a[4] = SX_DINF_NONE;
    assert_int_equal(sx_dem_accum_dinf_dist(&d, a, NULL, acc, NULL), SX_OK);
    sx_flow_method m;
    sx_mfd_rule r;
    assert_int_equal(sx_flow_method_parse("dinf", &m), SX_OK);
    assert_int_equal(m, SX_FLOW_DINF);
    assert_int_equal(sx_flow_method_parse("mfd", &m), SX_OK);
    assert_int_equal(sx_flow_method_parse("rho8", &m), SX_ERR_USAGE);
    assert_int_equal(sx_mfd_rule_parse("quinn", &r), SX_OK);
    assert_int_equal(r, SX_MFD_QUINN);
    assert_int_equal(sx_mfd_rule_parse("holmgren", &r), SX_ERR_USAGE);
    sx_decomp_fini(&d);
}

int main(int argc, char **argv)
{
    if (sx_mpi_init(&argc, &argv) != SX_OK) return 2;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dinf_plane_angles),
        cmocka_unit_test(test_dinf_plane_accum),
        cmocka_unit_test(test_mfd_cone),
        cmocka_unit_test(test_bad_angles_and_names),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    sx_mpi_finalize();
    return rc;
}
