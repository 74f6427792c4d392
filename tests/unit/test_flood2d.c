/*
 * test_flood2d.c — verification of the local inertial solver against
 * analytic solutions, on one rank (the N-rank equality is mpi_flood2d):
 *
 *  - lake at rest over an uneven bed with dry islands stays at rest;
 *  - 1-D dam break on a dry bed vs Ritter (1892) and on a wet bed vs Stoker
 *    (1957), L1 and L2 errors printed and bounded;
 *  - Thacker's (1981) planar surface oscillating in a parabolic channel;
 *  - mass conserved to round-off with rain, a point inflow and free and
 *    fixed-level edges;
 *  - clear errors for a mismatched roughness grid, an inflow outside the
 *    grid, an empty configuration, an unstable configuration and a
 *    geographic DEM.
 * The bounds were set from the measured errors with a margin (see
 * docs/inundation.md); the local inertial scheme drops the advection term,
 * so the dam-break fronts are not exact by construction.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "flood2d/f2d_internal.h"
#include "mpi/mpi_flood2d_util.h"
#include "sanxiang/sx_h5cf.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_raster.h"

#define OUT SX_TEST_OUT "/flood2d_unit"

static double zero_fn(int64_t i, int64_t j, void *c) { return 0.0; }

typedef struct {
    double h0, h1, d;
    int64_t idam;
} dam_ctx;
static double dam_fn(int64_t i, int64_t j, void *c)
{
    const dam_ctx *k = c;
    return i < k->idam ? k->h0 : k->h1;
}

/* A frictionless model of nx x 3 cells of size d: bed z, initial depth h
 * (written to OUT/<name>_dem.nc and OUT/<name>_h.nc). */
static sx_f2d_t *frictionless(const char *name, int64_t nx, double d, f2d_cell_fn z, f2d_cell_fn h, void *ctx)
{
    char dem[512], ini[512], path[256];
    snprintf(path, sizeof path, OUT "/%s_dem.nc", name);
    assert_int_equal(f2d_write_input(MPI_COMM_WORLD, path, nx, 3, d, z, ctx, dem, sizeof dem), SX_OK);
    snprintf(path, sizeof path, OUT "/%s_h.nc", name);
    assert_int_equal(f2d_write_input(MPI_COMM_WORLD, path, nx, 3, d, h, ctx, ini, sizeof ini), SX_OK);
    sx_f2d_params_t p;
    sx_f2d_params_default(&p);
    p.dem = dem;
    p.initial_depth = ini;
    p.manning = 0.0;
    sx_f2d_t *m = NULL;
    assert_int_equal(sx_f2d_create(MPI_COMM_WORLD, &p, &m), SX_OK);
    return m;
}

/* Run a 1-D dam break (nx x 3 cells, closed edges, frictionless) to time t
 * and return the L1 and L2 errors (relative to the analytic depth's norms)
 * along the middle row. */
static void dam_break(double h0, double h1, double t, double *l1, double *l2)
{
    const int64_t nx = 800;
    dam_ctx k = {h0, h1, 5.0, nx / 2};
    sx_f2d_t *m = frictionless("dam", nx, k.d, zero_fn, dam_fn, &k);
    assert_int_equal(sx_f2d_advance(m, t), SX_OK);
    double *h = f2d_gather(m, MPI_COMM_WORLD, SX_F2D_DEPTH);
    double e1 = 0, n1 = 0, e2 = 0, n2 = 0;
    for (int64_t i = 0; i < nx; i++) {
        double x = ((double)i + 0.5) * k.d - (double)k.idam * k.d;
        double ex = h1 > 0 ? sx_f2d_stoker_depth(h0, h1, x, t, SX_F2D_G) : sx_f2d_ritter_depth(h0, x, t, SX_F2D_G);
        double e = h[nx + i] - ex;
        e1 += fabs(e);
        n1 += fabs(ex);
        e2 += e * e;
        n2 += ex * ex;
    }
    *l1 = e1 / n1;
    *l2 = sqrt(e2 / n2);
    sx_f2d_mass_t mb;
    assert_int_equal(sx_f2d_mass(m, &mb), SX_OK);
    assert_true(fabs(mb.error) <= 1e-9 * mb.storage0);
    free(h);
    sx_f2d_destroy(&m);
}

