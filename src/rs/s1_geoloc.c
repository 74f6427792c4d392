/*
 * s1_geoloc.c — the geolocation grid of a Sentinel-1 product annotation as
 * ground control points, so that calibrated GRD in image geometry can be
 * geocoded by GDAL's GCP transformers (`rs warp`).
 *
 * product/geolocationGrid/geolocationGridPointList holds, on a sparse grid of
 * image lines and pixels (about 21 pixels x 10 lines for IW GRD), the
 * WGS 84 latitude, longitude and ellipsoid height of the point imaged there
 * (ESA, Sentinel-1 Product Specification S1-RS-MDA-52-7441, sec. 6.2.4).
 * The values are taken as they are: pixel and line become the GCP's pixel and
 * line, as GDAL's SAFE driver and the measurement GeoTIFF's own tie points do
 * (so a geocoded `rs sarcal` output lines up with `gdalwarp` of the
 * measurement); the half-pixel difference between a sample index and a
 * pixel corner is below the accuracy of the grid itself (tens of metres
 * between grid points, Sentinel-1 Annual Performance Report).
 */
#include <stdlib.h>
#include <string.h>

#include <cpl_minixml.h>

#include "sanxiang/sx_rs_sar.h"

void sx_s1_geoloc_fini(sx_s1_geoloc_t *g)
{
    if (!g) return;
    free(g->pixel);
    memset(g, 0, sizeof *g);
}

sx_err sx_s1_geolocation(const char *annotation, sx_s1_geoloc_t *g)
{
    memset(g, 0, sizeof *g);
    CPLXMLNode *tree = CPLParseXMLFile(annotation);
    SX_FAIL_IF(!tree, SX_ERR_INPUT, "cannot read the product annotation %s: the product is incomplete", annotation);
    CPLXMLNode *list = CPLGetXMLNode(tree, "=product.geolocationGrid.geolocationGridPointList");
    int n = 0;
    for (CPLXMLNode *c = list ? list->psChild : NULL; c; c = c->psNext)
        if (c->eType == CXT_Element && !strcmp(c->pszValue, "geolocationGridPoint")) n++;
    sx_err err = SX_OK;
    if (n < 3)
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s has %d geolocation grid points (geolocationGrid/"
                         "geolocationGridPointList; at least 3 are needed to geocode): not a complete Sentinel-1 "
                         "product annotation", annotation, n);
    if (!err && !(g->pixel = malloc((size_t)n * 5 * sizeof(double))))
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory for %d GCPs", n);
    if (!err) {
        g->line = g->pixel + n;
        g->lon = g->pixel + 2 * n;
        g->lat = g->pixel + 3 * n;
        g->height = g->pixel + 4 * n;
    }
    static const char *const key[5] = {"pixel", "line", "longitude", "latitude", "height"};
    int i = 0;
    for (CPLXMLNode *c = list ? list->psChild : NULL; c && !err; c = c->psNext) {
        if (c->eType != CXT_Element || strcmp(c->pszValue, "geolocationGridPoint")) continue;
        for (int k = 0; k < 5 && !err; k++) {
            const char *t = CPLGetXMLValue(c, key[k], NULL);
            char *end = NULL;
            double v = t ? strtod(t, &end) : 0;
            if (!t || end == t)
                err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "geolocation grid point %d of %s has no number in <%s>: "
                                 "the annotation is damaged", i + 1, annotation, key[k]);
            else
                g->pixel[k * n + i] = v;
        }
        i++;
    }
    CPLDestroyXMLNode(tree);
    if (err) {
        sx_s1_geoloc_fini(g);
        return err;
    }
    g->n = n;
    return SX_OK;
}
