/*
 * test_cog_codec.c — the COG writer's predictors, codecs and overview rule.
 *
 * Predictors against hand-worked rows (horizontal differencing with
 * wrap-around; the floating-point predictor of TIFF Technical Note 3 against
 * a transcription of libtiff's fpDiff). Codecs by round trip through GDAL:
 * every cell type x DEFLATE (levels 1, 6, 12), ZSTD (1, 9) and NONE, written
 * by sx_cog_write_blocks on one rank with 32-cell tiles (several tiles,
 * partial edge tiles, overviews) and read back by GDAL's own decoders,
 * which must return exactly the cells written and report the codec and
 * predictor. The 2x2 rule on hand-checked groups: AVERAGE rounds half up and
 * ignores nodata, MODE breaks ties toward the smallest value.
 */
#include <gdal.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "io/cog_internal.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_raster.h"
#include "unit/cells.h"

static void test_horizontal_predictor(void **state)
{
    (void)state;
    uint8_t b[4] = {10, 12, 9, 255}, sb[4];
    sx__cog_predict(2, SX_DT_UINT8, b, 4, 1, sb);
    assert_memory_equal(b, ((uint8_t[]){10, 2, 253, 246}), 4);
    int16_t s[2][3] = {{-32768, 32767, 0}, {5, 5, 4}}, ss[3];
    sx__cog_predict(2, SX_DT_INT16, s, 3, 2, ss); /* rows are independent */
    assert_memory_equal(s, ((int16_t[2][3]){{-32768, -1, -32767}, {5, 0, -1}}), sizeof s);
    int64_t l[3] = {INT64_MIN, INT64_MAX, 7}, ls[3];
    sx__cog_predict(2, SX_DT_INT64, l, 3, 1, ls);
    assert_true(l[0] == INT64_MIN && l[1] == -1 && l[2] == 7 - INT64_MAX);
}

/* libtiff's fpDiff (tif_predict.c), transcribed for one row on a
 * little-endian host: bytes to planes most significant first, then
 * differences from the end of the row backwards. */
static void fpdiff_reference(unsigned char *cp, size_t cc, size_t bps)
{
    unsigned char *tmp = malloc(cc);
    memcpy(tmp, cp, cc);
    size_t wc = cc / bps;
    for (size_t count = 0; count < wc; count++)
        for (size_t byte = 0; byte < bps; byte++) cp[(bps - byte - 1) * wc + count] = tmp[bps * count + byte];
    free(tmp);
    for (size_t i = cc - 1; i > 0; i--) cp[i] = (unsigned char)(cp[i] - cp[i - 1]);
}

static void test_floating_point_predictor(void **state)
{
    (void)state;
    float f[2][5] = {{1.0f, 1.5f, -2.25f, NAN, 3e38f}, {0, -0.0f, 1e-40f, 7, 7}}, fr[2][5];
    double d[6] = {1.0, 1.0 + 1e-15, -1e300, INFINITY, 0.1, 0.2}, dr[6];
    memcpy(fr, f, sizeof f);
    memcpy(dr, d, sizeof d);
    unsigned char scratch[64];
    sx__cog_predict(3, SX_DT_FLOAT32, f, 5, 2, scratch);
    fpdiff_reference((unsigned char *)fr[0], sizeof fr[0], 4);
    fpdiff_reference((unsigned char *)fr[1], sizeof fr[1], 4);
    assert_memory_equal(f, fr, sizeof f);
    sx__cog_predict(3, SX_DT_FLOAT64, d, 6, 1, scratch);
    fpdiff_reference((unsigned char *)dr, sizeof dr, 8);
    assert_memory_equal(d, dr, sizeof d);
    /* A hand-worked row: 1.0f = 3F 80 00 00, 2.0f = 40 00 00 00 -> planes
     * 3F 40 | 80 00 | 00 00 | 00 00 -> differences 3F 01 40 80 00 00 00 00. */
    float two[2] = {1.0f, 2.0f};
    sx__cog_predict(3, SX_DT_FLOAT32, two, 2, 1, scratch);
    assert_memory_equal(two, ((unsigned char[]){0x3F, 0x01, 0x40, 0x80, 0, 0, 0, 0}), 8);
}

