/*
 * series.c — reading and writing the time-series CSV tables of the
 * hydrological models (see sx_hydro_io.h for the contract). The CSV is read
 * by the shared table reader (sx_table.h: quotes, CRLF, a UTF-8 BOM, '#'
 * comment lines); this file checks it strictly: regular time steps, finite
 * non-negative values, every bad cell named by line (1-based, in the file),
 * time and column.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "hydro/hydro_internal.h"
#include "sanxiang/sx_hydro_io.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_strbuf.h"
#include "sanxiang/sx_time.h"

/* Column named exactly name, -1 if none. */
static int column(const sx_table_t *t, const char *name)
{
    for (int c = 0; c < t->ncol; c++)
        if (!strcmp(t->head[c], name)) return c;
    return -1;
}

/* Integer step, or ISO date/time (UTC) as sx_time_parse reads it. */
int sx_hydro_time_parse(const char *s, double *out, int *is_date)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end != s && !*end && !errno) {
        *out = (double)v;
        *is_date = 0;
        return 1;
    }
    int64_t t;
    if (sx_time_parse(s, &t) != SX_OK) {
        sx_err_clear(); /* neither: the caller names the row */
        return 0;
    }
    *out = (double)t;
    *is_date = 1;
    return 1;
}

void sx_hydro_series_fini(sx_hydro_series_t *s)
{
    if (!s) return;
    if (s->time)
        for (int64_t i = 0; i < s->n; i++) free(s->time[i]);
    free(s->time);
    free(s->t);
    for (int c = 0; c < SX_HYDRO_MAX_COLS; c++) free(s->col[c]);
    memset(s, 0, sizeof *s);
}

double *sx_hydro_series_col(const sx_hydro_series_t *s, const char *name)
{
    for (int c = 0; c < s->ncol; c++)
        if (!strcmp(s->name[c], name)) return s->col[c];
    return NULL;
}

static sx_err grow(sx_hydro_series_t *s, int64_t *cap)
{
    if (s->n < *cap) return SX_OK;
    int64_t nc = *cap ? 2 * *cap : 1024;
    char **tm = realloc(s->time, (size_t)nc * sizeof *tm);
    SX_FAIL_IF(!tm, SX_ERR_NOMEM, "cannot grow a time series to %lld rows", (long long)nc);
    s->time = tm;
    double *t = realloc(s->t, (size_t)nc * sizeof *t);
    SX_FAIL_IF(!t, SX_ERR_NOMEM, "cannot grow a time series to %lld rows", (long long)nc);
    s->t = t;
    for (int c = 0; c < s->ncol; c++) {
        if (!s->col[c]) continue;
        double *v = realloc(s->col[c], (size_t)nc * sizeof *v);
        SX_FAIL_IF(!v, SX_ERR_NOMEM, "cannot grow a time series to %lld rows", (long long)nc);
        s->col[c] = v;
    }
    *cap = nc;
    return SX_OK;
}

/* A missing value as a spreadsheet writes it: empty, NA, NaN, null or -. */
static int missing_text(const char *v)
{
    return !*v || !strcasecmp(v, "na") || !strcasecmp(v, "nan") || !strcasecmp(v, "null") || !strcmp(v, "-");
}

