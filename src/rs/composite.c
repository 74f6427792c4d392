/*
 * composite.c — per-pixel temporal composites over a stack of scenes on one
 * grid: median, mean, percentile, max-NDVI ("greenest pixel") and the count
 * of valid observations.
 *
 * Each rank walks its block in strips of rows. For a strip it reads every
 * scene's value bands over the strip and the QA band over the strip grown by
 * `dilate` cells on every side (clipped to the grid; the file is there for
 * every rank to read, so no halo exchange is needed), builds and dilates the
 * mask, and reduces the strip into the block's output layers. Masks near
 * strip and block edges are thus what a one-block run gives, and the
 * composite of a pixel depends only on that pixel's observations, taken in
 * scene order: results are bit-identical at any rank, thread or strip count.
 *
 * Statistics follow numpy's definitions so they can be checked against it:
 * median of an even count is the mean of the two middle values; percentile p
 * interpolates linearly between order statistics at h = (n - 1) p / 100
 * (numpy's default "linear" method, Hyndman & Fan 1996 definition 7,
 * doi:10.2307/2684934). Max-NDVI (Holben 1986, Int. J. Remote Sens. 7:1417,
 * doi:10.1080/01431168608948945) takes every band from the scene whose
 * (nir - red)/(nir + red) is largest, the earliest scene on ties.
 *
 * Memory per rank: the output layers of its block (bands + 2 Float32 cells
 * per block cell) plus one strip of every scene (scenes x bands x strip
 * cells x 8 bytes); the strip height keeps that near 64 MB unless
 * --strip-rows sets it.
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
    sx_layer_out_t lo = {o->formats & SX_LAYER_NC ? nc : NULL, o->formats & SX_LAYER_COG ? tif : NULL, var, long_name, "1", NULL, SX_DT_FLOAT32, NAN,
                         (!strcmp(name, "count") || !strcmp(name, "scene")) ? "NEAREST" : "AVERAGE", prov};
    SX_CHECK(sx_layer_write(comm, g, own, data, own.nx, &lo));
    return SX_OK;
}

/* One strip's working set: S*K value planes and S validity planes of the
 * strip, and the QA window grown by the dilation radius. */
typedef struct {
    double *vals, *qa;
    uint8_t *valid, *mext, *mtmp;
} strip_buf_t;

static void strip_free(strip_buf_t *b)
{
    free(b->vals);
    free(b->qa);
    free(b->valid);
    free(b->mext);
    free(b->mtmp);
}

/* Read scene s over strip win (QA over ext) and mark its valid observations. */
static sx_err strip_scene(const sx_rs_composite_opts_t *o, sx__rs_bandset_t *bs, int s, sx_window_t win,
                          sx_window_t ext, int r, strip_buf_t *b)
{
    const int K = o->nper;
    const int64_t n = sx_window_cells(win);
    double *vals = b->vals + (int64_t)s * K * n;
    uint8_t *vs = b->valid + (int64_t)s * n;
    for (int k = 0; k < K; k++)
        if (k != o->qa) SX_CHECK(sx__rs_bandset_read(bs, s * K + k, win, vals + (int64_t)k * n));
    if (o->qa >= 0) {
        SX_CHECK(sx__rs_bandset_read(bs, s * K + o->qa, ext, b->qa));
        sx_rs_qa_mask(&o->rule, b->qa, sx_window_cells(ext), b->mext);
        sx_rs_mask_dilate(b->mext, ext, win, r, b->mtmp, vs); /* r = 0: a copy of the strip's part */
    } else {
        memset(vs, 0, (size_t)n);
    }
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
        int ok = !vs[i];
        for (int k = 0; k < K && ok; k++)
            if (k != o->qa && isnan(vals[(int64_t)k * n + i])) ok = 0;
        vs[i] = (uint8_t)ok;
    }
    return SX_OK;
}

