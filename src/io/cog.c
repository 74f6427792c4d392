/*
 * cog.c — Cloud-Optimized GeoTIFF from any GDAL source, on rank 0 (the
 * layers kernels compute go through the parallel writer, cog_write.c).
 *
 * GDAL's COG driver reads the source through the block cache bounded by
 * sx_gdal_init(), builds overviews with the layer's resampling and writes
 * tiles in COG order; memory stays bounded by the cache, never the raster.
 * Band statistics (reduced by the ranks, or computed from the source) are
 * stored in it, and the provenance JSON goes into metadata item
 * SANXIANG_PROVENANCE. The file is written under a temporary name and
 * renamed when every rank agrees.
 */
#include "sanxiang/sx_cog.h"

#include <cpl_string.h>
#include <gdal.h>
#include <gdal_utils.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "io/cog_internal.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_raster.h"
#include "sanxiang/sx_threads.h"

/* The source seen through an in-memory VRT whose bands carry exact
 * statistics (STATISTICS_* metadata), which the COG driver then stores in
 * the TIFF itself (no .aux.xml sidecar that the rename would leave behind).
 * Band 1's statistics come from known (reduced by the ranks that wrote the
 * layer) when given; otherwise GDAL computes them in a pass over src. */
static sx_err open_with_statistics(const char *src, const sx_band_stats_t *known, GDALDatasetH *raw_out,
                                   GDALDatasetH *out)
{
    GDALDatasetH raw = GDALOpenEx(src, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!raw) SX_FAIL_GDAL("cannot open '%s' to make a COG", src);
    char *vargv[] = {"-of", "VRT", NULL};
    GDALTranslateOptions *vo = GDALTranslateOptionsNew(vargv, NULL);
    GDALDatasetH vrt = vo ? GDALTranslate("", raw, vo, NULL) : NULL;
    if (vo) GDALTranslateOptionsFree(vo);
    if (!vrt) {
        GDALClose(raw);
        SX_FAIL_GDAL("cannot wrap '%s' for COG conversion", src);
    }
    for (int b = 1; b <= GDALGetRasterCount(vrt); b++) {
        GDALRasterBandH band = GDALGetRasterBand(vrt, b);
        if (b == 1 && known) {
            if (known->valid) sx__cog_set_statistics(band, known);
            continue;
        }
        sx_band_stats_t st = {1, 0, 0, 0, 0, 0};
        /* CE_Failure means "no valid pixels": a legal, all-nodata layer. */
        if (GDALComputeRasterStatistics(band, FALSE, &st.min, &st.max, &st.mean, &st.stddev, NULL, NULL) == CE_None)
            sx__cog_set_statistics(band, &st);
    }
    CPLErrorReset();
    *raw_out = raw; /* stays open while the VRT refers to it; closed after it */
    *out = vrt;
    return SX_OK;
}

/* Threads for GDAL's block compression on rank 0: the threads of the job's
 * ranks on this node (they wait asleep in sx_mpi_idle_barrier meanwhile),
 * but no more than the CPUs rank 0 may run on (sx_threads.h). */
static int compression_threads(void)
{
    int cpus = sx_threads_mask_cpus();
    int want = sx_mpi_local_size() * omp_get_max_threads();
    return want > cpus ? cpus : want < 1 ? 1 : want;
}

static sx_err translate(const char *src, const char *dst, const sx_cog_opts_t *o, const char *metadata_json)
{
    GDALDatasetH in = NULL, raw = NULL;
    SX_CHECK(open_with_statistics(src, o ? o->stats : NULL, &raw, &in));
    char blocksize[32], level[32], resampling[64], ovr_resampling[80], threads[32];
    snprintf(threads, sizeof threads, "NUM_THREADS=%d", compression_threads());
    snprintf(blocksize, sizeof blocksize, "BLOCKSIZE=%d", o && o->blocksize > 0 ? o->blocksize : 512);
    const char *comp = o && o->compress ? o->compress : "DEFLATE";
    const char *res = o && o->resampling ? o->resampling : "AVERAGE";
    snprintf(resampling, sizeof resampling, "RESAMPLING=%s", res);
    snprintf(ovr_resampling, sizeof ovr_resampling, "OVERVIEW_RESAMPLING=%s", res);
    char compress[64];
    snprintf(compress, sizeof compress, "COMPRESS=%s", comp);
    snprintf(level, sizeof level, "LEVEL=%d", o ? o->level : 0);
    char *argv[32];
    int n = 0;
    argv[n++] = "-of";
    argv[n++] = "COG";
    argv[n++] = "-co";
    argv[n++] = compress;
    argv[n++] = "-co";
    argv[n++] = "PREDICTOR=YES";
    argv[n++] = "-co";
    argv[n++] = blocksize;
    argv[n++] = "-co";
    argv[n++] = ovr_resampling;
    argv[n++] = "-co";
    argv[n++] = threads;
    argv[n++] = "-co";
    argv[n++] = "BIGTIFF=IF_SAFER";
    if (o && o->level > 0) {
        argv[n++] = "-co";
        argv[n++] = level;
    }
    if (metadata_json) {
        argv[n++] = "-mo";
        argv[n++] = NULL; /* filled below: SANXIANG_PROVENANCE=<json> */
    }
    argv[n] = NULL;
    char *mo = NULL;
    if (metadata_json) {
        size_t len = strlen(metadata_json) + 32;
        mo = CPLMalloc(len);
        snprintf(mo, len, "SANXIANG_PROVENANCE=%s", metadata_json);
        argv[n - 1] = mo;
    }
    (void)resampling;
    GDALTranslateOptions *topts = GDALTranslateOptionsNew(argv, NULL);
    int usage_error = 0;
    GDALDatasetH outds = topts ? GDALTranslate(dst, in, topts, &usage_error) : NULL;
    if (topts) GDALTranslateOptionsFree(topts);
    CPLFree(mo);
    GDALClose(in);
    GDALClose(raw);
    if (!outds) SX_FAIL_GDAL("cannot write COG '%s' from '%s'", dst, src);
    CPLErrorReset();
    GDALClose(outds);
    if (CPLGetLastErrorType() >= CE_Failure) SX_FAIL_GDAL("cannot finish COG '%s'", dst);
    return SX_OK;
}

sx_err sx_cog_write(MPI_Comm comm, const char *src, const char *final_path, const sx_cog_opts_t *opts,
                    const char *metadata_json)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    sx_output_t out;
    SX_CHECK(sx_output_begin(comm, final_path, &out));
    sx_err err = rank == 0 ? translate(src, out.tmp_path, opts, metadata_json) : SX_OK;
    sx_err idle = sx_mpi_idle_barrier(comm);
    if (err == SX_OK) err = idle;
    return sx_output_commit(comm, &out, err);
}
