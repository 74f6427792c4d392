/*
 * watershed.c — `dem watershed`: basins upstream of outlet points, nested
 * (each cell belongs to the first outlet downstream of it), as a raster of
 * outlet ids and as GeoPackage polygons with areas in km².
 *
 * Outlets come from a CSV (columns x/y or lon/lat, optional id) or GeoJSON
 * points, read through OGR in the DEM's CRS. Each is snapped to the cell of
 * highest accumulation within `snap` cells (ties: lowest row-major index),
 * found per rank and agreed with exact max/min reductions. Labels spread
 * upstream against the flow directions as the fixpoint of
 * label[t] = label[downstream(t)] for non-outlet cells (fixpoint.c), so
 * they do not depend on the ranks. Areas: each cell's area (projected: |dx dy|;
 * geographic: R² dλ (sin φn − sin φs) on the sphere R = 6371008.8 m) is
 * added in integer units of 1e-4 m², exact and order-free, then summed over
 * ranks. Polygons are traced from the written raster, 8-connected, by the io
 * layer's parallel polygonizer (sx_polygonize.h: every rank its block of
 * rows, rank 0 joins the basins that cross block edges and writes the
 * layer); a basin is one polygon (each cell reaches its outlet through D8
 * steps inside the basin), numbered by its first cell in raster-scan order,
 * the same layer at any rank count. Each polygon carries downstream_id, the
 * basin_id of the next outlet downstream (the label of the cell its outlet
 * cell drains to; 0 when that cell leaves the grid or no outlet lies further
 * down), found by two exact max-reductions, so the basin network does not
 * depend on the ranks.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gdal.h>
#include <ogr_api.h>

#include "dem/fixpoint.h"
#include "dem/hydro_internal.h"
#include "sanxiang/sx_dem.h"
#include "sanxiang/sx_hydrology.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_perf.h"
#include "sanxiang/sx_polygonize.h"
#include "sanxiang/sx_raster.h"

#define WS_MAX_OUTLETS 100000

sx_err sx_dem_watershed_label(const sx_decomp_t *d, const uint8_t *dirown, const int64_t *outlet_cells, int64_t n,
                              int32_t *label)
{
    sx_err err = SX_OK;
    sx__pad_t p;
    sx_halo_t *hd = NULL, *hv = NULL;
    uint8_t *dir = NULL, *out = NULL, *links = NULL;
    uint32_t *v = NULL;
    uint32_t *src = NULL;
    int64_t ns = 0;
    SX_CHECK(sx__pad_init(&p, d->own, 1, d->gnx, d->gny));
    size_t nn = (size_t)(p.n ? p.n : 1);
    err = sx_halo_create_padded(d, 1, 1, &hd);
    if (err == SX_OK) err = sx_halo_create_padded(d, 1, sizeof(int32_t), &hv);
    if (err == SX_OK) {
        dir = malloc(nn);
        out = calloc(nn, 1);
        v = calloc(nn, sizeof *v);
        src = malloc((size_t)(n ? n : 1) * sizeof *src);
        links = calloc(nn, 1);
        if (!dir || !out || !v || !src || !links)
            err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "watershed block");
    }
    SX_CHECK_GOTO(sx_err_agree(d->comm, err), err, done);
    memset(dir, SX_D8_NODATA, nn);
    for (int64_t j = 0; j < p.own.ny; j++) memcpy(dir + sx__pad_at(&p, 0, j), dirown + j * p.own.nx, (size_t)p.own.nx);
    SX_CHECK_GOTO(sx_halo_exchange(hd, dir), err, done);
    for (int64_t i = 0; i < n; i++) {
        int64_t gi = outlet_cells[i] % d->gnx, gj = outlet_cells[i] / d->gnx;
        if (gi < p.own.x0 || gj < p.own.y0 || gi >= p.own.x0 + p.own.nx || gj >= p.own.y0 + p.own.ny) continue;
        int64_t c = sx__pad_at(&p, gi - p.own.x0, gj - p.own.y0);
        if (!out[c]) src[ns++] = (uint32_t)c;
        if (!out[c] || i + 1 < v[c]) v[c] = (uint32_t)(i + 1); /* two outlets on one cell: the first id wins */
        out[c] = 1;
    }
    /* links upstream: from each cell (own or halo) to the own non-outlet cells draining into it */
    for (int64_t j = 0; j < p.own.ny; j++)
        for (int64_t c = sx__pad_at(&p, 0, j), e = c + p.own.nx; c < e; c++)
            if (dir[c] < 8 && !out[c]) links[c + p.off[dir[c]]] |= (uint8_t)(1u << ((dir[c] + 4) & 7));
    sx__fixpoint_t fp = {d, &p, hv, links};
    SX_CHECK_GOTO(sx__fixpoint_min(&fp, v, 0, src, ns), err, done);
    for (int64_t j = 0; j < p.own.ny; j++) {
        const uint32_t *row = v + sx__pad_at(&p, 0, j);
        for (int64_t i = 0; i < p.own.nx; i++) label[j * p.own.nx + i] = (int32_t)row[i];
    }
