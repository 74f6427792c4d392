/*
 * hydro_run.c — the fill, flowdir and accum runs: open the input on every
 * rank, decompose, read the own block, check the grid and values, call the
 * parallel kernel, write CF netCDF (+ COG) with provenance.
 *
 * Input checks (agreed over ranks, one message): rotated or non-square grids
 * (D8 distances and flat rules assume square cells; geographic grids with
 * square degree cells are fine and use metric distances per row), NaN in a
 * DEM that declares no nodata value, invalid flow-direction codes, weight
 * rasters on another grid or with nodata where directions have data.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dem/dem_block.h"
#include "dem/fill_flood_internal.h"
#include "dem/flowdir_internal.h"
#include "dem/hydro_internal.h"
#include "sanxiang/sx_hydrology.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_perf.h"
#include "sanxiang/sx_raster.h"

typedef struct {
    sx_raster_t *r;
    sx_grid_t grid;
    sx_decomp_t d;
    double *v; /* own block, float64, nodata = NaN */
} block_t;

static void block_fini(block_t *b)
{
    sx_raster_close(&b->r);
    sx_grid_fini(&b->grid);
    sx_decomp_fini(&b->d);
    free(b->v);
    b->v = NULL;
}

static sx_err check_frame(const sx_grid_t *g, const char *name)
{
    SX_FAIL_IF(g->gt[2] != 0 || g->gt[4] != 0, SX_ERR_INPUT,
               "'%s' is a rotated grid (geotransform terms %g, %g); warp it north-up with gdalwarp first", name,
               g->gt[2], g->gt[4]);
    double ax = fabs(g->gt[1]), ay = fabs(g->gt[5]);
    SX_FAIL_IF(!(ax > 0) || fabs(ax - ay) > 1e-9 * ax, SX_ERR_INPUT,
               "'%s' has non-square cells (%g x %g); resample to square cells (gdalwarp -tr) first", name, ax, ay);
    return SX_OK;
}

/* Collective: open name, decompose (like `like` if given: a second raster
 * on the same grid must be read in the first one's blocks), read the own
 * block, check. */
static sx_err block_read(MPI_Comm comm, const char *name, int band, int need_nodata_for_nan, const block_t *like,
                         block_t *b)
{
    memset(b, 0, sizeof *b);
    SX_CHECK(sx_layer_open(comm, name, band, &b->r, &b->grid));
    sx_err err = sx_err_agree(comm, check_frame(&b->grid, name));
    if (err == SX_OK && like)
        err = sx_err_agree(comm, sx_grid_same_frame(&like->grid, &b->grid)
                                     ? SX_OK
                                     : sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                                                  "'%s' is not on the grid of '%s' (size, geotransform or CRS "
                                                  "differ); warp it onto that grid first",
                                                  name, sx_raster_name(like->r)));
    if (err == SX_OK)
        err = sx_decomp_init(&b->d, comm, b->grid.nx, b->grid.ny, like ? like->grid.block_x : b->grid.block_x,
                             like ? like->grid.block_y : b->grid.block_y);
    if (err != SX_OK) return err;
    sx_window_t own = b->d.own;
    int64_t no = sx_window_cells(own);
    b->v = malloc((size_t)(no ? no : 1) * sizeof *b->v);
    if (!b->v) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate %lld cells of '%s'", (long long)no, name);
    if (err == SX_OK) err = sx_layer_read_f64(b->r, band, &b->grid, own, own, b->v);
    if (err == SX_OK && need_nodata_for_nan && !b->grid.has_nodata) {
        for (int64_t i = 0; i < no; i++)
            if (isnan(b->v[i])) {
                err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                                 "'%s' has no nodata value but cell (col %lld, row %lld) is NaN; declare nodata "
                                 "(gdal_edit.py -a_nodata) or fill the gap",
                                 name, (long long)(own.x0 + i % own.nx), (long long)(own.y0 + i / own.nx));
                break;
            }
    }
    return sx_err_agree(comm, err);
}

/* Own cells of a padded frame: NaN -> fill value. */
static void nan_to(const sx__pad_t *p, sx_dtype t, void *z, double fill)
{
    for (int64_t j = 0; j < p->own.ny; j++) {
        int64_t c0 = sx__pad_at(p, 0, j);
        if (t == SX_DT_FLOAT32) {
            float *r = (float *)z + c0;
            for (int64_t i = 0; i < p->own.nx; i++)
                if (isnan(r[i])) r[i] = (float)fill;
        } else {
            double *r = (double *)z + c0;
            for (int64_t i = 0; i < p->own.nx; i++)
                if (isnan(r[i])) r[i] = fill;
        }
    }
}

