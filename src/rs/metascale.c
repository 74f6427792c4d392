/*
 * metascale.c — reflectance scale/offset declared in a band's GDAL metadata.
 *
 * Two declarations are understood, in this order:
 *   1. the band's own scale/offset (GDALGetRasterScale/Offset: GeoTIFF
 *      scale/offset tags, netCDF scale_factor/add_offset, gdal_edit.py
 *      -scale/-offset), used when either differs from 1/0;
 *   2. the items GDAL's SENTINEL2 driver copies from MTD_MSIL2A.xml (ESA
 *      Sentinel-2 Products Specification Document, Level-2A): dataset item
 *      BOA_QUANTIFICATION_VALUE and band item BOA_ADD_OFFSET (baseline
 *      >= 04.00; absent before), reflectance = (DN + offset) / quantification.
 * Opening the dataset once more costs a header read; no pixels are read.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <gdal.h>

#include "rs/rs_internal.h"
#include "sanxiang/sx_parse.h"

int sx__rs_gdal_scale(const char *path, int bandno, double *scale, double *offset, char *note, size_t notelen)
{
    CPLPushErrorHandler(CPLQuietErrorHandler);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
    CPLPopErrorHandler();
    if (!ds) return 0; /* the band set's open reports why */
    int found = 0;
    GDALRasterBandH b = bandno >= 1 && bandno <= GDALGetRasterCount(ds) ? GDALGetRasterBand(ds, bandno) : NULL;
    if (b) {
        int has_s = 0, has_o = 0;
        double s = GDALGetRasterScale(b, &has_s), o = GDALGetRasterOffset(b, &has_o);
        double q, add = 0;
        if ((has_s || has_o) && (s != 1 || o != 0) && s != 0 && isfinite(s) && isfinite(o)) {
            *scale = s;
            *offset = o;
            snprintf(note, notelen, "GDAL band %d scale %.10g offset %.10g", bandno, s, o);
            found = 1;
        } else if (sx_parse_double(GDALGetMetadataItem(ds, "BOA_QUANTIFICATION_VALUE", NULL), &q) && q > 0) {
            sx_parse_double(GDALGetMetadataItem(b, "BOA_ADD_OFFSET", NULL), &add);
            *scale = 1.0 / q;
            *offset = add / q;
            snprintf(note, notelen, "GDAL metadata: (DN + BOA_ADD_OFFSET %.10g) / BOA_QUANTIFICATION_VALUE %.10g", add, q);
            found = 1;
        }
    }
    GDALClose(ds);
    return found;
}
