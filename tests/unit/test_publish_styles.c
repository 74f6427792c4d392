/* test_publish_styles.c — the table of layer kinds: lookup by kind and by
 * name, ramp ranges, colour interpolation at and between stops, classes. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sanxiang/sx_publish.h"

static const char *kind_of(const char *name)
{
    const char *texts[] = {name, NULL};
    return sx_publish_style_match(texts, 2)->kind;
}

static void test_table_is_well_formed(void **state)
{
    (void)state;
    size_t n;
    const sx_publish_style_t *s = sx_publish_styles(&n);
    assert_true(n >= 9);
    assert_string_equal(s[n - 1].kind, "generic");
    assert_null(s[n - 1].match);
    for (size_t i = 0; i < n; i++) {
        assert_true(s[i].nstops >= 2);
        assert_ptr_equal(sx_publish_style_by_kind(s[i].kind), &s[i]);
        if (s[i].classes) {
            assert_string_not_equal(s[i].overview, "AVERAGE"); /* classes are never averaged */
            assert_string_equal(s[i].warp, "NEAREST");
            for (size_t k = 0; k < s[i].nstops; k++) assert_non_null(s[i].stops[k].label);
        } else {
            assert_true(s[i].stops[0].value == 0.0 && s[i].stops[s[i].nstops - 1].value == 1.0);
            for (size_t k = 1; k < s[i].nstops; k++) assert_true(s[i].stops[k].value > s[i].stops[k - 1].value);
        }
    }
    assert_null(sx_publish_style_by_kind("no_such_kind"));
}

static void test_match_by_name(void **state)
{
    (void)state;
    assert_string_equal(kind_of("slope"), "slope");
    assert_string_equal(kind_of("NDVI_2024"), "ndvi");
    assert_string_equal(kind_of("flood_depth"), "depth");
    assert_string_equal(kind_of("water_depth"), "depth"); /* depth wins over water */
    assert_string_equal(kind_of("water_mask"), "water_mask");
    assert_string_equal(kind_of("flood_extent"), "water_mask");
    assert_string_equal(kind_of("arrival_time_h"), "arrival_time");
    assert_string_equal(kind_of("hazard_class"), "hazard_class");
    assert_string_equal(kind_of("digital_economy_score"), "index_score");
    assert_string_equal(kind_of("N47E009.SRTM3"), "elevation");
    assert_string_equal(kind_of("temperature"), "generic");
    const char *texts[] = {"layer7", NULL, "terrain slope (Horn 1981)"};
    assert_string_equal(sx_publish_style_match(texts, 3)->kind, "slope"); /* long_name decides */
}

static void test_ranges(void **state)
{
    (void)state;
    double lo, hi;
    sx_publish_style_range(sx_publish_style_by_kind("slope"), 3, 72, &lo, &hi);
    assert_true(lo == 0 && hi == 60); /* fixed range: maps of different runs compare */
    sx_publish_style_range(sx_publish_style_by_kind("elevation"), 388, 2937, &lo, &hi);
    assert_true(lo == 388 && hi == 2937); /* from statistics */
    sx_publish_style_range(sx_publish_style_by_kind("elevation"), 5, 5, &lo, &hi);
    assert_true(hi > lo); /* a constant layer still has a usable ramp */
    sx_publish_style_range(sx_publish_style_by_kind("generic"), NAN, NAN, &lo, &hi);
    assert_true(lo == 0 && hi == 1);
}

static void test_colours(void **state)
{
    (void)state;
    const sx_publish_style_t *s = sx_publish_style_by_kind("slope");
    unsigned char c[4];
    sx_publish_style_colour(s, 0, 60, 0, c); /* first stop */
    assert_memory_equal(c, ((unsigned char[]){s->stops[0].r, s->stops[0].g, s->stops[0].b, 255}), 4);
    sx_publish_style_colour(s, 0, 60, 90, c); /* above the range: clamped to the last stop */
    const sx_publish_stop_t *e = &s->stops[s->nstops - 1];
    assert_memory_equal(c, ((unsigned char[]){e->r, e->g, e->b, 255}), 4);
    sx_publish_style_colour(s, 0, 60, 30, c); /* exactly the middle stop (0.5) */
    assert_memory_equal(c, ((unsigned char[]){s->stops[2].r, s->stops[2].g, s->stops[2].b, 255}), 4);
    sx_publish_style_colour(s, 0, 60, 7.5, c); /* halfway between stops 0 and 1 */
    assert_int_equal(c[0], (int)lround((s->stops[0].r + s->stops[1].r) / 2.0));
    assert_int_equal(c[1], (int)lround((s->stops[0].g + s->stops[1].g) / 2.0));
    assert_int_equal(c[2], (int)lround((s->stops[0].b + s->stops[1].b) / 2.0));
    sx_publish_style_colour(s, 0, 60, NAN, c); /* nodata is transparent */
    assert_int_equal(c[3], 0);

    const sx_publish_style_t *h = sx_publish_style_by_kind("hazard_class");
    sx_publish_style_colour(h, 1, 0, 3, c);
    assert_memory_equal(c, ((unsigned char[]){h->stops[2].r, h->stops[2].g, h->stops[2].b, 255}), 4);
    sx_publish_style_colour(h, 1, 0, 7, c); /* not a class: transparent, never a guessed colour */
    assert_int_equal(c[3], 0);
    const sx_publish_style_t *w = sx_publish_style_by_kind("water_mask");
    sx_publish_style_colour(w, 1, 0, 0, c); /* "not water" is see-through */
    assert_int_equal(c[3], 0);
    sx_publish_style_colour(w, 1, 0, 1, c);
    assert_int_equal(c[3], 255);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_is_well_formed),
        cmocka_unit_test(test_match_by_name),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_colours),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
