/*
 * test_raster.c — windowed reads through GDAL from a tiled GeoTIFF, a VRT
 * over it and an HDF5 subdataset (GPM DPR), with the values a full read
 * gives; integer bands of every width read into doubles (sanxiang widens
 * them itself) equal to GDAL's own conversion, extremes included; and the
 * errors a user meets (missing file, no georeferencing).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <gdal.h>

#include "sanxiang/sx_raster.h"

#define DEM SX_DATA_DIR "/dem/N47E009.SRTM3.tif"
#define GPM SX_DATA_DIR "/remote_sensing/gpm/2A-RW-BRS.GPM.Ku.V6-20160118.20141206-S095002-E095137.004383.V04A.HDF5"

static void test_geotiff_grid_and_window(void **state)
{
    sx_raster_t *r = NULL;
    assert_int_equal(sx_raster_open(DEM, &r), SX_OK);
    sx_grid_t g;
    assert_int_equal(sx_raster_grid(r, 1, &g), SX_OK);
    assert_int_equal(g.nx, 1201);
    assert_int_equal(g.ny, 1201);
    assert_int_equal(g.dtype, SX_DT_INT16);
    assert_true(g.has_nodata && g.nodata == -32768);
    assert_int_equal(g.block_x, 256);
    assert_true(sx_grid_is_geographic(&g));
    assert_true(fabs(g.gt[1] - 1.0 / 1200) < 1e-12);
    /* Known cells (checked with GDAL's Python bindings): (600,600)=396, (0,0)=738, (1200,1200)=1104. */
    double v[3];
    assert_int_equal(sx_raster_read(r, 1, 600, 600, 1, 1, SX_DT_FLOAT64, &v[0], 1), SX_OK);
    assert_int_equal(sx_raster_read(r, 1, 0, 0, 1, 1, SX_DT_FLOAT64, &v[1], 1), SX_OK);
    assert_int_equal(sx_raster_read(r, 1, 1200, 1200, 1, 1, SX_DT_FLOAT64, &v[2], 1), SX_OK);
    assert_true(v[0] == 396 && v[1] == 738 && v[2] == 1104);
    /* Whole raster summed row by row equals numpy's sum. */
    double *row = malloc(1201 * sizeof *row), sum = 0;
    for (int j = 0; j < 1201; j++) {
        assert_int_equal(sx_raster_read(r, 1, 0, j, 1201, 1, SX_DT_FLOAT64, row, 1201), SX_OK);
        for (int i = 0; i < 1201; i++) sum += row[i];
    }
    assert_true(sum == 1161231774.0);
    free(row);
    /* A window outside the raster is a programming error, reported clearly. */
    assert_int_equal(sx_raster_read(r, 1, 1200, 0, 2, 1, SX_DT_FLOAT64, v, 2), SX_ERR_INTERNAL);
    sx_grid_fini(&g);
    sx_raster_close(&r);
}

static void test_vrt_equals_source(void **state)
{
    char vrt[512];
    snprintf(vrt, sizeof vrt, "%s/test_raster.vrt", SX_TEST_OUT);
    FILE *f = fopen(vrt, "w");
    assert_non_null(f);
    fprintf(f,
            "<VRTDataset rasterXSize=\"1201\" rasterYSize=\"1201\">\n"
            " <GeoTransform>8.999583333333334, 0.0008333333333333334, 0, 48.000416666666666, 0, -0.0008333333333333334</GeoTransform>\n"
            " <VRTRasterBand dataType=\"Int16\" band=\"1\"><NoDataValue>-32768</NoDataValue>\n"
            "  <SimpleSource><SourceFilename relativeToVRT=\"0\">%s</SourceFilename><SourceBand>1</SourceBand></SimpleSource>\n"
            " </VRTRasterBand>\n</VRTDataset>\n", DEM);
    fclose(f);
    sx_raster_t *a = NULL, *b = NULL;
    assert_int_equal(sx_raster_open(DEM, &a), SX_OK);
    assert_int_equal(sx_raster_open(vrt, &b), SX_OK);
    static float wa[100 * 77], wb[100 * 77];
    assert_int_equal(sx_raster_read(a, 1, 333, 444, 100, 77, SX_DT_FLOAT32, wa, 100), SX_OK);
    assert_int_equal(sx_raster_read(b, 1, 333, 444, 100, 77, SX_DT_FLOAT32, wb, 100), SX_OK);
    assert_memory_equal(wa, wb, sizeof wa);
    sx_raster_close(&a);
    sx_raster_close(&b);
}

static void test_hdf5_subdataset(void **state)
{
    sx_raster_t *r = NULL;
    assert_int_equal(sx_raster_open("HDF5:\"" GPM "\"://NS/CSF/heightBB", &r), SX_OK);
    /* A swath has no geotransform: the grid call refuses it clearly. */
    sx_grid_t g;
    assert_int_equal(sx_raster_grid(r, 1, &g), SX_ERR_CRS);
    assert_non_null(strstr(sx_err_message(), "not georeferenced"));
    /* 49 x 137 cells; 895 of them have a bright band (height > 0). */
    float *v = malloc(49 * 137 * sizeof *v);
    assert_int_equal(sx_raster_read(r, 1, 0, 0, 49, 137, SX_DT_FLOAT32, v, 49), SX_OK);
    int n = 0;
    for (int k = 0; k < 49 * 137; k++) n += v[k] > 0;
    assert_int_equal(n, 895); /* counted with GDAL + numpy */
    free(v);
    sx_raster_close(&r);
}

/* 37 x 23 cells of type t whose values run through the type's range, both
 * ends included; read at an offset into rows wider than the window. */
