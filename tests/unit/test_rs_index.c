/*
 * test_rs_index.c — spectral indices by name: the catalogue is complete and
 * every formula compiles over its bands; lookups are case-insensitive with
 * sanxiang's seven first and exact spelling deciding BAI/BaI; band codes and
 * common names meet; kernel terms expand to the RBF kernel; constants take
 * the user's value, the index's default or the catalogue's, and the errors
 * name what to give. Nothing here reads raster files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sanxiang/sx_rs.h"
#include "sanxiang/sx_rs_expr.h"

static sx_rs_band_t band(const char *name)
{
    sx_rs_band_t b;
    memset(&b, 0, sizeof b);
    b.name = name;
    b.path = "x.tif";
    b.band = 1;
    return b;
}

static void expr_of(const char *index, const char *const *names, int n, const sx_rs_const_t *c, int nc, const char *want)
{
    const sx_rs_index_t *ix;
    sx_rs_band_t b[16];
    for (int k = 0; k < n; k++) b[k] = band(names[k]);
    if (sx_rs_index_find(index, &ix)) fail_msg("%s not found: %s", index, sx_err_message());
    sx_rs_index_expr_t *r = malloc(sizeof *r);
    if (sx_rs_index_expr(ix, b, n, c, nc, r)) fail_msg("%s: %s", index, sx_err_message());
    if (strcmp(r->expr, want)) fail_msg("%s gave '%s', expected '%s'", index, r->expr, want);
    free(r);
}

/* Every catalogue index compiles, with each of its bands given by code and
 * the constants without default given. */
static void test_catalogue_compiles(void **state)
{
    (void)state;
    int n = 0, shadowed = 0;
    static const char *const codes[] = {"A", "B", "G", "G1", "N", "N2", "R", "RE1", "RE2", "RE3", "S1", "S2",
                                        "T", "T1", "T2", "WV", "Y", "VV", "VH", "HH", "HV"};
    const int ncodes = sizeof codes / sizeof *codes;
    sx_rs_band_t b[32];
    const char *names[32];
    for (int k = 0; k < ncodes; k++) {
        b[k] = band(codes[k]);
        names[k] = codes[k];
    }
    const sx_rs_const_t nodef[] = {{"PAR", 1500}, {"lambdaG", 560}, {"lambdaR", 665}, {"lambdaN", 842},
                                   {"lambdaN2", 865}, {"lambdaS1", 1610}, {"lambdaS2", 2190}};
    sx_rs_index_expr_t *r = malloc(sizeof *r);
    for (const sx_rs_index_t *t = sx_rs_index_catalogue(); t->name; t++, n++) {
        sx_rs_const_t c[8];
        int nc = 0;
        for (size_t k = 0; k < sizeof nodef / sizeof *nodef; k++) {
            const char *p = strstr(t->constants, nodef[k].name);
            size_t l = strlen(nodef[k].name);
            if (p && (p[l] == 0 || p[l] == ' ') && (p == t->constants || p[-1] == ' ')) c[nc++] = nodef[k];
        }
        if (sx_rs_index_expr(t, b, ncodes, c, nc, r)) fail_msg("%s: %s", t->name, sx_err_message());
        sx_rs_expr_t *e = NULL;
        if (sx_rs_expr_compile(r->expr, names, ncodes, &e)) fail_msg("%s: %s", t->name, sx_err_message());
        sx_rs_expr_destroy(&e);
        shadowed += sx_rs_index_shadowed(t);
        assert_true(sx_rs_index_is_catalogue(t));
        assert_true(t->domain[0] && t->long_name[0] && t->citation[0]);
    }
    free(r);
    assert_int_equal(n, 280);
    assert_int_equal(shadowed, 7); /* NDVI EVI SAVI NDWI MNDWI NDBI NBR */
    assert_non_null(strstr(sx_rs_index_catalogue_version(), "awesome-spectral-indices@926973262d11"));
}

static void test_lookup(void **state)
{
    (void)state;
    const sx_rs_index_t *ix;
    assert_int_equal(sx_rs_index_find("MNDWI", &ix), SX_OK);
    assert_string_equal(ix->name, "mndwi");
    assert_false(sx_rs_index_is_catalogue(ix));
    assert_int_equal(sx_rs_index_find("ndwi", &ix), SX_OK);
    assert_string_equal(ix->expr, "(green - nir) / (green + nir)"); /* McFeeters, as the catalogue's NDWI */
    assert_int_equal(sx_rs_index_find("ndrei", &ix), SX_OK);
    assert_string_equal(ix->name, "NDREI");
    assert_int_equal(sx_rs_index_find("BaI", &ix), SX_OK);
    assert_string_equal(ix->long_name, "Bareness Index");
    assert_int_equal(sx_rs_index_find("BAI", &ix), SX_OK);
    assert_string_equal(ix->long_name, "Burned Area Index");
    assert_int_equal(sx_rs_index_find("bai", &ix), SX_ERR_USAGE);
    assert_non_null(strstr(sx_err_message(), "spell it exactly"));
    assert_int_equal(sx_rs_index_find("ndvx", &ix), SX_ERR_USAGE);
    assert_non_null(strstr(sx_err_message(), "close: ndvi"));
    sx_err_clear();
}

