/*
 * test_flood2d_reference.c — the solver equals the scalar local inertial
 * scheme bit for bit.
 *
 * Below is the scheme as the equations in docs/inundation.md state it, one
 * plain pass per stage over a whole grid with libm's cbrt/fmax/fmin: raw
 * face fluxes (Bates et al. 2010 with de Almeida et al.'s 2012 theta
 * weighting, semi-implicit Manning friction), the volume-conserving
 * positivity limiter, the depth update with rain, edge outflow and a point
 * inflow at the midpoint, and the maxima. It is deliberately the slow,
 * obvious form. The solver (one fused, vectorised sweep per step, cloned for
 * several vector ISAs, split over OpenMP threads) must give the same depths,
 * discharges, maxima and arrival times, bit for bit, on a case with every
 * feature: an uneven bed with a nodata hole, a roughness raster, rain, an
 * inflow, free, fixed-level and closed edges, wetting and drying — at 1 and
 * 3 threads. If this fails, the solver's arithmetic changed (an FMA, a
 * reordering, a vectorised libm call) and its outputs are no longer those of
 * earlier versions.
 */
#include <math.h>
#include <omp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mpi/mpi_flood2d_util.h"
#include "sanxiang/sx_output.h"

#define OUT SX_TEST_OUT "/flood2d_reference"
#define NX 41
#define NY 29
#define D 10.0

static double bed(int64_t i, int64_t j, void *c)
{
    if (i == 17 && j == 11) return NAN;
    return 10.0 - 0.03 * (double)i + 0.5 * sin(0.4 * (double)i) * cos(0.3 * (double)j) + (i > 30 && j < 6 ? 1.5 : 0.0);
}
static double rough(int64_t i, int64_t j, void *c) { return 0.02 + 0.003 * (double)((3 * i + j) % 7); }

/* ---- the reference scheme ---- */

typedef struct {
    double z[NX * NY], n[NX * NY], h[NX * NY];
    double qx[(NX + 1) * NY], qy[NX * (NY + 1)], qx1[(NX + 1) * NY], qy1[NX * (NY + 1)], s[NX * NY];
    double hmax[NX * NY], vmax[NX * NY], hazmax[NX * NY], tarr[NX * NY];
    double t;
} ref_t;

static const sx_f2d_bc_t ref_bc[4] = {{SX_F2D_BC_FREE, 0.005}, {SX_F2D_BC_LEVEL, 9.9}, {SX_F2D_BC_CLOSED, 0}, {SX_F2D_BC_FREE, 0.01}};
static const double rain_ms = 40.0 / 3.6e6, h_dry = 1e-3, theta = 0.7, cfl = 0.7, arr = 0.01;
static const double in_t[] = {0, 300, 900}, in_q[] = {2, 15, 0};
#define IN_I 5
#define IN_J 20

#define C(i, j) ((j) * NX + (i))
#define QX(i, j) ((j) * (NX + 1) + (i))
#define QY(i, j) ((j) * NX + (i))

static double inflow_at(double t)
{
    if (t < in_t[0] || t > in_t[2]) return 0.0;
    int k = t < in_t[1] ? 0 : 1;
    double w = (t - in_t[k]) / (in_t[k + 1] - in_t[k]);
    return in_q[k] + w * (in_q[k + 1] - in_q[k]);
}

static double momentum(double q, double ql, double qr, double ea, double eb, double hf, double n, double dt)
{
    double qa = theta * q + 0.5 * (1.0 - theta) * (ql + qr);
    double num = qa - SX_F2D_G * hf * dt * (eb - ea) / D;
    double den = 1.0 + SX_F2D_G * dt * n * n * fabs(q) / (hf * hf * cbrt(hf));
    return num / den;
}

static double inner(const ref_t *r, int a, int b, double q, double ql, double qr, double dt)
{
    if (isnan(r->z[a]) || isnan(r->z[b])) return 0.0;
    double ea = r->z[a] + r->h[a], eb = r->z[b] + r->h[b];
    double hf = fmax(ea, eb) - fmax(r->z[a], r->z[b]);
    return hf <= h_dry ? 0.0 : momentum(q, ql, qr, ea, eb, hf, 0.5 * (r->n[a] + r->n[b]), dt);
}

/* Edge face of cell c; in: the cell is east/south of the face. */
static double edge(const ref_t *r, int e, int in, int c, double q, double qnb, double dt)
{
    const sx_f2d_bc_t *bc = &ref_bc[e];
    if (bc->kind == SX_F2D_BC_CLOSED || isnan(r->z[c])) return 0.0;
    double eta = r->z[c] + r->h[c], eg, hf;
    if (bc->kind == SX_F2D_BC_FREE) {
        if (r->h[c] <= h_dry) return 0.0;
        eg = eta - bc->value * D;
        hf = r->h[c];
    } else {
        eg = bc->value;
        hf = fmax(eta, eg) - r->z[c];
        if (hf <= h_dry) return 0.0;
    }
    double v = momentum(q, in ? q : qnb, in ? qnb : q, in ? eg : eta, in ? eta : eg, hf, r->n[c], dt);
    if (bc->kind == SX_F2D_BC_FREE) v = in ? fmin(v, 0.0) : fmax(v, 0.0);
    return v;
}

