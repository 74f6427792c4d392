/*
 * raster.c — one raster layer of a run into the package: a COG in the
 * target CRS with overviews and statistics, plus a web preview.
 *
 * Reprojection is a warped VRT (GDALWarp, resampling from the layer's style:
 * BILINEAR for continuous values, NEAREST for classes; cells outside the
 * source footprint are nodata even when the source has none), which every
 * rank of the publish reads its block of into the parallel COG writer, with
 * the style's overview resampling (AVERAGE or MODE; raster_cog.c). When the
 * source is already in the target CRS the values are copied unchanged.
 *
 * 64-bit integer layers (flow accumulation counts) are narrowed losslessly
 * for delivery: to UInt32, Int32 or Float64, the first that holds every
 * value and the nodata value exactly. Int64 TIFF needs GDAL >= 3.5 and is
 * read by few clients (GeoServer's ImageIO, geotiff.js in the viewer,
 * older QGIS cannot), while the narrowed COG has the same numbers. A layer
 * whose values do not fit (|v| > 2^53) keeps its 64-bit type, with a warning.
 *
 * Every band is kept, with its description; STAC and the viewer get per-band
 * statistics, an eo:common_name where the colour interpretation or the
 * description says one (red, nir ...) and a default RGB view for 3+ bands.
 * The web preview is written by preview.c.
 */
#include <cpl_string.h>
#include <gdal_utils.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "publish/publish_internal.h"
#include "sanxiang/sx_cog.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_perf.h"
#include "sanxiang/sx_raster.h"

static const char *stac_dtype(GDALDataType t)
{
    switch (t) {
    case GDT_Byte: return "uint8";
    case GDT_UInt16: return "uint16";
    case GDT_Int16: return "int16";
    case GDT_UInt32: return "uint32";
    case GDT_Int32: return "int32";
#if GDAL_VERSION_NUM >= 3050000
    case GDT_UInt64: return "uint64";
    case GDT_Int64: return "int64"; /* flow accumulation counts */
#endif
    case GDT_Float32: return "float32";
    case GDT_Float64: return "float64";
    default: return "other";
    }
}

/* Kind, title and units from the source's metadata (set by sx_layer_write
 * or a domain's SANXIANG_KIND) and its file name. */
static void describe(GDALDatasetH ds, const char *id, sx__pub_layer_t *l)
{
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    const char *kind = GDALGetMetadataItem(ds, "SANXIANG_KIND", NULL);
    if (!kind) kind = GDALGetMetadataItem(b, "SANXIANG_KIND", NULL);
    const char *long_name = GDALGetMetadataItem(b, "long_name", NULL);
    const char *var = GDALGetMetadataItem(b, "NETCDF_VARNAME", NULL);
    const char *std = GDALGetMetadataItem(b, "standard_name", NULL);
    const sx_publish_style_t *s = kind ? sx_publish_style_by_kind(kind) : NULL;
    if (!s) {
        const char *texts[] = {id, var, std, long_name};
        s = sx_publish_style_match(texts, 4);
    }
    l->style = s;
    snprintf(l->title, sizeof l->title, "%s", long_name ? long_name : id);
    const char *u = GDALGetRasterUnitType(b);
    snprintf(l->units, sizeof l->units, "%s", u && u[0] ? u : s->units);
}

static int in_range(double v, double lo, double hi) { return isnan(v) || (v >= lo && v <= hi); }

/* The delivery type of a 64-bit integer raster (NULL: keep the source type):
 * the narrowest of UInt32, Int32, Float64 holding every value and nodata. */
