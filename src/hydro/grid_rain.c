/*
 * grid_rain.c — areal rain per sub-basin from gridded rainfall: a series of
 * rasters (one file per time step, e.g. GeoTIFF) or one dataset holding a
 * (time, y, x) variable with one band per time (netCDF-4/HDF5 through
 * GDAL's netCDF driver, e.g. the CF files sanxiang writes or a GPM-IMERG
 * subset laid out (time, lat, lon)).
 *
 * Rule (pixel-centre): a grid cell belongs to a sub-basin when its centre
 * lies inside the sub-basin's polygon(s) (OGR/GEOS contains); the areal rain
 * is the unweighted mean of those cells, times `scale` (to mm per model
 * step). A sub-basin smaller than a cell, containing no centre, takes the
 * cell that contains its polygon's centroid. On projected grids the cells
 * have equal areas and the mean is unweighted; on geographic (lon/lat) grids
 * each cell is weighted by its spherical area, the band area between its
 * latitude edges (see area_weights). HDF5 files in the GPM IMERG layout
 * (time, lon, lat) are read by grid_h5.c.
 *
 * Refusals: a grid without CRS or sub-basins without CRS; a rotated grid; a
 * file whose grid differs from the first; a sub-basin reaching beyond the
 * grid; a missing file or time; a NaN, nodata or negative value in a cell a
 * sub-basin uses (named by file, time, column and row). Sub-basins in another
 * CRS than the grid are reprojected to the grid's CRS (never mixed).
 *
 * Parallel: time rows are split over ranks in contiguous blocks; each row's
 * means are summed in row-major cell order and gathered by row, so the result
 * is bit-identical at any rank count. Memory per rank: one window (the
 * bounding box of all sub-basins) and the cell lists.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "grid_h5.h"
#include "hydro/fcnet.h"
#include "sanxiang/sx_grid.h"
#include "sanxiang/sx_hydro_forecast.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_raster.h"

typedef struct {
    int64_t n, *cell; /* sorted row-major indices into the window */
    double *w, wsum;  /* geographic grids: cell area weights (NULL: equal areas) and their sum */
} cells_t;

typedef struct {
    sx_grid_t g;
    int64_t x0, y0, nx, ny; /* window read per time step */
    int n;
    cells_t *c;
    int *band;              /* cube: band of each row (by row index), else NULL */
    sx__h5grid_t h5;        /* HDF5 (IMERG layout) source, when nh5 > 0 */
} plan_t;

static void plan_fini(plan_t *p)
{
    for (int k = 0; p->c && k < p->n; k++) free(p->c[k].cell), free(p->c[k].w);
    free(p->c);
    free(p->band);
    sx__h5grid_fini(&p->h5);
    sx_grid_fini(&p->g);
}

static const char *W(const sx_hydro_grid_src_t *s) { return s->what ? s->what : "rain"; }

/* Band of every row in [r0, r1] of a (time, y, x) dataset. */
static sx_err cube_bands(const char *path, const sx_hydro_series_t *times, int64_t r0, int64_t r1, int *band)
{
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    if (!ds) SX_FAIL_GDAL("cannot open the rain grid '%s'", path);
    int nb = GDALGetRasterCount(ds);
    double *tv = malloc(sizeof *tv * (size_t)(nb ? nb : 1)), sc = 1, org = 0;
    sx_err e = tv ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    if (!e && times->time_is_date) e = sx__hydro_cf_units(path, GDALGetMetadataItem(ds, "time#units", NULL), &sc, &org);
    for (int b = 0; b < nb && !e; b++) {
        const char *v = GDALGetMetadataItem(GDALGetRasterBand(ds, b + 1), "NETCDF_DIM_time", NULL);
        if (!v) e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s' band %d has no time coordinate; the rain variable "
                               "must have dimensions (time, y, x)", path, b + 1);
        else tv[b] = org + sc * strtod(v, NULL);
    }
    for (int64_t t = r0; t <= r1 && !e; t++) {
        int hit = -1;
        for (int b = 0; b < nb && hit < 0; b++)
            if (fabs(tv[b] - times->t[t]) < 0.5) hit = b;
        if (hit < 0)
            e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "rain grid '%s' has no time step %s (%d steps); a missing "
                           "time step is an error, never zero rain", path, times->time[t], nb);
        else band[t] = hit + 1;
    }
    free(tv);
    GDALClose(ds);
    return e;
}

