/*
 * polygonize.c — vector polygons (GeoPackage) of the cells equal to 1 in a
 * class raster, with each polygon's area in km^2.
 *
 * GDAL's polygonizer (GDALPolygonize, 4-connected) runs on rank 0 over the
 * committed raster, streaming it row by row; polygons of other values
 * (0 land, 255 nodata) are dropped. Areas are planar in the raster's CRS when
 * it is projected in metres, and in the equal-area EPSG:6933 (WGS 84 / EASE
 * Grid 2.0) when it is geographic. The file is written under a temporary
 * name and renamed when done (sx_output).
 */
#include <gdal.h>
#include <gdal_alg.h>
#include <stdlib.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_string.h>
#include <stdio.h>
#include <string.h>

#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_raster.h"
#include "sanxiang/sx_rs.h"

static sx_err polygonize_rank0(const char *raster, const char *tmp, const char *layer)
{
    sx_err err = SX_OK;
    GDALDatasetH src = GDALOpen(raster, GA_ReadOnly), dst = NULL;
    OGRSpatialReferenceH srs = NULL, ea = NULL;
    OGRCoordinateTransformationH ct = NULL;
    SX_FAIL_IF(!src, SX_ERR_IO, "cannot open '%s' to polygonize: %s", raster, sx_gdal_last_error());
    const char *wkt = GDALGetProjectionRef(src);
    if (wkt && *wkt) {
        srs = OSRNewSpatialReference(wkt);
        OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
        if (OSRIsGeographic(srs)) {
            ea = OSRNewSpatialReference(NULL);
            OSRImportFromEPSG(ea, 6933);
            OSRSetAxisMappingStrategy(ea, OAMS_TRADITIONAL_GIS_ORDER);
            ct = OCTNewCoordinateTransformation(srs, ea);
        }
    }
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    if (!drv) SX_FAIL_GOTO(err, done, SX_ERR_GDAL, "GDAL has no GeoPackage driver");
    dst = GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, NULL);
    if (!dst) SX_FAIL_GOTO(err, done, SX_ERR_IO, "cannot create '%s': %s", tmp, sx_gdal_last_error());
    OGRLayerH lyr = GDALDatasetCreateLayer(dst, layer, srs, wkbPolygon, NULL);
    if (!lyr) SX_FAIL_GOTO(err, done, SX_ERR_GDAL, "cannot create layer '%s': %s", layer, sx_gdal_last_error());
    OGRFieldDefnH fv = OGR_Fld_Create("value", OFTInteger), fa = OGR_Fld_Create("area_km2", OFTReal);
    OGR_L_CreateField(lyr, fv, TRUE);
    OGR_L_CreateField(lyr, fa, TRUE);
    OGR_Fld_Destroy(fv);
    OGR_Fld_Destroy(fa);
    GDALDatasetStartTransaction(dst, FALSE);
    GDALRasterBandH band = GDALGetRasterBand(src, 1);
    if (GDALPolygonize(band, band, lyr, 0, NULL, NULL, NULL) != CE_None)
        SX_FAIL_GOTO(err, done, SX_ERR_GDAL, "polygonizing '%s' failed: %s", raster, sx_gdal_last_error());
    /* keep value 1, add areas */
    OGR_L_ResetReading(lyr);
    OGRFeatureH f;
    GIntBig *drop = NULL;
    size_t ndrop = 0, cap = 0;
    int bad = 0;
    while ((f = OGR_L_GetNextFeature(lyr))) {
        if (OGR_F_GetFieldAsInteger(f, 0) != 1) {
            if (ndrop == cap) {
                cap = cap ? 2 * cap : 1024;
                GIntBig *nd = realloc(drop, cap * sizeof *nd);
                if (!nd) bad = 1;
                else drop = nd;
            }
            if (ndrop < cap) drop[ndrop++] = OGR_F_GetFID(f);
        } else {
            OGRGeometryH geom = OGR_G_Clone(OGR_F_GetGeometryRef(f));
            if (ct) OGR_G_Transform(geom, ct);
            OGR_F_SetFieldDouble(f, 1, OGR_G_Area(geom) / 1e6);
            OGR_G_DestroyGeometry(geom);
            bad |= OGR_L_SetFeature(lyr, f) != OGRERR_NONE;
        }
        OGR_F_Destroy(f);
    }
    for (size_t i = 0; i < ndrop; i++) bad |= OGR_L_DeleteFeature(lyr, drop[i]) != OGRERR_NONE;
    free(drop);
    if (bad) SX_FAIL_GOTO(err, done, SX_ERR_GDAL, "writing polygons to '%s' failed: %s", tmp, sx_gdal_last_error());
    GDALDatasetCommitTransaction(dst);
done:
    if (dst) GDALClose(dst);
    if (ct) OCTDestroyCoordinateTransformation(ct);
    if (ea) OSRDestroySpatialReference(ea);
    if (srs) OSRDestroySpatialReference(srs);
    GDALClose(src);
    return err;
}

sx_err sx_rs_polygonize(MPI_Comm comm, const char *raster, const char *gpkg, const char *layer)
{
    sx_output_t out;
    SX_CHECK(sx_output_begin(comm, gpkg, &out));
    int rank;
    MPI_Comm_rank(comm, &rank);
    /* The raster is this step's own product, staged until the step's products commit together. */
    sx_err err = rank == 0 ? polygonize_rank0(sx_output_staged(raster), out.tmp_path, layer) : SX_OK;
    return sx_output_commit(comm, &out, err);
}
