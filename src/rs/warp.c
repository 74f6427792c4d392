/*
 * warp.c — `rs warp`: mosaic many tiles and reproject them onto one target
 * grid (CRS, resolution, extent), each rank warping only its block.
 *
 * Every rank computes the same output frame from the inputs (or takes it from
 * --te/--tr), splits it with sx_decomp_init, and runs GDAL's warp engine
 * (GDALWarpOperation, what gdalwarp drives) from each tile in turn into an
 * in-memory dataset covering its own block. Later tiles overwrite earlier ones where
 * they have data, as gdalwarp does, and a tile's nodata never overwrites a
 * neighbour's data, so adjacent tiles meet without seams.
 *
 * Rank independence: the warper is run with an exact transformer (-et 0,
 * every destination pixel's source position computed exactly, never
 * interpolated across a chunk) that works in whole-grid pixel coordinates
 * (block_transform), without overviews, and with the resampling
 * scale fixed for the whole grid (-wo XSCALE/YSCALE; GDAL otherwise derives
 * it per processing chunk, which widens downsampling kernels differently in
 * different blocks). A destination pixel then depends only on its own
 * position and the source pixels, not on where block boundaries fall, so the
 * output is bit-identical at any rank count, and equals `gdalwarp -et 0 -ovr
 * NONE -wo XSCALE=.. -wo YSCALE=..` with the same frame (tested).
 * Axis order is traditional GIS (x = easting/longitude) for every CRS,
 * including EPSG:4490, whose official order is latitude first.
 *
 * Inputs in image geometry with ground control points instead of a
 * geotransform (calibrated SAR from `rs sarcal`, whose GCPs are the
 * annotation's geolocation grid) are geocoded through GDAL's thin-plate
 * spline transformer (METHOD=GCP_TPS, gdalwarp -tps): it passes exactly
 * through every GCP and bends smoothly between them, following the range
 * and terrain distortion of a GRD scene that a low-order polynomial
 * (gdalwarp -order 1..3, a least-squares fit) leaves as residuals of tens of
 * metres at the grid points; a dense GCP grid (about 200 points for an IW
 * scene) is what the spline needs, and solving it is negligible. The spline
 * is solved (GDAL: Armadillo over the process's OpenBLAS) with one BLAS
 * thread (gcp_transformer): with more, the solution's last bits depend on
 * how OpenBLAS splits the work, which differs between ranks and runs (seen:
 * a different output frame at 3 ranks). With one thread it is the same on
 * every rank, so the exactness argument above holds unchanged.
 */
#include <cblas.h>
#include <gdal.h>
#include <gdal_alg.h>
#include <gdal_utils.h>
#include <gdalwarper.h>
#include <cpl_conv.h>
#include <cpl_string.h>
#include <ogr_srs_api.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_decomp.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_perf.h"
#include "sanxiang/sx_raster.h"
#include "sanxiang/sx_rs.h"

/* Source cells read beyond what each block's footprint needs, so resampling
 * kernels near a block edge see the same source cells as in a one-block run. */
#define SOURCE_EXTRA "32"

/* An input georeferenced only by GCPs (no geotransform). */
static int has_gcps_only(GDALDatasetH ds)
{
    double gt[6];
    return GDALGetGeoTransform(ds, gt) != CE_None && GDALGetGCPCount(ds) > 0;
}

/* GenImgProj transformer options for source src: its GCPs through a
 * thin-plate spline when it has no geotransform (see the header). */
static char **transformer_options(GDALDatasetH src, char **to)
{
    return has_gcps_only(src) ? CSLSetNameValue(to, "METHOD", "GCP_TPS") : to;
}

/* GDALCreateGenImgProjTransformer2 with the spline solved on one BLAS
 * thread (see the header); the caller's thread count is restored. */
static void *gcp_transformer(GDALDatasetH src, GDALDatasetH dst, char **to)
{
    const int nt = openblas_get_num_threads();
    openblas_set_num_threads(1);
    void *tr = GDALCreateGenImgProjTransformer2(src, dst, to);
    openblas_set_num_threads(nt);
    return tr;
}