/* Cells of one sub-basin (all its features) whose centre lies inside it. */
static sx_err subbasin_cells(const plan_t *p, OGRGeometryH *geoms, int ng, const char *id, const char *src,
                             int64_t **cells, int64_t *n)
{
    const sx_grid_t *g = &p->g;
    OGREnvelope env = {0}, e1;
    for (int k = 0; k < ng; k++) {
        OGR_G_GetEnvelope(geoms[k], &e1);
        if (k == 0) env = e1;
        else env.MinX = fmin(env.MinX, e1.MinX), env.MaxX = fmax(env.MaxX, e1.MaxX),
             env.MinY = fmin(env.MinY, e1.MinY), env.MaxY = fmax(env.MaxY, e1.MaxY);
    }
    double fx0 = (env.MinX - g->gt[0]) / g->gt[1], fx1 = (env.MaxX - g->gt[0]) / g->gt[1];
    double fy0 = (env.MaxY - g->gt[3]) / g->gt[5], fy1 = (env.MinY - g->gt[3]) / g->gt[5];
    SX_FAIL_IF(fx0 < -0.5 || fy0 < -0.5 || fx1 > g->nx + 0.5 || fy1 > g->ny + 0.5, SX_ERR_INPUT,
               "sub-basin '%s' reaches beyond the rain grid '%s' (columns %.1f..%.1f, rows %.1f..%.1f of %lld x %lld); "
               "use a grid that covers the basin", id, src, fx0, fx1, fy0, fy1, (long long)g->nx, (long long)g->ny);
    int64_t i0 = (int64_t)fmax(0, floor(fx0)), i1 = (int64_t)fmin(g->nx - 1, floor(fx1));
    int64_t j0 = (int64_t)fmax(0, floor(fy0)), j1 = (int64_t)fmin(g->ny - 1, floor(fy1));
    int64_t cap = (i1 - i0 + 1) * (j1 - j0 + 1), m = 0;
    int64_t *c = malloc(sizeof *c * (size_t)(cap > 0 ? cap : 1));
    SX_FAIL_IF(!c, SX_ERR_NOMEM, "out of memory for the cells of sub-basin '%s'", id);
    OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
    for (int64_t j = j0; j <= j1; j++)
        for (int64_t i = i0; i <= i1; i++) {
            OGR_G_SetPoint_2D(pt, 0, sx_grid_x_center(g, i), sx_grid_y_center(g, j));
            for (int k = 0; k < ng; k++)
                if (OGR_G_Contains(geoms[k], pt)) {
                    c[m++] = j * g->nx + i;
                    break;
                }
        }
    if (m == 0) { /* smaller than a cell: the cell holding the centroid */
        OGR_G_Centroid(geoms[0], pt);
        int64_t i = (int64_t)floor((OGR_G_GetX(pt, 0) - g->gt[0]) / g->gt[1]);
        int64_t j = (int64_t)floor((OGR_G_GetY(pt, 0) - g->gt[3]) / g->gt[5]);
        if (i >= 0 && j >= 0 && i < g->nx && j < g->ny) c[m++] = j * g->nx + i;
        sx_log_info("grid rain: sub-basin '%s' holds no cell centre of '%s'; using the cell of its centroid", id, src);
    }
    OGR_G_DestroyGeometry(pt);
    if (m == 0) {
        free(c);
        SX_FAIL(SX_ERR_INPUT, "sub-basin '%s' does not overlap the rain grid '%s'", id, src);
    }
    *cells = c;
    *n = m;
    return SX_OK;
}

/* Geographic grid: weight of each listed cell = its area on the sphere over R² Δλ, the band area
 * between its latitude edges, |sin φ_top − sin φ_bottom| (Archimedes' zone formula; Snyder 1987,
 * "Map Projections — A Working Manual", USGS Prof. Paper 1395, eq. for the area of a spherical
 * zone; on the ellipsoid use authalic latitudes — the relative error of the sphere across one basin
 * is below 1e-5). Sums in cell order, so identical at any rank count. */
static sx_err area_weights(plan_t *p)
{
    const double rad = M_PI / 180;
    for (int k = 0; k < p->n; k++) {
        cells_t *c = &p->c[k];
        SX_FAIL_IF(!(c->w = malloc(sizeof *c->w * (size_t)c->n)), SX_ERR_NOMEM, "out of memory for area weights");
        c->wsum = 0;
        for (int64_t q = 0; q < c->n; q++) {
            double top = p->g.gt[3] + (double)(p->y0 + c->cell[q] / p->nx) * p->g.gt[5], bot = top + p->g.gt[5];
            c->w[q] = fabs(sin(top * rad) - sin(bot * rad));
            c->wsum += c->w[q];
        }
    }
    return SX_OK;
}