static void test_ritter(void **state)
{
    double l1, l2;
    dam_break(10.0, 0.0, 80.0, &l1, &l2);
    printf("Ritter dry dam break, h0 10 m, dx 5 m, t 80 s: L1 %.4f, L2 %.4f (relative)\n", l1, l2);
    assert_true(l1 < 0.18);
    assert_true(l2 < 0.22);
}

static void test_stoker(void **state)
{
    double l1, l2;
    dam_break(10.0, 1.0, 80.0, &l1, &l2);
    printf("Stoker wet dam break, h0 10 m, h1 1 m, dx 5 m, t 80 s: L1 %.4f, L2 %.4f (relative)\n", l1, l2);
    assert_true(l1 < 0.15);
    assert_true(l2 < 0.21);
    dam_break(10.0, 5.0, 80.0, &l1, &l2);
    printf("Stoker wet dam break, h0 10 m, h1 5 m, dx 5 m, t 80 s: L1 %.4f, L2 %.4f (relative)\n", l1, l2);
    assert_true(l1 < 0.045);
    assert_true(l2 < 0.08);
}

typedef struct {
    double h0, a, B, xc, d;
} thacker_ctx;
static double thacker_z(int64_t i, int64_t j, void *c)
{
    const thacker_ctx *k = c;
    double X = ((double)i + 0.5) * k->d - k->xc;
    return k->h0 * (X * X / (k->a * k->a) - 1.0);
}
static double thacker_h(int64_t i, int64_t j, void *c)
{
    const thacker_ctx *k = c;
    return sx_f2d_thacker_depth(k->h0, k->a, k->B, k->xc, ((double)i + 0.5) * k->d, 0.0, SX_F2D_G);
}

static void test_thacker(void **state)
{
    const int64_t nx = 400;
    thacker_ctx k = {10.0, 1000.0, 2.0, 2000.0, 10.0};
    sx_f2d_t *m = frictionless("thacker", nx, k.d, thacker_z, thacker_h, &k);
    double w = sqrt(2 * SX_F2D_G * k.h0) / k.a, period = 2 * M_PI / w;
    const double frac[] = {0.25, 0.5, 1.0};
    for (int s = 0; s < 3; s++) {
        double t = frac[s] * period;
        assert_int_equal(sx_f2d_advance(m, t), SX_OK);
        double *h = f2d_gather(m, MPI_COMM_WORLD, SX_F2D_DEPTH);
        double e1 = 0, n1 = 0;
        for (int64_t i = 0; i < nx; i++) {
            double ex = sx_f2d_thacker_depth(k.h0, k.a, k.B, k.xc, ((double)i + 0.5) * k.d, t, SX_F2D_G);
            e1 += fabs(h[nx + i] - ex);
            n1 += ex;
        }
        printf("Thacker parabolic channel, t = %.2f T: L1 %.4f (relative)\n", frac[s], e1 / n1);
        assert_true(e1 / n1 < (frac[s] < 1 ? 0.04 : 0.08)); /* the dropped u^2 dh/dx term: error ~ Fr^2 */
        free(h);
    }
    sx_f2d_destroy(&m);
}

static double bumpy_fn(int64_t i, int64_t j, void *c)
{
    double z = 1.0 + 0.8 * sin(0.37 * (double)i) * cos(0.23 * (double)j) + 0.01 * (double)i;
    if (i > 20 && i < 26 && j > 10 && j < 16) z = 4.0; /* a dry island */
    if (i == 40 && j == 7) z = NAN;                    /* a nodata hole */
    return z;
}

static void test_lake_at_rest(void **state)
{
    char dem[512];
    assert_int_equal(f2d_write_input(MPI_COMM_WORLD, OUT "/lake_dem.nc", 60, 40, 20.0, bumpy_fn, NULL, dem, sizeof dem), SX_OK);
    sx_f2d_params_t p;
    sx_f2d_params_default(&p);
    p.dem = dem;
    p.initial_level = 2.5;
    sx_f2d_t *m = NULL;
    assert_int_equal(sx_f2d_create(MPI_COMM_WORLD, &p, &m), SX_OK);
    assert_int_equal(sx_f2d_advance(m, 3600.0), SX_OK);
    double *eta = f2d_gather(m, MPI_COMM_WORLD, SX_F2D_LEVEL), *h = f2d_gather(m, MPI_COMM_WORLD, SX_F2D_DEPTH);
    double *qx = f2d_gather(m, MPI_COMM_WORLD, SX_F2D_QX_CELL), *qy = f2d_gather(m, MPI_COMM_WORLD, SX_F2D_QY_CELL);
    double deta = 0, q = 0;
    int dry = 0;
    for (int k = 0; k < 60 * 40; k++) {
        if (h[k] > 0) deta = fmax(deta, fabs(eta[k] - 2.5));
        else dry++;
        q = fmax(q, fmax(fabs(qx[k]), fabs(qy[k])));
    }
    printf("lake at rest after 3600 s (%lld steps): max |eta - 2.5| = %.3g m, max |q| = %.3g m2/s, %d dry cells\n",
           (long long)sx_f2d_steps(m), deta, q, dry);
    assert_true(deta < 1e-12);
    assert_true(q < 1e-12);
    assert_true(dry >= 25); /* the island (and the hole) stay dry */
    free(eta);
    free(h);
    free(qx);
    free(qy);
    sx_f2d_destroy(&m);
}

