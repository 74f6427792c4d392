/*
 * series.c — the per-pixel stack engine behind rs trend and the drought
 * indices: read S layers on one grid strip by strip, run a kernel on each
 * pixel's S values, write nout layers.
 *
 * Each rank reads only its block of the decomposition, in strips of rows
 * (every layer over the strip: S x strip x 8 bytes, about 64 MB unless
 * strip_rows says otherwise), gathers a pixel's values in stack order and
 * calls the kernel with scratch space private to the OpenMP thread. The
 * kernel sees nothing but that pixel, so the outputs are bit-identical at any
 * rank, thread or strip count. Memory per rank: nout doubles per block cell
 * for the results plus one strip of the stack.
 */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs/rs_internal.h"
#include "rs/series.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_perf.h"

sx_err sx__rs_series_bands(const char *const *inputs, int n, int band, int has_nodata, double nodata,
                           sx_rs_band_t **bands, char **names)
{
    *bands = calloc((size_t)n + 1, sizeof **bands);
    *names = calloc((size_t)n + 1, 16);
    if (!*bands || !*names) {
        free(*bands);
        free(*names);
        *bands = NULL;
        *names = NULL;
        SX_FAIL(SX_ERR_NOMEM, "cannot allocate %d layer records", n);
    }
    for (int i = 0; i < n; i++) {
        sx_rs_band_t *b = &(*bands)[i];
        char *name = *names + 16 * (size_t)i;
        snprintf(name, 16, "date%d", i + 1);
        b->name = name;
        b->path = inputs[i];
        b->band = band > 0 ? band : 1;
        b->scale = 1;
        b->scale_source = SX_RS_SCALE_EXPLICIT;
        snprintf(b->scale_note, sizeof b->scale_note, "layer of a stack, not scaled");
        b->has_nodata = has_nodata;
        b->nodata = nodata;
    }
    return SX_OK;
}

static sx_err write_out(MPI_Comm comm, const sx__rs_series_t *o, const sx_grid_t *g, sx_window_t own,
                        const double *res, int k, void *conv, const char *prov)
{
    const sx__rs_series_out_t *u = &o->outs[k];
    const int64_t n = sx_window_cells(own);
    const int nout = o->nout;
    const void *data = conv;
    if (u->dtype == SX_DT_UINT8) {
        uint8_t *c = conv;
        for (int64_t i = 0; i < n; i++) {
            const double v = res[i * nout + k];
            c[i] = isnan(v) ? 255 : (uint8_t)v;
        }
    } else if (u->dtype == SX_DT_FLOAT32) {
        float *c = conv;
        for (int64_t i = 0; i < n; i++) c[i] = (float)res[i * nout + k];
    } else {
        double *c = conv;
        for (int64_t i = 0; i < n; i++) c[i] = res[i * nout + k];
    }
    char nc[SX_PATH_MAX], tif[SX_PATH_MAX];
    snprintf(nc, sizeof nc, "%s_%s.nc", o->out_stem, u->name);
    snprintf(tif, sizeof tif, "%s_%s.tif", o->out_stem, u->name);
    const int cls = u->dtype == SX_DT_UINT8;
    sx_layer_out_t lo = {o->formats & SX_LAYER_NC ? nc : NULL, o->formats & SX_LAYER_COG ? tif : NULL, u->name,
                         u->long_name, u->units, NULL, u->dtype, cls ? 255 : NAN, cls ? "NEAREST" : "AVERAGE", prov};
    return sx_layer_write(comm, g, own, data, own.nx, &lo);
}

/* Run the kernel over the n cells of a strip whose S planes are vals. */
static void strip_pixels(const sx__rs_series_t *o, const double *vals, int64_t n, double *res, double *work)
{
    const int S = o->nbands, nout = o->nout;
#pragma omp parallel
    {
        double *w = work + (size_t)omp_get_thread_num() * (o->work_doubles + (size_t)S);
        double *v = w + o->work_doubles;
#pragma omp for schedule(dynamic, 256)
        for (int64_t i = 0; i < n; i++) {
            for (int s = 0; s < S; s++) v[s] = vals[(int64_t)s * n + i];
            o->pixel(o->ctx, v, res + i * nout, w);
        }
    }
}

