/*
 * serve.c — a small static HTTP/1.0 server for opening a package in a
 * browser: `sanxiang serve PACKAGE_DIR [--port N]`.
 *
 * Serves GET and HEAD of regular files under one directory on 127.0.0.1
 * only; answers one request per connection (Connection: close); refuses
 * paths with "..", no directory listings ("/" is index.html).
 *
 * Byte ranges (RFC 9110 §14): a single "Range: bytes=a-b", "bytes=a-" or
 * "bytes=-n" is answered 206 with Content-Range, an unsatisfiable one 416
 * with a Content-Range of "bytes *" and the file size; a multi-range or
 * malformed Range is ignored and the whole file sent (200), as the RFC
 * allows. This is what lets the viewer read single tiles of a COG
 * (geotiff.js) instead of the whole file. A client that connects and sends
 * nothing is dropped after a few seconds, so a browser's speculative
 * connection cannot stall the server. One request at a time is plenty for
 * one person looking at a package; it is not a
 * production web server (the platform ingests packages, it does not proxy
 * this).
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "sanxiang/sx_publish.h"
#include "sanxiang/sx_signal.h"

static const struct {
    const char *ext, *type;
} mime[] = {
    {"html", "text/html; charset=utf-8"}, {"js", "text/javascript; charset=utf-8"}, {"css", "text/css; charset=utf-8"},
    {"json", "application/json"},          {"geojson", "application/geo+json"},      {"png", "image/png"},
    {"tif", "image/tiff"},                 {"qml", "application/xml"},               {"sld", "application/vnd.ogc.sld+xml"},
    {"svg", "image/svg+xml"},              {"gpkg", "application/geopackage+sqlite3"},
};

#define READ_TIMEOUT_S 5

static const char *type_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof mime / sizeof *mime; i++)
        if (!strcasecmp(dot + 1, mime[i].ext)) return mime[i].type;
    return "application/octet-stream";
}

static void reply_status(int fd, int code, const char *text)
{
    char buf[256];
    int n = snprintf(buf, sizeof buf, "HTTP/1.0 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
                                      "Connection: close\r\n\r\n%s\n", code, text, strlen(text) + 1, text);
    if (write(fd, buf, (size_t)n) < 0) return;
}

static int url_decode(const char *in, char *out, size_t len)
{
    size_t o = 0;
    for (; *in && *in != '?' && *in != '#'; in++) {
        if (o + 1 >= len) return -1;
        if (*in == '%' && in[1] && in[2]) {
            char hex[3] = {in[1], in[2], 0};
            out[o++] = (char)strtol(hex, NULL, 16);
            in += 2;
        } else out[o++] = *in;
    }
    out[o] = '\0';
    return 0;
}

/* Reads the request head (up to the blank line) into req. */
static int read_head(int fd, char *req, size_t len)
{
    size_t n = 0;
    while (n + 1 < len) {
        ssize_t k = read(fd, req + n, len - 1 - n);
        if (k <= 0) return n ? 0 : -1; /* closed or timed out: answer what came */
        n += (size_t)k;
        req[n] = '\0';
        if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n")) return 0;
    }
    return 0;
}

/* The value of header `name` in the request head, copied into out; 0 if absent. */
static int header(const char *req, const char *name, char *out, size_t len)
{
    size_t nl = strlen(name);
    for (const char *line = strchr(req, '\n'); line; line = strchr(line, '\n')) {
        line++;
        if (strncasecmp(line, name, nl) != 0 || line[nl] != ':') continue;
        const char *v = line + nl + 1;
        while (*v == ' ' || *v == '\t') v++;
        size_t k = strcspn(v, "\r\n");
        snprintf(out, len, "%.*s", (int)(k < len ? k : len - 1), v);
        return 1;
    }
    return 0;
}

enum { RANGE_NONE, RANGE_OK, RANGE_UNSATISFIABLE };

/* Parses one "bytes=" range against a file of size bytes into [*first, *last]. */
static int parse_range(const char *v, long long size, long long *first, long long *last)
{
    if (strncasecmp(v, "bytes=", 6) != 0 || strchr(v, ',')) return RANGE_NONE;
    v += 6;
    char *end;
    if (*v == '-') { /* suffix: the last n bytes */
        long long n = strtoll(v + 1, &end, 10);
        if (end == v + 1 || *end || n < 0) return RANGE_NONE;
        if (n == 0 || size == 0) return RANGE_UNSATISFIABLE;
        *first = n >= size ? 0 : size - n;
        *last = size - 1;
        return RANGE_OK;
    }
    long long a = strtoll(v, &end, 10);
    if (end == v || *end != '-' || a < 0) return RANGE_NONE;
    const char *bpart = end + 1;
    long long b = size - 1;
    if (*bpart) {
        b = strtoll(bpart, &end, 10);
        if (end == bpart || *end || b < a) return RANGE_NONE;
    }
    if (a >= size) return RANGE_UNSATISFIABLE;
    *first = a;
    *last = b < size ? b : size - 1;
    return RANGE_OK;
}

