/* test_publish_serve.c — what `sanxiang serve` answers (serve_request.c):
 * request paths to files inside the package only (plain and encoded "..",
 * encoded NUL, hidden files, a symbolic link leading out refused, one
 * staying inside followed, directories and missing files 404, "/" is
 * index.html), byte ranges as RFC 9110 §14 reads them, the Host names
 * accepted, and content types. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "publish/serve_internal.h"

static char base[PATH_MAX], root[PATH_MAX];

static void put(const char *rel, const char *text)
{
    char p[PATH_MAX + 64];
    snprintf(p, sizeof p, "%s/%s", base, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void dir(const char *rel)
{
    char p[PATH_MAX + 64];
    snprintf(p, sizeof p, "%s/%s", base, rel);
    assert_int_equal(mkdir(p, 0755), 0);
}

static void link_to(const char *target, const char *rel)
{
    char p[PATH_MAX + 64];
    snprintf(p, sizeof p, "%s/%s", base, rel);
    assert_int_equal(symlink(target, p), 0);
}

/* base/ holds secret.txt (outside the package) and pkg/ (the package). */
static int setup(void **state)
{
    (void)state;
    snprintf(base, sizeof base, "%s/unit_publish_serve_XXXXXX", SX_TEST_OUT);
    if (!mkdtemp(base)) return -1;
    put("secret.txt", "outside");
    dir("pkg");
    put("pkg/index.html", "<html>");
    put("pkg/catalog.json", "{\"stac_version\": \"1.1.0\"}");
    put("pkg/.sanxiang-package", "{\"sanxiang_package\": 1}");
    dir("pkg/demo");
    put("pkg/demo/index.html", "demo");
    put("pkg/demo/slope.tif", "II*\0");
    put("pkg/demo/a b.json", "{}");
    link_to("../secret.txt", "pkg/leak.txt");                /* leads out */
    link_to("/etc", "pkg/etc_link");                         /* a directory outside */
    link_to("demo/slope.tif", "pkg/alias.tif");              /* stays inside */
    link_to(".sanxiang-package", "pkg/marker_alias.json");   /* to a hidden file inside */
    char p[PATH_MAX + 8];
    snprintf(p, sizeof p, "%s/pkg", base);
    return realpath(p, root) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    return system(cmd);
}

/* Status for target; on 200 checks the file's first bytes equal want. */
static int status(const char *target, const char *want)
{
    int fd = -1;
    long long size = -1;
    const char *type = NULL;
    int st = sx__serve_open(root, target, &fd, &size, &type);
    if (st == 200) {
        char buf[64] = "";
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        assert_true(n >= 0);
        assert_int_equal(size, (long long)n);
        if (want) assert_string_equal(buf, want);
        assert_non_null(type);
    } else {
        assert_int_equal(fd, -1);
    }
    return st;
}

static void test_paths(void **state)
{
    (void)state;
    assert_int_equal(status("/catalog.json", "{\"stac_version\": \"1.1.0\"}"), 200);
    assert_int_equal(status("/", "<html>"), 200);
    assert_int_equal(status("/demo/", "demo"), 200);
    assert_int_equal(status("/demo/a%20b.json", "{}"), 200);
    assert_int_equal(status("//demo//slope.tif", NULL), 200);
    assert_int_equal(status("/alias.tif", NULL), 200);           /* a link inside the package */
    assert_int_equal(status("/demo", NULL), 404);                /* a directory */
    assert_int_equal(status("/missing.json", NULL), 404);
    assert_int_equal(status("//etc/passwd", NULL), 404);         /* absolute: still inside the package */
}