done:
    sx_halo_destroy(&hd);
    sx_halo_destroy(&hv);
    free(dir);
    free(out);
    free(v);
    free(src);
    free(links);
    return err;
}

/* Next outlet downstream of every outlet (0: none), see the file comment. Collective. */
static sx_err downstream_ids(const sx_decomp_t *d, const uint8_t *dir, const int32_t *lab, const int64_t *cells,
                             int64_t n, int cnt, int32_t *down)
{
    const sx_window_t own = d->own;
    int64_t *dn = malloc(sizeof *dn * (size_t)(n ? n : 1)), *gdn = malloc(sizeof *gdn * (size_t)(n ? n : 1));
    int32_t *lo = calloc((size_t)(n ? n : 1), sizeof *lo);
    sx_err err = dn && gdn && lo ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "outlet links");
    err = sx_err_agree(d->comm, err);
    for (int64_t k = 0; k < n && !err; k++) {
        int64_t gi = cells[k] % d->gnx, gj = cells[k] / d->gnx;
        dn[k] = -1;
        if (gi < own.x0 || gj < own.y0 || gi >= own.x0 + own.nx || gj >= own.y0 + own.ny) continue;
        uint8_t c = dir[(gj - own.y0) * own.nx + gi - own.x0];
        if (c >= 8) continue;
        int64_t ti = gi + sx_d8_dx[c], tj = gj + sx_d8_dy[c];
        if (ti >= 0 && tj >= 0 && ti < d->gnx && tj < d->gny) dn[k] = tj * d->gnx + ti;
    }
    if (!err && MPI_Allreduce(dn, gdn, cnt, MPI_INT64_T, MPI_MAX, d->comm) != MPI_SUCCESS)
        err = sx_err_set(SX_ERR_MPI, SX__FILE, __LINE__, "reducing outlet links failed");
    for (int64_t k = 0; k < n && !err; k++) {
        int64_t ti = gdn[k] % d->gnx, tj = gdn[k] / d->gnx;
        if (gdn[k] >= 0 && ti >= own.x0 && tj >= own.y0 && ti < own.x0 + own.nx && tj < own.y0 + own.ny)
            lo[k] = lab[(tj - own.y0) * own.nx + ti - own.x0];
    }
    if (!err && MPI_Allreduce(lo, down, cnt, MPI_INT32_T, MPI_MAX, d->comm) != MPI_SUCCESS)
        err = sx_err_set(SX_ERR_MPI, SX__FILE, __LINE__, "reducing outlet links failed");
    free(dn);
    free(gdn);
    free(lo);
    return err;
}

/* Area of one cell of row gj in 1e-4 m² units. */
static int64_t cell_area_units(const sx_grid_t *g, int64_t gj)
{
    double a;
    if (sx_grid_is_geographic(g)) {
        const double deg = M_PI / 180.0;
        double yn = g->gt[3] + g->gt[5] * (double)gj, ys = yn + g->gt[5];
        a = SX_EARTH_RADIUS_M * SX_EARTH_RADIUS_M * fabs(g->gt[1]) * deg * fabs(sin(yn * deg) - sin(ys * deg));
    } else {
        a = fabs(g->gt[1] * g->gt[5]);
    }
    return (int64_t)llround(a * 1e4);
}

/* Outlets (x, y) in map coordinates from CSV or GeoJSON, on every rank. */
static sx_err read_outlets(const char *path, double **xy, int64_t *n)
{
    const char *oo[] = {"X_POSSIBLE_NAMES=x,X,lon,longitude,Lon,Longitude", "Y_POSSIBLE_NAMES=y,Y,lat,latitude,Lat,Latitude",
                        NULL};
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, oo, NULL);
    if (!ds) SX_FAIL_GDAL("cannot open outlets '%s' (CSV with x,y or lon,lat columns, or GeoJSON points)", path);
    OGRLayerH l = GDALDatasetGetLayer(ds, 0);
    *n = 0;
    *xy = malloc(sizeof **xy * 2 * WS_MAX_OUTLETS);
    sx_err err = *xy ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "outlets");
    OGRFeatureH f;
    if (l) OGR_L_ResetReading(l);
    while (err == SX_OK && l && (f = OGR_L_GetNextFeature(l)) != NULL) {
        OGRGeometryH geom = OGR_F_GetGeometryRef(f);
        if (!geom || wkbFlatten(OGR_G_GetGeometryType(geom)) != wkbPoint)
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "outlet %lld in '%s' is not a point (need x,y columns or "
                             "Point features)", (long long)(*n + 1), path);
        else if (*n == WS_MAX_OUTLETS)
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "more than %d outlets in '%s'", WS_MAX_OUTLETS, path);
        else {
            (*xy)[2 * *n] = OGR_G_GetX(geom, 0);
            (*xy)[2 * *n + 1] = OGR_G_GetY(geom, 0);
            ++*n;
        }
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    if (err == SX_OK && *n == 0) err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "no outlet points in '%s'", path);
    return err;
}

