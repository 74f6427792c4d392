/*
 * rsei.c — the Remote Sensing Ecological Index from its four component
 * layers: greenness (NDVI), wetness (tasseled-cap WET), dryness (NDBSI) and
 * heat (LST).
 *
 * Xu, H. (2013) A remote sensing urban ecological index and its application.
 * Acta Ecologica Sinica 33(24):7853-7862, doi:10.5846/stxb201208301223
 * (徐涵秋, 城市遥感生态指数的创建及其应用): each component is normalised to
 * [0, 1] by its minimum and maximum over the whole raster, the principal
 * components of the four normalised layers are taken (covariance matrix), and
 * RSEI is the first component rescaled to [0, 1]. Xu writes RSEI_0 = 1 - PC1
 * for a PC1 on which NDVI and WET load negatively, so that high RSEI is good
 * ecology; here the first eigenvector is oriented so that NDVI's loading is
 * positive and RSEI = (PC1 - min) / (max - min), which is the same map
 * (the constant 1 and a sign disappear in the rescaling).
 *
 * Exactness across ranks: minima and maxima reduce exactly; the means and the
 * 4 x 4 covariance are formed from exact sums (sx_xsum: superaccumulators
 * merged over ranks) of the normalised values and of the products of their
 * deviations from the means (two passes), so the matrix, hence the
 * eigenvectors (LAPACKE_dsyev on every rank, same input, same output) and
 * every RSEI cell, are bit-identical at any rank count. A cell enters only
 * where all four layers have data.
 */
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs/rs_internal.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_perf.h"
#include "sanxiang/sx_rs_series.h"
#include "sanxiang/sx_xsum.h"

#define K 4
static const char *const comp[K] = {"ndvi", "wet", "ndbsi", "lst"};

/* Global min and max of each component over the cells where all are valid. */
static sx_err ranges(MPI_Comm comm, double *const *v, int64_t n, double *lo, double *hi)
{
    double mn[K], mx[K];
    for (int k = 0; k < K; k++) {
        mn[k] = INFINITY;
        mx[k] = -INFINITY;
    }
    for (int64_t i = 0; i < n; i++) {
        if (isnan(v[0][i])) continue;
        for (int k = 0; k < K; k++) {
            if (v[k][i] < mn[k]) mn[k] = v[k][i];
            if (v[k][i] > mx[k]) mx[k] = v[k][i];
        }
    }
    SX_CHECK_MPI(MPI_Allreduce(mn, lo, K, MPI_DOUBLE, MPI_MIN, comm));
    SX_CHECK_MPI(MPI_Allreduce(mx, hi, K, MPI_DOUBLE, MPI_MAX, comm));
    return SX_OK;
}

/* Exact global means and covariance (ddof 1) of the normalised values. */
static sx_err covariance(MPI_Comm comm, double *const *v, int64_t n, double *mean, double *cov, int64_t *count)
{
    sx_xsum_t s[K + K * K];
    int64_t c = 0;
    for (int j = 0; j < K + K * K; j++) sx_xsum_init(&s[j]);
    for (int64_t i = 0; i < n; i++) {
        if (isnan(v[0][i])) continue;
        c++;
        for (int k = 0; k < K; k++) sx_xsum_add(&s[k], v[k][i]);
    }
    SX_CHECK_MPI(MPI_Allreduce(&c, count, 1, MPI_INT64_T, MPI_SUM, comm));
    SX_FAIL_IF(*count < 2, SX_ERR_INPUT, "RSEI needs at least 2 cells where all four layers have data, got %lld",
               (long long)*count);
    for (int k = 0; k < K; k++) {
        SX_CHECK(sx_xsum_allreduce(comm, &s[k]));
        mean[k] = sx_xsum_value(&s[k]) / (double)*count;
    }
    for (int64_t i = 0; i < n; i++) {
        if (isnan(v[0][i])) continue;
        for (int k = 0; k < K; k++)
            for (int l = k; l < K; l++) sx_xsum_add(&s[K + k * K + l], (v[k][i] - mean[k]) * (v[l][i] - mean[l]));
    }
    for (int k = 0; k < K; k++)
        for (int l = k; l < K; l++) {
            SX_CHECK(sx_xsum_allreduce(comm, &s[K + k * K + l]));
            cov[k * K + l] = cov[l * K + k] = sx_xsum_value(&s[K + k * K + l]) / (double)(*count - 1);
        }
    return SX_OK;
}