static sx_err portable_type(GDALDatasetH ds, const char *src, const char **type)
{
    *type = NULL;
    GDALDataType t = GDALGetRasterDataType(GDALGetRasterBand(ds, 1));
#if GDAL_VERSION_NUM >= 3050000
    if (t != GDT_Int64 && t != GDT_UInt64) return SX_OK;
#else
    (void)t;
    return SX_OK;
#endif
    double lo = INFINITY, hi = -INFINITY;
    int has_data = 0;
    for (int i = 1; i <= GDALGetRasterCount(ds); i++) {
        GDALRasterBandH b = GDALGetRasterBand(ds, i);
        double mm[2], nodata;
        int has_nd = 0;
        CPLErrorReset();
        if (GDALComputeRasterMinMax(b, FALSE, mm) == CE_None && CPLGetLastErrorType() == CE_None) {
            lo = fmin(lo, mm[0]), hi = fmax(hi, mm[1]);
            has_data = 1;
        }
        CPLErrorReset(); /* a band of nodata only has no min/max: only its nodata value matters */
        nodata = GDALGetRasterNoDataValue(b, &has_nd);
        if (has_nd) lo = fmin(lo, nodata), hi = fmax(hi, nodata);
    }
    if (!has_data && !isfinite(lo)) lo = hi = 0;
    if (in_range(lo, 0, 4294967295.0) && in_range(hi, 0, 4294967295.0)) *type = "UInt32";
    else if (in_range(lo, -2147483648.0, 2147483647.0) && in_range(hi, -2147483648.0, 2147483647.0)) *type = "Int32";
    else if (fabs(lo) <= 9007199254740992.0 && fabs(hi) <= 9007199254740992.0) *type = "Float64";
    else sx_log_warn("publish: '%s' holds 64-bit integers beyond 2^53 (%.17g..%.17g); its COG keeps the 64-bit type, "
                     "which GeoServer and the web viewer cannot read (the viewer shows preview values)", src, lo, hi);
    return SX_OK;
}

/* A VRT of src with its values as `type` (same grid, same numbers). */
static sx_err retype_vrt(const char *src_name, GDALDatasetH src, const char *type, const char *dst)
{
    char *argv[] = {"-of", "VRT", "-ot", (char *)type, NULL};
    GDALTranslateOptions *to = GDALTranslateOptionsNew(argv, NULL);
    GDALDatasetH out = to ? GDALTranslate(dst, src, to, NULL) : NULL;
    if (to) GDALTranslateOptionsFree(to);
    if (!out) SX_FAIL_GDAL("cannot convert '%s' to %s for delivery", src_name, type);
    GDALClose(out);
    return SX_OK;
}

/* What a reprojected raster without nodata gets outside its source footprint,
 * as gdalwarp options: NaN for floating types; for integers the first value of
 * the type's range above or below every data value; -dstalpha when the data
 * fill the whole range. Without it the corners would read as data (0). */
static char **outside_value(GDALDatasetH src, const char *type, char **argv)
{
    GDALRasterBandH b1 = GDALGetRasterBand(src, 1);
    int has_nd = 0;
    GDALGetRasterNoDataValue(b1, &has_nd);
    if (has_nd) return argv; /* gdalwarp carries the source nodata over */
    GDALDataType t = type ? GDALGetDataTypeByName(type) : GDALGetRasterDataType(b1);
    if (GDALDataTypeIsFloating(t)) return CSLAddString(CSLAddString(argv, "-dstnodata"), "nan");
    int bits = GDALGetDataTypeSizeBits(t), is_signed = GDALDataTypeIsSigned(t);
    double tmin = is_signed ? -ldexp(1.0, bits - 1) : 0, tmax = is_signed ? ldexp(1.0, bits - 1) - 1 : ldexp(1.0, bits) - 1;
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 1; i <= GDALGetRasterCount(src); i++) {
        double mm[2];
        if (GDALComputeRasterMinMax(GDALGetRasterBand(src, i), FALSE, mm) == CE_None)
            lo = fmin(lo, mm[0]), hi = fmax(hi, mm[1]);
    }
    CPLErrorReset();
    char v[32];
    if (!(hi >= tmax)) snprintf(v, sizeof v, "%.0f", tmax);
    else if (!(lo <= tmin)) snprintf(v, sizeof v, "%.0f", tmin);
    else return CSLAddString(argv, "-dstalpha");
    return CSLAddString(CSLAddString(argv, "-dstnodata"), v);
}