static double slope_fn(int64_t i, int64_t j, void *c) { return 10.0 - 0.02 * (double)i + 0.3 * sin(0.5 * (double)j); }

static void test_mass_conservation(void **state)
{
    char dem[512];
    assert_int_equal(f2d_write_input(MPI_COMM_WORLD, OUT "/mass_dem.nc", 50, 30, 10.0, slope_fn, NULL, dem, sizeof dem), SX_OK);
    const double t[] = {0, 300, 900}, q[] = {0, 20, 0};
    sx_f2d_inflow_t in = {"upstream", 500000 + 55.0, 3000000 - 155.0, 3, t, q};
    sx_f2d_params_t p;
    sx_f2d_params_default(&p);
    p.dem = dem;
    p.rain_mm_h = 50;
    p.ninflows = 1;
    p.inflows = &in;
    p.bc[SX_F2D_EAST] = (sx_f2d_bc_t){SX_F2D_BC_FREE, 0.002};
    p.bc[SX_F2D_NORTH] = (sx_f2d_bc_t){SX_F2D_BC_LEVEL, 9.6};
    sx_f2d_t *m = NULL;
    assert_int_equal(sx_f2d_create(MPI_COMM_WORLD, &p, &m), SX_OK);
    assert_int_equal(sx_f2d_advance(m, 1200.0), SX_OK);
    sx_f2d_mass_t mb;
    assert_int_equal(sx_f2d_mass(m, &mb), SX_OK);
    double scale = mb.inflow + mb.rain + fabs(mb.outflow);
    printf("mass balance after 1200 s: storage %.6f m3, inflow %.6f, rain %.6f, outflow %.6f, error %.3g (%.3g relative)\n",
           mb.storage, mb.inflow, mb.rain, mb.outflow, mb.error, mb.error / scale);
    assert_true(fabs(mb.inflow - 0.5 * 900 * 20) < 0.1); /* midpoint rule across the hydrograph's peak */
    assert_true(mb.outflow > 0); /* water left through the free edge */
    assert_true(fabs(mb.error) < 1e-10 * scale);
    sx_f2d_destroy(&m);

    /* A hyetograph instead of constant rain: 0 -> 100 -> 0 mm/h over 20 min on 150000 m2 = 2500 m3. */
    const double rt[] = {0, 600, 1200}, rr[] = {0, 100, 0};
    sx_f2d_inflow_t hy = {"storm", 0, 0, 3, rt, rr};
    p.rain_mm_h = 0;
    p.rain_series = &hy;
    p.ninflows = 0;
    assert_int_equal(sx_f2d_create(MPI_COMM_WORLD, &p, &m), SX_OK);
    assert_int_equal(sx_f2d_advance(m, 1500.0), SX_OK);
    assert_int_equal(sx_f2d_mass(m, &mb), SX_OK);
    printf("hyetograph: rain %.6f m3 (2500 expected), outflow %.6f, error %.3g\n", mb.rain, mb.outflow, mb.error);
    assert_true(fabs(mb.rain - 2500.0) < 0.05);
    assert_true(fabs(mb.error) < 1e-10 * (mb.rain + fabs(mb.outflow)));
    sx_f2d_destroy(&m);
}

static void expect_create_error(sx_f2d_params_t *p, sx_err code, const char *needle)
{
    sx_f2d_t *m = NULL;
    sx_err e = sx_f2d_create(MPI_COMM_WORLD, p, &m);
    printf("expected error: %s\n", sx_err_message());
    assert_int_equal(e, code);
    assert_null(m);
    assert_non_null(strstr(sx_err_message(), needle));
    sx_err_clear();
}

