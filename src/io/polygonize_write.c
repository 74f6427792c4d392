/*
 * polygonize_write.c — rank 0's side of the polygonizer's output: the
 * GeoPackage layer and one feature per region record (polygonize.c).
 *
 * A record's corners (grid vertices, see polygonize_internal.h) become map
 * coordinates through the raster's geotransform, each ring closed by
 * repeating its first vertex. Field 0 gets the region's value; the caller's
 * visit() sets the others or drops the feature, and kept features are
 * numbered 1, 2, ... in the order written, all in one transaction. The
 * optional area is OGR's planar area of the polygon in the raster's CRS, or
 * of its copy in the equal-area EPSG:6933 (WGS 84 / EASE Grid 2.0) when the
 * CRS is geographic — the ground area without a projection chosen per
 * region. Nothing here is collective.
 */
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <string.h>

#include "io/polygonize_internal.h"
#include "sanxiang/sx_raster.h"

/* The transformation to EPSG:6933 when the layer's CRS is geographic. */
static sx_err area_transform(sx__poly_writer_t *w)
{
    if (!w->p->area || !w->srs || !OSRIsGeographic(w->srs)) return SX_OK;
    w->ea = OSRNewSpatialReference(NULL);
    SX_FAIL_IF(!w->ea || OSRImportFromEPSG(w->ea, 6933) != OGRERR_NONE, SX_ERR_GDAL,
               "cannot set up EPSG:6933 for polygon areas: %s", sx_gdal_last_error());
    OSRSetAxisMappingStrategy(w->ea, OAMS_TRADITIONAL_GIS_ORDER);
    w->ct = OCTNewCoordinateTransformation(w->srs, w->ea);
    SX_FAIL_IF(!w->ct, SX_ERR_GDAL, "cannot transform polygons to EPSG:6933 for their areas: %s",
               sx_gdal_last_error());
    return SX_OK;
}

sx_err sx__poly_writer_open(const char *raster, const char *tmp, const sx_polygonize_t *p, sx__poly_writer_t *w)
{
    memset(w, 0, sizeof *w);
    w->p = p;
    w->tmp = tmp;
    GDALDatasetH src = GDALOpen(raster, GA_ReadOnly);
    SX_FAIL_IF(!src, SX_ERR_IO, "cannot open '%s' to polygonize: %s", raster, sx_gdal_last_error());
    GDALGetGeoTransform(src, w->gt);
    const char *wkt = GDALGetProjectionRef(src);
    if (wkt && *wkt) {
        w->srs = OSRNewSpatialReference(wkt);
        OSRSetAxisMappingStrategy(w->srs, OAMS_TRADITIONAL_GIS_ORDER);
    }
    GDALClose(src);
    SX_CHECK(area_transform(w));
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    SX_FAIL_IF(!drv, SX_ERR_GDAL, "GDAL has no GeoPackage driver");
    w->dst = GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, NULL);
    SX_FAIL_IF(!w->dst, SX_ERR_IO, "cannot create '%s': %s", tmp, sx_gdal_last_error());
    w->lyr = GDALDatasetCreateLayer(w->dst, p->layer, w->srs, wkbPolygon, NULL);
    SX_FAIL_IF(!w->lyr, SX_ERR_GDAL, "cannot create layer '%s': %s", p->layer, sx_gdal_last_error());
    int bad = 0;
    for (int i = 0; i < p->nfields; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(p->fields[i].name, p->fields[i].type);
        bad |= OGR_L_CreateField(w->lyr, fd, TRUE) != OGRERR_NONE;
        OGR_Fld_Destroy(fd);
    }
    SX_FAIL_IF(bad, SX_ERR_GDAL, "cannot create the fields of layer '%s': %s", p->layer, sx_gdal_last_error());
    GDALDatasetStartTransaction(w->dst, FALSE);
    w->in_tx = 1;
    return SX_OK;
}

static double polygon_area(const sx__poly_writer_t *w, OGRGeometryH poly)
{
    if (!w->ct) return OGR_G_Area(poly);
    OGRGeometryH g = OGR_G_Clone(poly);
    OGR_G_Transform(g, w->ct);
    const double a = OGR_G_Area(g);
    OGR_G_DestroyGeometry(g);
    return a;
}

sx_err sx__poly_writer_record(sx__poly_writer_t *w, const int64_t *r, size_t *len)
{
    const int64_t nr = r[SX__POLY_NRINGS], *n = r + SX__POLY_HEAD, *xy = n + nr;
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    for (int64_t k = 0; k < nr; xy += 2 * n[k], k++) {
        OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
        for (int64_t v = 0; v <= n[k]; v++) {
            const double x = (double)xy[2 * (v % n[k])], y = (double)xy[2 * (v % n[k]) + 1];
            OGR_G_AddPoint_2D(ring, w->gt[0] + x * w->gt[1] + y * w->gt[2], w->gt[3] + x * w->gt[4] + y * w->gt[5]);
        }
        OGR_G_AddGeometryDirectly(poly, ring);
    }
    *len = (size_t)(xy - r);
    const sx_polygon_t info = {(int)r[SX__POLY_VALUE], r[SX__POLY_CELLS], w->p->area ? polygon_area(w, poly) : 0};
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(w->lyr));
    OGR_F_SetGeometryDirectly(f, poly);
    OGR_F_SetFID(f, w->fid + 1);
    OGR_F_SetFieldInteger(f, 0, info.value);
    int keep = 1;
    sx_err err = w->p->visit ? w->p->visit(w->p->ctx, f, &info, &keep) : SX_OK;
    if (!err && keep) {
        if (OGR_L_CreateFeature(w->lyr, f) != OGRERR_NONE)
            err = sx_err_set(SX_ERR_GDAL, SX__FILE, __LINE__, "writing polygons to '%s' failed: %s", w->tmp,
                             sx_gdal_last_error());
        w->fid++;
    }
    OGR_F_Destroy(f);
    return err;
}

sx_err sx__poly_writer_close(sx__poly_writer_t *w, sx_err err)
{
    if (!err && w->p->finish) err = w->p->finish(w->p->ctx, w->lyr);
    if (!err && w->in_tx && GDALDatasetCommitTransaction(w->dst) != OGRERR_NONE)
        err = sx_err_set(SX_ERR_GDAL, SX__FILE, __LINE__, "writing polygons to '%s' failed: %s", w->tmp,
                         sx_gdal_last_error());
    if (w->dst) GDALClose(w->dst);
    if (w->ct) OCTDestroyCoordinateTransformation(w->ct);
    if (w->ea) OSRDestroySpatialReference(w->ea);
    if (w->srs) OSRDestroySpatialReference(w->srs);
    memset(w, 0, sizeof *w);
    return err;
}
