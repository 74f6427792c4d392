/*
 * streams.c — `dem streams`: stream cells (accumulation >= threshold), their
 * Strahler (1957) order as a raster, and the stream links as GeoPackage
 * lines.
 *
 * The order raster comes from the same parallel sweep as the accumulation
 * (accum_dist.c), so it is rank-count independent. Links: the stream cells
 * (a small fraction of the grid at useful thresholds) are gathered on rank 0,
 * which traces each link from a head cell — a source (no upstream stream
 * cell) or a junction (two or more) — down to the next head or to where the
 * stream leaves the data. Links are numbered by their head cell's row-major
 * index, so the file does not depend on the rank count. Memory on rank 0:
 * 24 bytes per stream cell.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include "dem/hydro_internal.h"
#include "sanxiang/sx_dem.h"
#include "sanxiang/sx_hydrology.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_perf.h"
#include "sanxiang/sx_raster.h"

typedef struct {
    int64_t idx;
    double acc;
    int32_t order;
    uint8_t dir, pad[3];
} scell_t;

static int scell_cmp(const void *a, const void *b)
{
    int64_t x = ((const scell_t *)a)->idx, y = ((const scell_t *)b)->idx;
    return (x > y) - (x < y);
}

static const scell_t *find(const scell_t *s, int64_t n, int64_t idx)
{
    scell_t key = {.idx = idx};
    return bsearch(&key, s, (size_t)n, sizeof *s, scell_cmp);
}

/* Target cell index of a stream cell, or -1 if its flow leaves the grid. */
static int64_t target(const sx_grid_t *g, const scell_t *c)
{
    if (c->dir >= 8) return -1;
    int64_t i = c->idx % g->nx + sx_d8_dx[c->dir], j = c->idx / g->nx + sx_d8_dy[c->dir];
    if (i < 0 || j < 0 || i >= g->nx || j >= g->ny) return -1;
    return j * g->nx + i;
}

static double step_metres(const sx_grid_t *g, int64_t a, int64_t b)
{
    double dx = fabs(g->gt[1]) * (double)(b % g->nx - a % g->nx), dy = fabs(g->gt[5]) * (double)(b / g->nx - a / g->nx);
    if (sx_grid_is_geographic(g)) {
        const double deg = M_PI / 180.0;
        dx *= deg * SX_EARTH_RADIUS_M * cos(sx_grid_y_center(g, a / g->nx) * deg);
        dy *= deg * SX_EARTH_RADIUS_M;
    }
    return hypot(dx, dy);
}

