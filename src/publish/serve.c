/*
 * serve.c — `sanxiang serve PACKAGE_DIR`: the package over HTTP for a
 * browser on the same machine, on GNU libmicrohttpd.
 *
 * libmicrohttpd does the HTTP (HTTP/1.1 with keep-alive, HTTP/1.0, request
 * parsing, HEAD without a body, sendfile). This file decides what it may
 * answer and bounds what a client can make it hold:
 *  - it listens on 127.0.0.1 only, and answers only requests whose Host
 *    names the loopback interface (so a web page cannot reach it through a
 *    DNS name rebound to 127.0.0.1);
 *  - GET and HEAD of regular files inside the package (serve_request.c
 *    resolves the path), with single byte ranges (206 with Content-Range,
 *    416 past the end); other methods get 405, a request with a body 413;
 *  - a request head (request line and headers) must fit in
 *    SERVE_HEAD_BYTES, or libmicrohttpd answers 414/431 and closes;
 *  - at most SERVE_MAX_CONNECTIONS connections at a time; a connection is
 *    closed when it is idle for SERVE_IDLE_S seconds, and also when its next
 *    request head has not arrived SERVE_HEAD_S seconds after it opened or
 *    after its previous answer (a watchdog in the main thread), so a client
 *    that trickles bytes cannot hold a connection either.
 * One internal polling thread serves every connection; the main thread
 * waits for SIGINT/SIGTERM (or --max-requests answers) and stops the
 * daemon, which closes the connections. Not a production web server: the
 * platform ingests packages, it does not proxy this.
 */
#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "publish/serve_internal.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_publish.h"
#include "sanxiang/sx_signal.h"

#define SERVE_HEAD_BYTES (32 * 1024) /* libmicrohttpd's memory per connection: the request head must fit */
#define SERVE_MAX_CONNECTIONS 64
#define SERVE_IDLE_S 30               /* no byte moved for this long: closed */
#define SERVE_HEAD_S 10               /* a request head must arrive within this */

typedef struct {
    int used, fd, answering;
    struct timespec since;            /* opened, or the previous answer finished */
} conn_t;

typedef struct {
    char root[PATH_MAX];
    pthread_mutex_t lock;
    conn_t conn[SERVE_MAX_CONNECTIONS];
    long answered;                    /* requests presented to answer() and finished */
    char mhd_error[256];              /* libmicrohttpd's last message, for a start-up failure */
} serve_t;

static double elapsed(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + 1e-9 * (double)(now.tv_nsec - t->tv_nsec);
}

static void on_log(void *cls, const char *fmt, va_list ap)
{
    serve_t *s = cls;
    vsnprintf(s->mhd_error, sizeof s->mhd_error, fmt, ap);
    size_t n = strlen(s->mhd_error);
    while (n && (s->mhd_error[n - 1] == '\n' || s->mhd_error[n - 1] == '.')) s->mhd_error[--n] = '\0';
    sx_log_debug("serve: %s", s->mhd_error);
}

/* The raw path, unescaped by serve_request.c (which refuses encoded NUL bytes and dot segments). */
static size_t keep_escapes(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls, (void)c;
    return strlen(s);
}

static conn_t *conn_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **ctx, enum MHD_ConnectionNotificationCode what)
{
    serve_t *s = cls;
    pthread_mutex_lock(&s->lock);
    if (what == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        for (int i = 0; i < SERVE_MAX_CONNECTIONS && ci; i++)
            if (!s->conn[i].used) {
                s->conn[i] = (conn_t){.used = 1, .fd = ci->connect_fd};
                clock_gettime(CLOCK_MONOTONIC, &s->conn[i].since);
                *ctx = &s->conn[i];
                break;
            }
    } else if (*ctx) {
        ((conn_t *)*ctx)->used = 0;
        *ctx = NULL;
    }
    pthread_mutex_unlock(&s->lock);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req, enum MHD_RequestTerminationCode why)
{
    (void)why, (void)req;
    serve_t *s = cls;
    pthread_mutex_lock(&s->lock);
    conn_t *k = conn_of(c);
    if (k) {
        k->answering = 0;
        clock_gettime(CLOCK_MONOTONIC, &k->since);
    }
    s->answered++;
    pthread_mutex_unlock(&s->lock);
}

/* Closes connections whose request head is overdue (main thread). shutdown()
 * leaves the descriptor to libmicrohttpd, which sees the closed socket and
 * cleans up; the slot lock keeps the descriptor from being reused meanwhile. */