sx_err sx_dem_fill_run(MPI_Comm comm, const sx_fill_opts_t *o)
{
    sx__dem_t b;
    double *zo = NULL;
    sx_perf_start("fill: read", SX_PERF_READ);
    /* float32 DEMs stay float32 (the fill only compares and copies values);
     * the epsilon fill steps one float64 ulp, so it works and writes in float64 */
    sx_err err = sx__dem_read(comm, o->input, o->band, 1, 1, o->epsilon, &b);
    sx_perf_stop("fill: read");
    if (err != SX_OK) goto done;
    sx_log_info("fill: %s, %lld x %lld cells, %d x %d blocks, %s%s%s", o->input, (long long)b.grid.nx,
                (long long)b.grid.ny, b.d.px, b.d.py, sx_dtype_name(b.t), o->epsilon ? ", epsilon" : "",
                o->nodata_walls ? ", nodata = walls" : "");
    sx_perf_start("fill: compute", SX_PERF_COMPUTE);
    if (o->epsilon) {
        sx_window_t own = b.d.own;
        int64_t no = sx_window_cells(own);
        zo = malloc((size_t)(no ? no : 1) * sizeof *zo);
        err = zo ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate %lld cells", (long long)no);
        err = sx_err_agree(comm, err);
        if (err == SX_OK) {
            for (int64_t j = 0; j < own.ny; j++)
                memcpy(zo + j * own.nx, (double *)b.z + sx__pad_at(&b.pad, 0, j), (size_t)own.nx * sizeof *zo);
            err = sx_dem_fill_eps_dist(&b.d, zo, o->nodata_walls);
        }
        if (err == SX_OK)
            for (int64_t j = 0; j < own.ny; j++)
                memcpy((double *)b.z + sx__pad_at(&b.pad, 0, j), zo + j * own.nx, (size_t)own.nx * sizeof *zo);
    } else {
        err = sx__fill_frame(&b.d, &b.pad, b.t, b.z, o->nodata_walls);
    }
    sx_perf_stop("fill: compute");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    nan_to(&b.pad, b.t, b.z, SX_FILL_NODATA);
    sx_layer_out_t lo = {o->out_nc, o->out_cog, "elevation", "depression-filled elevation (Priority-Flood)", "m",
                         NULL, b.t, SX_FILL_NODATA, "AVERAGE", o->provenance};
    err = sx_layer_write(comm, &b.grid, b.d.own, sx__dem_own(&b), b.pad.w, &lo);
done:
    free(zo);
    sx__dem_fini(&b);
    return err;
}

sx_err sx_dem_flowdir_run(MPI_Comm comm, const sx_flowdir_opts_t *o)
{
    sx__dem_t b;
    uint8_t *dir = NULL;
    uint16_t *eq = NULL;
    sx_perf_start("flowdir: read", SX_PERF_READ);
    sx_err err = sx__dem_read(comm, o->input, o->band, 1, 1, 0, &b);
    sx_perf_stop("flowdir: read");
    if (err != SX_OK) goto done;
    sx_log_info("flowdir: %s, %lld x %lld cells, %d x %d blocks, %s codes", o->input, (long long)b.grid.nx,
                (long long)b.grid.ny, b.d.px, b.d.py, o->encoding == SX_D8_TAUDEM ? "TauDEM" : "ESRI");
    dir = malloc((size_t)(b.pad.n ? b.pad.n : 1));
    eq = malloc((size_t)(b.pad.n ? b.pad.n : 1) * sizeof *eq);
    SX_CHECK_GOTO(sx_err_agree(comm, dir && eq ? SX_OK
                                               : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__,
                                                            "cannot allocate the flow directions (%lld cells)",
                                                            (long long)b.pad.n)),
                  err, done);
    sx_perf_start("flowdir: compute", SX_PERF_COMPUTE);
    err = sx__flowdir_frame(&b.d, &b.pad, &b.grid, b.t, b.z, dir, eq);
    sx_perf_stop("flowdir: compute");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    free(eq);
    eq = NULL;
    free(b.z); /* the DEM is not needed for writing */
    b.z = NULL;
    int64_t none = 0, all = 0;
    for (int64_t j = 0; j < b.d.own.ny; j++) {
        uint8_t *row = dir + sx__pad_at(&b.pad, 0, j);
        for (int64_t i = 0; i < b.d.own.nx; i++) {
            none += row[i] == SX_D8_NONE;
            row[i] = sx_d8_encode(o->encoding, row[i]);
        }
    }
    MPI_Allreduce(&none, &all, 1, MPI_INT64_T, MPI_SUM, comm);
    if (all > 0)
        sx_log_warn("flowdir: %lld cells have no direction (pits or undrained flats: fill the DEM first)",
                    (long long)all);
    sx_layer_out_t lo = {o->out_nc, o->out_cog, "flowdir",
                         o->encoding == SX_D8_TAUDEM ? "D8 flow direction (TauDEM codes 1-8, 0 none)"
                                                     : "D8 flow direction (ESRI codes 1-128, 0 none)",
                         "1", NULL, SX_DT_UINT8, 255, "NEAREST", o->provenance};
    err = sx_layer_write(comm, &b.grid, b.d.own, dir + sx__pad_at(&b.pad, 0, 0), b.pad.w, &lo);