static sx_err read_rows(const sx_table_t *tab, const char *path, const int *idx, int allow_missing,
                        sx_hydro_series_t *s)
{
    int64_t cap = 0;
    for (int r = 0; r < tab->nrow; r++) {
        const int lineno = sx_table_line(tab, r);
        SX_CHECK(grow(s, &cap));
        const char *ts = sx_table_at(tab, r, idx[0]);
        SX_FAIL_IF(strlen(ts) >= 64, SX_ERR_INPUT, "%s:%d: time '%.40s...' is too long; write a step number or a date "
                   "YYYY-MM-DD[ HH:MM[:SS]]", path, lineno, ts);
        int is_date;
        double tv;
        SX_FAIL_IF(!*ts, SX_ERR_INPUT, "%s:%d: empty time", path, lineno);
        SX_FAIL_IF(!sx_hydro_time_parse(ts, &tv, &is_date), SX_ERR_INPUT,
                   "%s:%d: time '%s' is neither a step number nor a date YYYY-MM-DD[ HH:MM[:SS]]", path, lineno, ts);
        if (s->n == 0) s->time_is_date = is_date;
        SX_FAIL_IF(is_date != s->time_is_date, SX_ERR_INPUT, "%s:%d: time '%s' mixes step numbers and dates", path,
                   lineno, ts);
        for (int c = 0; c < s->ncol; c++) {
            if (idx[1 + c] < 0) continue;
            const char *v = sx_table_at(tab, r, idx[1 + c]);
            if (allow_missing && missing_text(v)) {
                s->col[c][s->n] = NAN;
                continue;
            }
            SX_FAIL_IF(!*v, SX_ERR_INPUT, "%s:%d: time %s: %s is empty; missing values must be filled, not left blank",
                       path, lineno, ts, s->name[c]);
            char *end;
            double x = strtod(v, &end);
            SX_FAIL_IF(end == v || *end, SX_ERR_INPUT, "%s:%d: time %s: %s = '%s' is not a number", path, lineno, ts,
                       s->name[c], v);
            SX_FAIL_IF(!isfinite(x), SX_ERR_INPUT, "%s:%d: time %s: %s is %s; NaN and infinite values are not allowed",
                       path, lineno, ts, s->name[c], v);
            SX_FAIL_IF(x < 0, SX_ERR_INPUT, "%s:%d: time %s: %s = %g is negative", path, lineno, ts, s->name[c], x);
            s->col[c][s->n] = x;
        }
        if (s->n >= 1 && allow_missing) { /* observations: increasing, rows may be missing */
            double d = tv - s->t[s->n - 1];
            SX_FAIL_IF(d <= 0, SX_ERR_INPUT, "%s:%d: time %s does not follow %s; times must increase", path, lineno, ts,
                       s->time[s->n - 1]);
            if (s->n == 1 || d < s->dt) s->dt = d; /* the smallest step seen */
        } else if (s->n >= 1) {
            double d = tv - s->t[s->n - 1];
            if (s->n == 1) {
                SX_FAIL_IF(d <= 0, SX_ERR_INPUT, "%s:%d: time %s does not follow %s; times must increase", path,
                           lineno, ts, s->time[0]);
                s->dt = s->time_is_date ? d : 1;
                SX_FAIL_IF(!s->time_is_date && d != 1, SX_ERR_INPUT,
                           "%s:%d: missing time step(s) between %s and %s", path, lineno, s->time[0], ts);
            } else {
                SX_FAIL_IF(d <= 0, SX_ERR_INPUT, "%s:%d: time %s does not follow %s; times must increase", path,
                           lineno, ts, s->time[s->n - 1]);
                SX_FAIL_IF(d != s->dt, SX_ERR_INPUT,
                           "%s:%d: missing time step(s) between %s and %s (the step is %g %s, this gap is %g)", path,
                           lineno, s->time[s->n - 1], ts, s->dt, s->time_is_date ? "s" : "steps", d);
            }
        }
        s->time[s->n] = strdup(ts); /* last, so a failed row leaves nothing half-owned */
        SX_FAIL_IF(!s->time[s->n], SX_ERR_NOMEM, "cannot copy a time string");
        s->t[s->n] = tv;
        s->n++;
    }
    SX_FAIL_IF(s->n == 0, SX_ERR_INPUT, "%s has no data rows; add rows under the header", path);
    if (s->n == 1) s->dt = s->time_is_date ? 86400 : 1;
    return SX_OK;
}

static sx_err read_series(const char *path, const char *const *required, int nreq, const char *const *optional,
                          int nopt, int allow_missing, sx_hydro_series_t *out)
{
    memset(out, 0, sizeof *out);
    SX_FAIL_IF(nreq + nopt > SX_HYDRO_MAX_COLS, SX_ERR_INTERNAL, "too many columns requested");
    sx_table_t *tab = NULL;
    SX_CHECK(sx__hydro_table_read(path, &tab));
    int idx[1 + SX_HYDRO_MAX_COLS];
    idx[0] = column(tab, "time");
    sx_err e = SX_OK;
    if (idx[0] < 0) {
        e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s: header has no 'time' column (needs time,%s%s)", path,
                       nreq ? required[0] : "...", nreq > 1 ? ",..." : "");
        goto done;
    }
    for (int c = 0; c < nreq + nopt; c++) {
        const char *want = c < nreq ? required[c] : optional[c - nreq];
        snprintf(out->name[c], sizeof out->name[c], "%s", want);
        idx[1 + c] = column(tab, want);
        if (idx[1 + c] < 0 && c < nreq) {
            e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s: header has no '%s' column (needs time,%s%s)", path,
                           want, required[0], nreq > 1 ? ",..." : "");
            goto done;
        }
        if (idx[1 + c] >= 0) {
            out->col[c] = malloc(sizeof(double));
            if (!out->col[c]) {
                e = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
                goto done;
            }
        }
    }
    out->ncol = nreq + nopt;
    snprintf(out->source, sizeof out->source, "%s", path);
    e = read_rows(tab, path, idx, allow_missing, out);
done:
    sx_table_destroy(&tab);
    if (e != SX_OK) {
        sx_hydro_series_fini(out);
        sx_err_trace(SX__FILE, __LINE__);
    }
    return e;
}