static double cell_value(sx_dtype t, int64_t i, int64_t j)
{
    switch (t) {
    case SX_DT_UINT8: return (double)((i * 7 + j * 3) % 250);
    case SX_DT_INT16: return (double)((i * 311 - j * 97) % 30000);
    case SX_DT_UINT16: return (double)((i * 977 + j * 13) % 65000);
    case SX_DT_INT32: return (double)(i * 100003 - j * 77777);
    case SX_DT_UINT32: return (double)((i * 2654435761LL + j) % 4000000000LL);
    case SX_DT_INT64: return (double)(i * 1000000007LL - j * 998244353LL);
    case SX_DT_FLOAT32: return (double)(float)(sin((double)i / 7.0) * exp((double)j / 30.0));
    default: return cos((double)i / 5.0) * 1e6 + (double)j * 1e-9;
    }
}

static void round_trip(sx_dtype t, sx_cog_codec codec, int level)
{
    const int64_t nx = 77, ny = 45;
    size_t esz = sx_dtype_size(t);
    unsigned char *data = malloc((size_t)(nx * ny) * esz);
    for (int64_t j = 0; j < ny; j++)
        for (int64_t i = 0; i < nx; i++) cells_put(t, data, j * nx + i, cell_value(t, i, j));
    sx_grid_t g;
    memset(&g, 0, sizeof g);
    g.nx = nx, g.ny = ny;
    double gt[6] = {100, 1, 0, 200, 0, -1};
    memcpy(g.gt, gt, sizeof gt);
    char path[512];
    snprintf(path, sizeof path, "%s/unit_cog_codec/%s_%d_%d.tif", SX_TEST_OUT, sx_dtype_name(t), (int)codec, level);
    sx_cog_layer_t l = {t, t == SX_DT_FLOAT32 || t == SX_DT_FLOAT64 ? NAN : 1, "NEAREST", codec, level, 32, "v",
                        NULL, NULL, NULL, NULL, NULL};
    sx_window_t own = {0, 0, nx, ny};
    assert_int_equal(sx_cog_write_blocks(MPI_COMM_SELF, path, &g, own, data, nx, &l), SX_OK);
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    assert_non_null(ds);
    const char *comp = GDALGetMetadataItem(ds, "COMPRESSION", "IMAGE_STRUCTURE");
    const char *pred = GDALGetMetadataItem(ds, "PREDICTOR", "IMAGE_STRUCTURE");
    const char *want = codec == SX_COG_ZSTD || codec == SX_COG_DEFAULT ? "ZSTD" : codec == SX_COG_NONE ? NULL : "DEFLATE";
    if (want) assert_string_equal(comp, want);
    else assert_null(comp);
    if (codec != SX_COG_NONE) assert_int_equal(atoi(pred), sx__cog_predictor_tag(codec, t));
    if (codec == SX_COG_NONE) assert_null(pred);
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    double *got = malloc((size_t)(nx * ny) * sizeof *got);
    assert_int_equal(GDALRasterIO(b, GF_Read, 0, 0, (int)nx, (int)ny, got, (int)nx, (int)ny, GDT_Float64, 0, 0), CE_None);
    int64_t bad = 0;
    for (int64_t j = 0; j < ny; j++)
        for (int64_t i = 0; i < nx; i++) bad += got[j * nx + i] != cell_value(t, i, j);
    if (bad) fprintf(stderr, "%s codec %d level %d: %lld cells differ\n", sx_dtype_name(t), (int)codec, level, (long long)bad);
    assert_int_equal(bad, 0);
    /* Overviews 39x23 and 20x12 (NEAREST: the top-left cell of each 2x2). */
    assert_int_equal(GDALGetOverviewCount(b), 2);
    GDALRasterBandH o = GDALGetOverview(b, 1);
    assert_int_equal(GDALGetRasterBandXSize(o), 20);
    assert_int_equal(GDALGetRasterBandYSize(o), 12);
    assert_int_equal(GDALRasterIO(o, GF_Read, 0, 0, 20, 12, got, 20, 12, GDT_Float64, 0, 0), CE_None);
    for (int64_t j = 0; j < 12; j++)
        for (int64_t i = 0; i < 20; i++) assert_true(got[j * 20 + i] == cell_value(t, 4 * i, 4 * j));
    GDALClose(ds);
    free(got);
    free(data);
}

