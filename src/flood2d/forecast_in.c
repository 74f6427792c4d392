/*
 * forecast_in.c — an inflow hydrograph read straight from the hydro
 * forecast's long-format CSV (src/hydro/forecast_out.c writes it:
 * node,time,phase,lead,Q_det,Q_obs,p05,...,p95,p_warn,p_guar).
 *
 * What is taken: the rows of one node, from the forecast's issue time on, of
 * one named column (Q_det, a percentile such as p50/p90, Q_obs, ...), times
 * `scale`. Times become seconds from the issue time, which is the time of the
 * node's last row with lead 0 (the last observed step; the first forecast
 * row has lead 1):
 *  - date labels (YYYY-MM-DD[ T]hh:mm[:ss], UTC) by difference of dates;
 *  - step-number labels (the forecast's row numbers) times step_hours * 3600
 *    (the forecast's dt_hours, which the CSV does not carry).
 * At the issue row the ensemble columns are empty: every member starts from
 * the same state there, so the deterministic Q_det stands in (documented in
 * docs/inundation.md). Any other empty or non-numeric value, an unknown node
 * or column, or times that do not increase is an error naming the file, row
 * and key. Does not interpolate (hydrograph.c) nor check signs (model.c).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "f2d_internal.h"
#include "sanxiang/sx_strbuf.h"
#include "sanxiang/sx_time.h"

#define MAXCOL 64

/* Split line in place at commas, keeping empty fields; strips the newline. */
static int split_csv(char *line, char **f, int maxf)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    char *p = line;
    while (n < maxf) {
        f[n++] = p;
        char *c = strchr(p, ',');
        if (!c) break;
        *c = '\0';
        p = c + 1;
    }
    return n;
}

static int col_index(char **hdr, int nh, const char *name)
{
    for (int i = 0; i < nh; i++)
        if (!strcmp(hdr[i], name)) return i;
    return -1;
}

/* A date label as seconds since 1970 (UTC); 0 if s is not a date. */
static int parse_date(const char *s, double *out)
{
    int64_t t;
    if (sx_time_parse(s, &t) != SX_OK) {
        sx_err_clear(); /* maybe a step number; the caller decides */
        return 0;
    }
    *out = (double)t;
    return 1;
}

static int parse_num(const char *s, double *out)
{
    char *e;
    errno = 0;
    double v = strtod(s, &e);
    if (e == s || errno || !isfinite(v)) return 0;
    while (*e == ' ') e++;
    if (*e) return 0;
    *out = v;
    return 1;
}

typedef struct {
    int64_t n, cap;
    double *tl, *q, *qdet; /* time label value, column value (NaN if empty), Q_det at the row */
    int64_t *lead, *row;
} rows_t;

static void rows_free(rows_t *r)
{
    free(r->tl);
    free(r->q);
    free(r->qdet);
    free(r->lead);
    free(r->row);
    memset(r, 0, sizeof *r);
}

static int rows_push(rows_t *r, double tl, double q, double qdet, int64_t lead, int64_t row)
{
    if (r->n == r->cap) {
        int64_t cap = r->cap ? 2 * r->cap : 64;
        double *a = realloc(r->tl, (size_t)cap * sizeof *a);
        if (a) r->tl = a;
        double *b = realloc(r->q, (size_t)cap * sizeof *b);
        if (b) r->q = b;
        double *c = realloc(r->qdet, (size_t)cap * sizeof *c);
        if (c) r->qdet = c;
        int64_t *d = realloc(r->lead, (size_t)cap * sizeof *d);
        if (d) r->lead = d;
        int64_t *e = realloc(r->row, (size_t)cap * sizeof *e);
        if (e) r->row = e;
        if (!a || !b || !c || !d || !e) return 0;
        r->cap = cap;
    }
    r->tl[r->n] = tl;
    r->q[r->n] = q;
    r->qdet[r->n] = qdet;
    r->lead[r->n] = lead;
    r->row[r->n] = row;
    r->n++;
    return 1;
}

