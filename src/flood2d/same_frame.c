/*
 * same_frame.c — do two grids of a flood model cover the same cells: same
 * size and geotransform, and the same CRS by OSRIsSame (the texts of one CRS
 * differ between GeoTIFF and netCDF). The DEM's auxiliary rasters and the
 * rain grids are checked with it.
 */
#include <ogr_srs_api.h>

#include "f2d_internal.h"

int sx__f2d_same_frame(const sx_grid_t *a, const sx_grid_t *b)
{
    sx_grid_t ga = *a, gb = *b;
    ga.wkt = gb.wkt = NULL;
    if (!sx_grid_same_frame(&ga, &gb)) return 0;
    if (!a->wkt || !b->wkt || !a->wkt[0] || !b->wkt[0]) return 1; /* unknown CRS: frame decides */
    OGRSpatialReferenceH sa = OSRNewSpatialReference(a->wkt), sb = OSRNewSpatialReference(b->wkt);
    int same = sa && sb && OSRIsSame(sa, sb);
    if (sa) OSRDestroySpatialReference(sa);
    if (sb) OSRDestroySpatialReference(sb);
    return same;
}
