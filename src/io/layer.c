/*
 * layer.c — read a block as float64 with nodata as NaN; write a result layer
 * as CF-netCDF, COG or both through the commit protocol.
 *
 * Both files are written from the ranks' blocks in memory, in parallel: the
 * netCDF with collective HDF5 writes, the COG by the parallel COG writer
 * (cog_write.c), never one from the other. Both carry the same provenance.
 */
#include "sanxiang/sx_layer.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sanxiang/sx_cog.h"
#include "sanxiang/sx_h5cf.h"
#include "sanxiang/sx_layer_mem.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_perf.h"

sx_err sx_layer_open(MPI_Comm comm, const char *name, int band, sx_raster_t **r, sx_grid_t *grid)
{
    memset(grid, 0, sizeof *grid);
    *r = NULL;
    sx_err err = sx_raster_open(name, r);
    if (err == SX_OK) err = sx_raster_grid(*r, band, grid);
    if (err == SX_OK) {
        int size;
        MPI_Comm_size(comm, &size);
        sx_err_set_context("input '%s', %lld x %lld cells, about %.3g per rank on %d rank(s)", name,
                           (long long)grid->nx, (long long)grid->ny, (double)grid->nx * (double)grid->ny / size, size);
    }
    err = sx_err_agree(comm, err);
    if (err != SX_OK) {
        sx_raster_close(r);
        sx_grid_fini(grid);
    }
    return err;
}

sx_err sx_layer_read_f64(sx_raster_t *r, int band, const sx_grid_t *g, sx_window_t win, sx_window_t ext, double *buf)
{
    if (sx_window_cells(win) == 0) return SX_OK;
    double *dst = buf + (win.y0 - ext.y0) * ext.nx + (win.x0 - ext.x0);
    SX_CHECK(sx_raster_read(r, band, win.x0, win.y0, win.nx, win.ny, SX_DT_FLOAT64, dst, ext.nx));
    /* sx_grid_is_nodata's rule without a call per cell: the cells come from
     * the band's own type, so a Float32 band's cells equal its nodata
     * rounded to Float32 exactly when sx_grid_is_nodata says they match.
     * NaN cells are NaN already. */
    const int mark = g->has_nodata && !isnan(g->nodata);
    const double nd = g->dtype == SX_DT_FLOAT32 ? (double)(float)g->nodata : g->nodata;
    /* an integer band holds no infinity: nothing to check without nodata */
    const int whole = g->dtype >= SX_DT_UINT8 && g->dtype <= SX_DT_INT64;
    if (whole && !mark) return SX_OK;
    for (int64_t j = 0; j < win.ny; j++) {
        double *restrict row = dst + j * ext.nx;
        int bad = 0;
        if (mark)
            for (int64_t i = 0; i < win.nx; i++) row[i] = row[i] == nd ? NAN : row[i];
        if (whole) continue;
        for (int64_t i = 0; i < win.nx; i++) bad |= isinf(row[i]) != 0;
        if (!bad) continue;
        /* An infinite value is no measurement: it would poison every sum and statistic downstream. */
        int64_t i = 0;
        while (!isinf(row[i])) i++;
        return sx_layer_infinite_cell(sx_raster_name(r), band, g, win.x0 + i, win.y0 + j, row[i]);
    }
    return SX_OK;
}

sx_err sx_layer_infinite_cell(const char *name, int band, const sx_grid_t *g, int64_t gi, int64_t gj, double v)
{
    SX_FAIL(SX_ERR_INPUT,
            "'%s' band %d holds %s at row %lld, column %lld (x %.10g, y %.10g); make such cells nodata "
            "(e.g. gdal_calc.py --calc \"where(isinf(A), -9999, A)\" --NoDataValue=-9999) and run again",
            name, band, v > 0 ? "+inf" : "-inf", (long long)gj, (long long)gi, sx_grid_x_center(g, gi),
            sx_grid_y_center(g, gj));
}