done:
    free(dir);
    free(eq);
    sx__dem_fini(&b);
    return err;
}

sx_err sx_dem_accum_run(MPI_Comm comm, const sx_accum_opts_t *o)
{
    block_t b, wb;
    memset(&wb, 0, sizeof wb);
    uint8_t *dir = NULL, *edge = NULL;
    double *acc = NULL;
    sx_perf_start("accum: read", SX_PERF_READ);
    sx_err err = block_read(comm, o->input, 1, 0, NULL, &b);
    if (err == SX_OK && o->weight) err = block_read(comm, o->weight, 1, 1, &b, &wb);
    sx_perf_stop("accum: read");
    if (err != SX_OK) goto done;
    int64_t no = sx_window_cells(b.d.own);
    dir = malloc((size_t)(no ? no : 1));
    edge = malloc((size_t)(no ? no : 1));
    acc = malloc((size_t)(no ? no : 1) * sizeof *acc);
    if (!dir || !edge || !acc) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "accumulation block");
    for (int64_t i = 0; i < no && err == SX_OK; i++) {
        sx_window_t own = b.d.own;
        if (isnan(b.v[i]) || b.v[i] == 255) {
            dir[i] = SX_D8_NODATA;
            continue;
        }
        err = sx__d8_decode_at(o->encoding, b.v[i], o->input, own.x0 + i % own.nx, own.y0 + i / own.nx, &dir[i]);
        if (err != SX_OK) break;
        if (o->weight && isnan(wb.v[i])) {
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                             "weight raster '%s' is nodata at cell (col %lld, row %lld) where '%s' has a direction; "
                             "give every cell with a direction a weight",
                             o->weight, (long long)(own.x0 + i % own.nx), (long long)(own.y0 + i / own.nx), o->input);
            break;
        }
    }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    sx_log_info("accum: %s, %lld x %lld cells, %d x %d blocks%s%s", o->input, (long long)b.grid.nx,
                (long long)b.grid.ny, b.d.px, b.d.py, o->weight ? ", weights " : "", o->weight ? o->weight : "");
    sx_perf_start("accum: compute", SX_PERF_COMPUTE);
    err = sx_dem_accum_dist(&b.d, dir, o->weight ? wb.v : NULL, acc, edge);
    sx_perf_stop("accum: compute");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    if (o->weight) {
        for (int64_t i = 0; i < no; i++)
            if (isnan(acc[i])) acc[i] = SX_ACCUM_NODATA;
        sx_layer_out_t lo = {o->out_nc, o->out_cog, "accumulation", "D8 weighted flow accumulation (cell included)",
                             "1", NULL, SX_DT_FLOAT64, SX_ACCUM_NODATA, "AVERAGE", o->provenance};
        err = sx_layer_write(comm, &b.grid, b.d.own, acc, b.d.own.nx, &lo);
    } else {
        int64_t *cnt = (int64_t *)acc; /* same size; converted in place */
        for (int64_t i = 0; i < no; i++) cnt[i] = isnan(acc[i]) ? (int64_t)SX_ACCUM_NODATA : (int64_t)acc[i];
        sx_layer_out_t lo = {o->out_nc, o->out_cog, "accumulation", "D8 flow accumulation: cells draining through "
                             "each cell, itself included", "1", NULL, SX_DT_INT64, SX_ACCUM_NODATA, "AVERAGE",
                             o->provenance};
        err = sx_layer_write(comm, &b.grid, b.d.own, cnt, b.d.own.nx, &lo);
    }
    if (err == SX_OK && o->edge_nc) {
        for (int64_t i = 0; i < no; i++)
            if (dir[i] == SX_D8_NODATA) edge[i] = 255;
        sx_layer_out_t le = {o->edge_nc, NULL, "edge_contaminated",
                             "1 where the upstream area touches the grid edge or nodata (flow may enter from beyond "
                             "the data)", "1", NULL, SX_DT_UINT8, 255, "NEAREST", o->provenance};
        err = sx_layer_write(comm, &b.grid, b.d.own, edge, b.d.own.nx, &le);
    }
done:
    free(dir);
    free(edge);
    free(acc);
    block_fini(&b);
    block_fini(&wb);
    return err;
}
