/*
 * s1_safe.c — the files of one polarisation of a Sentinel-1 SAFE product,
 * read from its manifest.
 *
 * manifest.safe (XFDU) lists every file of the product in
 * dataObjectSection/dataObject, each with a repID naming its kind
 * (s1Level1ProductSchema: product annotation, s1Level1CalibrationSchema,
 * s1Level1NoiseSchema, s1Level1MeasurementSchema) and a relative href whose
 * name carries the polarisation (s1a-iw-grd-vv-...). The product annotation
 * gives the image size (imageAnnotation/imageInformation numberOfSamples,
 * numberOfLines) and the header (mission, mode, product type, start time).
 * ESA, Sentinel-1 Product Specification (S1-RS-MDA-52-7441), sec. 3 (SAFE).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <cpl_minixml.h>

#include "sanxiang/sx_rs_sar.h"

static int is_dir(const char *p)
{
    struct stat st;
    return !stat(p, &st) && S_ISDIR(st.st_mode);
}

static int is_file(const char *p)
{
    struct stat st;
    return !stat(p, &st) && S_ISREG(st.st_mode);
}

/* The .SAFE directory of path: path itself, its directory (manifest.safe),
 * or the nearest directory above it holding a manifest.safe. */
static sx_err find_safe(const char *path, char *safe, size_t len)
{
    char p[SX_PATH_MAX], m[SX_PATH_MAX + 16];
    SX_FAIL_IF(snprintf(p, sizeof p, "%s", path) >= (int)sizeof p, SX_ERR_USAGE, "path too long: %.80s...", path);
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/') p[--n] = 0;
    for (int up = 0; up < 4; up++) {
        if (is_dir(p)) {
            snprintf(m, sizeof m, "%s/manifest.safe", p);
            if (is_file(m)) {
                snprintf(safe, len, "%s", p);
                return SX_OK;
            }
        }
        char *slash = strrchr(p, '/');
        if (!slash) {
            if (!strcmp(p, ".")) break;
            snprintf(p, sizeof p, ".");
        } else if (slash == p) {
            p[1] = 0;
        } else {
            *slash = 0;
        }
    }
    SX_FAIL(SX_ERR_INPUT, "'%s' is neither in a Sentinel-1 SAFE product (no manifest.safe in it or above it) nor a GF-3 "
            "product (no *.meta.xml of satellite GF3 in it or beside it): give the .SAFE directory or the GF-3 product "
            "directory (unpack the product first)", path);
}

/* Does file name (an href) carry polarisation pol ("-vv-")? */
static int has_pol(const char *href, const char *pol)
{
    char k[8];
    snprintf(k, sizeof k, "-%c%c-", pol[0] | 0x20, pol[1] | 0x20);
    const char *base = strrchr(href, '/');
    return strstr(base ? base : href, k) != NULL;
}

static const char *const pols[] = {"VV", "VH", "HH", "HV"};

