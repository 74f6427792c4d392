/*
 * cog_tags.c — the georeferencing and metadata fields of a COG, encoded by
 * GDAL.
 *
 * GeoTIFF keys for an arbitrary CRS (EPSG codes, CGCS2000 and its
 * Gauss–Krüger zones, any WKT) are GDAL's and libgeotiff's business; so is
 * the XML of GDAL_METADATA. Rather than re-implement either, GDAL writes a
 * 1 x 1 GeoTIFF to /vsimem with the layer's CRS, geotransform, nodata,
 * statistics and metadata, and the fields are copied out of it verbatim: the
 * model tie point and pixel scale (or transformation) depend on the
 * geotransform only, not on the image size; an image in its own geometry
 * (SAR) gets GCPs instead, as tie points without a pixel scale. Rank 0 does this once per file;
 * the result depends only on its inputs, so files stay byte-identical.
 *
 * Metadata items: SANXIANG_PROVENANCE (dataset) and, on the band, long_name,
 * standard_name, units and NETCDF_VARNAME (the variable's name, which
 * src/publish reads, as it reads the items of a COG made from the netCDF
 * output), the unit type, the band description and STATISTICS_*.
 */
#include <cpl_vsi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/cog_internal.h"
#include "sanxiang/sx_raster.h"

void sx__cog_set_statistics(GDALRasterBandH band, const sx_band_stats_t *st)
{
    const char *keys[5] = {"STATISTICS_MINIMUM", "STATISTICS_MAXIMUM", "STATISTICS_MEAN", "STATISTICS_STDDEV",
                           "STATISTICS_VALID_PERCENT"};
    double vals[5] = {st->min, st->max, st->mean, st->stddev, st->valid_percent};
    for (int k = 0; k < (st->valid_percent > 0 ? 5 : 4); k++) {
        char v[64];
        snprintf(v, sizeof v, "%.17g", vals[k]);
        GDALSetMetadataItem(band, keys[k], v, NULL);
    }
}

static int wanted(uint16_t tag)
{
    static const uint16_t keep[] = {33550, 33922, 34264, 34735, 34736, 34737, 42112, 42113};
    for (size_t i = 0; i < sizeof keep / sizeof *keep; i++)
        if (tag == keep[i]) return 1;
    return 0;
}

static uint64_t get(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}

/* Copy the wanted fields of the first IFD of a little-endian classic TIFF. */
static sx_err extract(const unsigned char *f, size_t size, sx__cog_tags_t *out)
{
    SX_FAIL_IF(size < 8 || memcmp(f, "II*\0", 4) != 0, SX_ERR_INTERNAL,
               "GDAL wrote an unexpected TIFF header for the COG's georeferencing");
    uint64_t ifd = get(f + 4, 4);
    SX_FAIL_IF(ifd + 2 > size, SX_ERR_INTERNAL, "GDAL's georeferencing TIFF is truncated");
    int n = (int)get(f + ifd, 2);
    SX_FAIL_IF(ifd + 2 + 12 * (uint64_t)n > size, SX_ERR_INTERNAL, "GDAL's georeferencing TIFF is truncated");
    size_t total = 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t at = 0;
        out->ntags = 0;
        for (int i = 0; i < n; i++) {
            const unsigned char *e = f + ifd + 2 + 12 * (size_t)i;
            uint16_t tag = (uint16_t)get(e, 2), type = (uint16_t)get(e + 2, 2);
            uint64_t count = get(e + 4, 4);
            size_t bytes = sx__tiff_type_size(type) * count;
            if (!wanted(tag) || bytes == 0) continue;
            const unsigned char *src = e + 8;
            if (bytes > 4) {
                uint64_t off = get(e + 8, 4);
                SX_FAIL_IF(off + bytes > size, SX_ERR_INTERNAL, "GDAL's georeferencing TIFF is truncated");
                src = f + off;
            }
            SX_FAIL_IF(out->ntags == (int)(sizeof out->tags / sizeof *out->tags), SX_ERR_INTERNAL, "too many tags");
            if (pass == 1) {
                memcpy(out->blob + at, src, bytes);
                out->tags[out->ntags] = (sx__tiff_tag_t){tag, type, count, out->blob + at};
            }
            out->ntags++;
            at += bytes;
        }
        total = at;
        if (pass == 0) SX_ALLOC(out->blob, total ? total : 1, "COG georeferencing fields");
    }
    return SX_OK;
}

