/*
 * solver.c — one time step of the local inertial scheme (Bates et al. 2010,
 * doi:10.1016/j.jhydrol.2010.03.027) with de Almeida et al.'s (2012,
 * doi:10.1029/2011WR011570) theta weighting:
 *
 *   q' = [theta q + (1-theta)/2 (q_l + q_r) - g h_f dt (eta_b - eta_a)/dx]
 *        / [1 + g dt n^2 |q| / h_f^(7/3)]
 *   h' = h + dt (q_w - q_e)/dx + dt (q_n - q_s)/dy + rain dt + Q_in dt/A
 *
 * with h_f = max(eta_a, eta_b) - max(z_a, z_b) and q' = 0 where h_f <= h_dry
 * or either cell is nodata; dt = cfl min(dx, dy) / sqrt(g max h), agreed over
 * ranks by an exact MPI_MAX.
 *
 * Order within a step (five halo exchanges: depths width 1, discharges
 * width 2 so that the far face of every halo cell is known):
 *  1. every rank computes the new discharges of the faces it owns;
 *  2. exchange them; each rank then knows all faces of its cells and of the
 *     ring of halo cells around them;
 *  3. positivity limiter: a cell whose outflow volume would exceed its water
 *     scales its outgoing faces by V/out (computed identically by both ranks
 *     that see a face, so no extra exchange);
 *  4. depth update of own cells, edge and inflow accounting;
 *  5. exchange depths and the limited discharges, overlapped with the
 *     statistics (maxima, arrival), which need no halo.
 * Every face and cell is computed from the same inputs in the same order at
 * any rank count, so results are bit-identical to a 1-rank run.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "f2d_internal.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_perf.h"

static inline double inertial(double q, double ql, double qr, double eta_a, double eta_b, double hf, double n,
                              double dt, double d, double theta)
{
    double qa = theta * q + 0.5 * (1.0 - theta) * (ql + qr);
    double num = qa - SX_F2D_G * hf * dt * (eta_b - eta_a) / d;
    double den = 1.0 + SX_F2D_G * dt * n * n * fabs(q) / (hf * hf * cbrt(hf)); /* hf^(7/3); cbrt is cheaper than pow */
    return num / den;
}

/* Interior face between cells a (west/north) and b (east/south). */
static inline double face_interior(const sx_f2d_t *m, int64_t ca, int64_t cb, double q, double ql, double qr, double dt,
                                   double d)
{
    double za = m->z[ca], zb = m->z[cb];
    if (isnan(za) || isnan(zb)) return 0.0;
    double ea = za + m->h[ca], eb = zb + m->h[cb];
    double hf = fmax(ea, eb) - fmax(za, zb);
    if (hf <= m->p.h_dry) return 0.0;
    return inertial(q, ql, qr, ea, eb, hf, 0.5 * (m->n[ca] + m->n[cb]), dt, d, m->p.theta);
}

/* Edge face of cell c; inside_b: the cell lies east/south of the face (west
 * and north edges), so positive q flows into the grid. qnb is the inner
 * neighbouring face, used for the theta average with q standing in for the
 * face beyond the edge. */
static inline double face_edge(const sx_f2d_t *m, const sx_f2d_bc_t *bc, int inside_b, int64_t c, double q, double qnb,
                               double dt, double d)
{
    double z = m->z[c];
    if (bc->kind == SX_F2D_BC_CLOSED || isnan(z)) return 0.0;
    double eta = z + m->h[c], eg, hf;
    if (bc->kind == SX_F2D_BC_FREE) {
        if (m->h[c] <= m->p.h_dry) return 0.0;
        eg = eta - bc->value * d; /* a ghost lower by the given surface slope */
        hf = m->h[c];
    } else {
        eg = bc->value;
        hf = fmax(eta, eg) - z;
        if (hf <= m->p.h_dry) return 0.0;
    }
    double ea = inside_b ? eg : eta, eb = inside_b ? eta : eg;
    double qn = inertial(q, inside_b ? q : qnb, inside_b ? qnb : q, ea, eb, hf, m->n[c], dt, d, m->p.theta);
    if (bc->kind == SX_F2D_BC_FREE) qn = inside_b ? fmin(qn, 0.0) : fmax(qn, 0.0); /* outflow only */
    return qn;
}