sx_err sx__rs_series_run(MPI_Comm comm, const sx__rs_series_t *o)
{
    sx_err err = SX_OK;
    sx__rs_bandset_t bs = {0};
    sx_decomp_t d = {0};
    double *vals = NULL, *res = NULL, *work = NULL;
    void *conv = NULL;
    char *prov = NULL;
    const int S = o->nbands;
    char timer[96];
    snprintf(timer, sizeof timer, "%s: read", o->what);
    sx_perf_start(timer, SX_PERF_READ);
    err = sx__rs_bandset_open(comm, o->bands, S, NULL, &bs);
    sx_perf_stop(timer);
    SX_CHECK(err);
    const sx_grid_t *g = &bs.frame;
    SX_CHECK_GOTO(sx_decomp_init(&d, comm, g->nx, g->ny, g->block_x, g->block_y), err, done);
    const sx_window_t own = d.own;
    const int64_t cells = sx_window_cells(own);
    const int64_t nx1 = own.nx > 0 ? own.nx : 1, ny1 = own.ny > 0 ? own.ny : 1;
    const int64_t h = o->strip_rows > 0 ? (o->strip_rows < ny1 ? o->strip_rows : ny1)
                                        : sx__rs_strip_rows((int64_t)S * 8 * nx1, ny1);
    const int nth = omp_get_max_threads();
    sx_log_info("%s: %d layers, %lld x %lld cells, %d x %d blocks, strips of %lld rows, %d outputs", o->what, S,
                (long long)g->nx, (long long)g->ny, d.px, d.py, (long long)h, o->nout);
    vals = malloc((size_t)(S * h * own.nx + 1) * sizeof *vals);
    res = malloc((size_t)(cells * o->nout + 1) * sizeof *res);
    work = malloc(((size_t)nth * (o->work_doubles + (size_t)S) + 1) * sizeof *work);
    conv = malloc((size_t)(cells + 1) * sizeof(double));
    if (!vals || !res || !work || !conv)
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__,
                         "cannot hold a %lld-row strip of %d layers and %d outputs of the %lld-cell block; use more "
                         "ranks or a smaller --strip-rows", (long long)h, S, o->nout, (long long)cells);
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);

    /* Strips are this rank's own reads: errors are agreed after the loop. */
    for (int64_t y = 0; y < own.ny && !err; y += h) {
        sx_window_t win = {own.x0, own.y0 + y, own.nx, own.ny - y < h ? own.ny - y : h};
        const int64_t n = sx_window_cells(win);
        snprintf(timer, sizeof timer, "%s: read", o->what);
        sx_perf_start(timer, SX_PERF_READ);
        for (int s = 0; s < S && !err; s++) err = sx__rs_bandset_read(&bs, s, win, vals + (int64_t)s * n);
        sx_perf_stop(timer);
        if (err) break;
        snprintf(timer, sizeof timer, "%s: compute", o->what);
        sx_perf_start(timer, SX_PERF_COMPUTE);
        strip_pixels(o, vals, n, res + y * own.nx * o->nout, work);
        sx_perf_stop(timer);
    }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    free(vals);
    vals = NULL;

    SX_CHECK_GOTO(sx_rs_provenance(o->provenance, o->method, o->bands, S, &prov), err, done);
    for (int k = 0; k < o->nout && !err; k++) err = write_out(comm, o, g, own, res, k, conv, prov);
done:
    free(prov);
    free(conv);
    free(work);
    free(res);
    free(vals);
    sx_decomp_fini(&d);
    sx__rs_bandset_close(&bs);
    return err;
}
