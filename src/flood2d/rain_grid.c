/*
 * rain_grid.c — gridded rainfall varying in time: a netCDF/HDF5 variable
 * (time, y, x) on the DEM's grid in mm/h, e.g. a radar or NWP rain field
 * written by sx_h5cf (CF time units "<seconds|minutes|hours|days> since ...").
 *
 * Piecewise constant: record k holds from its time t_k to t_k + dt, where dt
 * is the (uniform) spacing of the records; model time 0 is the first record's
 * time; after the last record's interval it does not rain. Steps are cut at
 * record boundaries (sx__f2d_rain_grid_update shortens t_stop), so the rain
 * volume is exactly the sum over records of rate x area x dt, to round-off.
 *
 * Checked: the grid and CRS equal the DEM's; there is one time value per band;
 * times increase with one spacing (a gap is reported as a missing time step,
 * naming both times); rates on data cells are in [0, 1000) mm/h (NaN is an
 * error naming the record and cell). Each rank reads only its block of the
 * record in force, when the record changes — collectively, since every rank
 * has the same model time.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "f2d_internal.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_perf.h"
#include "sanxiang/sx_time.h"

sx_err sx__f2d_rain_sum(sx_f2d_t *m)
{
    sx__f2d_xsum_t rs = {0};
    const int64_t no = sx_window_cells(m->own);
    if (m->rain)
        for (int64_t k = 0; k < no; k++) sx__f2d_xsum_add(&rs, m->rain[k] * 1e9); /* scaled: rates are tiny */
    else if (m->rain_rate > 0)
        for (int64_t gj = m->own.y0; gj < m->own.y0 + m->own.ny; gj++)
            for (int64_t gi = m->own.x0; gi < m->own.x0 + m->own.nx; gi++)
                if (!isnan(m->z[sx__f2d_ci(m, gi, gj)])) sx__f2d_xsum_add(&rs, m->rain_rate * 1e9);
    SX_CHECK(sx__f2d_xsum_allreduce(m->comm, &rs, 1, &m->rain_rate_sum));
    m->rain_rate_sum *= 1e-9;
    return SX_OK;
}

static sx_err parse_times(sx_f2d_t *m, const char *name)
{
    const char *vals = sx_raster_metadata(m->rain_r, "NETCDF_DIM_time_VALUES", NULL);
    const char *units = sx_raster_metadata(m->rain_r, "time#units", NULL);
    int nb = sx_raster_band_count(m->rain_r);
    SX_FAIL_IF(!vals, SX_ERR_INPUT,
               "rain grid '%s' has no time dimension (NETCDF_DIM_time_VALUES); give a (time, y, x) variable", name);
    double us = 0;
    int64_t origin; /* model time 0 is the first record, whatever the origin */
    if (sx_time_cf_units(units, &us, &origin) != SX_OK) {
        char why[512];
        snprintf(why, sizeof why, "%s", sx_err_message());
        sx_err_clear();
        SX_FAIL(SX_ERR_INPUT, "rain grid '%s': %s; give CF '<seconds|minutes|hours|days> since YYYY-MM-DD[ HH:MM[:SS]]'",
                name, why);
    }
    SX_ALLOC(m->rain_tv, nb > 0 ? nb : 1, "rain times");
    const char *p = vals + (vals[0] == '{');
    int64_t n = 0;
    while (*p && *p != '}') {
        char *e;
        double v = strtod(p, &e);
        SX_FAIL_IF(e == p || n >= nb, SX_ERR_INPUT, "rain grid '%s': %d bands but times '%.80s'", name, nb, vals);
        m->rain_tv[n++] = v * us;
        p = e + (*e == ',');
    }
    SX_FAIL_IF(n != nb || n < 1, SX_ERR_INPUT, "rain grid '%s': %d bands but %lld time values", name, nb, (long long)n);
    double t0 = m->rain_tv[0];
    for (int64_t k = 0; k < n; k++) m->rain_tv[k] -= t0;
    m->rain_nt = n;
    m->rain_dt = n > 1 ? m->rain_tv[1] : 0;
    SX_FAIL_IF(n > 1 && !(m->rain_dt > 0), SX_ERR_INPUT, "rain grid '%s': times do not increase (%g then %g s)", name,
               t0, t0 + m->rain_tv[1]);
    SX_FAIL_IF(n == 1, SX_ERR_INPUT,
               "rain grid '%s' has a single record, so its interval is unknown; for rain constant in time use rain_raster",
               name);
    for (int64_t k = 2; k < n; k++) {
        double gap = m->rain_tv[k] - m->rain_tv[k - 1];
        SX_FAIL_IF(fabs(gap - m->rain_dt) > 1e-6 * m->rain_dt, SX_ERR_INPUT,
                   "rain grid '%s': record %lld comes %g s after record %lld but the records are %g s apart; a time "
                   "step is missing or out of order — give every record (zero rain as 0)",
                   name, (long long)k + 1, gap, (long long)k, m->rain_dt);
    }
    return SX_OK;
}