static int send_all(int fd, const char *buf, size_t n)
{
    for (size_t off = 0; off < n;) {
        ssize_t w = write(fd, buf + off, n - off);
        if (w <= 0) return -1;
        off += (size_t)w;
    }
    return 0;
}

static void handle(int fd, const char *root)
{
    char req[8192];
    if (read_head(fd, req, sizeof req) != 0) return;
    char method[8], target[2048];
    if (sscanf(req, "%7s %2047s", method, target) != 2) return reply_status(fd, 400, "bad request");
    int head = !strcmp(method, "HEAD");
    if (strcmp(method, "GET") && !head) return reply_status(fd, 405, "only GET and HEAD");
    char rel[2048], path[8192];
    if (url_decode(target, rel, sizeof rel) != 0 || rel[0] != '/' || strstr(rel, "..")) return reply_status(fd, 403, "forbidden");
    snprintf(path, sizeof path, "%s%s%s", root, rel, rel[strlen(rel) - 1] == '/' ? "index.html" : "");
    struct stat st;
    FILE *f = stat(path, &st) == 0 && S_ISREG(st.st_mode) ? fopen(path, "rb") : NULL;
    if (!f) return reply_status(fd, 404, "not found");
    long long size = (long long)st.st_size, first = 0, last = size - 1;
    char range[256], hdr[768];
    int r = header(req, "Range", range, sizeof range) ? parse_range(range, size, &first, &last) : RANGE_NONE;
    int hn;
    if (r == RANGE_UNSATISFIABLE) {
        fclose(f);
        hn = snprintf(hdr, sizeof hdr, "HTTP/1.0 416 Range Not Satisfiable\r\nContent-Range: bytes */%lld\r\n"
                                       "Content-Length: 0\r\nConnection: close\r\n\r\n", size);
        send_all(fd, hdr, (size_t)hn);
        return;
    }
    if (r == RANGE_OK)
        hn = snprintf(hdr, sizeof hdr, "HTTP/1.0 206 Partial Content\r\nContent-Type: %s\r\nContent-Length: %lld\r\n"
                                       "Content-Range: bytes %lld-%lld/%lld\r\nAccept-Ranges: bytes\r\n"
                                       "Cache-Control: no-cache\r\nConnection: close\r\n\r\n",
                      type_of(path), last - first + 1, first, last, size);
    else
        hn = snprintf(hdr, sizeof hdr, "HTTP/1.0 200 OK\r\nContent-Type: %s\r\nContent-Length: %lld\r\n"
                                       "Accept-Ranges: bytes\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
                      type_of(path), size);
    if (send_all(fd, hdr, (size_t)hn) != 0 || head || (first > 0 && fseeko(f, (off_t)first, SEEK_SET) != 0)) {
        fclose(f);
        return;
    }
    char buf[65536];
    for (long long left = size ? last - first + 1 : 0; left > 0;) {
        size_t k = fread(buf, 1, left < (long long)sizeof buf ? (size_t)left : sizeof buf, f);
        if (k == 0 || send_all(fd, buf, k) != 0) break;
        left -= (long long)k;
    }
    fclose(f);
}

sx_err sx_publish_serve(const char *dir, int port, long max_requests)
{
    struct stat st;
    SX_FAIL_IF(stat(dir, &st) != 0 || !S_ISDIR(st.st_mode), SX_ERR_INPUT, "'%s' is not a directory; serve a package "
               "made by `sanxiang publish`", dir);
    SX_FAIL_IF(port < 0 || port > 65535, SX_ERR_USAGE, "--port must be 0..65535, got %d", port);
    signal(SIGPIPE, SIG_IGN);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    SX_FAIL_IF(s < 0, SX_ERR_IO, "cannot create a socket: %s", strerror(errno));
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 16) != 0) {
        int e = errno;
        close(s);
        SX_FAIL(SX_ERR_IO, "cannot listen on 127.0.0.1:%d: %s; choose another --port", port, strerror(e));
    }
    socklen_t al = sizeof a;
    getsockname(s, (struct sockaddr *)&a, &al);
    printf("serving %s at http://127.0.0.1:%d/\n", dir, ntohs(a.sin_port));
    fflush(stdout);
    long served = 0;
    while (!sx_signal_pending() && (max_requests <= 0 || served < max_requests)) {
        /* Signal handlers restart system calls (SA_RESTART), so wait in
         * short polls to notice SIGTERM/SIGINT within half a second. */
        struct pollfd pfd = {.fd = s, .events = POLLIN};
        int ready = poll(&pfd, 1, 500);
        if (ready == 0 || (ready < 0 && errno == EINTR)) continue;
        if (ready < 0) break;
        int c = accept(s, NULL, NULL);
        if (c < 0) {
            if (errno == EINTR) continue;
            break;
        }
        struct timeval tv = {.tv_sec = READ_TIMEOUT_S};
        setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        handle(c, dir);
        close(c);
        served++;
    }
    close(s);
    return SX_OK;
}
