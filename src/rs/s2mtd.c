/*
 * s2mtd.c — Sentinel-2 Level-2A reflectance scale/offset from the product
 * metadata file MTD_MSIL2A.xml, and finding that file for a band file of a
 * SAFE product.
 *
 * ESA, Sentinel-2 Products Specification Document (S2-PDGS-TAS-DI-PSD,
 * issue 14.9 / 15.0, 2021-2022), Level-2A user product metadata: under
 * General_Info/Product_Image_Characteristics,
 *   QUANTIFICATION_VALUES_LIST/BOA_QUANTIFICATION_VALUE   (10000)
 *   BOA_ADD_OFFSET_VALUES_LIST/BOA_ADD_OFFSET band_id="i"  (-1000, baseline >= 04.00)
 *   Spectral_Information_List/Spectral_Information bandId="i" physicalBand="B4"
 * and reflectance = (DN + BOA_ADD_OFFSET(i)) / BOA_QUANTIFICATION_VALUE.
 * Products of baseline < 04.00 have no offset list: the offset is 0.
 *
 * A SAFE product keeps its band files at
 *   <P>.SAFE/GRANULE/<granule>/IMG_DATA/R10m/<tile>_<time>_B04_10m.jp2
 * and the metadata at <P>.SAFE/MTD_MSIL2A.xml, so the file is searched for in
 * the band file's directory and up to four directories above it.
 *
 * This file only reads the small XML file (GDAL's CPL mini-XML parser); it
 * never touches raster data.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cpl_minixml.h>

#include "rs/rs_internal.h"
#include "sanxiang/sx_parse.h"

/* Physical band names in band_id order (PSD: bandId 0 .. 12). */
static const char *const s2_bands[] = {"B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B8A", "B9", "B10", "B11", "B12"};
#define S2_NBANDS ((int)(sizeof s2_bands / sizeof *s2_bands))

/* Text content of an element (its first text child), or NULL. */
static const char *node_text(const CPLXMLNode *n)
{
    for (const CPLXMLNode *c = n ? n->psChild : NULL; c; c = c->psNext)
        if (c->eType == CXT_Text) return c->pszValue;
    return NULL;
}

/* "B04" "B4" "b8a" -> index into s2_bands, or -1. */
static int band_index(const char *name)
{
    if ((name[0] != 'B' && name[0] != 'b') || !isdigit((unsigned char)name[1])) return -1;
    char *end;
    long n = strtol(name + 1, &end, 10);
    int a = (*end == 'A' || *end == 'a');
    if (a) end++;
    if (*end || n < 1 || n > 12 || (a && n != 8)) return -1;
    if (a) return 8;
    return n <= 8 ? (int)n - 1 : (int)n;
}

/* The bandId the product's Spectral_Information_List gives physicalBand ix,
 * or the PSD's fixed order when the list is absent. */
static int product_band_id(CPLXMLNode *chars, int ix)
{
    const CPLXMLNode *list = CPLGetXMLNode(chars, "Spectral_Information_List");
    for (const CPLXMLNode *c = list ? list->psChild : NULL; c; c = c->psNext) {
        if (c->eType != CXT_Element || strcmp(c->pszValue, "Spectral_Information")) continue;
        const char *phys = CPLGetXMLValue(c, "physicalBand", NULL);
        double id;
        if (phys && band_index(phys) == ix && sx_parse_double(CPLGetXMLValue(c, "bandId", NULL), &id)) return (int)id;
    }
    return ix;
}