static sx_err target_wkt(const sx_rs_warp_opts_t *o, GDALDatasetH first, char **wkt)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    SX_FAIL_IF(!srs, SX_ERR_NOMEM, "cannot allocate a spatial reference");
    OGRErr e;
    if (o->t_srs) {
        e = OSRSetFromUserInput(srs, o->t_srs);
        if (e != OGRERR_NONE) {
            OSRDestroySpatialReference(srs);
            SX_FAIL(SX_ERR_CRS, "--t-srs '%s' is not a CRS GDAL knows (try EPSG:4490 or EPSG:4547)", o->t_srs);
        }
    } else {
        const char *w = has_gcps_only(first) ? GDALGetGCPProjection(first) : GDALGetProjectionRef(first);
        if (!w || !*w) {
            OSRDestroySpatialReference(srs);
            SX_FAIL(SX_ERR_CRS, "'%s' has no CRS and no --t-srs was given", o->inputs[0]);
        }
        OSRImportFromWkt(srs, (char **)&w);
    }
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    const char *opts[] = {"FORMAT=WKT2_2018", NULL};
    e = OSRExportToWktEx(srs, wkt, opts);
    OSRDestroySpatialReference(srs);
    SX_FAIL_IF(e != OGRERR_NONE, SX_ERR_CRS, "cannot express --t-srs '%s' as WKT", o->t_srs ? o->t_srs : "");
    return SX_OK;
}

/* Output frame: --te/--tr, else the union of GDAL's suggested outputs for each
 * input and the finest suggested resolution. Same on every rank. */
static sx_err output_frame(const sx_rs_warp_opts_t *o, GDALDatasetH *src, const char *wkt, sx_grid_t *g, double scale[2])
{
    double xmin = INFINITY, ymin = INFINITY, xmax = -INFINITY, ymax = -INFINITY, xres = INFINITY, yres = INFINITY;
    {
        for (int i = 0; i < o->ninputs; i++) {
            char **to = transformer_options(src[i], CSLSetNameValue(NULL, "DST_SRS", wkt));
            void *tr = gcp_transformer(src[i], NULL, to);
            CSLDestroy(to);
            SX_FAIL_IF(!tr, SX_ERR_CRS, "cannot transform '%s' to the target CRS: %s", o->inputs[i], sx_gdal_last_error());
            double gt[6], ext[4];
            int nx, ny;
            CPLErr ce = GDALSuggestedWarpOutput2(src[i], GDALGenImgProjTransform, tr, gt, &nx, &ny, ext, 0);
            GDALDestroyGenImgProjTransformer(tr);
            SX_FAIL_IF(ce != CE_None, SX_ERR_CRS, "cannot find the extent of '%s' in the target CRS: %s", o->inputs[i],
                       sx_gdal_last_error());
            xmin = fmin(xmin, ext[0]);
            ymin = fmin(ymin, ext[1]);
            xmax = fmax(xmax, ext[2]);
            ymax = fmax(ymax, ext[3]);
            xres = fmin(xres, gt[1]);
            yres = fmin(yres, fabs(gt[5]));
        }
    }
    const double sug_x = xres, sug_y = yres; /* finest input resolution in target units */
    if (o->has_te) {
        xmin = o->te[0];
        ymin = o->te[1];
        xmax = o->te[2];
        ymax = o->te[3];
    }
    if (o->xres > 0) {
        xres = o->xres;
        yres = o->yres > 0 ? o->yres : o->xres;
    }
    /* Source cells per target cell, fixed for the whole grid (the finest
     * input's); see the header comment. */
    scale[0] = sug_x / xres;
    scale[1] = sug_y / yres;
    SX_FAIL_IF(!(xmax > xmin && ymax > ymin), SX_ERR_USAGE, "empty target extent (%g %g %g %g)", xmin, ymin, xmax, ymax);
    /* gdalwarp's rule for -te with -tr */
    double fx = (xmax - xmin + xres / 2) / xres, fy = (ymax - ymin + yres / 2) / yres;
    SX_FAIL_IF(fx < 1 || fy < 1 || fx * fy > 1e12, SX_ERR_USAGE,
               "target grid of %.0f x %.0f cells is empty or absurd; check --tr and --te", fx, fy);
    memset(g, 0, sizeof *g);
    g->nx = (int64_t)fx;
    g->ny = (int64_t)fy;
    if (!o->has_te) { /* keep gdalwarp's convention: extent snapped to whole cells from the top-left */
        xmax = xmin + (double)g->nx * xres;
        ymin = ymax - (double)g->ny * yres;
    }
    double gt[6] = {xmin, xres, 0, ymax, 0, -yres};
    memcpy(g->gt, gt, sizeof gt);
    g->dtype = SX_DT_FLOAT32;
    g->has_nodata = 1;
    g->nodata = NAN;
    g->block_x = g->block_y = 256;
    SX_CHECK(sx_grid_set_wkt(g, wkt));
    return SX_OK;
}

