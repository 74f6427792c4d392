/*
 * solver.c — the time step driver of the local inertial scheme (Bates et
 * al. 2010, doi:10.1016/j.jhydrol.2010.03.027, with de Almeida et al.'s 2012
 * theta weighting, doi:10.1029/2011WR011570; the per-cell work is in
 * sweep.c), plus the mass balance and field access.
 *
 * One step:
 *  1. dt = cfl min(dx, dy) / sqrt(g max h) from one exact MPI_MAX of the
 *     largest depth (known from the previous sweep), the non-finite depth
 *     count and the driver's flags;
 *  2. post the halo exchange of the state (depths 2 cells, discharges 3
 *     faces wide);
 *  3. sweep the interior of the block — the cells 3 or more cells from a
 *     neighbouring rank, which need no halo — while the messages travel;
 *  4. complete the exchange and sweep the border strips.
 * A rank computes the fluxes and limiter factors of the ring of cells around
 * what it updates itself, from the same operands as the neighbour that owns
 * them, so there is no exchange inside the step and every face and cell is
 * computed in the same order at any rank and thread count: results are
 * bit-identical to a 1-rank run.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "f2d_internal.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_perf.h"

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

/* The interior sweep in bands of rows with an MPI_Iprobe between them: Open
 * MPI moves large messages (rendezvous, TCP fragments) only inside MPI calls,
 * and none is made inside the OpenMP regions, so without these the halo
 * messages would wait for sx_halo_exchange_end. A band boundary costs two
 * rows of recomputed raw fluxes; bands are at least 64 rows. */
static sx_err sweep_interior(sx_f2d_t *m, const sx__f2d_stepc_t *k, int64_t x0, int64_t x1, int64_t y0, int64_t y1,
                             double *hm, int64_t *nb)
{
    const int64_t ny = y1 - y0;
    int nbands = m->dc.size > 1 ? (int)(ny / 64 < 8 ? ny / 64 : 8) : 1;
    if (nbands < 1) nbands = 1;
    for (int b = 0; b < nbands; b++) {
        sx__f2d_sweep(m, k, x0, x1, y0 + ny * b / nbands, y0 + ny * (b + 1) / nbands, hm, nb);
        if (b + 1 < nbands) {
            int flag;
            SX_CHECK_MPI(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, m->comm, &flag, MPI_STATUS_IGNORE));
        }
    }
    return SX_OK;
}

sx_err sx_f2d_step(sx_f2d_t *m, double t_stop) { return sx_f2d_step_flags(m, t_stop, NULL, NULL); }

sx_err sx_f2d_step_flags(sx_f2d_t *m, double t_stop, const int flags_in[2], int flags_out[2])
{
    if (m->rain_r) SX_CHECK(sx__f2d_rain_grid_update(m, &t_stop));
    double loc[4] = {m->hmax_local > m->level_hmax ? m->hmax_local : m->level_hmax, (double)m->nbad_local,
                     flags_in ? flags_in[0] : 0, flags_in ? flags_in[1] : 0},
           glob[4];
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

    const double rf = m->p.rain_series ? sx__f2d_inflow_q(m->p.rain_series, m->t + 0.5 * dt) : 1.0; /* midpoint */
    for (int k = 0; k < m->p.ninflows; k++) {
        double q = sx__f2d_inflow_q(&m->p.inflows[k], m->t + 0.5 * dt);
        m->vin += q * dt;
        m->inflow_qdt[k] = q * dt;
    }
    const sx__f2d_stepc_t k = {dt, t_new, rf, m->rain_rate, 0.5 * (1.0 - m->p.theta), m->inflow_qdt};

    /* Interior: 3 cells clear of every neighbouring rank (grid edges need no margin). */
    const sx_window_t o = m->own;
    const int64_t X0 = o.x0, X1 = o.x0 + o.nx, Y0 = o.y0, Y1 = o.y0 + o.ny;
    const int64_t ix0 = X0 + (X0 > 0 ? 3 : 0), ix1 = X1 - (X1 < m->grid.nx ? 3 : 0);
    const int64_t iy0 = Y0 + (Y0 > 0 ? 3 : 0), iy1 = Y1 - (Y1 < m->grid.ny ? 3 : 0);
    const int interior = ix0 < ix1 && iy0 < iy1;
    double hm = 0.0;
    int64_t nb = 0;
    sx_perf_start("flood2d: communicate", SX_PERF_COMM);
    SX_CHECK(sx_halo_exchange_begin(m->hc, m->h));
    SX_CHECK(sx_halo_exchange_begin(m->hfx, m->qx));
    SX_CHECK(sx_halo_exchange_begin(m->hfy, m->qy));
    sx_perf_stop("flood2d: communicate");
    sx_perf_start("flood2d: compute", SX_PERF_COMPUTE);
    if (interior) SX_CHECK(sweep_interior(m, &k, ix0, ix1, iy0, iy1, &hm, &nb));
    sx_perf_stop("flood2d: compute");
    sx_perf_start("flood2d: communicate", SX_PERF_COMM);
    SX_CHECK(sx_halo_exchange_end(m->hc, m->h));
    SX_CHECK(sx_halo_exchange_end(m->hfx, m->qx));
    SX_CHECK(sx_halo_exchange_end(m->hfy, m->qy));
    sx_perf_stop("flood2d: communicate");
    sx_perf_start("flood2d: compute", SX_PERF_COMPUTE);
    if (interior) {
        sx__f2d_sweep(m, &k, X0, X1, Y0, iy0, &hm, &nb);
        sx__f2d_sweep(m, &k, X0, X1, iy1, Y1, &hm, &nb);
        sx__f2d_sweep(m, &k, X0, ix0, iy0, iy1, &hm, &nb);
        sx__f2d_sweep(m, &k, ix1, X1, iy0, iy1, &hm, &nb);
    } else {
        sx__f2d_sweep(m, &k, X0, X1, Y0, Y1, &hm, &nb);
    }
    sx_perf_stop("flood2d: compute");
    m->vrain += m->rain_rate_sum * rf * dt * m->area;
    double *tmp = m->h;
    m->h = m->h1;
    m->h1 = tmp;
    tmp = m->qx;
    m->qx = m->qx1;
    m->qx1 = tmp;
    tmp = m->qy;
    m->qy = m->qy1;
    m->qy1 = tmp;
    m->hmax_local = hm;
    m->nbad_local = nb;
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
            case SX_F2D_MAX_DEPTH: v = (double)m->hmax[o]; break;
            case SX_F2D_MAX_SPEED: v = (double)m->vmax[o]; break;
            case SX_F2D_MAX_HAZARD: v = (double)m->hazmax[o]; break;
            case SX_F2D_ARRIVAL: v = (double)m->tarr[o]; break;
            case SX_F2D_QX_CELL: cell_speed(m, m->qx, m->qy, gi, gj, h, &a, &b); v = a; break;
            case SX_F2D_QY_CELL: cell_speed(m, m->qx, m->qy, gi, gj, h, &a, &b); v = b; break;
            default: SX_FAIL(SX_ERR_INTERNAL, "unknown field %d", (int)f);
            }
            out[o] = v;
        }
    return SX_OK;
}
