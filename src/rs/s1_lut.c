/*
 * s1_lut.c — Sentinel-1 annotation look-up tables: reading the calibration
 * and noise vectors (GDAL's CPL mini-XML parser) and interpolating them at
 * image pixels.
 *
 * A LUT is a list of vectors, each at one image line with values at a list
 * of pixels. The value at (line, pixel) is interpolated linearly in pixel
 * along the vector at or above the line and the one below, then linearly in
 * line between the two: bilinear interpolation on the annotation's grid, as
 * ESA's Sentinel-1 calibration note prescribes (ESA-EOPG-CSCOP-TN-0002).
 * Positions outside the grid take the value at its edge (no extrapolation).
 * IPF >= 2.9 noise annotations split the noise into range vectors (the same
 * kind of LUT) and azimuth blocks, each a rectangle of lines and samples
 * with a profile along lines; the noise is their product (MPC-0392).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cpl_minixml.h>

#include "sanxiang/sx_rs_sar.h"

/* ---------------------------------------------------------------- interpolation */

/* Index m of the segment [p[m], p[m+1]] holding x (clamped to the ends). */
static int segment(const double *p, int n, double x)
{
    int lo = 0, hi = n - 1;
    while (hi - lo > 1) {
        int mid = (lo + hi) / 2;
        if (p[mid] <= x) lo = mid;
        else hi = mid;
    }
    return lo;
}

static double along(const double *p, const double *v, int n, double x)
{
    if (n == 1) return v[0];
    int m = segment(p, n, x);
    double u = (x - p[m]) / (p[m + 1] - p[m]);
    if (u < 0) u = 0;
    if (u > 1) u = 1;
    return v[m] + u * (v[m + 1] - v[m]);
}

/* The two vectors around line and the weight of the second. */
static void rows_of(const sx_sar_lut_t *lut, double line, int *k, double *t)
{
    if (lut->nv == 1) {
        *k = 0;
        *t = 0;
        return;
    }
    *k = segment(lut->line, lut->nv, line);
    double w = (line - lut->line[*k]) / (lut->line[*k + 1] - lut->line[*k]);
    *t = w < 0 ? 0 : (w > 1 ? 1 : w);
}

double sx_sar_lut_at(const sx_sar_lut_t *lut, double line, double pixel)
{
    int k;
    double t;
    rows_of(lut, line, &k, &t);
    double a = along(lut->pixel[k], lut->value[k], lut->np[k], pixel);
    if (t == 0) return a;
    double b = along(lut->pixel[k + 1], lut->value[k + 1], lut->np[k + 1], pixel);
    return a + t * (b - a);
}

void sx_sar_lut_row(const sx_sar_lut_t *lut, double line, int64_t x0, int64_t nx, double *out)
{
    int k;
    double t;
    rows_of(lut, line, &k, &t);
    for (int64_t i = 0; i < nx; i++) {
        double x = (double)(x0 + i);
        double a = along(lut->pixel[k], lut->value[k], lut->np[k], x);
        out[i] = t == 0 ? a : a + t * (along(lut->pixel[k + 1], lut->value[k + 1], lut->np[k + 1], x) - a);
    }
}

void sx_sar_lut_fini(sx_sar_lut_t *lut)
{
    for (int k = 0; k < lut->nv; k++) {
        if (lut->pixel) free(lut->pixel[k]);
        if (lut->value) free(lut->value[k]);
    }
    free(lut->pixel);
    free(lut->value);
    free(lut->line);
    free(lut->np);
    memset(lut, 0, sizeof *lut);
}

/* ---------------------------------------------------------------- reading */

/* Whitespace-separated numbers of element name of v into a new array. */
static sx_err numbers(const char *xml, const CPLXMLNode *v, const char *name, int k, double **out, int *n)
{
    const char *s = CPLGetXMLValue(v, name, NULL);
    SX_FAIL_IF(!s, SX_ERR_INPUT, "%s: vector %d has no <%s>; the annotation is incomplete", xml, k + 1, name);
    int cap = 64, m = 0;
    double *a = malloc((size_t)cap * sizeof *a);
    SX_FAIL_IF(!a, SX_ERR_NOMEM, "out of memory reading %s", xml);
    for (const char *p = s;;) {
        char *end;
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
        if (!*p) break;
        double x = strtod(p, &end);
        if (end == p || !isfinite(x)) {
            free(a);
            SX_FAIL(SX_ERR_INPUT, "%s: vector %d: <%s> holds '%.20s', not a number", xml, k + 1, name, p);
        }
        if (m == cap) {
            double *b = realloc(a, (size_t)(cap *= 2) * sizeof *a);
            if (!b) {
                free(a);
                SX_FAIL(SX_ERR_NOMEM, "out of memory reading %s", xml);
            }
            a = b;
        }
        a[m++] = x;
        p = end;
    }
    *out = a;
    *n = m;
    return SX_OK;
}

