/*
 * input_checks.c — the checks of a flood model's inputs whose messages a
 * user reads: a DEM with no valid cell (infinite values are refused by every
 * raster read, io/layer.c), an
 * auxiliary raster (roughness, initial depth, rain) that is nodata or out of
 * range where the DEM has data, a hydrograph whose water falls outside the
 * run, and a run with nothing to flood, each saying which one is empty.
 *
 * Every message names the file (or the inflow and its CSV), the cell by
 * column, row and map coordinates, and what to do. A bad cell is reported as
 * the first one in raster order, with the count of the others, found by
 * MPI reductions, so the message is the same at any rank count; the owner of
 * that cell formats it and sx_err_agree hands it to every rank. Does not
 * read files (model.c) nor place inflows (inflow_cells.c).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "f2d_internal.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_strbuf.h"

/* First bad cell (raster order) and the count over all ranks; *first is
 * INT64_MAX when there is none. Collective. */
static sx_err first_over_ranks(MPI_Comm comm, int64_t first_local, int64_t count_local, int64_t *first, int64_t *count)
{
    SX_CHECK_MPI(MPI_Allreduce(&first_local, first, 1, MPI_INT64_T, MPI_MIN, comm));
    SX_CHECK_MPI(MPI_Allreduce(&count_local, count, 1, MPI_INT64_T, MPI_SUM, comm));
    return SX_OK;
}

static void others(char *buf, size_t len, int64_t count)
{
    if (count > 1) snprintf(buf, len, " (and %lld other cell%s)", (long long)(count - 1), count > 2 ? "s" : "");
    else buf[0] = '\0';
}

sx_err sx__f2d_check_dem(sx_f2d_t *m)
{
    /* Infinite elevations never get here: every raster read refuses them, naming the cell (io/layer.c). */
    const sx_window_t own = m->own;
    int64_t valid = 0;
    for (int64_t gj = own.y0; gj < own.y0 + own.ny; gj++)
        for (int64_t gi = own.x0; gi < own.x0 + own.nx; gi++) valid += !isnan(m->z[sx__f2d_ci(m, gi, gj)]);
    int64_t gvalid = 0;
    SX_CHECK_MPI(MPI_Allreduce(&valid, &gvalid, 1, MPI_INT64_T, MPI_SUM, m->comm));
    const char *dem = m->p.dem;
    if (gvalid == 0) {
        char nd[96];
        if (m->grid.has_nodata) snprintf(nd, sizeof nd, "its nodata value is %.10g", m->grid.nodata);
        else snprintf(nd, sizeof nd, "it declares no nodata value and every cell is NaN");
        SX_FAIL(SX_ERR_INPUT,
                "DEM '%s' band %d has no valid cell: all %lld x %lld cells are nodata (%s); check the nodata value "
                "(gdalinfo -stats '%s'; correct it with gdal_edit.py -a_nodata <value> or -unsetnodata) and that band "
                "%d holds the elevations",
                dem, m->p.dem_band, (long long)m->grid.nx, (long long)m->grid.ny, nd, dem, m->p.dem_band);
    }
    return SX_OK;
}

sx_err sx__f2d_check_cells(sx_f2d_t *m, const double *v, const char *what, const char *path, double lo, double hi,
                           const char *units, const char *hint)
{
    const sx_window_t own = m->own;
    const int64_t gnx = m->grid.nx;
    int64_t nbad = 0, first = INT64_MAX;
    for (int64_t gj = own.y0; gj < own.y0 + own.ny; gj++)
        for (int64_t gi = own.x0; gi < own.x0 + own.nx; gi++) {
            int64_t c = sx__f2d_ci(m, gi, gj);
            if (isnan(m->z[c]) || (v[c] >= lo && v[c] <= hi)) continue;
            nbad++;
            if (gj * gnx + gi < first) first = gj * gnx + gi;
        }
    int64_t gfirst, gbad;
    SX_CHECK(first_over_ranks(m->comm, first, nbad, &gfirst, &gbad));
    if (gbad == 0) return SX_OK;
    sx_err err = SX_OK;
    int64_t gi = gfirst % gnx, gj = gfirst / gnx;
    if (gi >= own.x0 && gi < own.x0 + own.nx && gj >= own.y0 && gj < own.y0 + own.ny) {
        double x = v[sx__f2d_ci(m, gi, gj)];
        char more[64];
        others(more, sizeof more, gbad);
        if (isnan(x))
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                             "%s '%s' is nodata at column %lld, row %lld (x = %.3f, y = %.3f)%s where the DEM '%s' has "
                             "data; give every such cell a value (e.g. gdal_fillnodata.py) or make it nodata in the DEM "
                             "too",
                             what, path, (long long)gi, (long long)gj, sx_grid_x_center(&m->grid, gi),
                             sx_grid_y_center(&m->grid, gj), more, m->p.dem);
        else
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                             "%s '%s' has %g %s at column %lld, row %lld (x = %.3f, y = %.3f)%s where the DEM has data; "
                             "values must be in [%g, %g] %s (%s)",
                             what, path, x, units, (long long)gi, (long long)gj, sx_grid_x_center(&m->grid, gi),
                             sx_grid_y_center(&m->grid, gj), more, lo, hi, units, hint);
    }
    return sx_err_agree(m->comm, err);
}

/* Does the piecewise-linear series put anything positive inside (0, t_end)?
 * Row i with q > 0 makes q(t) > 0 on (t[i-1], t[i+1]) within its range. */
