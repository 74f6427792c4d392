/*
 * water_polygons.c — the water / flood polygons of `rs water`, `rs flood`
 * and `rs sarwater`: the 4-connected regions of cells equal to 1 in the
 * class raster the step just wrote, each with its area in km^2. Tracing,
 * areas (planar in a projected CRS in metres, EPSG:6933 for a geographic
 * one) and writing are the io layer's parallel polygonizer
 * (sx_polygonize.h); this file only keeps the water class and names the
 * fields.
 */
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_polygonize.h"
#include "sanxiang/sx_rs.h"

static sx_err water_visit(void *ctx, OGRFeatureH f, const sx_polygon_t *poly, int *keep)
{
    (void)ctx;
    *keep = poly->value == 1;
    if (*keep) OGR_F_SetFieldDouble(f, 1, poly->area / 1e6);
    return SX_OK;
}

sx_err sx_rs_polygonize(MPI_Comm comm, const char *raster, const char *gpkg, const char *layer)
{
    const sx_polygonize_field_t fields[] = {{"value", OFTInteger}, {"area_km2", OFTReal}};
    const sx_polygonize_t p = {layer, 0, fields, 2, 1, NULL, water_visit, NULL, NULL};
    /* the raster is this step's product, staged until the step's products commit together */
    return sx_polygonize_raster(comm, sx_output_staged(raster), gpkg, &p);
}