/* Grid frame from the first source, sub-basin cell lists, the window. Not collective. */
static sx_err make_plan(const sx_hydro_grid_src_t *src, const char *polygons, const char *id_field, int n,
                        const char *const *ids, const char *first, plan_t *p)
{
    sx_err e = SX_OK;
    if (src->nh5 > 0)
        SX_CHECK(sx_grid_copy(&p->g, &p->h5.g));
    else {
        sx_raster_t *r = NULL;
        SX_CHECK(sx_raster_open(first, &r));
        e = sx_raster_grid(r, 1, &p->g);
        sx_raster_close(&r);
        SX_CHECK(e);
    }
    const sx_grid_t *g = &p->g;
    SX_FAIL_IF(g->gt[2] != 0 || g->gt[4] != 0, SX_ERR_INPUT, "rain grid '%s' is rotated; warp it north-up first", first);
    SX_FAIL_IF(!g->wkt || !g->wkt[0], SX_ERR_INPUT, "rain grid '%s' has no CRS; it cannot be matched to the sub-basins",
               first);
    GDALDatasetH ds = GDALOpenEx(polygons, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    SX_FAIL_IF(!ds, SX_ERR_IO, "cannot open sub-basin polygons '%s'", polygons);
    OGRLayerH lyr = GDALDatasetGetLayer(ds, 0);
    int fi = lyr ? OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(lyr), id_field) : -1;
    OGRSpatialReferenceH ls = lyr ? OGR_L_GetSpatialRef(lyr) : NULL, gs = OSRNewSpatialReference(g->wkt);
    OGRCoordinateTransformationH ct = NULL;
    OGRGeometryH *geoms = NULL;
    int nall = 0;
    int *owner = NULL;
    if (fi < 0) {
        e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s' has no field '%s' naming the sub-basins", polygons, id_field);
        goto done;
    }
    if (!ls || !gs) {
        e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "sub-basin polygons '%s' have no CRS; they cannot be matched to "
                       "the rain grid '%s'", polygons, first);
        goto done;
    }
    OSRSetAxisMappingStrategy(gs, OAMS_TRADITIONAL_GIS_ORDER);
    if (!OSRIsSame(ls, gs)) {
        OGRSpatialReferenceH lc = OSRClone(ls);
        OSRSetAxisMappingStrategy(lc, OAMS_TRADITIONAL_GIS_ORDER);
        ct = OCTNewCoordinateTransformation(lc, gs);
        OSRDestroySpatialReference(lc);
        if (!ct) {
            e = sx__gdal_fail(SX_ERR_INPUT, SX__FILE, __LINE__, "cannot reproject sub-basins '%s' to the CRS of the rain "
                              "grid '%s'", polygons, first);
            goto done;
        }
        sx_log_info("grid rain: sub-basins '%s' reprojected to the CRS of '%s' (%s)", polygons, first, OSRGetName(gs));
    }
    int64_t nf = OGR_L_GetFeatureCount(lyr, 1);
    geoms = calloc((size_t)(nf > 0 ? 2 * nf : 1), sizeof *geoms);
    owner = calloc((size_t)(nf > 0 ? nf : 1), sizeof *owner);
    p->c = calloc((size_t)n, sizeof *p->c);
    p->n = n;
    if (!geoms || !owner || !p->c) {
        e = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
        goto done;
    }
    OGR_L_ResetReading(lyr);
    OGRFeatureH f;
    while (nall < nf && (f = OGR_L_GetNextFeature(lyr))) {
        const char *fid = OGR_F_GetFieldAsString(f, fi);
        int k = 0;
        while (k < n && strcmp(ids[k], fid)) k++;
        OGRGeometryH gm = OGR_F_GetGeometryRef(f);
        if (k < n && gm) {
            geoms[nall] = OGR_G_Clone(gm);
            owner[nall] = k;
            if (ct && OGR_G_Transform(geoms[nall], ct) != OGRERR_NONE)
                e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "cannot reproject sub-basin '%s' of '%s'", fid, polygons);
            nall++;
        }
        OGR_F_Destroy(f);
        if (e) goto done;
    }
    int64_t wx0 = INT64_MAX, wy0 = INT64_MAX, wx1 = -1, wy1 = -1;
    OGRGeometryH *mine = geoms + nall; /* scratch after the geometries (geoms holds nf + nf slots) */
    for (int k = 0; k < n && !e; k++) {
        int m = 0;
        for (int a = 0; a < nall; a++)
            if (owner[a] == k) mine[m++] = geoms[a];
        if (m == 0) {
            e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "sub-basin '%s' has no polygon in '%s' (field '%s')", ids[k],
                           polygons, id_field);
            break;
        }
        e = subbasin_cells(p, mine, m, ids[k], first, &p->c[k].cell, &p->c[k].n);
        for (int64_t q = 0; !e && q < p->c[k].n; q++) {
            int64_t i = p->c[k].cell[q] % g->nx, j = p->c[k].cell[q] / g->nx;
            wx0 = i < wx0 ? i : wx0, wx1 = i > wx1 ? i : wx1, wy0 = j < wy0 ? j : wy0, wy1 = j > wy1 ? j : wy1;
        }
    }
    if (!e) {
        p->x0 = wx0, p->y0 = wy0, p->nx = wx1 - wx0 + 1, p->ny = wy1 - wy0 + 1;
        for (int k = 0; k < n; k++) /* grid indices -> window indices (order kept) */
            for (int64_t q = 0; q < p->c[k].n; q++) {
                int64_t i = p->c[k].cell[q] % g->nx - wx0, j = p->c[k].cell[q] / g->nx - wy0;
                p->c[k].cell[q] = j * p->nx + i;
            }
        if (sx_grid_is_geographic(g)) e = area_weights(p);
    }
