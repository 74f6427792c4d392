/*
 * water.c — water masks from MNDWI (Xu 2006) or NDWI (McFeeters 1996) with a
 * fixed threshold or Otsu's threshold.
 *
 * Otsu, N. (1979) A threshold selection method from gray-level histograms.
 * IEEE Trans. Syst. Man Cybern. 9(1):62-66, doi:10.1109/TSMC.1979.4310076:
 * choose the split of the histogram that maximises the between-class
 * variance w0 w1 (mu0 - mu1)^2. Here the histogram is global: the index
 * range (min/max of finite values, exact MPI reductions), then nbins integer
 * counts over that range summed across ranks (MPI_Allreduce on int64, exact),
 * so every rank computes the same threshold at any rank count. Binning and
 * the returned bin centre follow scikit-image's threshold_otsu, the reference
 * the test compares with (through an independent numpy implementation).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs/rs_internal.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_perf.h"

double sx_rs_otsu_threshold(const int64_t *hist, int nbins, double lo, double hi)
{
    const double w = (hi - lo) / nbins;
    double total = 0, sum_all = 0;
    for (int i = 0; i < nbins; i++) {
        total += (double)hist[i];
        sum_all += (double)hist[i] * (lo + (i + 0.5) * w);
    }
    double w0 = 0, s0 = 0, best = -1;
    int bi = 0;
    for (int i = 0; i < nbins - 1; i++) {
        w0 += (double)hist[i];
        s0 += (double)hist[i] * (lo + (i + 0.5) * w);
        double w1 = total - w0;
        if (w0 <= 0 || w1 <= 0) continue;
        double m0 = s0 / w0, m1 = (sum_all - s0) / w1;
        double v = w0 * w1 * (m0 - m1) * (m0 - m1);
        if (v > best) {
            best = v;
            bi = i;
        }
    }
    return lo + (bi + 0.5) * w;
}

static sx_err otsu_global(MPI_Comm comm, const float *v, int64_t n, int nbins, double *thr)
{
    double lo, hi;
    SX_CHECK(sx__rs_value_range(comm, v, n, &lo, &hi));
    SX_FAIL_IF(!(hi > lo), SX_ERR_INPUT,
               "the index has %s over the whole raster; Otsu needs two classes: give --threshold instead",
               isfinite(lo) ? "a single value" : "no valid cell");
    int64_t *h = calloc((size_t)nbins, sizeof *h), *g = calloc((size_t)nbins, sizeof *g);
    if (!h || !g) {
        free(h);
        free(g);
        SX_FAIL(SX_ERR_NOMEM, "cannot allocate a %d-bin histogram", nbins);
    }
    for (int64_t i = 0; i < n; i++) {
        if (!isfinite(v[i])) continue;
        int b = (int)(((double)v[i] - lo) / (hi - lo) * nbins);
        h[b < nbins ? b : nbins - 1]++;
    }
    int rc = MPI_Allreduce(h, g, nbins, MPI_INT64_T, MPI_SUM, comm);
    if (rc == MPI_SUCCESS) *thr = sx_rs_otsu_threshold(g, nbins, lo, hi);
    free(h);
    free(g);
    SX_CHECK_MPI(rc);
    return SX_OK;
}

sx_err sx_rs_water_run(MPI_Comm comm, const sx_rs_water_opts_t *o)
{
    const sx_rs_index_t *ix;
    SX_CHECK(sx_rs_index_find(o->index, &ix));
    SX_FAIL_IF(strcmp(ix->name, "mndwi") && strcmp(ix->name, "ndwi"), SX_ERR_USAGE,
               "water needs --index mndwi (Xu: green, swir1) or ndwi (McFeeters: green, nir), got '%s'", o->index);
    sx_rs_index_expr_t *ie = malloc(sizeof *ie);
    SX_FAIL_IF(!ie, SX_ERR_NOMEM, "cannot allocate an index expression");
    sx_err e0 = sx_rs_index_expr(ix, o->bands, o->nbands, NULL, 0, ie);
    if (e0) free(ie);
    SX_CHECK(e0);
    const int nbins = o->bins > 1 ? o->bins : 256;
    sx_grid_t g = {0};
    sx_decomp_t d = {0};
    void *res = NULL;
    char *prov = NULL;
    uint8_t *mask = NULL;
    sx_err err = sx__rs_eval(comm, o->bands, o->nbands, ie->expr, 0, &g, &d, &res);
    if (err) free(ie);
    SX_CHECK(err);
    const float *v = res;
    const int64_t n = sx_window_cells(d.own);
    double thr = o->threshold;
    if (o->otsu) {
        sx_perf_start("rs water: otsu", SX_PERF_COMM);
        err = otsu_global(comm, v, n, nbins, &thr);
        sx_perf_stop("rs water: otsu");
        err = sx_err_agree(comm, err);
        if (!err) sx_log_info("rs water: Otsu threshold of %s = %.9g (%d bins)", ix->name, thr, nbins);
    }
    if (!err && !(mask = malloc((size_t)n + 1))) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the mask");
    err = sx_err_agree(comm, err);
    if (!err) {
        for (int64_t i = 0; i < n; i++) mask[i] = isnan(v[i]) ? 255 : (uint8_t)(v[i] > thr);
        char expr[sizeof ie->expr + 64];
        snprintf(expr, sizeof expr, "%s > %.17g%s", ie->expr, thr, o->otsu ? " (Otsu 1979)" : "");
        err = sx_rs_provenance(o->provenance, expr, o->bands, o->nbands, &prov);
    }
    if (!err) {
        char ln[160];
        snprintf(ln, sizeof ln, "water (%s > %.9g): 1 water, 0 land", ix->name, thr);
        sx_layer_out_t lo = {o->out_nc, o->out_cog, "water", ln, "1", NULL, SX_DT_UINT8, 255, "NEAREST", prov};
        err = sx_layer_write(comm, &g, d.own, mask, d.own.nx, &lo);
    }
    if (!err && o->out_gpkg) err = sx_rs_polygonize(comm, o->out_cog ? o->out_cog : o->out_nc, o->out_gpkg, "water");
    if (!err && o->threshold_used) *o->threshold_used = thr;
    free(prov);
    free(mask);
    free(res);
    free(ie);
    sx_decomp_fini(&d);
    sx_grid_fini(&g);
    return err;
}