static void fluxes(sx_f2d_t *m, double dt)
{
    const int64_t gnx = m->grid.nx, gny = m->grid.ny;
    const sx_window_t fx = m->fxo, fy = m->fyo;
#pragma omp parallel for schedule(static)
    for (int64_t gj = fx.y0; gj < fx.y0 + fx.ny; gj++)
        for (int64_t fi = fx.x0; fi < fx.x0 + fx.nx; fi++) {
            int64_t k = sx__f2d_xi(m, fi, gj);
            double q = m->qx[k], v;
            if (fi == 0) v = face_edge(m, &m->p.bc[SX_F2D_WEST], 1, sx__f2d_ci(m, 0, gj), q, m->qx[k + 1], dt, m->dx);
            else if (fi == gnx)
                v = face_edge(m, &m->p.bc[SX_F2D_EAST], 0, sx__f2d_ci(m, gnx - 1, gj), q, m->qx[k - 1], dt, m->dx);
            else
                v = face_interior(m, sx__f2d_ci(m, fi - 1, gj), sx__f2d_ci(m, fi, gj), q, m->qx[k - 1], m->qx[k + 1], dt,
                                  m->dx);
            m->qx1[k] = v;
        }
    const int64_t ys = m->ye.nx;
#pragma omp parallel for schedule(static)
    for (int64_t fj = fy.y0; fj < fy.y0 + fy.ny; fj++)
        for (int64_t gi = fy.x0; gi < fy.x0 + fy.nx; gi++) {
            int64_t k = sx__f2d_yi(m, gi, fj);
            double q = m->qy[k], v;
            if (fj == 0) v = face_edge(m, &m->p.bc[SX_F2D_NORTH], 1, sx__f2d_ci(m, gi, 0), q, m->qy[k + ys], dt, m->dy);
            else if (fj == gny)
                v = face_edge(m, &m->p.bc[SX_F2D_SOUTH], 0, sx__f2d_ci(m, gi, gny - 1), q, m->qy[k - ys], dt, m->dy);
            else
                v = face_interior(m, sx__f2d_ci(m, gi, fj - 1), sx__f2d_ci(m, gi, fj), q, m->qy[k - ys], m->qy[k + ys],
                                  dt, m->dy);
            m->qy1[k] = v;
        }
}

static inline int in_win(sx_window_t w, int64_t i, int64_t j)
{
    return i >= w.x0 && i < w.x0 + w.nx && j >= w.y0 && j < w.y0 + w.ny;
}

