/*
 * gf3_sar.c — `rs sarcal` for Gaofen-3 (GF-3) SAR products: sigma0 from the
 * digital numbers and the product XML's calibration constant.
 *
 * A GF-3 product (CRESDA) is a directory of per-polarisation GeoTIFFs
 * (GF3_<station>_<mode>_..._<POL>_L<level>....tiff) beside one
 * <name>.meta.xml: product/satellite (GF3), productinfo/productType (SLC for
 * L1A complex data), imageinfo/width, height and QualifyValue/<POL> (the
 * largest amplitude before quantisation), processinfo/CalibrationConst/<POL>
 * (K, dB); polarisations the product lacks read NULL. The GF-3 product
 * manual's radiometric calibration (CRESDA; the formula SNAP's GF-3 reader,
 * s1tbx Gaofen3ProductReader, applies) is
 *     sigma0_dB = 10 log10( P (QualifyValue / N)^2 ) - K
 * with P = I^2 + Q^2 and N = 32767 for L1A SLC (signed 16-bit I/Q) and
 * P = DN^2 and N = 65535 for detected L1B/L2 amplitude (unsigned 16-bit):
 * the product stores amplitude scaled so that QualifyValue maps onto the
 * largest integer of its type. Linear sigma0 = P (QualifyValue/N)^2 / 10^(K/10).
 * DN 0 (fill) is nodata. L2 products keep their geotransform and CRS; L1A
 * is written in image geometry (its RPCs are not carried). Only sigma0 is
 * defined by K; there is no noise annotation. Each cell depends only on its
 * own DN: identical at any rank count.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <cpl_minixml.h>
#include <gdal.h>

#include "rs/rs_internal.h"
#include "rs/sar_internal.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_perf.h"
#include "sanxiang/sx_rs_sar.h"
#include "sanxiang/sx_strbuf.h"

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcasecmp(s + n - m, suffix);
}

/* The only *.meta.xml in directory dir into meta; 0 if none (or several). */
static int meta_in(const char *dir, char *meta, size_t len)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (ends_with(e->d_name, ".meta.xml") && n++ == 0) snprintf(meta, len, "%.2000s/%.1000s", dir, e->d_name);
    closedir(d);
    return n == 1;
}

int sx_gf3_find(const char *path, char *meta, size_t len)
{
    struct stat st;
    if (stat(path, &st)) return 0;
    int found = 0;
    if (S_ISREG(st.st_mode) && ends_with(path, ".meta.xml")) {
        snprintf(meta, len, "%s", path);
        found = 1;
    } else if (S_ISDIR(st.st_mode)) {
        found = meta_in(path, meta, len);
    } else if (S_ISREG(st.st_mode)) {
        char dir[SX_PATH_MAX];
        snprintf(dir, sizeof dir, "%s", path);
        char *slash = strrchr(dir, '/');
        if (slash) *slash = 0;
        found = meta_in(slash ? dir : ".", meta, len);
    }
    if (!found) return 0;
    CPLXMLNode *t = CPLParseXMLFile(meta);
    const char *sat = t ? CPLGetXMLValue(t, "=product.satellite", "") : "";
    found = !strncasecmp(sat, "GF3", 3) || !strncasecmp(sat, "GF-3", 4);
    if (t) CPLDestroyXMLNode(t);
    return found;
}

static const char *const pols[] = {"HH", "HV", "VH", "VV"};

/* The number under key of the product XML, refusing NULL and missing values. */
static sx_err number(CPLXMLNode *t, const char *meta, const char *key, double *v)
{
    char path[96];
    snprintf(path, sizeof path, "=product.%s", key);
    const char *s = CPLGetXMLValue(t, path, NULL);
    char *end = NULL;
    *v = s ? strtod(s, &end) : NAN;
    SX_FAIL_IF(!s || end == s || !isfinite(*v), SX_ERR_INPUT, "%s has no number in <%s> (%s): not a complete GF-3 "
               "product XML", meta, key, s ? s : "missing");
    return SX_OK;
}

