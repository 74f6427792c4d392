/*
 * test_rs_mask.c — quality-band masks against the producers' bit tables,
 * dilation on a hand-checkable grid, and Otsu's threshold on histograms whose
 * answer is known.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sanxiang/sx_rs.h"

static int masked(const char *kind, const char *classes, double qa)
{
    sx_rs_qa_rule_t r;
    assert_int_equal(sx_rs_qa_rule_parse(kind, classes, &r), SX_OK);
    uint8_t m;
    sx_rs_qa_mask(&r, &qa, 1, &m);
    return m;
}

static void test_landsat_c2(void **state)
{
    (void)state;
    /* USGS C2 QA_PIXEL values: 21824 clear land, 21952 clear water,
     * 22280 high-confidence cloud (bit 3), 23888 cloud shadow (bit 4),
     * 1 fill, 54596 high-confidence cirrus (bit 2) */
    assert_int_equal(masked("landsat-c2", NULL, 21824), 0);
    assert_int_equal(masked("landsat-c2", NULL, 21952), 0);
    assert_int_equal(masked("landsat-c2", NULL, 22280), 1);
    assert_int_equal(masked("landsat-c2", NULL, 23888), 1);
    assert_int_equal(masked("landsat-c2", NULL, 1), 1);
    assert_int_equal(masked("landsat-c2", NULL, 54596), 1);
    assert_int_equal(masked("landsat-c2", "water", 21952), 1); /* bit 7 */
    assert_int_equal(masked("landsat-c2", "cloud", 23888), 0); /* shadow only */
    assert_int_equal(masked("landsat-c2", NULL, NAN), 1);       /* nodata is masked */
}

static void test_landsat_c1_and_scl(void **state)
{
    (void)state;
    /* C1 BQA: 2720 clear (low confidences), 2800 cloud with high confidence,
     * 2976 high-confidence cloud shadow (bits 7-8 = 11), 6816 high cirrus (11-12 = 11) */
    assert_int_equal(masked("landsat-c1", NULL, 2720), 0);
    assert_int_equal(masked("landsat-c1", NULL, 2800), 1);
    assert_int_equal(masked("landsat-c1", NULL, 2976), 1);
    assert_int_equal(masked("landsat-c1", NULL, 6816), 1);
    assert_int_equal(masked("landsat-c1", "cloud-high", 2752), 0); /* 2752: cloud confidence medium (10) */
    assert_int_equal(masked("landsat-c1", "cloud-medium", 2752), 1);
    for (int c = 0; c < 12; c++) {
        int want = c == 0 || c == 1 || c == 3 || c == 8 || c == 9 || c == 10;
        assert_int_equal(masked("s2-scl", NULL, c), want);
    }
    assert_int_equal(masked("s2-scl", "water,snow", 6), 1);
    assert_int_equal(masked("s2-scl", "water,snow", 4), 0);
    sx_rs_qa_rule_t r;
    assert_int_equal(sx_rs_qa_rule_parse("s2-scl", "clouds", &r), SX_ERR_USAGE);
    assert_int_equal(sx_rs_qa_rule_parse("modis", NULL, &r), SX_ERR_USAGE);
    sx_err_clear();
}

static void test_dilate(void **state)
{
    (void)state;
    /* 6 x 5 grid, one masked cell at (1, 0) and one at (5, 4); r = 1 */
    enum { NX = 6, NY = 5 };
    uint8_t m[NX * NY] = {0}, tmp[NX * NY], out[NX * NY];
    m[0 * NX + 1] = 1;
    m[4 * NX + 5] = 1;
    sx_window_t w = {0, 0, NX, NY};
    sx_rs_mask_dilate(m, w, w, 1, tmp, out);
    for (int j = 0; j < NY; j++)
        for (int i = 0; i < NX; i++) {
            int want = (i <= 2 && j <= 1) || (i >= 4 && j >= 3);
            if (out[j * NX + i] != want) fail_msg("cell (%d, %d): %d, expected %d", i, j, out[j * NX + i], want);
        }
    /* own block is the right half: same cells as the full run */
    sx_window_t own = {3, 0, 3, NY};
    uint8_t half[3 * NY];
    sx_rs_mask_dilate(m, w, own, 1, tmp, half);
    for (int j = 0; j < NY; j++)
        for (int i = 0; i < 3; i++) assert_int_equal(half[j * 3 + i], out[j * NX + 3 + i]);
}

static void test_otsu(void **state)
{
    (void)state;
    /* two equal spikes at the ends: every split in between separates them
     * equally well; the first (lowest) wins, giving bin 0's centre */
    int64_t h1[4] = {5, 0, 0, 5};
    assert_true(fabs(sx_rs_otsu_threshold(h1, 4, 0, 4) - 0.5) < 1e-15);
    /* bimodal: modes at bins 1-2 and 7-8 of 10 over [-1, 1]; the best split
     * falls between them */
    int64_t h2[10] = {0, 40, 60, 5, 1, 1, 5, 50, 30, 0};
    double t = sx_rs_otsu_threshold(h2, 10, -1, 1);
    assert_true(t > -0.4 && t < 0.3);
    /* by hand: splitting after bin 3 (centre -0.3) vs after bin 4 (-0.1) */
    double best = -1, bt = 0;
    for (int k = 0; k < 9; k++) {
        double w0 = 0, s0 = 0, w1 = 0, s1 = 0;
        for (int i = 0; i < 10; i++) {
            double c = -1 + (i + 0.5) * 0.2;
            if (i <= k) w0 += h2[i], s0 += h2[i] * c;
            else w1 += h2[i], s1 += h2[i] * c;
        }
        double v = w0 * w1 * (s0 / w0 - s1 / w1) * (s0 / w0 - s1 / w1);
        if (v > best) best = v, bt = -1 + (k + 0.5) * 0.2;
    }
    assert_true(fabs(t - bt) < 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_landsat_c2), cmocka_unit_test(test_landsat_c1_and_scl),
                                       cmocka_unit_test(test_dilate), cmocka_unit_test(test_otsu)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