/* Limiter factors for every cell of ce whose four faces are known here. */
static void limiter(sx_f2d_t *m, double dt)
{
    const sx_window_t ce = m->ce;
#pragma omp parallel for schedule(static)
    for (int64_t gj = ce.y0; gj < ce.y0 + ce.ny; gj++)
        for (int64_t gi = ce.x0; gi < ce.x0 + ce.nx; gi++) {
            int64_t c = sx__f2d_ci(m, gi, gj);
            m->s[c] = 1.0;
            if (!in_win(m->xe, gi, gj) || !in_win(m->xe, gi + 1, gj) || !in_win(m->ye, gi, gj) ||
                !in_win(m->ye, gi, gj + 1))
                continue;
            double qw = m->qx1[sx__f2d_xi(m, gi, gj)], qe = m->qx1[sx__f2d_xi(m, gi + 1, gj)];
            double qn = m->qy1[sx__f2d_yi(m, gi, gj)], qs = m->qy1[sx__f2d_yi(m, gi, gj + 1)];
            double out = dt * (m->dy * (fmax(-qw, 0.0) + fmax(qe, 0.0)) + m->dx * (fmax(-qn, 0.0) + fmax(qs, 0.0)));
            double vol = m->h[c] * m->area;
            if (out > vol) m->s[c] = vol / out;
        }
    /* Scale the faces of own cells by their donor's factor. */
    const sx_window_t own = m->own;
    const int64_t gnx = m->grid.nx, gny = m->grid.ny;
#pragma omp parallel for schedule(static)
    for (int64_t gj = own.y0; gj < own.y0 + own.ny; gj++)
        for (int64_t fi = own.x0; fi <= own.x0 + own.nx; fi++) {
            double *q = &m->qx1[sx__f2d_xi(m, fi, gj)];
            int64_t donor = *q > 0 ? fi - 1 : fi;
            if (donor >= 0 && donor < gnx && *q != 0) *q *= m->s[sx__f2d_ci(m, donor, gj)];
        }
#pragma omp parallel for schedule(static)
    for (int64_t fj = own.y0; fj <= own.y0 + own.ny; fj++)
        for (int64_t gi = own.x0; gi < own.x0 + own.nx; gi++) {
            double *q = &m->qy1[sx__f2d_yi(m, gi, fj)];
            int64_t donor = *q > 0 ? fj - 1 : fj;
            if (donor >= 0 && donor < gny && *q != 0) *q *= m->s[sx__f2d_ci(m, gi, donor)];
        }
}

static inline double cell_speed(const sx_f2d_t *m, const double *qx, const double *qy, int64_t gi, int64_t gj,
                                double h, double *qxc, double *qyc)
{
    double a = 0.5 * (qx[sx__f2d_xi(m, gi, gj)] + qx[sx__f2d_xi(m, gi + 1, gj)]);
    double b = 0.5 * (qy[sx__f2d_yi(m, gi, gj)] + qy[sx__f2d_yi(m, gi, gj + 1)]);
    if (qxc) *qxc = a;
    if (qyc) *qyc = b;
    /* Velocities only where the water is deeper than arrival_depth: q / h of a film is noise. */
    return h >= m->p.arrival_depth ? sqrt(a * a + b * b) / h : 0.0;
}

static void update_depths(sx_f2d_t *m, double dt)
{
    const sx_window_t own = m->own;
    const int64_t gnx = m->grid.nx, gny = m->grid.ny;
    const double dx = m->dx, dy = m->dy, area = m->area;
    const double rf = m->p.rain_series ? sx__f2d_inflow_q(m->p.rain_series, m->t + 0.5 * dt) : 1.0; /* midpoint */
#pragma omp parallel for schedule(static)
    for (int64_t gj = own.y0; gj < own.y0 + own.ny; gj++)
        for (int64_t gi = own.x0; gi < own.x0 + own.nx; gi++) {
            int64_t c = sx__f2d_ci(m, gi, gj), o = sx__f2d_oi(m, gi, gj);
            double qw = m->qx1[sx__f2d_xi(m, gi, gj)], qe = m->qx1[sx__f2d_xi(m, gi + 1, gj)];
            double qn = m->qy1[sx__f2d_yi(m, gi, gj)], qs = m->qy1[sx__f2d_yi(m, gi, gj + 1)];
            double h = m->h[c] + dt * ((qw - qe) / dx + (qn - qs) / dy);
            if (m->rain) h += m->rain[o] * rf * dt;
            double vo = 0.0;
            if (gi == 0) vo -= qw * dt * dy;
            if (gi == gnx - 1) vo += qe * dt * dy;
            if (gj == 0) vo -= qn * dt * dx;
            if (gj == gny - 1) vo += qs * dt * dx;
            if (h < 0) { /* round-off below zero after the limiter: book it as an inflow */
                vo += h * area;
                h = 0.0;
            }
            m->vout[o] += vo;
            m->h[c] = h;
        }
    for (int k = 0; k < m->p.ninflows; k++) {
        double q = sx__f2d_inflow_q(&m->p.inflows[k], m->t + 0.5 * dt);
        m->vin += q * dt;
        for (int64_t e = m->inflow_off[k]; e < m->inflow_off[k + 1]; e++) m->h[m->inflow_c[e]] += q * dt * m->inflow_w[e] / area;
    }
    m->vrain += m->rain_rate_sum * rf * dt * area;
}

