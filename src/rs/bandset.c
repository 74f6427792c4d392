/*
 * bandset.c — open a run's input bands on every rank, check they share one
 * grid, and read blocks of them as reflectance with nodata as NaN.
 *
 * Grids must match exactly (size, geotransform, CRS): band math never
 * resamples silently. A mismatch names both bands and says to use rs warp.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rs/rs_internal.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_mpi.h"

#define STRIP_BUDGET_BYTES (64LL << 20)

int64_t sx__rs_strip_rows(int64_t bytes_per_row, int64_t max_rows)
{
    int64_t rows = bytes_per_row > 0 ? STRIP_BUDGET_BYTES / bytes_per_row : max_rows;
    if (rows < 1) rows = 1;
    return rows < max_rows ? rows : max_rows;
}

static sx_err check_frame(const sx_rs_band_t *a, const sx_grid_t *ga, const sx_rs_band_t *b, const sx_grid_t *gb)
{
    if (sx_grid_same_frame(ga, gb)) return SX_OK;
    if (ga->nx != gb->nx || ga->ny != gb->ny)
        SX_FAIL(SX_ERR_INPUT,
                "band '%s' (%s) is %lld x %lld cells but band '%s' (%s) is %lld x %lld; put them on one grid with "
                "`sanxiang rs warp` first",
                b->name, b->path, (long long)gb->nx, (long long)gb->ny, a->name, a->path, (long long)ga->nx,
                (long long)ga->ny);
    if (ga->wkt && gb->wkt && strcmp(ga->wkt, gb->wkt))
        SX_FAIL(SX_ERR_CRS, "band '%s' (%s) is in a different CRS from band '%s' (%s); reproject with `sanxiang rs warp`",
                b->name, b->path, a->name, a->path);
    if (!ga->wkt != !gb->wkt)
        SX_FAIL(SX_ERR_CRS, "band '%s' (%s) %s a CRS but band '%s' (%s) %s; assign one with gdal_edit.py -a_srs", b->name,
                b->path, gb->wkt ? "has" : "lacks", a->name, a->path, ga->wkt ? "has" : "lacks");
    SX_FAIL(SX_ERR_INPUT,
            "band '%s' (%s) has origin (%.10g, %.10g) and cell size (%.10g, %.10g) but band '%s' (%s) has (%.10g, "
            "%.10g) and (%.10g, %.10g); put them on one grid with `sanxiang rs warp`",
            b->name, b->path, gb->gt[0], gb->gt[3], gb->gt[1], gb->gt[5], a->name, a->path, ga->gt[0], ga->gt[3],
            ga->gt[1], ga->gt[5]);
}

/* The DN -> value table of a band (FY-4 AGRI CALChannelNN), read by every
 * rank from the band's own file (a few kB). */
static sx_err load_lut(const sx_rs_band_t *b, double **lut, int64_t *n)
{
    char file[4096], dset[256];
    int cols, k;
    if (!b->lut[0]) return SX_OK;
    SX_FAIL_IF(!sx__rs_fy_source(b->path, b->band, file, sizeof file, dset, sizeof dset, &k), SX_ERR_USAGE,
               "band '%s' has a calibration table but '%s' is not an HDF5 subdataset name", b->name, b->path);
    SX_CHECK(sx__rs_h5_read(file, b->lut, 1 << 20, lut, n, &cols));
    SX_FAIL_IF(cols != 1, SX_ERR_INPUT, "'%s': calibration table %s is not 1-D; give --scale NAME=S,O", file, b->lut);
    return SX_OK;
}

