/*
 * model.c — set up a flood model: read the DEM and auxiliary rasters into
 * each rank's block, check them, place the inflows, set the initial water.
 *
 * Every input problem a user can make (grid mismatch, wrong CRS, NaN or
 * negative roughness, an inflow outside the grid or on a nodata cell, an
 * unstable or empty configuration) fails here, before the first step, with
 * the same message on every rank. Does not step the model (solver.c).
 */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "f2d_internal.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_perf.h"

void sx_f2d_params_default(sx_f2d_params_t *p)
{
    memset(p, 0, sizeof *p);
    p->dem_band = 1;
    p->manning = 0.035;
    p->initial_level = NAN;
    p->theta = 0.7;
    p->cfl = 0.7;
    p->h_dry = 1e-3;
    p->dt_max = 10.0;
    p->dt_min = 1e-4;
    p->arrival_depth = 0.01;
    for (int k = 0; k < 4; k++) p->bc[k].kind = SX_F2D_BC_CLOSED;
}

static sx_err check_series(const sx_f2d_inflow_t *in, const char *kind, const char *what, const char *units)
{
    SX_FAIL_IF(in->n < 1, SX_ERR_CONFIG, "%s '%s' is empty", kind, in->name);
    for (int64_t i = 0; i < in->n; i++) {
        SX_FAIL_IF(!isfinite(in->t[i]) || !isfinite(in->q[i]) || in->q[i] < 0, SX_ERR_INPUT,
                   "%s '%s' row %lld: time %g s, %s %g %s; values must be finite and >= 0", kind, in->name,
                   (long long)i + 1, in->t[i], what, in->q[i], units);
        SX_FAIL_IF(i > 0 && !(in->t[i] > in->t[i - 1]), SX_ERR_INPUT,
                   "%s '%s' row %lld: time %g s does not increase (previous %g s)", kind, in->name, (long long)i + 1,
                   in->t[i], in->t[i - 1]);
    }
    return SX_OK;
}

static sx_err check_params(const sx_f2d_params_t *p)
{
    SX_FAIL_IF(!p->dem, SX_ERR_CONFIG, "flood2d needs a DEM");
    SX_FAIL_IF(!(p->theta > 0 && p->theta <= 1), SX_ERR_CONFIG,
               "theta = %g is outside (0, 1]; de Almeida et al. (2012) recommend 0.7", p->theta);
    SX_FAIL_IF(!(p->cfl > 0 && p->cfl <= 1), SX_ERR_CONFIG,
               "cfl = %g would make the explicit scheme unstable; use a value in (0, 1] (0.7 is usual)", p->cfl);
    SX_FAIL_IF(!(p->h_dry > 0 && p->h_dry < 1), SX_ERR_CONFIG, "h_dry = %g m must be in (0, 1) m", p->h_dry);
    SX_FAIL_IF(!(p->dt_max > 0) || !(p->dt_min > 0) || p->dt_min > p->dt_max, SX_ERR_CONFIG,
               "time step bounds dt_min = %g s, dt_max = %g s must satisfy 0 < dt_min <= dt_max", p->dt_min, p->dt_max);
    SX_FAIL_IF(!(p->arrival_depth >= p->h_dry), SX_ERR_CONFIG, "arrival_depth = %g m must be >= h_dry = %g m",
               p->arrival_depth, p->h_dry);
    SX_FAIL_IF(!p->manning_raster && !(p->manning >= 0 && p->manning < 1), SX_ERR_CONFIG,
               "Manning n = %g must be in [0, 1) s m^-1/3", p->manning);
    SX_FAIL_IF(!(p->rain_mm_h >= 0 && p->rain_mm_h < 1000), SX_ERR_CONFIG, "rainfall %g mm/h must be in [0, 1000)",
               p->rain_mm_h);
    static const char *edge[4] = {"west", "east", "north", "south"};
    for (int k = 0; k < 4; k++) {
        const sx_f2d_bc_t *b = &p->bc[k];
        SX_FAIL_IF(b->kind == SX_F2D_BC_FREE && !(b->value > 0 && b->value < 1), SX_ERR_CONFIG,
                   "free outflow on the %s edge needs a slope in (0, 1), got %g", edge[k], b->value);
        SX_FAIL_IF(b->kind == SX_F2D_BC_LEVEL && !isfinite(b->value), SX_ERR_CONFIG,
                   "fixed level on the %s edge needs a finite level", edge[k]);
    }
    for (int k = 0; k < p->ninflows; k++) SX_CHECK(check_series(&p->inflows[k], "inflow", "discharge", "m3/s"));
    SX_FAIL_IF(p->rain_grid && (p->rain_series || p->rain_raster || p->rain_mm_h > 0), SX_ERR_CONFIG,
               "a rain grid series replaces rain_mm_h, rain_raster and rain_hyetograph; give only one rain input");
    if (p->rain_series) {
        SX_CHECK(check_series(p->rain_series, "hyetograph", "rain rate", "mm/h"));
        SX_FAIL_IF(p->rain_raster, SX_ERR_CONFIG,
                   "a rain hyetograph (uniform in space) and a rain raster (constant in time) cannot be combined; "
                   "give one of them");
    }
    return SX_OK;
}