typedef struct {
    char pol[3], image[SX_PATH_MAX], type[16], level[16];
    double q, k, n; /* QualifyValue, CalibrationConst (dB), the quantisation maximum */
    int slc;
    int64_t width, height;
} gf3_t;

/* The image of polarisation pol: a .tif/.tiff beside meta with _POL_ in its name. */
static int image_of(const char *meta, const char *pol, char *out, size_t len)
{
    char dir[SX_PATH_MAX], key[8];
    snprintf(dir, sizeof dir, "%s", meta);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = 0;
    else snprintf(dir, sizeof dir, ".");
    snprintf(key, sizeof key, "_%s_", pol);
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        if ((ends_with(e->d_name, ".tif") || ends_with(e->d_name, ".tiff")) && strstr(e->d_name, key) && n++ == 0)
            snprintf(out, len, "%.2000s/%.1000s", dir, e->d_name);
    if (d) closedir(d);
    return n;
}

static sx_err gf3_open(const char *meta, const char *pol, gf3_t *g)
{
    memset(g, 0, sizeof *g);
    CPLXMLNode *t = CPLParseXMLFile(meta);
    SX_FAIL_IF(!t, SX_ERR_INPUT, "cannot read the GF-3 product XML %s (not XML?)", meta);
    /* polarisations with a QualifyValue (the others read NULL) */
    char have[16] = "";
    const char *only = NULL;
    int npol = 0;
    for (int q = 0; q < 4; q++) {
        char k[48];
        snprintf(k, sizeof k, "=product.imageinfo.QualifyValue.%s", pols[q]);
        const char *s = CPLGetXMLValue(t, k, NULL);
        char *end = NULL;
        if (s && strtod(s, &end) > 0 && end != s) {
            snprintf(have + strlen(have), sizeof have - strlen(have), " %s", pols[q]);
            only = pols[q];
            npol++;
        }
    }
    sx_err err = SX_OK;
    if (!npol)
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s has no QualifyValue for any polarisation (imageinfo/"
                         "QualifyValue/HH..VV): the product cannot be calibrated", meta);
    else if (pol && *pol) {
        only = NULL;
        for (int q = 0; q < 4; q++)
            if (!strcasecmp(pol, pols[q]) && strstr(have, pols[q])) only = pols[q];
        if (!only)
            err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "polarisation '%s' is not in %s: it has%s; give --pol one of "
                             "them", pol, meta, have);
    } else if (npol > 1) {
        err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "%s has the polarisations%s: give --pol one of them", meta, have);
    }
    char k[64];
    double w = 0, h = 0;
    if (!err) {
        snprintf(g->pol, sizeof g->pol, "%s", only);
        snprintf(k, sizeof k, "imageinfo.QualifyValue.%s", g->pol);
        err = number(t, meta, k, &g->q);
    }
    if (!err) {
        snprintf(k, sizeof k, "processinfo.CalibrationConst.%s", g->pol);
        err = number(t, meta, k, &g->k);
    }
    if (!err) err = number(t, meta, "imageinfo.width", &w);
    if (!err) err = number(t, meta, "imageinfo.height", &h);
    if (!err) {
        snprintf(g->type, sizeof g->type, "%s", CPLGetXMLValue(t, "=product.productinfo.productType", ""));
        snprintf(g->level, sizeof g->level, "%s", CPLGetXMLValue(t, "=product.productinfo.productLevel", ""));
        g->slc = !strcasecmp(g->type, "SLC");
        g->n = g->slc ? 32767 : 65535;
        g->width = (int64_t)w;
        g->height = (int64_t)h;
    }
    CPLDestroyXMLNode(t);
    SX_CHECK(err);
    int n = image_of(meta, g->pol, g->image, sizeof g->image);
    SX_FAIL_IF(n != 1, SX_ERR_INPUT, "%s image of %s beside %s (a .tiff with _%s_ in its name): %s", n ? "more than one"
               : "no", g->pol, meta, g->pol, n ? "keep one product per directory" : "the product is incomplete (unpack it again)");
    return SX_OK;
}