/* Reduce a strip of n cells into the outputs at offset off of the block:
 * count, the chosen scene (max-NDVI) and one layer per value band. */
static void strip_reduce(const sx_rs_composite_opts_t *o, const strip_buf_t *b, int64_t n, int64_t off, float *count,
                         float *scene, float *const *layers)
{
    const int S = o->nscenes, K = o->nper;
    const double *vals = b->vals;
    const uint8_t *valid = b->valid;
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
        int c = 0;
        for (int s = 0; s < S; s++) c += valid[(int64_t)s * n + i];
        count[off + i] = (float)c;
        if (o->method == SX_RS_COMP_COUNT) continue;
        if (o->method == SX_RS_COMP_MAX_NDVI) {
            int best = -1;
            double bv = -INFINITY;
            for (int s = 0; s < S; s++) {
                if (!valid[(int64_t)s * n + i]) continue;
                double nr = vals[((int64_t)s * K + o->nir) * n + i], rd = vals[((int64_t)s * K + o->red) * n + i];
                double v = (nr + rd) != 0 ? (nr - rd) / (nr + rd) : NAN;
                if (!isnan(v) && v > bv) {
                    bv = v;
                    best = s;
                }
            }
            scene[off + i] = best < 0 ? NAN : (float)(best + 1);
            for (int k = 0; k < K; k++)
                if (k != o->qa)
                    layers[k][off + i] = best < 0 ? NAN : (float)vals[((int64_t)best * K + k) * n + i];
            continue;
        }
        double v[MAX_SCENES];
        for (int k = 0; k < K; k++) {
            if (k == o->qa) continue;
            int m = 0;
            for (int s = 0; s < S; s++)
                if (valid[(int64_t)s * n + i]) v[m++] = vals[((int64_t)s * K + k) * n + i];
            layers[k][off + i] = (float)reduce_pixel(o, v, m);
        }
    }
}