/* Read the node's rows; *dates says whether the time labels are dates. */
static sx_err read_rows(const sx_f2d_forecast_ref_t *ref, rows_t *r, int *dates)
{
    FILE *f = fopen(ref->path, "r");
    SX_FAIL_IF(!f, SX_ERR_IO, "cannot open the forecast '%s': %s; run the forecast first or fix 'hydrograph.forecast'",
               ref->path, strerror(errno));
    char line[8192], hline[8192];
    char *hdr[MAXCOL], *fld[MAXCOL];
    int nh = 0, inode = -1, itime = -1, ilead = -1, icol = -1, idet = -1;
    int64_t lineno = 0;
    sx_err err = SX_OK;
    sx_strbuf_t nodes;
    sx_strbuf_init(&nodes);
    char lastnode[128] = "";
    int64_t nnodes = 0;
    *dates = -1;
    while (err == SX_OK && fgets(line, sizeof line, f)) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n' || line[0] == '\r') continue;
        if (!nh) {
            memcpy(hline, line, sizeof hline);
            nh = split_csv(hline, hdr, MAXCOL);
            inode = col_index(hdr, nh, "node");
            itime = col_index(hdr, nh, "time");
            ilead = col_index(hdr, nh, "lead");
            idet = col_index(hdr, nh, "Q_det");
            icol = col_index(hdr, nh, ref->column);
            if (inode < 0 || itime < 0 || ilead < 0)
                err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                                 "'%s' is not a sanxiang forecast CSV: its header lacks node, time or lead", ref->path);
            else if (icol < 0) {
                sx_strbuf_t cols;
                sx_strbuf_init(&cols);
                for (int i = 4; i < nh; i++) sx_strbuf_printf(&cols, "%s%s", i > 4 ? ", " : "", hdr[i]);
                err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                                 "hydrograph.column: '%s' has no column '%s'; choose one of %s", ref->path, ref->column,
                                 cols.failed ? "?" : cols.data);
                sx_strbuf_fini(&cols);
            }
            continue;
        }
        int nf = split_csv(line, fld, MAXCOL);
        if (nf != nh) {
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s:%lld: %d fields, the header has %d", ref->path,
                             (long long)lineno, nf, nh);
            break;
        }
        if (strcmp(fld[inode], lastnode)) {
            snprintf(lastnode, sizeof lastnode, "%s", fld[inode]);
            if (nnodes < 12) sx_strbuf_printf(&nodes, "%s%s", nnodes ? ", " : "", fld[inode]);
            else if (nnodes == 12) sx_strbuf_puts(&nodes, ", ...");
            nnodes++;
        }
        if (strcmp(fld[inode], ref->node)) continue;
        double tl, lead, q = NAN, qd = NAN;
        int isdate = parse_date(fld[itime], &tl);
        if (!isdate && !parse_num(fld[itime], &tl)) {
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                             "%s:%lld: time '%s' is neither a date (YYYY-MM-DD hh:mm) nor a step number", ref->path,
                             (long long)lineno, fld[itime]);
            break;
        }
        if (*dates < 0) *dates = isdate;
        if (*dates != isdate || !parse_num(fld[ilead], &lead) || lead < 0 || lead != floor(lead)) {
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s:%lld: bad time '%s' or lead '%s'", ref->path,
                             (long long)lineno, fld[itime], fld[ilead]);
            break;
        }
        if (fld[icol][0] && !parse_num(fld[icol], &q)) {
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s:%lld: column %s is '%s', not a number", ref->path,
                             (long long)lineno, ref->column, fld[icol]);
            break;
        }
        if (idet >= 0 && fld[idet][0]) parse_num(fld[idet], &qd);
        if (!rows_push(r, tl, q, qd, (int64_t)lead, lineno))
            err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory reading '%s'", ref->path);
    }
    fclose(f);
    if (err == SX_OK && !nh) err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "forecast '%s' is empty", ref->path);
    if (err == SX_OK && r->n == 0)
        err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "hydrograph.node: '%s' has no node '%s'; its nodes are %s",
                         ref->path, ref->node, nodes.failed ? "?" : nodes.data);
    sx_strbuf_fini(&nodes);
    return err;
}

sx_err sx_f2d_forecast_read(const sx_f2d_forecast_ref_t *ref, int64_t *n, double **t, double **q)
{
    *n = 0;
    *t = *q = NULL;
    SX_FAIL_IF(!(ref->scale > 0) || !isfinite(ref->scale), SX_ERR_CONFIG, "hydrograph.scale = %g must be > 0",
               ref->scale);
    rows_t r = {0};
    int dates = 0;
    sx_err err = read_rows(ref, &r, &dates);
    const double step_s = ref->step_hours * 3600.0;
    if (err == SX_OK && !dates && !(step_s > 0))
        err = sx_err_set(SX_ERR_CONFIG, SX__FILE, __LINE__,
                         "'%s' labels its times by step number; give hydrograph.step_hours (the forecast's dt_hours) "
                         "to convert them to seconds",
                         ref->path);
    /* Issue row: the last row with lead 0; without one, one step before the first forecast row. */
    int64_t iss = -1;
    for (int64_t k = 0; err == SX_OK && k < r.n; k++)
        if (r.lead[k] == 0) iss = k;
    double t_issue = 0;
    if (err == SX_OK) {
        if (iss >= 0) t_issue = r.tl[iss];
        else if (!dates) t_issue = r.tl[0] - (double)r.lead[0];
        else
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                             "'%s' node '%s' has no row with lead 0, so its issue time is unknown", ref->path, ref->node);
    }
    double *tt = NULL, *qq = NULL;
    int64_t len = 0;
    if (err == SX_OK) {
        tt = malloc((size_t)r.n * sizeof *tt);
        qq = malloc((size_t)r.n * sizeof *qq);
        if (!tt || !qq) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory reading '%s'", ref->path);
    }
    for (int64_t k = iss < 0 ? 0 : iss; err == SX_OK && k < r.n; k++) {
        double ts = dates ? r.tl[k] - t_issue : (r.tl[k] - t_issue) * step_s;
        double v = r.q[k];
        if (isnan(v) && k == iss) v = r.qdet[k]; /* the ensemble's common start */
        if (isnan(v)) {
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                             "%s:%lld: node '%s' has no value in column %s (%s s after the issue time); choose a column "
                             "that the forecast fills (Q_det, p05..p95)",
                             ref->path, (long long)r.row[k], ref->node, ref->column, ts >= 0 ? "at or" : "before");
            break;
        }
        if (len > 0 && !(ts > tt[len - 1])) {
            err = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s:%lld: time of node '%s' does not increase",
                             ref->path, (long long)r.row[k], ref->node);
            break;
        }
        tt[len] = ts;
        qq[len] = v * ref->scale;
        len++;
    }
    rows_free(&r);
    if (err != SX_OK) {
        free(tt);
        free(qq);
        return err;
    }
    *n = len;
    *t = tt;
    *q = qq;
    return SX_OK;
}
