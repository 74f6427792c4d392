/*
 * fycal.c — reflectance of FengYun L1 HDF5 bands from the product's own
 * calibration attributes and tables (sx_rs_fy_scale in sx_rs.h).
 *
 * Layouts (NSMC user guides: "FY-3D MERSI-II L1 data user guide" and
 * "FY-4A AGRI L1 data user guide", National Satellite Meteorological Centre,
 * CMA; names as in the products and in satpy's mersi_l1b/agri_l1 readers):
 *   FY-3 MERSI / VIRR L1: Data/EV_1KM_RefSB (15 x rows x cols, MERSI-2
 *     channels 5-19), Data/EV_250_Aggr.1KM_RefSB (channels 1-4), each with
 *     attributes Slope and Intercept (one value per band) giving corrected
 *     counts DN' = DN * Slope + Intercept; MERSI-2 keeps the reflective
 *     calibration in Calibration/VIS_Cal_Coeff (19 x 3), reflectance in
 *     percent = c0 + c1 DN' + c2 DN'^2. Some products use CF scale_factor /
 *     add_offset instead of Slope / Intercept.
 *   FY-4A/B AGRI L1: NOMChannelNN (DN, 12 bit) and CALChannelNN, a table
 *     indexed by DN: reflectance (channels 1-6) or brightness temperature.
 * L1 data are not georeferenced (swaths, the geostationary grid), so a band
 * is usually given as a VRT that adds a geotransform and CRS
 * (gdal_translate -of VRT -a_srs ... -a_ullr ... 'HDF5:"F.HDF"://NOMChannel02'):
 * a VRT band with one SimpleSource (values passed through unchanged) is
 * followed to its HDF5 subdataset and source band.
 * The order of application is fixed and documented in sx_rs.h; an explicit
 * --scale or preset never reaches here. What was used goes to scale_note
 * (and from there to the output's provenance).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cpl_minixml.h>
#include <cpl_string.h>
#include <gdal.h>

#include "rs/rs_internal.h"

#define MAX_ATTR 64

/* Append to note (never past its end). */
static void note_add(char *note, size_t len, const char *fmt, double a, double b, double c, int ch)
{
    size_t used = strlen(note);
    if (used + 1 < len) snprintf(note + used, len - used, fmt, a, b, c, ch);
}

/* Value for band k (0-based) from an attribute of one value per band or one
 * for all; 0 if absent. */
static sx_err per_band(const char *file, const char *dset, const char *attr, int k, double *v, int *found)
{
    double vals[MAX_ATTR];
    int n;
    *found = 0;
    SX_CHECK(sx__rs_h5_attr(file, dset, attr, vals, MAX_ATTR, &n));
    if (!n) return SX_OK;
    SX_FAIL_IF(n > 1 && k >= n, SX_ERR_INPUT,
               "'%s': attribute %s of %s has %d values but band %d is asked for; check --bidx", file, attr, dset, n, k + 1);
    *v = vals[n > 1 ? k : 0];
    *found = 1;
    return SX_OK;
}

/* MERSI-2 channel (0-based row of VIS_Cal_Coeff) of band k of dataset, or -1. */
static int mersi_channel(const char *dset, int k)
{
    const char *base = strrchr(dset, '/') ? strrchr(dset, '/') + 1 : dset;
    if (!strcmp(base, "EV_250_Aggr.1KM_RefSB")) return k;      /* channels 1-4 */
    if (!strcmp(base, "EV_1KM_RefSB")) return 4 + k;           /* channels 5-19 */
    return -1;
}

/* "NOMChannel02" -> "<group>/CALChannel02" when the name fits. */
static int agri_table(const char *dset, char *out, size_t len)
{
    const char *base = strrchr(dset, '/') ? strrchr(dset, '/') + 1 : dset;
    if (strncmp(base, "NOMChannel", 10) || !base[10]) return 0;
    return snprintf(out, len, "%.*sCALChannel%s", (int)(base - dset), dset, base + 10) < (int)len;
}

/* The subdataset name and band behind band bandno of a VRT with a single
 * SimpleSource; 0 if path is not such a VRT. */
static int vrt_source(const char *path, int bandno, char *name, size_t len, int *srcband)
{
    const char *ext = strrchr(path, '.');
    if (!ext || strcasecmp(ext, ".vrt")) return 0;
    CPLPushErrorHandler(CPLQuietErrorHandler);
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
    CPLPopErrorHandler();
    if (!ds) return 0;
    int ok = 0;
    GDALRasterBandH band = bandno >= 1 && bandno <= GDALGetRasterCount(ds) ? GDALGetRasterBand(ds, bandno) : NULL;
    char **src = band ? GDALGetMetadata(band, "vrt_sources") : NULL;
    CPLXMLNode *x = src && CSLCount(src) == 1 ? CPLParseXMLString(strchr(src[0], '=') + 1) : NULL;
    if (x && !strcmp(x->pszValue, "SimpleSource")) {
        const char *fn = CPLGetXMLValue(x, "SourceFilename", NULL);
        const int rel = atoi(CPLGetXMLValue(x, "SourceFilename.relativeToVRT", "0"));
        *srcband = atoi(CPLGetXMLValue(x, "SourceBand", "1"));
        const char *slash = strrchr(path, '/');
        const int dir = rel && slash ? (int)(slash - path + 1) : 0;
        char f[4096], d[128];
        if (fn && sx__rs_h5_split(fn, f, sizeof f, d, sizeof d) && f[0] != '/')
            ok = snprintf(name, len, "HDF5:\"%.*s%s\":/%s", dir, path, f, d) < (int)len;
        else if (fn && sx__rs_h5_split(fn, f, sizeof f, d, sizeof d))
            ok = snprintf(name, len, "HDF5:\"%s\":/%s", f, d) < (int)len;
    }
    CPLDestroyXMLNode(x);
    GDALClose(ds);
    return ok;
}