static void test_errors(void **state)
{
    char dem[512], small[512];
    assert_int_equal(f2d_write_input(MPI_COMM_WORLD, OUT "/err_dem.nc", 20, 10, 10.0, slope_fn, NULL, dem, sizeof dem), SX_OK);
    assert_int_equal(f2d_write_input(MPI_COMM_WORLD, OUT "/err_n.nc", 19, 10, 10.0, zero_fn, NULL, small, sizeof small), SX_OK);
    sx_f2d_params_t p;
    sx_f2d_params_default(&p);
    p.dem = dem;
    p.rain_mm_h = 10;
    p.manning_raster = small;
    expect_create_error(&p, SX_ERR_INPUT, "does not match the DEM");
    p.manning_raster = NULL;
    const double t[] = {0, 100}, q[] = {1, 1};
    sx_f2d_inflow_t in = {"bridge", 400000, 3000000 - 50, 2, t, q};
    p.ninflows = 1;
    p.inflows = &in;
    expect_create_error(&p, SX_ERR_INPUT, "inflow 'bridge' at x = 400000.000");
    p.ninflows = 0;
    p.rain_mm_h = 0;
    expect_create_error(&p, SX_ERR_CONFIG, "nothing to flood");
    p.rain_mm_h = 10;
    p.cfl = 1.5;
    expect_create_error(&p, SX_ERR_CONFIG, "unstable");
    p.cfl = 0.7;
    p.dem = SX_DATA_DIR "/dem/N47E009.SRTM3.tif";
    expect_create_error(&p, SX_ERR_CRS, "geographic");
}

static double flat_fn(int64_t i, int64_t j, void *c) { return 5.0; }

/* A line inflow spreads its discharge by length: after one step from a dry
 * flat bed (no face carries flow yet) each crossed cell holds q dt w / A
 * with w its share of the line; over a closed basin the storage then equals
 * the hydrograph's integral to round-off; a line leaving the grid fails. */
static void test_line_inflow(void **state)
{
    char dem[512];
    const double d = 10.0, x0 = 500000, y0 = 3000000;
    assert_int_equal(f2d_write_input(MPI_COMM_WORLD, OUT "/line_dem.nc", 12, 8, d, flat_fn, NULL, dem, sizeof dem), SX_OK);
    /* (1.5, 2.5) -> (4.5, 2.5) -> (4.5, 4.5) in cell units: lengths 3 + 2 cells */
    const double xy[] = {x0 + 1.5 * d, y0 - 2.5 * d, x0 + 4.5 * d, y0 - 2.5 * d, x0 + 4.5 * d, y0 - 4.5 * d};
    const double t[] = {0, 300, 900}, q[] = {10, 20, 0};
    sx_f2d_inflow_t in = {"dyke breach", 0, 0, 3, t, q, 3, xy};
    sx_f2d_params_t p;
    sx_f2d_params_default(&p);
    p.dem = dem;
    p.dt_max = 1.0;
    p.ninflows = 1;
    p.inflows = &in;
    sx_f2d_t *m = NULL;
    assert_int_equal(sx_f2d_create(MPI_COMM_WORLD, &p, &m), SX_OK);
    assert_int_equal(sx_f2d_advance(m, 1.0), SX_OK);
    double *h = f2d_gather(m, MPI_COMM_WORLD, SX_F2D_DEPTH);
    const struct { int i, j; double w; } want[] = {{1, 2, 0.1}, {2, 2, 0.2}, {3, 2, 0.2}, {4, 2, 0.2}, {4, 3, 0.2}, {4, 4, 0.1}};
    double qm = 10 + 10 * 0.5 / 300, sum = 0; /* q at the step's midpoint */
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
        double got = h[want[k].j * 12 + want[k].i], exp = qm * 1.0 * want[k].w / (d * d);
        printf("cell (%d, %d): depth %.17g, expected %.17g\n", want[k].i, want[k].j, got, exp);
        assert_true(fabs(got - exp) < 1e-15);
    }
    for (int k = 0; k < 12 * 8; k++) sum += h[k];
    assert_true(fabs(sum * d * d - qm) < 1e-12);
    free(h);
    /* to the knots exactly, so the midpoint rule is exact: 0.5 (10 + 20) 300 + 0.5 20 600 = 10500 m3 */
    assert_int_equal(sx_f2d_advance(m, 300.0), SX_OK);
    assert_int_equal(sx_f2d_advance(m, 900.0), SX_OK);
    assert_int_equal(sx_f2d_advance(m, 1000.0), SX_OK);
    sx_f2d_mass_t mb;
    assert_int_equal(sx_f2d_mass(m, &mb), SX_OK);
    printf("line inflow: storage %.9f m3, inflow %.9f m3 (10500 = the hydrograph's integral), error %.3g\n", mb.storage,
           mb.inflow, mb.error);
    assert_true(fabs(mb.inflow - 10500.0) < 1e-9);
    assert_true(fabs(mb.storage - 10500.0) < 1e-9);
    assert_true(mb.outflow == 0);
    sx_f2d_destroy(&m);
    /* a line that leaves the grid (its last point is 1 cell beyond the east edge) */
    const double out_xy[] = {x0 + 1.5 * d, y0 - 2.5 * d, x0 + 13 * d, y0 - 2.5 * d};
    in.xy = out_xy;
    in.npts = 2;
    expect_create_error(&p, SX_ERR_INPUT, "line inflow 'dyke breach': point 2");
}

