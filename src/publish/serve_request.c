/*
 * serve_request.c — which file a request of `sanxiang serve` gets, which
 * bytes of it, and with which type; the HTTP machinery is in serve.c.
 *
 * Only regular files inside the package are served. The request path is
 * percent-decoded here, strictly: a malformed escape is a bad request (400),
 * an encoded NUL byte is refused (403). (A raw NUL byte in the request line
 * ends the path for libmicrohttpd 0.9.75 before it reaches this file; what
 * is left is checked by the same rules.) The path is then split into segments: "." and ".." are refused
 * (403) whether written plainly or encoded (%2e%2e, ..%2f), hidden names are
 * not served (404: the package marker, temporaries), and the result is
 * resolved with realpath() and must still lie under the package's own real
 * path, so a symbolic link that leads out is refused (403) while one that
 * stays inside works. The file is then opened without following a last
 * symbolic link and must be a regular file. An absolute path never escapes:
 * "//etc/passwd" is the package's etc/passwd.
 *
 * Byte ranges follow RFC 9110 §14: one range, "a-b", "a-" or "-n", which
 * the viewer's geotiff.js uses to read single tiles of a COG.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "publish/serve_internal.h"

static const struct {
    const char *ext, *type;
} mime[] = {
    {"html", "text/html; charset=utf-8"},   {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"}, {"css", "text/css; charset=utf-8"},
    {"json", "application/json"},           {"geojson", "application/geo+json"},
    {"png", "image/png"},                   {"svg", "image/svg+xml"},
    {"tif", "image/tiff"},                  {"tiff", "image/tiff"},
    {"gpkg", "application/geopackage+sqlite3"}, {"qml", "application/xml"},
    {"sld", "application/vnd.ogc.sld+xml"}, {"csv", "text/csv; charset=utf-8"},
    {"txt", "text/plain; charset=utf-8"},   {"woff2", "font/woff2"},
};

const char *sx__serve_type(const char *path)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    if (dot && slash && dot < slash) dot = NULL;
    for (size_t i = 0; dot && i < sizeof mime / sizeof *mime; i++)
        if (!strcasecmp(dot + 1, mime[i].ext)) return mime[i].type;
    return "application/octet-stream";
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decodes target into out; returns 0 or an HTTP status. */
static int decode(const char *target, char *out, size_t len)
{
    size_t o = 0;
    for (const char *c = target; *c; c++) {
        int ch = (unsigned char)*c;
        if (ch == '%') {
            int hi = hexval(c[1]), lo = hi < 0 ? -1 : hexval(c[2]);
            if (lo < 0) return 400;
            ch = hi * 16 + lo;
            if (ch == 0) return 403; /* %00: would end the path early */
            c += 2;
        }
        if (o + 1 >= len) return 414;
        out[o++] = (char)ch;
    }
    out[o] = '\0';
    return 0;
}

/* 1 if real (a realpath result) lies under root; *rest is what follows root. */
static int inside(const char *root, const char *real, const char **rest)
{
    size_t n = strcmp(root, "/") ? strlen(root) : 0;
    if (strncmp(real, root, n) || (real[n] != '/' && real[n] != '\0')) return 0;
    *rest = real + n;
    return 1;
}

int sx__serve_open(const char *root, const char *target, int *fd, long long *size, const char **type)
{
    char rel[SX__SERVE_MAX_PATH], path[PATH_MAX], real[PATH_MAX];
    *fd = -1;
    if (target[0] != '/') return 400;
    int st = decode(target, rel, sizeof rel);
    if (st) return st;
    size_t n = (size_t)snprintf(path, sizeof path, "%s", root);
    for (char *save = NULL, *seg = strtok_r(rel, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
        if (!strcmp(seg, ".") || !strcmp(seg, "..")) return 403;
        if (seg[0] == '.') return 404;
        int k = snprintf(path + n, sizeof path - n, "/%s", seg);
        if (k < 0 || (size_t)k >= sizeof path - n) return 414;
        n += (size_t)k;
    }
    size_t tl = strlen(target);
    if (target[tl - 1] == '/' && snprintf(path + n, sizeof path - n, "/index.html") >= (int)(sizeof path - n)) return 414;
    if (!realpath(path, real)) return errno == ENAMETOOLONG ? 414 : 404;
    const char *rest;
    if (!inside(root, real, &rest)) return 403;
    if (strstr(rest, "/.")) return 404; /* a link inside the package to a hidden file */
    int f = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (f < 0) return errno == EACCES ? 403 : 404;
    struct stat sb;
    if (fstat(f, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(f);
        return 404;
    }
    *fd = f;
    *size = (long long)sb.st_size;
    *type = sx__serve_type(real);
    return 200;
}

int sx__serve_range(const char *v, long long size, long long *first, long long *last)
{
    if (strncasecmp(v, "bytes=", 6) != 0 || strchr(v, ',')) return SX__RANGE_NONE;
    v += 6;
    char *end;
    if (*v == '-') { /* suffix: the last n bytes */
        long long n = strtoll(v + 1, &end, 10);
        if (end == v + 1 || *end || n < 0) return SX__RANGE_NONE;
        if (n == 0 || size == 0) return SX__RANGE_UNSATISFIABLE;
        *first = n >= size ? 0 : size - n;
        *last = size - 1;
        return SX__RANGE_OK;
    }
    long long a = strtoll(v, &end, 10);
    if (end == v || *end != '-' || a < 0) return SX__RANGE_NONE;
    const char *bpart = end + 1;
    long long b = size - 1;
    if (*bpart) {
        b = strtoll(bpart, &end, 10);
        if (end == bpart || *end || b < a) return SX__RANGE_NONE;
    }
    if (a >= size) return SX__RANGE_UNSATISFIABLE;
    *first = a;
    *last = b < size ? b : size - 1;
    return SX__RANGE_OK;
}

int sx__serve_host_ok(const char *host)
{
    static const char *const names[] = {"127.0.0.1", "localhost", "[::1]"};
    if (!host) return 1;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        size_t n = strlen(names[i]);
        if (strncasecmp(host, names[i], n)) continue;
        const char *p = host + n;
        if (!*p) return 1;
        if (*p++ != ':' || !*p) return 0;
        while (*p >= '0' && *p <= '9') p++;
        return *p == '\0';
    }
    return 0;
}
