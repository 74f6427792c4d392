/*
 * table.c — a small generic CSV reader (indicator panels, dictionaries, any
 * domain's tabular input).
 *
 * Reads the whole file (tables are small: thousands of rows), parses RFC 4180
 * fields (quotes, doubled quotes, separators and newlines inside quotes, CRLF,
 * a UTF-8 byte-order mark) and checks that every row has the header's width.
 * It does not guess separators or types; numbers are parsed on demand with
 * sx_table_num so the error can name the row and column. Each row keeps the
 * line it starts on, so messages point at the line an editor shows; lines
 * that start with a comment character (when the caller asks for one) are
 * skipped like blank lines.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sanxiang/sx_table.h"

typedef struct {
    char **v;
    int64_t n, cap;
} strvec;

static int push(strvec *s, char *p)
{
    if (s->n == s->cap) {
        int64_t nc = s->cap ? 2 * s->cap : 256;
        char **nv = realloc(s->v, (size_t)nc * sizeof *nv);
        if (!nv) return -1;
        s->v = nv;
        s->cap = nc;
    }
    s->v[s->n++] = p;
    return 0;
}

static void free_vec(strvec *s)
{
    for (int64_t i = 0; i < s->n; i++) free(s->v[i]);
    free(s->v);
}

static sx_err parse(const char *text, size_t len, const char *source, char comment, sx_table_t **out)
{
    *out = NULL;
    size_t p = 0;
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) p = 3;
    const char *nul = memchr(text, '\0', len); /* a cell would silently end there */
    if (nul) {
        int at = 1;
        for (const char *q = text; q < nul; q++) at += *q == '\n';
        SX_FAIL(SX_ERR_INPUT, "%s:%d: NUL byte; the file is not UTF-8 text (UTF-16 from a spreadsheet?): save it as "
                "CSV UTF-8", source, at);
    }
    strvec cells = {0};
    int *lines = NULL, nrec = 0, lcap = 0;
    int ncol = -1, nfield = 0, line = 1, row_line = 1, head_line = 1;
    char *field = NULL;
    size_t flen = 0, fcap = 0;
    sx_err err = SX_OK;
    while (p <= len) {
        if (comment && nfield == 0 && p < len && text[p] == comment) { /* a comment line */
            while (p < len && text[p] != '\n') p++;
            if (p >= len) break;
            p++;
            row_line = ++line;
            continue;
        }
        /* one field */
        flen = 0;
        int quoted = 0;
        if (p < len && text[p] == '"') {
            quoted = 1;
            p++;
        }
        for (;;) {
            if (p >= len) {
                if (quoted) SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "%s:%d: unterminated quoted field; close the quote", source, row_line);
                break;
            }
            char c = text[p];
            if (quoted) {
                if (c == '"') {
                    if (p + 1 < len && text[p + 1] == '"') p++;
                    else {
                        quoted = 0;
                        p++;
                        continue;
                    }
                } else if (c == '\n') line++;
            } else if (c == ',' || c == '\n' || c == '\r') break;
            if (flen + 2 > fcap) {
                fcap = fcap ? 2 * fcap : 64;
                char *nf = realloc(field, fcap);
                if (!nf) SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "out of memory reading %s", source);
                field = nf;
            }
            field[flen++] = c;
            p++;
        }
        char *cell = malloc(flen + 1);
        if (!cell || push(&cells, cell)) {
            free(cell);
            SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "out of memory reading %s", source);
        }
        if (flen) memcpy(cell, field, flen);
        cell[flen] = 0;
        nfield++;
        if (p < len && text[p] == ',') {
            p++;
            continue;
        }
        /* end of record */
        if (p < len && text[p] == '\r') p++;
        if (p < len && text[p] == '\n') p++;
        line++;
        if (nfield == 1 && cells.v[cells.n - 1][0] == 0) { /* blank line */
            free(cells.v[--cells.n]);
        } else if (ncol < 0) {
            ncol = nfield;
            head_line = row_line;
        } else if (nfield != ncol) {
            SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "%s:%d: row has %d fields but the header has %d; fix the row (quote fields that contain commas)",
                         source, row_line, nfield, ncol);
        } else {
            if (nrec == lcap) {
                lcap = lcap ? 2 * lcap : 256;
                int *nl = realloc(lines, (size_t)lcap * sizeof *nl);
                if (!nl) SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "out of memory reading %s", source);
                lines = nl;
            }
            lines[nrec++] = row_line;
        }
        nfield = 0;
        row_line = line;
        if (p >= len) break;
    }
    if (ncol <= 0) SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "%s: empty table; expected a header row", source);
    sx_table_t *t = calloc(1, sizeof *t);
    if (!t) SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "out of memory reading %s", source);
    t->path = strdup(source);
    t->ncol = ncol;
    t->nrow = (int)(cells.n / ncol) - 1;
    t->head = cells.v;
    t->cell = cells.v + ncol;
    t->line = lines;
    t->head_line = head_line;
    lines = NULL;
    cells.v = NULL;
    cells.n = 0;
    int named = 0;
    for (int c = 0; c < ncol; c++) { /* trim header whitespace */
        for (size_t n = strlen(t->head[c]); n && isspace((unsigned char)t->head[c][n - 1]); n--) t->head[c][n - 1] = 0;
        named |= t->head[c][0] != 0;
    }
    if (!named) {
        sx_table_destroy(&t);
        SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "%s:%d: the header row has no column names; the first line that is not "
                     "blank must name the columns", source, head_line);
    }
    *out = t;
