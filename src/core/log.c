/*
 * log.c — levelled log lines and throttled progress for batch logs.
 *
 * Format: "2026-06-01T08:00:00Z sanxiang INFO  message". WARN and ERROR lines
 * carry "[rank r/n]" in multi-rank runs. Everything goes to stderr, line
 * buffered, so Slurm's log keeps the order of events on each rank.
 */
#include "sanxiang/sx_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int sx_mpi_rank(void);
int sx_mpi_size(void);

static sx_log_level current = SX_LOG_INFO;
static int level_from_env_done = 0;

static void level_from_env(void)
{
    if (level_from_env_done) return;
    level_from_env_done = 1;
    const char *e = getenv("SX_LOG_LEVEL");
    if (!e) return;
    if (!strcmp(e, "debug") || !strcmp(e, "DEBUG")) current = SX_LOG_DEBUG;
    else if (!strcmp(e, "warn") || !strcmp(e, "WARN")) current = SX_LOG_WARN;
    else if (!strcmp(e, "error") || !strcmp(e, "ERROR")) current = SX_LOG_ERROR;
}

void sx_log_set_level(sx_log_level level)
{
    level_from_env_done = 1;
    current = level;
}

sx_log_level sx_log_get_level(void)
{
    level_from_env();
    return current;
}

double sx_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void sx_log(sx_log_level level, const char *fmt, ...)
{
    level_from_env();
    if (level > current) return;
    int rank = sx_mpi_rank(), size = sx_mpi_size();
    if (level >= SX_LOG_INFO && rank != 0) return;

    static const char *const tags[] = {"ERROR", "WARN ", "INFO ", "DEBUG"};
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);

    char body[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(body, sizeof body, fmt, ap);
    va_end(ap);
    if (level <= SX_LOG_WARN && size > 1)
        fprintf(stderr, "%s sanxiang %s [rank %d/%d] %s\n", stamp, tags[level], rank, size, body);
    else
        fprintf(stderr, "%s sanxiang %s %s\n", stamp, tags[level], body);
    fflush(stderr);
}

static void format_seconds(double s, char *buf, size_t len)
{
    if (s < 0 || s > 1e8) {
        snprintf(buf, len, "?");
        return;
    }
    long t = (long)(s + 0.5);
    if (t >= 3600) snprintf(buf, len, "%ldh%02ldm", t / 3600, (t % 3600) / 60);
    else if (t >= 60) snprintf(buf, len, "%ldm%02lds", t / 60, t % 60);
    else snprintf(buf, len, "%lds", t);
}

void sx_progress_init(sx_progress_t *p, const char *name, int64_t total)
{
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", name);
    p->total = total > 0 ? total : 1;
    p->t_start = p->t_last = sx_now();
    const char *e = getenv("SX_PROGRESS_SECONDS");
    p->interval = e ? atof(e) : 5.0;
    if (p->interval < 0) p->interval = 0;
}

static void progress_print(sx_progress_t *p, double now)
{
    double frac = (double)p->done / (double)p->total;
    if (frac > 1) frac = 1;
    double elapsed = now - p->t_start;
    char el[32], eta[32];
    format_seconds(elapsed, el, sizeof el);
    format_seconds(frac > 0 ? elapsed * (1 - frac) / frac : -1, eta, sizeof eta);
    sx_log_info("progress %s: %5.1f%% (%lld/%lld) elapsed %s ETA %s", p->name, 100 * frac,
                (long long)p->done, (long long)p->total, el, eta);
}

void sx_progress_add(sx_progress_t *p, int64_t n)
{
    p->done += n;
    double now = sx_now();
    if (now - p->t_last >= p->interval && p->done < p->total) {
        p->t_last = now;
        progress_print(p, now);
    }
}

void sx_progress_fini(sx_progress_t *p)
{
    if (p->finished) return;
    p->finished = 1;
    p->done = p->total;
    progress_print(p, sx_now());
}
