/*
 * fvc.c — fractional vegetation cover by the dimidiate pixel model.
 *
 * Gutman, G. & Ignatov, A. (1998) The derivation of the green vegetation
 * fraction from NOAA/AVHRR data for use in numerical weather prediction
 * models. Int. J. Remote Sens. 19(8):1533-1543, doi:10.1080/014311698215333:
 * a pixel is bare soil and full cover in the proportions that mix their NDVI,
 *   FVC = (NDVI - NDVI_soil) / (NDVI_veg - NDVI_soil), clipped to [0, 1].
 * NDVI_soil and NDVI_veg are, unless given, percentiles of the cumulative
 * histogram of the whole raster's NDVI (by default 5 % and 95 %, the usual
 * confidence interval of the Chinese FVC literature, e.g. Li Miaomiao et al.
 * 2004): the value at which the cumulative count first reaches p % of the
 * valid cells, i.e. the order statistic number ceil(p N / 100) (numpy's
 * percentile method "inverted_cdf", Hyndman & Fan 1996 definition 1). The
 * order statistics are selected exactly across ranks (select.c), so both
 * values and hence every FVC cell are the same at any rank count.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs/rs_internal.h"
#include "rs/series.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_perf.h"
#include "sanxiang/sx_rs_series.h"

/* 0-based rank of the inverted-CDF p-percentile among n sorted values */
static int64_t pct_rank(double p, int64_t n)
{
    int64_t k = (int64_t)ceil(p / 100.0 * (double)n) - 1;
    return k < 0 ? 0 : k >= n ? n - 1 : k;
}

/* NDVI_soil and NDVI_veg from the global histogram of the block's values v. */
static sx_err endmembers(MPI_Comm comm, const sx_rs_fvc_opts_t *o, const double *v, int64_t n, double *soil,
                         double *veg)
{
    int64_t valid = 0, total = 0;
    for (int64_t i = 0; i < n; i++) valid += !isnan(v[i]);
    SX_CHECK_MPI(MPI_Allreduce(&valid, &total, 1, MPI_INT64_T, MPI_SUM, comm));
    SX_FAIL_IF(total == 0, SX_ERR_INPUT, "'%s' has no valid NDVI cell; FVC needs some", o->ndvi);
    int64_t k[2] = {pct_rank(o->soil_percentile, total), pct_rank(o->veg_percentile, total)};
    double q[2];
    SX_CHECK(sx__rs_select(comm, v, n, k, 2, q));
    *soil = o->has_soil ? o->ndvi_soil : q[0];
    *veg = o->has_veg ? o->ndvi_veg : q[1];
    return SX_OK;
}

sx_err sx_rs_fvc_run(MPI_Comm comm, const sx_rs_fvc_opts_t *o)
{
    SX_FAIL_IF(!(o->soil_percentile >= 0 && o->soil_percentile < o->veg_percentile && o->veg_percentile <= 100),
               SX_ERR_USAGE, "the percentiles need 0 <= soil < veg <= 100, got %g and %g", o->soil_percentile,
               o->veg_percentile);
    sx_rs_band_t b = {.name = "ndvi", .path = o->ndvi, .band = o->band > 0 ? o->band : 1, .scale = 1,
                      .scale_source = SX_RS_SCALE_EXPLICIT, .has_nodata = o->has_nodata, .nodata = o->nodata};
    snprintf(b.scale_note, sizeof b.scale_note, "NDVI layer, not scaled");
    sx__rs_bandset_t bs = {0};
    sx_decomp_t d = {0};
    double *v = NULL;
    float *f = NULL;
    char *prov = NULL, expr[512];
    sx_err err;
    sx_perf_start("rs fvc: read", SX_PERF_READ);
    err = sx__rs_bandset_open(comm, &b, 1, NULL, &bs);
    sx_perf_stop("rs fvc: read");
    SX_CHECK(err);
    SX_CHECK_GOTO(sx_decomp_init(&d, comm, bs.frame.nx, bs.frame.ny, bs.frame.block_x, bs.frame.block_y), err, done);
    const int64_t n = sx_window_cells(d.own);
    v = malloc((size_t)(n + 1) * sizeof *v);
    f = malloc((size_t)(n + 1) * sizeof *f);
    err = v && f ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot hold the %lld-cell block", (long long)n);
    sx_perf_start("rs fvc: read", SX_PERF_READ);
    if (!err && n) err = sx__rs_bandset_read(&bs, 0, d.own, v);
    sx_perf_stop("rs fvc: read");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    double soil, veg;
    sx_perf_start("rs fvc: percentiles", SX_PERF_COMM);
    err = endmembers(comm, o, v, n, &soil, &veg);
    sx_perf_stop("rs fvc: percentiles");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    if (!(veg > soil)) {
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                         "'%s': NDVI_veg %.9g is not above NDVI_soil %.9g; give --ndvi-soil and --ndvi-veg, or other "
                         "percentiles", o->ndvi, veg, soil);
        goto done;
    }
    sx_log_info("rs fvc: NDVI_soil %.17g (%s), NDVI_veg %.17g (%s)", soil, o->has_soil ? "given" : "percentile", veg,
                o->has_veg ? "given" : "percentile");
    if (o->used) {
        o->used[0] = soil;
        o->used[1] = veg;
    }
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
        const double x = (v[i] - soil) / (veg - soil);
        f[i] = isnan(x) ? NAN : (float)(x < 0 ? 0 : x > 1 ? 1 : x);
    }
    snprintf(expr, sizeof expr,
             "fvc: dimidiate pixel model (Gutman & Ignatov 1998), (ndvi - %.17g) / (%.17g - %.17g) clipped to [0, 1]; "
             "NDVI_soil %s %.6g, NDVI_veg %s %.6g", soil, veg, soil, o->has_soil ? "given" : "percentile",
             o->has_soil ? soil : o->soil_percentile, o->has_veg ? "given" : "percentile",
             o->has_veg ? veg : o->veg_percentile);
    SX_CHECK_GOTO(sx_rs_provenance(o->provenance, expr, &b, 1, &prov), err, done);
    sx_layer_out_t lo = {o->out_nc, o->out_cog, "fvc", "fractional vegetation cover (0-1)", "1", NULL, SX_DT_FLOAT32,
                         NAN, "AVERAGE", prov};
    err = sx_layer_write(comm, &bs.frame, d.own, f, d.own.nx, &lo);
done:
    free(prov);
    free(f);
    free(v);
    sx_decomp_fini(&d);
    sx__rs_bandset_close(&bs);
    return err;
}