/* The vectors list/vec of root into lut: line from element "line", pixels
 * from pixel_name, values from value_name. */
static sx_err read_vectors(const char *xml, CPLXMLNode *root, const char *list, const char *vec, const char *pixel_name,
                           const char *value_name, sx_sar_lut_t *lut)
{
    memset(lut, 0, sizeof *lut);
    CPLXMLNode *l = CPLGetXMLNode(root, list);
    int n = 0;
    for (CPLXMLNode *c = l ? l->psChild : NULL; c; c = c->psNext) n += c->eType == CXT_Element && !strcmp(c->pszValue, vec);
    SX_FAIL_IF(!n, SX_ERR_INPUT, "%s has no <%s>/<%s>; is it a Sentinel-1 annotation?", xml, list, vec);
    lut->line = calloc((size_t)n, sizeof *lut->line);
    lut->np = calloc((size_t)n, sizeof *lut->np);
    lut->pixel = calloc((size_t)n, sizeof *lut->pixel);
    lut->value = calloc((size_t)n, sizeof *lut->value);
    lut->nv = n;
    sx_err err = (!lut->line || !lut->np || !lut->pixel || !lut->value)
                     ? sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory reading %s", xml) : SX_OK;
    int k = 0;
    for (CPLXMLNode *c = l->psChild; c && !err; c = c->psNext) {
        if (c->eType != CXT_Element || strcmp(c->pszValue, vec)) continue;
        int np = 0, nval = 0;
        double *line = NULL;
        int nl = 0;
        err = numbers(xml, c, "line", k, &line, &nl);
        if (!err && nl != 1) err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s: vector %d: <line> must be one number", xml, k + 1);
        if (!err) lut->line[k] = line[0];
        free(line);
        if (!err) err = numbers(xml, c, pixel_name, k, &lut->pixel[k], &np);
        if (!err) err = numbers(xml, c, value_name, k, &lut->value[k], &nval);
        if (!err && (np != nval || np == 0))
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s: vector %d has %d pixels but %d %s values", xml, k + 1, np,
                             nval, value_name);
        for (int m = 1; !err && m < np; m++)
            if (!(lut->pixel[k][m] > lut->pixel[k][m - 1]))
                err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s: vector %d: pixels do not increase at %d", xml, k + 1, m + 1);
        if (!err && k > 0 && !(lut->line[k] > lut->line[k - 1]))
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s: vector %d: lines do not increase", xml, k + 1);
        lut->np[k] = np;
        k++;
    }
    if (err) sx_sar_lut_fini(lut);
    return err;
}

/* Parse xml and check its adsHeader polarisation against pol. */
static sx_err open_annotation(const char *xml, const char *root_name, const char *pol, CPLXMLNode **tree, CPLXMLNode **root)
{
    *tree = CPLParseXMLFile(xml);
    SX_FAIL_IF(!*tree, SX_ERR_INPUT, "cannot read the Sentinel-1 annotation '%s' (missing or not XML): check the SAFE product", xml);
    char eq[32];
    snprintf(eq, sizeof eq, "=%s", root_name); /* the root element or a sibling of the <?xml?> declaration */
    *root = CPLGetXMLNode(*tree, eq);
    const char *p = *root ? CPLGetXMLValue(*root, "adsHeader.polarisation", NULL) : NULL;
    if (!*root || (pol && p && strcasecmp(p, pol))) {
        char got[8];
        snprintf(got, sizeof got, "%s", p ? p : "");
        p = got;
        CPLDestroyXMLNode(*tree);
        *tree = NULL;
        if (!*root) SX_FAIL(SX_ERR_INPUT, "'%s' is not a Sentinel-1 %s annotation (no <%s>)", xml, root_name, root_name);
        SX_FAIL(SX_ERR_INPUT, "'%s' is the %s annotation, not %s: the SAFE manifest and its files disagree", xml, p, pol);
    }
    return SX_OK;
}

