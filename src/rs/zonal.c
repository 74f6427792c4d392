/*
 * zonal.c — zonal statistics of a raster over polygon zones, reduced across
 * ranks so that the result does not depend on the rank count.
 *
 * Cells: the grid is cut into fixed super-tiles of TILE x TILE cells (a
 * function of the grid only), dealt to ranks round-robin. A rank burns the
 * zone numbers into each of its tiles (GDALRasterizeGeometries, pixel-centre
 * rule: a cell belongs to a zone when its centre is inside the polygon) and
 * keeps the tile's valid (value, zone) pairs.
 * Exactness: count, min and max reduce exactly. Sums are formed per
 * (tile, zone) in row-major order inside the tile, placed in a tiles x zones
 * array that only the owning rank fills (the others hold +0.0), summed with
 * MPI_Allreduce (adding zeros is exact) and then added up in tile order on
 * every rank: the same operations in the same order at any rank count. The
 * standard deviation uses the same scheme for sum((v - mean)^2) after the
 * mean is known (two-pass, numerically sound). The median is selected
 * exactly by radix selection on the float32 bit patterns: four rounds of
 * 256-bin integer histograms per zone, summed across ranks.
 * Memory: a rank holds its cells' values and zone numbers, plus tiles x
 * zones doubles for the partial sums.
 */
#include <gdal.h>
#include <gdal_alg.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
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
#include "sanxiang/sx_rs.h"
#include "sanxiang/sx_strbuf.h"


#define MPI_GOTO(call)                                                    \
    do {                                                                  \
        int rc_ = (call);                                                 \
        if (rc_ != MPI_SUCCESS) {                                         \
            err = sx__mpi_fail(rc_, #call, SX__FILE, __LINE__);           \
            goto free_more;                                               \
        }                                                                 \
    } while (0)

typedef struct {
    int nz;
    char **ids;
    OGRGeometryH *geoms; /* in the raster's CRS */
} zones_t;

static void zones_free(zones_t *z)
{
    for (int i = 0; i < z->nz; i++) {
        free(z->ids ? z->ids[i] : NULL);
        if (z->geoms && z->geoms[i]) OGR_G_DestroyGeometry(z->geoms[i]);
    }
    free(z->ids);
    free(z->geoms);
    memset(z, 0, sizeof *z);
}

static sx_err zones_load(const sx_rs_zonal_opts_t *o, const sx_grid_t *g, zones_t *z)
{
    GDALDatasetH ds;
    OGRLayerH lyr;
    OGRCoordinateTransformationH ct;
    SX_CHECK(sx__rs_vector_open(o->zones, o->layer, "zones", g, o->raster, &ds, &lyr, &ct));
    sx_err err = SX_OK;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(lyr);
    int fi = OGR_FD_GetFieldIndex(defn, o->id_field);
    const char *fidcol = OGR_L_GetFIDColumn(lyr);
    int use_fid = fi < 0 && (!strcmp(o->id_field, "fid") || (fidcol && *fidcol && !strcmp(o->id_field, fidcol)));
    if (fi < 0 && !use_fid)
        SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "zones '%s' have no field '%s' (use --id fid for the feature id)", o->zones,
                     o->id_field);
    int64_t n = OGR_L_GetFeatureCount(lyr, TRUE);
    if (n < 1 || n > 10000000) SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "zones '%s' have %lld features", o->zones, (long long)n);
    z->ids = calloc((size_t)n, sizeof *z->ids);
    z->geoms = calloc((size_t)n, sizeof *z->geoms);
    if (!z->ids || !z->geoms) SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "cannot hold %lld zones", (long long)n);
    OGR_L_ResetReading(lyr);
    OGRFeatureH f;
    while (!err && (f = OGR_L_GetNextFeature(lyr))) {
        if (z->nz == n) {
            OGR_F_Destroy(f);
            break;
        }
        OGRGeometryH geom = OGR_F_GetGeometryRef(f);
        char fidbuf[32];
        snprintf(fidbuf, sizeof fidbuf, "%lld", (long long)OGR_F_GetFID(f));
        z->ids[z->nz] = strdup(use_fid ? fidbuf : OGR_F_GetFieldAsString(f, fi));
        z->geoms[z->nz] = geom ? OGR_G_Clone(geom) : NULL;
        if (z->geoms[z->nz] && ct && OGR_G_Transform(z->geoms[z->nz], ct) != OGRERR_NONE)
            err = sx_err_set(SX_ERR_CRS, SX__FILE, __LINE__, "zone '%s' cannot be transformed to the raster's CRS: are its coordinates really in the CRS '%s' declares?",
                             z->ids[z->nz], o->zones);
        z->nz++;
        OGR_F_Destroy(f);
    }
