/*
 * feature_cells.c — the grid cells of vector features, for the verbs that
 * take points or polygons on a raster grid: the training samples of rs
 * classify, the cells rs sample must not draw (--exclude). Rank 0 reads the
 * layer, turns each feature into grid cells — a point the cell it falls in,
 * a polygon every cell whose centre lies inside it (GDALRasterizeGeometries'
 * default rule) — and broadcasts the list. The list is in feature order,
 * row-major within a polygon, so entry i means the same cell at any rank
 * count. A cell covered by two features is listed twice.
 */
#include <gdal_alg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rs/rs_internal.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"

static sx_err push(sx__rs_cells_t *c, int64_t col, int64_t row, int cls)
{
    if (c->n == c->cap) {
        const int64_t cap = c->cap ? 2 * c->cap : 1024;
        int64_t *p = realloc(c->v, (size_t)cap * 3 * sizeof *p);
        SX_FAIL_IF(!p, SX_ERR_NOMEM, "out of memory for %lld sample cells", (long long)cap);
        c->v = p;
        c->cap = cap;
    }
    c->v[3 * c->n] = col;
    c->v[3 * c->n + 1] = row;
    c->v[3 * c->n + 2] = cls;
    c->n++;
    return SX_OK;
}

/* The cells whose centres lie in polygon geom (in the grid's CRS). */
static sx_err polygon_cells(const sx_grid_t *g, OGRGeometryH geom, int cls, sx__rs_cells_t *c)
{
    OGREnvelope e;
    OGR_G_GetEnvelope(geom, &e);
    const double ymax_row = (e.MaxY - g->gt[3]) / g->gt[5], ymin_row = (e.MinY - g->gt[3]) / g->gt[5];
    int64_t x0 = (int64_t)fmax(0, floor((e.MinX - g->gt[0]) / g->gt[1]));
    int64_t x1 = (int64_t)fmin((double)g->nx, ceil((e.MaxX - g->gt[0]) / g->gt[1]));
    int64_t y0 = (int64_t)fmax(0, floor(fmin(ymax_row, ymin_row)));
    int64_t y1 = (int64_t)fmin((double)g->ny, ceil(fmax(ymax_row, ymin_row)));
    if (x1 <= x0 || y1 <= y0) return SX_OK;
    SX_FAIL_IF((x1 - x0) * (y1 - y0) > ((int64_t)1 << 28), SX_ERR_INPUT,
               "a polygon spans %lld x %lld cells; split it (at most 2^28 cells each)", (long long)(x1 - x0),
               (long long)(y1 - y0));
    GDALDatasetH md = GDALCreate(GDALGetDriverByName("MEM"), "", (int)(x1 - x0), (int)(y1 - y0), 1, GDT_Byte, NULL);
    SX_FAIL_IF(!md, SX_ERR_GDAL, "cannot create a rasterization buffer: %s", sx_gdal_last_error());
    double gt[6] = {g->gt[0] + (double)x0 * g->gt[1], g->gt[1], 0, g->gt[3] + (double)y0 * g->gt[5], 0, g->gt[5]};
    GDALSetGeoTransform(md, gt);
    int band1 = 1;
    double burn = 1;
    unsigned char *m = calloc((size_t)((x1 - x0) * (y1 - y0)), 1);
    sx_err err = m ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory rasterizing a polygon");
    if (!err && GDALRasterizeGeometries(md, 1, &band1, 1, &geom, NULL, NULL, &burn, NULL, NULL, NULL) != CE_None)
        err = sx_err_set(SX_ERR_GDAL, SX__FILE, __LINE__, "cannot rasterize a polygon: %s", sx_gdal_last_error());
    if (!err && GDALRasterIO(GDALGetRasterBand(md, 1), GF_Read, 0, 0, (int)(x1 - x0), (int)(y1 - y0), m, (int)(x1 - x0),
                             (int)(y1 - y0), GDT_Byte, 0, 0) != CE_None)
        err = sx_err_set(SX_ERR_GDAL, SX__FILE, __LINE__, "cannot read the rasterized polygon: %s", sx_gdal_last_error());
    for (int64_t r = 0; r < y1 - y0 && !err; r++)
        for (int64_t q = 0; q < x1 - x0 && !err; q++)
            if (m[r * (x1 - x0) + q]) err = push(c, x0 + q, y0 + r, cls);
    free(m);
    GDALClose(md);
    return err;
}