sx_err sx_s1_calibration_lut(const char *xml, const char *pol, sx_sar_quantity q, sx_sar_lut_t *lut)
{
    static const char *const names[] = {"sigmaNought", "betaNought", "gamma"};
    CPLXMLNode *tree, *root;
    SX_CHECK(open_annotation(xml, "calibration", pol, &tree, &root));
    sx_err err = read_vectors(xml, root, "calibrationVectorList", "calibrationVector", "pixel", names[q], lut);
    for (int k = 0; !err && k < lut->nv; k++)
        for (int m = 0; m < lut->np[k]; m++)
            if (!(lut->value[k][m] > 0)) {
                err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s: %s of vector %d is %g at pixel %g; calibration "
                                 "values must be positive", xml, names[q], k + 1, lut->value[k][m], lut->pixel[k][m]);
                sx_sar_lut_fini(lut);
                break;
            }
    CPLDestroyXMLNode(tree);
    return err;
}

sx_err sx_s1_noise_luts(const char *xml, const char *pol, sx_sar_lut_t *range, sx_s1_noise_az_t *az)
{
    memset(az, 0, sizeof *az);
    CPLXMLNode *tree, *root;
    SX_CHECK(open_annotation(xml, "noise", pol, &tree, &root));
    sx_err err;
    if (CPLGetXMLNode(root, "noiseVectorList")) {
        err = read_vectors(xml, root, "noiseVectorList", "noiseVector", "pixel", "noiseLut", range);
        CPLDestroyXMLNode(tree);
        return err;
    }
    err = read_vectors(xml, root, "noiseRangeVectorList", "noiseRangeVector", "pixel", "noiseRangeLut", range);
    CPLXMLNode *l = err ? NULL : CPLGetXMLNode(root, "noiseAzimuthVectorList");
    int n = 0;
    for (CPLXMLNode *c = l ? l->psChild : NULL; c; c = c->psNext)
        n += c->eType == CXT_Element && !strcmp(c->pszValue, "noiseAzimuthVector");
    if (n) {
        az->first_line = calloc((size_t)n, sizeof(int64_t));
        az->last_line = calloc((size_t)n, sizeof(int64_t));
        az->first_sample = calloc((size_t)n, sizeof(int64_t));
        az->last_sample = calloc((size_t)n, sizeof(int64_t));
        az->lut.np = calloc((size_t)n, sizeof(int));
        az->lut.pixel = calloc((size_t)n, sizeof(double *));
        az->lut.value = calloc((size_t)n, sizeof(double *));
        az->lut.line = calloc((size_t)n, sizeof(double));
        az->n = az->lut.nv = n;
        if (!az->first_line || !az->last_line || !az->first_sample || !az->last_sample || !az->lut.np || !az->lut.pixel ||
            !az->lut.value || !az->lut.line)
            err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory reading %s", xml);
        int k = 0;
        for (CPLXMLNode *c = l->psChild; c && !err; c = c->psNext) {
            if (c->eType != CXT_Element || strcmp(c->pszValue, "noiseAzimuthVector")) continue;
            static const char *const keys[] = {"firstAzimuthLine", "lastAzimuthLine", "firstRangeSample", "lastRangeSample"};
            int64_t *dst[] = {&az->first_line[k], &az->last_line[k], &az->first_sample[k], &az->last_sample[k]};
            for (int q = 0; q < 4 && !err; q++) {
                const char *s = CPLGetXMLValue(c, keys[q], NULL);
                if (!s) err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s: azimuth vector %d has no <%s>", xml, k + 1, keys[q]);
                else *dst[q] = strtoll(s, NULL, 10);
            }
            int nl = 0, nv = 0;
            if (!err) err = numbers(xml, c, "line", k, &az->lut.pixel[k], &nl);
            if (!err) err = numbers(xml, c, "noiseAzimuthLut", k, &az->lut.value[k], &nv);
            if (!err && (nl != nv || !nl))
                err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s: azimuth vector %d has %d lines but %d values", xml, k + 1,
                                 nl, nv);
            az->lut.np[k] = nl;
            k++;
        }
    }
    CPLDestroyXMLNode(tree);
    if (err) {
        sx_sar_lut_fini(range);
        sx_s1_noise_az_fini(az);
    }
    return err;
}

double sx_s1_noise_az_at(const sx_s1_noise_az_t *az, double line, double pixel)
{
    for (int k = 0; k < az->n; k++)
        if (line >= (double)az->first_line[k] && line <= (double)az->last_line[k] && pixel >= (double)az->first_sample[k] &&
            pixel <= (double)az->last_sample[k])
            return along(az->lut.pixel[k], az->lut.value[k], az->lut.np[k], line);
    return 1;
}

void sx_s1_noise_az_fini(sx_s1_noise_az_t *az)
{
    free(az->first_line);
    free(az->last_line);
    free(az->first_sample);
    free(az->last_sample);
    sx_sar_lut_fini(&az->lut);
    memset(az, 0, sizeof *az);
}