done:
    for (int a = 0; a < nall; a++) OGR_G_DestroyGeometry(geoms[a]);
    free(geoms);
    free(owner);
    if (ct) OCTDestroyCoordinateTransformation(ct);
    if (gs) OSRDestroySpatialReference(gs);
    GDALClose(ds);
    return e;
}

/* Means of one row's window win into m[n] (mm per step); a NaN, nodata or negative cell used is an error. */
static sx_err areal_means(const sx_hydro_grid_src_t *src, const plan_t *p, const sx_grid_t *g, const char *path,
                          const char *when, const double *win, double *m)
{
    for (int k = 0; k < p->n; k++) {
        double s = 0;
        for (int64_t q = 0; q < p->c[k].n; q++) {
            int64_t c = p->c[k].cell[q];
            double v = win[c];
            SX_FAIL_IF(sx_grid_is_nodata(g, v) || !isfinite(v) || v < 0, SX_ERR_INPUT,
                       "%s grid '%s' time %s, cell (column %lld, row %lld): %s inside sub-basin %d; fill or mask the "
                       "grid, it is never silently zero", W(src), path, when, (long long)(p->x0 + c % p->nx),
                       (long long)(p->y0 + c / p->nx), v < 0 ? "negative value" : "no data (NaN or nodata)", k + 1);
            s += p->c[k].w ? p->c[k].w[q] * v : v;
        }
        m[k] = s / (p->c[k].w ? p->c[k].wsum : (double)p->c[k].n) * src->scale;
    }
    return SX_OK;
}

/* Means of row t into m[n]. */
static sx_err read_row(const sx_hydro_grid_src_t *src, const plan_t *p, const sx_hydro_series_t *times, int64_t t,
                       double *win, double *m)
{
    if (src->nh5 > 0) {
        SX_CHECK(sx__h5grid_step(&p->h5, times->t[t], times->dt, times->time[t], p->x0, p->y0, p->nx, p->ny, win,
                                 win + p->nx * p->ny));
        return areal_means(src, p, &p->g, src->h5[0], times->time[t], win, m);
    }
    const char *path = src->files ? src->files[t] : src->cube;
    int band = src->files ? 1 : p->band[t];
    SX_FAIL_IF(src->files && access(path, R_OK) != 0, SX_ERR_INPUT,
               "%s grid for time %s is missing: '%s'; a missing time step is an error, never zero", W(src),
               times->time[t], path);
    sx_raster_t *r = NULL;
    sx_grid_t g = {0};
    SX_CHECK(sx_raster_open(path, &r));
    sx_err e = sx_raster_grid(r, band, &g);
    if (!e && !sx_grid_same_frame(&g, &p->g))
        e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s grid '%s' (time %s) is not on the grid of the first step "
                       "(size, geotransform or CRS differ); regrid the series to one grid", W(src), path,
                       times->time[t]);
    if (!e) e = sx_raster_read(r, band, p->x0, p->y0, p->nx, p->ny, SX_DT_FLOAT64, win, p->nx);
    sx_raster_close(&r);
    if (!e) e = areal_means(src, p, &g, path, times->time[t], win, m);
    sx_grid_fini(&g);
    return e;
}

