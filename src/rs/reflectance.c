/*
 * reflectance.c — turning digital numbers into reflectance: presets, explicit
 * scale/offset, and the Landsat MTL metadata file.
 *
 * Conventions (each documented by its producer):
 *   Landsat Collection 2 Level-2 surface reflectance: rho = DN * 2.75e-5 - 0.2
 *     (USGS, Landsat 8-9 Collection 2 Level 2 Science Product Guide, LSDS-1619).
 *   Sentinel-2 L2A, processing baseline >= 04.00: rho = (DN + BOA_ADD_OFFSET) /
 *     QUANTIFICATION_VALUE = (DN - 1000) / 10000 (ESA, Sentinel-2 L2A Product
 *     Specification, baseline 04.00, January 2022).
 *   Landsat Level-1 top-of-atmosphere reflectance: rho' = M * DN + A from the
 *     MTL's REFLECTANCE_MULT/ADD_BAND_n, rho = rho' / sin(sun elevation)
 *     (USGS Landsat 8 Data Users Handbook, sec. 5.1).
 * An MTL of a Level-2 product carries both the Level-1 TOA coefficients and
 * the Level-2 surface-reflectance ones; the Level-2 group wins.
 *
 * Sentinel-2 MTD_MSIL2A.xml is read in s2mtd.c, GDAL metadata in metascale.c,
 * FengYun HDF5 attributes in fycal.c, GF product XML + coefficients in gfcal.c.
 * This file only reads small text files; it never touches raster data.
 */
#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rs/rs_internal.h"

sx_err sx_rs_reflectance_parse(const char *text, sx_rs_reflectance *out)
{
    static const struct { const char *name; sx_rs_reflectance r; } tab[] = {
        {"auto", SX_RS_REFL_AUTO}, {"none", SX_RS_REFL_NONE},
        {"landsat-c2-l2", SX_RS_REFL_LANDSAT_C2_L2}, {"s2-l2a", SX_RS_REFL_S2_L2A}};
    for (size_t k = 0; k < sizeof tab / sizeof *tab; k++)
        if (!strcmp(text, tab[k].name)) {
            *out = tab[k].r;
            return SX_OK;
        }
    SX_FAIL(SX_ERR_USAGE, "--reflectance must be auto, none, landsat-c2-l2 or s2-l2a, got '%s'", text);
}

/* Value of KEY inside GROUP (or anywhere when group is NULL) of an MTL file
 * ("  KEY = value" lines between "GROUP = X" / "END_GROUP = X"). */
static int mtl_lookup(FILE *f, const char *group, const char *key, double *val)
{
    char line[512], cur[256] = "";
    int found = 0;
    rewind(f);
    while (fgets(line, sizeof line, f)) {
        char k[128], v[256];
        if (sscanf(line, " %127[A-Za-z0-9_] = %255[^\r\n]", k, v) != 2) continue;
        if (!strcmp(k, "GROUP")) snprintf(cur, sizeof cur, "%.255s", v);
        else if (!strcmp(k, "END_GROUP")) cur[0] = 0;
        else if (!strcmp(k, key) && (!group || !strcmp(cur, group))) {
            char *end;
            double d = strtod(v, &end);
            if (end != v && isfinite(d)) {
                *val = d;
                found = 1;
                break;
            }
        }
    }
    return found;
}

sx_err sx_rs_mtl_scale(const char *mtl_path, int bandno, double *scale, double *offset, char *note, size_t notelen)
{
    FILE *f = fopen(mtl_path, "r");
    SX_FAIL_IF(!f, SX_ERR_IO, "cannot open Landsat metadata '%s'; give --scale NAME=S,O or --reflectance none", mtl_path);
    char km[64], ka[64];
    snprintf(km, sizeof km, "REFLECTANCE_MULT_BAND_%d", bandno);
    snprintf(ka, sizeof ka, "REFLECTANCE_ADD_BAND_%d", bandno);
    double m, a, sun;
    const char *base = strrchr(mtl_path, '/') ? strrchr(mtl_path, '/') + 1 : mtl_path;
    sx_err err = SX_OK;
    if (mtl_lookup(f, "LEVEL2_SURFACE_REFLECTANCE_PARAMETERS", km, &m) &&
        mtl_lookup(f, "LEVEL2_SURFACE_REFLECTANCE_PARAMETERS", ka, &a)) {
        *scale = m;
        *offset = a;
        snprintf(note, notelen, "%s surface reflectance %s, %s", base, km, ka);
    } else if (mtl_lookup(f, NULL, km, &m) && mtl_lookup(f, NULL, ka, &a)) {
        if (!mtl_lookup(f, NULL, "SUN_ELEVATION", &sun) || sun <= 0 || sun > 90) {
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                             "Landsat metadata '%s' has %s but no usable SUN_ELEVATION for top-of-atmosphere reflectance; "
                             "give --scale explicitly", mtl_path, km);
        } else {
            double s = sin(sun * M_PI / 180.0);
            *scale = m / s;
            *offset = a / s;
            snprintf(note, notelen, "%s TOA reflectance (%s, %s) / sin(SUN_ELEVATION %.8g)", base, km, ka, sun);
        }
    } else {
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "Landsat metadata '%s' has no %s/%s; give --scale NAME=S,O",
                         mtl_path, km, ka);
    }
    fclose(f);
    return err;
}