/* Rank 0: trace the links and write them to path (a temporary name). */
static sx_err write_links(const sx_grid_t *g, scell_t *s, int64_t n, const char *path)
{
    sx_err err = SX_OK;
    uint8_t *indeg = calloc((size_t)(n ? n : 1), 1);
    SX_FAIL_IF(!indeg, SX_ERR_NOMEM, "cannot allocate %lld stream cells", (long long)n);
    qsort(s, (size_t)n, sizeof *s, scell_cmp);
    for (int64_t k = 0; k < n; k++) {
        const scell_t *t = find(s, n, target(g, &s[k]));
        if (target(g, &s[k]) >= 0 && t && indeg[t - s] < 8) indeg[t - s]++;
    }
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    GDALDatasetH ds = drv ? GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL) : NULL;
    if (!ds) {
        free(indeg);
        SX_FAIL_GDAL("cannot create GeoPackage '%s'", path);
    }
    OGRSpatialReferenceH srs = g->wkt ? OSRNewSpatialReference(g->wkt) : NULL;
    if (srs) OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    OGRLayerH lyr = GDALDatasetCreateLayer(ds, "stream_links", srs, wkbLineString, NULL);
    const char *names[] = {"link_id", "strahler", "length_m", "cells", "upstream_cells"};
    const OGRFieldType types[] = {OFTInteger64, OFTInteger, OFTReal, OFTInteger64, OFTReal};
    for (int f = 0; f < 5 && lyr; f++) {
        OGRFieldDefnH fd = OGR_Fld_Create(names[f], types[f]);
        if (OGR_L_CreateField(lyr, fd, 1) != OGRERR_NONE) lyr = NULL;
        OGR_Fld_Destroy(fd);
    }
    if (!lyr) err = sx__gdal_fail(SX_ERR_GDAL, SX__FILE, __LINE__, "cannot create the link layer in '%s'", path);
    GDALDatasetStartTransaction(ds, 0);
    int64_t id = 0;
    for (int64_t k = 0; k < n && err == SX_OK; k++) {
        if (indeg[k] == 1) continue; /* not a head */
        OGRGeometryH line = OGR_G_CreateGeometry(wkbLineString);
        const scell_t *c = &s[k], *last = c;
        double len = 0;
        int64_t cells = 1;
        OGR_G_AddPoint_2D(line, sx_grid_x_center(g, c->idx % g->nx), sx_grid_y_center(g, c->idx / g->nx));
        for (;;) {
            int64_t t = target(g, c);
            const scell_t *nx = t >= 0 ? find(s, n, t) : NULL;
            if (!nx) break; /* leaves the streams or the grid */
            len += step_metres(g, c->idx, t);
            OGR_G_AddPoint_2D(line, sx_grid_x_center(g, t % g->nx), sx_grid_y_center(g, t / g->nx));
            last = nx;
            if (indeg[nx - s] != 1) break; /* next head: the link ends on it */
            c = nx;
            cells++;
        }
        if (OGR_G_GetPointCount(line) < 2) /* a one-cell link draining off the data */
            OGR_G_AddPoint_2D(line, sx_grid_x_center(g, s[k].idx % g->nx), sx_grid_y_center(g, s[k].idx / g->nx));
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
        OGR_F_SetFieldInteger64(f, 0, ++id);
        OGR_F_SetFieldInteger(f, 1, s[k].order);
        OGR_F_SetFieldDouble(f, 2, len);
        OGR_F_SetFieldInteger64(f, 3, cells);
        OGR_F_SetFieldDouble(f, 4, last->acc);
        OGR_F_SetGeometryDirectly(f, line);
        if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE)
            err = sx__gdal_fail(SX_ERR_GDAL, SX__FILE, __LINE__, "cannot write link %lld to '%s'", (long long)id, path);
        OGR_F_Destroy(f);
    }
    GDALDatasetCommitTransaction(ds);
    if (srs) OSRDestroySpatialReference(srs);
    GDALClose(ds);
    free(indeg);
    if (err == SX_OK) sx_log_info("streams: %lld links", (long long)id);
    return err;
}

static sx_err read_on(MPI_Comm comm, const char *name, const sx_decomp_t *d, sx_grid_t *g, double *v, int band)
{
    sx_raster_t *r = NULL;
    SX_CHECK(sx_layer_open(comm, name, band, &r, g));
    sx_err err = sx_layer_read_f64(r, band, g, d->own, d->own, v);
    sx_raster_close(&r);
    return sx_err_agree(comm, err);
}

