/*
 * polygonize.c — vector polygons (GeoPackage) of the connected regions of
 * equal value in a class raster, with per-polygon attributes set by the
 * caller: the water / flood polygons (cells equal to 1, area in km^2) and
 * the change patches of `rs patches` (patches.c).
 *
 * GDAL's polygonizer (GDALPolygonize, 4- or 8-connected) runs on rank 0 over
 * the committed raster, streaming it row by row, so a region that crosses
 * the ranks' block edges is one polygon and the layer does not depend on the
 * rank count. Cells equal to 0 are not polygonized (the band is its own
 * mask). Each polygon then goes through the caller's visit(), which sets its
 * attributes or drops it; finish() runs before the transaction commits. The
 * file is written under a temporary name and renamed when done (sx_output).
 *
 * For the water polygons, areas are planar in the raster's CRS when it is
 * projected in metres, and in the equal-area EPSG:6933 (WGS 84 / EASE Grid
 * 2.0) when it is geographic.
 */
#include <gdal.h>
#include <gdal_alg.h>
#include <stdlib.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_string.h>
#include <stdio.h>
#include <string.h>

#include "rs/rs_internal.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_raster.h"
#include "sanxiang/sx_rs.h"

static sx_err polygonize_rank0(const char *raster, const char *tmp, const sx__rs_poly_t *p)
{
    sx_err err = SX_OK;
    GDALDatasetH src = GDALOpen(raster, GA_ReadOnly), dst = NULL;
    OGRSpatialReferenceH srs = NULL;
    GIntBig *drop = NULL;
    SX_FAIL_IF(!src, SX_ERR_IO, "cannot open '%s' to polygonize: %s", raster, sx_gdal_last_error());
    const char *wkt = GDALGetProjectionRef(src);
    if (wkt && *wkt) {
        srs = OSRNewSpatialReference(wkt);
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    }
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    if (!drv) SX_FAIL_GOTO(err, done, SX_ERR_GDAL, "GDAL has no GeoPackage driver");
    dst = GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, NULL);
    if (!dst) SX_FAIL_GOTO(err, done, SX_ERR_IO, "cannot create '%s': %s", tmp, sx_gdal_last_error());
    OGRLayerH lyr = GDALDatasetCreateLayer(dst, p->layer, srs, wkbPolygon, NULL);
    if (!lyr) SX_FAIL_GOTO(err, done, SX_ERR_GDAL, "cannot create layer '%s': %s", p->layer, sx_gdal_last_error());
    int bad = 0;
    for (int i = 0; i < p->nfields; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(p->fields[i].name, p->fields[i].type);
        bad |= OGR_L_CreateField(lyr, fd, TRUE) != OGRERR_NONE;
        OGR_Fld_Destroy(fd);
    }
    if (bad) SX_FAIL_GOTO(err, done, SX_ERR_GDAL, "cannot create the fields of layer '%s': %s", p->layer, sx_gdal_last_error());
    GDALDatasetStartTransaction(dst, FALSE);
    GDALRasterBandH band = GDALGetRasterBand(src, 1);
    char *opts[] = {p->connect8 ? "8CONNECTED=8" : NULL, NULL};
    if (GDALPolygonize(band, band, lyr, 0, opts, NULL, NULL) != CE_None)
        SX_FAIL_GOTO(err, done, SX_ERR_GDAL, "polygonizing '%s' failed: %s", raster, sx_gdal_last_error());
    OGR_L_ResetReading(lyr);
    OGRFeatureH f;
    size_t ndrop = 0, cap = 0;
    while (!err && (f = OGR_L_GetNextFeature(lyr))) {
        int keep = 1;
        err = p->visit(p->ctx, f, OGR_F_GetFieldAsInteger(f, 0), &keep);
        if (!err && !keep) {
            if (ndrop == cap) {
                cap = cap ? 2 * cap : 1024;
                GIntBig *nd = realloc(drop, cap * sizeof *nd);
                if (!nd) bad = 1;
                else drop = nd;
            }
            if (ndrop < cap) drop[ndrop++] = OGR_F_GetFID(f);
        } else if (!err) {
            bad |= OGR_L_SetFeature(lyr, f) != OGRERR_NONE;
        }
        OGR_F_Destroy(f);
    }
    if (err) goto done;
    for (size_t i = 0; i < ndrop; i++) bad |= OGR_L_DeleteFeature(lyr, drop[i]) != OGRERR_NONE;
    if (bad) SX_FAIL_GOTO(err, done, SX_ERR_GDAL, "writing polygons to '%s' failed: %s", tmp, sx_gdal_last_error());
    if (p->finish) SX_CHECK_GOTO(p->finish(p->ctx, lyr), err, done);
    if (GDALDatasetCommitTransaction(dst) != OGRERR_NONE)
        SX_FAIL_GOTO(err, done, SX_ERR_GDAL, "writing polygons to '%s' failed: %s", tmp, sx_gdal_last_error());
