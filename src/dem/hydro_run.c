/*
 * hydro_run.c — the fill, flowdir and accum runs: open the input on every
 * rank, decompose, read the own block (dem_block.c: a padded frame in the
 * input's exact type, halo included), check the grid and values, call the
 * parallel kernel, write CF netCDF (+ COG) with provenance.
 *
 * Input checks (agreed over ranks, one message): rotated or non-square grids
 * (D8 distances and flat rules assume square cells; geographic grids with
 * square degree cells are fine and use metric distances per row), NaN in a
 * DEM that declares no nodata value, invalid flow-direction codes or
 * D-infinity angles, weight rasters on another grid or with nodata where
 * directions have data.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dem/accum_internal.h"
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
    sx_perf_start("fill: read", SX_PERF_READ);
    /* float32 DEMs stay float32 (the fill only compares and copies values);
     * the epsilon fill steps one float64 ulp, so it works and writes in float64 */
    sx_err err = sx__dem_read(comm, o->input, o->band, 1, 1, o->epsilon, NULL, &b);
    sx_perf_stop("fill: read");
    if (err != SX_OK) goto done;
    sx_log_info("fill: %s, %lld x %lld cells, %d x %d blocks, %s%s%s", o->input, (long long)b.grid.nx,
                (long long)b.grid.ny, b.d.px, b.d.py, sx_dtype_name(b.t), o->epsilon ? ", epsilon" : "",
                o->nodata_walls ? ", nodata = walls" : "");
    sx_perf_start("fill: compute", SX_PERF_COMPUTE);
    if (o->epsilon) {
        int rounds = 0;
        err = sx__fill_eps_frame(&b.d, &b.pad, b.z, o->nodata_walls, &rounds);
        if (err == SX_OK) sx_log_info("fill: epsilon surface in %d exchange round%s", rounds, rounds == 1 ? "" : "s");
    } else {
        err = sx__fill_frame(&b.d, &b.pad, b.t, b.z, o->nodata_walls, NULL);
    }
    sx_perf_stop("fill: compute");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    sx__dem_log_peak(comm, "fill", sx_window_cells(b.d.own));
    nan_to(&b.pad, b.t, b.z, SX_FILL_NODATA);
    sx_layer_out_t lo = {o->out_nc, o->out_cog, "elevation", "depression-filled elevation (Priority-Flood)", "m",
                         NULL, b.t, SX_FILL_NODATA, "AVERAGE", o->provenance};
    err = sx_layer_write(comm, &b.grid, b.d.own, sx__dem_own(&b), b.pad.w, &lo);
done:
    sx__dem_fini(&b);
    return err;
}