sx_err sx_rs_composite_run(MPI_Comm comm, const sx_rs_composite_opts_t *o)
{
    sx_err err = SX_OK;
    sx__rs_bandset_t bs = {0};
    sx_decomp_t d = {0};
    strip_buf_t sb = {0};
    float *count = NULL, *scene = NULL, **layers = NULL;
    char *prov = NULL;
    const int S = o->nscenes, K = o->nper;

    SX_FAIL_IF(S < 1 || S > MAX_SCENES, SX_ERR_USAGE, "a composite needs 1 to %d scenes, got %d", MAX_SCENES, S);
    SX_FAIL_IF(o->method == SX_RS_COMP_MAX_NDVI && (o->nir < 0 || o->red < 0), SX_ERR_USAGE,
               "max-ndvi needs bands named nir and red in every scene");
    SX_FAIL_IF(o->dilate < 0 || o->dilate > 1000, SX_ERR_USAGE, "--dilate must be 0 .. 1000 cells");
    SX_FAIL_IF(o->strip_rows < 0, SX_ERR_USAGE, "--strip-rows must be 1 or more (0: automatic)");
    sx_perf_start("rs composite: read", SX_PERF_READ);
    err = sx__rs_bandset_open(comm, o->bands, S * K, NULL, &bs);
    sx_perf_stop("rs composite: read");
    SX_CHECK(err);
    const sx_grid_t *g = &bs.frame;
    SX_CHECK_GOTO(sx_decomp_init_per_cell(&d, comm, g->nx, g->ny, g->block_x, g->block_y), err, done);
    const sx_window_t own = d.own;
    const int64_t cells = sx_window_cells(own);
    const int r = o->qa >= 0 ? o->dilate : 0;
    const int64_t h = o->strip_rows > 0 ? (o->strip_rows < own.ny ? o->strip_rows : (own.ny > 0 ? own.ny : 1))
                                        : sx__rs_strip_rows((int64_t)S * (K * 8 + 1) * (own.nx > 0 ? own.nx : 1),
                                                            own.ny > 0 ? own.ny : 1);
    const int nvb = o->qa >= 0 ? K - 1 : K; /* value bands per scene */
    sx_log_info("rs composite: %d scenes x %d bands, %lld x %lld cells, %d x %d blocks, strips of %lld rows, mask "
                "dilation %d", S, nvb, (long long)g->nx, (long long)g->ny, d.px, d.py, (long long)h, r);
    const int64_t sc = h * own.nx, ec = (h + 2 * (int64_t)r) * (own.nx + 2 * (int64_t)r);
    sb.vals = malloc((size_t)(S * (int64_t)K * sc + 1) * sizeof *sb.vals);
    sb.valid = malloc((size_t)(S * sc + 1));
    sb.qa = malloc((size_t)(ec + 1) * sizeof *sb.qa);
    sb.mext = malloc((size_t)(ec + 1));
    sb.mtmp = malloc((size_t)(ec + 1));
    count = malloc((size_t)(cells + 1) * sizeof *count);
    scene = malloc((size_t)(cells + 1) * sizeof *scene);
    layers = calloc((size_t)K, sizeof *layers);
    int nomem = !sb.vals || !sb.valid || !sb.qa || !sb.mext || !sb.mtmp || !count || !scene || !layers;
    for (int k = 0; k < K && !nomem; k++)
        if (k != o->qa && o->method != SX_RS_COMP_COUNT && !(layers[k] = malloc((size_t)(cells + 1) * sizeof **layers)))
            nomem = 1;
    if (nomem)
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__,
                         "cannot hold a %lld-row strip of %d scenes x %d bands and the %lld-cell block's outputs; use "
                         "more ranks or a smaller --strip-rows", (long long)h, S, K, (long long)cells);
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);

    /* Strips are this rank's own business (reads only): errors are agreed
     * after the loop, since ranks have different numbers of strips. */
    for (int64_t y = 0; y < own.ny && !err; y += h) {
        sx_window_t win = {own.x0, own.y0 + y, own.nx, own.ny - y < h ? own.ny - y : h};
        sx_window_t ext = {win.x0 - r, win.y0 - r, win.nx + 2 * (int64_t)r, win.ny + 2 * (int64_t)r};
        ext = sx_window_intersect(ext, (sx_window_t){0, 0, g->nx, g->ny});
        sx_perf_start("rs composite: read", SX_PERF_READ);
        for (int s = 0; s < S && !err; s++) err = strip_scene(o, &bs, s, win, ext, r, &sb);
        sx_perf_stop("rs composite: read");
        if (err) break;
        sx_perf_start("rs composite: compute", SX_PERF_COMPUTE);
        strip_reduce(o, &sb, sx_window_cells(win), y * own.nx, count, scene, layers);
        sx_perf_stop("rs composite: compute");
    }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);

    SX_CHECK_GOTO(sx_rs_provenance(o->provenance, "composite", o->bands, S * K, &prov), err, done);
    SX_CHECK_GOTO(write_layer(comm, o, g, own, count, "count", "number of valid observations", prov), err, done);
    if (o->method == SX_RS_COMP_COUNT) goto done;
    if (o->method == SX_RS_COMP_MAX_NDVI)
        SX_CHECK_GOTO(write_layer(comm, o, g, own, scene, "scene", "1-based scene number of the highest NDVI", prov), err,
                      done);
    for (int k = 0; k < K && !err; k++) {
        if (k == o->qa) continue;
        char ln[160];
        snprintf(ln, sizeof ln, "temporal composite of %s", o->bands[k].name);
        err = write_layer(comm, o, g, own, layers[k], o->bands[k].name, ln, prov);
    }
done:
    free(prov);
    for (int k = 0; layers && k < K; k++) free(layers[k]);
    free(layers);
    free(scene);
    free(count);
    strip_free(&sb);
    sx_decomp_fini(&d);
    sx__rs_bandset_close(&bs);
    return err;
}