static void test_codecs_round_trip_through_gdal(void **state)
{
    (void)state;
    const sx_dtype types[] = {SX_DT_UINT8, SX_DT_INT16, SX_DT_UINT16, SX_DT_INT32,
                              SX_DT_UINT32, SX_DT_INT64, SX_DT_FLOAT32, SX_DT_FLOAT64};
    const struct {
        sx_cog_codec c;
        int level;
    } codecs[] = {{SX_COG_DEFLATE, 1}, {SX_COG_DEFLATE, 6}, {SX_COG_DEFLATE, 12}, {SX_COG_ZSTD, 1},
                  {SX_COG_ZSTD, 9}, {SX_COG_NONE, 0}, {SX_COG_DEFAULT, 0}};
    for (size_t t = 0; t < sizeof types / sizeof *types; t++)
        for (size_t c = 0; c < sizeof codecs / sizeof *codecs; c++) round_trip(types[t], codecs[c].c, codecs[c].level);
}

static void test_reduction_rules(void **state)
{
    (void)state;
    /* 4 x 2 cells -> 2 x 1. Groups: {1, 2, 2, 1} and {-1, -2, nodata, nodata}. */
    int16_t s[8] = {1, 2, -1, -2, 2, 1, -9, -9}, d[2];
    sx__cog_reduce(SX__COG_AVERAGE, SX_DT_INT16, -9, s, 4, 4, 2, d, 2);
    assert_int_equal(d[0], 2);  /* 1.5 rounds half up */
    assert_int_equal(d[1], -1); /* -1.5 rounds half up */
    sx__cog_reduce(SX__COG_MODE, SX_DT_INT16, -9, s, 4, 4, 2, d, 2);
    assert_int_equal(d[0], 1);  /* 1 and 2 tie: the smaller */
    assert_int_equal(d[1], -2); /* -1 and -2 tie */
    sx__cog_reduce(SX__COG_NEAREST, SX_DT_INT16, -9, s, 4, 4, 2, d, 2);
    assert_true(d[0] == 1 && d[1] == -1);
    /* An odd edge: 3 x 1 -> 2 x 1, the last group holds one cell. All nodata -> nodata. */
    float f[3] = {1.0f, NAN, 5.0f}, fd[2];
    sx__cog_reduce(SX__COG_AVERAGE, SX_DT_FLOAT32, NAN, f, 3, 3, 1, fd, 2);
    assert_true(fd[0] == 1.0f && fd[1] == 5.0f);
    float nd[2] = {NAN, -1.0f}, ndd[1];
    sx__cog_reduce(SX__COG_AVERAGE, SX_DT_FLOAT32, -1.0, nd, 2, 2, 1, ndd, 1);
    assert_true(ndd[0] == -1.0f);
    /* int64 sums that overflow 64 bits stay exact. */
    int64_t big[4] = {INT64_MAX, INT64_MAX - 2, INT64_MAX, INT64_MAX - 2}, bd[1];
    sx__cog_reduce(SX__COG_AVERAGE, SX_DT_INT64, 0, big, 2, 2, 2, bd, 1);
    assert_true(bd[0] == INT64_MAX - 1);
}

static void test_pyramid_levels(void **state)
{
    (void)state;
    sx__cog_pyramid_t p;
    sx__cog_pyramid(1537, 1025, 512, &p);
    assert_int_equal(p.nlevels, 3); /* 1537x1025, 769x513, 385x257 */
    assert_int_equal(p.lv[2].nx, 385);
    assert_int_equal(p.lv[2].ny, 257);
    assert_int_equal(p.ntiles, 4 * 3 + 2 * 2 + 1);
    sx__cog_pyramid(512, 512, 512, &p);
    assert_int_equal(p.nlevels, 1);
    sx__cog_pyramid(1, 1, 512, &p);
    assert_int_equal(p.nlevels, 1);
}

int main(int argc, char **argv)
{
    if (sx_mpi_init(&argc, &argv) != SX_OK) return 2;
    sx_gdal_init(0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_horizontal_predictor),
        cmocka_unit_test(test_floating_point_predictor),
        cmocka_unit_test(test_codecs_round_trip_through_gdal),
        cmocka_unit_test(test_reduction_rules),
        cmocka_unit_test(test_pyramid_levels),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    sx_mpi_finalize();
    return rc;
}