static void watchdog(serve_t *s)
{
    pthread_mutex_lock(&s->lock);
    for (int i = 0; i < SERVE_MAX_CONNECTIONS; i++) {
        conn_t *k = &s->conn[i];
        if (k->used && !k->answering && k->fd >= 0 && elapsed(&k->since) > SERVE_HEAD_S) {
            shutdown(k->fd, SHUT_RDWR);
            k->fd = -1;
        }
    }
    pthread_mutex_unlock(&s->lock);
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned code, const char *text)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
    if (code == MHD_HTTP_METHOD_NOT_ALLOWED) MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    enum MHD_Result ok = MHD_queue_response(c, code, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result reply_file(struct MHD_Connection *c, int fd, long long size, const char *type)
{
    const char *rv = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_RANGE);
    long long first = 0, last = size - 1;
    int r = rv ? sx__serve_range(rv, size, &first, &last) : SX__RANGE_NONE;
    char cr[96];
    struct MHD_Response *resp;
    unsigned code = MHD_HTTP_OK;
    if (r == SX__RANGE_UNSATISFIABLE) {
        close(fd);
        resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
        snprintf(cr, sizeof cr, "bytes */%lld", size);
        code = MHD_HTTP_RANGE_NOT_SATISFIABLE;
    } else {
        resp = MHD_create_response_from_fd_at_offset64((uint64_t)(size ? last - first + 1 : 0), fd, (uint64_t)first);
        if (!resp) close(fd);
        if (r == SX__RANGE_OK) {
            snprintf(cr, sizeof cr, "bytes %lld-%lld/%lld", first, last, size);
            code = MHD_HTTP_PARTIAL_CONTENT;
        }
        if (resp) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    }
    if (!resp) return MHD_NO;
    if (code != MHD_HTTP_OK) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_RANGE, cr);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    enum MHD_Result ok = MHD_queue_response(c, code, resp);
    MHD_destroy_response(resp);
    return ok;
}

/* libmicrohttpd calls this once the request head is in (*req is NULL), then
 * for any body, then once more with no data; a response queued in the first
 * call closes the connection afterwards, so ordinary requests are answered
 * in the last call and keep their connection alive. */
static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **req)
{
    (void)version, (void)upload;
    serve_t *s = cls;
    if (!*req) {
        *req = s;
        pthread_mutex_lock(&s->lock);
        conn_t *k = conn_of(c);
        if (k) k->answering = 1;
        pthread_mutex_unlock(&s->lock);
        if (!sx__serve_host_ok(MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST)))
            return reply_text(c, MHD_HTTP_FORBIDDEN, "this server answers requests for 127.0.0.1 or localhost only\n");
        if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
            return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if ((cl && strcmp(cl, "0")) || MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING))
            return reply_text(c, MHD_HTTP_CONTENT_TOO_LARGE, "a GET or HEAD request carries no body\n");
        return MHD_YES;
    }
    if (*upload_size) { /* cannot happen after the checks above; drop it */
        *upload_size = 0;
        return MHD_YES;
    }
    int fd;
    long long size;
    const char *type;
    int st = sx__serve_open(s->root, url, &fd, &size, &type);
    if (st == 200) return reply_file(c, fd, size, type);
    return reply_text(c, (unsigned)st, st == 403 ? "forbidden\n" : st == 404 ? "not found\n"
                                       : st == 414 ? "path too long\n" : "bad request\n");
}

sx_err sx_publish_serve(const char *dir, int port, long max_requests)
{
    struct stat st;
    SX_FAIL_IF(stat(dir, &st) != 0 || !S_ISDIR(st.st_mode), SX_ERR_INPUT, "'%s' is not a directory; serve a package "
               "made by `sanxiang publish`", dir);
    SX_FAIL_IF(port < 0 || port > 65535, SX_ERR_USAGE, "--port must be 0..65535, got %d", port);
    serve_t *s = calloc(1, sizeof *s);
    SX_FAIL_IF(!s, SX_ERR_NOMEM, "out of memory");
    if (!realpath(dir, s->root)) {
        free(s);
        SX_FAIL(SX_ERR_INPUT, "cannot resolve '%s': %s", dir, strerror(errno));
    }
    char marker[PATH_MAX + 32];
    snprintf(marker, sizeof marker, "%s/.sanxiang-package", s->root);
    if (access(marker, F_OK) != 0)
        sx_log_warn("serve: '%s' is not a package made by sanxiang publish (no .sanxiang-package); serving its files anyway",
                    dir);
    pthread_mutex_init(&s->lock, NULL);
    /* libmicrohttpd's threads ignore SIGPIPE themselves; this covers the process (sendfile on a closed socket) */
    signal(SIGPIPE, SIG_IGN);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG, (uint16_t)port, NULL, NULL, answer, s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&a,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SERVE_HEAD_BYTES,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)SERVE_MAX_CONNECTIONS,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)SERVE_IDLE_S,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
        MHD_OPTION_UNESCAPE_CALLBACK, keep_escapes, s,
        MHD_OPTION_EXTERNAL_LOGGER, on_log, s,
        MHD_OPTION_END);
    if (!d) {
        sx_err e = sx_err_set(SX_ERR_IO, SX__FILE, __LINE__, "cannot serve on 127.0.0.1:%d (%s); choose another --port",
                              port, s->mhd_error[0] ? s->mhd_error : "libmicrohttpd could not start");
        pthread_mutex_destroy(&s->lock);
        free(s);
        return e;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    printf("serving %s at http://127.0.0.1:%u/\n", dir, di ? (unsigned)di->port : (unsigned)port);
    fflush(stdout);
    const struct timespec tick = {0, 100 * 1000 * 1000};
    for (;;) {
        nanosleep(&tick, NULL);
        if (sx_signal_pending()) break;
        watchdog(s);
        pthread_mutex_lock(&s->lock);
        int done = max_requests > 0 && s->answered >= max_requests;
        pthread_mutex_unlock(&s->lock);
        if (done) break;
    }
    MHD_stop_daemon(d);
    sx_log_info("serve: stopped after %ld request(s)%s", s->answered, sx_signal_pending() ? " (signal)" : "");
    pthread_mutex_destroy(&s->lock);
    free(s);
    return SX_OK;
}