/* Rain rates for the gridded-rain tests, mm/h; record 1 is dry. */
static double rain_rate(int64_t i, int64_t j, int64_t k) { return k == 1 ? 0.0 : 10.0 + (double)i + 30.0 * (double)((j + k) % 2); }
static void write_rain(const char *path, int64_t nx, int64_t ny, const double *tv, int64_t nt, char *name, size_t len)
{
    assert_int_equal(f2d_write_rain(MPI_COMM_WORLD, path, nx, ny, tv, nt, rain_rate, name, len), SX_OK);
}

/* Gridded rain varying in time over a closed basin: the rain volume equals
 * the sum over records of rate x cell area x 10 min, and so does the storage
 * (to round-off); the run goes past the last record, where it stops raining.
 * A grid of another size and a missing record fail clearly. */
static void test_rain_grid(void **state)
{
    char dem[512], rain[600], bad[600];
    assert_int_equal(f2d_write_input(MPI_COMM_WORLD, OUT "/rg_dem.nc", 20, 10, 10.0, slope_fn, NULL, dem, sizeof dem), SX_OK);
    const double tv[] = {60, 70, 80}; /* minutes since ...: model time 0 = the first record */
    write_rain(OUT "/rg_rain.nc", 20, 10, tv, 3, rain, sizeof rain);
    double expect = 0;
    for (int64_t k = 0; k < 3; k++)
        for (int64_t j = 0; j < 10; j++)
            for (int64_t i = 0; i < 20; i++) expect += rain_rate(i, j, k) / 3.6e6 * 100.0 * 600.0;
    sx_f2d_params_t p;
    sx_f2d_params_default(&p);
    p.dem = dem;
    p.rain_grid = rain;
    sx_f2d_t *m = NULL;
    assert_int_equal(sx_f2d_create(MPI_COMM_WORLD, &p, &m), SX_OK);
    assert_int_equal(sx_f2d_advance(m, 2000.0), SX_OK);
    sx_f2d_mass_t mb;
    assert_int_equal(sx_f2d_mass(m, &mb), SX_OK);
    printf("rain grid: rain %.9f m3 (expected %.9f), storage %.9f, error %.3g\n", mb.rain, expect, mb.storage, mb.error);
    assert_true(fabs(mb.rain - expect) < 1e-9 * expect);
    assert_true(fabs(mb.storage - expect) < 1e-9 * expect);
    sx_f2d_destroy(&m);

    write_rain(OUT "/rg_small.nc", 19, 10, tv, 3, bad, sizeof bad);
    p.rain_grid = bad;
    expect_create_error(&p, SX_ERR_INPUT, "does not match the DEM");
    const double gap[] = {60, 70, 90};
    write_rain(OUT "/rg_gap.nc", 20, 10, gap, 3, bad, sizeof bad);
    expect_create_error(&p, SX_ERR_INPUT, "a time step is missing");
}

/* The outlet's p50 read from a real forecast.csv equals the same series
 * converted by hand (awk) to time_s,discharge_m3s; bad node, column, scale
 * or a missing step length fail naming the file and key. */
/* The solver's cube root (vectorised, in the clone this CPU runs) equals
 * glibc's cbrt bit for bit: the condition for the solver's results to stay
 * those of the scalar scheme with libm. Depths of 1e-4 .. 1e4 m and the
 * whole positive double range, subnormals included. */