sx_err sx_dem_streams_run(MPI_Comm comm, const sx_streams_opts_t *o)
{
    sx_err err = SX_OK;
    sx_grid_t ga = {0}, gd = {0};
    sx_decomp_t d = {0};
    double *acc = NULL, *dv = NULL, *order = NULL;
    uint8_t *dir = NULL, *out = NULL;
    scell_t *mine = NULL, *all = NULL;
    sx_raster_t *r = NULL;
    int rank = 0;
    MPI_Comm_rank(comm, &rank);

    sx_perf_start("streams: read", SX_PERF_READ);
    err = sx_layer_open(comm, o->accum, 1, &r, &ga);
    sx_raster_close(&r);
    if (err == SX_OK) err = sx_decomp_init(&d, comm, ga.nx, ga.ny, ga.block_x, ga.block_y);
    int64_t no = sx_window_cells(d.own);
    size_t nn = (size_t)(no ? no : 1);
    if (err == SX_OK) {
        acc = malloc(nn * sizeof *acc);
        dv = malloc(nn * sizeof *dv);
        order = malloc(nn * sizeof *order);
        dir = malloc(nn);
        out = malloc(nn);
        if (!acc || !dv || !order || !dir || !out)
            err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the stream block (%lld cells)", (long long)no);
    }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    sx_grid_fini(&ga);
    SX_CHECK_GOTO(read_on(comm, o->accum, &d, &ga, acc, 1), err, done);
    SX_CHECK_GOTO(read_on(comm, o->flowdir, &d, &gd, dv, 1), err, done);
    SX_CHECK_GOTO(sx_err_agree(comm, sx_grid_same_frame(&ga, &gd)
                                         ? SX_OK
                                         : sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                                                      "accumulation '%s' and flow directions '%s' are not on one "
                                                      "grid; derive both from the same DEM",
                                                      o->accum, o->flowdir)),
                  err, done);
    sx_perf_stop("streams: read");
    int64_t nstream = 0;
    for (int64_t i = 0; i < no && err == SX_OK; i++) {
        if (isnan(dv[i]) || dv[i] == 255) {
            dir[i] = SX_D8_NODATA;
            acc[i] = 0;
            continue;
        }
        err = sx__d8_decode_at(o->encoding, dv[i], o->flowdir, d.own.x0 + i % d.own.nx, d.own.y0 + i / d.own.nx,
                               &dir[i]);
        if (err == SX_OK) {
            acc[i] = !isnan(acc[i]) && acc[i] >= o->threshold ? 1 : 0; /* acc becomes the stream mask */
            nstream += acc[i] > 0;
        }
    }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    sx_perf_start("streams: compute", SX_PERF_COMPUTE);
    err = sx_dem_strahler_dist(&d, dir, acc, order);
    sx_perf_stop("streams: compute");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    for (int64_t i = 0; i < no; i++) out[i] = dir[i] == SX_D8_NODATA ? 255 : (uint8_t)order[i];
    sx_layer_out_t lo = {o->out_nc, o->out_cog, "strahler", "Strahler stream order (0 = not a stream)", "1", NULL,
                         SX_DT_UINT8, 255, "NEAREST", o->provenance};
    SX_CHECK_GOTO(sx_layer_write(comm, &gd, d.own, out, d.own.nx, &lo), err, done);
    if (!o->links) goto done;

    /* links: gather the stream cells on rank 0 (upstream counts re-read from accum) */
    sx_grid_fini(&ga);
    SX_CHECK_GOTO(read_on(comm, o->accum, &d, &ga, dv, 1), err, done);
    mine = malloc((size_t)(nstream ? nstream : 1) * sizeof *mine);
    SX_CHECK_GOTO(sx_err_agree(comm, mine ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "stream cells")), err,
                  done);
    int64_t m = 0;
    for (int64_t i = 0; i < no; i++)
        if (acc[i] > 0)
            mine[m++] = (scell_t){(d.own.y0 + i / d.own.nx) * ga.nx + d.own.x0 + i % d.own.nx, dv[i], (int32_t)order[i],
                                  dir[i], {0, 0, 0}};
    int64_t total = 0;
    void *got = NULL;
    SX_CHECK_GOTO(sx_mpi_gatherv_bytes(comm, 0, mine, m * (int64_t)sizeof *mine, "stream cells", "raise --threshold",
                                       &got, &total),
                  err, done);
    all = got;
    sx_output_t ot;
    SX_CHECK_GOTO(sx_output_begin(comm, o->links, &ot), err, done);
    if (rank == 0) err = write_links(&gd, all, total / (int64_t)sizeof *all, ot.tmp_path);
    err = sx_output_commit(comm, &ot, err);
done:
    sx_grid_fini(&ga);
    sx_grid_fini(&gd);
    sx_decomp_fini(&d);
    free(acc);
    free(dv);
    free(order);
    free(dir);
    free(out);
    free(mine);
    free(all);
    return err;
}