static void ref_step(ref_t *r, double t_stop)
{
    double hm = 0.0;
    for (int c = 0; c < NX * NY; c++)
        if (r->h[c] > hm) hm = r->h[c];
    for (int j = 0; j < NY; j++) /* the fixed level on the east edge */
        if (!isnan(r->z[C(NX - 1, j)]) && ref_bc[1].value - r->z[C(NX - 1, j)] > hm) hm = ref_bc[1].value - r->z[C(NX - 1, j)];
    double dt = 10.0;
    if (hm > h_dry) dt = fmin(cfl * D / sqrt(SX_F2D_G * hm), 10.0);
    double t_new = r->t + dt;
    if (dt >= t_stop - r->t) {
        dt = t_stop - r->t;
        t_new = t_stop;
    }
    for (int j = 0; j < NY; j++)
        for (int i = 0; i <= NX; i++) {
            double q = r->qx[QX(i, j)];
            r->qx1[QX(i, j)] = i == 0 ? edge(r, 0, 1, C(0, j), q, r->qx[QX(1, j)], dt)
                             : i == NX ? edge(r, 1, 0, C(NX - 1, j), q, r->qx[QX(NX - 1, j)], dt)
                                       : inner(r, C(i - 1, j), C(i, j), q, r->qx[QX(i - 1, j)], r->qx[QX(i + 1, j)], dt);
        }
    for (int j = 0; j <= NY; j++)
        for (int i = 0; i < NX; i++) {
            double q = r->qy[QY(i, j)];
            r->qy1[QY(i, j)] = j == 0 ? edge(r, 2, 1, C(i, 0), q, r->qy[QY(i, 1)], dt)
                             : j == NY ? edge(r, 3, 0, C(i, NY - 1), q, r->qy[QY(i, NY - 1)], dt)
                                       : inner(r, C(i, j - 1), C(i, j), q, r->qy[QY(i, j - 1)], r->qy[QY(i, j + 1)], dt);
        }
    for (int j = 0; j < NY; j++)
        for (int i = 0; i < NX; i++) {
            double qw = r->qx1[QX(i, j)], qe = r->qx1[QX(i + 1, j)], qn = r->qy1[QY(i, j)], qs = r->qy1[QY(i, j + 1)];
            double out = dt * (D * (fmax(-qw, 0.0) + fmax(qe, 0.0)) + D * (fmax(-qn, 0.0) + fmax(qs, 0.0)));
            double vol = r->h[C(i, j)] * (D * D);
            r->s[C(i, j)] = out > vol ? vol / out : 1.0;
        }
    for (int j = 0; j < NY; j++)
        for (int i = 0; i <= NX; i++) {
            double *q = &r->qx1[QX(i, j)];
            int donor = *q > 0 ? i - 1 : i;
            if (donor >= 0 && donor < NX && *q != 0) *q *= r->s[C(donor, j)];
        }
    for (int j = 0; j <= NY; j++)
        for (int i = 0; i < NX; i++) {
            double *q = &r->qy1[QY(i, j)];
            int donor = *q > 0 ? j - 1 : j;
            if (donor >= 0 && donor < NY && *q != 0) *q *= r->s[C(i, donor)];
        }
    for (int j = 0; j < NY; j++)
        for (int i = 0; i < NX; i++) {
            int c = C(i, j);
            double qw = r->qx1[QX(i, j)], qe = r->qx1[QX(i + 1, j)], qn = r->qy1[QY(i, j)], qs = r->qy1[QY(i, j + 1)];
            double h = r->h[c] + dt * ((qw - qe) / D + (qn - qs) / D);
            h += (isnan(r->z[c]) ? 0.0 : rain_ms) * 1.0 * dt;
            if (h < 0) h = 0.0; /* (the booked volume is not compared here) */
            r->h[c] = h;
        }
    r->h[C(IN_I, IN_J)] += inflow_at(r->t + 0.5 * dt) * dt * 1.0 / (D * D);
    for (int j = 0; j < NY; j++)
        for (int i = 0; i < NX; i++) {
            int c = C(i, j);
            double h = r->h[c];
            double a = 0.5 * (r->qx1[QX(i, j)] + r->qx1[QX(i + 1, j)]), b = 0.5 * (r->qy1[QY(i, j)] + r->qy1[QY(i, j + 1)]);
            double v = h >= arr ? sqrt(a * a + b * b) / h : 0.0;
            if (h > r->hmax[c]) r->hmax[c] = h;
            if (v > r->vmax[c]) r->vmax[c] = v;
            if (h * v > r->hazmax[c]) r->hazmax[c] = h * v;
            if (isnan(r->tarr[c]) && h >= arr) r->tarr[c] = t_new;
        }
    memcpy(r->qx, r->qx1, sizeof r->qx);
    memcpy(r->qy, r->qy1, sizeof r->qy);
    r->t = t_new;
}