/* Read raster `path` (band 1) over window win into buf laid out over ext,
 * after checking it shares the DEM's frame. Collective. */
static sx_err read_aux(sx_f2d_t *m, const char *path, const char *what, sx_window_t win, sx_window_t ext, double *buf)
{
    sx_raster_t *r = NULL;
    sx_grid_t g = {0};
    SX_CHECK(sx_layer_open(m->comm, path, 1, &r, &g));
    sx_err err = SX_OK;
    if (!sx__f2d_same_frame(&g, &m->grid))
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                         "%s raster '%s' (%lld x %lld cells, origin %.3f %.3f, cell %.4f) does not match the DEM '%s' "
                         "(%lld x %lld, origin %.3f %.3f, cell %.4f) or its CRS; resample it onto the DEM grid "
                         "(gdalwarp -te/-tr/-t_srs)",
                         what, path, (long long)g.nx, (long long)g.ny, g.gt[0], g.gt[3], g.gt[1], m->p.dem,
                         (long long)m->grid.nx, (long long)m->grid.ny, m->grid.gt[0], m->grid.gt[3], m->grid.gt[1]);
    if (err == SX_OK) err = sx_layer_read_f64(r, 1, &g, win, ext, buf);
    sx_raster_close(&r);
    sx_grid_fini(&g);
    return sx_err_agree(m->comm, err);
}

/* Allocate an array over window w and zero it with the row split of the
 * sweeps, so each page is first touched by the thread that will use it. */
static void *alloc_touch(size_t elem, sx_window_t w, int nthreads)
{
    size_t n = (size_t)sx_window_cells(w);
    char *a = malloc((n ? n : 1) * elem);
    if (!a) return NULL;
#pragma omp parallel for schedule(static) num_threads(nthreads)
    for (int64_t j = 0; j < w.ny; j++) memset(a + (size_t)(j * w.nx) * elem, 0, (size_t)w.nx * elem);
    return a;
}
#define ALLOC_TOUCH(ptr, win, nt, what)                                                                       \
    do {                                                                                                      \
        (ptr) = alloc_touch(sizeof *(ptr), (win), (nt));                                                      \
        SX_FAIL_IF(!(ptr), SX_ERR_NOMEM, "cannot allocate %lld cells for %s", (long long)sx_window_cells(win), \
                   (what));                                                                                   \
    } while (0)

static sx_err alloc_arrays(sx_f2d_t *m)
{
    const int nt = m->nthreads;
    ALLOC_TOUCH(m->z, m->ce, nt, "the DEM block");
    ALLOC_TOUCH(m->h, m->ce, nt, "the depth block");
    ALLOC_TOUCH(m->h1, m->ce, nt, "the depth block");
    if (m->p.manning_raster) ALLOC_TOUCH(m->n, m->ce, nt, "the roughness block");
    ALLOC_TOUCH(m->qx, m->xe, nt, "x discharges");
    ALLOC_TOUCH(m->qx1, m->xe, nt, "x discharges");
    ALLOC_TOUCH(m->qy, m->ye, nt, "y discharges");
    ALLOC_TOUCH(m->qy1, m->ye, nt, "y discharges");
    ALLOC_TOUCH(m->hmax, m->own, nt, "max depth");
    ALLOC_TOUCH(m->vmax, m->own, nt, "max speed");
    ALLOC_TOUCH(m->hazmax, m->own, nt, "max hazard");
    ALLOC_TOUCH(m->tarr, m->own, nt, "arrival time");
    ALLOC_TOUCH(m->vout, m->own, nt, "edge outflow");
    SX_ALLOC(m->rowbuf, (size_t)nt * 12 * (size_t)sx__f2d_sweep_rowcap(m), "the sweep's row buffers");
    return SX_OK;
}

