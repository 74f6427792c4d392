/*
 * test_rs_reflectance.c — reflectance scale/offset from product metadata:
 * Sentinel-2 MTD_MSIL2A.xml (baselines 04.00 and 02.09, written from ESA's
 * Products Specification Document in tests/data/rs/s2), the SAFE layout
 * search, GDAL metadata (band scale/offset; BOA_QUANTIFICATION_VALUE with
 * BOA_ADD_OFFSET), the Landsat MTL, and explicit flags overriding metadata.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include <gdal.h>

#include "sanxiang/sx_raster.h"
#include "sanxiang/sx_rs.h"

#define S2DIR SX_TEST_DATA_DIR "/rs/s2"
#define OUT SX_TEST_OUT "/rs_reflectance"

static void s2(const char *xml, const char *band, double scale, double offset)
{
    double s = 0, o = 0;
    char note[160];
    assert_int_equal(sx_rs_s2_mtd_scale(xml, band, &s, &o, note, sizeof note), SX_OK);
    assert_float_equal(s, scale, 1e-15);
    assert_float_equal(o, offset, 1e-15);
}

static void test_s2_mtd(void **state)
{
    (void)state;
    const char *b4 = S2DIR "/MTD_MSIL2A_b0400.xml", *b2 = S2DIR "/MTD_MSIL2A_b0209.xml";
    s2(b4, "B04", 1e-4, -0.1); /* (DN - 1000) / 10000 */
    s2(b4, "B4", 1e-4, -0.1);
    s2(b4, "B08", 1e-4, -0.09); /* band_id 7 */
    s2(b4, "B8A", 1e-4, -0.08); /* band_id 8: B8A sits between B8 and B9 */
    s2(b4, "B12", 1e-4, -0.1);
    s2(b2, "B04", 1e-4, 0); /* before 04.00: no offset */
    double s, o;
    char note[160];
    assert_int_not_equal(sx_rs_s2_mtd_scale(b4, "B13", &s, &o, note, sizeof note), SX_OK);
    assert_int_not_equal(sx_rs_s2_mtd_scale(b4, "B9A", &s, &o, note, sizeof note), SX_OK);
    assert_int_not_equal(sx_rs_s2_mtd_scale(S2DIR "/no_such.xml", "B04", &s, &o, note, sizeof note), SX_OK);
    /* a Landsat MTL is not an S2 metadata file */
    assert_int_not_equal(sx_rs_s2_mtd_scale(SX_DATA_DIR "/remote_sensing/landsat8/l8_MTL.txt", "B04", &s, &o, note, sizeof note),
                         SX_OK);
}

static void copy_file(const char *from, const char *to)
{
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    assert_non_null(a);
    assert_non_null(b);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, a)) > 0) assert_int_equal(fwrite(buf, 1, n, b), n);
    fclose(a);
    fclose(b);
}

static void touch(const char *path)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
}

static sx_rs_band_t band(const char *name, const char *path)
{
    sx_rs_band_t b;
    memset(&b, 0, sizeof b);
    b.name = name;
    b.path = path;
    b.band = 1;
    b.scale = 1;
    return b;
}

/* A SAFE layout: the band file 4 directories below MTD_MSIL2A.xml. */
static void test_s2_safe_auto(void **state)
{
    (void)state;
    const char *safe = OUT "/S2B_MSIL2A_20220601T153809_N0400_R011_T18TWL_20220601T195614.SAFE";
    char dir[1024], red[1200], nir[1200], xml[1200];
    mkdir(OUT, 0755);
    mkdir(safe, 0755);
    snprintf(dir, sizeof dir, "%s/GRANULE", safe);
    mkdir(dir, 0755);
    snprintf(dir, sizeof dir, "%s/GRANULE/L2A_T18TWL_A027390_20220601T154316", safe);
    mkdir(dir, 0755);
    strcat(dir, "/IMG_DATA");
    mkdir(dir, 0755);
    strcat(dir, "/R10m");
    mkdir(dir, 0755);
    snprintf(xml, sizeof xml, "%s/MTD_MSIL2A.xml", safe);
    copy_file(S2DIR "/MTD_MSIL2A_b0400.xml", xml);
    snprintf(red, sizeof red, "%s/T18TWL_20220601T153809_B04_10m.jp2", dir);
    snprintf(nir, sizeof nir, "%s/T18TWL_20220601T153809_B08_10m.jp2", dir);
    touch(red);
    touch(nir);

    sx_rs_band_t b[3] = {band("red", red), band("nir", nir), band("red2", red)};
    b[2].scale = 2;
    b[2].offset = 0.5;
    b[2].scale_source = SX_RS_SCALE_EXPLICIT; /* --scale wins over metadata */
    assert_int_equal(sx_rs_bands_resolve_scale(b, 3, SX_RS_REFL_AUTO, NULL), SX_OK);
    assert_int_equal(b[0].scale_source, SX_RS_SCALE_S2_MTD);
    assert_float_equal(b[0].scale, 1e-4, 1e-15);
    assert_float_equal(b[0].offset, -0.1, 1e-15);
    assert_non_null(strstr(b[0].scale_note, "baseline 04.00"));
    assert_int_equal(b[1].scale_source, SX_RS_SCALE_S2_MTD);
    assert_float_equal(b[1].offset, -0.09, 1e-15);
    assert_int_equal(b[2].scale_source, SX_RS_SCALE_EXPLICIT);
    assert_float_equal(b[2].scale, 2, 0);
    assert_float_equal(b[2].offset, 0.5, 0);

    /* a preset overrides the metadata; none means digital numbers */
    sx_rs_band_t p[2] = {band("red", red), band("nir", nir)};
    assert_int_equal(sx_rs_bands_resolve_scale(p, 1, SX_RS_REFL_LANDSAT_C2_L2, NULL), SX_OK);
    assert_int_equal(p[0].scale_source, SX_RS_SCALE_PRESET);
    assert_float_equal(p[0].scale, 2.75e-5, 0);
    assert_int_equal(sx_rs_bands_resolve_scale(p + 1, 1, SX_RS_REFL_NONE, NULL), SX_OK);
    assert_int_equal(p[1].scale_source, SX_RS_SCALE_NONE);
    assert_float_equal(p[1].scale, 1, 0);
    assert_float_equal(p[1].offset, 0, 0);
}

