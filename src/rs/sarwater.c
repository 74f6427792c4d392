/*
 * sarwater.c — `rs sarwater`: water from SAR backscatter with a fixed,
 * Otsu or split-based threshold.
 *
 * The backscatter (dB, or linear power turned into dB) is evaluated over
 * each rank's block by the band-math engine (calc.c). The range of finite
 * values is reduced exactly (min/max), then each rank counts its cells into
 * integer histograms over that range, one per tile of the split grid, and
 * the counts are summed across ranks (MPI_Allreduce on int64: exact): every
 * rank then holds the same tile histograms and derives the same threshold.
 * Tile statistics (Otsu split, class means, separability) come
 * from the histograms with bin centres, as Otsu's threshold does. With a
 * HAND raster, water above --hand-max metres of the nearest drainage is
 * turned to land afterwards. Formulas and references in sx_rs_sar.h.
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
#include "sanxiang/sx_rs_sar.h"

/* Otsu's split of hist: its threshold, separability eta = between-class /
 * total variance (Otsu 1979, eq. 12) and the smaller class's share. */
typedef struct {
    double thr, eta, minor;
    int64_t n;
} split_t;

static split_t split_of(const int64_t *h, int nbins, double lo, double hi)
{
    split_t s = {NAN, 0, 0, 0};
    for (int i = 0; i < nbins; i++) s.n += h[i];
    if (s.n < 2) return s;
    s.thr = sx_rs_otsu_threshold(h, nbins, lo, hi);
    const double w = (hi - lo) / nbins;
    const int bi = (int)lround((s.thr - lo) / w - 0.5);
    double n0 = 0, m0 = 0, n1 = 0, m1 = 0;
    for (int i = 0; i < nbins; i++) {
        double c = lo + (i + 0.5) * w;
        if (i <= bi) n0 += (double)h[i], m0 += (double)h[i] * c;
        else n1 += (double)h[i], m1 += (double)h[i] * c;
    }
    if (n0 <= 0 || n1 <= 0) return s;
    const double m = (m0 + m1) / (double)s.n;
    m0 /= n0;
    m1 /= n1;
    double vt = 0;
    for (int i = 0; i < nbins; i++) {
        double c = lo + (i + 0.5) * w;
        vt += (double)h[i] * (c - m) * (c - m);
    }
    const double vb = n0 * n1 * (m0 - m1) * (m0 - m1) / ((double)s.n * (double)s.n);
    s.eta = vt > 0 ? vb / (vt / (double)s.n) : 0;
    s.minor = (n0 < n1 ? n0 : n1) / (double)s.n;
    return s;
}