static void check_widen(GDALDataType t, double lo, double hi)
{
    enum { NX = 37, NY = 23, STRIDE = 41 };
    char path[128];
    snprintf(path, sizeof path, "/vsimem/test_raster_widen_%d.tif", (int)t);
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, NX, NY, 1, t, NULL);
    assert_non_null(ds);
    double gt[6] = {0, 1, 0, NY, 0, -1}, src[NX * NY];
    GDALSetGeoTransform(ds, gt);
    for (int k = 0; k < NX * NY; k++) {
        src[k] = k == 0 ? lo : k == 1 ? hi : floor(lo + (hi - lo) * ((k * 7919) % 1000) / 999.0);
        if (t == GDT_Float32) src[k] = (float)src[k]; /* what the file holds */
    }
    assert_int_equal(GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 0, 0, NX, NY, src, NX, NY, GDT_Float64, 0, 0), CE_None);
    GDALClose(ds);
    sx_raster_t *r = NULL;
    assert_int_equal(sx_raster_open(path, &r), SX_OK);
    static double got[(NY - 3) * STRIDE], want[(NY - 3) * STRIDE];
    for (int k = 0; k < (NY - 3) * STRIDE; k++) got[k] = want[k] = -0.5;
    assert_int_equal(sx_raster_read(r, 1, 0, 0, NX, NY - 3, SX_DT_FLOAT64, got, STRIDE), SX_OK);
    ds = GDALOpen(path, GA_ReadOnly);
    assert_int_equal(GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Read, 0, 0, NX, NY - 3, want, NX, NY - 3, GDT_Float64, 8,
                                  8 * STRIDE),
                     CE_None);
    GDALClose(ds);
    assert_memory_equal(got, want, sizeof got);
    assert_true(got[0] == lo && got[1] == hi);
    /* an offset window, one row at a time as the kernels read */
    double row[NX];
    assert_int_equal(sx_raster_read(r, 1, 5, 20, NX - 5, 1, SX_DT_FLOAT64, row, NX - 5), SX_OK);
    for (int i = 0; i < NX - 5; i++) assert_true(row[i] == src[20 * NX + 5 + i]);
    sx_raster_close(&r);
    VSIUnlink(path);
}

static void test_integer_types_widen(void **state)
{
    check_widen(GDT_Byte, 0, 255);
    check_widen(GDT_Int16, -32768, 32767);
    check_widen(GDT_UInt16, 0, 65535);
    check_widen(GDT_Int32, -2147483648.0, 2147483647.0);
    check_widen(GDT_UInt32, 0, 4294967295.0);
    check_widen(GDT_Float32, -0x1p100, 0x1p100); /* not widened by sanxiang: GDAL converts */
}

/* A window larger than the widening scratch (4 MiB) goes through it in runs
 * of block rows: an UInt16 raster of 600 x 4000 cells in 256 x 16 tiles,
 * read from an offset that is not on a block row (7 rows into the first),
 * must equal GDAL's own conversion; and the same from a striped file. */
static void check_widen_runs(char **options, const char *path)
{
    enum { NX = 600, NY = 4000, X0 = 3, Y0 = 7, WX = NX - 5, WY = NY - 9 };
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, NX, NY, 1, GDT_UInt16, options);
    assert_non_null(ds);
    double gt[6] = {0, 1, 0, NY, 0, -1};
    GDALSetGeoTransform(ds, gt);
    uint16_t *src = malloc(sizeof *src * NX * NY);
    double *got = malloc(sizeof *got * WX * WY), *want = malloc(sizeof *want * WX * WY);
    assert_true(src && got && want);
    for (int k = 0; k < NX * NY; k++) src[k] = (uint16_t)((k * 2654435761u) >> 16);
    assert_int_equal(GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 0, 0, NX, NY, src, NX, NY, GDT_UInt16, 0, 0), CE_None);
    GDALClose(ds);
    sx_raster_t *r = NULL;
    assert_int_equal(sx_raster_open(path, &r), SX_OK);
    assert_int_equal(sx_raster_read(r, 1, X0, Y0, WX, WY, SX_DT_FLOAT64, got, WX), SX_OK);
    sx_raster_close(&r);
    ds = GDALOpen(path, GA_ReadOnly);
    assert_int_equal(GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Read, X0, Y0, WX, WY, want, WX, WY, GDT_Float64, 0, 0),
                     CE_None);
    GDALClose(ds);
    assert_memory_equal(got, want, sizeof *got * WX * WY);
    assert_true(got[0] == src[Y0 * NX + X0] && got[(size_t)WX * WY - 1] == src[(Y0 + WY - 1) * NX + X0 + WX - 1]);
    free(src);
    free(got);
    free(want);
    VSIUnlink(path);
}

static void test_widen_in_runs(void **state)
{
    char *tiled[] = {"TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=16", NULL};
    check_widen_runs(tiled, "/vsimem/test_raster_runs_tiled.tif");
    char *striped[] = {"BLOCKYSIZE=3", NULL};
    check_widen_runs(striped, "/vsimem/test_raster_runs_striped.tif");
}

static void test_missing_file(void **state)
{
    sx_raster_t *r = NULL;
    assert_int_equal(sx_raster_open("/nonexistent/dem.tif", &r), SX_ERR_GDAL);
    assert_non_null(strstr(sx_err_message(), "/nonexistent/dem.tif"));
    assert_null(r);
}

int main(void)
{
    sx_gdal_init(64);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geotiff_grid_and_window),
        cmocka_unit_test(test_vrt_equals_source),
        cmocka_unit_test(test_hdf5_subdataset),
        cmocka_unit_test(test_integer_types_widen),
        cmocka_unit_test(test_widen_in_runs),
        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
