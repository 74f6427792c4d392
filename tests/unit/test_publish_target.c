/* test_publish_target.c — where publish may write a package (target.c):
 * names of the temporary and swap directories; a file, a symbolic link and a
 * non-empty foreign directory refused and left as they were; an empty
 * directory and a package publish made accepted; the swap with
 * RENAME_EXCHANGE and with the two-rename path used where the file system
 * has no exchange; a stale temporary removed only when it is ours; an
 * aborted build leaving the old package as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "publish/publish_internal.h"

static char base[SX_PATH_MAX];

static void path_of(char *buf, const char *rel) { snprintf(buf, SX_PATH_MAX, "%s/%s", base, rel); }

static void write_file(const char *rel, const char *text)
{
    char p[SX_PATH_MAX];
    path_of(p, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* The content of base/rel, or "" if it cannot be read. */
static const char *read_back(const char *rel)
{
    static char buf[256];
    char p[SX_PATH_MAX];
    path_of(p, rel);
    buf[0] = '\0';
    FILE *f = fopen(p, "r");
    if (!f) return buf;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int exists(const char *rel)
{
    char p[SX_PATH_MAX];
    struct stat st;
    path_of(p, rel);
    return lstat(p, &st) == 0;
}

static int setup(void **state)
{
    (void)state;
    snprintf(base, sizeof base, "%s/unit_publish_target_XXXXXX", SX_TEST_OUT);
    return mkdtemp(base) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[SX_PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    return system(cmd);
}

static void test_names(void **state)
{
    (void)state;
    sx__pub_target_t t;
    assert_int_equal(sx__pub_target_init("a/b/c_never_made/pkg//", &t), SX_OK);
    assert_string_equal(t.final, "a/b/c_never_made/pkg");
    assert_string_equal(t.part, "a/b/c_never_made/.pkg.part");
    assert_string_equal(t.old, "a/b/c_never_made/.pkg.old");
    assert_int_equal(t.replace, 0);
    assert_int_equal(sx__pub_target_init("pkg_never_made", &t), SX_OK);
    assert_string_equal(t.part, ".pkg_never_made.part");
    assert_int_equal(sx__pub_target_init("/pkg_never_made", &t), SX_OK);
    assert_string_equal(t.part, "/.pkg_never_made.part");
    assert_int_equal(sx__pub_target_init(".", &t), SX_ERR_USAGE);
    assert_int_equal(sx__pub_target_init("out/..", &t), SX_ERR_USAGE);
    assert_int_equal(sx__pub_target_init("", &t), SX_ERR_USAGE);
}

static void test_refusals_leave_everything(void **state)
{
    (void)state;
    sx__pub_target_t t;
    char p[SX_PATH_MAX], q[SX_PATH_MAX];
    write_file("a_file", "mine");
    path_of(p, "a_file");
    assert_int_equal(sx__pub_target_init(p, &t), SX_ERR_USAGE);
    assert_non_null(strstr(sx_err_message(), "is a file"));
    assert_non_null(strstr(sx_err_message(), p));
    assert_string_equal(read_back("a_file"), "mine");

    path_of(p, "work");
    assert_int_equal(mkdir(p, 0755), 0);
    write_file("work/result.csv", "1,2\n");
    assert_int_equal(sx__pub_target_init(p, &t), SX_ERR_USAGE);
    assert_non_null(strstr(sx_err_message(), "not a sanxiang package"));
    assert_string_equal(read_back("work/result.csv"), "1,2\n");

    /* a symbolic link is refused even when it points at a package */
    path_of(p, "link");
    path_of(q, "work");
    write_file("work/" SX_PUB_MARKER, "{\"sanxiang_package\": 1}\n");
    assert_int_equal(symlink(q, p), 0);
    assert_int_equal(sx__pub_target_init(p, &t), SX_ERR_USAGE);
    assert_non_null(strstr(sx_err_message(), "symbolic link"));
    assert_true(exists("work/result.csv"));

    /* a marker that is a link, or does not start like ours, is no marker */
    path_of(p, "fake");
    assert_int_equal(mkdir(p, 0755), 0);
    write_file("fake/data", "x");
    write_file("fake/" SX_PUB_MARKER, "sanxiang_package\n");
    assert_int_equal(sx__pub_target_init(p, &t), SX_ERR_USAGE);
    path_of(p, "fake/" SX_PUB_MARKER);
    unlink(p);
    path_of(q, "work/" SX_PUB_MARKER);
    assert_int_equal(symlink(q, p), 0);
    path_of(p, "fake");
    assert_int_equal(sx__pub_target_init(p, &t), SX_ERR_USAGE);
    assert_true(exists("fake/data"));
}

/* Builds a package with one file "version" holding text into final (which
 * may hold an older package), swapping as allow_exchange says. */
static void publish_version(const char *rel, const char *text, int allow_exchange)
{
    sx__pub_target_t t;
    char p[SX_PATH_MAX], f[SX_PATH_MAX + 16];
    path_of(p, rel);
    assert_int_equal(sx__pub_target_init(p, &t), SX_OK);
    assert_int_equal(sx__pub_target_begin(&t, base), SX_OK);
    assert_true(sx__pub_is_package(t.part));
    snprintf(f, sizeof f, "%s/version", t.part);
    FILE *fp = fopen(f, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    assert_int_equal(sx__pub_target_commit(&t, allow_exchange), SX_OK);
    sx__pub_target_abort(&t); /* a no-op after a commit */
}

static void test_new_and_replace(void **state)
{
    (void)state;
    char p[SX_PATH_MAX];
    publish_version("pkg", "one", 1);
    assert_string_equal(read_back("pkg/version"), "one");
    assert_true(exists("pkg/" SX_PUB_MARKER));
    assert_false(exists(".pkg.part"));

    publish_version("pkg", "two", 1); /* RENAME_EXCHANGE */
    assert_string_equal(read_back("pkg/version"), "two");
    assert_false(exists(".pkg.part"));
    assert_false(exists(".pkg.old"));

    publish_version("pkg", "three", 0); /* the two-rename path of file systems without exchange */
    assert_string_equal(read_back("pkg/version"), "three");
    assert_false(exists(".pkg.part"));
    assert_false(exists(".pkg.old"));

    /* an empty directory is taken */
    path_of(p, "empty");
    assert_int_equal(mkdir(p, 0755), 0);
    publish_version("empty", "four", 1);
    assert_string_equal(read_back("empty/version"), "four");
}

static void test_abort_keeps_old(void **state)
{
    (void)state;
    sx__pub_target_t t;
    char p[SX_PATH_MAX];
    publish_version("kept", "old", 1);
    path_of(p, "kept");
    assert_int_equal(sx__pub_target_init(p, &t), SX_OK);
    assert_int_equal(t.replace, 1);
    assert_int_equal(sx__pub_target_begin(&t, base), SX_OK);
    assert_true(exists(".kept.part"));
    sx__pub_target_abort(&t);
    assert_false(exists(".kept.part"));
    assert_string_equal(read_back("kept/version"), "old");
    /* the run directory inside the package that would be replaced is refused */
    path_of(p, "kept/run");
    assert_int_equal(mkdir(p, 0755), 0);
    assert_int_equal(sx__pub_target_check_source(&t, p, "run directory"), SX_ERR_USAGE);
    path_of(p, "work");
    assert_int_equal(sx__pub_target_check_source(&t, p, "run directory"), SX_OK);
}

static void test_stale_temporaries(void **state)
{
    (void)state;
    char p[SX_PATH_MAX];
    sx__pub_target_t t;
    /* left by a killed publish: ours (marker), removed */
    path_of(p, ".stale.part");
    assert_int_equal(mkdir(p, 0755), 0);
    write_file(".stale.part/" SX_PUB_MARKER, "{\"sanxiang_package\": 1}\n");
    write_file(".stale.part/half.tif", "x");
    publish_version("stale", "new", 1);
    assert_string_equal(read_back("stale/version"), "new");
    assert_false(exists(".stale.part/half.tif"));
    /* not ours: refused, left alone */
    path_of(p, ".other.part");
    assert_int_equal(mkdir(p, 0755), 0);
    write_file(".other.part/notes.txt", "keep");
    path_of(p, "other");
    assert_int_equal(sx__pub_target_init(p, &t), SX_OK);
    assert_int_equal(sx__pub_target_begin(&t, base), SX_ERR_USAGE);
    assert_non_null(strstr(sx_err_message(), ".other.part"));
    sx__pub_target_abort(&t);
    assert_string_equal(read_back(".other.part/notes.txt"), "keep");
    assert_false(exists("other"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_refusals_leave_everything),
        cmocka_unit_test(test_new_and_replace),
        cmocka_unit_test(test_abort_keeps_old),
        cmocka_unit_test(test_stale_temporaries),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