/* The warper sees destination pixel coordinates of the block; this wrapper
 * shifts them by the block's offset (an exact integer addition) and applies
 * the transformer of the whole output grid. A cell's source position is then
 * computed from the full grid's geotransform exactly as in a one-block run,
 * instead of from a block origin that carries its own rounding. */
typedef struct {
    void *inner;
    double x0, y0;
} block_xform_t;

static int block_transform(void *arg, int dst_to_src, int n, double *x, double *y, double *z, int *ok)
{
    block_xform_t *b = arg;
    if (dst_to_src) {
        for (int i = 0; i < n; i++) {
            x[i] += b->x0;
            y[i] += b->y0;
        }
        return GDALGenImgProjTransform(b->inner, TRUE, n, x, y, z, ok);
    }
    int r = GDALGenImgProjTransform(b->inner, FALSE, n, x, y, z, ok);
    for (int i = 0; i < n; i++) {
        x[i] -= b->x0;
        y[i] -= b->y0;
    }
    return r;
}

static GDALResampleAlg parse_resampling(const char *r, int *ok)
{
    static const struct { const char *name; GDALResampleAlg alg; } tab[] = {
        {"near", GRA_NearestNeighbour}, {"bilinear", GRA_Bilinear}, {"cubic", GRA_Cubic},
        {"cubicspline", GRA_CubicSpline}, {"lanczos", GRA_Lanczos}, {"average", GRA_Average}, {"mode", GRA_Mode},
        {"min", GRA_Min}, {"max", GRA_Max}, {"med", GRA_Med}};
    *ok = 1;
    for (size_t k = 0; k < sizeof tab / sizeof *tab; k++)
        if (!strcmp(r, tab[k].name)) return tab[k].alg;
    *ok = 0;
    return GRA_NearestNeighbour;
}

/* Warp every source in order into this rank's block (a MEM dataset
 * pre-filled with NaN), then copy it out. Later sources overwrite earlier
 * ones only where they have data, as gdalwarp does. */