done:
    free(field);
    free(lines);
    free_vec(&cells);
    return err;
}

sx_err sx_table_parse(const char *text, size_t len, const char *source, sx_table_t **out)
{
    return parse(text, len, source, 0, out);
}

sx_err sx_table_read(const char *path, sx_table_t **out)
{
    return sx_table_read_comments(path, 0, out);
}

sx_err sx_table_read_comments(const char *path, char comment, sx_table_t **out)
{
    *out = NULL;
    FILE *fp = fopen(path, "rb");
    SX_FAIL_IF(!fp, SX_ERR_IO, "cannot open table '%s': %s; check the path in the job file", path, strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[65536];
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        if (len + n > cap) {
            cap = 2 * (len + n);
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(fp);
                SX_FAIL(SX_ERR_NOMEM, "out of memory reading '%s'", path);
            }
            buf = nb;
        }
        memcpy(buf + len, chunk, n);
        len += n;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        free(buf);
        SX_FAIL(SX_ERR_IO, "read error on '%s'", path);
    }
    sx_err err = parse(buf ? buf : "", len, path, comment, out);
    free(buf);
    SX_CHECK(err);
    return SX_OK;
}

void sx_table_destroy(sx_table_t **tp)
{
    if (!tp || !*tp) return;
    sx_table_t *t = *tp;
    int64_t n = (int64_t)(t->nrow + 1) * t->ncol;
    for (int64_t i = 0; i < n; i++) free(t->head[i]);
    free(t->head);
    free(t->line);
    free(t->path);
    free(t);
    *tp = NULL;
}

int sx_table_col(const sx_table_t *t, const char *names)
{
    char buf[256];
    const char *s = names;
    while (s && *s) {
        const char *e = strchr(s, '|');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n >= sizeof buf) n = sizeof buf - 1;
        memcpy(buf, s, n);
        buf[n] = 0;
        for (int c = 0; c < t->ncol; c++)
            if (!strcasecmp(t->head[c], buf)) return c;
        s = e ? e + 1 : NULL;
    }
    return -1;
}

sx_err sx_table_num(const sx_table_t *t, int r, int c, double *out)
{
    const char *s = sx_table_at(t, r, c);
    while (isspace((unsigned char)*s)) s++;
    if (!*s || !strcasecmp(s, "NA") || !strcasecmp(s, "NaN") || !strcasecmp(s, "null") || !strcmp(s, "-") ||
        !strcmp(s, "..")) {
        *out = NAN;
        return SX_OK;
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    while (isspace((unsigned char)*end)) end++;
    SX_FAIL_IF(end == s || *end || errno == ERANGE || !isfinite(v), SX_ERR_INPUT,
               "%s: row %d (line %d), column '%s': '%s' is not a number; use an empty cell or NA for missing values",
               t->path, r + 1, sx_table_line(t, r), t->head[c], s);
    *out = v;
    return SX_OK;
}