static void test_cbrt(void **state)
{
    const int64_t n = 4000000;
    double *x = malloc((size_t)n * sizeof *x), *y = malloc((size_t)n * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    uint64_t st = 88172645463325252ULL;
    for (int64_t i = 0; i < n; i++) {
        st ^= st << 13;
        st ^= st >> 7;
        st ^= st << 17;
        if (i % 2) {
            uint64_t b = (st >> 1) & 0x7fefffffffffffffULL;
            memcpy(&x[i], &b, sizeof b);
            if (x[i] == 0) x[i] = 1.0;
        } else {
            x[i] = ldexp((double)(st >> 11) / 9007199254740992.0 + 0.5, (int)(st % 28) - 14);
        }
    }
    sx__f2d_cbrt_array(x, y, n);
    int64_t bad = 0;
    for (int64_t i = 0; i < n; i++)
        if (memcmp(&y[i], &(double){cbrt(x[i])}, sizeof(double)) != 0) {
            if (bad < 5) printf("cbrt(%a): solver %a, libm %a\n", x[i], y[i], cbrt(x[i]));
            bad++;
        }
    printf("cube root: %lld of %lld values differ from libm\n", (long long)bad, (long long)n);
    assert_int_equal(bad, 0);
    free(x);
    free(y);
}

static void test_forecast_inflow(void **state)
{
    const char *fc = SX_TEST_DATA_DIR "/flood2d/chengcun_forecast.csv";
    sx_f2d_forecast_ref_t ref = {fc, "outlet", "p50", 24.0, 2.0};
    int64_t n = 0, nh = 0;
    double *t = NULL, *q = NULL, *th = NULL, *qh = NULL;
    assert_int_equal(sx_f2d_forecast_read(&ref, &n, &t, &q), SX_OK);
    assert_int_equal(sx_f2d_hydrograph_read(SX_TEST_DATA_DIR "/flood2d/chengcun_outlet_p50_x2.csv", &nh, &th, &qh), SX_OK);
    assert_int_equal(n, nh);
    for (int64_t k = 0; k < n; k++) {
        if (t[k] != th[k] || q[k] != qh[k]) printf("row %lld: %.17g %.17g vs %.17g %.17g\n", (long long)k, t[k], q[k], th[k], qh[k]);
        assert_true(t[k] == th[k] && q[k] == qh[k]);
    }
    printf("forecast inflow: %lld rows, peak %.3f m3/s at %.0f s (p50 x 2)\n", (long long)n, q[6], t[6]);
    free(t);
    free(q);
    free(th);
    free(qh);
    static const struct {
        const char *node, *column;
        double step, scale;
        sx_err code;
        const char *needle;
    } bad[] = {
        {"outlt", "p50", 24, 1, SX_ERR_INPUT, "no node 'outlt'; its nodes are u01, outlet"},
        {"outlet", "p99", 24, 1, SX_ERR_INPUT, "hydrograph.column: '" SX_TEST_DATA_DIR "/flood2d/chengcun_forecast.csv' has no column 'p99'"},
        {"u01", "p_warn", 24, 1, SX_ERR_INPUT, "node 'u01' has no value in column p_warn"},
        {"outlet", "p50", 0, 1, SX_ERR_CONFIG, "hydrograph.step_hours"},
        {"outlet", "p50", 24, -1, SX_ERR_CONFIG, "hydrograph.scale"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        sx_f2d_forecast_ref_t r = {fc, bad[i].node, bad[i].column, bad[i].step, bad[i].scale};
        sx_err e = sx_f2d_forecast_read(&r, &n, &t, &q);
        printf("expected error: %s\n", sx_err_message());
        assert_int_equal(e, bad[i].code);
        assert_null(t);
        assert_non_null(strstr(sx_err_message(), bad[i].needle));
        sx_err_clear();
    }
}

int main(int argc, char **argv)
{
    if (sx_mpi_init(&argc, &argv) != SX_OK) return 2;
    sx_gdal_init(0);
    sx_mkdir_p(OUT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lake_at_rest), cmocka_unit_test(test_ritter), cmocka_unit_test(test_stoker),
        cmocka_unit_test(test_thacker), cmocka_unit_test(test_mass_conservation), cmocka_unit_test(test_errors),
        cmocka_unit_test(test_forecast_inflow), cmocka_unit_test(test_line_inflow),
        cmocka_unit_test(test_rain_grid), cmocka_unit_test(test_cbrt),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    sx_mpi_finalize();
    return rc;
}