sx_err sx_s1_product_open(const char *path, const char *pol, sx_s1_product_t *p)
{
    memset(p, 0, sizeof *p);
    SX_CHECK(find_safe(path, p->safe, sizeof p->safe));
    char manifest[SX_PATH_MAX + 16];
    snprintf(manifest, sizeof manifest, "%s/manifest.safe", p->safe);
    CPLXMLNode *tree = CPLParseXMLFile(manifest);
    SX_FAIL_IF(!tree, SX_ERR_INPUT, "cannot read '%s' (not XML?): the SAFE product is damaged", manifest);
    CPLXMLNode *sec = NULL; /* the first node may be the <?xml?> declaration: search its siblings too */
    for (CPLXMLNode *t = tree; t && !sec; t = t->psNext) sec = CPLSearchXMLNode(t, "dataObjectSection");
    /* which polarisations have a calibration annotation */
    char have[32] = "";
    int npol = 0;
    const char *only = NULL;
    for (int q = 0; q < 4; q++)
        for (CPLXMLNode *c = sec ? sec->psChild : NULL; c; c = c->psNext) {
            const char *rep = CPLGetXMLValue(c, "repID", "");
            const char *href = CPLGetXMLValue(c, "byteStream.fileLocation.href", "");
            if (!strcmp(rep, "s1Level1CalibrationSchema") && has_pol(href, pols[q])) {
                snprintf(have + strlen(have), sizeof have - strlen(have), " %s", pols[q]);
                only = pols[q];
                npol++;
                break;
            }
        }
    sx_err err = SX_OK;
    if (!npol)
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s lists no calibration annotation "
                         "(s1Level1CalibrationSchema): not a Level-1 GRD/SLC product, or an incomplete one", manifest);
    else if (pol && *pol) {
        char up[3] = {0};
        for (int i = 0; i < 2 && pol[i]; i++) up[i] = (char)(pol[i] >= 'a' && pol[i] <= 'z' ? pol[i] - 32 : pol[i]);
        only = NULL;
        for (int q = 0; q < 4; q++)
            if (strlen(pol) == 2 && !strcmp(up, pols[q]) && strstr(have, pols[q])) only = pols[q];
        if (!only)
            err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "polarisation '%s' is not in %s: it has%s; give --pol one "
                             "of them", pol, p->safe, have);
    } else if (npol > 1) {
        err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "%s has the polarisations%s: give --pol one of them", p->safe, have);
    }
    if (!err) snprintf(p->pol, sizeof p->pol, "%s", only);
    struct {
        const char *rep;
        char *dst;
    } want[] = {{"s1Level1ProductSchema", p->annotation},
                {"s1Level1CalibrationSchema", p->calibration},
                {"s1Level1NoiseSchema", p->noise},
                {"s1Level1MeasurementSchema", p->measurement}};
    for (size_t w = 0; w < 4 && !err; w++)
        for (CPLXMLNode *c = sec ? sec->psChild : NULL; c; c = c->psNext) {
            const char *href = CPLGetXMLValue(c, "byteStream.fileLocation.href", "");
            if (strcmp(CPLGetXMLValue(c, "repID", ""), want[w].rep) || !has_pol(href, p->pol)) continue;
            if (!strncmp(href, "./", 2)) href += 2;
            snprintf(want[w].dst, SX_PATH_MAX, "%.2000s/%.2000s", p->safe, href);
            break;
        }
    CPLDestroyXMLNode(tree);
    SX_CHECK(err);
    SX_FAIL_IF(!p->annotation[0], SX_ERR_INPUT, "%s lists no product annotation for %s: the product is incomplete", manifest, p->pol);
    SX_FAIL_IF(!is_file(p->calibration), SX_ERR_INPUT, "the calibration annotation of %s, %s, is missing: the product is "
               "incomplete (unzip it again)", p->pol, p->calibration);
    SX_FAIL_IF(p->noise[0] && !is_file(p->noise), SX_ERR_INPUT, "the noise annotation of %s, %s, is missing: the product "
               "is incomplete (unzip it again)", p->pol, p->noise);
    tree = CPLParseXMLFile(p->annotation);
    SX_FAIL_IF(!tree, SX_ERR_INPUT, "cannot read the product annotation %s: the product is incomplete", p->annotation);
    CPLXMLNode *prod = CPLGetXMLNode(tree, "=product");
    const char *ns = prod ? CPLGetXMLValue(prod, "imageAnnotation.imageInformation.numberOfSamples", NULL) : NULL;
    const char *nl = prod ? CPLGetXMLValue(prod, "imageAnnotation.imageInformation.numberOfLines", NULL) : NULL;
    const char *apol = prod ? CPLGetXMLValue(prod, "adsHeader.polarisation", "") : "";
    if (ns && nl) {
        p->samples = strtoll(ns, NULL, 10);
        p->lines = strtoll(nl, NULL, 10);
    }
    snprintf(p->mission, sizeof p->mission, "%s", prod ? CPLGetXMLValue(prod, "adsHeader.missionId", "") : "");
    snprintf(p->mode, sizeof p->mode, "%s", prod ? CPLGetXMLValue(prod, "adsHeader.mode", "") : "");
    snprintf(p->product_type, sizeof p->product_type, "%s", prod ? CPLGetXMLValue(prod, "adsHeader.productType", "") : "");
    snprintf(p->start, sizeof p->start, "%s", prod ? CPLGetXMLValue(prod, "adsHeader.startTime", "") : "");
    int polok = !strcasecmp(apol, p->pol);
    CPLDestroyXMLNode(tree);
    SX_FAIL_IF(p->samples <= 0 || p->lines <= 0, SX_ERR_INPUT, "%s has no image size (imageInformation numberOfSamples, "
               "numberOfLines): not a Sentinel-1 product annotation", p->annotation);
    SX_FAIL_IF(!polok, SX_ERR_INPUT, "%s is the annotation of %s, not %s: the SAFE manifest and its files disagree",
               p->annotation, apol, p->pol);
    return SX_OK;
}