static sx_err warp_block(const sx_rs_warp_opts_t *o, GDALDatasetH *src, const sx_grid_t *g, sx_window_t own,
                         const double scale[2], float *out)
{
    int ok;
    GDALResampleAlg alg = parse_resampling(o->resampling ? o->resampling : "near", &ok);
    SX_FAIL_IF(!ok, SX_ERR_USAGE, "-r must be near, bilinear, cubic, cubicspline, lanczos, average, mode, min, max or med, got '%s'",
               o->resampling);
    if (sx_window_cells(own) == 0) return SX_OK;
    GDALDriverH mem = GDALGetDriverByName("MEM");
    SX_FAIL_IF(!mem, SX_ERR_GDAL, "GDAL's MEM driver is missing");
    GDALDatasetH dst = GDALCreate(mem, "", (int)own.nx, (int)own.ny, 1, GDT_Float32, NULL);
    SX_FAIL_IF(!dst, SX_ERR_NOMEM, "cannot create a %lld x %lld warp buffer: %s", (long long)own.nx, (long long)own.ny,
               sx_gdal_last_error());
    double gt[6] = {g->gt[0] + (double)own.x0 * g->gt[1], g->gt[1], 0, g->gt[3] + (double)own.y0 * g->gt[5], 0, g->gt[5]};
    GDALSetGeoTransform(dst, gt);
    GDALSetProjection(dst, g->wkt);
    GDALRasterBandH b = GDALGetRasterBand(dst, 1);
    GDALSetRasterNoDataValue(b, NAN);
    GDALFillRaster(b, NAN, 0);

    char xs[64], ys[64];
    snprintf(xs, sizeof xs, "%.17g", scale[0]);
    snprintf(ys, sizeof ys, "%.17g", scale[1]);
    sx_err err = SX_OK;
    for (int i = 0; i < o->ninputs && !err; i++) {
        double sgt[6];
        block_xform_t bx = {NULL, (double)own.x0, (double)own.y0};
        if (has_gcps_only(src[i])) {
            /* the transformer from the GCPs to the whole grid's pixels (a 1 x 1 dataset carrying its frame) */
            GDALDatasetH frame = GDALCreate(mem, "", 1, 1, 1, GDT_Byte, NULL);
            if (frame && GDALSetGeoTransform(frame, (double *)g->gt) == CE_None && GDALSetProjection(frame, g->wkt) == CE_None) {
                char **to = transformer_options(src[i], NULL);
                bx.inner = gcp_transformer(src[i], frame, to);
                CSLDestroy(to);
            }
            if (frame) GDALClose(frame);
        } else {
            GDALGetGeoTransform(src[i], sgt);
            bx.inner = GDALCreateGenImgProjTransformer3(GDALGetProjectionRef(src[i]), sgt, g->wkt, g->gt);
        }
        if (!bx.inner) {
            err = sx_err_set(SX_ERR_CRS, SX__FILE, __LINE__, "cannot transform '%s' to the target CRS: %s", o->inputs[i],
                             sx_gdal_last_error());
            break;
        }
        GDALWarpOptions *wo = GDALCreateWarpOptions();
        wo->hSrcDS = src[i];
        wo->hDstDS = dst;
        wo->nBandCount = 1;
        wo->panSrcBands = CPLMalloc(sizeof(int));
        wo->panDstBands = CPLMalloc(sizeof(int));
        wo->panSrcBands[0] = wo->panDstBands[0] = 1;
        wo->eResampleAlg = alg;
        int has_nd = 0;
        double nd = GDALGetRasterNoDataValue(GDALGetRasterBand(src[i], 1), &has_nd);
        if (o->has_src_nodata || has_nd) {
            wo->padfSrcNoDataReal = CPLMalloc(sizeof(double));
            wo->padfSrcNoDataReal[0] = o->has_src_nodata ? o->src_nodata : nd;
        }
        wo->padfDstNoDataReal = CPLMalloc(sizeof(double));
        wo->padfDstNoDataReal[0] = NAN;
        wo->papszWarpOptions = CSLSetNameValue(wo->papszWarpOptions, "XSCALE", xs);
        wo->papszWarpOptions = CSLSetNameValue(wo->papszWarpOptions, "YSCALE", ys);
        wo->papszWarpOptions = CSLSetNameValue(wo->papszWarpOptions, "SOURCE_EXTRA", SOURCE_EXTRA);
        wo->pfnTransformer = block_transform;
        wo->pTransformerArg = &bx;
        GDALWarpOperationH op = GDALCreateWarpOperation(wo);
        if (!op || GDALChunkAndWarpImage(op, 0, 0, (int)own.nx, (int)own.ny) != CE_None)
            err = sx_err_set(SX_ERR_GDAL, SX__FILE, __LINE__, "warping '%s' into block at (%lld, %lld) failed: %s; check the tile "
                             "(gdalinfo -checksum; a truncated or corrupt file must be fetched again)",
                             o->inputs[i], (long long)own.x0, (long long)own.y0, sx_gdal_last_error());
        if (op) GDALDestroyWarpOperation(op);
        wo->pTransformerArg = NULL;
        GDALDestroyWarpOptions(wo);
        GDALDestroyGenImgProjTransformer(bx.inner);
    }
    if (!err && GDALRasterIO(b, GF_Read, 0, 0, (int)own.nx, (int)own.ny, out, (int)own.nx, (int)own.ny, GDT_Float32, 0,
                             0) != CE_None)
        err = sx_err_set(SX_ERR_GDAL, SX__FILE, __LINE__, "reading the warped block failed: %s", sx_gdal_last_error());
    GDALClose(dst);
    return err;
}

/* Open input i; a multi-band input is narrowed to o->band, and an input
 * without a CRS is given --s-srs, through a VRT. Without a CRS and without
 * --s-srs the input is refused: taking its coordinates for the target CRS's
 * would label metres as degrees. */