/* Eigenvalues (decreasing) and eigenvectors (rows of vec) of cov; each vector
 * oriented so that its NDVI loading is positive (its first non-zero one). */
static sx_err pca(const double *cov, double *val, double *vec)
{
    double a[K * K], w[K];
    memcpy(a, cov, sizeof a);
    lapack_int info = LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'V', 'U', K, a, K, w);
    SX_FAIL_IF(info != 0, SX_ERR_NUMERIC, "LAPACKE_dsyev failed (info %d) on the RSEI covariance matrix", (int)info);
    for (int c = 0; c < K; c++) { /* column K-1-c of a is the c-th largest */
        val[c] = w[K - 1 - c];
        for (int k = 0; k < K; k++) vec[c * K + k] = a[k * K + (K - 1 - c)];
        int k0 = 0;
        while (k0 < K - 1 && vec[c * K + k0] == 0) k0++;
        if (vec[c * K + k0] < 0)
            for (int k = 0; k < K; k++) vec[c * K + k] = -vec[c * K + k];
    }
    return SX_OK;
}

static sx_err write_loadings(const char *path, const double *val, const double *vec, const double *lo, const double *hi,
                             int64_t count)
{
    char text[4096];
    int len = snprintf(text, sizeof text, "component,eigenvalue,percent,ndvi,wet,ndbsi,lst\n");
    double tot = 0;
    for (int c = 0; c < K; c++) tot += val[c];
    for (int c = 0; c < K; c++)
        len += snprintf(text + len, sizeof text - (size_t)len, "PC%d,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", c + 1,
                        val[c], 100 * val[c] / tot, vec[c * K], vec[c * K + 1], vec[c * K + 2], vec[c * K + 3]);
    len += snprintf(text + len, sizeof text - (size_t)len, "min,,,%.17g,%.17g,%.17g,%.17g\nmax,,,%.17g,%.17g,%.17g,%.17g\n",
                    lo[0], lo[1], lo[2], lo[3], hi[0], hi[1], hi[2], hi[3]);
    snprintf(text + len, sizeof text - (size_t)len, "cells,%lld,,,,,\n", (long long)count);
    return sx_write_text_file(path, text);
}