sx_err sx_rs_s2_mtd_scale(const char *xml_path, const char *band, double *scale, double *offset, char *note,
                          size_t notelen)
{
    const int ix = band_index(band);
    SX_FAIL_IF(ix < 0, SX_ERR_USAGE, "'%s' is not a Sentinel-2 band name (B1 .. B12, B8A)", band);
    CPLXMLNode *root = CPLParseXMLFile(xml_path);
    SX_FAIL_IF(!root, SX_ERR_INPUT, "cannot parse Sentinel-2 metadata '%s'; give --scale NAME=S,O or --reflectance s2-l2a",
               xml_path);
    CPLStripXMLNamespace(root, NULL, TRUE);
    sx_err err = SX_OK;
    CPLXMLNode *prod = NULL; /* a sibling of the <?xml?> declaration */
    for (CPLXMLNode *n = root; n && !prod; n = n->psNext) prod = CPLSearchXMLNode(n, "Level-2A_User_Product");
    CPLXMLNode *chars = prod ? CPLGetXMLNode(prod, "General_Info.Product_Image_Characteristics") : NULL;
    const char *baseline = prod ? CPLGetXMLValue(prod, "General_Info.Product_Info.PROCESSING_BASELINE", "?") : "?";
    const char *base = strrchr(xml_path, '/') ? strrchr(xml_path, '/') + 1 : xml_path;
    double q = 0, add = 0;
    if (!chars || !sx_parse_double(node_text(CPLGetXMLNode(chars, "QUANTIFICATION_VALUES_LIST.BOA_QUANTIFICATION_VALUE")), &q) ||
        q <= 0) {
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                         "Sentinel-2 metadata '%s' has no Level-2A BOA_QUANTIFICATION_VALUE (is it MTD_MSIL2A.xml?); "
                         "give --scale NAME=S,O",
                         xml_path);
        goto done;
    }
    CPLXMLNode *offs = CPLGetXMLNode(chars, "BOA_ADD_OFFSET_VALUES_LIST");
    if (offs) {
        const int id = product_band_id(chars, ix);
        int found = 0;
        for (const CPLXMLNode *c = offs->psChild; c && !found; c = c->psNext) {
            double bid;
            if (c->eType != CXT_Element || strcmp(c->pszValue, "BOA_ADD_OFFSET") ||
                !sx_parse_double(CPLGetXMLValue(c, "band_id", NULL), &bid) || (int)bid != id)
                continue;
            if (!sx_parse_double(node_text(c), &add)) break;
            found = 1;
        }
        if (!found) {
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                             "Sentinel-2 metadata '%s' lists BOA_ADD_OFFSET values but none readable for band %s "
                             "(band_id %d); give --scale NAME=S,O",
                             xml_path, s2_bands[ix], id);
            goto done;
        }
    }
    *scale = 1.0 / q;
    *offset = add / q;
    snprintf(note, notelen, "%s baseline %s: (DN + BOA_ADD_OFFSET %s = %.10g) / BOA_QUANTIFICATION_VALUE %.10g", base,
             baseline, s2_bands[ix], add, q);
done:
    CPLDestroyXMLNode(root);
    return err;
}

int sx__rs_find_s2_mtd(const char *path, char *band, size_t bandlen, char *xml, size_t len)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    const char *hit = NULL;
    /* the last "_B<n>[A]" followed by '_' or '.' in the file name */
    for (const char *p = base; (p = strchr(p, '_')); p++) {
        if (p[1] != 'B' || !isdigit((unsigned char)p[2])) continue;
        size_t k = 2;
        while (isalnum((unsigned char)p[k])) k++;
        if ((p[k] == '_' || p[k] == '.') && k - 1 < bandlen) {
            char b[8];
            snprintf(b, sizeof b, "%.*s", (int)(k - 1), p + 1);
            if (band_index(b) >= 0) hit = p;
        }
    }
    if (!hit) return 0;
    size_t k = 2;
    while (isalnum((unsigned char)hit[k])) k++;
    snprintf(band, bandlen, "%.*s", (int)(k - 1), hit + 1);
    size_t dir = (size_t)(base - path); /* length of "dir/" (0: current directory) */
    for (int up = 0; up <= 4; up++) {
        if (dir + 13 + 1 > len) return 0;
        snprintf(xml, len, "%.*sMTD_MSIL2A.xml", (int)dir, path);
        FILE *f = fopen(xml, "r");
        if (f) {
            fclose(f);
            return 1;
        }
        if (dir == 0) return 0;
        /* strip the last directory component of path[0, dir) */
        size_t d = dir - 1;
        while (d > 0 && path[d - 1] != '/') d--;
        if (d == dir - 1) return 0; /* "//" */
        if (!strncmp(path + d, "../", 3) || !strncmp(path + d, "./", 2)) return 0;
        dir = d;
    }
    return 0;
}