/* Running maxima and arrival times of own cells: reads only own depths and
 * the faces of own cells (all computed here), so it runs while the halos of
 * the step are in flight. */
static void update_stats(sx_f2d_t *m, double t_new)
{
    const sx_window_t own = m->own;
#pragma omp parallel for schedule(static)
    for (int64_t gj = own.y0; gj < own.y0 + own.ny; gj++)
        for (int64_t gi = own.x0; gi < own.x0 + own.nx; gi++) {
            int64_t o = sx__f2d_oi(m, gi, gj);
            double h = m->h[sx__f2d_ci(m, gi, gj)];
            double v = cell_speed(m, m->qx1, m->qy1, gi, gj, h, NULL, NULL);
            if (h > m->hmax[o]) m->hmax[o] = h;
            if (v > m->vmax[o]) m->vmax[o] = v;
            if (h * v > m->hazmax[o]) m->hazmax[o] = h * v;
            if (isnan(m->tarr[o]) && h >= m->p.arrival_depth) m->tarr[o] = t_new;
        }
}

/* Largest depth this rank sees (incl. fixed levels at its edges), or NaN/inf. */
static double local_hmax(const sx_f2d_t *m, int *bad)
{
    const sx_window_t own = m->own;
    double hm = 0.0;
    int nb = 0;
#pragma omp parallel for schedule(static) reduction(max : hm) reduction(+ : nb)
    for (int64_t gj = own.y0; gj < own.y0 + own.ny; gj++)
        for (int64_t gi = own.x0; gi < own.x0 + own.nx; gi++) {
            double h = m->h[sx__f2d_ci(m, gi, gj)];
            if (!isfinite(h)) nb++;
            else if (h > hm) hm = h;
        }
    for (int e = 0; e < 4; e++) {
        const sx_f2d_bc_t *bc = &m->p.bc[e];
        if (bc->kind != SX_F2D_BC_LEVEL) continue;
        int64_t gx0 = own.x0, gx1 = own.x0 + own.nx, gy0 = own.y0, gy1 = own.y0 + own.ny;
        if (e == SX_F2D_WEST) { if (gx0 != 0) continue; gx1 = 1; }
        if (e == SX_F2D_EAST) { if (gx1 != m->grid.nx) continue; gx0 = gx1 - 1; }
        if (e == SX_F2D_NORTH) { if (gy0 != 0) continue; gy1 = 1; }
        if (e == SX_F2D_SOUTH) { if (gy1 != m->grid.ny) continue; gy0 = gy1 - 1; }
        for (int64_t gj = gy0; gj < gy1; gj++)
            for (int64_t gi = gx0; gi < gx1; gi++) {
                double z = m->z[sx__f2d_ci(m, gi, gj)];
                if (!isnan(z) && bc->value - z > hm) hm = bc->value - z;
            }
    }
    *bad = nb;
    return hm;
}

sx_err sx_f2d_step(sx_f2d_t *m, double t_stop) { return sx_f2d_step_flags(m, t_stop, NULL, NULL); }