static sx_err warp_vrt(const char *src_name, GDALDatasetH src, OGRSpatialReferenceH stated, const char *dst,
                       const sx__pub_t *p, const char *resampling, const char *type)
{
    char *wkt = NULL;
    OSRExportToWkt(p->srs, &wkt);
    char **argv = outside_value(src, type, NULL);
    if (type) {
        argv = CSLAddString(argv, "-ot");
        argv = CSLAddString(argv, type);
    }
    if (stated) {
        char *swkt = NULL;
        OSRExportToWkt(stated, &swkt);
        argv = CSLAddString(argv, "-s_srs");
        argv = CSLAddString(argv, swkt);
        CPLFree(swkt);
    }
    argv = CSLAddString(argv, "-of");
    argv = CSLAddString(argv, "VRT");
    argv = CSLAddString(argv, "-t_srs");
    argv = CSLAddString(argv, wkt);
    argv = CSLAddString(argv, "-r");
    argv = CSLAddString(argv, resampling);
    argv = CSLAddString(argv, "-wo");
    argv = CSLAddString(argv, "NUM_THREADS=1");
    CPLFree(wkt);
    GDALWarpAppOptions *wo = GDALWarpAppOptionsNew(argv, NULL);
    CSLDestroy(argv);
    int usage = 0;
    GDALDatasetH out = wo ? GDALWarp(dst, NULL, 1, &src, wo, &usage) : NULL;
    if (wo) GDALWarpAppOptionsFree(wo);
    if (!out) SX_FAIL_GDAL("cannot reproject '%s' to %s", src_name, p->crs);
    GDALClose(out);
    return SX_OK;
}

/* STAC eo:common_name of a band, from its colour interpretation or description. */
static void common_name(GDALRasterBandH b, const char *desc, char *out, size_t len)
{
    static const struct {
        const char *pattern, *name;
    } words[] = {{"nir", "nir"},       {"infrared", "nir"}, {"swir1", "swir16"}, {"swir 1", "swir16"}, {"swir2", "swir22"},
                 {"swir 2", "swir22"}, {"red", "red"},      {"green", "green"},   {"blue", "blue"},     {"coastal", "coastal"}};
    GDALColorInterp ci = GDALGetRasterColorInterpretation(b);
    const char *name = ci == GCI_RedBand ? "red" : ci == GCI_GreenBand ? "green" : ci == GCI_BlueBand ? "blue" : NULL;
    char lower[160];
    size_t i = 0;
    for (; desc[i] && i + 1 < sizeof lower; i++) lower[i] = (char)(desc[i] >= 'A' && desc[i] <= 'Z' ? desc[i] - 'A' + 'a' : desc[i]);
    lower[i] = '\0';
    for (size_t k = 0; !name && k < sizeof words / sizeof *words; k++)
        if (strstr(lower, words[k].pattern)) name = words[k].name;
    snprintf(out, len, "%s", name ? name : "");
}

/* Name, description, nodata, statistics and ramp range of band i (1-based). */
static void inspect_band(GDALDatasetH ds, int i, sx__pub_layer_t *l)
{
    GDALRasterBandH b = GDALGetRasterBand(ds, i);
    sx__pub_band_t *d = &l->band[i - 1];
    const char *desc = GDALGetDescription(b);
    snprintf(d->description, sizeof d->description, "%s", desc ? desc : "");
    common_name(b, d->description, d->common_name, sizeof d->common_name);
    size_t w = strcspn(d->description, " \t(,;:");
    if (w > 0 && w < sizeof d->name) {
        memcpy(d->name, d->description, w);
        d->name[w] = '\0';
    } else {
        snprintf(d->name, sizeof d->name, "b%d", i);
    }
    const char *u = GDALGetRasterUnitType(b);
    snprintf(d->units, sizeof d->units, "%s", u && u[0] ? u : l->units);
    d->nodata = GDALGetRasterNoDataValue(b, &d->has_nodata);
    double mn, mx, mean, sd;
    d->has_stats = GDALGetRasterStatistics(b, FALSE, FALSE, &mn, &mx, &mean, &sd) == CE_None;
    CPLErrorReset();
    if (d->has_stats) d->smin = mn, d->smax = mx, d->smean = mean, d->sstd = sd;
    sx_publish_style_range(l->style, d->has_stats ? mn : NAN, d->has_stats ? mx : NAN, &d->lo, &d->hi);
}

/* Default RGB view of a layer of 3 or more bands: the bands named red, green
 * and blue if there are such, else bands 1, 2, 3. */
static void default_rgb(sx__pub_layer_t *l)
{
    static const char *const want[3] = {"red", "green", "blue"};
    l->rgb[0] = l->rgb[1] = l->rgb[2] = 0;
    if (l->nbands < 3) return;
    for (int c = 0; c < 3; c++)
        for (int i = 0; i < l->nbands && !l->rgb[c]; i++)
            if (!strcmp(l->band[i].common_name, want[c])) l->rgb[c] = i + 1;
    if (!l->rgb[0] || !l->rgb[1] || !l->rgb[2]) l->rgb[0] = 1, l->rgb[1] = 2, l->rgb[2] = 3;
}