static sx_err open_input(const sx_rs_warp_opts_t *o, int i, GDALDatasetH *out)
{
    GDALDatasetH ds = GDALOpenEx(o->inputs[i], GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
    SX_FAIL_IF(!ds, SX_ERR_IO, "cannot open '%s': %s", o->inputs[i], sx_gdal_last_error());
    int nb = GDALGetRasterCount(ds);
    if (o->band > nb) {
        GDALClose(ds);
        SX_FAIL(SX_ERR_INPUT, "'%s' has %d band%s; --band %d does not exist", o->inputs[i], nb, nb == 1 ? "" : "s", o->band);
    }
    const int gcps = has_gcps_only(ds);
    const char *wkt = gcps ? GDALGetGCPProjection(ds) : GDALGetProjectionRef(ds);
    double gt[6];
    int no_crs = !wkt || !wkt[0], no_gt = !gcps && GDALGetGeoTransform(ds, gt) != CE_None;
    if (gcps && no_crs) {
        GDALClose(ds);
        SX_FAIL(SX_ERR_CRS, "the GCPs of '%s' have no CRS; assign theirs (gdal_translate -a_srs EPSG:4326 for "
                "latitude/longitude GCPs)", o->inputs[i]);
    }
    if (no_gt || (no_crs && !o->s_srs)) {
        GDALClose(ds);
        SX_FAIL_IF(no_gt, SX_ERR_CRS, "'%s' has no georeferencing (no geotransform, no GCPs); georeference it first (e.g. "
                   "gdal_translate -a_ullr ... -a_srs ...)", o->inputs[i]);
        SX_FAIL(SX_ERR_CRS, "'%s' has no CRS; say which it is with --s-srs (e.g. EPSG:32649), or assign one with "
                "gdal_edit.py -a_srs", o->inputs[i]);
    }
    if (nb == 1 && !no_crs) {
        *out = ds;
        return SX_OK;
    }
    char bn[16];
    snprintf(bn, sizeof bn, "%d", o->band);
    char *targv[] = {"-of", "VRT", "-b", bn, no_crs ? "-a_srs" : NULL, (char *)o->s_srs, NULL};
    GDALTranslateOptions *to = GDALTranslateOptionsNew(targv, NULL);
    GDALDatasetH v = to ? GDALTranslate("", ds, to, NULL) : NULL;
    GDALTranslateOptionsFree(to);
    GDALReleaseDataset(ds); /* the VRT keeps its own reference */
    SX_FAIL_IF(!v, SX_ERR_GDAL, "cannot select band %d of '%s': %s", o->band, o->inputs[i], sx_gdal_last_error());
    *out = v;
    return SX_OK;
}

sx_err sx_rs_warp_run(MPI_Comm comm, const sx_rs_warp_opts_t *o)
{
    sx_err err = SX_OK;
    GDALDatasetH *src = calloc((size_t)o->ninputs + 1, sizeof *src);
    char *wkt = NULL;
    sx_grid_t g = {0};
    sx_decomp_t d = {0};
    float *out = NULL;
    SX_FAIL_IF(!src, SX_ERR_NOMEM, "cannot allocate %d input handles", o->ninputs);

    sx_perf_start("rs warp: open", SX_PERF_READ);
    if (o->ninputs < 1) err = sx_err_set(SX_ERR_USAGE, SX__FILE, __LINE__, "rs warp needs at least one input");
    for (int i = 0; i < o->ninputs && !err; i++) err = open_input(o, i, &src[i]);
    if (!err) err = target_wkt(o, src[0], &wkt);
    double scale[2] = {1, 1};
    if (!err) err = output_frame(o, src, wkt, &g, scale);
    sx_perf_stop("rs warp: open");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);

    SX_CHECK_GOTO(sx_decomp_init(&d, comm, g.nx, g.ny, g.block_x, g.block_y), err, done);
    sx_log_info("rs warp: %d input%s -> %lld x %lld cells of %.6g x %.6g, %d x %d blocks, -wo XSCALE=%.17g -wo YSCALE=%.17g",
                o->ninputs, o->ninputs == 1 ? "" : "s", (long long)g.nx, (long long)g.ny, g.gt[1], -g.gt[5], d.px, d.py,
                scale[0], scale[1]);
    out = malloc((size_t)(sx_window_cells(d.own) + 1) * sizeof *out);
    if (!out) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the warp block");
    sx_perf_start("rs warp: warp", SX_PERF_COMPUTE);
    if (!err) err = warp_block(o, src, &g, d.own, scale, out);
    sx_perf_stop("rs warp: warp");
    SX_CHECK_GOTO(sx_err_agree(comm, err), err, done);

    sx_layer_out_t lo = {o->out_nc, o->out_cog, o->var_name ? o->var_name : "warp", "mosaicked and reprojected band",
                         o->units ? o->units : "1", NULL, SX_DT_FLOAT32, NAN,
                         o->resampling && strcmp(o->resampling, "near") && strcmp(o->resampling, "mode") ? "AVERAGE" : "NEAREST",
                         o->provenance};
    err = sx_layer_write(comm, &g, d.own, out, d.own.nx, &lo);
done:
    free(out);
    sx_decomp_fini(&d);
    sx_grid_fini(&g);
    CPLFree(wkt);
    for (int i = 0; i < o->ninputs; i++)
        if (src[i]) GDALClose(src[i]);
    free(src);
    return err;
}
