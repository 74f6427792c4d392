/*
 * vector.c — open the vector layer a raster verb reads (zones, sample points)
 * and the coordinate transformation that takes its features into the
 * raster's CRS. A layer without a CRS next to a georeferenced raster is an
 * error: guessing would silently misplace every feature. Also the class
 * value (a whole number 0 .. 254) of a sample feature.
 */
#include <math.h>
#include <stdlib.h>

#include "rs/rs_internal.h"
#include "sanxiang/sx_log.h"

sx_err sx__rs_vector_open(const char *path, const char *layer, const char *what, const sx_grid_t *g, const char *raster,
                          GDALDatasetH *ds, OGRLayerH *lyr, OGRCoordinateTransformationH *ct)
{
    *lyr = NULL;
    *ct = NULL;
    *ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    SX_FAIL_IF(!*ds, SX_ERR_IO, "cannot open %s '%s': %s; check the path", what, path, sx_gdal_last_error());
    sx_err err = SX_OK;
    OGRSpatialReferenceH rsrs = NULL;
    *lyr = layer ? GDALDatasetGetLayerByName(*ds, layer) : GDALDatasetGetLayer(*ds, 0);
    if (!*lyr) SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "%s '%s' has no layer %s", what, path, layer ? layer : "");
    OGRSpatialReferenceH vsrs = OGR_L_GetSpatialRef(*lyr);
    if (!g->wkt) goto done;
    if (!vsrs)
        SX_FAIL_GOTO(err, done, SX_ERR_CRS, "%s '%s' has no CRS but raster '%s' has one; assign its CRS (ogr2ogr -a_srs)",
                     what, path, raster);
    rsrs = OSRNewSpatialReference(g->wkt);
    OSRSetAxisMappingStrategy(rsrs, OAMS_TRADITIONAL_GIS_ORDER);
    if (!OSRIsSame(vsrs, rsrs)) {
        OGRSpatialReferenceH vc = OSRClone(vsrs);
        OSRSetAxisMappingStrategy(vc, OAMS_TRADITIONAL_GIS_ORDER);
        *ct = OCTNewCoordinateTransformation(vc, rsrs);
        OSRDestroySpatialReference(vc);
        if (!*ct) SX_FAIL_GOTO(err, done, SX_ERR_CRS, "cannot transform %s '%s' to the CRS of raster '%s'", what, path, raster);
        sx_log_info("%s '%s' reprojected to the raster's CRS", what, path);
    }
done:
    if (rsrs) OSRDestroySpatialReference(rsrs);
    if (err) {
        GDALClose(*ds);
        *ds = NULL;
        *lyr = NULL;
    }
    return err;
}

int sx__rs_feature_class(OGRFeatureH f, int fi, int *cls, const char **txt)
{
    *txt = OGR_F_IsFieldSetAndNotNull(f, fi) ? OGR_F_GetFieldAsString(f, fi) : "";
    char *end;
    const double v = strtod(*txt, &end);
    if (end == *txt || *end || !(v >= 0 && v <= 254 && v == floor(v))) return 0;
    *cls = (int)v;
    return 1;
}

sx_err sx__rs_vector_field(OGRLayerH lyr, const char *what, const char *path, const char *field, const char *hint,
                           int *fi)
{
    *fi = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(lyr), field);
    SX_FAIL_IF(*fi < 0, SX_ERR_INPUT, "%s '%s' has no field '%s' (%s)", what, path, field, hint);
    OGR_L_ResetReading(lyr);
    return SX_OK;
}
