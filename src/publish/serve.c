/*
 * serve.c — a small static HTTP/1.0 server for opening a package in a
 * browser: `sanxiang serve PACKAGE_DIR [--port N]`.
 *
 * Serves GET and HEAD of regular files under one directory on 127.0.0.1
 * only; answers one request per connection (Connection: close); refuses
 * paths with "..", no directory listings ("/" is index.html). One request
 * at a time is plenty for one person looking at a package; it is not a
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

static void handle(int fd, const char *root)
{
    char req[4096];
    ssize_t n = read(fd, req, sizeof req - 1);
    if (n <= 0) return;
    req[n] = '\0';
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
    char hdr[512];
    int hn = snprintf(hdr, sizeof hdr, "HTTP/1.0 200 OK\r\nContent-Type: %s\r\nContent-Length: %lld\r\n"
                                      "Cache-Control: no-cache\r\nConnection: close\r\n\r\n", type_of(path), (long long)st.st_size);
    if (write(fd, hdr, (size_t)hn) < 0 || head) {
        fclose(f);
        return;
    }
    char buf[65536];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0) {
        size_t off = 0;
        while (off < k) {
            ssize_t w = write(fd, buf + off, k - off);
            if (w <= 0) {
                fclose(f);
                return;
            }
            off += (size_t)w;
        }
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
        handle(c, dir);
        close(c);
        served++;
    }
    close(s);
    return SX_OK;
}
