/*
 * outputs.c — the delivery products of a flood run: maximum depth, arrival
 * time, maximum velocity and hazard as CF-netCDF + COG; depth snapshots
 * gathered into one CF-HDF5 time series; flood-extent polygons with their
 * area as a GeoPackage.
 *
 * Snapshots are written one file per report time while the run goes (so a
 * restarted run keeps those before its checkpoint and rewrites the later
 * ones identically); at the end each rank copies its block of every snapshot
 * into the time series, so memory stays one block. The extent polygons are
 * the 4-connected regions of cells with max depth >= the extent depth in the
 * max-depth layer just written, traced by the io layer's parallel
 * polygonizer (sx_polygonize.h: every rank its block of rows; rank 0 joins
 * the regions that cross block edges and writes the layer), each with its
 * area in the DEM's projected CRS.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "f2d_internal.h"
#include "f2d_outputs.h"
#include "sanxiang/sx_h5cf.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_perf.h"
#include "sanxiang/sx_polygonize.h"

#define F2D_NODATA (-9999.0f)

/* Field f of own cells as float32, NODATA on DEM nodata (and NaN). */
static sx_err field_f32(const sx_f2d_t *m, sx_f2d_field f, float *out)
{
    int64_t n = sx_window_cells(m->own);
    double *tmp = NULL;
    SX_ALLOC(tmp, n > 0 ? n : 1, "an output block");
    sx_err err = sx_f2d_get_field(m, f, tmp);
    for (int64_t j = 0; err == SX_OK && j < m->own.ny; j++)
        for (int64_t i = 0; i < m->own.nx; i++) {
            double v = tmp[j * m->own.nx + i];
            double z = m->z[sx__f2d_ci(m, m->own.x0 + i, m->own.y0 + j)];
            out[j * m->own.nx + i] = isnan(z) || isnan(v) ? F2D_NODATA : (float)v;
        }
    free(tmp);
    return err;
}

