/*
 * param_sets.c — parameter sets as CSV: the final SCE-UA population that a
 * calibration writes (Duan, Sorooshian & Gupta 1992, doi:10.1029/91WR02985:
 * the population after the last shuffle, sorted by the objective, best
 * first) and that a forecast ensemble reads back, one set per member
 * (member m uses row m mod N, see forecast.c). Reading is strict: every
 * column must be a parameter of the model (or model/objective/loss), every
 * value a finite number within the parameter's valid range, every row of the
 * forecast's model; errors name file, line and column.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sanxiang/sx_hydro.h"
#include "sanxiang/sx_hydro_io.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_strbuf.h"

sx_err sx_hydro_param_sets_write(const char *path, const char *model, const char *objective, const double *rows,
                                 int64_t nrows)
{
    const sx_hydro_kind_t *k;
    SX_CHECK(sx_hydro_kind_find(model, &k));
    const int np = sx_hydro_kind_nparams(k);
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_puts(&sb, "model");
    for (int i = 0; i < np; i++) sx_strbuf_printf(&sb, ",%s", sx_hydro_kind_param(k, i)->name);
    sx_strbuf_puts(&sb, ",objective,loss\n");
    for (int64_t r = 0; r < nrows; r++) {
        const double *row = rows + r * (np + 1);
        sx_strbuf_puts(&sb, model);
        for (int i = 0; i < np; i++) sx_strbuf_printf(&sb, ",%.17g", row[1 + i]);
        sx_strbuf_printf(&sb, ",%s,%.17g\n", objective, row[0]);
    }
    sx_err e = sb.failed ? sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory") : sx_write_text_file(path, sb.data);
    sx_strbuf_fini(&sb);
    return e;
}

/* Split line in place at commas (trimming blanks and CR/LF); returns the field count (<= max). */
static int split(char *line, char **f, int max)
{
    int n = 0;
    for (char *p = line;;) {
        while (*p == ' ' || *p == '\t') p++;
        char *c = strchr(p, ','), *end = c ? c : p + strlen(p);
        while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n')) end--;
        if (n < max) f[n] = p;
        n++;
        if (!c) {
            *end = 0;
            break;
        }
        *end = 0;
        p = c + 1;
    }
    return n;
}

enum { COL_SKIP = -1, COL_MODEL = -2 };

/* Column roles from the header: parameter index, COL_MODEL or COL_SKIP. */
static sx_err header(const char *path, const sx_hydro_kind_t *k, const char *model, char **f, int nf, int *role,
                     sx_hydro_param_sets_t *out)
{
    const int np = sx_hydro_kind_nparams(k);
    for (int c = 0; c < nf; c++) {
        if (!strcasecmp(f[c], "model")) role[c] = COL_MODEL;
        else if (!strcasecmp(f[c], "objective") || !strcasecmp(f[c], "loss")) role[c] = COL_SKIP;
        else {
            int j = 0;
            while (j < np && strcmp(sx_hydro_kind_param(k, j)->name, f[c])) j++;
            SX_FAIL_IF(j == np, SX_ERR_INPUT, "'%s' line 1, column %d: '%s' is not a parameter of %s; parameter sets "
                       "must come from a calibration of the same model", path, c + 1, f[c], model);
            for (int i = 0; i < out->np; i++)
                SX_FAIL_IF(!strcmp(out->name[i], f[c]), SX_ERR_INPUT, "'%s' line 1: column '%s' appears twice", path,
                           f[c]);
            SX_FAIL_IF(out->np >= SX_HYDRO_MAX_SET_PARAMS, SX_ERR_INPUT, "'%s': too many parameter columns", path);
            snprintf(out->name[out->np], sizeof out->name[0], "%s", f[c]);
            role[c] = out->np++;
        }
    }
    SX_FAIL_IF(out->np == 0, SX_ERR_INPUT, "'%s' has no parameter column", path);
    return SX_OK;
}

/* One data row into v[np]. */
static sx_err row(const char *path, int64_t line, const sx_hydro_kind_t *k, const char *model, char **f, int nf,
                  int nhead, const int *role, const sx_hydro_param_sets_t *s, double *v)
{
    SX_FAIL_IF(nf != nhead, SX_ERR_INPUT, "'%s' line %lld has %d fields, the header %d", path, (long long)line, nf,
               nhead);
    for (int c = 0; c < nf; c++) {
        if (role[c] == COL_MODEL) {
            SX_FAIL_IF(strcasecmp(f[c], model), SX_ERR_INPUT, "'%s' line %lld is a '%s' parameter set but the forecast "
                       "runs %s; calibrate %s first", path, (long long)line, f[c], model, model);
            continue;
        }
        if (role[c] < 0) continue;
        char *end;
        errno = 0;
        double x = strtod(f[c], &end);
        SX_FAIL_IF(end == f[c] || *end || errno || !isfinite(x), SX_ERR_INPUT, "'%s' line %lld, column '%s': '%s' is "
                   "not a finite number", path, (long long)line, s->name[role[c]], f[c]);
        const sx_hydro_var_t *p = NULL;
        for (int j = 0; j < sx_hydro_kind_nparams(k) && !p; j++)
            if (!strcmp(sx_hydro_kind_param(k, j)->name, s->name[role[c]])) p = sx_hydro_kind_param(k, j);
        SX_FAIL_IF(x < p->min || x > p->max, SX_ERR_INPUT, "'%s' line %lld: %s = %g is outside its valid range "
                   "[%g, %g]", path, (long long)line, p->name, x, p->min, p->max);
        v[role[c]] = x;
    }
    return SX_OK;
}

sx_err sx_hydro_param_sets_read(const char *path, const char *model, int64_t best, sx_hydro_param_sets_t *out)
{
    memset(out, 0, sizeof *out);
    const sx_hydro_kind_t *k;
    SX_CHECK(sx_hydro_kind_find(model, &k));
    snprintf(out->model, sizeof out->model, "%s", model);
    FILE *fp = fopen(path, "r");
    SX_FAIL_IF(!fp, SX_ERR_IO, "cannot open the parameter sets '%s': %s", path, strerror(errno));
    char buf[8192], *f[64];
    int role[64], nhead = 0;
    int64_t line = 0, cap = 0;
    sx_err e = SX_OK;
    while (!e && fgets(buf, sizeof buf, fp)) {
        line++;
        if (buf[0] == '#' || buf[strspn(buf, " \t\r\n")] == 0) continue;
        int nf = split(buf, f, 64);
        if (nf > 64) e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s' line %lld: more than 64 columns", path,
                                    (long long)line);
        else if (!nhead) {
            nhead = nf;
            e = header(path, k, model, f, nf, role, out);
        } else if (best <= 0 || out->n < best) {
            if (out->n == cap) {
                cap = cap ? 2 * cap : 64;
                double *v = realloc(out->v, sizeof *v * (size_t)(cap * out->np));
                if (!v) {
                    e = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
                    break;
                }
                out->v = v;
            }
            e = row(path, line, k, model, f, nf, nhead, role, out, out->v + out->n * out->np);
            if (!e) out->n++;
        }
    }
    fclose(fp);
    if (!e && out->n == 0) e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "'%s' holds no parameter set", path);
    if (!e && best > out->n)
        e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "best: %lld asks for more sets than '%s' holds (%lld)",
                       (long long)best, path, (long long)out->n);
    if (e) sx_hydro_param_sets_fini(out);
    return e;
}

void sx_hydro_param_sets_fini(sx_hydro_param_sets_t *s)
{
    free(s->v);
    s->v = NULL;
    s->n = 0;
}