int sx__rs_fy_source(const char *path, int bandno, char *file, size_t flen, char *dset, size_t dlen, int *k)
{
    char via[4200];
    int srcband;
    if (vrt_source(path, bandno, via, sizeof via, &srcband)) {
        *k = srcband - 1;
        return sx__rs_h5_split(via, file, flen, dset, dlen);
    }
    *k = bandno - 1;
    return sx__rs_h5_split(path, file, flen, dset, dlen);
}

sx_err sx_rs_fy_scale(sx_rs_band_t *b, int *found)
{
    char file[4096], dset[80], tab[96];
    int k;
    *found = 0;
    if (!sx__rs_fy_source(b->path, b->band, file, sizeof file, dset, sizeof dset, &k)) return SX_OK;
    double s = 1, o = 0, s2 = 0;
    int has_s, has_o;
    char note[sizeof b->scale_note] = "";
    SX_CHECK(per_band(file, dset, "Slope", k, &s, &has_s));
    if (has_s) {
        SX_CHECK(per_band(file, dset, "Intercept", k, &o, &has_o));
        SX_FAIL_IF(!has_o, SX_ERR_INPUT, "'%s': %s has a Slope attribute but no Intercept; give --scale NAME=S,O", file, dset);
        snprintf(note, sizeof note, "%.80s Slope %.8g Intercept %.8g", dset, s, o);
    } else {
        SX_CHECK(per_band(file, dset, "scale_factor", k, &s, &has_s));
        SX_CHECK(per_band(file, dset, "add_offset", k, &o, &has_o));
        if (!has_s) s = 1;
        if (!has_o) o = 0;
        if (has_s || has_o)
            snprintf(note, sizeof note, "%.80s scale_factor %.8g add_offset %.8g", dset, s, o);
    }
    const int ch = mersi_channel(dset, k);
    if (ch >= 0 && sx__rs_h5_exists(file, "/Calibration/VIS_Cal_Coeff")) {
        double *c;
        int64_t n;
        int cols;
        SX_CHECK(sx__rs_h5_read(file, "/Calibration/VIS_Cal_Coeff", 4096, &c, &n, &cols));
        if (cols != 3 || n / 3 <= ch) {
            free(c);
            SX_FAIL(SX_ERR_INPUT, "'%s': /Calibration/VIS_Cal_Coeff is not channels x 3 with a row for channel %d; "
                    "give --scale NAME=S,O", file, ch + 1);
        }
        /* rho = (c0 + c1 (s DN + o) + c2 (s DN + o)^2) / 100, expanded in DN */
        const double c0 = c[3 * ch] / 100, c1 = c[3 * ch + 1] / 100, c2 = c[3 * ch + 2] / 100;
        free(c);
        s2 = c2 * s * s;
        const double s1 = c1 * s + 2 * c2 * s * o, s0 = c0 + c1 * o + c2 * o * o;
        note_add(note, sizeof note, note[0] ? ", VIS_Cal_Coeff (%.6g %.6g %.6g)/100, channel %d" : "VIS_Cal_Coeff (%.6g %.6g %.6g)/100, channel %d",
                 c0 * 100, c1 * 100, c2 * 100, ch + 1);
        s = s1;
        o = s0;
    }
    if (agri_table(dset, tab, sizeof tab) && sx__rs_h5_exists(file, tab)) {
        SX_FAIL_IF(s2 != 0 || s != 1 || o != 0, SX_ERR_INPUT,
                   "'%s': %s has both scaling attributes and a %s table; give --scale NAME=S,O", file, dset, tab);
        memcpy(b->lut, tab, sizeof b->lut);
        snprintf(note, sizeof note, "%.96s[DN]", tab);
    }
    if (!note[0]) return SX_OK;
    double vr[MAX_ATTR], fill;
    int nvr, has_fill;
    SX_CHECK(sx__rs_h5_attr(file, dset, "valid_range", vr, MAX_ATTR, &nvr));
    SX_FAIL_IF(nvr && nvr != 2 && (nvr % 2 || nvr < 2 * (k + 1)), SX_ERR_INPUT,
               "'%s': valid_range of %s has %d values; expected 2 (or 2 per band); give --scale NAME=S,O", file, dset, nvr);
    if (nvr) {
        const int at = nvr == 2 ? 0 : 2 * k;
        b->has_valid = 1;
        b->valid_min = vr[at];
        b->valid_max = vr[at + 1];
    }
    SX_CHECK(per_band(file, dset, "FillValue", k, &fill, &has_fill));
    if (!has_fill) SX_CHECK(per_band(file, dset, "_FillValue", k, &fill, &has_fill));
    if (has_fill && !b->has_nodata) {
        b->has_nodata = 1;
        b->nodata = fill;
    }
    b->scale = s;
    b->offset = o;
    b->scale2 = s2;
    b->scale_source = SX_RS_SCALE_FY_HDF5;
    snprintf(b->scale_note, sizeof b->scale_note, "%s", note);
    *found = 1;
    return SX_OK;
}
