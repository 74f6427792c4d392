/*
 * raster_cog.c — the COG of a published raster layer, written by every rank
 * of the publish.
 *
 * Rank 0 builds the package (package.c) while the other ranks wait in
 * sx__pub_cog_serve. For each raster layer rank 0 sends them the source (the
 * run's file, or the warped VRT it wrote into the package), the COG's path,
 * the overview resampling and the provenance, and then all ranks write that
 * COG together: each reads its own block of the source through GDAL, the
 * band statistics are reduced exactly (sx_layer_stats), and
 * sx_cog_write_blocks compresses the tiles on every rank and writes them
 * into the one file with MPI-IO. A reprojection is computed by GDAL's warper
 * one block of the VRT at a time, so a cell's value does not depend on which
 * rank reads it: the package's COGs are byte-identical at any rank count, and
 * no step of a large layer runs on one core while the others wait.
 *
 * DEFLATE with the predictor, as before: the web viewer's geotiff.js,
 * GeoServer and older QGIS read it; ZSTD they may not. Level 1: on a
 * published slope layer (bench/publish.sh) level 6, GDAL's default, made the
 * file 1.8 % smaller for about three times the compression time.
 *
 * Layers the parallel writer cannot carry unchanged (several bands, a colour
 * table or category names, an integer band without nodata, a cell type it
 * does not write) still go through GDAL's COG driver on rank 0
 * (sx_cog_write), as all layers did before.
 */
#include <gdal.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "publish/publish_internal.h"
#include "sanxiang/sx_cog.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_perf.h"

enum { CMD_DONE = 0, CMD_COG = 1, NSTR = 4 };

/* Band metadata the published COG keeps (copied from band 1 of the source). */
typedef struct {
    char *description, *name, *long_name, *units, *standard_name;
} band_text_t;

static char *dup_or_null(const char *s) { return s && s[0] ? strdup(s) : NULL; }

static void band_text_fini(band_text_t *t)
{
    free(t->description), free(t->name), free(t->long_name), free(t->units), free(t->standard_name);
    memset(t, 0, sizeof *t);
}

/* 1 when the parallel writer carries the source as it is (see the header);
 * the band's texts are filled in then. Not collective: every rank reads the
 * same file and comes to the same answer. */
static int parallel_ok(const char *src, band_text_t *t)
{
    GDALDatasetH ds = GDALOpenEx(src, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) return 0;
    int ok = GDALGetRasterCount(ds) == 1;
    GDALRasterBandH b = ok ? GDALGetRasterBand(ds, 1) : NULL;
    if (ok) {
        GDALDataType gt = GDALGetRasterDataType(b);
        int has_nd = 0;
        GDALGetRasterNoDataValue(b, &has_nd);
        ok = (gt == GDT_Byte || gt == GDT_Int16 || gt == GDT_UInt16 || gt == GDT_Int32 || gt == GDT_UInt32 ||
              gt == GDT_Float32 || gt == GDT_Float64) &&
             (has_nd || GDALDataTypeIsFloating(gt)) && !GDALGetRasterColorTable(b) && !GDALGetRasterCategoryNames(b) &&
             !GDALGetDefaultRAT(b);
    }
    if (ok) {
        t->description = dup_or_null(GDALGetDescription(b));
        t->name = dup_or_null(GDALGetMetadataItem(b, "NETCDF_VARNAME", NULL));
        t->long_name = dup_or_null(GDALGetMetadataItem(b, "long_name", NULL));
        const char *u = GDALGetRasterUnitType(b);
        t->units = dup_or_null(u && u[0] ? u : GDALGetMetadataItem(b, "units", NULL));
        t->standard_name = dup_or_null(GDALGetMetadataItem(b, "standard_name", NULL));
    }
    CPLErrorReset();
    GDALClose(ds);
    return ok;
}