/* Largest depth a fixed-level edge imposes on own edge cells (constant). */
static double level_edges_hmax(const sx_f2d_t *m)
{
    const sx_window_t own = m->own;
    double hm = 0.0;
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
    return hm;
}

void sx__f2d_local_hmax(sx_f2d_t *m)
{
    const sx_window_t own = m->own;
    double hm = 0.0;
    int64_t nb = 0;
#pragma omp parallel for schedule(static) num_threads(m->nthreads) reduction(max : hm) reduction(+ : nb)
    for (int64_t gj = own.y0; gj < own.y0 + own.ny; gj++)
        for (int64_t gi = own.x0; gi < own.x0 + own.nx; gi++) {
            double h = m->h[sx__f2d_ci(m, gi, gj)];
            if (!isfinite(h)) nb++;
            else if (h > hm) hm = h;
        }
    m->hmax_local = hm;
    m->nbad_local = nb;
}

static sx_err setup(sx_f2d_t *m)
{
    const sx_f2d_params_t *p = &m->p;
    sx_raster_t *r = NULL;
    SX_CHECK(sx_layer_open(m->comm, p->dem, p->dem_band, &r, &m->grid));
    sx_err err = SX_OK;
    const double *gt = m->grid.gt;
    if (sx_grid_is_geographic(&m->grid))
        err = sx_err_set(SX_ERR_CRS, SX__FILE, __LINE__,
                         "DEM '%s' is in geographic coordinates (degrees); the flood model needs square metres: "
                         "reproject it (gdalwarp -t_srs EPSG:45xx, a CGCS2000 Gauss-Kruger zone, or UTM)", p->dem);
    else if (gt[2] != 0 || gt[4] != 0 || !(gt[1] > 0) || !(gt[5] < 0))
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                         "DEM '%s' is rotated or not north-up (geotransform %g %g %g %g %g %g); warp it to a north-up grid",
                         p->dem, gt[0], gt[1], gt[2], gt[3], gt[4], gt[5]);
    if (err != SX_OK) {
        sx_raster_close(&r);
        return sx_err_agree(m->comm, err);
    }
    m->dx = gt[1];
    m->dy = -gt[5];
    m->area = m->dx * m->dy;

    SX_CHECK(sx_decomp_init(&m->dc, m->comm, m->grid.nx, m->grid.ny, m->grid.block_x, m->grid.block_y));
    SX_CHECK(sx__f2d_face_decomp(&m->dc, 0, &m->dfx));
    SX_CHECK(sx__f2d_face_decomp(&m->dc, 1, &m->dfy));
    m->own = m->dc.own;
    int64_t empty = sx_window_cells(m->own) == 0, any_empty = 0;
    SX_CHECK_MPI(MPI_Allreduce(&empty, &any_empty, 1, MPI_INT64_T, MPI_MAX, m->comm));
    SX_FAIL_IF(any_empty, SX_ERR_CONFIG, "the %lld x %lld grid is too small for %d ranks; run on fewer ranks",
               (long long)m->grid.nx, (long long)m->grid.ny, m->dc.size);
    /* Halos wide enough for a rank to compute the limiter of the ring of
     * cells around its block itself (sweep.c): depths 2 cells, faces 3. */
    SX_CHECK(sx_halo_create(&m->dc, 2, sizeof(double), &m->hc));
    SX_CHECK(sx_halo_create(&m->dfx, 3, sizeof(double), &m->hfx));
    SX_CHECK(sx_halo_create(&m->dfy, 3, sizeof(double), &m->hfy));
    m->ce = sx_halo_extended(m->hc);
    m->xe = sx_halo_extended(m->hfx);
    m->ye = sx_halo_extended(m->hfy);
    m->fxo = m->dfx.own;
    m->fyo = m->dfy.own;
    SX_CHECK(sx_err_agree(m->comm, alloc_arrays(m)));

    sx_perf_start("flood2d: read", SX_PERF_READ);
    err = sx_layer_read_f64(r, p->dem_band, &m->grid, m->ce, m->ce, m->z);
    sx_raster_close(&r);
    SX_CHECK(sx_err_agree(m->comm, err));
    SX_CHECK(sx__f2d_check_dem(m));
    if (p->manning_raster) {
        SX_CHECK(read_aux(m, p->manning_raster, "Manning roughness", m->ce, m->ce, m->n));
        SX_CHECK(sx__f2d_check_cells(m, m->n, "Manning roughness raster", p->manning_raster, 0, 1, "s m^-1/3",
                                     "usual n: 0.02 to 0.05 for channels, 0.03 to 0.15 for floodplains; a table of "
                                     "land-use classes needs mapping to n first"));
    }
    if (p->initial_depth) {
        SX_CHECK(read_aux(m, p->initial_depth, "initial depth", m->own, m->ce, m->h));
        SX_CHECK(sx__f2d_check_cells(m, m->h, "initial depth raster", p->initial_depth, 0, 1e4, "m",
                                     "a depth above the ground, not a water level: subtract the DEM"));
    }
    int64_t no = sx_window_cells(m->own);
    if (p->rain_raster) {
        double *tmp = NULL;
        sx_err e2 = SX_OK;
        tmp = calloc((size_t)sx_window_cells(m->ce), sizeof *tmp);
        if (!tmp) e2 = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the rainfall block");
        SX_CHECK(sx_err_agree(m->comm, e2));
        e2 = read_aux(m, p->rain_raster, "rainfall", m->own, m->ce, tmp);
        if (e2 == SX_OK) e2 = sx__f2d_check_cells(m, tmp, "rainfall raster", p->rain_raster, 0, 1000, "mm/h",
                                                "a rate in mm per hour: divide daily totals by 24");
        m->rain = malloc((size_t)no * sizeof *m->rain);
        if (e2 == SX_OK && !m->rain) e2 = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate rainfall");
        if (e2 == SX_OK)
            for (int64_t gj = m->own.y0; gj < m->own.y0 + m->own.ny; gj++)
                for (int64_t gi = m->own.x0; gi < m->own.x0 + m->own.nx; gi++) {
                    double v = tmp[sx__f2d_ci(m, gi, gj)];
                    m->rain[sx__f2d_oi(m, gi, gj)] = isnan(m->z[sx__f2d_ci(m, gi, gj)]) || isnan(v) ? 0 : v / 3.6e6;
                }
        free(tmp);
        SX_CHECK(sx_err_agree(m->comm, e2));
    } else if (p->rain_grid) {
        SX_CHECK(sx__f2d_rain_grid_open(m));
    } else if (p->rain_mm_h > 0 || p->rain_series) {
        /* One rate on every data cell; with a hyetograph the rate per mm/h, scaled at each step. */
        m->rain_rate = p->rain_series ? 1.0 / 3.6e6 : p->rain_mm_h / 3.6e6;
    }
    sx_perf_stop("flood2d: read");

    /* Initial water: depth raster, plus a level that fills cells below it. */
    for (int64_t gj = m->own.y0; gj < m->own.y0 + m->own.ny; gj++)
        for (int64_t gi = m->own.x0; gi < m->own.x0 + m->own.nx; gi++) {
            int64_t c = sx__f2d_ci(m, gi, gj);
            double h = p->initial_depth ? m->h[c] : 0.0;
            if (isnan(m->z[c]) || isnan(h)) h = 0.0;
            if (!isnan(p->initial_level) && !isnan(m->z[c]) && p->initial_level - m->z[c] > h) h = p->initial_level - m->z[c];
            m->h[c] = h;
        }
    SX_CHECK(sx_err_agree(m->comm, sx_halo_exchange(m->hc, m->h)));
    /* Halo z, n are read directly; NaN z makes a wall, keep halo depths 0 there. */
    for (int64_t k = 0; k < no; k++) {
        m->hmax[k] = 0;
        m->tarr[k] = NAN;
    }
    for (int64_t gj = m->own.y0; gj < m->own.y0 + m->own.ny; gj++)
        for (int64_t gi = m->own.x0; gi < m->own.x0 + m->own.nx; gi++) {
            int64_t o = sx__f2d_oi(m, gi, gj);
            double h = m->h[sx__f2d_ci(m, gi, gj)];
            m->hmax[o] = (float)h;
            if (h >= p->arrival_depth) m->tarr[o] = 0.0f;
        }
    SX_CHECK(sx__f2d_setup_inflows(m));
    m->level_hmax = level_edges_hmax(m);
    sx__f2d_local_hmax(m);

    SX_CHECK(sx__f2d_rain_sum(m));
    sx_f2d_mass_t mb;
    SX_CHECK(sx_f2d_mass(m, &mb));
    m->storage0 = mb.storage;
    SX_CHECK(sx__f2d_check_sources(m, mb.storage));
    return SX_OK;
}