static sx_err provenance(const sx_s1_calibrate_opts_t *o, const char *meta, const gf3_t *g, const int64_t *w, char **out)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx__rs_json_extend(&sb, o->provenance);
    sx_strbuf_printf(&sb, "\"sar\":{\"quantity\":\"sigma0\",\"units\":\"%s\",\"polarisation\":\"%s\",\"noise_removed\":false,"
                     "\"window\":[%lld,%lld,%lld,%lld],\"mission\":\"GF3\",\"product_type\":", o->db ? "dB" : "linear",
                     g->pol, (long long)w[0], (long long)w[1], (long long)w[2], (long long)w[3]);
    sx_strbuf_json_string(&sb, g->type);
    sx_strbuf_printf(&sb, ",\"qualify_value\":%.17g,\"calibration_constant_db\":%.17g,\"quantisation_max\":%.0f,"
                     "\"formula\":\"sigma0_dB = 10 log10(P (QualifyValue / N)^2) - CalibrationConst\",\"product\":",
                     g->q, g->k, g->n);
    sx_strbuf_json_string(&sb, meta);
    sx_strbuf_puts(&sb, ",\"measurement\":");
    sx_strbuf_json_string(&sb, g->image);
    sx_strbuf_puts(&sb, "}}");
    if (sb.failed) {
        sx_strbuf_fini(&sb);
        SX_FAIL(SX_ERR_NOMEM, "cannot build the provenance record");
    }
    *out = sb.data;
    return SX_OK;
}

/* P = I^2 + Q^2 (complex, or two real bands I and Q of an SLC) or DN^2 of
 * line `line`, pixels x0 .. x0+nx-1, into p (buf: 2 nx doubles of scratch). */
static sx_err read_power(GDALDatasetH ds, int complex_band, int line, int x0, int nx, double *buf, double *p)
{
    GDALRasterBandH b1 = GDALGetRasterBand(ds, 1);
    if (complex_band) {
        if (GDALRasterIO(b1, GF_Read, x0, line, nx, 1, buf, nx, 1, GDT_CFloat64, 0, 0) != CE_None) return SX_ERR_INPUT;
        for (int i = 0; i < nx; i++) p[i] = buf[2 * i] * buf[2 * i] + buf[2 * i + 1] * buf[2 * i + 1];
        return SX_OK;
    }
    if (GDALRasterIO(b1, GF_Read, x0, line, nx, 1, p, nx, 1, GDT_Float64, 0, 0) != CE_None) return SX_ERR_INPUT;
    if (GDALGetRasterCount(ds) >= 2) { /* I and Q as two bands */
        if (GDALRasterIO(GDALGetRasterBand(ds, 2), GF_Read, x0, line, nx, 1, buf, nx, 1, GDT_Float64, 0, 0) != CE_None)
            return SX_ERR_INPUT;
        for (int i = 0; i < nx; i++) p[i] = p[i] * p[i] + buf[i] * buf[i];
    } else {
        for (int i = 0; i < nx; i++) p[i] *= p[i];
    }
    return SX_OK;
}