static int positive_within(const sx_f2d_inflow_t *s, double t_end, double *t_first, double *t_last)
{
    int any = 0;
    *t_first = INFINITY;
    *t_last = -INFINITY;
    for (int64_t i = 0; i < s->n; i++) {
        if (!(s->q[i] > 0)) continue;
        double a = s->t[i > 0 ? i - 1 : i], b = s->t[i + 1 < s->n ? i + 1 : i];
        *t_first = fmin(*t_first, s->t[i]);
        *t_last = fmax(*t_last, s->t[i]);
        if ((a < t_end && b > 0) || (s->t[i] >= 0 && s->t[i] < t_end)) any = 1;
    }
    return any;
}

static sx_err check_cover(const sx_f2d_inflow_t *s, const char *kind, const char *units, double t_end, int rank)
{
    double tf, tl;
    int positive = 0;
    for (int64_t i = 0; i < s->n; i++) positive |= s->q[i] > 0;
    if (!positive) return SX_OK; /* an all-zero series is reported by the "nothing to flood" check if it matters */
    const char *so = s->source ? " (hydrograph '" : "", *sf = s->source ? s->source : "", *sc = s->source ? "')" : "";
    SX_FAIL_IF(!positive_within(s, t_end, &tf, &tl), SX_ERR_INPUT,
               "%s '%s'%s%s%s: its positive %s lies from t = %.10g s to %.10g s (rows with a positive value), outside the "
               "run's 0 .. %.10g s, so it adds no water; times are seconds from the start of the run — convert hours "
               "(x 3600) or dates, shift them, or lengthen duration_s",
               kind, s->name, so, sf, sc, units, tf, tl, t_end);
    const int64_t n = s->n;
    if (rank == 0 && s->t[n - 1] < t_end && s->q[n - 1] > 0)
        sx_log_warn("%s '%s'%s%s%s ends at t = %.10g s (row %lld of its data) with %g %s, before the run ends at %.10g s; "
                    "it counts as 0 after that — add rows up to the end of the run if the flow goes on",
                    kind, s->name, so, sf, sc, s->t[n - 1], (long long)n, s->q[n - 1], units, t_end);
    return SX_OK;
}

sx_err sx__f2d_check_series_cover(const sx_f2d_params_t *p, double t_end, int rank)
{
    for (int k = 0; k < p->ninflows; k++) SX_CHECK(check_cover(&p->inflows[k], "inflow", "discharge", t_end, rank));
    if (p->rain_series) SX_CHECK(check_cover(p->rain_series, "rain hyetograph", "rain rate", t_end, rank));
    return SX_OK;
}

static int all_zero(const sx_f2d_inflow_t *s)
{
    for (int64_t i = 0; i < s->n; i++)
        if (s->q[i] > 0) return 0;
    return 1;
}

/* Lowest DEM elevation over ranks (+inf if none). Collective. */
static sx_err lowest_z(const sx_f2d_t *m, double *zmin)
{
    double lo = INFINITY;
    for (int64_t gj = m->own.y0; gj < m->own.y0 + m->own.ny; gj++)
        for (int64_t gi = m->own.x0; gi < m->own.x0 + m->own.nx; gi++) {
            double z = m->z[sx__f2d_ci(m, gi, gj)];
            if (!isnan(z) && z < lo) lo = z;
        }
    SX_CHECK_MPI(MPI_Allreduce(&lo, zmin, 1, MPI_DOUBLE, MPI_MIN, m->comm));
    return SX_OK;
}

sx_err sx__f2d_check_sources(sx_f2d_t *m, double storage0)
{
    const sx_f2d_params_t *p = &m->p;
    int something = storage0 > 0 || (m->rain_rate_sum > 0 && !p->rain_series) || p->rain_grid;
    if (p->rain_series) something |= !all_zero(p->rain_series);
    for (int k = 0; k < p->ninflows; k++) something |= !all_zero(&p->inflows[k]);
    for (int k = 0; k < 4; k++) something |= p->bc[k].kind == SX_F2D_BC_LEVEL;
    if (something) return SX_OK;
    /* Every rank reaches this point (the test above uses agreed values only). */
    double zmin = 0;
    if (!isnan(p->initial_level)) SX_CHECK(lowest_z(m, &zmin));
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    if (!isnan(p->initial_level))
        sx_strbuf_printf(&sb, "; initial_level %g m is below every DEM cell (the lowest is %g m)", p->initial_level, zmin);
    if (p->initial_depth) sx_strbuf_printf(&sb, "; the initial depth raster '%s' is 0 on every data cell", p->initial_depth);
    if (p->rain_raster) sx_strbuf_printf(&sb, "; the rain raster '%s' is 0 on every data cell", p->rain_raster);
    if (p->rain_series) sx_strbuf_printf(&sb, "; the rain hyetograph '%s' is 0 in every row", p->rain_series->name);
    for (int k = 0; k < p->ninflows; k++)
        sx_strbuf_printf(&sb, "; inflow '%s'%s%s%s has no positive discharge", p->inflows[k].name,
                         p->inflows[k].source ? " ('" : "", p->inflows[k].source ? p->inflows[k].source : "",
                         p->inflows[k].source ? "')" : "");
    if (!sb.len)
        sx_strbuf_puts(&sb, "; no initial water, rainfall, inflow or fixed-level edge is given");
    sx_err err = sx_err_set(SX_ERR_CONFIG, SX__FILE, __LINE__,
                            "nothing to flood on DEM '%s'%s; give at least one source: initial_level or initial_depth, "
                            "rain_mm_h, rain_raster, rain_hyetograph or rain_grid, an inflow with a positive discharge, "
                            "or a fixed-level edge",
                            p->dem, sb.failed ? "" : sb.data);
    sx_strbuf_fini(&sb);
    return err;
}
