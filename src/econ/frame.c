/*
 * frame.c — the indicator dictionary as a hierarchy (indicators -> pillars ->
 * sub-indices -> index).
 *
 * Reads COINr's iMeta layout (Level, iCode, iName, Direction, Weight, Unit,
 * Target, Denominator, Parent, Type) and the planners' dictionary layout
 * (code, name, unit, pillar, direction, weight, denominator, target, source).
 * Parents named but not listed become aggregate nodes with weight 1; several
 * top nodes get a common root "Index". Node order: indicators in table order,
 * then aggregates by level, so that children always come before parents.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sanxiang/sx_econ.h"

#define MAXN 4096

typedef struct {
    char *code, *name, *unit, *denom, *parent;
    int is_ind, level, dir;
    double weight, target;
} row_t;

static char *dup_or_null(const sx_table_t *t, int r, int c)
{
    if (c < 0) return NULL;
    const char *s = sx_table_at(t, r, c);
    return *s ? strdup(s) : NULL;
}

void sx_econ_frame_destroy(sx_econ_frame_t **fp)
{
    if (!fp || !*fp) return;
    sx_econ_frame_t *f = *fp;
    for (int i = 0; i < f->n_node; i++) {
        free(f->code[i]);
        free(f->name[i]);
        free(f->unit[i]);
        free(f->denom[i]);
    }
    free(f->code), free(f->name), free(f->unit), free(f->denom);
    free(f->level), free(f->parent), free(f->dir), free(f->weight), free(f->target);
    free(f);
    *fp = NULL;
}

int sx_econ_frame_find(const sx_econ_frame_t *f, const char *code)
{
    for (int i = 0; i < f->n_node; i++)
        if (!strcmp(f->code[i], code)) return i;
    return -1;
}

static int find_row(row_t *rows, int n, const char *code)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(rows[i].code, code)) return i;
    return -1;
}

static void free_rows(row_t *rows, int n)
{
    for (int i = 0; i < n; i++) {
        free(rows[i].code), free(rows[i].name), free(rows[i].unit), free(rows[i].denom), free(rows[i].parent);
    }
    free(rows);
}

sx_err sx_econ_frame_from_table(const sx_table_t *t, sx_econ_frame_t **out)
{
    *out = NULL;
    int c_code = sx_table_col(t, "iCode|code|indicator|id");
    int c_par = sx_table_col(t, "Parent|pillar|group|category");
    int c_lev = sx_table_col(t, "Level");
    int c_dir = sx_table_col(t, "Direction|dir");
    int c_w = sx_table_col(t, "Weight|w");
    int c_den = sx_table_col(t, "Denominator|denom");
    int c_tgt = sx_table_col(t, "Target");
    int c_name = sx_table_col(t, "iName|name|indicator_zh");
    int c_unit = sx_table_col(t, "Unit");
    int c_type = sx_table_col(t, "Type");
    SX_FAIL_IF(c_code < 0, SX_ERR_INPUT, "%s: dictionary has no code column (iCode or code)", t->path);
    SX_FAIL_IF(c_par < 0, SX_ERR_INPUT, "%s: dictionary has no parent column (Parent or pillar)", t->path);
    int cap = t->nrow + 64;
    row_t *rows = calloc((size_t)cap, sizeof *rows);
    SX_FAIL_IF(!rows, SX_ERR_NOMEM, "out of memory reading %s", t->path);
    int n = 0;
    sx_err err = SX_OK;
    for (int r = 0; r < t->nrow; r++) {
        const char *type = c_type >= 0 ? sx_table_at(t, r, c_type) : "";
        if (*type && strcasecmp(type, "Indicator") && strcasecmp(type, "Aggregate")) continue;
        const char *code = sx_table_at(t, r, c_code);
        if (!*code) SX_FAIL_GOTO(err, fail, SX_ERR_INPUT, "%s: row %d has an empty code", t->path, r + 1);
        if (find_row(rows, n, code) >= 0)
            SX_FAIL_GOTO(err, fail, SX_ERR_INPUT, "%s: code '%s' appears twice; codes must be unique", t->path, code);
        row_t *w = &rows[n++];
        w->code = strdup(code);
        w->parent = dup_or_null(t, r, c_par);
        w->name = dup_or_null(t, r, c_name);
        w->unit = dup_or_null(t, r, c_unit);
        w->denom = dup_or_null(t, r, c_den);
        double v = NAN;
        if (c_lev >= 0) SX_CHECK_GOTO(sx_table_num(t, r, c_lev, &v), err, fail);
        w->level = isnan(v) ? 0 : (int)v;
        w->is_ind = *type ? !strcasecmp(type, "Indicator") : (c_lev >= 0 ? w->level == 1 : 1);
        v = NAN;
        if (c_dir >= 0) SX_CHECK_GOTO(sx_table_num(t, r, c_dir, &v), err, fail);
        w->dir = isnan(v) ? 1 : (int)v;
        if (w->dir != 1 && w->dir != -1)
            SX_FAIL_GOTO(err, fail, SX_ERR_INPUT, "%s: code '%s': direction must be 1 or -1, got %g", t->path, code, v);
        v = NAN;
        if (c_w >= 0) SX_CHECK_GOTO(sx_table_num(t, r, c_w, &v), err, fail);
        w->weight = isnan(v) ? 1.0 : v;
        if (w->weight < 0)
            SX_FAIL_GOTO(err, fail, SX_ERR_INPUT, "%s: code '%s': weight %g is negative", t->path, code, v);
        w->target = NAN;
        if (c_tgt >= 0) SX_CHECK_GOTO(sx_table_num(t, r, c_tgt, &w->target), err, fail);
    }
    /* implicit parents */
    for (int i = 0; i < n; i++) {
        if (!rows[i].parent || find_row(rows, n, rows[i].parent) >= 0) continue;
        if (n >= cap) SX_FAIL_GOTO(err, fail, SX_ERR_INPUT, "%s: too many implicit parent codes", t->path);
        row_t *w = &rows[n++];
        w->code = strdup(rows[i].parent);
        w->weight = 1;
        w->dir = 1;
        w->target = NAN;
    }
    int ntop = 0;
    for (int i = 0; i < n; i++) ntop += !rows[i].parent;
    if (ntop > 1) {
        if (find_row(rows, n, "Index") >= 0)
            SX_FAIL_GOTO(err, fail, SX_ERR_INPUT, "%s: several nodes have no parent; give them a common parent", t->path);
        for (int i = 0; i < n; i++)
            if (!rows[i].parent) rows[i].parent = strdup("Index");
        row_t *w = &rows[n++];
        w->code = strdup("Index");
        w->weight = 1, w->dir = 1, w->target = NAN;
    }
    /* levels: leaves (no children) are indicators at level 1; an aggregate is 1 + max child level */
    int *lev = calloc((size_t)n, sizeof *lev), *par = calloc((size_t)n, sizeof *par);
    if (!lev || !par) {
        free(lev), free(par);
        SX_FAIL_GOTO(err, fail, SX_ERR_NOMEM, "out of memory");
    }
    for (int i = 0; i < n; i++) par[i] = rows[i].parent ? find_row(rows, n, rows[i].parent) : -1;
    for (int i = 0; i < n; i++) {
        int nch = 0;
        for (int j = 0; j < n; j++) nch += par[j] == i;
        if (!nch) lev[i] = 1;
        if (!nch && !rows[i].is_ind && rows[i].level > 1)
            SX_FAIL_GOTO(err, fail_lev, SX_ERR_INPUT, "%s: aggregate '%s' has no children", t->path, rows[i].code);
        if (nch && rows[i].is_ind && rows[i].level == 1)
            SX_FAIL_GOTO(err, fail_lev, SX_ERR_INPUT, "%s: indicator '%s' is the parent of other codes", t->path, rows[i].code);
    }
    for (int pass = 0; pass < n; pass++) {
        int changed = 0;
        for (int i = 0; i < n; i++)
            if (par[i] >= 0 && lev[par[i]] < lev[i] + 1) lev[par[i]] = lev[i] + 1, changed = 1;
        if (!changed) break;
        if (pass == n - 1) SX_FAIL_GOTO(err, fail_lev, SX_ERR_INPUT, "%s: parent codes form a cycle", t->path);
    }
    int nlev = 0, root = -1;
    for (int i = 0; i < n; i++) {
        if (lev[i] > nlev) nlev = lev[i];
        if (par[i] < 0) root = i;
    }
    for (int i = 0; i < n; i++)
        if (par[i] >= 0 && lev[par[i]] != lev[i] + 1)
            SX_FAIL_GOTO(err, fail_lev, SX_ERR_INPUT, "%s: '%s' (level %d) skips a level below its parent '%s'; every branch must have the same depth",
                         t->path, rows[i].code, lev[i], rows[par[i]].code);
    if (nlev < 2) SX_FAIL_GOTO(err, fail_lev, SX_ERR_INPUT, "%s: no hierarchy: give indicators a parent", t->path);
    (void)root;
    sx_econ_frame_t *f = calloc(1, sizeof *f);
    int *order = calloc((size_t)n, sizeof *order), *pos = calloc((size_t)n, sizeof *pos);
    if (!f || !order || !pos) {
        free(f), free(order), free(pos);
        SX_FAIL_GOTO(err, fail_lev, SX_ERR_NOMEM, "out of memory");
    }
    int k = 0;
    for (int l = 1; l <= nlev; l++)
        for (int i = 0; i < n; i++)
            if (lev[i] == l) pos[i] = k, order[k++] = i;
    f->n_node = n;
    f->n_level = nlev;
    f->code = calloc((size_t)n, sizeof(char *)), f->name = calloc((size_t)n, sizeof(char *));
    f->unit = calloc((size_t)n, sizeof(char *)), f->denom = calloc((size_t)n, sizeof(char *));
    f->level = calloc((size_t)n, sizeof(int)), f->parent = calloc((size_t)n, sizeof(int));
    f->dir = calloc((size_t)n, sizeof(int)), f->weight = calloc((size_t)n, sizeof(double));
    f->target = calloc((size_t)n, sizeof(double));
    if (!f->code || !f->name || !f->unit || !f->denom || !f->level || !f->parent || !f->dir || !f->weight || !f->target) {
        f->n_node = 0;
        sx_econ_frame_destroy(&f);
        free(order), free(pos);
        SX_FAIL_GOTO(err, fail_lev, SX_ERR_NOMEM, "out of memory");
    }
    for (int j = 0; j < n; j++) {
        row_t *w = &rows[order[j]];
        f->code[j] = w->code, w->code = NULL;
        f->name[j] = w->name ? w->name : strdup(f->code[j]), w->name = NULL;
        f->unit[j] = w->unit ? w->unit : strdup(""), w->unit = NULL;
        f->denom[j] = w->denom, w->denom = NULL;
        f->level[j] = lev[order[j]];
        f->parent[j] = par[order[j]] >= 0 ? pos[par[order[j]]] : -1;
        f->dir[j] = w->dir;
        f->weight[j] = w->weight;
        f->target[j] = w->target;
        if (f->level[j] == 1) f->n_ind++;
    }
    free(order), free(pos), free(lev), free(par);
    free_rows(rows, n);
    *out = f;
    return SX_OK;
fail_lev:
    free(lev), free(par);
fail:
    free_rows(rows, n);
    return err;
}
