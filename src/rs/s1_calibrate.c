/*
 * s1_calibrate.c — `rs sarcal`: Sentinel-1 GRD digital numbers to sigma0,
 * beta0 or gamma0, thermal noise removed, linear or dB (a GF-3 product is
 * handed to gf3_sar.c).
 *
 * Every rank reads the product's manifest and annotations (small XML files:
 * the same result everywhere), checks the measurement against the
 * annotation's image size, and calibrates its block of the window asked for
 * row by row: the LUT of the quantity and the noise are interpolated at each
 * pixel (s1_lut.c) and
 *     value = max(DN^2 - eta, 0) / A^2
 * (ESA-EOPG-CSCOP-TN-0002; MPC-0392 for eta = range noise x azimuth noise).
 * DN 0 is the GRD border fill and becomes nodata, as does 0 in dB. The output
 * is in image geometry: column = pixel (sample), row = line, no CRS (the
 * geotransform is the identity shifted to the window), Float32, NaN nodata;
 * the COG carries the annotation's geolocation grid as GCPs (s1_geoloc.c,
 * shifted to the window), which `rs warp` geocodes.
 * Each cell depends only on its own DN and position: identical at any rank
 * count.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cpl_conv.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include "rs/rs_internal.h"
#include "rs/sar_internal.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_perf.h"
#include "sanxiang/sx_rs_sar.h"
#include "sanxiang/sx_strbuf.h"

static const char *const qname[] = {"sigma0", "beta0", "gamma0"};

/* The geolocation grid as GCPs of the window w (pixel - x0, line - y0) in
 * WGS 84 (x = longitude), for the COG; arrays in *buf (5 x n, freed by the caller). */
static sx_err window_gcps(const sx_s1_product_t *p, const int64_t *w, sx_cog_gcps_t *c, double **buf, char **wkt)
{
    sx_s1_geoloc_t g;
    SX_CHECK(sx_s1_geolocation(p->annotation, &g));
    double *b = malloc((size_t)g.n * 5 * sizeof *b);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    sx_err err = b && srs ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory for %d GCPs", g.n);
    if (!err && (OSRImportFromEPSG(srs, 4326) != OGRERR_NONE || OSRExportToWkt(srs, wkt) != OGRERR_NONE))
        err = sx_err_set(SX_ERR_CRS, SX__FILE, __LINE__, "GDAL does not know EPSG:4326 (WGS 84): check its proj.db");
    if (!err) {
        for (int i = 0; i < g.n; i++) {
            b[i] = g.pixel[i] - (double)w[0];
            b[g.n + i] = g.line[i] - (double)w[1];
        }
        memcpy(b + 2 * g.n, g.lon, (size_t)g.n * 3 * sizeof *b); /* lon, lat, height: contiguous in g */
        *c = (sx_cog_gcps_t){g.n, b, b + g.n, b + 2 * g.n, b + 3 * g.n, b + 4 * g.n, *wkt};
        *buf = b;
        b = NULL;
    }
    free(b);
    if (srs) OSRDestroySpatialReference(srs);
    sx_s1_geoloc_fini(&g);
    return err;
}

/* The provenance record: base JSON with a "sar" object. */
static sx_err provenance(const sx_s1_calibrate_opts_t *o, const sx_s1_product_t *p, int noise, const int64_t *w,
                         char **out)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx__rs_json_extend(&sb, o->provenance);
    sx_strbuf_printf(&sb, "\"sar\":{\"quantity\":\"%s\",\"units\":\"%s\",\"polarisation\":\"%s\",\"noise_removed\":%s,"
                     "\"window\":[%lld,%lld,%lld,%lld],\"product\":", qname[o->quantity], o->db ? "dB" : "linear", p->pol,
                     noise ? "true" : "false", (long long)w[0], (long long)w[1], (long long)w[2], (long long)w[3]);
    sx_strbuf_json_string(&sb, p->safe);
    sx_strbuf_puts(&sb, ",\"calibration\":");
    sx_strbuf_json_string(&sb, p->calibration);
    sx_strbuf_puts(&sb, ",\"noise\":");
    sx_strbuf_json_string(&sb, noise ? p->noise : "");
    sx_strbuf_puts(&sb, ",\"measurement\":");
    sx_strbuf_json_string(&sb, p->measurement);
    sx_strbuf_printf(&sb, ",\"mission\":\"%s\",\"mode\":\"%s\",\"start\":\"%s\"}}", p->mission, p->mode, p->start);
    if (sb.failed) {
        sx_strbuf_fini(&sb);
        SX_FAIL(SX_ERR_NOMEM, "cannot build the provenance record");
    }
    *out = sb.data;
    return SX_OK;
}