sx_err sx_dem_flowdir_run(MPI_Comm comm, const sx_flowdir_opts_t *o)
{
    sx__dem_t b;
    memset(&b, 0, sizeof b);
    uint8_t *dir = NULL;
    uint16_t *eq = NULL;
    float *ang = NULL;
    sx_err err = SX_OK;
    if (o->method == SX_FLOW_MFD)
        SX_FAIL(SX_ERR_USAGE, "MFD directions do not fit one raster band; run `sanxiang dem accum --method mfd` on "
                              "the filled DEM instead");
    sx_perf_start("flowdir: read", SX_PERF_READ);
    err = sx__dem_read(comm, o->input, o->band, 1, 1, 0, NULL, &b);
    sx_perf_stop("flowdir: read");
    if (err != SX_OK) goto done;
    int dinf = o->method == SX_FLOW_DINF;
    sx_log_info("flowdir: %s, %lld x %lld cells, %d x %d blocks, %s", o->input, (long long)b.grid.nx,
                (long long)b.grid.ny, b.d.px, b.d.py,
                dinf ? "D-infinity angles" : o->encoding == SX_D8_TAUDEM ? "D8, TauDEM codes" : "D8, ESRI codes");
    int64_t no = sx_window_cells(b.d.own);
    dir = malloc((size_t)(b.pad.n ? b.pad.n : 1));
    eq = malloc((size_t)(b.pad.n ? b.pad.n : 1) * sizeof *eq);
    if (dinf) ang = malloc((size_t)(no ? no : 1) * sizeof *ang);
    SX_CHECK_GOTO(sx_err_agree(comm, dir && eq && (!dinf || ang)
                                         ? SX_OK
                                         : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__,
                                                      "cannot allocate the flow directions (%lld cells)",
                                                      (long long)b.pad.n)),
                  err, done);
    sx_perf_start("flowdir: compute", SX_PERF_COMPUTE);
    uint32_t *flat = NULL;
    int64_t nflat = 0;
    err = sx_err_agree(comm, sx__d8_frame(&b.pad, &b.grid, b.t, b.z, dir, eq, &flat, &nflat));
    if (!dinf) { /* D8 needs the DEM no more: its 4-8 B per cell go before the flats' arrays come */
        free(b.z);
        b.z = NULL;
    }
    if (err == SX_OK) err = sx__flowdir_flats(&b.d, &b.pad, dir, eq, flat, nflat);
    free(flat);
    if (err == SX_OK && dinf) sx__dinf_angles(&b.pad, &b.grid, b.t, b.z, dir, eq, ang);
    sx_perf_stop("flowdir: compute");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    sx__dem_log_peak(comm, "flowdir", sx_window_cells(b.d.own));
    free(eq);
    eq = NULL;
    free(b.z); /* the DEM is not needed for writing */
    b.z = NULL;
    int64_t none = 0, all = 0;
    uint8_t code[256]; /* every internal value's file code, looked up per cell */
    for (int v = 0; v < 256; v++) code[v] = sx_d8_encode(o->encoding, (uint8_t)v);
    for (int64_t j = 0; j < b.d.own.ny; j++) {
        uint8_t *row = dir + sx__pad_at(&b.pad, 0, j);
        for (int64_t i = 0; i < b.d.own.nx; i++) {
            none += row[i] == SX_D8_NONE;
            row[i] = code[row[i]];
        }
    }
    MPI_Allreduce(&none, &all, 1, MPI_INT64_T, MPI_SUM, comm);
    if (all > 0)
        sx_log_warn("flowdir: %lld cells have no direction (pits or undrained flats: fill the DEM first)",
                    (long long)all);
    if (dinf) {
        for (int64_t i = 0; i < no; i++)
            if (isnan(ang[i])) ang[i] = SX_DINF_NODATA;
        sx_layer_out_t lo = {o->out_nc, o->out_cog, "flow_angle",
                             "D-infinity flow direction (Tarboton 1997): radians counter-clockwise from east, -1 none",
                             "radian", NULL, SX_DT_FLOAT32, SX_DINF_NODATA, "NEAREST", o->provenance};
        err = sx_layer_write(comm, &b.grid, b.d.own, ang, b.d.own.nx, &lo);
    } else {
        sx_layer_out_t lo = {o->out_nc, o->out_cog, "flowdir",
                             o->encoding == SX_D8_TAUDEM ? "D8 flow direction (TauDEM codes 1-8, 0 none)"
                                                         : "D8 flow direction (ESRI codes 1-128, 0 none)",
                             "1", NULL, SX_DT_UINT8, 255, "NEAREST", o->provenance};
        err = sx_layer_write(comm, &b.grid, b.d.own, dir + sx__pad_at(&b.pad, 0, 0), b.pad.w, &lo);
    }
done:
    free(dir);
    free(eq);
    free(ang);
    sx__dem_fini(&b);
    return err;
}

/* D8 codes of the frame read into b into dir, through a table of the 256
 * codes; own cells that hold no code fail naming the cell, halo cells
 * become nodata (their owner reports them). */
#define D8_BAD 254
static sx_err decode_d8(const sx__dem_t *b, sx_d8_encoding enc, const char *name, uint8_t *dir)
{
    const sx__pad_t *p = &b->pad;
    uint8_t lut[256];
    memset(lut, D8_BAD, sizeof lut);
    for (uint8_t k = 0; k < 8; k++) lut[sx_d8_encode(enc, k)] = k;
    lut[0] = SX_D8_NONE;
    lut[255] = SX_D8_NODATA;
    for (int64_t c = 0; c < p->n; c++) {
        double v = b->t == SX_DT_FLOAT32 ? (double)((const float *)b->z)[c] : ((const double *)b->z)[c];
        int in = v >= 0 && v <= 255 && v == (double)(int)v; /* false for NaN */
        dir[c] = isnan(v) ? SX_D8_NODATA : in ? lut[(int)v] : D8_BAD;
    }
    for (int64_t j = 0; j < p->own.ny; j++)
        for (int64_t i = 0; i < p->own.nx; i++) {
            int64_t c = sx__pad_at(p, i, j);
            if (dir[c] != D8_BAD) continue;
            double v = b->t == SX_DT_FLOAT32 ? (double)((const float *)b->z)[c] : ((const double *)b->z)[c];
            return sx__d8_decode_at(enc, v, name, p->own.x0 + i, p->own.y0 + j, &dir[c]);
        }
    for (int64_t c = 0; c < p->n; c++)
        if (dir[c] == D8_BAD) dir[c] = SX_D8_NODATA;
    return SX_OK;
}