done:
    if (ct) OCTDestroyCoordinateTransformation(ct);
    GDALClose(ds);
    return err;
}

/* float -> uint32 whose unsigned order is the float order */
static inline uint32_t fkey(float v)
{
    uint32_t u;
    memcpy(&u, &v, 4);
    return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}
static inline float unkey(uint32_t k)
{
    uint32_t u = (k & 0x80000000u) ? (k & 0x7fffffffu) : ~k;
    float v;
    memcpy(&v, &u, 4);
    return v;
}

/* Exact k-th smallest (0-based) per zone and target (2 targets per zone). */
static sx_err radix_select(MPI_Comm comm, const float *val, const int32_t *zid, int64_t n, int nz, const int64_t *k2,
                           uint32_t *key2)
{
    const int64_t nh = (int64_t)nz * 2 * 256;
    int64_t *h = malloc((size_t)nh * sizeof *h), *gh = malloc((size_t)nh * sizeof *gh);
    int64_t *rem = malloc((size_t)nz * 2 * sizeof *rem);
    if (!h || !gh || !rem) {
        free(h);
        free(gh);
        free(rem);
        SX_FAIL(SX_ERR_NOMEM, "cannot allocate median histograms for %d zones", nz);
    }
    for (int i = 0; i < 2 * nz; i++) {
        key2[i] = 0;
        rem[i] = k2[i];
    }
    int rc = MPI_SUCCESS;
    for (int round = 0; round < 4 && rc == MPI_SUCCESS; round++) {
        const int shift = 24 - 8 * round;
        const uint32_t hi_mask = round ? ~((1u << (shift + 8)) - 1u) : 0u;
        memset(h, 0, (size_t)nh * sizeof *h);
        for (int64_t i = 0; i < n; i++) {
            uint32_t k = fkey(val[i]);
            for (int t = 0; t < 2; t++) {
                int64_t s = (int64_t)zid[i] * 2 + t;
                if ((k & hi_mask) == (key2[s] & hi_mask)) h[s * 256 + ((k >> shift) & 255u)]++;
            }
        }
        int cnt;
        if (sx_mpi_count(nh, &cnt) != SX_OK) {
            rc = MPI_ERR_COUNT;
            break;
        }
        rc = MPI_Allreduce(h, gh, cnt, MPI_INT64_T, MPI_SUM, comm);
        for (int64_t s = 0; s < 2 * (int64_t)nz && rc == MPI_SUCCESS; s++) {
            int b = 0;
            while (b < 255 && rem[s] >= gh[s * 256 + b]) rem[s] -= gh[s * 256 + b++];
            key2[s] |= (uint32_t)b << shift;
        }
    }
    free(h);
    free(gh);
    free(rem);
    SX_CHECK_MPI(rc);
    return SX_OK;
}

static sx_err write_csv(const sx_rs_zonal_opts_t *o, const zones_t *z, const int64_t *cnt, const double *sum,
                        const double *mn, const double *mx, const double *ss, const uint32_t *key2)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_printf(&sb, "%s,count,sum,mean,min,max,std,median\n", o->id_field);
    for (int i = 0; i < z->nz; i++) {
        const char *id = z->ids[i] ? z->ids[i] : "";
        if (strpbrk(id, ",\"\n")) {
            sx_strbuf_puts(&sb, "\"");
            for (const char *c = id; *c; c++) sx_strbuf_puts(&sb, *c == '"' ? "\"\"" : (char[2]){*c, 0});
            sx_strbuf_puts(&sb, "\"");
        } else {
            sx_strbuf_puts(&sb, id);
        }
        if (!cnt[i]) {
            sx_strbuf_puts(&sb, ",0,0,,,,,\n");
            continue;
        }
        double med = cnt[i] % 2 ? (double)unkey(key2[2 * i]) : ((double)unkey(key2[2 * i]) + unkey(key2[2 * i + 1])) / 2;
        sx_strbuf_printf(&sb, ",%lld,%.17g,%.17g,%.9g,%.9g,%.17g,%.17g\n", (long long)cnt[i], sum[i], sum[i] / cnt[i], mn[i],
                         mx[i], sqrt(ss[i] / cnt[i]), med);
    }
    sx_err err = sb.failed ? sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot build the CSV") : SX_OK;
    if (!err) err = sx_write_text_file(o->out_csv, sb.data);
    sx_strbuf_fini(&sb);
    return err;
}