sx_err sx__f2d_rain_grid_open(sx_f2d_t *m)
{
    const char *name = m->p.rain_grid;
    SX_CHECK(sx_layer_open(m->comm, name, 1, &m->rain_r, &m->rain_g));
    sx_err err = SX_OK;
    if (!sx__f2d_same_frame(&m->rain_g, &m->grid))
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                         "rain grid '%s' (%lld x %lld cells, origin %.3f %.3f, cell %.4f) does not match the DEM '%s' "
                         "(%lld x %lld, origin %.3f %.3f, cell %.4f) or its CRS; resample it onto the DEM grid",
                         name, (long long)m->rain_g.nx, (long long)m->rain_g.ny, m->rain_g.gt[0], m->rain_g.gt[3],
                         m->rain_g.gt[1], m->p.dem, (long long)m->grid.nx, (long long)m->grid.ny, m->grid.gt[0],
                         m->grid.gt[3], m->grid.gt[1]);
    if (err == SX_OK) err = parse_times(m, name);
    SX_CHECK(sx_err_agree(m->comm, err));
    const int64_t no = sx_window_cells(m->own);
    m->rain = calloc((size_t)no, sizeof *m->rain);
    m->rain_tmp = malloc((size_t)sx_window_cells(m->ce) * sizeof *m->rain_tmp);
    SX_CHECK(sx_err_agree(m->comm, m->rain && m->rain_tmp ? SX_OK
                                                          : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__,
                                                                       "cannot allocate the rain grid block")));
    m->rain_k = -2; /* nothing loaded */
    return SX_OK;
}

/* Load record k (or no rain for k outside the records) into m->rain. */
static sx_err load(sx_f2d_t *m, int64_t k)
{
    const int64_t no = sx_window_cells(m->own);
    sx_err err = SX_OK;
    if (k < 0 || k >= m->rain_nt) {
        memset(m->rain, 0, (size_t)no * sizeof *m->rain);
    } else {
        sx_perf_start("flood2d: read", SX_PERF_READ);
        err = sx_layer_read_f64(m->rain_r, (int)k + 1, &m->rain_g, m->own, m->ce, m->rain_tmp);
        sx_perf_stop("flood2d: read");
        for (int64_t gj = m->own.y0; err == SX_OK && gj < m->own.y0 + m->own.ny; gj++)
            for (int64_t gi = m->own.x0; gi < m->own.x0 + m->own.nx; gi++) {
                int64_t c = sx__f2d_ci(m, gi, gj);
                double v = m->rain_tmp[c];
                if (isnan(m->z[c])) v = 0;
                else if (!(v >= 0 && v < 1000)) {
                    err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                                     "rain grid '%s' record %lld has %g mm/h at column %lld, row %lld where the DEM has "
                                     "data; rates must be in [0, 1000) mm/h",
                                     m->p.rain_grid, (long long)k + 1, v, (long long)gi, (long long)gj);
                    break;
                }
                m->rain[sx__f2d_oi(m, gi, gj)] = v / 3.6e6;
            }
    }
    SX_CHECK(sx_err_agree(m->comm, err));
    m->rain_k = k;
    return sx__f2d_rain_sum(m);
}

sx_err sx__f2d_rain_grid_update(sx_f2d_t *m, double *t_stop)
{
    /* record in force at m->t: the last one starting at or before it */
    int64_t k = -1;
    for (int64_t i = 0; i < m->rain_nt && m->rain_tv[i] <= m->t; i++) k = i;
    double end = m->rain_tv[m->rain_nt - 1] + m->rain_dt;
    if (k == m->rain_nt - 1 && m->t >= end) k = m->rain_nt; /* past the last interval */
    if (k != m->rain_k) SX_CHECK(load(m, k));
    double next = k < m->rain_nt - 1 ? m->rain_tv[k + 1] : k == m->rain_nt - 1 ? end : INFINITY;
    if (next < *t_stop) *t_stop = next;
    return SX_OK;
}

void sx__f2d_rain_grid_close(sx_f2d_t *m)
{
    sx_raster_close(&m->rain_r);
    sx_grid_fini(&m->rain_g);
    free(m->rain_tv);
    free(m->rain_tmp);
    m->rain_tv = m->rain_tmp = NULL;
}
