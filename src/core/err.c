/*
 * err.c — the thread-local error record behind sx_err.
 *
 * The first sx_err_set() on a path records code, origin and message; every
 * SX_CHECK on the way up appends its location to a bounded trace (shown at
 * DEBUG level). The record is per thread so OpenMP workers cannot clobber
 * the master's record.
 */
#include "sanxiang/sx_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define SX_ERR_MSG_MAX 1024
#define SX_ERR_TRACE_MAX 16

typedef struct {
    sx_err code;
    char msg[SX_ERR_MSG_MAX];
    const char *file;
    int line;
    int origin_rank; /* -1: raised on this rank */
    int ntrace;
    const char *trace_file[SX_ERR_TRACE_MAX];
    int trace_line[SX_ERR_TRACE_MAX];
} err_record;

static _Thread_local err_record rec = {.origin_rank = -1};

static const char *const names[] = {
#define SX__ERR_NAME(name, status, text) #name,
    SX_ERR_TABLE(SX__ERR_NAME)
#undef SX__ERR_NAME
};
static const char *const texts[] = {
#define SX__ERR_TEXT(name, status, text) text,
    SX_ERR_TABLE(SX__ERR_TEXT)
#undef SX__ERR_TEXT
};
static const int statuses[] = {
#define SX__ERR_STATUS(name, status, text) status,
    SX_ERR_TABLE(SX__ERR_STATUS)
#undef SX__ERR_STATUS
};

const char *sx_err_name(sx_err e) { return (e >= 0 && e < SX_ERR_COUNT_) ? names[e] : "SX_ERR_?"; }
const char *sx_err_text(sx_err e) { return (e >= 0 && e < SX_ERR_COUNT_) ? texts[e] : "unknown error"; }
int sx_err_exit_status(sx_err e) { return (e >= 0 && e < SX_ERR_COUNT_) ? statuses[e] : 70; }

const char *sx__short_path(const char *path)
{
    const char *p = strstr(path, "/src/");
    if (p) return p + 5;
    p = strstr(path, "/tests/");
    return p ? p + 1 : path;
}

/* What the process is working on, for out-of-memory messages (sx_err_set_context). */
static _Thread_local char context[512];

void sx_err_set_context(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(context, sizeof context, fmt, ap);
    va_end(ap);
}

/* A message is one line even when it quotes user text (a CSV cell or a YAML
 * value holding a newline): control characters are shown escaped ("\n",
 * "\x01"), so the error stays the single `sanxiang: error:` line the
 * scripts and the regression tests look for. */
static void one_line(char *msg, size_t cap)
{
    const unsigned char *p = (const unsigned char *)msg;
    while (*p >= 0x20 && *p != 0x7f) p++;
    if (!*p) return;
    char tmp[SX_ERR_MSG_MAX];
    size_t w = 0;
    for (p = (const unsigned char *)msg; *p && w + 5 < sizeof tmp; p++) {
        if (*p >= 0x20 && *p != 0x7f) tmp[w++] = (char)*p;
        else if (*p == '\n') w += (size_t)snprintf(tmp + w, sizeof tmp - w, "\\n");
        else if (*p == '\r') w += (size_t)snprintf(tmp + w, sizeof tmp - w, "\\r");
        else if (*p == '\t') w += (size_t)snprintf(tmp + w, sizeof tmp - w, "\\t");
        else w += (size_t)snprintf(tmp + w, sizeof tmp - w, "\\x%02x", *p);
    }
    tmp[w] = '\0';
    snprintf(msg, cap, "%s", tmp);
}

sx_err sx_err_set(sx_err code, const char *file, int line, const char *fmt, ...)
{
    rec.code = code;
    rec.file = file;
    rec.line = line;
    rec.origin_rank = -1;
    rec.ntrace = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rec.msg, sizeof rec.msg, fmt, ap);
    va_end(ap);
    one_line(rec.msg, sizeof rec.msg);
    /* Whichever allocation failed, the user needs to know for what input and what to do. */
    size_t n = strlen(rec.msg);
    if (code == SX_ERR_NOMEM && n < sizeof rec.msg)
        snprintf(rec.msg + n, sizeof rec.msg - n, "%s%s%s; memory per rank follows its share of the grid: run on more "
                 "ranks or nodes, or ask for more memory per rank (sbatch --mem-per-cpu)",
                 context[0] ? " (" : "", context, context[0] ? ")" : "");
    return code;
}

void sx_err_trace(const char *file, int line)
{
    if (rec.ntrace < SX_ERR_TRACE_MAX) {
        rec.trace_file[rec.ntrace] = file;
        rec.trace_line[rec.ntrace] = line;
        rec.ntrace++;
    }
}

void sx_err_clear(void)
{
    memset(&rec, 0, sizeof rec);
    rec.origin_rank = -1;
}

const char *sx_err_message(void) { return rec.msg; }
const char *sx_err_origin_file(void) { return rec.file ? rec.file : "?"; }
int sx_err_origin_line(void) { return rec.line; }
sx_err sx_err_code(void) { return rec.code; }
int sx_err_origin_rank(void) { return rec.origin_rank; }

/* Used by sx_err_agree() to adopt another rank's record. */
void sx__err_adopt(sx_err code, int origin_rank, const char *formatted)
{
    rec.code = code;
    rec.file = NULL;
    rec.line = 0;
    rec.ntrace = 0;
    rec.origin_rank = origin_rank;
    snprintf(rec.msg, sizeof rec.msg, "%s", formatted);
}

/* This process's rank and the number of ranks, for the "[rank r/n]" prefix; sx_mpi_init tells them
 * (err.c itself knows nothing of MPI). */
static int err_rank = 0, err_size = 1;

void sx__err_set_rank(int rank, int size)
{
    err_rank = rank;
    err_size = size;
}

void sx_err_format(char *buf, size_t len)
{
    if (rec.origin_rank >= 0) { /* adopted: already formatted by its origin */
        snprintf(buf, len, "%s", rec.msg);
        return;
    }
    if (err_size > 1)
        snprintf(buf, len, "[rank %d/%d] %s:%d: %s", err_rank, err_size, sx_err_origin_file(),
                 rec.line, rec.msg);
    else
        snprintf(buf, len, "%s:%d: %s", sx_err_origin_file(), rec.line, rec.msg);
}

void sx__err_format_trace(char *buf, size_t len)
{
    size_t off = 0;
    buf[0] = '\0';
    for (int i = 0; i < rec.ntrace && off < len; i++)
        off += (size_t)snprintf(buf + off, len - off, "%s%s:%d", i ? " <- " : "", rec.trace_file[i],
                                rec.trace_line[i]);
}
