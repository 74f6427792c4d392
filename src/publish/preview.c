/*
 * preview.c — the web preview of a raster layer: each band of the published
 * COG warped to EPSG:4326, at most 800 columns wide, written as
 *
 *   - an RGBA PNG coloured by the layer style's ramp on the band's range
 *     (what the viewer draws for a single band), and
 *   - a float32 little-endian grid of the same cells, NaN for nodata (what
 *     the viewer composes RGB views from, and its fallback for "value under
 *     the cursor" when it cannot read the COG itself).
 *
 * Band 1 is preview.png / values.f32, band k > 1 preview_b<k>.png /
 * values_b<k>.f32. Classes are resampled NEAREST, continuous values AVERAGE,
 * so a class preview never shows a class that is not in the data. One warp
 * serves all bands; memory is the preview's size times the band count.
 */
#include <gdal_utils.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "publish/publish_internal.h"
#include "sanxiang/sx_raster.h"

#define PREVIEW_MAX 800

void sx__pub_band_file(int b, const char *what, char *buf, size_t len)
{
    int png = !strcmp(what, "image");
    if (b <= 1) snprintf(buf, len, "%s", png ? "preview.png" : "values.f32");
    else snprintf(buf, len, png ? "preview_b%d.png" : "values_b%d.f32", b);
}

static sx_err write_values(const char *bin, const float *v, size_t n)
{
    FILE *f = fopen(bin, "wb"); /* x86-64 and aarch64 are little-endian, as the viewer expects */
    if (!f || fwrite(v, sizeof *v, n, f) != n) {
        if (f) fclose(f);
        SX_FAIL(SX_ERR_IO, "cannot write '%s'", bin);
    }
    SX_FAIL_IF(fclose(f) != 0, SX_ERR_IO, "cannot finish '%s'", bin);
    return SX_OK;
}

static sx_err write_png(const char *png, const unsigned char *rgba, int nx, int ny)
{
    GDALDriverH memdrv = GDALGetDriverByName("MEM"), pngdrv = GDALGetDriverByName("PNG");
    GDALDatasetH img = memdrv ? GDALCreate(memdrv, "", nx, ny, 4, GDT_Byte, NULL) : NULL;
    if (!img || !pngdrv) {
        if (img) GDALClose(img);
        SX_FAIL_GDAL("GDAL's MEM or PNG driver is missing");
    }
    int bands[4] = {1, 2, 3, 4};
    CPLErr e = GDALDatasetRasterIO(img, GF_Write, 0, 0, nx, ny, (void *)rgba, nx, ny, GDT_Byte, 4, bands, 4, 4 * nx, 1);
    char *co[] = {"WORLDFILE=NO", NULL};
    GDALDatasetH out = e == CE_None ? GDALCreateCopy(pngdrv, png, img, FALSE, co, NULL, NULL) : NULL;
    GDALClose(img);
    if (!out) SX_FAIL_GDAL("cannot write the preview '%s'", png);
    GDALClose(out);
    char aux[SX_PATH_MAX + 8];
    snprintf(aux, sizeof aux, "%s.aux.xml", png);
    remove(aux);
    return SX_OK;
}

/* Band b (1-based) of the warped preview into its PNG and value grid. */
static sx_err band_preview(const sx__pub_t *p, const sx__pub_layer_t *l, GDALDatasetH mem, int b, float *v, unsigned char *rgba)
{
    int nx = GDALGetRasterXSize(mem), ny = GDALGetRasterYSize(mem);
    size_t n = (size_t)nx * ny;
    const sx__pub_band_t *d = &l->band[b - 1];
    if (GDALRasterIO(GDALGetRasterBand(mem, b), GF_Read, 0, 0, nx, ny, v, nx, ny, GDT_Float32, 0, 0) != CE_None)
        SX_FAIL_GDAL("cannot read band %d of the preview of '%s'", b, l->id);
    for (size_t i = 0; i < n; i++) {
        if (d->has_nodata && !isnan(d->nodata) && fabs((double)v[i] - d->nodata) <= 1e-6 * fabs(d->nodata)) v[i] = NAN;
        sx_publish_style_colour(l->style, d->lo, d->hi, v[i], rgba + 4 * i);
    }
    char name[64], png[SX_PATH_MAX], bin[SX_PATH_MAX];
    sx__pub_band_file(b, "values", name, sizeof name);
    SX_CHECK(sx__pub_path(p, l, name, bin, sizeof bin));
    SX_CHECK(write_values(bin, v, n));
    sx__pub_band_file(b, "image", name, sizeof name);
    SX_CHECK(sx__pub_path(p, l, name, png, sizeof png));
    return write_png(png, rgba, nx, ny);
}

sx_err sx__pub_preview(const sx__pub_t *p, const char *cog, sx__pub_layer_t *l)
{
    char w[32];
    snprintf(w, sizeof w, "%d", l->width < PREVIEW_MAX ? l->width : PREVIEW_MAX);
    GDALDatasetH src = GDALOpenEx(cog, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!src) SX_FAIL_GDAL("cannot reopen '%s' for the preview", cog);
    char *argv[] = {"-of", "MEM", "-t_srs", "EPSG:4326", "-ts", w, "0", "-ot", "Float32", "-dstnodata", "nan",
                    "-r", l->style->classes ? "near" : "average", "-wo", "NUM_THREADS=1", NULL};
    GDALWarpAppOptions *wo = GDALWarpAppOptionsNew(argv, NULL);
    GDALDatasetH mem = wo ? GDALWarp("", NULL, 1, &src, wo, NULL) : NULL;
    if (wo) GDALWarpAppOptionsFree(wo);
    GDALClose(src);
    if (!mem) SX_FAIL_GDAL("cannot warp '%s' to EPSG:4326 for the web preview", cog);
    int nx = GDALGetRasterXSize(mem), ny = GDALGetRasterYSize(mem);
    double gt[6];
    GDALGetGeoTransform(mem, gt);
    l->preview_w = nx, l->preview_h = ny;
    l->preview_extent[0] = gt[0], l->preview_extent[3] = gt[3];
    l->preview_extent[2] = gt[0] + nx * gt[1], l->preview_extent[1] = gt[3] + ny * gt[5];
    float *v = malloc((size_t)nx * ny * sizeof *v);
    unsigned char *rgba = malloc((size_t)nx * ny * 4);
    sx_err err = v && rgba ? SX_OK
                           : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate the %dx%d preview of '%s'", nx, ny, cog);
    for (int b = 1; err == SX_OK && b <= l->nbands; b++) err = band_preview(p, l, mem, b, v, rgba);
    free(v);
    free(rgba);
    GDALClose(mem);
    return err;
}
