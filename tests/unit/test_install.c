/* test_install.c — the data directory (src/core/install.c): found beside a build-tree
 * executable (this test runs from build/bin, so the source tree), overridden by
 * $SANXIANG_DATA_DIR; which file a user's relative name means. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sanxiang/sx_install.h"

#define BUNDLED "data/dem/N47E009_outlets.csv"

static void test_build_tree(void **state)
{
    char dir[PATH_MAX], want[PATH_MAX];
    unsetenv("SANXIANG_DATA_DIR");
    assert_int_equal(sx_install_data_dir(dir, sizeof dir), 1);
    assert_non_null(realpath(SX_DATA_DIR "/..", want)); /* the source tree */
    assert_string_equal(dir, want);
}

static void test_override_and_small_buffer(void **state)
{
    char dir[PATH_MAX], tiny[4];
    setenv("SANXIANG_DATA_DIR", "/opt/sanxiang/share/sanxiang", 1);
    assert_int_equal(sx_install_data_dir(dir, sizeof dir), 1);
    assert_string_equal(dir, "/opt/sanxiang/share/sanxiang");
    assert_int_equal(sx_install_data_dir(tiny, sizeof tiny), 0); /* never a truncated directory */
    assert_string_equal(tiny, "");
    unsetenv("SANXIANG_DATA_DIR");
}

static void test_resolve(void **state)
{
    char out[PATH_MAX], want[PATH_MAX], dir[PATH_MAX], here[PATH_MAX];
    unsetenv("SANXIANG_DATA_DIR");
    assert_non_null(getcwd(here, sizeof here));
    assert_int_equal(chdir(SX_TEST_OUT), 0); /* no data/ here */
    assert_int_equal(sx_install_data_dir(dir, sizeof dir), 1);
    snprintf(want, sizeof want, "%s/%s", dir, BUNDLED);
    /* not under the working directory: the bundled file */
    assert_int_equal(sx_install_resolve(BUNDLED, out, sizeof out), 1);
    assert_string_equal(out, want);
    /* absolute names, GDAL dataset names and names found nowhere are left as written */
    assert_int_equal(sx_install_resolve(want, out, sizeof out), 0);
    assert_string_equal(out, want);
    assert_int_equal(sx_install_resolve("NETCDF:\"" BUNDLED "\":z", out, sizeof out), 0);
    assert_string_equal(out, "NETCDF:\"" BUNDLED "\":z");
    assert_int_equal(sx_install_resolve("data/no_such_file.tif", out, sizeof out), 0);
    assert_string_equal(out, "data/no_such_file.tif");
    /* a file of the user's under the same name wins */
    assert_int_equal(system("mkdir -p install_unit/data/dem && : > install_unit/" BUNDLED), 0);
    assert_int_equal(chdir("install_unit"), 0);
    assert_int_equal(sx_install_resolve(BUNDLED, out, sizeof out), 0);
    assert_string_equal(out, BUNDLED);
    /* a buffer too small for the bundled path: the name as written, not a truncated path */
    char small[16];
    assert_int_equal(chdir(".."), 0);
    assert_int_equal(sx_install_resolve(BUNDLED, small, sizeof small), 0);
    assert_int_equal(strncmp(small, BUNDLED, sizeof small - 1), 0);
    assert_int_equal(chdir(here), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_build_tree), cmocka_unit_test(test_override_and_small_buffer),
                                       cmocka_unit_test(test_resolve)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