/* Rank 0: read the layer into c. */
static sx_err read_cells(const sx__rs_features_t *fs, const sx_grid_t *g, const char *raster, sx__rs_cells_t *c,
                         int64_t *outside)
{
    GDALDatasetH ds;
    OGRLayerH lyr;
    OGRCoordinateTransformationH ct;
    SX_CHECK(sx__rs_vector_open(fs->path, fs->layer, fs->what, g, raster, &ds, &lyr, &ct));
    int fi = -1;
    sx_err err = fs->field ? sx__rs_vector_field(lyr, fs->what, fs->path, fs->field, fs->hint, &fi) : SX_OK;
    OGR_L_ResetReading(lyr);
    OGRFeatureH f;
    while (!err && (f = OGR_L_GetNextFeature(lyr))) {
        const long long fid = (long long)OGR_F_GetFID(f);
        OGRGeometryH geom = OGR_F_GetGeometryRef(f);
        const char *txt;
        int v = 0;
        const OGRwkbGeometryType t = geom ? wkbFlatten(OGR_G_GetGeometryType(geom)) : wkbUnknown;
        if (fi >= 0 && !sx__rs_feature_class(f, fi, &v, &txt))
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                             "feature %lld of %s '%s': class '%s' in field '%s' is not a whole number 0 .. 254", fid,
                             fs->what, fs->path, txt, fs->field);
        else if (t != wkbPoint && t != wkbPolygon && t != wkbMultiPolygon)
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "feature %lld of %s '%s' is neither a point nor a polygon",
                             fid, fs->what, fs->path);
        else if (ct && OGR_G_Transform(geom, ct) != OGRERR_NONE)
            err = sx_err_set(SX_ERR_CRS, SX__FILE, __LINE__, "feature %lld of %s '%s' cannot be transformed to the CRS "
                             "of '%s'", fid, fs->what, fs->path, raster);
        else if (t != wkbPoint)
            err = polygon_cells(g, geom, v, c);
        else {
            const double x = OGR_G_GetX(geom, 0), y = OGR_G_GetY(geom, 0);
            const double col = floor((x - g->gt[0]) / g->gt[1]), row = floor((y - g->gt[3]) / g->gt[5]);
            if (col >= 0 && col < (double)g->nx && row >= 0 && row < (double)g->ny)
                err = push(c, (int64_t)col, (int64_t)row, v);
            else if (fs->skip_outside)
                ++*outside;
            else
                err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                                 "feature %lld of %s '%s' at (%.10g, %.10g) lies outside the grid of '%s'; remove it", fid,
                                 fs->what, fs->path, x, y, raster);
        }
        OGR_F_Destroy(f);
    }
    if (ct) OCTDestroyCoordinateTransformation(ct);
    GDALClose(ds);
    return err;
}

sx_err sx__rs_feature_cells(MPI_Comm comm, const sx__rs_features_t *f, const sx_grid_t *g, const char *raster,
                            sx__rs_cells_t *c, int64_t *outside)
{
    int rank;
    int64_t out = 0;
    SX_CHECK_MPI(MPI_Comm_rank(comm, &rank));
    memset(c, 0, sizeof *c);
    sx_err err = rank == 0 ? read_cells(f, g, raster, c, &out) : SX_OK;
    SX_CHECK(sx_err_agree(comm, err));
    int64_t hdr[2] = {c->n, out};
    SX_CHECK_MPI(MPI_Bcast(hdr, 2, MPI_INT64_T, 0, comm));
    if (outside) *outside = hdr[1];
    if (rank != 0) {
        c->n = c->cap = hdr[0];
        c->v = malloc((size_t)(3 * c->n + 1) * sizeof *c->v);
    }
    err = c->v || c->n == 0 ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory for %lld cells of %s",
                                                 (long long)c->n, f->what);
    SX_CHECK(sx_err_agree(comm, err));
    for (int64_t off = 0; off < 3 * c->n;) { /* in pieces that fit an int count */
        const int64_t k = 3 * c->n - off < (1 << 26) ? 3 * c->n - off : (1 << 26);
        SX_CHECK_MPI(MPI_Bcast(c->v + off, (int)k, MPI_INT64_T, 0, comm));
        off += k;
    }
    return SX_OK;
}
