/* test_grid.c — grid descriptions, nodata predicate, decomposition helpers. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <cmocka.h>

#include "sanxiang/sx_decomp.h"
#include "sanxiang/sx_grid.h"

static void test_copy_and_frame(void **state)
{
    sx_grid_t a = {.nx = 10, .ny = 20, .gt = {100, 30, 0, 500, 0, -30}, .dtype = SX_DT_FLOAT32};
    assert_int_equal(sx_grid_set_wkt(&a, "PROJCS[\"x\"]"), SX_OK);
    sx_grid_t b;
    assert_int_equal(sx_grid_copy(&b, &a), SX_OK);
    assert_true(sx_grid_same_frame(&a, &b));
    assert_ptr_not_equal(a.wkt, b.wkt);
    b.gt[0] += 1;
    assert_false(sx_grid_same_frame(&a, &b));
    assert_true(fabs(sx_grid_x_center(&a, 0) - 115) < 1e-12);
    assert_true(fabs(sx_grid_y_center(&a, 1) - 455) < 1e-12);
    assert_false(sx_grid_is_geographic(&a));
    sx_grid_set_wkt(&a, "GEOGCS[\"WGS 84\"]");
    assert_true(sx_grid_is_geographic(&a));
    sx_grid_set_wkt(&a, "GEOGCRS[\"CGCS2000\", CS[ellipsoidal,2]]");
    assert_true(sx_grid_is_geographic(&a));
    sx_grid_fini(&a);
    sx_grid_fini(&b);
    sx_grid_fini(&b); /* finishing twice is harmless */
}

static void test_nodata(void **state)
{
    sx_grid_t g = {.dtype = SX_DT_FLOAT32, .has_nodata = 1, .nodata = -3.4028234663852886e+38};
    assert_true(sx_grid_is_nodata(&g, (double)(float)-3.4028234663852886e+38));
    assert_true(sx_grid_is_nodata(&g, NAN));
    assert_false(sx_grid_is_nodata(&g, 0.0));
    g.dtype = SX_DT_INT16;
    g.nodata = -32768;
    assert_true(sx_grid_is_nodata(&g, -32768.0));
    assert_false(sx_grid_is_nodata(&g, -32767.0));
    g.has_nodata = 0;
    assert_false(sx_grid_is_nodata(&g, -32768.0));
}

static void test_tiles(void **state)
{
    assert_int_equal(sx_tiles_count(10, 10, 4, 4), 9);
    sx_window_t w = sx_tiles_window(10, 10, 4, 4, 8);
    assert_int_equal(w.x0, 8);
    assert_int_equal(w.y0, 8);
    assert_int_equal(w.nx, 2);
    assert_int_equal(w.ny, 2);
    sx_window_t a = {0, 0, 5, 5}, b = {3, 4, 10, 10};
    sx_window_t x = sx_window_intersect(a, b);
    assert_int_equal(x.x0, 3);
    assert_int_equal(x.nx, 2);
    assert_int_equal(x.ny, 1);
    sx_window_t c = {6, 6, 1, 1};
    assert_int_equal(sx_window_cells(sx_window_intersect(a, c)), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copy_and_frame),
        cmocka_unit_test(test_nodata),
        cmocka_unit_test(test_tiles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