/* Every cell with a direction has a weight. */
static sx_err check_weights(const sx__dem_t *wb, const uint8_t *dir, const char *wname, const char *dname)
{
    const sx__pad_t *p = &wb->pad;
    for (int64_t j = 0; j < p->own.ny; j++)
        for (int64_t i = 0; i < p->own.nx; i++) {
            int64_t c = sx__pad_at(p, i, j);
            double v = wb->t == SX_DT_FLOAT32 ? (double)((const float *)wb->z)[c] : ((const double *)wb->z)[c];
            if (dir[c] != SX_D8_NODATA && isnan(v))
                SX_FAIL(SX_ERR_INPUT,
                        "weight raster '%s' is nodata at cell (col %lld, row %lld) where '%s' has a direction; "
                        "give every cell with a direction a weight",
                        wname, (long long)(p->own.x0 + i), (long long)(p->own.y0 + j), dname);
        }
    return SX_OK;
}

sx_err sx_dem_accum_run(MPI_Comm comm, const sx_accum_opts_t *o)
{
    sx__dem_t b, wb;
    memset(&b, 0, sizeof b);
    memset(&wb, 0, sizeof wb);
    uint8_t *dir = NULL, *edge = NULL;
    uint16_t *eq = NULL;
    double *acc = NULL, *norm = NULL, *rowdist = NULL;
    const sx_flow_method m = o->method;
    const int width = m == SX_FLOW_MFD ? 2 : 1, band = o->band > 0 ? o->band : 1;
    sx_perf_start("accum: read", SX_PERF_READ);
    /* D8: codes; D-infinity: angles (float32); MFD: the filled DEM */
    sx_err err = sx__dem_read(comm, o->input, band, width, m == SX_FLOW_MFD, 0, NULL, &b);
    if (err == SX_OK && o->weight) err = sx__dem_read(comm, o->weight, 1, width, 1, 0, &b, &wb);
    sx_perf_stop("accum: read");
    if (err != SX_OK) goto done;
    const sx__pad_t *p = &b.pad;
    size_t n = (size_t)(p->n ? p->n : 1);
    dir = malloc(n);
    const int want_edge = o->edge_nc || o->edge_cog;
    if (want_edge) edge = malloc(n);
    SX_CHECK_GOTO(sx_err_agree(comm, dir && (!want_edge || edge)
                                         ? SX_OK
                                         : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__,
                                                      "cannot allocate the accumulation block (%lld cells)",
                                                      (long long)p->n)),
                  err, done);
    sx__flow_t F = {.d = &b.d, .p = p, .method = m, .dir = dir, .g = &b.grid, .rule = o->mfd,
                    .w = o->weight ? wb.z : NULL, .wt = wb.t, .name = o->input};
    if (m == SX_FLOW_D8) {
        err = decode_d8(&b, o->encoding, o->input, dir);
        free(b.z); /* keep 1 B per cell: the codes are in dir now */
        b.z = NULL;
    } else if (m == SX_FLOW_DINF) {
        if (b.t != SX_DT_FLOAT32)
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                             "'%s' is %s, not float32 D-infinity angles; make them with `sanxiang dem flowdir "
                             "--method dinf`",
                             o->input, sx_dtype_name(b.grid.dtype));
        if (err == SX_OK) err = sx__dinf_check(p, b.z, o->input);
        err = sx_err_agree(comm, err); /* before the halo exchange below */
        if (err == SX_OK) {
            sx_halo_t *h = NULL; /* the halo read with the block is checked by its owner: nodata -> NaN */
            err = sx_halo_create_padded(&b.d, 1, sizeof(float), &h);
            if (err == SX_OK) err = sx_halo_exchange(h, b.z);
            sx_halo_destroy(&h);
        }
        for (int64_t c = 0; c < p->n; c++) dir[c] = isnan(((float *)b.z)[c]) ? SX_D8_NODATA : 0;
        F.ang = b.z;
    } else {
        eq = malloc(n * sizeof *eq);
        norm = malloc(n * sizeof *norm);
        err = eq && norm ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the MFD block");
        if (err == SX_OK) err = sx__mfd_rowdist(p, &b.grid, &rowdist);
    }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    if (o->weight) SX_CHECK_GOTO(sx_err_agree(comm, check_weights(&wb, dir, o->weight, o->input)), err, done);
    sx_log_info("accum: %s, %lld x %lld cells, %d x %d blocks, %s%s%s", o->input, (long long)b.grid.nx,
                (long long)b.grid.ny, b.d.px, b.d.py,
                m == SX_FLOW_D8 ? "D8" : m == SX_FLOW_DINF ? "D-infinity" : o->mfd == SX_MFD_QUINN ? "MFD (Quinn)" : "MFD (Freeman)",
                o->weight ? ", weights " : "", o->weight ? o->weight : "");
    sx_perf_start("accum: compute", SX_PERF_COMPUTE);
    if (m == SX_FLOW_MFD) {
        err = sx__flowdir_frame(&b.d, p, &b.grid, b.t, b.z, dir, eq);
        if (err == SX_OK) err = sx__mfd_mark(&b.d, p, dir, eq);
        F.z = b.z;
        F.zt = b.t;
        F.norm = norm;
        F.rowdist = rowdist;
        if (err == SX_OK) sx__mfd_norms(&F, norm);
        free(eq);
        eq = NULL;
    }
    if (err == SX_OK) err = (acc = malloc(n * sizeof *acc)) ? SX_OK
                                                            : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__,
                                                                         "cannot allocate the accumulation (%lld cells)",
                                                                         (long long)p->n);
    err = sx_err_agree(comm, err);
    if (err == SX_OK) err = sx__accum_frame(&F, acc, edge);
    sx_perf_stop("accum: compute");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    sx__dem_log_peak(comm, "accum", sx_window_cells(b.d.own));
    free(norm);
    norm = NULL;
    sx__dem_fini(&wb);
    if (b.z) {
        free(b.z);
        b.z = NULL;
    }
    double *own0 = acc + sx__pad_at(p, 0, 0);
    if (o->weight || m != SX_FLOW_D8) {
        for (int64_t j = 0; j < p->own.ny; j++) {
            double *r = acc + sx__pad_at(p, 0, j);
            for (int64_t i = 0; i < p->own.nx; i++)
                if (isnan(r[i])) r[i] = SX_ACCUM_NODATA;
        }
        const char *ln = m == SX_FLOW_D8 ? "D8 weighted flow accumulation (cell included)"
                         : m == SX_FLOW_DINF
                             ? (o->weight ? "D-infinity weighted flow accumulation (cell included)"
                                          : "D-infinity flow accumulation: contributing area in cells, cell included")
                             : (o->weight ? "MFD weighted flow accumulation (cell included)"
                                          : "MFD flow accumulation: contributing area in cells, cell included");
        sx_layer_out_t lo = {o->out_nc, o->out_cog, "accumulation", ln, "1", NULL, SX_DT_FLOAT64, SX_ACCUM_NODATA,
                             "AVERAGE", o->provenance};
        err = sx_layer_write(comm, &b.grid, b.d.own, own0, p->w, &lo);
    } else {
        /* Counts: Int32 when the grid has fewer than 2^31 cells (every count
         * fits; half the bytes of Int64, and the type GeoServer, geotiff.js
         * and older GDAL read), Int64 beyond. The type depends on the grid
         * only, so the file is the same at any rank count. */
        int narrow = b.grid.nx * b.grid.ny <= INT32_MAX;
        /* Packed in place at the buffer's start, row j at j * w: every write
         * lands at or below the double still to be read. */
        int32_t *c32 = (int32_t *)acc;
        int64_t *c64 = (int64_t *)acc;
        for (int64_t j = 0; j < p->own.ny; j++) {
            const double *r = acc + sx__pad_at(p, 0, j);
            for (int64_t i = 0; i < p->own.nx; i++) {
                int64_t c = isnan(r[i]) ? (int64_t)SX_ACCUM_NODATA : (int64_t)r[i];
                if (narrow) c32[j * p->w + i] = (int32_t)c;
                else c64[j * p->w + i] = c;
            }
        }
        sx_layer_out_t lo = {o->out_nc, o->out_cog, "accumulation", "D8 flow accumulation: cells draining through "
                             "each cell, itself included", "1", NULL, narrow ? SX_DT_INT32 : SX_DT_INT64,
                             SX_ACCUM_NODATA, "AVERAGE", o->provenance};
        err = sx_layer_write(comm, &b.grid, b.d.own, acc, p->w, &lo);
    }
    if (err == SX_OK && want_edge) {
        for (int64_t c = 0; c < p->n; c++)
            if (dir[c] == SX_D8_NODATA) edge[c] = 255;
        sx_layer_out_t le = {o->edge_nc, o->edge_cog, "edge_contaminated",
                             "1 where the upstream area touches the grid edge or nodata (flow may enter from beyond "
                             "the data)", "1", NULL, SX_DT_UINT8, 255, "NEAREST", o->provenance};
        err = sx_layer_write(comm, &b.grid, b.d.own, edge + sx__pad_at(p, 0, 0), p->w, &le);
    }
done:
    free(dir);
    free(edge);
    free(eq);
    free(acc);
    free(norm);
    free(rowdist);
    sx__dem_fini(&b);
    sx__dem_fini(&wb);
    return err;
}