sx_err sx_f2d_step_flags(sx_f2d_t *m, double t_stop, const int flags_in[2], int flags_out[2])
{
    if (m->rain_r) SX_CHECK(sx__f2d_rain_grid_update(m, &t_stop));
    sx_perf_start("flood2d: compute", SX_PERF_COMPUTE);
    int nbad = 0;
    double loc[4] = {local_hmax(m, &nbad), 0, flags_in ? flags_in[0] : 0, flags_in ? flags_in[1] : 0}, glob[4];
    loc[1] = nbad;
    sx_perf_stop("flood2d: compute");
    sx_perf_start("flood2d: communicate", SX_PERF_COMM);
    SX_CHECK_MPI(MPI_Allreduce(loc, glob, 4, MPI_DOUBLE, MPI_MAX, m->comm));
    sx_perf_stop("flood2d: communicate");
    if (flags_out) {
        flags_out[0] = (int)glob[2];
        flags_out[1] = (int)glob[3];
    }
    SX_FAIL_IF(glob[1] > 0, SX_ERR_NUMERIC,
               "non-finite water depth at t = %.3f s after %lld steps; the run is unstable: lower cfl, raise theta "
               "toward 1 or check the inputs",
               m->t, (long long)m->nsteps);
    double dt = m->p.dt_max;
    if (glob[0] > m->p.h_dry) {
        dt = m->p.cfl * fmin(m->dx, m->dy) / sqrt(SX_F2D_G * glob[0]);
        if (dt > m->p.dt_max) dt = m->p.dt_max;
    }
    SX_FAIL_IF(dt < m->p.dt_min, SX_ERR_NUMERIC,
               "time step %.3g s (depth %.3g m) fell below dt_min = %.3g s at t = %.3f s; the run is unstable or "
               "the water far too deep for the cell size: check the DEM units and inflows",
               dt, glob[0], m->p.dt_min, m->t);
    double t_new = m->t + dt;
    if (dt >= t_stop - m->t) {
        dt = t_stop - m->t;
        t_new = t_stop;
    }
    SX_FAIL_IF(!(dt > 0), SX_ERR_INTERNAL, "step requested at t = %.6f s with nothing left before %.6f s", m->t, t_stop);

    sx_perf_start("flood2d: compute", SX_PERF_COMPUTE);
    fluxes(m, dt);
    sx_perf_stop("flood2d: compute");
    sx_perf_start("flood2d: communicate", SX_PERF_COMM);
    SX_CHECK(sx_halo_exchange_begin(m->hfx, m->qx1));
    SX_CHECK(sx_halo_exchange_begin(m->hfy, m->qy1));
    SX_CHECK(sx_halo_exchange_end(m->hfx, m->qx1));
    SX_CHECK(sx_halo_exchange_end(m->hfy, m->qy1));
    sx_perf_stop("flood2d: communicate");
    sx_perf_start("flood2d: compute", SX_PERF_COMPUTE);
    limiter(m, dt);
    update_depths(m, dt);
    sx_perf_stop("flood2d: compute");
    /* Overlap: the step's halos travel while the statistics are updated. */
    sx_perf_start("flood2d: communicate", SX_PERF_COMM);
    SX_CHECK(sx_halo_exchange_begin(m->hc, m->h));
    SX_CHECK(sx_halo_exchange_begin(m->hfx, m->qx1));
    SX_CHECK(sx_halo_exchange_begin(m->hfy, m->qy1));
    sx_perf_stop("flood2d: communicate");
    sx_perf_start("flood2d: compute", SX_PERF_COMPUTE);
    update_stats(m, t_new);
    sx_perf_stop("flood2d: compute");
    sx_perf_start("flood2d: communicate", SX_PERF_COMM);
    SX_CHECK(sx_halo_exchange_end(m->hc, m->h));
    SX_CHECK(sx_halo_exchange_end(m->hfx, m->qx1));
    SX_CHECK(sx_halo_exchange_end(m->hfy, m->qy1));
    sx_perf_stop("flood2d: communicate");
    double *tmp = m->qx;
    m->qx = m->qx1;
    m->qx1 = tmp;
    tmp = m->qy;
    m->qy = m->qy1;
    m->qy1 = tmp;
    m->t = t_new;
    m->last_dt = dt;
    m->nsteps++;
    return SX_OK;
}

sx_err sx_f2d_advance(sx_f2d_t *m, double t_stop)
{
    while (m->t < t_stop) SX_CHECK(sx_f2d_step(m, t_stop));
    return SX_OK;
}

