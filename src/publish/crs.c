/*
 * crs.c — the package's target CRS and the CRS of each input.
 *
 * Target: an EPSG code ("EPSG:4490", the CGCS2000 geographic CRS, or one of
 * its Gauss–Krüger zones EPSG:4491–4554; any EPSG CRS GDAL knows works).
 * Inputs: a layer keeps its own CRS unless the user states one for it. An
 * input is refused (SX_ERR_CRS) when it has no CRS, when its CRS or file
 * name says GCJ-02, or when its attributes look like a DataV/ECharts web-map
 * boundary file (adcode + center/centroid/childrenNum/...), because those
 * are published in GCJ-02 while claiming nothing (GeoJSON then defaults to
 * WGS 84, ~500 m off in Hunan). Stating the datum ("--datum FILE=EPSG:4326")
 * is the user's signature that the file was converted; stating "GCJ-02" is
 * refused, as no official GCJ-02 transformation exists.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "publish/publish_internal.h"
#include "sanxiang/sx_raster.h"

static int is_gcj_text(const char *s)
{
    if (!s) return 0;
    char low[256];
    size_t n = 0;
    for (; s[n] && n + 1 < sizeof low; n++) low[n] = (char)tolower((unsigned char)s[n]);
    low[n] = '\0';
    return strstr(low, "gcj") != NULL || strstr(low, "mars coordinate") != NULL;
}

sx_err sx__pub_target_crs(const char *text, char *norm, size_t len, int *epsg, OGRSpatialReferenceH *out)
{
    const char *t = text ? text : "EPSG:4490";
    SX_FAIL_IF(is_gcj_text(t), SX_ERR_CRS,
               "target CRS '%s' is GCJ-02, an obfuscated web-map datum; one-map packages use CGCS2000 "
               "(--crs EPSG:4490 or a Gauss-Kruger zone EPSG:4491-4554)", t);
    int code = 0;
    if (!strncasecmp(t, "EPSG:", 5)) {
        char *end;
        long v = strtol(t + 5, &end, 10);
        if (end != t + 5 && !*end && v > 0 && v < 1000000) code = (int)v;
    }
    SX_FAIL_IF(!code, SX_ERR_CRS, "target CRS '%s' is not of the form EPSG:<code>; use e.g. --crs EPSG:4490 "
               "(CGCS2000) or EPSG:4547 (CGCS2000 / 3-degree Gauss-Kruger CM 114E)", t);
    OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
    if (OSRImportFromEPSG(s, code) != OGRERR_NONE) {
        OSRDestroySpatialReference(s);
        SX_FAIL(SX_ERR_CRS, "target CRS '%s' is not known to GDAL/PROJ; use an EPSG code such as EPSG:4490", t);
    }
    OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
    snprintf(norm, len, "EPSG:%d", code);
    *epsg = code;
    *out = s;
    return SX_OK;
}

sx_err sx_publish_crs_check(const char *text)
{
    char norm[64];
    int epsg;
    OGRSpatialReferenceH s = NULL;
    SX_CHECK(sx__pub_target_crs(text, norm, sizeof norm, &epsg, &s));
    OSRDestroySpatialReference(s);
    return SX_OK;
}

sx_err sx__pub_input_crs(sx__pub_t *p, const char *path, OGRSpatialReferenceH own, int looks_datav,
                         OGRSpatialReferenceH *out)
{
    *out = NULL;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    for (size_t i = 0; i < p->o->ndatums; i++) {
        const sx_publish_datum_t *d = &p->o->datums[i];
        if (strcmp(d->input, base) && strcmp(d->input, path)) continue;
        if (i < SX_PUB_MAX_DATUMS) p->datum_used[i] = 1;
        SX_FAIL_IF(is_gcj_text(d->crs), SX_ERR_CRS,
                   "'%s' is stated to be in GCJ-02; GCJ-02 has no official transformation and is never mixed "
                   "with CGCS2000 layers: convert it to WGS 84/CGCS2000 first and state that datum "
                   "(--datum %s=EPSG:4326)", path, base);
        OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
        if (OSRSetFromUserInput(s, d->crs) != OGRERR_NONE) {
            OSRDestroySpatialReference(s);
            SX_FAIL(SX_ERR_CRS, "datum stated for '%s' ('%s') is not a CRS GDAL knows; use e.g. EPSG:4326", path, d->crs);
        }
        OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
        *out = s;
        return SX_OK;
    }
    SX_FAIL_IF(!own, SX_ERR_CRS, "'%s' has no coordinate reference system; state it with --datum %s=EPSG:<code> "
               "(job: datums: {%s: EPSG:<code>})", path, base, base);
    const char *name = OSRGetName(own);
    SX_FAIL_IF(is_gcj_text(name) || is_gcj_text(base), SX_ERR_CRS,
               "'%s' is in GCJ-02 (%s); GCJ-02 web-map coordinates are ~500 m off CGCS2000 in Hunan and are "
               "never mixed silently: convert the file to WGS 84/CGCS2000 and state it with --datum %s=EPSG:4326",
               path, is_gcj_text(name) ? "its CRS says so" : "its file name says so", base);
    SX_FAIL_IF(looks_datav, SX_ERR_CRS,
               "'%s' looks like a DataV/ECharts web-map boundary file (attributes adcode, center/centroid/"
               "childrenNum), which are GCJ-02 although the file claims no datum; convert it to WGS 84/CGCS2000 "
               "and state it with --datum %s=EPSG:4326, or use the CGCS2000 boundaries of the provincial one map",
               path, base);
    return SX_OK;
}

sx_err sx__pub_bbox_wgs84(OGRSpatialReferenceH srs, const double in[4], double out[4])
{
    OGRSpatialReferenceH wgs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(wgs, 4326);
    OSRSetAxisMappingStrategy(wgs, OAMS_TRADITIONAL_GIS_ORDER);
    OGRCoordinateTransformationH ct = OCTNewCoordinateTransformation(srs, wgs);
    int ok = ct && OCTTransformBounds(ct, in[0], in[1], in[2], in[3], &out[0], &out[1], &out[2], &out[3], 21);
    if (ct) OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(wgs);
    if (!ok) SX_FAIL_GDAL("cannot transform the extent (%g %g %g %g) to WGS 84 for the catalog", in[0], in[1], in[2], in[3]);
    return SX_OK;
}