/* ---- the comparison ---- */

static int64_t differ(const double *a, const double *b, int64_t n, const char *what)
{
    int64_t bad = 0;
    for (int64_t k = 0; k < n; k++)
        if (memcmp(&a[k], &b[k], sizeof *a) != 0) {
            if (!bad) printf("%s differs first at cell %lld: solver %.17g, reference %.17g\n", what, (long long)k, a[k], b[k]);
            bad++;
        }
    return bad;
}

static void run_and_compare(const char *dem, const char *man, int threads, double t_end)
{
    static ref_t r;
    memset(&r, 0, sizeof r);
    for (int j = 0; j < NY; j++)
        for (int i = 0; i < NX; i++) {
            r.z[C(i, j)] = bed(i, j, NULL);
            r.n[C(i, j)] = rough(i, j, NULL);
            r.tarr[C(i, j)] = NAN;
        }
    const sx_f2d_inflow_t in = {"spring", 500000 + D * (IN_I + 0.5), 3000000 - D * (IN_J + 0.5), 3, in_t, in_q};
    sx_f2d_params_t p;
    sx_f2d_params_default(&p);
    p.dem = dem;
    p.manning_raster = man;
    p.rain_mm_h = 40.0;
    p.ninflows = 1;
    p.inflows = &in;
    for (int e = 0; e < 4; e++) p.bc[e] = ref_bc[e];
    omp_set_num_threads(threads);
    sx_f2d_t *m = NULL;
    assert_int_equal(sx_f2d_create(MPI_COMM_WORLD, &p, &m), SX_OK);
    int64_t steps = 0;
    while (r.t < t_end) {
        ref_step(&r, t_end);
        assert_int_equal(sx_f2d_step(m, t_end), SX_OK);
        steps++;
        assert_memory_equal(&r.t, &(double){sx_f2d_time(m)}, sizeof r.t);
    }
    double *f[9];
    const sx_f2d_field fld[9] = {SX_F2D_DEPTH,     SX_F2D_QX_CELL,  SX_F2D_QY_CELL,  SX_F2D_MAX_DEPTH, SX_F2D_MAX_SPEED,
                                 SX_F2D_MAX_HAZARD, SX_F2D_ARRIVAL, SX_F2D_SPEED,    SX_F2D_LEVEL};
    for (int k = 0; k < 9; k++) f[k] = f2d_gather(m, MPI_COMM_WORLD, fld[k]);
    static double qxc[NX * NY], qyc[NX * NY], hm[NX * NY], vm[NX * NY], hz[NX * NY], ta[NX * NY];
    int64_t wet = 0;
    for (int j = 0; j < NY; j++)
        for (int i = 0; i < NX; i++) {
            int c = C(i, j);
            qxc[c] = 0.5 * (r.qx[QX(i, j)] + r.qx[QX(i + 1, j)]);
            qyc[c] = 0.5 * (r.qy[QY(i, j)] + r.qy[QY(i, j + 1)]);
            /* the solver holds maxima and arrival as float, the products' type */
            hm[c] = (float)r.hmax[c];
            vm[c] = (float)r.vmax[c];
            hz[c] = (float)r.hazmax[c];
            ta[c] = (float)r.tarr[c];
            wet += r.h[c] > h_dry;
        }
    int64_t bad = differ(f[0], r.h, NX * NY, "depth") + differ(f[1], qxc, NX * NY, "x discharge") +
                  differ(f[2], qyc, NX * NY, "y discharge") + differ(f[3], hm, NX * NY, "max depth") +
                  differ(f[4], vm, NX * NY, "max speed") + differ(f[5], hz, NX * NY, "max hazard") +
                  differ(f[6], ta, NX * NY, "arrival time");
    printf("reference scheme, %d thread(s): %lld steps to t = %.0f s, %lld wet cells, %lld values differ\n", threads,
           (long long)steps, t_end, (long long)wet, (long long)bad);
    assert_true(wet > NX * NY / 4); /* the case wets and moves water */
    assert_int_equal(bad, 0);
    for (int k = 0; k < 9; k++) free(f[k]);
    sx_f2d_destroy(&m);
}

static void test_reference(void **state)
{
    char dem[512], man[512];
    if (sx_mpi_rank() == 0) sx_mkdir_p(OUT);
    assert_int_equal(f2d_write_input(MPI_COMM_WORLD, OUT "/dem.nc", NX, NY, D, bed, NULL, dem, sizeof dem), SX_OK);
    assert_int_equal(f2d_write_input(MPI_COMM_WORLD, OUT "/n.nc", NX, NY, D, rough, NULL, man, sizeof man), SX_OK);
    run_and_compare(dem, man, 1, 900.0);
    run_and_compare(dem, man, 3, 900.0);
}

int main(int argc, char **argv)
{
    if (sx_mpi_init(&argc, &argv) != SX_OK) return 2;
    sx_gdal_init(0);
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_reference)};
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    sx_mpi_finalize();
    return rc;
}
