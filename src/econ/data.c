/*
 * data.c — indicator values of a framework read from a wide data table: one
 * row per unit (cross-section) or per unit and year (panel), one column per
 * indicator code. Units keep the order of their first row; years are sorted.
 * Denomination (COINr Denominate) divides each indicator by its dictionary
 * denominator column of the same row (per capita, per GDP, per area), before
 * any other treatment.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_econ.h"

void sx_econ_data_destroy(sx_econ_data_t **dp)
{
    if (!dp || !*dp) return;
    sx_econ_data_t *d = *dp;
    for (int u = 0; u < d->n_unit; u++) {
        free(d->unit[u]);
        free(d->uname[u]);
        if (d->group) free(d->group[u]);
    }
    free(d->unit), free(d->uname), free(d->group), free(d->x), free(d->years), free(d->panel);
    free(d);
    *dp = NULL;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

sx_err sx_econ_data_from_table(const sx_table_t *t, const sx_econ_frame_t *f, const sx_econ_read_opts_t *o,
                               sx_econ_data_t **out)
{
    *out = NULL;
    const char *ucol = o && o->unit_col ? o->unit_col : "uCode|code|adcode|unit";
    int c_unit = sx_table_col(t, ucol);
    SX_FAIL_IF(c_unit < 0, SX_ERR_INPUT, "%s: no unit code column (looked for %s)", t->path, ucol);
    int c_name = sx_table_col(t, o && o->name_col ? o->name_col : "uName|name");
    int c_time = sx_table_col(t, o && o->time_col ? o->time_col : "Time|year");
    int c_grp = -1;
    if (o && o->group_col) {
        c_grp = sx_table_col(t, o->group_col);
        SX_FAIL_IF(c_grp < 0, SX_ERR_INPUT, "%s: group column '%s' not found", t->path, o->group_col);
    }
    const int ni = f->n_ind;
    int *icol = calloc((size_t)ni, sizeof *icol), *dcol = calloc((size_t)ni, sizeof *dcol);
    int *urow = calloc((size_t)t->nrow, sizeof *urow), *yrow = calloc((size_t)t->nrow, sizeof *yrow);
    int *years = calloc((size_t)t->nrow + 1, sizeof *years), *ufirst = calloc((size_t)t->nrow, sizeof *ufirst);
    sx_econ_data_t *d = calloc(1, sizeof *d);
    sx_err err = SX_OK;
    if (!icol || !dcol || !urow || !yrow || !years || !ufirst || !d) SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "out of memory");
    for (int i = 0; i < ni; i++) {
        icol[i] = sx_table_col(t, f->code[i]);
        if (icol[i] < 0)
            SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "%s: no column for indicator '%s' of the dictionary; add it or remove the indicator", t->path, f->code[i]);
        dcol[i] = -1;
        if (o && o->denominate && f->denom[i]) {
            dcol[i] = sx_table_col(t, f->denom[i]);
            if (dcol[i] < 0)
                SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "%s: indicator '%s' is denominated by '%s' but the table has no such column", t->path, f->code[i], f->denom[i]);
        }
    }
    /* units and years */
    int nu = 0, ny = 0;
    for (int r = 0; r < t->nrow; r++) {
        const char *u = sx_table_at(t, r, c_unit);
        if (!*u) SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "%s: row %d has an empty unit code", t->path, r + 1);
        int k;
        for (k = 0; k < nu; k++)
            if (!strcmp(sx_table_at(t, ufirst[k], c_unit), u)) break;
        if (k == nu) ufirst[nu++] = r;
        urow[r] = k;
        double y = 0;
        if (c_time >= 0) {
            SX_CHECK_GOTO(sx_table_num(t, r, c_time, &y), err, done);
            if (isnan(y)) SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "%s: row %d has no year", t->path, r + 1);
        }
        yrow[r] = (int)y;
        int j;
        for (j = 0; j < ny; j++)
            if (years[j] == yrow[r]) break;
        if (j == ny) years[ny++] = yrow[r];
    }
    qsort(years, (size_t)ny, sizeof *years, cmp_int);
    d->n_unit = nu, d->n_ind = ni, d->n_year = ny;
    d->years = malloc((size_t)ny * sizeof(int));
    d->unit = calloc((size_t)nu, sizeof(char *)), d->uname = calloc((size_t)nu, sizeof(char *));
    if (c_grp >= 0) d->group = calloc((size_t)nu, sizeof(char *));
    double *cube = malloc((size_t)ny * nu * ni * sizeof(double));
    d->x = malloc((size_t)nu * ni * sizeof(double));
    if (!d->years || !d->unit || !d->uname || (c_grp >= 0 && !d->group) || !cube || !d->x) {
        free(cube);
        SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "out of memory for %d units x %d years", nu, ny);
    }
    memcpy(d->years, years, (size_t)ny * sizeof(int));
    for (size_t k = 0; k < (size_t)ny * nu * ni; k++) cube[k] = NAN;
    d->panel = cube;
    for (int u = 0; u < nu; u++) {
        d->unit[u] = strdup(sx_table_at(t, ufirst[u], c_unit));
        d->uname[u] = strdup(c_name >= 0 ? sx_table_at(t, ufirst[u], c_name) : "");
        if (d->group) d->group[u] = strdup(sx_table_at(t, ufirst[u], c_grp));
    }
    unsigned char *seen = calloc((size_t)ny * nu, 1);
    if (!seen) SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "out of memory");
    for (int r = 0; r < t->nrow; r++) {
        int y = (int)((int *)bsearch(&yrow[r], years, (size_t)ny, sizeof *years, cmp_int) - years);
        if (seen[(size_t)y * nu + urow[r]]++) {
            free(seen);
            SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "%s: unit '%s' appears twice for year %d", t->path,
                         d->unit[urow[r]], yrow[r]);
        }
        double *row = cube + ((size_t)y * nu + urow[r]) * ni;
        for (int i = 0; i < ni; i++) {
            sx_err e = sx_table_num(t, r, icol[i], &row[i]);
            if (e == SX_OK && dcol[i] >= 0) {
                double den;
                e = sx_table_num(t, r, dcol[i], &den);
                if (e == SX_OK) row[i] = (den == 0 || isnan(den)) ? NAN : row[i] / den;
            }
            if (e != SX_OK) {
                free(seen);
                SX_CHECK_GOTO(e, err, done);
            }
        }
    }
    free(seen);
    int ysel = ny - 1;
    if (o && o->year) {
        for (ysel = 0; ysel < ny && years[ysel] != o->year; ysel++) {
        }
        if (ysel == ny) SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "%s: no rows for year %d (years %d..%d)", t->path, o->year, years[0], years[ny - 1]);
    }
    d->year_index = ysel;
    memcpy(d->x, cube + (size_t)ysel * nu * ni, (size_t)nu * ni * sizeof(double));
    if (ny == 1) {
        free(d->panel);
        d->panel = NULL;
    }
    *out = d;
    d = NULL;
done:
    if (d) {
        if (!d->unit || !d->uname || (c_grp >= 0 && !d->group)) d->n_unit = 0;
        sx_econ_data_destroy(&d);
    }
    free(icol), free(dcol), free(urow), free(yrow), free(years), free(ufirst);
    return err;
}