void sx_layer_nc_beside(const char *cog_path, char *buf, size_t len)
{
    snprintf(buf, len, "%s", cog_path);
    char *dot = strrchr(buf, '.');
    if (dot && !strchr(dot, '/')) *dot = '\0';
    strncat(buf, ".nc", len - strlen(buf) - 1);
}

void sx_layer_staged_name(const char *cog_path, const char *nc_path, const char *var, char *buf, size_t len)
{
    if (cog_path) snprintf(buf, len, "%s", sx_output_staged(cog_path));
    else snprintf(buf, len, "NETCDF:\"%s\":%s", sx_output_staged(nc_path), var);
}

sx_err sx_layer_write(MPI_Comm comm, const sx_grid_t *grid, sx_window_t own, const void *data, int64_t row_stride,
                      const sx_layer_out_t *o)
{
    SX_FAIL_IF(!o->nc_path && !o->cog_path, SX_ERR_INTERNAL, "layer '%s': no output file named (netCDF or COG)",
               o->name);
    /* Later steps of a job open the layer by these names; while keeping is on they find this block in memory. */
    char ncvar[SX_PATH_MAX + 64];
    const char *names[2];
    int nnames = 0;
    if (o->cog_path) names[nnames++] = o->cog_path;
    if (o->nc_path) {
        snprintf(ncvar, sizeof ncvar, "NETCDF:\"%s\":%s", o->nc_path, o->name);
        names[nnames++] = ncvar;
    }
    const int write_files = sx_layer_mem_writes_files();
    SX_CHECK(sx_layer_mem_keep(comm, names, nnames, grid, own, data, row_stride, o->dtype, o->fill, !write_files));
    if (!write_files) return SX_OK; /* an intermediate layer: memory only */
    char timer[96];
    if (o->nc_path) {
        sx_grid_t og;
        SX_CHECK(sx_grid_copy(&og, grid));
        og.dtype = o->dtype;
        og.has_nodata = 1;
        og.nodata = o->fill;
        snprintf(timer, sizeof timer, "%s: write netCDF", o->name);
        sx_perf_start(timer, SX_PERF_WRITE);
        sx_output_t out;
        sx_err err = sx_output_begin(comm, o->nc_path, &out);
        if (err == SX_OK) {
            sx_h5cf_var_t var = {o->name, o->long_name, o->units, o->standard_name, o->dtype, o->fill, 0};
            sx_h5cf_t *nc = NULL;
            sx_err e = sx_h5cf_create(comm, out.tmp_path, &og, 0, NULL, o->provenance, &nc);
            if (e == SX_OK) e = sx_h5cf_define(nc, &var);
            if (e == SX_OK) e = sx_h5cf_write(nc, o->name, 0, own.x0, own.y0, own.nx, own.ny, data, row_stride);
            sx_err ec = sx_h5cf_close(&nc);
            if (e == SX_OK) e = ec;
            err = sx_output_commit(comm, &out, e);
        }
        sx_perf_add_bytes_written(sx_window_cells(own) * (int64_t)sx_dtype_size(o->dtype));
        sx_perf_stop(timer);
        sx_grid_fini(&og);
        SX_CHECK(err);
    }
    if (o->cog_path) {
        sx_band_stats_t st;
        snprintf(timer, sizeof timer, "%s: statistics", o->name);
        sx_perf_start(timer, SX_PERF_COMPUTE);
        sx_err err = sx_layer_stats(comm, own, data, row_stride, o->dtype, o->fill, &st);
        sx_perf_stop(timer);
        SX_CHECK(err);
        snprintf(timer, sizeof timer, "%s: write COG", o->name);
        sx_perf_start(timer, SX_PERF_WRITE);
        sx_cog_layer_t cl = {o->dtype, o->fill, o->resampling, SX_COG_DEFAULT, 0, 0, o->name, o->long_name,
                             o->units, o->standard_name, o->provenance, &st, 0};
        cl.gcps = o->gcps;
        err = sx_cog_write_blocks(comm, o->cog_path, grid, own, data, row_stride, &cl);
        sx_perf_stop(timer);
        SX_CHECK(err);
    }
    return SX_OK;
}
