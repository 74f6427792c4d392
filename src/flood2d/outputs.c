/*
 * outputs.c — the delivery products of a flood run: maximum depth, arrival
 * time, maximum velocity and hazard as CF-netCDF + COG; depth snapshots
 * gathered into one CF-HDF5 time series; flood-extent polygons with their
 * area as a GeoPackage.
 *
 * Snapshots are written one file per report time while the run goes (so a
 * restarted run keeps those before its checkpoint and rewrites the later
 * ones identically); at the end each rank copies its block of every snapshot
 * into the time series, so memory stays one block. The polygons are made on
 * rank 0 with GDALPolygonize from the committed max-depth COG (streamed
 * through GDAL's block cache), then the area of each polygon is computed in
 * the DEM's projected CRS.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gdal.h>
#include <gdal_alg.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "f2d_internal.h"
#include "f2d_outputs.h"
#include "sanxiang/sx_h5cf.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_perf.h"

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

/* Rank 0: polygons of max depth >= threshold, with area_m2, into tmp. */
static sx_err polygonize(const char *tif, double threshold, const char *gpkg, double *total_area, int *npoly)
{
    GDALDatasetH src = GDALOpen(tif, GA_ReadOnly);
    SX_FAIL_IF(!src, SX_ERR_GDAL, "cannot open '%s' to draw the flood extent", tif);
    int nx = GDALGetRasterXSize(src), ny = GDALGetRasterYSize(src);
    double gt[6];
    GDALGetGeoTransform(src, gt);
    GDALDriverH mem = GDALGetDriverByName("MEM");
    GDALDatasetH mask = mem ? GDALCreate(mem, "", nx, ny, 1, GDT_Byte, NULL) : NULL;
    sx_err err = SX_OK;
    if (!mask) err = sx_err_set(SX_ERR_GDAL, SX__FILE, __LINE__, "cannot create the extent mask");
    float *row = malloc((size_t)nx * sizeof *row);
    unsigned char *mrow = malloc((size_t)nx);
    if (err == SX_OK && (!row || !mrow)) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    GDALRasterBandH sb = GDALGetRasterBand(src, 1), mb = mask ? GDALGetRasterBand(mask, 1) : NULL;
    for (int j = 0; j < ny && err == SX_OK; j++) {
        if (GDALRasterIO(sb, GF_Read, 0, j, nx, 1, row, nx, 1, GDT_Float32, 0, 0) != CE_None) {
            err = sx_err_set(SX_ERR_GDAL, SX__FILE, __LINE__, "cannot read row %d of '%s'", j, tif);
            break;
        }
        for (int i = 0; i < nx; i++) mrow[i] = row[i] != F2D_NODATA && row[i] >= threshold;
        if (GDALRasterIO(mb, GF_Write, 0, j, nx, 1, mrow, nx, 1, GDT_Byte, 0, 0) != CE_None)
            err = sx_err_set(SX_ERR_GDAL, SX__FILE, __LINE__, "cannot write the extent mask");
    }
    free(row);
    free(mrow);
    GDALDriverH gpd = GDALGetDriverByName("GPKG");
    GDALDatasetH out = NULL;
    if (err == SX_OK) {
        GDALSetGeoTransform(mask, gt);
        GDALSetProjection(mask, GDALGetProjectionRef(src));
        out = gpd ? GDALCreate(gpd, gpkg, 0, 0, 0, GDT_Unknown, NULL) : NULL;
        if (!out) err = sx_err_set(SX_ERR_GDAL, SX__FILE, __LINE__, "cannot create GeoPackage '%s'", gpkg);
    }
    OGRLayerH lyr = NULL;
    if (err == SX_OK) {
        OGRSpatialReferenceH srs = OSRNewSpatialReference(GDALGetProjectionRef(src));
        lyr = GDALDatasetCreateLayer(out, "flood_extent", srs, wkbPolygon, NULL);
        if (srs) OSRDestroySpatialReference(srs);
        OGRFieldDefnH fd = OGR_Fld_Create("flooded", OFTInteger);
        if (lyr) OGR_L_CreateField(lyr, fd, 0);
        OGR_Fld_Destroy(fd);
        fd = OGR_Fld_Create("area_m2", OFTReal);
        if (lyr) OGR_L_CreateField(lyr, fd, 0);
        OGR_Fld_Destroy(fd);
        if (!lyr) err = sx_err_set(SX_ERR_GDAL, SX__FILE, __LINE__, "cannot create the extent layer in '%s'", gpkg);
    }
    if (err == SX_OK && GDALPolygonize(mb, mb, lyr, 0, NULL, NULL, NULL) != CE_None)
        err = sx_err_set(SX_ERR_GDAL, SX__FILE, __LINE__, "GDALPolygonize failed on the extent of '%s'", tif);
    *total_area = 0;
    *npoly = 0;
    if (err == SX_OK) {
        /* Areas in one transaction, in feature order (deterministic). */
        GDALDatasetStartTransaction(out, 0);
        OGR_L_ResetReading(lyr);
        OGRFeatureH feat;
        int ia = OGR_L_FindFieldIndex(lyr, "area_m2", 1);
        while ((feat = OGR_L_GetNextFeature(lyr)) != NULL) {
            double a = OGR_G_Area(OGR_F_GetGeometryRef(feat));
            OGR_F_SetFieldDouble(feat, ia, a);
            if (OGR_L_SetFeature(lyr, feat) != OGRERR_NONE && err == SX_OK)
                err = sx_err_set(SX_ERR_GDAL, SX__FILE, __LINE__, "cannot store a polygon's area in '%s'", gpkg);
            *total_area += a;
            (*npoly)++;
            OGR_F_Destroy(feat);
        }
        GDALDatasetCommitTransaction(out);
    }
    if (out) GDALClose(out);
    if (mask) GDALClose(mask);
    GDALClose(src);
    return err;
}

sx_err sx__f2d_write_extent(MPI_Comm comm, const char *max_depth_tif, double threshold, const char *gpkg)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    sx_output_t out;
    SX_CHECK(sx_output_begin(comm, gpkg, &out));
    sx_err err = SX_OK;
    double area = 0;
    int npoly = 0;
    if (rank == 0) {
        /* The GPKG driver needs a .gpkg name: write next to the temporary one, then move. */
        char tmp[SX_PATH_MAX + 8];
        snprintf(tmp, sizeof tmp, "%s.gpkg", out.tmp_path);
        remove(tmp);
        sx_perf_start("flood2d: extent polygons", SX_PERF_WRITE);
        err = polygonize(sx_output_staged(max_depth_tif), threshold, tmp, &area, &npoly); /* staged in this step */
        sx_perf_stop("flood2d: extent polygons");
        if (err == SX_OK && rename(tmp, out.tmp_path) != 0)
            err = sx_err_set(SX_ERR_IO, SX__FILE, __LINE__, "cannot move '%s' into place", tmp);
        if (err != SX_OK) remove(tmp);
    }
    SX_CHECK(sx_output_commit(comm, &out, err));
    sx_log_info("flood2d: flood extent (max depth >= %.3g m): %d polygons, %.0f m2 -> %s", threshold, npoly, area, gpkg);
    return SX_OK;
}