/* The threshold by o->method from the values v of this rank's block own. */
static sx_err threshold(MPI_Comm comm, const sx_rs_sarwater_opts_t *o, const sx_grid_t *g, sx_window_t own, const float *v,
                        double *thr, int *used, int *ntiles_out, char *how, size_t howlen)
{
    const int64_t n = sx_window_cells(own);
    double lo, hi;
    SX_CHECK(sx__rs_value_range(comm, v, n, &lo, &hi));
    SX_FAIL_IF(!(hi > lo), SX_ERR_INPUT, "the backscatter has %s over the whole raster; a threshold needs two classes: "
               "give --threshold DB", isfinite(lo) ? "a single value" : "no valid cell");
    const int nb = o->bins > 1 ? o->bins : 256;
    const int T = o->method == SX_SARWATER_SPLIT ? o->tile : (int)(g->nx > g->ny ? g->nx : g->ny);
    const int64_t tx = (g->nx + T - 1) / T, ty = (g->ny + T - 1) / T, nt = tx * ty;
    SX_FAIL_IF(nt * nb > (INT64_C(1) << 24), SX_ERR_USAGE, "%lld tiles x %d bins is too many histograms: give a larger "
               "--tile (now %d) or fewer --bins", (long long)nt, nb, T);
    int64_t *h = calloc((size_t)(nt * nb), sizeof *h), *gh = calloc((size_t)(nt * nb), sizeof *gh);
    if (!h || !gh) {
        free(h);
        free(gh);
        SX_FAIL(SX_ERR_NOMEM, "cannot allocate %lld histograms", (long long)nt);
    }
    for (int64_t j = 0; j < own.ny; j++)
        for (int64_t i = 0; i < own.nx; i++) {
            double x = v[j * own.nx + i];
            if (!isfinite(x)) continue;
            int b = (int)((x - lo) / (hi - lo) * nb);
            int64_t t = ((own.y0 + j) / T) * tx + (own.x0 + i) / T;
            h[t * nb + (b < nb ? b : nb - 1)]++;
        }
    int rc = MPI_Allreduce(h, gh, (int)(nt * nb), MPI_INT64_T, MPI_SUM, comm);
    sx_err err = rc == MPI_SUCCESS ? SX_OK : sx_err_set(SX_ERR_MPI, SX__FILE, __LINE__, "MPI_Allreduce failed (%d)", rc);
    /* pooled histogram of the tiles that count (all of them for OTSU) */
    memset(h, 0, (size_t)nb * sizeof *h);
    *used = 0;
    *ntiles_out = (int)nt;
    for (int64_t t = 0; t < nt && !err; t++) {
        int take = 1;
        if (o->method == SX_SARWATER_SPLIT) {
            split_t s = split_of(gh + t * nb, nb, lo, hi);
            int64_t tw = (t % tx + 1) * T > g->nx ? g->nx - (t % tx) * T : T;
            int64_t th = (t / tx + 1) * T > g->ny ? g->ny - (t / tx) * T : T;
            take = s.n * 2 >= tw * th && s.eta >= o->min_eta && s.minor >= 0.1;
        }
        if (!take) continue;
        (*used)++;
        for (int b = 0; b < nb; b++) h[b] += gh[t * nb + b];
    }
    if (!err) {
        split_t s = split_of(h, nb, lo, hi);
        if (o->method == SX_SARWATER_SPLIT && !*used)
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "none of the %lld tiles of %d x %d cells has a bimodal "
                             "histogram (Otsu's separability >= %g, each class >= 10%%): no water/land contrast to "
                             "threshold; give --threshold DB (about -18 dB for calm water in C-band VV) or a smaller --tile",
                             (long long)nt, T, T, o->min_eta);
        else if (o->method == SX_SARWATER_OTSU && !(s.eta >= o->min_eta))
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "the backscatter histogram is not bimodal (Otsu's "
                             "separability %.3g < %g): Otsu would split one class in two; give --threshold DB or use "
                             "--method split", s.eta, o->min_eta);
        else {
            *thr = s.thr;
            if (o->method == SX_SARWATER_SPLIT)
                snprintf(how, howlen, "split-based, Otsu over %d of %lld bimodal tiles of %d cells, separability %.3g",
                         *used, (long long)nt, T, s.eta);
            else
                snprintf(how, howlen, "Otsu 1979, separability %.3g", s.eta);
        }
    }
    free(h);
    free(gh);
    return err;
}

/* Water cells of mask (this rank's block of d) where HAND > o->hand_max
 * become land; *removed is the count over all ranks. HAND is read as a band
 * beside the backscatter (the same grid, the same decomposition). */
static sx_err hand_mask(MPI_Comm comm, const sx_rs_sarwater_opts_t *o, const sx_rs_band_t *bands, int nb,
                        const sx_decomp_t *d, uint8_t *mask, int64_t *removed)
{
    sx_rs_band_t b[3];
    memcpy(b, bands, (size_t)nb * sizeof *b);
    b[nb] = (sx_rs_band_t){0};
    b[nb].name = "hand";
    b[nb].path = o->hand;
    b[nb].band = 1;
    b[nb].scale = 1;
    sx_grid_t g = {0};
    sx_decomp_t hd = {0};
    void *res = NULL;
    /* 0 * sar ties the HAND band to the backscatter's grid check and decomposition */
    SX_CHECK(sx__rs_eval(comm, b, nb + 1, "hand + 0 * sar", 0, &g, &hd, &res));
    sx_err err = hd.own.x0 == d->own.x0 && hd.own.y0 == d->own.y0 && hd.own.nx == d->own.nx && hd.own.ny == d->own.ny
                     ? SX_OK
                     : sx_err_set(SX_ERR_INTERNAL, SX__FILE, __LINE__, "HAND and backscatter blocks differ");
    const float *h = res;
    int64_t cnt = 0;
    for (int64_t i = 0; !err && i < sx_window_cells(d->own); i++)
        if (mask[i] == 1 && h[i] > o->hand_max) { /* NaN compares false: no HAND, class kept */
            mask[i] = 0;
            cnt++;
        }
    if (!err && MPI_Allreduce(&cnt, removed, 1, MPI_INT64_T, MPI_SUM, comm) != MPI_SUCCESS)
        err = sx_err_set(SX_ERR_MPI, SX__FILE, __LINE__, "MPI_Allreduce of the HAND count failed");
    free(res);
    sx_decomp_fini(&hd);
    sx_grid_fini(&g);
    SX_CHECK(sx_err_agree(comm, err));
    sx_log_info("rs sarwater: %lld water cells with HAND > %g m (%s) set to land", (long long)*removed, o->hand_max,
                o->hand);
    return SX_OK;
}