sx_err sx_rs_zonal_run(MPI_Comm comm, const sx_rs_zonal_opts_t *o)
{
    sx_err err = SX_OK;
    sx_raster_t *r = NULL;
    sx_grid_t g = {0};
    zones_t z = {0};
    float *val = NULL;
    int32_t *zid = NULL;
    double *tsum = NULL, *gsum = NULL, *dbuf = NULL;
    int32_t *zbuf = NULL;
    int64_t nval = 0, cap = 0, nlocal = 0;
    int64_t *tile_of = NULL, *tile_start = NULL;
    double *mean_of = NULL;
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);

    const int64_t TILE = o->tile > 0 ? o->tile : 1024;
    SX_FAIL_IF(TILE > 8192, SX_ERR_USAGE, "--tile must be at most 8192");
    SX_CHECK(sx_layer_open(comm, o->raster, o->band, &r, &g));
    err = zones_load(o, &g, &z);
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);
    const int nz = z.nz;
    const int64_t ntx = (g.nx + TILE - 1) / TILE, nty = (g.ny + TILE - 1) / TILE, nt = ntx * nty;
    sx_log_info("rs zonal: %d zones over %lld x %lld cells, %lld tiles of %lld", nz, (long long)g.nx, (long long)g.ny,
                (long long)nt, (long long)TILE);
    tsum = calloc((size_t)(nt * nz) + 1, sizeof *tsum);
    gsum = calloc((size_t)(nt * nz) + 1, sizeof *gsum);
    dbuf = malloc((size_t)TILE * TILE * sizeof *dbuf);
    zbuf = malloc((size_t)TILE * TILE * sizeof *zbuf);
    int64_t *cnt = calloc((size_t)nz * 2 + 2, sizeof *cnt);
    double *mn = malloc((size_t)(nz + 1) * 2 * sizeof *mn), *mx = malloc((size_t)(nz + 1) * 2 * sizeof *mx);
    double *sum = calloc((size_t)nz + 1, sizeof *sum), *ss = calloc((size_t)nz + 1, sizeof *ss);
    uint32_t *key2 = calloc((size_t)nz * 2 + 2, sizeof *key2);
    int64_t *k2 = calloc((size_t)nz * 2 + 2, sizeof *k2);
    tile_of = malloc((size_t)(nt / size + 2) * sizeof *tile_of);
    tile_start = malloc((size_t)(nt / size + 2) * sizeof *tile_start);
    mean_of = malloc((size_t)(nz + 1) * sizeof *mean_of);
    if (!tsum || !gsum || !dbuf || !zbuf || !cnt || !mn || !mx || !sum || !ss || !key2 || !k2 || !tile_of || !tile_start ||
        !mean_of)
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate zonal buffers for %d zones x %lld tiles", nz,
                         (long long)nt);
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, free_more);
    for (int i = 0; i < nz; i++) {
        mn[i] = INFINITY;
        mx[i] = -INFINITY;
    }

    /* pass 1: rasterize zones per tile, keep valid (value, zone), partial sums */
    GDALDriverH mem = GDALGetDriverByName("MEM");
    for (int64_t t = rank; t < nt && !err; t += size) {
        sx_window_t w = sx_tiles_window(g.nx, g.ny, TILE, TILE, t);
        sx_perf_start("rs zonal: read", SX_PERF_READ);
        err = sx_layer_read_f64(r, o->band, &g, w, w, dbuf);
        sx_perf_stop("rs zonal: read");
        if (err) break;
        sx_perf_start("rs zonal: rasterize", SX_PERF_COMPUTE);
        GDALDatasetH md = GDALCreate(mem, "", (int)w.nx, (int)w.ny, 1, GDT_Int32, NULL);
        if (!md) {
            err = sx_err_set(SX_ERR_GDAL, SX__FILE, __LINE__, "cannot create a rasterization buffer: %s", sx_gdal_last_error());
            break;
        }
        double gt[6] = {g.gt[0] + (double)w.x0 * g.gt[1], g.gt[1], 0, g.gt[3] + (double)w.y0 * g.gt[5], 0, g.gt[5]};
        GDALSetGeoTransform(md, gt);
        if (g.wkt) GDALSetProjection(md, g.wkt);
        GDALRasterBandH mb = GDALGetRasterBand(md, 1);
        GDALFillRaster(mb, -1, 0);
        int band1 = 1;
        for (int i = 0; i < nz && !err; i++) {
            if (!z.geoms[i]) continue;
            double burn = i;
            if (GDALRasterizeGeometries(md, 1, &band1, 1, &z.geoms[i], NULL, NULL, &burn, NULL, NULL, NULL) != CE_None)
                err = sx_err_set(SX_ERR_GDAL, SX__FILE, __LINE__, "rasterizing zone '%s' failed: %s", z.ids[i],
                                 sx_gdal_last_error());
        }
        if (!err && GDALRasterIO(mb, GF_Read, 0, 0, (int)w.nx, (int)w.ny, zbuf, (int)w.nx, (int)w.ny, GDT_Int32, 0, 0) != CE_None)
            err = sx_err_set(SX_ERR_GDAL, SX__FILE, __LINE__, "reading the zone raster failed: %s", sx_gdal_last_error());
        GDALClose(md);
        sx_perf_stop("rs zonal: rasterize");
        const int64_t cells = sx_window_cells(w);
        tile_of[nlocal] = t;
        tile_start[nlocal++] = nval;
        if (!err && nval + cells > cap) {
            int64_t nc = (nval + cells) * 2;
            float *nv = realloc(val, (size_t)nc * sizeof *nv);
            if (nv) val = nv;
            int32_t *nzid = realloc(zid, (size_t)nc * sizeof *nzid);
            if (nzid) zid = nzid;
            if (!nv || !nzid) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot hold this rank's zone cells");
            else cap = nc;
        }
        for (int64_t i = 0; i < cells && !err; i++) {
            int32_t zi = zbuf[i];
            if (zi < 0 || isnan(dbuf[i])) continue;
            float v = (float)dbuf[i];
            val[nval] = v;
            zid[nval++] = zi;
            tsum[t * nz + zi] += v;
            cnt[zi]++;
            if (v < mn[zi]) mn[zi] = v;
            if (v > mx[zi]) mx[zi] = v;
        }
    }
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, free_more);

    int c;
    SX_CHECK_GOTO(sx_mpi_count(nt * nz, &c), err, free_more);
    sx_perf_start("rs zonal: reduce", SX_PERF_COMM);
    MPI_GOTO(MPI_Allreduce(MPI_IN_PLACE, cnt, nz, MPI_INT64_T, MPI_SUM, comm));
    MPI_GOTO(MPI_Allreduce(MPI_IN_PLACE, mn, nz, MPI_DOUBLE, MPI_MIN, comm));
    MPI_GOTO(MPI_Allreduce(MPI_IN_PLACE, mx, nz, MPI_DOUBLE, MPI_MAX, comm));
    MPI_GOTO(MPI_Allreduce(tsum, gsum, c, MPI_DOUBLE, MPI_SUM, comm));
    for (int64_t t = 0; t < nt; t++)
        for (int i = 0; i < nz; i++) sum[i] += gsum[t * nz + i];
    for (int i = 0; i < nz; i++) mean_of[i] = cnt[i] ? sum[i] / cnt[i] : 0;
    /* pass 2: sum of squared deviations from the exact-order mean, same scheme */
    memset(tsum, 0, (size_t)(nt * nz) * sizeof *tsum);
    for (int64_t k = 0; k < nlocal; k++) {
        int64_t t = tile_of[k], e = k + 1 < nlocal ? tile_start[k + 1] : nval;
        for (int64_t i = tile_start[k]; i < e; i++) {
            double dv = val[i] - mean_of[zid[i]];
            tsum[t * nz + zid[i]] += dv * dv;
        }
    }
    MPI_GOTO(MPI_Allreduce(tsum, gsum, c, MPI_DOUBLE, MPI_SUM, comm));
    for (int64_t t = 0; t < nt; t++)
        for (int i = 0; i < nz; i++) ss[i] += gsum[t * nz + i];
    for (int i = 0; i < nz; i++) {
        k2[2 * i] = cnt[i] ? (cnt[i] - 1) / 2 : 0;
        k2[2 * i + 1] = cnt[i] / 2;
    }
    err = radix_select(comm, val, zid, nval, nz, k2, key2);
    sx_perf_stop("rs zonal: reduce");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, free_more);
    if (rank == 0) err = write_csv(o, &z, cnt, sum, mn, mx, ss, key2);
    err = sx_err_agree(comm, err);
free_more:
    free(k2);
    free(key2);
    free(ss);
    free(sum);
    free(mx);
    free(mn);
    free(cnt);
done:
    free(zbuf);
    free(dbuf);
    free(gsum);
    free(tsum);
    free(zid);
    free(val);
    free(tile_of);
    free(tile_start);
    free(mean_of);
    zones_free(&z);
    sx_grid_fini(&g);
    sx_raster_close(&r);
    return err;
}