static void make_tif(const char *path, int set_scale, const char *quant, const char *add)
{
    GDALDriverH drv = GDALGetDriverByName("GTiff");
    assert_non_null(drv);
    GDALDatasetH ds = GDALCreate(drv, path, 2, 2, 1, GDT_UInt16, NULL);
    assert_non_null(ds);
    GDALRasterBandH b = GDALGetRasterBand(ds, 1);
    if (set_scale) {
        GDALSetRasterScale(b, 2.75e-5);
        GDALSetRasterOffset(b, -0.2);
    }
    if (quant) GDALSetMetadataItem(ds, "BOA_QUANTIFICATION_VALUE", quant, NULL);
    if (add) GDALSetMetadataItem(b, "BOA_ADD_OFFSET", add, NULL);
    GDALClose(ds);
}

static void test_gdal_metadata(void **state)
{
    (void)state;
    assert_int_equal(sx_gdal_init(0), SX_OK);
    mkdir(OUT, 0755);
    make_tif(OUT "/scaled.tif", 1, NULL, NULL);
    make_tif(OUT "/s2meta.tif", 0, "10000", "-1000");
    make_tif(OUT "/plain.tif", 0, NULL, NULL);
    sx_rs_band_t b[3] = {band("a", OUT "/scaled.tif"), band("b", OUT "/s2meta.tif"), band("c", OUT "/plain.tif")};
    assert_int_equal(sx_rs_bands_resolve_scale(b, 3, SX_RS_REFL_AUTO, NULL), SX_OK);
    assert_int_equal(b[0].scale_source, SX_RS_SCALE_GDAL);
    assert_float_equal(b[0].scale, 2.75e-5, 1e-18);
    assert_float_equal(b[0].offset, -0.2, 1e-15);
    assert_int_equal(b[1].scale_source, SX_RS_SCALE_GDAL);
    assert_float_equal(b[1].scale, 1e-4, 1e-18);
    assert_float_equal(b[1].offset, -0.1, 1e-15);
    assert_int_equal(b[2].scale_source, SX_RS_SCALE_NONE);
    assert_float_equal(b[2].scale, 1, 0);
}

static void test_landsat_mtl(void **state)
{
    (void)state;
    /* l8_MTL.txt is a Collection 1 Level-1 MTL: TOA reflectance,
     * REFLECTANCE_MULT_BAND_4 2.0000E-05, ADD -0.100000, divided by
     * sin(SUN_ELEVATION) (Landsat 8 Data Users Handbook, sec. 5.1) */
    double s, o;
    char note[160];
    assert_int_equal(sx_rs_mtl_scale(SX_DATA_DIR "/remote_sensing/landsat8/l8_MTL.txt", 4, &s, &o, note, sizeof note), SX_OK);
    assert_true(s > 2e-5 && s < 4e-5);
    assert_float_equal(o / s, -0.1 / 2e-5, 1e-6);
}

/* Earth-Sun distance (Spencer 1971): about 0.9833 AU at perihelion (early
 * January) and 1.0167 AU at aphelion (early July); the Landsat 7 handbook's
 * table (from an ephemeris) gives 0.98331 for day 1 and 1.01668 for day
 * 182. Spencer's series is within 5e-4 AU of it (0.1 % in reflectance). */
static void test_earth_sun(void **state)
{
    (void)state;
    assert_float_equal(sx_rs_earth_sun_au(1), 0.98331, 5e-4);
    assert_float_equal(sx_rs_earth_sun_au(182), 1.01668, 5e-4);
    assert_float_equal(sx_rs_earth_sun_au(91), 0.99950, 2e-3);
    assert_true(sx_rs_earth_sun_au(1) < sx_rs_earth_sun_au(91) && sx_rs_earth_sun_au(91) < sx_rs_earth_sun_au(182));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_s2_mtd),
        cmocka_unit_test(test_s2_safe_auto),
        cmocka_unit_test(test_gdal_metadata),
        cmocka_unit_test(test_landsat_mtl),
        cmocka_unit_test(test_earth_sun),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