sx_err sx_f2d_create(MPI_Comm comm, const sx_f2d_params_t *p, sx_f2d_t **out)
{
    *out = NULL;
    SX_CHECK(sx_err_agree(comm, check_params(p)));
    sx_f2d_t *m = calloc(1, sizeof *m);
    SX_CHECK(sx_err_agree(comm, m ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory")));
    m->comm = comm;
    m->p = *p;
    m->nthreads = omp_get_max_threads();
    sx_err err = setup(m);
    if (err != SX_OK) {
        sx_f2d_destroy(&m);
        return err;
    }
    sx_log_info("flood2d: %s, %lld x %lld cells of %.2f x %.2f m, %d x %d blocks, theta %.2f, cfl %.2f", p->dem,
                (long long)m->grid.nx, (long long)m->grid.ny, m->dx, m->dy, m->dc.px, m->dc.py, p->theta, p->cfl);
    *out = m;
    return SX_OK;
}

void sx_f2d_destroy(sx_f2d_t **pm)
{
    if (!pm || !*pm) return;
    sx_f2d_t *m = *pm;
    free(m->z);
    free(m->h);
    free(m->n);
    free(m->h1);
    free(m->rowbuf);
    free(m->inflow_row_off);
    free(m->inflow_rows);
    free(m->inflow_qdt);
    free(m->qx);
    free(m->qx1);
    free(m->qy);
    free(m->qy1);
    free(m->rain);
    free(m->hmax);
    free(m->vmax);
    free(m->hazmax);
    free(m->tarr);
    free(m->vout);
    free(m->inflow_off);
    sx__f2d_rain_grid_close(m);
    free(m->inflow_c);
    free(m->inflow_w);
    sx_halo_destroy(&m->hc);
    sx_halo_destroy(&m->hfx);
    sx_halo_destroy(&m->hfy);
    sx__f2d_face_decomp_fini(&m->dfx);
    sx__f2d_face_decomp_fini(&m->dfy);
    sx_decomp_fini(&m->dc);
    sx_grid_fini(&m->grid);
    free(m);
    *pm = NULL;
}

double sx_f2d_time(const sx_f2d_t *m) { return m->t; }
int64_t sx_f2d_steps(const sx_f2d_t *m) { return m->nsteps; }
const sx_grid_t *sx_f2d_grid(const sx_f2d_t *m) { return &m->grid; }
sx_window_t sx_f2d_own(const sx_f2d_t *m) { return m->own; }

sx_err sx__f2d_face_decomp(const sx_decomp_t *cells, int axis, sx_decomp_t *faces)
{
    *faces = *cells;
    faces->xcuts = malloc((size_t)(cells->px + 1) * sizeof *faces->xcuts);
    faces->ycuts = malloc((size_t)(cells->py + 1) * sizeof *faces->ycuts);
    if (!faces->xcuts || !faces->ycuts) {
        sx__f2d_face_decomp_fini(faces);
        SX_FAIL(SX_ERR_NOMEM, "cannot allocate the face decomposition");
    }
    memcpy(faces->xcuts, cells->xcuts, (size_t)(cells->px + 1) * sizeof *faces->xcuts);
    memcpy(faces->ycuts, cells->ycuts, (size_t)(cells->py + 1) * sizeof *faces->ycuts);
    if (axis == 0) {
        faces->xcuts[cells->px] += 1;
        faces->gnx += 1;
    } else {
        faces->ycuts[cells->py] += 1;
        faces->gny += 1;
    }
    faces->own = sx_decomp_window(faces, faces->rank);
    return SX_OK;
}

void sx__f2d_face_decomp_fini(sx_decomp_t *faces)
{
    free(faces->xcuts);
    free(faces->ycuts);
    faces->xcuts = faces->ycuts = NULL;
}