sx_err sx__f2d_write_max_layers(sx_f2d_t *m, const char *dir, int formats, const char *prov)
{
    static const struct {
        sx_f2d_field f;
        const char *name, *long_name, *units;
    } layers[] = {
        {SX_F2D_MAX_DEPTH, "max_depth", "maximum water depth", "m"},
        {SX_F2D_ARRIVAL, "arrival_time", "time of first inundation (depth >= arrival_depth) since the start", "s"},
        {SX_F2D_MAX_SPEED, "max_velocity", "maximum depth-averaged flow speed", "m s-1"},
        {SX_F2D_MAX_HAZARD, "max_hazard", "maximum of depth x speed (flood hazard)", "m2 s-1"},
    };
    float *buf = NULL;
    int64_t n = sx_window_cells(m->own);
    buf = malloc((size_t)(n > 0 ? n : 1) * sizeof *buf);
    SX_CHECK(sx_err_agree(m->comm, buf ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate an output block")));
    sx_err err = SX_OK;
    for (size_t k = 0; k < sizeof layers / sizeof *layers && err == SX_OK; k++) {
        char nc[SX_PATH_MAX], tif[SX_PATH_MAX];
        snprintf(nc, sizeof nc, "%s/%s.nc", dir, layers[k].name);
        snprintf(tif, sizeof tif, "%s/%s.tif", dir, layers[k].name);
        err = sx_err_agree(m->comm, field_f32(m, layers[k].f, buf));
        sx_layer_out_t o = {formats & SX_LAYER_NC ? nc : NULL, formats & SX_LAYER_COG ? tif : NULL, layers[k].name, layers[k].long_name, layers[k].units, NULL,
                            SX_DT_FLOAT32, F2D_NODATA, "AVERAGE", prov};
        if (err == SX_OK) err = sx_layer_write(m->comm, &m->grid, m->own, buf, m->own.nx, &o);
    }
    free(buf);
    return err;
}

sx_err sx__f2d_write_snapshot(sx_f2d_t *m, const char *path)
{
    int64_t n = sx_window_cells(m->own);
    float *buf = malloc((size_t)(n > 0 ? n : 1) * sizeof *buf);
    SX_CHECK(sx_err_agree(m->comm, buf ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate a snapshot block")));
    sx_err err = sx_err_agree(m->comm, field_f32(m, SX_F2D_DEPTH, buf));
    sx_layer_out_t o = {path, NULL, "depth", "water depth", "m", NULL, SX_DT_FLOAT32, F2D_NODATA, NULL, NULL};
    if (err == SX_OK) err = sx_layer_write(m->comm, &m->grid, m->own, buf, m->own.nx, &o);
    free(buf);
    return err;
}

sx_err sx__f2d_assemble_series(sx_f2d_t *m, const char *snap_fmt, int64_t nsnap, const double *times, const char *path,
                               const char *prov)
{
    sx_perf_start("flood2d: depth series", SX_PERF_WRITE);
    int64_t n = sx_window_cells(m->own);
    double *d = malloc((size_t)(n > 0 ? n : 1) * sizeof *d);
    float *f = malloc((size_t)(n > 0 ? n : 1) * sizeof *f);
    sx_err err = d && f ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate a series block");
    err = sx_err_agree(m->comm, err);
    sx_output_t out;
    if (err == SX_OK) err = sx_output_begin(m->comm, path, &out);
    if (err == SX_OK) {
        sx_grid_t g;
        sx_err e = sx_grid_copy(&g, &m->grid);
        g.dtype = SX_DT_FLOAT32;
        g.has_nodata = 1;
        g.nodata = F2D_NODATA;
        sx_h5cf_t *nc = NULL;
        if (e == SX_OK) e = sx_h5cf_create(m->comm, out.tmp_path, &g, nsnap, "seconds since start of run", prov, &nc);
        sx_h5cf_var_t var = {"depth", "water depth", "m", "water_depth", SX_DT_FLOAT32, F2D_NODATA, 1};
        if (e == SX_OK) e = sx_h5cf_define(nc, &var);
        for (int64_t t = 0; t < nsnap && e == SX_OK; t++) {
            char snap[SX_PATH_MAX], name[SX_PATH_MAX + 32];
            snprintf(snap, sizeof snap, snap_fmt, (long long)t);
            snprintf(name, sizeof name, "NETCDF:\"%s\":depth", snap);
            sx_raster_t *r = NULL;
            sx_grid_t sg = {0};
            e = sx_layer_open(m->comm, name, 1, &r, &sg);
            if (e == SX_OK) e = sx_err_agree(m->comm, sx_layer_read_f64(r, 1, &sg, m->own, m->own, d));
            sx_raster_close(&r);
            sx_grid_fini(&sg);
            for (int64_t k = 0; e == SX_OK && k < n; k++) f[k] = isnan(d[k]) ? F2D_NODATA : (float)d[k];
            if (e == SX_OK) e = sx_h5cf_write(nc, "depth", t, m->own.x0, m->own.y0, m->own.nx, m->own.ny, f, m->own.nx);
            if (e == SX_OK) e = sx_h5cf_set_time(nc, t, times[t]);
        }
        sx_err ec = sx_h5cf_close(&nc);
        if (e == SX_OK) e = ec;
        sx_grid_fini(&g);
        err = sx_output_commit(m->comm, &out, e);
    }
    free(d);
    free(f);
    sx_perf_stop("flood2d: depth series");
    return err;
}

/* The extent: cells of max depth >= threshold (not nodata) are region 1, the
 * rest 0; each polygon's area_m2 is its planar area in the DEM's projected
 * CRS, summed (rank 0) for the log line. */
typedef struct {
    double threshold, total_area;
    int npoly;
} extent_t;

static void extent_classify(void *ctx, const double *v, int32_t *value, int64_t n)
{
    const double t = ((const extent_t *)ctx)->threshold;
    for (int64_t i = 0; i < n; i++) value[i] = v[i] != F2D_NODATA && v[i] >= t;
}

static sx_err extent_visit(void *ctx, OGRFeatureH f, const sx_polygon_t *poly, int *keep)
{
    extent_t *e = ctx;
    *keep = 1;
    OGR_F_SetFieldDouble(f, 1, poly->area);
    e->total_area += poly->area;
    e->npoly++;
    return SX_OK;
}

sx_err sx__f2d_write_extent(MPI_Comm comm, const char *max_depth, double threshold, const char *gpkg)
{
    extent_t e = {threshold, 0, 0};
    const sx_polygonize_field_t fields[] = {{"flooded", OFTInteger}, {"area_m2", OFTReal}};
    const sx_polygonize_t p = {"flood_extent", 0, fields, 2, 1, extent_classify, extent_visit, NULL, &e};
    sx_perf_start("flood2d: extent polygons", SX_PERF_WRITE);
    sx_err err = sx_polygonize_raster(comm, max_depth, gpkg, &p);
    sx_perf_stop("flood2d: extent polygons");
    SX_CHECK(err);
    sx_log_info("flood2d: flood extent (max depth >= %.3g m): %d polygons, %.0f m2 -> %s", threshold, e.npoly,
                e.total_area, gpkg);
    return SX_OK;
}