static void test_roles_constants(void **state)
{
    (void)state;
    const char *const by_code[] = {"N", "R"}, *const by_name[] = {"nir", "red"}, *const mixed[] = {"NIR", "R", "blue"};
    expr_of("ndvi", by_code, 2, NULL, 0, "(N - R) / (N + R)");
    expr_of("NDVI", by_name, 2, NULL, 0, "(nir - red) / (nir + red)");
    expr_of("savi", by_name, 2, NULL, 0, "(1 + 0.5) * (nir - red) / (nir + red + 0.5)");
    const sx_rs_const_t l1 = {"L", 1}, neg = {"L", -0.25};
    expr_of("savi", by_name, 2, &l1, 1, "(1 + 1) * (nir - red) / (nir + red + 1)");
    expr_of("evi", mixed, 3, &neg, 1, "2.5 * (NIR - R) / (NIR + 6 * R - 7.5 * blue + (-0.25))");
    expr_of("WDRVI", by_code, 2, NULL, 0, "(0.1 * N - R) / (0.1 * N + R)");
    expr_of("kNDVI", by_name, 2, NULL, 0,
            "(exp(-((nir - nir) ^ 2) / (2 * 0.5 ^ 2)) - exp(-((nir - red) ^ 2) / (2 * 0.5 ^ 2)))/"
            "(exp(-((nir - nir) ^ 2) / (2 * 0.5 ^ 2)) + exp(-((nir - red) ^ 2) / (2 * 0.5 ^ 2)))");
    const char *const kb[] = {"kNN", "kNR"};
    expr_of("kNDVI", kb, 2, NULL, 0, "(kNN - kNR)/(kNN + kNR)"); /* kernels given as bands */
    const char *const re[] = {"nir", "rededge1"};
    expr_of("NDREI", re, 2, NULL, 0, "(nir - rededge1) / (nir + rededge1)");
    const char *const s[] = {"swir16", "G"};
    expr_of("MNDWI", s, 2, NULL, 0, "(G - swir16) / (G + swir16)");

    const sx_rs_index_t *ix;
    sx_rs_band_t b[3] = {band("nir"), band("N"), band("red")};
    sx_rs_index_expr_t *r = malloc(sizeof *r);
    assert_int_equal(sx_rs_index_find("ndvi", &ix), SX_OK);
    assert_int_equal(sx_rs_index_expr(ix, b, 3, NULL, 0, r), SX_ERR_USAGE);
    assert_non_null(strstr(sx_err_message(), "bands 'nir' and 'N' both name"));
    assert_int_equal(r->bad, 1);
    assert_int_equal(sx_rs_index_find("NIRvP", &ix), SX_OK);
    assert_int_equal(sx_rs_index_expr(ix, b + 1, 2, NULL, 0, r), SX_ERR_USAGE);
    assert_non_null(strstr(sx_err_message(), "--const PAR=VALUE"));
    assert_int_equal(r->bad, 2);
    const sx_rs_const_t par = {"PAR", 1200};
    assert_int_equal(sx_rs_index_expr(ix, b + 1, 2, &par, 1, r), SX_OK);
    assert_string_equal(r->constants, "{\"PAR\":1200}");
    assert_int_equal(sx_rs_index_expr(ix, b + 1, 2, &l1, 1, r), SX_ERR_USAGE);
    assert_non_null(strstr(sx_err_message(), "--const L: NIRvP"));
    assert_int_equal(sx_rs_index_find("NDREI", &ix), SX_OK);
    assert_int_equal(sx_rs_index_expr(ix, b + 1, 2, NULL, 0, r), SX_ERR_USAGE);
    assert_non_null(strstr(sx_err_message(), "needs band 'RE1' (rededge071"));
    free(r);
    sx_err_clear();
}

static void test_platform(void **state)
{
    (void)state;
    const sx_rs_index_t *ix;
    sx_rs_const_t c[8] = {{"lambdaR", 660}};
    double store[8];
    int n = 1;
    assert_int_equal(sx_rs_index_find("FAI", &ix), SX_OK);
    assert_int_equal(sx_rs_index_platform_consts(ix, "sentinel2a", c, &n, 8, store), SX_OK);
    assert_int_equal(n, 3); /* lambdaR given; lambdaN, lambdaS1 from bands.json */
    assert_string_equal(c[1].name, "lambdaN");
    assert_true(c[1].value == 832.8);
    assert_string_equal(c[2].name, "lambdaS1");
    assert_true(c[2].value == 1613.7);
    n = 0;
    assert_int_equal(sx_rs_index_platform_consts(ix, "landsat8", c, &n, 8, store), SX_ERR_USAGE);
    assert_non_null(strstr(sx_err_message(), "give --const lambdaN=NM"));
    assert_int_equal(sx_rs_index_platform_consts(ix, "landsat", c, &n, 8, store), SX_ERR_USAGE);
    assert_non_null(strstr(sx_err_message(), "not in the catalogue's band table"));
    sx_err_clear();
}

static void test_list(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(sx_rs_index_list(f, "radar"), SX_OK);
    fclose(f);
    int rows = 0;
    for (char *p = buf; *p; p++) rows += *p == '\n';
    assert_int_equal(rows, 2 + 13); /* comment, header, 13 radar indices */
    assert_non_null(strstr(buf, "\nDpRVIVV\tradar\tVH VV\t-\t"));
    free(buf);
    f = open_memstream(&buf, &len);
    assert_int_equal(sx_rs_index_list(f, NULL), SX_OK);
    fclose(f);
    rows = 0;
    for (char *p = buf; *p; p++) rows += *p == '\n';
    assert_int_equal(rows, 2 + 280);
    assert_null(strstr(buf, "\nNDVI\t")); /* listed once, as ndvi */
    free(buf);
    f = open_memstream(&buf, &len);
    assert_int_equal(sx_rs_index_list(f, "forest"), SX_ERR_USAGE);
    fclose(f);
    free(buf);
    sx_err_clear();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalogue_compiles),
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_roles_constants),
        cmocka_unit_test(test_platform),
        cmocka_unit_test(test_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