sx_err sx_rs_sarwater_run(MPI_Comm comm, const sx_rs_sarwater_opts_t *o)
{
    sx_grid_t g = {0};
    sx_decomp_t d = {0};
    void *res = NULL;
    char *prov = NULL;
    uint8_t *mask = NULL;
    /* 10 log10(x) = 10 / ln(10) * ln(x); the log-ratio of two dates is the difference of their dB */
    const char *expr = o->before ? (o->linear ? "4.3429448190325182 * log(sar / before)" : "sar - before")
                                 : (o->linear ? "4.3429448190325182 * log(sar)" : "sar");
    sx_rs_band_t two[2];
    two[0] = *o->band;
    if (o->before) two[1] = *o->before;
    SX_CHECK(sx__rs_eval(comm, two, o->before ? 2 : 1, expr, 0, &g, &d, &res));
    const float *v = res;
    const int64_t n = sx_window_cells(d.own);
    double thr = o->threshold;
    int used = 0, ntiles = 0;
    char how[160] = "fixed";
    sx_err err = SX_OK;
    if (o->method != SX_SARWATER_FIXED) {
        sx_perf_start("rs sarwater: threshold", SX_PERF_COMM);
        err = threshold(comm, o, &g, d.own, v, &thr, &used, &ntiles, how, sizeof how);
        sx_perf_stop("rs sarwater: threshold");
        err = sx_err_agree(comm, err);
        if (!err) sx_log_info("rs sarwater: threshold %.9g dB (%s)", thr, how);
    }
    if (!err && !(mask = malloc((size_t)n + 1))) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the mask");
    err = sx_err_agree(comm, err);
    int64_t removed = 0;
    if (!err) {
        for (int64_t i = 0; i < n; i++) mask[i] = isnan(v[i]) ? 255 : (uint8_t)(v[i] < thr);
        if (o->hand) err = hand_mask(comm, o, two, o->before ? 2 : 1, &d, mask, &removed);
    }
    if (!err) {
        char what[400];
        int k = snprintf(what, sizeof what, "%s < %.17g dB (%s)", expr, thr, how);
        if (o->hand)
            snprintf(what + k, sizeof what - (size_t)k, "; not where HAND > %.17g m (%s; Twele et al. 2016, "
                     "doi:10.1080/01431161.2016.1192304)", o->hand_max, o->hand);
        err = sx_rs_provenance(o->provenance, what, two, o->before ? 2 : 1, &prov);
    }
    if (!err) {
        char ln[96];
        if (o->before) snprintf(ln, sizeof ln, "flood (log-ratio after/before < %.6g dB): 1 flood, 0 not", thr);
        else snprintf(ln, sizeof ln, "water (backscatter < %.6g dB): 1 water, 0 land", thr);
        sx_layer_out_t lo = {o->out_nc, o->out_cog, o->before ? "flood" : "water", ln, "1", NULL, SX_DT_UINT8, 255,
                             "NEAREST", prov};
        err = sx_layer_write(comm, &g, d.own, mask, d.own.nx, &lo);
    }
    if (!err && o->out_gpkg)
        err = sx_rs_polygonize(comm, o->out_cog ? o->out_cog : o->out_nc, o->out_gpkg, o->before ? "flood" : "water");
    if (!err && o->threshold_used) *o->threshold_used = thr;
    if (!err && o->tiles_used) *o->tiles_used = used;
    if (!err && o->hand_removed) *o->hand_removed = removed;
    free(prov);
    free(mask);
    free(res);
    sx_decomp_fini(&d);
    sx_grid_fini(&g);
    return err;
}
