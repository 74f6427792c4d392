/*
 * gfcal.c — top-of-atmosphere reflectance of GF-1/2/6 (CRESDA) L1A bands
 * (sx_rs_gf_scale in sx_rs.h).
 *
 * A GF L1A product is <stem>.tiff plus <stem>.xml; the XML carries the
 * satellite (SatelliteID GF1/GF2/GF6), sensor (SensorID WFV1..4, PMS1/2,
 * PMS), the imaging time (CenterTime, StartTime or ReceiveTime) and the sun
 * (SolarZenith, or SolarElevation) but no radiometric gains: CRESDA
 * publishes absolute calibration coefficients per satellite, sensor, band
 * and year (L = gain * DN + offset). The user gives them in a CSV file
 * (satellite,sensor,year,band,gain,offset,esun; any column order, one
 * header line; '#' lines are comments). Then
 *   rho = pi L d^2 / (ESUN cos(theta_s))
 * (Chander, Markham & Helder 2009, Remote Sensing of Environment 113,
 * 893-903, doi:10.1016/j.rse.2009.01.007, eq. 3), with the Earth-Sun
 * distance d from Spencer (1971, "Fourier series representation of the
 * position of the Sun", Search 2(5), 172): 1/d^2 = 1.000110 + 0.034221
 * cos G + 0.001280 sin G + 0.000719 cos 2G + 0.000077 sin 2G,
 * G = 2 pi (doy - 1) / 365. rho is linear in DN, so it becomes the band's
 * scale and offset. The coefficients of the imaging year are required:
 * reusing another year's silently would hide sensor degradation.
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

double sx_rs_earth_sun_au(int doy)
{
    const double g = 2 * M_PI * (doy - 1) / 365.0;
    const double e0 = 1.000110 + 0.034221 * cos(g) + 0.001280 * sin(g) + 0.000719 * cos(2 * g) + 0.000077 * sin(2 * g);
    return 1 / sqrt(e0);
}

/* "GF-1" "gf1" -> "GF1" (letters upper-cased, '-' '_' ' ' dropped). */
static void norm_id(const char *in, char *out, size_t len)
{
    size_t j = 0;
    for (; *in && j + 1 < len; in++)
        if (*in != '-' && *in != '_' && !isspace((unsigned char)*in)) out[j++] = (char)toupper((unsigned char)*in);
    out[j] = 0;
}

/* "2015-06-01 03:12:34" -> year and day of year; 0 if not a date. */
static int parse_date(const char *t, int *year, int *doy)
{
    int y, m, d;
    if (!t || sscanf(t, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 || d > 31) return 0;
    static const int before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    const int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    *year = y;
    *doy = before[m - 1] + d + (leap && m > 2);
    return 1;
}

/* The product XML beside path: <path without extension>.xml, if readable. */
static int find_xml(const char *path, char *xml, size_t len)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t stem = dot ? (size_t)(dot - path) : strlen(path);
    if (stem + 5 > len) return 0;
    snprintf(xml, len, "%.*s.xml", (int)stem, path);
    FILE *f = fopen(xml, "r");
    if (!f) return 0;
    fclose(f);
    return 1;
}

typedef struct {
    char sat[16], sensor[16];
    int year, doy;
    double sunzen;
} gf_meta_t;

static const char *xml_value(CPLXMLNode *root, const char *name)
{
    for (CPLXMLNode *n = root; n; n = n->psNext) {
        CPLXMLNode *hit = CPLSearchXMLNode(n, name);
        if (hit) return CPLGetXMLValue(hit, NULL, NULL);
    }
    return NULL;
}

/* 1 and *m filled for a GF product XML, 0 for another XML, error if a GF
 * XML lacks what is needed. */
static sx_err read_meta(const char *xml, gf_meta_t *m, int *is_gf)
{
    *is_gf = 0;
    CPLXMLNode *root = CPLParseXMLFile(xml);
    if (!root) return SX_OK; /* not XML: not a GF product file */
    sx_err err = SX_OK;
    const char *sat = xml_value(root, "SatelliteID"), *sen = xml_value(root, "SensorID");
    char id[16] = "";
    if (sat) norm_id(sat, id, sizeof id);
    if (strncmp(id, "GF", 2)) goto done;
    *is_gf = 1;
    snprintf(m->sat, sizeof m->sat, "%s", id);
    norm_id(sen ? sen : "", m->sensor, sizeof m->sensor);
    static const char *const times[] = {"CenterTime", "StartTime", "ReceiveTime"};
    int ok = 0;
    for (int k = 0; k < 3 && !ok; k++) ok = parse_date(xml_value(root, times[k]), &m->year, &m->doy);
    double v;
    if (!m->sensor[0] || !ok) {
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                         "GF product metadata '%s' lacks %s; give --scale NAME=S,O for its bands", xml,
                         !m->sensor[0] ? "SensorID" : "an imaging date (CenterTime, StartTime or ReceiveTime YYYY-MM-DD)");
    } else if (sx_parse_double(xml_value(root, "SolarZenith"), &v) && v >= 0 && v < 90) {
        m->sunzen = v;
    } else if (sx_parse_double(xml_value(root, "SolarElevation"), &v) && v > 0 && v <= 90) {
        m->sunzen = 90 - v;
    } else {
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                         "GF product metadata '%s' has no usable SolarZenith or SolarElevation (sun above the horizon); "
                         "give --scale NAME=S,O for its bands", xml);
    }