/* The basins' attributes per polygon (rank 0): its own area and the next outlet down. */
typedef struct {
    const double *km2;
    const int32_t *down;
    int64_t n;
} basin_attrs_t;

static sx_err basin_visit(void *ctx, OGRFeatureH f, const sx_polygon_t *poly, int *keep)
{
    const basin_attrs_t *b = ctx;
    const int id = poly->value;
    *keep = 1;
    OGR_F_SetFieldDouble(f, 1, id >= 1 && id <= b->n ? b->km2[id - 1] : 0);
    OGR_F_SetFieldInteger(f, 2, id >= 1 && id <= b->n ? b->down[id - 1] : 0);
    return SX_OK;
}

/* The basin polygons of the label raster src (rank 0's name), 8-connected. Collective. */
static sx_err basin_polygons(MPI_Comm comm, const char *src, const char *gpkg, const double *km2, const int32_t *down,
                             int64_t n)
{
    const sx_polygonize_field_t fields[] = {{"basin_id", OFTInteger}, {"area_km2", OFTReal},
                                            {"downstream_id", OFTInteger}};
    basin_attrs_t b = {km2, down, n};
    const sx_polygonize_t p = {"basins", 1, fields, 3, 0, NULL, basin_visit, NULL, &b};
    sx_perf_start("watershed: polygons", SX_PERF_WRITE);
    sx_err err = sx_polygonize_raster(comm, src, gpkg, &p);
    sx_perf_stop("watershed: polygons");
    return err;
}