sx_err sx_hydro_grid_areal(MPI_Comm comm, const sx_hydro_grid_src_t *src, const char *polygons, const char *id_field,
                           int n, const char *const *ids, const sx_hydro_series_t *times, int64_t r0, int64_t r1,
                           double *out)
{
    int rank, size;
    SX_CHECK_MPI(MPI_Comm_rank(comm, &rank));
    SX_CHECK_MPI(MPI_Comm_size(comm, &size));
    SX_FAIL_IF((src->files != NULL) + (src->cube != NULL) + (src->nh5 > 0) != 1, SX_ERR_CONFIG,
               "gridded rain needs one file per step, one dataset or HDF5 files");
    SX_FAIL_IF(!(src->scale > 0), SX_ERR_CONFIG, "gridded rain scale must be > 0");
    SX_FAIL_IF(r0 < 0 || r1 < r0 || r1 >= times->n || n < 1, SX_ERR_CONFIG, "gridded rain: bad row range");
    plan_t p;
    memset(&p, 0, sizeof p);
    const int64_t nr = r1 - r0 + 1, a = r0 + nr * rank / size, b = r0 + nr * (rank + 1) / size;
    double *win = NULL, *mine = NULL, *all = NULL;
    int *counts = NULL, *displs = NULL;
    sx_err e = SX_OK;
    if (src->files) {
        for (int64_t t = r0; t <= r1 && !e; t++)
            if (access(src->files[t], R_OK) != 0 && rank == 0)
                e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s grid for time %s is missing: '%s'; a missing time "
                               "step is an error, never zero", W(src), times->time[t], src->files[t]);
    } else if (src->nh5 > 0) {
        e = times->time_is_date ? sx__h5grid_open(src->nh5, src->h5, src->h5_var, src->h5_dims, src->h5_record_s, &p.h5)
                                : sx_err_set(SX_ERR_CONFIG, SX__FILE, __LINE__, "HDF5 gridded rain needs forcing times "
                                             "that are dates, not step numbers");
    } else {
        p.band = calloc((size_t)times->n, sizeof *p.band);
        e = p.band ? cube_bands(src->cube, times, r0, r1, p.band)
                   : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    }
    if (!e) e = make_plan(src, polygons, id_field, n, ids, src->files ? src->files[r0] : src->cube ? src->cube : src->h5[0],
                          &p);
    SX_CHECK_GOTO(sx_err_agree(comm, e), e, done);
    win = malloc(sizeof *win * (size_t)(3 * p.nx * p.ny)); /* window + HDF5 scratch */
    mine = malloc(sizeof *mine * (size_t)((b - a) * n + 1));
    all = malloc(sizeof *all * (size_t)(nr * n));
    counts = malloc(sizeof *counts * (size_t)size);
    displs = malloc(sizeof *displs * (size_t)size);
    e = win && mine && all && counts && displs ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    for (int64_t t = a; t < b && !e; t++) e = read_row(src, &p, times, t, win, mine + (t - a) * n);
    if (!e) e = sx__hydro_blocks(size, nr, n, counts, displs); /* rows a..b of rank r: the same blocks */
    SX_CHECK_GOTO(sx_err_agree(comm, e), e, done);
    if (MPI_Allgatherv(mine, counts[rank], MPI_DOUBLE, all, counts, displs, MPI_DOUBLE, comm) != MPI_SUCCESS) {
        e = sx_err_set(SX_ERR_MPI, SX__FILE, __LINE__, "gathering the gridded rain failed");
        goto done;
    }
    for (int k = 0; k < n; k++)
        for (int64_t t = 0; t < nr; t++) out[(int64_t)k * times->n + r0 + t] = all[t * n + k];
    if (rank == 0)
        for (int k = 0; k < n && k < 20; k++)
            sx_log_info("grid rain: sub-basin '%s': %lld cells", ids[k], (long long)p.c[k].n);
done:
    free(win);
    free(mine);
    free(all);
    free(counts);
    free(displs);
    plan_fini(&p);
    return e;
}