sx_err sx__rs_bandset_open(MPI_Comm comm, const sx_rs_band_t *bands, int n, const unsigned char *use, sx__rs_bandset_t *bs)
{
    memset(bs, 0, sizeof *bs);
    bs->n = n;
    bs->bands = bands;
    bs->r = calloc((size_t)n + 1, sizeof *bs->r);
    bs->grid = calloc((size_t)n + 1, sizeof *bs->grid);
    bs->lut = calloc((size_t)n + 1, sizeof *bs->lut);
    bs->nlut = calloc((size_t)n + 1, sizeof *bs->nlut);
    sx_err err = (!bs->r || !bs->grid || !bs->lut || !bs->nlut) ? sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate %d band handles", n)
                                        : SX_OK;
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, fail);
    int first = -1;
    for (int b = 0; b < n; b++) {
        if (use && !use[b]) continue;
        SX_CHECK_GOTO(sx_layer_open(comm, bands[b].path, bands[b].band, &bs->r[b], &bs->grid[b]), err, fail);
        SX_CHECK_GOTO(sx_err_agree(comm, load_lut(&bands[b], &bs->lut[b], &bs->nlut[b])), err, fail);
        if (bands[b].has_nodata) {
            bs->grid[b].has_nodata = 1;
            bs->grid[b].nodata = bands[b].nodata;
        }
        if (first < 0) {
            first = b;
            SX_CHECK_GOTO(sx_grid_copy(&bs->frame, &bs->grid[b]), err, fail);
        } else {
            /* same on every rank: all read the same files */
            SX_CHECK_GOTO(check_frame(&bands[first], &bs->grid[first], &bands[b], &bs->grid[b]), err, fail);
        }
    }
    if (first < 0) SX_FAIL_GOTO(err, fail, SX_ERR_USAGE, "no input band is used; give at least one -b NAME=PATH");
    return SX_OK;
fail:
    sx__rs_bandset_close(bs);
    return err;
}

sx_err sx__rs_bandset_read(sx__rs_bandset_t *bs, int b, sx_window_t win, double *buf)
{
    SX_FAIL_IF(!bs->r[b], SX_ERR_INTERNAL, "band '%s' was not opened", bs->bands[b].name);
    SX_CHECK(sx_layer_read_f64(bs->r[b], bs->bands[b].band, &bs->grid[b], win, win, buf));
    const double s = bs->bands[b].scale, o = bs->bands[b].offset, s2 = bs->bands[b].scale2;
    const int64_t n = sx_window_cells(win);
    const double *lut = bs->lut[b];
    const int64_t nlut = bs->nlut[b];
    if (bs->bands[b].has_valid) {
        const double lo = bs->bands[b].valid_min, hi = bs->bands[b].valid_max;
#pragma omp parallel for schedule(static)
        for (int64_t i = 0; i < n; i++)
            if (!(buf[i] >= lo && buf[i] <= hi)) buf[i] = NAN;
    }
    if (lut) {
#pragma omp parallel for schedule(static)
        for (int64_t i = 0; i < n; i++) { /* DN outside the table (fill values) -> nodata */
            const double v = buf[i];
            buf[i] = v >= 0 && v < (double)nlut && v == floor(v) ? lut[(int64_t)v] : NAN;
        }
    }
    if (s2 != 0) {
#pragma omp parallel for schedule(static)
        for (int64_t i = 0; i < n; i++) buf[i] = (buf[i] * s2 + s) * buf[i] + o;
        return SX_OK;
    }
    if (s == 1 && o == 0) return SX_OK;
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) buf[i] = buf[i] * s + o; /* NaN stays NaN */
    return SX_OK;
}

void sx__rs_bandset_close(sx__rs_bandset_t *bs)
{
    for (int b = 0; bs->r && b < bs->n; b++) sx_raster_close(&bs->r[b]);
    for (int b = 0; bs->grid && b < bs->n; b++) sx_grid_fini(&bs->grid[b]);
    for (int b = 0; bs->lut && b < bs->n; b++) free(bs->lut[b]);
    free(bs->lut);
    free(bs->nlut);
    free(bs->r);
    free(bs->grid);
    sx_grid_fini(&bs->frame);
    memset(bs, 0, sizeof *bs);
}