/* From ".../LC08_..._SR_B4.TIF" or ".../l8_B4.tif": the band number and the
 * MTL path (prefix + "_MTL.txt"). Returns 0 if the name does not look like a
 * Landsat band file or no MTL exists. */
static int find_mtl(const char *path, int *bandno, char *mtl, size_t len)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    const char *b = NULL;
    for (const char *p = base; (p = strchr(p, '_')); p++)
        if ((p[1] == 'B' || p[1] == 'b') && isdigit((unsigned char)p[2])) b = p;
    if (!b) return 0;
    char *end;
    long n = strtol(b + 2, &end, 10);
    if (n < 1 || n > 12 || (*end && *end != '.')) return 0;
    size_t prefix = (size_t)(b - path);
    if (prefix >= 3 && !strncasecmp(b - 3, "_SR", 3)) prefix -= 3; /* C2 L2: <id>_SR_B4.TIF, <id>_MTL.txt */
    if (prefix + 9 > len) return 0;
    static const char *const suffixes[] = {"_MTL.txt", "_MTL.TXT"};
    for (size_t k = 0; k < 2; k++) {
        snprintf(mtl, len, "%.*s%s", (int)prefix, path, suffixes[k]);
        FILE *f = fopen(mtl, "r");
        if (f) {
            fclose(f);
            *bandno = (int)n;
            return 1;
        }
    }
    return 0;
}

/* AUTO: the first metadata found (Landsat MTL, Sentinel-2 MTD, FengYun
 * HDF5, GF XML + coefficients, GDAL), else DNs. */
static sx_err from_metadata(sx_rs_band_t *b, const char *gf_coefs)
{
    char meta[4096], s2band[8];
    int bandno, found;
    if (find_mtl(b->path, &bandno, meta, sizeof meta)) {
        SX_CHECK(sx_rs_mtl_scale(meta, bandno, &b->scale, &b->offset, b->scale_note, sizeof b->scale_note));
        b->scale_source = SX_RS_SCALE_MTL;
        return SX_OK;
    }
    if (sx__rs_find_s2_mtd(b->path, s2band, sizeof s2band, meta, sizeof meta)) {
        SX_CHECK(sx_rs_s2_mtd_scale(meta, s2band, &b->scale, &b->offset, b->scale_note, sizeof b->scale_note));
        b->scale_source = SX_RS_SCALE_S2_MTD;
        return SX_OK;
    }
    SX_CHECK(sx_rs_fy_scale(b, &found));
    if (found) return SX_OK;
    SX_CHECK(sx_rs_gf_scale(b, gf_coefs, &found));
    if (found) return SX_OK;
    if (sx__rs_gdal_scale(b->path, b->band, &b->scale, &b->offset, b->scale_note, sizeof b->scale_note))
        b->scale_source = SX_RS_SCALE_GDAL;
    else
        snprintf(b->scale_note, sizeof b->scale_note, "none (no product metadata found; digital numbers)");
    return SX_OK;
}

sx_err sx_rs_bands_resolve_scale(sx_rs_band_t *bands, int nbands, sx_rs_reflectance preset, const char *gf_coefs)
{
    for (int i = 0; i < nbands; i++) {
        sx_rs_band_t *b = &bands[i];
        if (b->scale_source != SX_RS_SCALE_NONE) continue;
        b->scale = 1;
        b->offset = 0;
        switch (preset) {
        case SX_RS_REFL_NONE: snprintf(b->scale_note, sizeof b->scale_note, "none (digital numbers)"); break;
        case SX_RS_REFL_LANDSAT_C2_L2:
            b->scale = 2.75e-5;
            b->offset = -0.2;
            b->scale_source = SX_RS_SCALE_PRESET;
            snprintf(b->scale_note, sizeof b->scale_note, "landsat-c2-l2 preset: DN * 2.75e-5 - 0.2");
            break;
        case SX_RS_REFL_S2_L2A:
            b->scale = 1e-4;
            b->offset = -0.1;
            b->scale_source = SX_RS_SCALE_PRESET;
            snprintf(b->scale_note, sizeof b->scale_note, "s2-l2a preset (baseline >= 04.00): (DN - 1000) / 10000");
            break;
        case SX_RS_REFL_AUTO: SX_CHECK(from_metadata(b, gf_coefs)); break;
        }
    }
    return SX_OK;
}