sx_err sx_s1_calibrate_run(MPI_Comm comm, const sx_s1_calibrate_opts_t *o)
{
    char meta[SX_PATH_MAX];
    if (sx_gf3_find(o->product, meta, sizeof meta)) return sx_gf3_calibrate_run(comm, o, meta);
    sx_s1_product_t *p = calloc(1, sizeof *p);
    sx_sar_lut_t cal = {0}, noise = {0};
    sx_s1_noise_az_t az = {0};
    GDALDatasetH ds = NULL;
    sx_grid_t og = {0};
    sx_decomp_t d = {0};
    float *out = NULL;
    double *dn = NULL, *a = NULL, *eta = NULL;
    char *prov = NULL, *gcp_wkt = NULL;
    double *gcp_buf = NULL;
    sx_cog_gcps_t gcps = {0};
    sx_err err = p ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    if (!err) err = sx_s1_product_open(o->product, o->pol, p);
    if (!err && !p->measurement[0])
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s/manifest.safe lists no measurement for %s", p->safe, p->pol);
    if (!err) err = sx_s1_calibration_lut(p->calibration, p->pol, o->quantity, &cal);
    const int use_noise = o->noise && p && p->noise[0];
    if (!err && use_noise) err = sx_s1_noise_luts(p->noise, p->pol, &noise, &az);
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    if (o->noise && !use_noise) sx_log_warn("rs sarcal: %s has no noise annotation: thermal noise not removed", p->safe);
    /* The measurement has GCPs, not a geotransform: read it through GDAL directly. */
    ds = GDALOpenEx(p->measurement, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds)
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "cannot open the measurement %s (%s): the product is incomplete "
                         "(unzip it again)", p->measurement, sx_gdal_last_error());
    sx_grid_t mg = {0};
    if (!err) {
        mg.nx = GDALGetRasterXSize(ds);
        mg.ny = GDALGetRasterYSize(ds);
        int bx = 1, by = 1;
        GDALGetBlockSize(GDALGetRasterBand(ds, 1), &bx, &by);
        mg.block_x = bx;
        mg.block_y = by;
    }
    if (!err && (mg.nx != p->samples || mg.ny != p->lines))
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "measurement %s is %lld x %lld pixels but its annotation %s says "
                         "%lld x %lld: the files are of different products", p->measurement, (long long)mg.nx,
                         (long long)mg.ny, p->annotation, (long long)p->samples, (long long)p->lines);
    int64_t w[4] = {0, 0, 0, 0};
    if (!err) err = sx__sar_window(o->win, mg.nx, mg.ny, p->measurement, w);
    if (!err) err = window_gcps(p, w, &gcps, &gcp_buf, &gcp_wkt);
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    og.nx = w[2];
    og.ny = w[3];
    double gt[6] = {(double)w[0], 1, 0, (double)w[1], 0, 1};
    memcpy(og.gt, gt, sizeof gt);
    og.dtype = SX_DT_FLOAT32;
    og.has_nodata = 1;
    og.nodata = NAN;
    og.block_x = mg.block_x;
    og.block_y = mg.block_y;
    SX_CHECK_GOTO(sx_decomp_init(&d, comm, og.nx, og.ny, og.block_x, og.block_y), err, done);
    const sx_window_t own = d.own;
    out = malloc((size_t)(own.nx * own.ny + 1) * sizeof *out);
    dn = malloc((size_t)(own.nx + 1) * sizeof *dn);
    a = malloc((size_t)(own.nx + 1) * sizeof *a);
    eta = malloc((size_t)(own.nx + 1) * sizeof *eta);
    if (!out || !dn || !a || !eta) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory for a block of %lld cells",
                                                    (long long)(own.nx * own.ny));
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    sx_log_info("rs sarcal: %s %s %s of %s lines %lld..%lld, pixels %lld..%lld%s", p->mission, p->pol, qname[o->quantity],
                p->safe, (long long)w[1], (long long)(w[1] + w[3] - 1), (long long)w[0], (long long)(w[0] + w[2] - 1),
                use_noise ? ", thermal noise removed" : "");
    for (int64_t j = 0; j < own.ny && !err; j++) {
        const int64_t line = w[1] + own.y0 + j, x0 = w[0] + own.x0;
        sx_perf_start("rs sarcal: read", SX_PERF_READ);
        if (GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Read, (int)x0, (int)line, (int)own.nx, 1, dn, (int)own.nx, 1,
                         GDT_Float64, 0, 0) != CE_None)
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "cannot read line %lld of %s: %s", (long long)line,
                             p->measurement, sx_gdal_last_error());
        sx_perf_stop("rs sarcal: read");
        if (err) break;
        sx_perf_start("rs sarcal: compute", SX_PERF_COMPUTE);
        sx_sar_lut_row(&cal, (double)line, x0, own.nx, a);
        if (use_noise) {
            sx_sar_lut_row(&noise, (double)line, x0, own.nx, eta);
            if (az.n)
                for (int64_t i = 0; i < own.nx; i++) eta[i] *= sx_s1_noise_az_at(&az, (double)line, (double)(x0 + i));
        }
        float *o_row = out + j * own.nx;
        for (int64_t i = 0; i < own.nx; i++) {
            double v = dn[i] * dn[i] - (use_noise ? eta[i] : 0);
            if (v < 0) v = 0;
            v /= a[i] * a[i];
            if (dn[i] == 0 || isnan(dn[i])) v = NAN;
            else if (o->db) v = v > 0 ? 10 * log10(v) : NAN;
            o_row[i] = (float)v;
        }
        sx_perf_stop("rs sarcal: compute");
    }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    SX_CHECK_GOTO(provenance(o, p, use_noise, w, &prov), err, done);
    {
        char ln[96];
        snprintf(ln, sizeof ln, "%s %s backscatter%s", p->pol, qname[o->quantity], use_noise ? ", thermal noise removed" : "");
        sx_layer_out_t lo = {o->out_nc, o->out_cog, qname[o->quantity], ln, o->db ? "dB" : "1", NULL, SX_DT_FLOAT32, NAN,
                             "AVERAGE", prov, &gcps};
        err = sx_layer_write(comm, &og, own, out, own.nx, &lo);
    }
done:
    free(prov);
    free(gcp_buf);
    CPLFree(gcp_wkt);
    free(out);
    free(dn);
    free(a);
    free(eta);
    sx_decomp_fini(&d);
    sx_grid_fini(&og);
    if (ds) GDALClose(ds);
    sx_sar_lut_fini(&cal);
    sx_sar_lut_fini(&noise);
    sx_s1_noise_az_fini(&az);
    free(p);
    return err;
}