static void set_item(GDALMajorObjectH o, const char *key, const char *value)
{
    if (value && value[0]) GDALSetMetadataItem(o, key, value, NULL);
}

/* GCPs as GeoTIFF tie points (tag 33922) with the keys of their CRS. */
static sx_err set_gcps(GDALDatasetH ds, const sx_cog_gcps_t *c)
{
    GDAL_GCP *a = calloc((size_t)c->n, sizeof *a);
    SX_FAIL_IF(!a, SX_ERR_NOMEM, "cannot allocate %d GCPs", c->n);
    for (int i = 0; i < c->n; i++)
        a[i] = (GDAL_GCP){"", "", c->pixel[i], c->line[i], c->x[i], c->y[i], c->z ? c->z[i] : 0};
    CPLErr e = GDALSetGCPs(ds, c->n, a, c->wkt ? c->wkt : "");
    free(a);
    if (e != CE_None) return sx__gdal_fail(SX_ERR_GDAL, SX__FILE, __LINE__, "cannot set %d GCPs", c->n);
    return SX_OK;
}

sx_err sx__cog_gdal_tags(const sx_grid_t *g, const sx_cog_layer_t *l, sx__cog_tags_t *out)
{
    memset(out, 0, sizeof *out);
    GDALDriverH drv = GDALGetDriverByName("GTiff");
    SX_FAIL_IF(!drv, SX_ERR_GDAL, "GDAL has no GTiff driver");
    char name[96];
    static int serial = 0;
    snprintf(name, sizeof name, "/vsimem/sx_cog_tags_%d_%p.tif", serial++, (void *)out);
    GDALDatasetH ds = GDALCreate(drv, name, 1, 1, 1, (GDALDataType)sx__gdal_type(l->dtype), NULL);
    if (!ds) SX_FAIL_GDAL("cannot create the COG's georeferencing in memory");
    double gt[6];
    memcpy(gt, g->gt, sizeof gt);
    sx_err err = SX_OK;
    if (l->gcps && l->gcps->n > 0)
        err = set_gcps(ds, l->gcps);
    else if (GDALSetGeoTransform(ds, gt) != CE_None)
        err = sx__gdal_fail(SX_ERR_GDAL, SX__FILE, __LINE__, "cannot set the geotransform");
    if (err == SX_OK && !(l->gcps && l->gcps->n > 0) && g->wkt && g->wkt[0] && GDALSetProjection(ds, g->wkt) != CE_None)
        err = sx__gdal_fail(SX_ERR_CRS, SX__FILE, __LINE__, "GDAL cannot express the layer's CRS in GeoTIFF keys");
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    if (err == SX_OK) {
        CPLErr e = l->dtype == SX_DT_INT64 ? GDALSetRasterNoDataValueAsInt64(b, (int64_t)l->fill)
                                           : GDALSetRasterNoDataValue(b, l->fill);
        if (e != CE_None) err = sx__gdal_fail(SX_ERR_GDAL, SX__FILE, __LINE__, "cannot set nodata %g", l->fill);
    }
    if (err == SX_OK) {
        set_item(ds, "SANXIANG_PROVENANCE", l->provenance);
        set_item(b, "long_name", l->long_name);
        set_item(b, "standard_name", l->standard_name);
        set_item(b, "units", l->units);
        set_item(b, "NETCDF_VARNAME", l->name);
        if (l->description && l->description[0]) GDALSetDescription(b, l->description);
        if (l->units && l->units[0]) GDALSetRasterUnitType(b, l->units);
        if (l->stats && l->stats->valid) sx__cog_set_statistics(b, l->stats);
    }
    GDALClose(ds);
    vsi_l_offset size = 0;
    unsigned char *f = VSIGetMemFileBuffer(name, &size, FALSE);
    if (err == SX_OK && !f) err = sx__gdal_fail(SX_ERR_GDAL, SX__FILE, __LINE__, "GDAL wrote no georeferencing TIFF");
    if (err == SX_OK) err = extract(f, (size_t)size, out);
    VSIUnlink(name);
    if (err != SX_OK) sx__cog_tags_fini(out);
    return err;
}

void sx__cog_tags_fini(sx__cog_tags_t *t)
{
    if (!t) return;
    free(t->blob);
    memset(t, 0, sizeof *t);
}