sx_err sx__f2d_xsum_allreduce(MPI_Comm comm, const sx__f2d_xsum_t *local, int n, double *out)
{
    int64_t limbs[16] = {0}, sums[16] = {0};
    SX_FAIL_IF(n > 8, SX_ERR_INTERNAL, "too many exact sums at once (%d)", n);
    for (int k = 0; k < n; k++) {
        limbs[2 * k] = (int64_t)(local[k].acc >> 32);
        limbs[2 * k + 1] = (int64_t)(local[k].acc & 0xffffffff);
    }
    SX_CHECK_MPI(MPI_Allreduce(limbs, sums, 2 * n, MPI_INT64_T, MPI_SUM, comm));
    for (int k = 0; k < n; k++) {
        /* hi * 2^32 + lo (a multiplication: left shifts of negative values are undefined) */
        __int128 tot = (__int128)sums[2 * k] * ((__int128)1 << 32) + (__int128)sums[2 * k + 1];
        out[k] = (double)tot / SX__F2D_XSUM_SCALE;
    }
    return SX_OK;
}

sx_err sx_f2d_mass(sx_f2d_t *m, sx_f2d_mass_t *mb)
{
    const sx_window_t own = m->own;
    sx__f2d_xsum_t loc[2] = {{0}, {0}};
#pragma omp parallel
    {
        sx__f2d_xsum_t a = {0}, b = {0};
#pragma omp for schedule(static)
        for (int64_t gj = own.y0; gj < own.y0 + own.ny; gj++)
            for (int64_t gi = own.x0; gi < own.x0 + own.nx; gi++) {
                sx__f2d_xsum_add(&a, m->h[sx__f2d_ci(m, gi, gj)] * m->area);
                sx__f2d_xsum_add(&b, m->vout[sx__f2d_oi(m, gi, gj)]);
            }
#pragma omp critical(sx_f2d_mass)
        {
            loc[0].acc += a.acc;
            loc[1].acc += b.acc;
        }
    }
    double g[2] = {0, 0};
    SX_CHECK(sx__f2d_xsum_allreduce(m->comm, loc, 2, g));
    mb->storage0 = m->storage0;
    mb->storage = g[0];
    mb->outflow = g[1];
    mb->inflow = m->vin;
    mb->rain = m->vrain;
    mb->error = mb->storage - mb->storage0 - mb->inflow - mb->rain + mb->outflow;
    return SX_OK;
}

sx_err sx_f2d_get_field(const sx_f2d_t *m, sx_f2d_field f, double *out)
{
    const sx_window_t own = m->own;
    for (int64_t gj = own.y0; gj < own.y0 + own.ny; gj++)
        for (int64_t gi = own.x0; gi < own.x0 + own.nx; gi++) {
            int64_t c = sx__f2d_ci(m, gi, gj), o = sx__f2d_oi(m, gi, gj);
            double h = m->h[c], v = 0, a, b;
            switch (f) {
            case SX_F2D_DEPTH: v = h; break;
            case SX_F2D_LEVEL: v = m->z[c] + h; break;
            case SX_F2D_SPEED: v = cell_speed(m, m->qx, m->qy, gi, gj, h, NULL, NULL); break;
            case SX_F2D_MAX_DEPTH: v = m->hmax[o]; break;
            case SX_F2D_MAX_SPEED: v = m->vmax[o]; break;
            case SX_F2D_MAX_HAZARD: v = m->hazmax[o]; break;
            case SX_F2D_ARRIVAL: v = m->tarr[o]; break;
            case SX_F2D_QX_CELL: cell_speed(m, m->qx, m->qy, gi, gj, h, &a, &b); v = a; break;
            case SX_F2D_QY_CELL: cell_speed(m, m->qx, m->qy, gi, gj, h, &a, &b); v = b; break;
            default: SX_FAIL(SX_ERR_INTERNAL, "unknown field %d", (int)f);
            }
            out[o] = v;
        }
    return SX_OK;
}