sx_err sx_dem_watershed_run(MPI_Comm comm, const sx_watershed_opts_t *o)
{
    sx_err err = SX_OK;
    sx_raster_t *r = NULL;
    sx_grid_t ga = {0}, gd = {0};
    sx_decomp_t d = {0};
    double *acc = NULL, *dv = NULL, *xy = NULL, *km2 = NULL;
    uint8_t *dir = NULL;
    int32_t *lab = NULL, *down = NULL;
    int64_t *cells = NULL, *units = NULL, *gunits = NULL, n = 0;

    sx_perf_start("watershed: read", SX_PERF_READ);
    SX_CHECK(sx_layer_open(comm, o->flowdir, 1, &r, &gd));
    sx_raster_close(&r);
    err = sx_layer_open(comm, o->accum, 1, &r, &ga);
    if (err == SX_OK)
        err = sx_err_agree(comm, sx_grid_same_frame(&ga, &gd) ? SX_OK
                                                              : sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                                                                           "'%s' and '%s' are not on one grid",
                                                                           o->accum, o->flowdir));
    if (err == SX_OK) err = sx_decomp_init(&d, comm, gd.nx, gd.ny, gd.block_x, gd.block_y);
    if (err != SX_OK) goto done;
    int64_t no = sx_window_cells(d.own);
    size_t nn = (size_t)(no ? no : 1);
    acc = malloc(nn * sizeof *acc);
    dv = malloc(nn * sizeof *dv);
    dir = malloc(nn);
    lab = malloc(nn * sizeof *lab);
    err = acc && dv && dir && lab ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "watershed block");
    if (err == SX_OK) err = sx_layer_read_f64(r, 1, &ga, d.own, d.own, acc);
    sx_raster_close(&r);
    if (err == SX_OK) err = sx_raster_open(o->flowdir, &r);
    if (err == SX_OK) err = sx_layer_read_f64(r, 1, &gd, d.own, d.own, dv);
    sx_raster_close(&r);
    for (int64_t i = 0; i < no && err == SX_OK; i++) {
        if (isnan(dv[i]) || dv[i] == 255) {
            dir[i] = SX_D8_NODATA;
            acc[i] = -INFINITY;
            continue;
        }
        err = sx_d8_decode(o->encoding, dv[i], &dir[i]);
        if (isnan(acc[i])) acc[i] = -INFINITY;
    }
    if (err == SX_OK) err = read_outlets(o->outlets, &xy, &n);
    sx_perf_stop("watershed: read");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);

    /* snap: highest accumulation within o->snap cells; ties to the lowest index */
    cells = malloc(sizeof *cells * (size_t)n);
    units = calloc((size_t)n, sizeof *units);
    gunits = calloc((size_t)n, sizeof *gunits);
    km2 = calloc((size_t)n, sizeof *km2);
    SX_CHECK_GOTO(sx_err_agree(comm, cells && units && gunits && km2 ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "outlets")), err, done);
    for (int64_t k = 0; k < n; k++) {
        int64_t ci = (int64_t)floor((xy[2 * k] - gd.gt[0]) / gd.gt[1]), cj = (int64_t)floor((xy[2 * k + 1] - gd.gt[3]) / gd.gt[5]);
        double best = -INFINITY, gbest;
        int64_t bi = INT64_MAX, gbi;
        for (int64_t j = cj - o->snap; j <= cj + o->snap; j++)
            for (int64_t i = ci - o->snap; i <= ci + o->snap; i++) {
                if (i < d.own.x0 || j < d.own.y0 || i >= d.own.x0 + d.own.nx || j >= d.own.y0 + d.own.ny) continue;
                double a = acc[(j - d.own.y0) * d.own.nx + i - d.own.x0];
                int64_t idx = j * gd.nx + i;
                if (a > best || (a == best && idx < bi)) {
                    best = a;
                    bi = idx;
                }
            }
        MPI_Allreduce(&best, &gbest, 1, MPI_DOUBLE, MPI_MAX, comm);
        if (best != gbest) bi = INT64_MAX;
        MPI_Allreduce(&bi, &gbi, 1, MPI_INT64_T, MPI_MIN, comm);
        if (gbest == -INFINITY || gbi == INT64_MAX) {
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                             "outlet %lld (%.6f, %.6f) of '%s' has no data cell within %d cells; check its CRS "
                             "(it must be the DEM's) and position",
                             (long long)(k + 1), xy[2 * k], xy[2 * k + 1], o->outlets, o->snap);
            break;
        }
        cells[k] = gbi;
    }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    sx_perf_start("watershed: compute", SX_PERF_COMPUTE);
    err = sx_dem_watershed_label(&d, dir, cells, n, lab);
    sx_perf_stop("watershed: compute");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    for (int64_t j = 0; j < d.own.ny; j++) {
        int64_t a = cell_area_units(&gd, d.own.y0 + j);
        for (int64_t i = 0; i < d.own.nx; i++) {
            int32_t l = lab[j * d.own.nx + i];
            if (l > 0) units[l - 1] += a;
        }
    }
    int cnt = 0;
    SX_CHECK_GOTO(sx_err_agree(comm, sx_mpi_count(n, &cnt)), err, done);
    MPI_Allreduce(units, gunits, cnt, MPI_INT64_T, MPI_SUM, comm);
    for (int64_t k = 0; k < n; k++) km2[k] = (double)gunits[k] * 1e-4 / 1e6;
    down = calloc((size_t)(n ? n : 1), sizeof *down);
    SX_CHECK_GOTO(sx_err_agree(comm, down ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "outlet links")), err, done);
    SX_CHECK_GOTO(downstream_ids(&d, dir, lab, cells, n, cnt, down), err, done);
    sx_layer_out_t lo = {o->out_nc, o->out_cog, "basin", "sub-basin: id of the first outlet downstream (0 none)", "1",
                         NULL, SX_DT_INT32, 0, "NEAREST", o->provenance};
    SX_CHECK_GOTO(sx_layer_write(comm, &gd, d.own, lab, d.own.nx, &lo), err, done);
    if (o->polygons) {
        char src[SX_PATH_MAX + 32];
        sx_layer_staged_name(o->out_cog, o->out_nc, "basin", src, sizeof src);
        err = basin_polygons(comm, src, o->polygons, km2, down, n);
    }
    if (err == SX_OK)
        for (int64_t k = 0; k < n && k < 20; k++)
            sx_log_info("watershed: outlet %lld at cell (%lld, %lld): %.4f km2 (own sub-basin), drains to %d",
                        (long long)(k + 1), (long long)(cells[k] % gd.nx), (long long)(cells[k] / gd.nx), km2[k], down[k]);
done:
    sx_raster_close(&r);
    sx_grid_fini(&ga);
    sx_grid_fini(&gd);
    sx_decomp_fini(&d);
    free(acc);
    free(dv);
    free(dir);
    free(lab);
    free(xy);
    free(cells);
    free(units);
    free(gunits);
    free(km2);
    free(down);
    return err;
}