/* Every rank's block of src into the COG at cog. Collective over comm. */
static sx_err write_parallel(MPI_Comm comm, const char *src, const char *cog, const char *resampling, const char *prov,
                             const band_text_t *t)
{
    char timer[3][96], id[64];
    const char *base = strrchr(cog, '/');
    snprintf(id, sizeof id, "%.*s", (int)strcspn(base ? base + 1 : cog, "."), base ? base + 1 : cog);
    snprintf(timer[0], sizeof timer[0], "%s: read, reproject", id);
    snprintf(timer[1], sizeof timer[1], "%s: statistics", id);
    snprintf(timer[2], sizeof timer[2], "%s: write COG", id);
    sx_raster_t *r = NULL;
    sx_grid_t g = {0};
    sx_perf_start(timer[0], SX_PERF_READ);
    sx_err err = sx_layer_open(comm, src, 1, &r, &g);
    if (err != SX_OK) {
        sx_perf_stop(timer[0]);
        return err;
    }
    sx_decomp_t d = {0};
    void *buf = NULL;
    err = sx_decomp_init(&d, comm, g.nx, g.ny, SX_DECOMP_OUTPUT_TILE, SX_DECOMP_OUTPUT_TILE);
    sx_window_t own = d.own;
    size_t bytes = (size_t)sx_window_cells(own) * sx_dtype_size(g.dtype);
    if (err == SX_OK && bytes > 0 && !(buf = malloc(bytes)))
        err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate %zu bytes for this rank's block of '%s'",
                         bytes, src);
    if (err == SX_OK && bytes > 0) err = sx_raster_read(r, 1, own.x0, own.y0, own.nx, own.ny, g.dtype, buf, own.nx);
    sx_perf_stop(timer[0]);
    err = sx_err_agree(comm, err);
    double fill = g.has_nodata ? g.nodata : NAN;
    sx_band_stats_t st;
    sx_perf_start(timer[1], SX_PERF_COMPUTE);
    if (err == SX_OK) err = sx_layer_stats(comm, own, buf, own.nx, g.dtype, fill, &st);
    sx_perf_stop(timer[1]);
    if (err == SX_OK) {
        sx_perf_start(timer[2], SX_PERF_WRITE);
        sx_cog_layer_t l = {.dtype = g.dtype, .fill = fill, .resampling = resampling, .codec = SX_COG_DEFLATE,
                            .level = 1, .tile = 512, .name = t->name, .long_name = t->long_name, .units = t->units,
                            .standard_name = t->standard_name, .provenance = prov, .stats = &st,
                            .description = t->description};
        err = sx_cog_write_blocks(comm, cog, &g, own, buf, own.nx, &l);
        sx_perf_stop(timer[2]);
    }
    free(buf);
    sx_decomp_fini(&d);
    sx_raster_close(&r);
    sx_grid_fini(&g);
    return err;
}

/* The COG of one layer, by every rank. Collective over comm. */
static sx_err write_cog(MPI_Comm comm, const char *src, const char *cog, const char *resampling, const char *prov)
{
    band_text_t t = {0};
    sx_err err;
    int rank, size;
    MPI_Comm_rank(comm, &rank);
    MPI_Comm_size(comm, &size);
    if (parallel_ok(src, &t)) {
        if (rank == 0) sx_log(SX_LOG_DEBUG, "publish: %s: COG written by %d rank(s)", cog, size);
        err = write_parallel(comm, src, cog, resampling, prov, &t);
    } else {
        if (rank == 0)
            sx_log(SX_LOG_DEBUG, "publish: %s: COG written by GDAL on rank 0 (several bands, a colour table or "
                   "categories, integers without nodata, or a cell type the parallel writer does not write)", cog);
        sx_cog_opts_t co = {"DEFLATE", 0, resampling, 512, NULL};
        err = sx_cog_write(comm, src, cog, &co, prov);
    }
    band_text_fini(&t);
    return err;
}

/* The command and its strings, rank 0 -> the others: the lengths, then an
 * agreement that every rank could allocate them (so a failure cannot leave
 * the ranks waiting in different calls), then the strings in one buffer. */
static sx_err send_cmd(MPI_Comm comm, int cmd, const char *const s[NSTR])
{
    int len[1 + NSTR] = {cmd};
    for (int i = 0; i < NSTR && cmd == CMD_COG; i++) len[1 + i] = s[i] ? (int)strlen(s[i]) + 1 : 0;
    MPI_Bcast(len, 1 + NSTR, MPI_INT, 0, comm);
    if (cmd != CMD_COG) return SX_OK;
    SX_CHECK(sx_err_agree(comm, SX_OK));
    for (int i = 0; i < NSTR; i++)
        if (len[1 + i] > 0) MPI_Bcast((void *)s[i], len[1 + i], MPI_CHAR, 0, comm);
    return SX_OK;
}

sx_err sx__pub_cog(const sx__pub_t *p, const char *src, const char *cog, const char *resampling)
{
    int size;
    MPI_Comm_size(p->comm, &size);
    if (size > 1) {
        const char *s[NSTR] = {src, cog, resampling, p->provenance};
        SX_CHECK(send_cmd(p->comm, CMD_COG, s));
    }
    return write_cog(p->comm, src, cog, resampling, p->provenance);
}

void sx__pub_cog_release(MPI_Comm comm)
{
    int size;
    MPI_Comm_size(comm, &size);
    if (size > 1) (void)send_cmd(comm, CMD_DONE, NULL);
}

sx_err sx__pub_cog_serve(MPI_Comm comm)
{
    for (;;) {
        int len[1 + NSTR];
        MPI_Bcast(len, 1 + NSTR, MPI_INT, 0, comm);
        if (len[0] != CMD_COG) return SX_OK;
        size_t total = 0;
        for (int i = 0; i < NSTR; i++) total += (size_t)len[1 + i];
        char *buf = malloc(total + 1);
        sx_err err = buf ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate a publish message");
        if (sx_err_agree(comm, err) != SX_OK) { /* rank 0 ends the publish with this error */
            free(buf);
            continue;
        }
        char *s[NSTR] = {0};
        for (size_t i = 0, at = 0; i < NSTR; at += (size_t)len[1 + i], i++)
            if (len[1 + i] > 0) {
                s[i] = buf + at;
                MPI_Bcast(s[i], len[1 + i], MPI_CHAR, 0, comm);
            }
        /* The outcome is agreed inside write_cog: rank 0 has it too and ends the publish if it failed. */
        (void)write_cog(comm, s[0], s[1], s[2], s[3]);
        free(buf);
    }
}
