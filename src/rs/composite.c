/*
 * composite.c — per-pixel temporal composites over a stack of scenes on one
 * grid: median, mean, percentile, max-NDVI ("greenest pixel") and the count
 * of valid observations.
 *
 * Each rank reads its block of every scene's bands and QA band, builds the
 * QA mask on its block, exchanges a halo of `dilate` cells (sx_halo) and
 * dilates, so masks near block edges are what a one-block run gives. The
 * composite of a pixel depends only on that pixel's observations, taken in
 * scene order: results are bit-identical at any rank or thread count.
 *
 * Statistics follow numpy's definitions so they can be checked against it:
 * median of an even count is the mean of the two middle values; percentile p
 * interpolates linearly between order statistics at h = (n - 1) p / 100
 * (numpy's default "linear" method, Hyndman & Fan 1996 definition 7,
 * doi:10.2307/2684934). Max-NDVI (Holben 1986, Int. J. Remote Sens. 7:1417,
 * doi:10.1080/01431168608948945) takes every band from the scene whose
 * (nir - red)/(nir + red) is largest, the earliest scene on ties.
 *
 * Memory per rank: scenes x bands x block cells x 8 bytes (whole block, not
 * strips); split a very long stack over time first if that is too much.
 */
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

#define MAX_SCENES 1024

sx_err sx_rs_comp_method_parse(const char *t, sx_rs_comp_method *m, double *p)
{
    *p = 50;
    if (!strcmp(t, "median")) *m = SX_RS_COMP_MEDIAN;
    else if (!strcmp(t, "mean")) *m = SX_RS_COMP_MEAN;
    else if (!strcmp(t, "max-ndvi")) *m = SX_RS_COMP_MAX_NDVI;
    else if (!strcmp(t, "count")) *m = SX_RS_COMP_COUNT;
    else if (t[0] == 'p' && t[1]) {
        char *end;
        *p = strtod(t + 1, &end);
        SX_FAIL_IF(*end || !(*p >= 0 && *p <= 100), SX_ERR_USAGE, "percentile '%s' must be p0 .. p100 (e.g. p90)", t);
        *m = SX_RS_COMP_PERCENTILE;
    } else {
        SX_FAIL(SX_ERR_USAGE, "--method must be median, mean, pNN (percentile), max-ndvi or count, got '%s'", t);
    }
    return SX_OK;
}

static void sort_small(double *x, int n)
{
    for (int i = 1; i < n; i++) {
        double v = x[i];
        int j = i - 1;
        while (j >= 0 && x[j] > v) {
            x[j + 1] = x[j];
            j--;
        }
        x[j + 1] = v;
    }
}