done:
    CPLDestroyXMLNode(root);
    return err;
}

enum { C_SAT, C_SENSOR, C_YEAR, C_BAND, C_GAIN, C_OFFSET, C_ESUN, NCOL };
static const char *const col_names[NCOL] = {"satellite", "sensor", "year", "band", "gain", "offset", "esun"};

/* Split a CSV line in place into at most max fields (no quoting). */
static int split(char *line, char **f, int max)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = 0;
    for (char *p = line; n < max;) {
        while (isspace((unsigned char)*p)) p++;
        f[n++] = p;
        char *c = strchr(p, ',');
        char *e = c ? c : p + strlen(p);
        while (e > p && isspace((unsigned char)e[-1])) e--;
        *e = 0;
        if (!c) break;
        p = c + 1;
    }
    return n;
}

/* gain, offset, esun of the row for (sat, sensor, year, band). */
static sx_err lookup(const char *csv, const gf_meta_t *m, int band, double *gain, double *off, double *esun, int *line_no)
{
    FILE *f = fopen(csv, "r");
    SX_FAIL_IF(!f, SX_ERR_IO, "cannot open GF calibration coefficients '%s'; give --cal-coefs FILE.csv (see "
               "docs/remote-sensing.md)", csv);
    char line[1024];
    int col[NCOL], ln = 0, header = 0, hit = 0;
    sx_err err = SX_OK;
    while (!err && !hit && fgets(line, sizeof line, f)) {
        ln++;
        char *fld[32];
        if (line[0] == '#' || strspn(line, " \t\r\n") == strlen(line)) continue;
        const int n = split(line, fld, 32);
        if (!header) {
            for (int c = 0; c < NCOL; c++) {
                col[c] = -1;
                for (int k = 0; k < n; k++)
                    if (!strcasecmp(fld[k], col_names[c])) col[c] = k;
                if (col[c] < 0)
                    err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                                     "%s:%d: header has no column '%s'; the header is "
                                     "satellite,sensor,year,band,gain,offset,esun", csv, ln, col_names[c]);
            }
            header = 1;
            continue;
        }
        double v[NCOL];
        char sat[16], sen[16];
        for (int c = 0; c < NCOL && !err; c++) {
            if (col[c] >= n) err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s:%d: too few columns", csv, ln);
            else if (c >= C_YEAR && !sx_parse_double(fld[col[c]], &v[c]))
                err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s:%d: %s '%s' is not a number", csv, ln,
                                 col_names[c], fld[col[c]]);
        }
        if (err) break;
        norm_id(fld[col[C_SAT]], sat, sizeof sat);
        norm_id(fld[col[C_SENSOR]], sen, sizeof sen);
        if (strcmp(sat, m->sat) || strcmp(sen, m->sensor) || (int)v[C_YEAR] != m->year || (int)v[C_BAND] != band) continue;
        if (v[C_ESUN] <= 0 || v[C_GAIN] == 0)
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s:%d: gain must be non-zero and esun positive", csv, ln);
        *gain = v[C_GAIN];
        *off = v[C_OFFSET];
        *esun = v[C_ESUN];
        *line_no = ln;
        hit = 1;
    }
    fclose(f);
    SX_CHECK(err);
    SX_FAIL_IF(!header, SX_ERR_INPUT, "GF calibration coefficients '%s' is empty; the header is "
               "satellite,sensor,year,band,gain,offset,esun", csv);
    SX_FAIL_IF(!hit, SX_ERR_INPUT,
               "GF calibration coefficients '%s' have no row for %s %s band %d in %d (the imaging year); add it from "
               "CRESDA's published absolute calibration coefficients", csv, m->sat, m->sensor, band, m->year);
    return SX_OK;
}

sx_err sx_rs_gf_scale(sx_rs_band_t *b, const char *coefs, int *found)
{
    char xml[4096];
    gf_meta_t m = {0};
    int is_gf;
    *found = 0;
    if (!find_xml(b->path, xml, sizeof xml)) return SX_OK;
    SX_CHECK(read_meta(xml, &m, &is_gf));
    if (!is_gf) return SX_OK;
    SX_FAIL_IF(!coefs, SX_ERR_USAGE,
               "'%s' is a %s %s product, whose metadata carry no radiometric gains; give --cal-coefs FILE.csv "
               "(job key cal_coefficients) with CRESDA's coefficients, or --reflectance none",
               xml, m.sat, m.sensor);
    double gain = 0, off = 0, esun = 0;
    int ln = 0;
    SX_CHECK(lookup(coefs, &m, b->band, &gain, &off, &esun, &ln));
    const double d = sx_rs_earth_sun_au(m.doy);
    const double k = M_PI * d * d / (esun * cos(m.sunzen * M_PI / 180));
    b->scale = gain * k;
    b->offset = off * k;
    b->scale_source = SX_RS_SCALE_GF_CAL;
    const char *cb = strrchr(coefs, '/') ? strrchr(coefs, '/') + 1 : coefs;
    snprintf(b->scale_note, sizeof b->scale_note,
             "%s %s band %d %d: %s line %d gain %.8g offset %.8g ESUN %.8g, sun zenith %.6g, d %.8g AU (doy %d)", m.sat,
             m.sensor, b->band, m.year, cb, ln, gain, off, esun, m.sunzen, d, m.doy);
    *found = 1;
    return SX_OK;
}