done:
    free(drop);
    if (dst) GDALClose(dst);
    if (srs) OSRDestroySpatialReference(srs);
    if (src) GDALClose(src);
    return err;
}

sx_err sx__rs_polygonize(MPI_Comm comm, const char *raster, const char *gpkg, const sx__rs_poly_t *p)
{
    sx_output_t out;
    SX_CHECK(sx_output_begin(comm, gpkg, &out));
    int rank;
    MPI_Comm_rank(comm, &rank);
    /* The raster is this step's own product, staged until the step's products commit together. */
    sx_err err = rank == 0 ? polygonize_rank0(sx_output_staged(raster), out.tmp_path, p) : SX_OK;
    return sx_output_commit(comm, &out, err);
}

/* Water / flood polygons: keep value 1, area_km2 in metres or EPSG:6933. */
typedef struct {
    OGRCoordinateTransformationH ct;
} water_t;

static sx_err water_visit(void *ctx, OGRFeatureH f, int value, int *keep)
{
    const water_t *w = ctx;
    *keep = value == 1;
    if (!*keep) return SX_OK;
    OGRGeometryH geom = OGR_G_Clone(OGR_F_GetGeometryRef(f));
    if (w->ct) OGR_G_Transform(geom, w->ct);
    OGR_F_SetFieldDouble(f, 1, OGR_G_Area(geom) / 1e6);
    OGR_G_DestroyGeometry(geom);
    return SX_OK;
}

sx_err sx_rs_polygonize(MPI_Comm comm, const char *raster, const char *gpkg, const char *layer)
{
    water_t w = {NULL};
    OGRSpatialReferenceH srs = NULL, ea = NULL;
    int rank;
    MPI_Comm_rank(comm, &rank);
    GDALDatasetH src = rank == 0 ? GDALOpen(sx_output_staged(raster), GA_ReadOnly) : NULL;
    const char *wkt = src ? GDALGetProjectionRef(src) : NULL;
    if (wkt && *wkt) {
        srs = OSRNewSpatialReference(wkt);
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
        if (OSRIsGeographic(srs)) {
            ea = OSRNewSpatialReference(NULL);
            OSRImportFromEPSG(ea, 6933);
            OSRSetAxisMappingStrategy(ea, OAMS_TRADITIONAL_GIS_ORDER);
            w.ct = OCTNewCoordinateTransformation(srs, ea);
        }
    }
    if (src) GDALClose(src);
    const sx__rs_poly_field_t fields[] = {{"value", OFTInteger}, {"area_km2", OFTReal}};
    const sx__rs_poly_t p = {layer, 0, fields, 2, water_visit, NULL, &w};
    sx_err err = sx__rs_polygonize(comm, raster, gpkg, &p);
    if (w.ct) OCTDestroyCoordinateTransformation(w.ct);
    if (ea) OSRDestroySpatialReference(ea);
    if (srs) OSRDestroySpatialReference(srs);
    return err;
}