/* numpy's linear interpolation between order statistics (its _lerp). */
static double percentile_sorted(const double *x, int n, double p)
{
    double h = (n - 1) * p / 100.0;
    int lo = (int)floor(h);
    if (lo >= n - 1) return x[n - 1];
    double t = h - lo, a = x[lo], b = x[lo + 1], d = b - a;
    return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

static double reduce_pixel(const sx_rs_composite_opts_t *o, double *v, int n)
{
    if (n == 0) return NAN;
    if (o->method == SX_RS_COMP_MEAN) {
        double s = 0;
        for (int i = 0; i < n; i++) s += v[i];
        return s / n;
    }
    sort_small(v, n);
    if (o->method == SX_RS_COMP_MEDIAN) return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return percentile_sorted(v, n, o->percentile);
}

static sx_err write_layer(MPI_Comm comm, const sx_rs_composite_opts_t *o, const sx_grid_t *g, sx_window_t own,
                          const float *data, const char *name, const char *long_name, const char *prov)
{
    char nc[SX_PATH_MAX], tif[SX_PATH_MAX], var[96];
    snprintf(nc, sizeof nc, "%s_%s.nc", o->out_stem, name);
    snprintf(tif, sizeof tif, "%s_%s.tif", o->out_stem, name);
    snprintf(var, sizeof var, "%s", name);
    sx_layer_out_t lo = {nc, o->cog ? tif : NULL, var, long_name, "1", NULL, SX_DT_FLOAT32, NAN,
                         (!strcmp(name, "count") || !strcmp(name, "scene")) ? "NEAREST" : "AVERAGE", prov};
    SX_CHECK(sx_layer_write(comm, g, own, data, own.nx, &lo));
    return SX_OK;
}

sx_err sx_rs_composite_run(MPI_Comm comm, const sx_rs_composite_opts_t *o)
{
    sx_err err = SX_OK;
    sx__rs_bandset_t bs = {0};
    sx_decomp_t d = {0};
    sx_halo_t *halo = NULL;
    double *vals = NULL, *qa = NULL;
    uint8_t *valid = NULL, *mext = NULL, *mtmp = NULL, *mown = NULL;
    float *out = NULL;
    char *prov = NULL;
    const int S = o->nscenes, K = o->nper;

    SX_FAIL_IF(S < 1 || S > MAX_SCENES, SX_ERR_USAGE, "a composite needs 1 to %d scenes, got %d", MAX_SCENES, S);
    SX_FAIL_IF(o->method == SX_RS_COMP_MAX_NDVI && (o->nir < 0 || o->red < 0), SX_ERR_USAGE,
               "max-ndvi needs bands named nir and red in every scene");
    SX_FAIL_IF(o->dilate < 0 || o->dilate > 1000, SX_ERR_USAGE, "--dilate must be 0 .. 1000 cells");
    sx_perf_start("rs composite: read", SX_PERF_READ);
    err = sx__rs_bandset_open(comm, o->bands, S * K, NULL, &bs);
    sx_perf_stop("rs composite: read");
    SX_CHECK(err);
    const sx_grid_t *g = &bs.frame;
    SX_CHECK_GOTO(sx_decomp_init(&d, comm, g->nx, g->ny, g->block_x, g->block_y), err, done);
    const sx_window_t own = d.own;
    const int64_t cells = sx_window_cells(own);
    const int r = o->qa >= 0 ? o->dilate : 0;
    SX_CHECK_GOTO(sx_halo_create(&d, r, 1, &halo), err, done);
    const sx_window_t ext = sx_halo_extended(halo);
    const int nvb = o->qa >= 0 ? K - 1 : K; /* value bands per scene */
    sx_log_info("rs composite: %d scenes x %d bands, %lld x %lld cells, %d x %d blocks, mask dilation %d", S, nvb,
                (long long)g->nx, (long long)g->ny, d.px, d.py, r);
    vals = malloc((size_t)(S * (int64_t)K * cells + 1) * sizeof *vals);
    qa = malloc((size_t)(cells + 1) * sizeof *qa);
    valid = malloc((size_t)(S * cells + 1));
    mext = calloc((size_t)(sx_window_cells(ext) + 1), 1);
    mtmp = malloc((size_t)(sx_window_cells(ext) + 1));
    mown = malloc((size_t)(cells + 1));
    out = malloc((size_t)(cells + 1) * sizeof *out);
    if (!vals || !qa || !valid || !mext || !mtmp || !mown || !out)
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot hold %d scenes x %d bands of a %lld-cell block; use more ranks",
                         S, K, (long long)cells);
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);

    for (int s = 0; s < S; s++) {
        sx_perf_start("rs composite: read", SX_PERF_READ);
        for (int k = 0; k < K && !err; k++) {
            double *dst = k == o->qa ? qa : vals + ((int64_t)s * K + k) * cells;
            err = sx__rs_bandset_read(&bs, s * K + k, own, dst);
        }
        sx_perf_stop("rs composite: read");
        SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
        uint8_t *vs = valid + (int64_t)s * cells;
        if (o->qa >= 0) {
            sx_rs_qa_mask(&o->rule, qa, cells, mown);
            if (r > 0) {
                for (int64_t j = 0; j < own.ny; j++)
                    memcpy(mext + (own.y0 - ext.y0 + j) * ext.nx + (own.x0 - ext.x0), mown + j * own.nx, (size_t)own.nx);
                sx_perf_start("rs composite: halo", SX_PERF_COMM);
                err = sx_halo_exchange(halo, mext);
                sx_perf_stop("rs composite: halo");
                SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
                sx_rs_mask_dilate(mext, ext, own, r, mtmp, mown);
            }
        } else {
            memset(mown, 0, (size_t)cells);
        }
        for (int64_t i = 0; i < cells; i++) {
            int ok = !mown[i];
            for (int k = 0; k < K && ok; k++)
                if (k != o->qa && isnan(vals[((int64_t)s * K + k) * cells + i])) ok = 0;
            vs[i] = (uint8_t)ok;
        }
    }

    SX_CHECK_GOTO(sx_rs_provenance(o->provenance, "composite", o->bands, S * K, &prov), err, done);
    sx_perf_start("rs composite: compute", SX_PERF_COMPUTE);
    /* count */
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < cells; i++) {
        int n = 0;
        for (int s = 0; s < S; s++) n += valid[(int64_t)s * cells + i];
        out[i] = (float)n;
    }
    sx_perf_stop("rs composite: compute");
    SX_CHECK_GOTO(write_layer(comm, o, g, own, out, "count", "number of valid observations", prov), err, done);
    if (o->method == SX_RS_COMP_COUNT) goto done;

    int *best = NULL;
    if (o->method == SX_RS_COMP_MAX_NDVI) {
        best = malloc((size_t)(cells + 1) * sizeof *best);
        if (!best) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the max-NDVI index");
        SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
#pragma omp parallel for schedule(static)
        for (int64_t i = 0; i < cells; i++) {
            int b = -1;
            double bv = -INFINITY;
            for (int s = 0; s < S; s++) {
                if (!valid[(int64_t)s * cells + i]) continue;
                double n = vals[((int64_t)s * K + o->nir) * cells + i], rd = vals[((int64_t)s * K + o->red) * cells + i];
                double v = (n + rd) != 0 ? (n - rd) / (n + rd) : NAN;
                if (!isnan(v) && v > bv) {
                    bv = v;
                    b = s;
                }
            }
            best[i] = b;
            out[i] = b < 0 ? NAN : (float)(b + 1);
        }
        err = write_layer(comm, o, g, own, out, "scene", "1-based scene number of the highest NDVI", prov);
        if (err) {
            free(best);
            goto done;
        }
    }
    for (int k = 0; k < K && !err; k++) {
        if (k == o->qa) continue;
        sx_perf_start("rs composite: compute", SX_PERF_COMPUTE);
        if (best) {
#pragma omp parallel for schedule(static)
            for (int64_t i = 0; i < cells; i++)
                out[i] = best[i] < 0 ? NAN : (float)vals[((int64_t)best[i] * K + k) * cells + i];
        } else {
#pragma omp parallel for schedule(static)
            for (int64_t i = 0; i < cells; i++) {
                double v[MAX_SCENES];
                int n = 0;
                for (int s = 0; s < S; s++)
                    if (valid[(int64_t)s * cells + i]) v[n++] = vals[((int64_t)s * K + k) * cells + i];
                out[i] = (float)reduce_pixel(o, v, n);
            }
        }
        sx_perf_stop("rs composite: compute");
        char ln[160];
        snprintf(ln, sizeof ln, "temporal composite of %s", o->bands[k].name);
        err = write_layer(comm, o, g, own, out, o->bands[k].name, ln, prov);
    }
    free(best);
done:
    free(prov);
    free(out);
    free(mown);
    free(mtmp);
    free(mext);
    free(valid);
    free(qa);
    free(vals);
    sx_halo_destroy(&halo);
    sx_decomp_fini(&d);
    sx__rs_bandset_close(&bs);
    return err;
}
