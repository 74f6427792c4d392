/*
 * rastercmp.c — compare two rasters cell by cell, nodata- and NaN-aware.
 *
 *   rastercmp A B [--tol ABS] [--band N] [--exact]
 *
 * Both rasters must have the same size and geotransform. A cell matches when
 * both are nodata/NaN, or both are data and |a - b| <= tol (default 0).
 * --exact compares the float64 bit patterns of data cells (bit-for-bit) and,
 * when both bands carry them, the STATISTICS_* metadata items as text.
 * Prints the number of mismatches, the largest difference and its cell;
 * exits 0 on match, 1 on mismatch, 2 on error.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gdal.h>

#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_raster.h"

/* STATISTICS_* items of band in a and b that both have but that differ. */
static int statistics_differ(const char *a, const char *b, int band)
{
    static const char *keys[] = {"STATISTICS_MINIMUM", "STATISTICS_MAXIMUM", "STATISTICS_MEAN", "STATISTICS_STDDEV",
                                 "STATISTICS_VALID_PERCENT"};
    GDALDatasetH da = GDALOpen(a, GA_ReadOnly), db = GDALOpen(b, GA_ReadOnly);
    int differ = 0;
    if (da && db && band <= GDALGetRasterCount(da) && band <= GDALGetRasterCount(db)) {
        GDALRasterBandH ba = GDALGetRasterBand(da, band), bb = GDALGetRasterBand(db, band);
        for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
            const char *va = GDALGetMetadataItem(ba, keys[k], NULL), *vb = GDALGetMetadataItem(bb, keys[k], NULL);
            if (va && vb && strcmp(va, vb)) {
                fprintf(stderr, "rastercmp: %s differs: %s vs %s\n", keys[k], va, vb);
                differ++;
            }
        }
    }
    if (da) GDALClose(da);
    if (db) GDALClose(db);
    return differ;
}

int main(int argc, char **argv)
{
    const char *a_name = NULL, *b_name = NULL;
    double tol = 0;
    int band = 1, exact = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--tol") && i + 1 < argc) tol = atof(argv[++i]);
        else if (!strcmp(argv[i], "--band") && i + 1 < argc) band = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--exact")) exact = 1;
        else if (!a_name) a_name = argv[i];
        else b_name = argv[i];
    }
    if (!a_name || !b_name) {
        fprintf(stderr, "usage: rastercmp A B [--tol ABS] [--band N] [--exact]\n");
        return 2;
    }
    sx_gdal_init(64);
    sx_raster_t *a = NULL, *b = NULL;
    sx_grid_t ga = {0}, gb = {0};
    char msg[1200];
    if (sx_raster_open(a_name, &a) || sx_raster_open(b_name, &b) || sx_raster_grid(a, band, &ga) ||
        sx_raster_grid(b, band, &gb)) {
        sx_err_format(msg, sizeof msg);
        fprintf(stderr, "rastercmp: %s\n", msg);
        return 2;
    }
    if (ga.nx != gb.nx || ga.ny != gb.ny) {
        fprintf(stderr, "rastercmp: sizes differ: %lldx%lld vs %lldx%lld\n", (long long)ga.nx, (long long)ga.ny,
                (long long)gb.nx, (long long)gb.ny);
        return 1;
    }
    for (int k = 0; k < 6; k++)
        if (fabs(ga.gt[k] - gb.gt[k]) > 1e-9 * (fabs(ga.gt[1]) + 1)) {
            fprintf(stderr, "rastercmp: geotransforms differ at term %d: %.12g vs %.12g\n", k, ga.gt[k], gb.gt[k]);
            return 1;
        }
    double *ra = malloc((size_t)ga.nx * sizeof *ra), *rb = malloc((size_t)ga.nx * sizeof *rb);
    long long bad = 0, ndata = 0, nodata_mismatch = 0;
    double worst = 0;
    long long wi = -1, wj = -1;
    for (int64_t j = 0; j < ga.ny; j++) {
        if (sx_raster_read(a, band, 0, j, ga.nx, 1, SX_DT_FLOAT64, ra, ga.nx) ||
            sx_raster_read(b, band, 0, j, gb.nx, 1, SX_DT_FLOAT64, rb, gb.nx)) {
            sx_err_format(msg, sizeof msg);
            fprintf(stderr, "rastercmp: %s\n", msg);
            return 2;
        }
        for (int64_t i = 0; i < ga.nx; i++) {
            int na = sx_grid_is_nodata(&ga, ra[i]), nb = sx_grid_is_nodata(&gb, rb[i]);
            if (na || nb) {
                if (na != nb) {
                    bad++;
                    nodata_mismatch++;
                }
                continue;
            }
            ndata++;
            double d = fabs(ra[i] - rb[i]);
            int differ = exact ? memcmp(&ra[i], &rb[i], sizeof(double)) != 0 : d > tol;
            if (differ) bad++;
            if (d > worst || (differ && wi < 0)) {
                worst = d;
                wi = i;
                wj = j;
            }
        }
    }
    printf("rastercmp: %lld data cells compared, %lld mismatches (%lld nodata/data), max |diff| %.9g at col %lld row %lld\n",
           ndata, bad, nodata_mismatch, worst, wi, wj);
    free(ra);
    free(rb);
    if (exact) bad += statistics_differ(a_name, b_name, band);
    sx_grid_fini(&ga);
    sx_grid_fini(&gb);
    sx_raster_close(&a);
    sx_raster_close(&b);
    return bad ? 1 : 0;
}
