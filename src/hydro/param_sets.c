/*
 * param_sets.c — parameter sets as CSV: the final SCE-UA population that a
 * calibration writes (Duan, Sorooshian & Gupta 1992, doi:10.1029/91WR02985:
 * the population after the last shuffle, sorted by the objective, best
 * first) and that a forecast ensemble reads back, one set per member
 * (member m uses row m mod N, see forecast.c). Reading is strict: every
 * column must be a parameter of the model (or model/objective/loss), every
 * value a finite number within the parameter's valid range, every row of the
 * forecast's model; errors name file, line and column. The CSV is read by
 * the shared table reader (table_in.c: quotes, CRLF, a UTF-8 BOM, '#'
 * comment lines).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hydro/hydro_internal.h"
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

enum { COL_SKIP = -1, COL_MODEL = -2 };

/* Column roles from the header: parameter index, COL_MODEL or COL_SKIP. */
static sx_err header(const char *path, int line, const sx_hydro_kind_t *k, const char *model, char *const *f, int nf,
                     int *role, sx_hydro_param_sets_t *out)
{
    const int np = sx_hydro_kind_nparams(k);
    for (int c = 0; c < nf; c++) {
        if (!strcasecmp(f[c], "model")) role[c] = COL_MODEL;
        else if (!strcasecmp(f[c], "objective") || !strcasecmp(f[c], "loss")) role[c] = COL_SKIP;
        else {
            int j = 0;
            while (j < np && strcmp(sx_hydro_kind_param(k, j)->name, f[c])) j++;
            SX_FAIL_IF(j == np, SX_ERR_INPUT, "'%s' line %d, column %d: '%s' is not a parameter of %s; parameter sets "
                       "must come from a calibration of the same model", path, line, c + 1, f[c], model);
            for (int i = 0; i < out->np; i++)
                SX_FAIL_IF(!strcmp(out->name[i], f[c]), SX_ERR_INPUT, "'%s' line %d: column '%s' appears twice", path,
                           line, f[c]);
            SX_FAIL_IF(out->np >= SX_HYDRO_MAX_SET_PARAMS, SX_ERR_INPUT, "'%s': too many parameter columns", path);
            snprintf(out->name[out->np], sizeof out->name[0], "%s", f[c]);
            role[c] = out->np++;
        }
    }
    SX_FAIL_IF(out->np == 0, SX_ERR_INPUT, "'%s' has no parameter column", path);
    return SX_OK;
}

/* One data row into v[np]. */
static sx_err row(const char *path, int64_t line, const sx_hydro_kind_t *k, const char *model, char *const *f, int nf,
                  const int *role, const sx_hydro_param_sets_t *s, double *v)
{
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
    sx_table_t *t = NULL;
    SX_CHECK(sx__hydro_table_read(path, &t));
    int *role = malloc((size_t)t->ncol * sizeof *role);
    sx_err e = role ? header(path, sx_table_line(t, -1), k, model, t->head, t->ncol, role, out)
                    : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    const int64_t want = best > 0 && best < t->nrow ? best : t->nrow;
    if (!e && want > 0) {
        out->v = malloc(sizeof *out->v * (size_t)(want * out->np));
        if (!out->v) e = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    }
    for (int64_t r = 0; !e && r < want; r++) {
        e = row(path, sx_table_line(t, (int)r), k, model, t->cell + r * t->ncol, t->ncol, role, out, out->v + out->n * out->np);
        if (!e) out->n++;
    }
    free(role);
    sx_table_destroy(&t);
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