/* Size, geotransform, type, bands and extents of the COG. */
static sx_err inspect(const sx__pub_t *p, const char *cog, sx__pub_layer_t *l)
{
    GDALDatasetH ds = GDALOpenEx(cog, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) SX_FAIL_GDAL("cannot reopen the published COG '%s'", cog);
    l->width = GDALGetRasterXSize(ds);
    l->height = GDALGetRasterYSize(ds);
    GDALGetGeoTransform(ds, l->gt);
    snprintf(l->dtype, sizeof l->dtype, "%s", stac_dtype(GDALGetRasterDataType(GDALGetRasterBand(ds, 1))));
    int n = GDALGetRasterCount(ds);
    if (n > SX_PUB_MAX_BANDS)
        sx_log_warn("publish: '%s' has %d bands; the COG keeps them all, STAC and the viewer describe the first %d", cog, n,
                    SX_PUB_MAX_BANDS);
    l->nbands = n < SX_PUB_MAX_BANDS ? n : SX_PUB_MAX_BANDS;
    for (int i = 1; i <= l->nbands; i++) inspect_band(ds, i, l);
    default_rgb(l);
    double x1 = l->gt[0] + l->width * l->gt[1], y1 = l->gt[3] + l->height * l->gt[5];
    l->proj_bbox[0] = fmin(l->gt[0], x1), l->proj_bbox[2] = fmax(l->gt[0], x1);
    l->proj_bbox[1] = fmin(l->gt[3], y1), l->proj_bbox[3] = fmax(l->gt[3], y1);
    GDALClose(ds);
    return sx__pub_bbox_wgs84(p->srs, l->proj_bbox, l->bbox);
}

sx_err sx__pub_raster(sx__pub_t *p, const char *src, sx__pub_layer_t *l)
{
    l->is_raster = 1;
    snprintf(l->source, sizeof l->source, "%s", src);
    snprintf(l->data_file, sizeof l->data_file, "%s.tif", l->id);
    GDALDatasetH ds = GDALOpenEx(src, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) SX_FAIL_GDAL("cannot open raster '%s' of the run", src);
    if (GDALGetRasterCount(ds) < 1) {
        GDALClose(ds);
        SX_FAIL(SX_ERR_INPUT, "'%s' has no raster band; remove it from the run directory or fix the step that wrote it", src);
    }
    describe(ds, l->id, l);
    OGRSpatialReferenceH own = GDALGetSpatialRef(ds) ? OSRClone(GDALGetSpatialRef(ds)) : NULL;
    OGRSpatialReferenceH stated = NULL;
    sx_err err = sx__pub_input_crs(p, src, own, 0, &stated);
    if (err != SX_OK) {
        if (own) OSRDestroySpatialReference(own);
        GDALClose(ds);
        return err;
    }
    OGRSpatialReferenceH in_srs = stated ? stated : own;
    int same = OSRIsSame(in_srs, p->srs);
    char vrt[SX_PATH_MAX], cog[SX_PATH_MAX];
    const char *cog_src = src;
    if (err == SX_OK) err = sx__pub_path(p, l, "warp.vrt", vrt, sizeof vrt);
    if (err == SX_OK) err = sx__pub_path(p, l, l->data_file, cog, sizeof cog);
    const char *type = NULL;
    if (err == SX_OK) err = portable_type(ds, src, &type);
    if (err == SX_OK && (!same || stated)) { /* a stated CRS replaces the file's own (-s_srs) */
        err = warp_vrt(src, ds, stated, vrt, p, l->style->warp, type);
        cog_src = vrt;
    } else if (err == SX_OK && type) {
        err = retype_vrt(src, ds, type, vrt);
        cog_src = vrt;
    }
    if (type) sx_log_info("publish: %s: 64-bit integers delivered as %s (every value fits exactly)", src, type);
    GDALClose(ds);
    if (own) OSRDestroySpatialReference(own);
    if (stated) OSRDestroySpatialReference(stated);
    SX_CHECK(err);
    SX_CHECK(sx__pub_cog(p, cog_src, cog, l->style->overview));
    if (cog_src == vrt) remove(vrt);
    SX_CHECK(inspect(p, cog, l));
    char timer[160];
    snprintf(timer, sizeof timer, "%s: web preview", l->id);
    sx_perf_start(timer, SX_PERF_COMPUTE);
    sx_err perr = sx__pub_preview(p, cog, l);
    sx_perf_stop(timer);
    return perr;
}