static void test_refusals(void **state)
{
    (void)state;
    assert_int_equal(status("/../secret.txt", NULL), 403);
    assert_int_equal(status("/demo/../../secret.txt", NULL), 403);
    assert_int_equal(status("/%2e%2e/secret.txt", NULL), 403);
    assert_int_equal(status("/%2E%2E%2Fsecret.txt", NULL), 403);
    assert_int_equal(status("/..%2fsecret.txt", NULL), 403);
    assert_int_equal(status("/./catalog.json", NULL), 403);
    assert_int_equal(status("/leak.txt", NULL), 403);            /* a symbolic link leading out */
    assert_int_equal(status("/etc_link/passwd", NULL), 403);
    assert_int_equal(status("/catalog.json%00.png", NULL), 403); /* encoded NUL */
    assert_int_equal(status("/.sanxiang-package", NULL), 404);   /* hidden */
    assert_int_equal(status("/marker_alias.json", NULL), 404);   /* a link to a hidden file */
    assert_int_equal(status("/bad%zzescape", NULL), 400);
    assert_int_equal(status("/trailing%2", NULL), 400);
    assert_int_equal(status("catalog.json", NULL), 400);         /* not a path */
    char longpath[3000];
    memset(longpath, 'a', sizeof longpath - 1);
    longpath[0] = '/';
    longpath[sizeof longpath - 1] = '\0';
    assert_int_equal(status(longpath, NULL), 414);
}

static void test_ranges(void **state)
{
    (void)state;
    long long a = -1, b = -1;
    assert_int_equal(sx__serve_range("bytes=0-9", 100, &a, &b), SX__RANGE_OK);
    assert_true(a == 0 && b == 9);
    assert_int_equal(sx__serve_range("bytes=90-", 100, &a, &b), SX__RANGE_OK);
    assert_true(a == 90 && b == 99);
    assert_int_equal(sx__serve_range("bytes=-5", 100, &a, &b), SX__RANGE_OK);
    assert_true(a == 95 && b == 99);
    assert_int_equal(sx__serve_range("bytes=-500", 100, &a, &b), SX__RANGE_OK);
    assert_true(a == 0 && b == 99);
    assert_int_equal(sx__serve_range("bytes=10-999999999999", 100, &a, &b), SX__RANGE_OK);
    assert_true(a == 10 && b == 99);
    assert_int_equal(sx__serve_range("bytes=100-", 100, &a, &b), SX__RANGE_UNSATISFIABLE);
    assert_int_equal(sx__serve_range("bytes=-0", 100, &a, &b), SX__RANGE_UNSATISFIABLE);
    assert_int_equal(sx__serve_range("bytes=0-", 0, &a, &b), SX__RANGE_UNSATISFIABLE);
    assert_int_equal(sx__serve_range("bytes=0-1,5-6", 100, &a, &b), SX__RANGE_NONE);
    assert_int_equal(sx__serve_range("bytes=9-3", 100, &a, &b), SX__RANGE_NONE);
    assert_int_equal(sx__serve_range("items=0-9", 100, &a, &b), SX__RANGE_NONE);
    assert_int_equal(sx__serve_range("bytes=x-9", 100, &a, &b), SX__RANGE_NONE);
}

static void test_host_and_types(void **state)
{
    (void)state;
    assert_true(sx__serve_host_ok(NULL));
    assert_true(sx__serve_host_ok("127.0.0.1:8000"));
    assert_true(sx__serve_host_ok("127.0.0.1"));
    assert_true(sx__serve_host_ok("LOCALHOST:1"));
    assert_true(sx__serve_host_ok("[::1]:8000"));
    assert_false(sx__serve_host_ok("127.0.0.1.evil.example"));
    assert_false(sx__serve_host_ok("evil.example:8000"));
    assert_false(sx__serve_host_ok("127.0.0.1:80x"));
    assert_false(sx__serve_host_ok("127.0.0.1:"));
    static const char *const cases[][2] = {
        {"a/index.html", "text/html; charset=utf-8"},   {"a.js", "text/javascript; charset=utf-8"},
        {"a.css", "text/css; charset=utf-8"},           {"a.json", "application/json"},
        {"a.TIF", "image/tiff"},                        {"a.gpkg", "application/geopackage+sqlite3"},
        {"a.png", "image/png"},                         {"a.svg", "image/svg+xml"},
        {"a.qml", "application/xml"},                   {"a.sld", "application/vnd.ogc.sld+xml"},
        {"dir.v2/noext", "application/octet-stream"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) assert_string_equal(sx__serve_type(cases[i][0]), cases[i][1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_host_and_types),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