sx_err sx_hydro_series_read(const char *path, const char *const *required, int nreq, const char *const *optional,
                            int nopt, sx_hydro_series_t *out)
{
    return read_series(path, required, nreq, optional, nopt, 0, out);
}

sx_err sx_hydro_series_read_missing(const char *path, const char *const *required, int nreq, sx_hydro_series_t *out)
{
    return read_series(path, required, nreq, NULL, 0, 1, out);
}

sx_err sx_hydro_series_step_hours(const sx_hydro_series_t *s, double dt_hours, double *out)
{
    SX_FAIL_IF(dt_hours < 0 || isnan(dt_hours), SX_ERR_CONFIG, "dt_hours must be > 0, got %g", dt_hours);
    if (!s->time_is_date || s->n < 2) {
        *out = dt_hours > 0 ? dt_hours : 24;
        return SX_OK;
    }
    /* dated rows fix the step: another dt_hours would misscale every discharge and reach */
    SX_FAIL_IF(dt_hours > 0 && fabs(s->dt - dt_hours * 3600) > 1e-6 * s->dt, SX_ERR_CONFIG,
               "dt_hours = %g but the forcing %s steps %g h (%s, %s, ...); leave dt_hours out (the times give it) or "
               "set it to %g",
               dt_hours, s->source[0] ? s->source : "series", s->dt / 3600, s->time[0], s->time[1], s->dt / 3600);
    *out = s->dt / 3600;
    return SX_OK;
}

sx_err sx_hydro_series_bcast(MPI_Comm comm, int root, sx_hydro_series_t *s)
{
    int rank;
    MPI_Comm_rank(comm, &rank);
    int64_t hdr[3] = {s->n, s->time_is_date, s->ncol};
    MPI_Bcast(hdr, 3, MPI_INT64_T, root, comm);
    MPI_Bcast(&s->dt, 1, MPI_DOUBLE, root, comm);
    MPI_Bcast(s->name, sizeof s->name, MPI_CHAR, root, comm);
    MPI_Bcast(s->source, sizeof s->source, MPI_CHAR, root, comm);
    int present[SX_HYDRO_MAX_COLS];
    for (int c = 0; c < SX_HYDRO_MAX_COLS; c++) present[c] = s->col[c] != NULL;
    MPI_Bcast(present, SX_HYDRO_MAX_COLS, MPI_INT, root, comm);
    int n;
    if (hdr[0] > 0x7fffffff) return sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "series too long to broadcast");
    n = (int)hdr[0];
    if (rank != root) {
        s->n = n;
        s->time_is_date = (int)hdr[1];
        s->ncol = (int)hdr[2];
        SX_ALLOC(s->t, n, "series times");
        SX_ALLOC(s->time, n, "series time strings");
        for (int c = 0; c < SX_HYDRO_MAX_COLS; c++)
            if (present[c]) SX_ALLOC(s->col[c], n, "series column");
    }
    MPI_Bcast(s->t, n, MPI_DOUBLE, root, comm);
    for (int c = 0; c < SX_HYDRO_MAX_COLS; c++)
        if (present[c]) MPI_Bcast(s->col[c], n, MPI_DOUBLE, root, comm);
    for (int i = 0; i < n; i++) {
        char buf[64] = {0};
        if (rank == root) snprintf(buf, sizeof buf, "%s", s->time[i]);
        MPI_Bcast(buf, sizeof buf, MPI_CHAR, root, comm);
        if (rank != root) {
            s->time[i] = strdup(buf);
            SX_FAIL_IF(!s->time[i], SX_ERR_NOMEM, "cannot copy a time string");
        }
    }
    return SX_OK;
}

sx_err sx_hydro_series_write(const char *path, const sx_hydro_series_t *like, int ncol, const char *const *names,
                             const double *const *cols)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_puts(&sb, "time");
    for (int c = 0; c < ncol; c++) sx_strbuf_printf(&sb, ",%s", names[c]);
    sx_strbuf_puts(&sb, "\n");
    for (int64_t i = 0; i < like->n; i++) {
        sx_strbuf_puts(&sb, like->time[i]);
        for (int c = 0; c < ncol; c++) sx_strbuf_printf(&sb, ",%.10g", cols[c][i]);
        sx_strbuf_puts(&sb, "\n");
    }
    if (sb.failed) {
        sx_strbuf_fini(&sb);
        SX_FAIL(SX_ERR_NOMEM, "cannot format '%s'", path);
    }
    sx_err e = sx_write_text_file(path, sb.data);
    sx_strbuf_fini(&sb);
    SX_CHECK(e);
    return SX_OK;
}