sx_err sx_gf3_calibrate_run(MPI_Comm comm, const sx_s1_calibrate_opts_t *o, const char *meta)
{
    gf3_t g;
    GDALDatasetH ds = NULL;
    sx_grid_t og = {0};
    sx_decomp_t d = {0};
    float *out = NULL;
    double *p = NULL, *buf = NULL;
    char *prov = NULL;
    sx_err err = gf3_open(meta, o->pol, &g);
    if (!err && o->quantity != SX_SAR_SIGMA0)
        err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "%s is a GF-3 product: its calibration constant gives sigma0 "
                         "only; drop --quantity", meta);
    if (!err && !(ds = GDALOpenEx(g.image, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL)))
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "cannot open the GF-3 image %s (%s)", g.image, sx_gdal_last_error());
    int cplx = 0;
    if (!err) {
        og.nx = GDALGetRasterXSize(ds);
        og.ny = GDALGetRasterYSize(ds);
        cplx = GDALDataTypeIsComplex(GDALGetRasterDataType(GDALGetRasterBand(ds, 1)));
        if (og.nx != g.width || og.ny != g.height)
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "GF-3 image %s is %lld x %lld pixels but %s says %lld x %lld: "
                             "the files are of different products", g.image, (long long)og.nx, (long long)og.ny, meta,
                             (long long)g.width, (long long)g.height);
        else if (g.slc != (cplx || GDALGetRasterCount(ds) >= 2))
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s says productType %s but its image %s is %s: the "
                             "files are of different products", meta, g.type[0] ? g.type : "(none)", g.image,
                             g.slc ? "not complex (one real band)" : "complex");
    }
    int64_t w[4] = {0, 0, 0, 0};
    if (!err) err = sx__sar_window(o->win, og.nx, og.ny, g.image, w);
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    double gt[6] = {0, 1, 0, 0, 0, 1};
    const char *wkt = GDALGetProjectionRef(ds);
    if (GDALGetGeoTransform(ds, gt) == CE_None) { /* L2: keep the grid, shifted to the window */
        gt[0] += (double)w[0] * gt[1] + (double)w[1] * gt[2];
        gt[3] += (double)w[0] * gt[4] + (double)w[1] * gt[5];
        if (wkt && *wkt) SX_CHECK_GOTO(sx_grid_set_wkt(&og, wkt), err, done);
    } else {
        gt[0] = (double)w[0];
        gt[3] = (double)w[1];
        gt[5] = 1;
    }
    memcpy(og.gt, gt, sizeof gt);
    og.nx = w[2];
    og.ny = w[3];
    og.dtype = SX_DT_FLOAT32;
    og.has_nodata = 1;
    og.nodata = NAN;
    int bx = 1, by = 1;
    GDALGetBlockSize(GDALGetRasterBand(ds, 1), &bx, &by);
    og.block_x = bx;
    og.block_y = by;
    SX_CHECK_GOTO(sx_decomp_init(&d, comm, og.nx, og.ny, og.block_x, og.block_y), err, done);
    const sx_window_t own = d.own;
    out = malloc((size_t)(own.nx * own.ny + 1) * sizeof *out);
    p = malloc((size_t)(own.nx + 1) * sizeof *p);
    buf = malloc((size_t)(2 * own.nx + 1) * sizeof *buf);
    if (!out || !p || !buf) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory for a block of %lld cells",
                                             (long long)(own.nx * own.ny));
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    if (o->noise) sx_log_info("rs sarcal: GF-3 products have no noise annotation: thermal noise not removed");
    sx_log_info("rs sarcal: GF-3 %s %s (%s) sigma0: QualifyValue %.9g, CalibrationConst %.9g dB, N = %.0f", g.pol,
                g.type, g.level, g.q, g.k, g.n);
    const double qn = g.q / g.n, klin = pow(10.0, g.k / 10);
    for (int64_t j = 0; j < own.ny && !err; j++) {
        const int64_t line = w[1] + own.y0 + j, x0 = w[0] + own.x0;
        sx_perf_start("rs sarcal: read", SX_PERF_READ);
        if (read_power(ds, cplx, (int)line, (int)x0, (int)own.nx, buf, p) != SX_OK)
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "cannot read line %lld of %s: %s", (long long)line, g.image,
                             sx_gdal_last_error());
        sx_perf_stop("rs sarcal: read");
        float *row = out + j * own.nx;
        for (int64_t i = 0; i < own.nx && !err; i++) {
            const double v = p[i] * qn * qn; /* NaN DN stays NaN */
            row[i] = !(v > 0) ? NAN : (float)(o->db ? 10 * log10(v) - g.k : v / klin);
        }
    }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    SX_CHECK_GOTO(provenance(o, meta, &g, w, &prov), err, done);
    {
        char ln[96];
        snprintf(ln, sizeof ln, "GF-3 %s sigma0 backscatter", g.pol);
        sx_layer_out_t lo = {o->out_nc, o->out_cog, "sigma0", ln, o->db ? "dB" : "1", NULL, SX_DT_FLOAT32, NAN, "AVERAGE",
                             prov};
        err = sx_layer_write(comm, &og, own, out, own.nx, &lo);
    }
done:
    free(prov);
    free(out);
    free(p);
    free(buf);
    sx_decomp_fini(&d);
    sx_grid_fini(&og);
    if (ds) GDALClose(ds);
    return err;
}