sx_err sx_rs_rsei_run(MPI_Comm comm, const sx_rs_rsei_opts_t *o)
{
    sx_rs_band_t b[K];
    const char *paths[K] = {o->ndvi, o->wet, o->ndbsi, o->lst};
    for (int k = 0; k < K; k++) {
        SX_FAIL_IF(!paths[k], SX_ERR_USAGE, "RSEI needs the %s layer (--%s)", comp[k], comp[k]);
        b[k] = (sx_rs_band_t){.name = comp[k], .path = paths[k], .band = 1, .scale = 1,
                              .scale_source = SX_RS_SCALE_EXPLICIT, .has_nodata = o->has_nodata, .nodata = o->nodata};
        snprintf(b[k].scale_note, sizeof b[k].scale_note, "RSEI component, not scaled");
    }
    sx__rs_bandset_t bs = {0};
    sx_decomp_t d = {0};
    double *v[K] = {0}, *out = NULL;
    char *prov = NULL;
    sx_err err;
    sx_perf_start("rs rsei: read", SX_PERF_READ);
    err = sx__rs_bandset_open(comm, b, K, NULL, &bs);
    sx_perf_stop("rs rsei: read");
    SX_CHECK(err);
    SX_CHECK_GOTO(sx_decomp_init(&d, comm, bs.frame.nx, bs.frame.ny, bs.frame.block_x, bs.frame.block_y), err, done);
    const int64_t n = sx_window_cells(d.own);
    int nomem = !(out = malloc((size_t)(n + 1) * sizeof *out));
    for (int k = 0; k < K; k++) nomem |= !(v[k] = malloc((size_t)(n + 1) * sizeof *v[k]));
    err = nomem ? sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot hold 4 layers of the %lld-cell block", (long long)n)
                : SX_OK;
    sx_perf_start("rs rsei: read", SX_PERF_READ);
    for (int k = 0; k < K && !err && n; k++) err = sx__rs_bandset_read(&bs, k, d.own, v[k]);
    sx_perf_stop("rs rsei: read");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    for (int64_t i = 0; i < n; i++) /* a cell counts where all four have data: mark the rest in layer 0 */
        if (isnan(v[1][i]) || isnan(v[2][i]) || isnan(v[3][i])) v[0][i] = NAN;
    double lo[K], hi[K], mean[K], cov[K * K], val[K], vec[K * K];
    int64_t count = 0;
    sx_perf_start("rs rsei: pca", SX_PERF_COMM);
    err = ranges(comm, v, n, lo, hi);
    for (int k = 0; k < K && !err; k++)
        if (!(hi[k] > lo[k]))
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                             "the %s layer '%s' has %s where all four layers have data; RSEI needs its range", comp[k],
                             paths[k], isfinite(lo[k]) ? "a single value" : "no valid cell");
    for (int64_t i = 0; i < n && !err; i++)
        for (int k = 0; k < K; k++) v[k][i] = (v[k][i] - lo[k]) / (hi[k] - lo[k]);
    if (!err) err = covariance(comm, v, n, mean, cov, &count);
    if (!err) err = pca(cov, val, vec);
    sx_perf_stop("rs rsei: pca");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    sx_log_info("rs rsei: %lld cells; PC1 %.4g %% of the variance, loadings ndvi %.6f wet %.6f ndbsi %.6f lst %.6f",
                (long long)count, 100 * val[0] / (val[0] + val[1] + val[2] + val[3]), vec[0], vec[1], vec[2], vec[3]);
    double smin = INFINITY, smax = -INFINITY, gmin, gmax;
    for (int64_t i = 0; i < n; i++) {
        double s = NAN;
        if (!isnan(v[0][i])) {
            s = 0;
            for (int k = 0; k < K; k++) s += vec[k] * (v[k][i] - mean[k]);
            if (s < smin) smin = s;
            if (s > smax) smax = s;
        }
        out[i] = s;
    }
    double mm[2] = {-smin, smax}, g[2];
    int rc = MPI_Allreduce(mm, g, 2, MPI_DOUBLE, MPI_MAX, comm);
    if (rc != MPI_SUCCESS) {
        err = sx__mpi_fail(rc, "MPI_Allreduce", SX__FILE, __LINE__);
        goto done;
    }
    gmin = -g[0];
    gmax = g[1];
    for (int64_t i = 0; i < n; i++) out[i] = gmax > gmin ? (out[i] - gmin) / (gmax - gmin) : NAN;
    char expr[512];
    snprintf(expr, sizeof expr,
             "rsei (Xu 2013): PC1 of min-max normalised ndvi, wet, ndbsi, lst (covariance), rescaled to [0, 1]; "
             "loadings %.17g %.17g %.17g %.17g, eigenvalue %.17g", vec[0], vec[1], vec[2], vec[3], val[0]);
    SX_CHECK_GOTO(sx_rs_provenance(o->provenance, expr, b, K, &prov), err, done);
    sx_layer_out_t lo_ = {o->out_nc, o->out_cog, "rsei", "Remote Sensing Ecological Index (Xu 2013), 0-1", "1", NULL,
                          SX_DT_FLOAT64, NAN, "AVERAGE", prov};
    SX_CHECK_GOTO(sx_layer_write(comm, &bs.frame, d.own, out, d.own.nx, &lo_), err, done);
    if (o->out_csv) {
        int rank;
        MPI_Comm_rank(comm, &rank);
        sx_err local = rank == 0 ? write_loadings(o->out_csv, val, vec, lo, hi, count) : SX_OK;
        err = sx_err_agree(comm, local);
    }
    if (!err && o->loadings) memcpy(o->loadings, vec, sizeof vec);
done:
    free(prov);
    free(out);
    for (int k = 0; k < K; k++) free(v[k]);
    sx_decomp_fini(&d);
    sx__rs_bandset_close(&bs);
    return err;
}
