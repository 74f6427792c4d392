/*
 * index.c — one composite-index run: read the dictionary and the panel,
 * denominate, impute, screen, treat outliers, normalise, weight and aggregate
 * up the hierarchy, then rank. The order of steps is COINr's example
 * (build_example_coin): Denominate -> Impute -> Screen -> Treat -> Normalise
 * -> Aggregate. Pure computation; index_write.c writes the tables.
 * With norm_panel, outlier treatment and normalisation run over every
 * unit-year of the panel (one Winsorisation/log rule and one scale for all
 * years, so scores compare across years; OECD 2008 Handbook section 5), and
 * the scored year's rows are taken from the result.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "econ/econ_internal.h"
#include "sanxiang/sx_econ_run.h"

sx_err sx_econ_wmethod_parse(const char *s, sx_econ_wmethod *out)
{
    static const char *const names[] = {"dictionary", "equal", "entropy", "critic", "pca"};
    int i;
    SX_CHECK(sx__econ_parse_name(s, names, 5, "weights", &i));
    *out = (sx_econ_wmethod)i;
    return SX_OK;
}

void sx_econ_index_opts_default(sx_econ_index_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->impute = SX_IMPUTE_NONE;
    o->treat = 1;
    o->treat_opts = (sx_econ_treat_opts_t){5, 2.0, 3.5};
    o->norm = (sx_econ_norm_opts_t){SX_NORM_MINMAX, 0, 100, 0, 1};
    o->weights = SX_W_DICT;
    for (int l = 0; l < SX_ECON_MAX_LEVELS; l++) o->agg[l] = SX_AGG_ARITH;
}

void sx_econ_index_destroy(sx_econ_index_t **rp)
{
    if (!rp || !*rp) return;
    sx_econ_index_t *r = *rp;
    sx_econ_frame_destroy(&r->frame);
    sx_econ_data_destroy(&r->data);
    free(r->raw), free(r->unimputed), free(r->treated), free(r->scores), free(r->rank), free(r->weight);
    free(r->ind_cov), free(r->unit_cov), free(r->kept), free(r->tinfo);
    for (int u = 0; u < r->n_unit_all && r->unit_all; u++) free(r->unit_all[u]);
    free(r->unit_all);
    free(r);
    *rp = NULL;
}

/* Data-driven weights of the indicators under each parent. */
static sx_err indicator_weights(const sx_econ_frame_t *f, const double *xn, int nu, sx_econ_wmethod m, double *w)
{
    const int ni = f->n_ind;
    for (int j = 0; j < f->n_node; j++) w[j] = m == SX_W_EQUAL ? 1.0 : f->weight[j];
    if (m == SX_W_DICT || m == SX_W_EQUAL) return SX_OK;
    int *cols = malloc((size_t)ni * sizeof *cols);
    double *sub = malloc((size_t)nu * ni * sizeof *sub), *ws = malloc((size_t)ni * sizeof *ws);
    sx_err err = SX_OK;
    if (!cols || !sub || !ws) SX_FAIL_GOTO(err, done, SX_ERR_NOMEM, "out of memory");
    for (int p = ni; p < f->n_node; p++) {
        int k = 0;
        for (int i = 0; i < ni; i++)
            if (f->parent[i] == p) cols[k++] = i;
        if (k == 0) continue;
        if (k == 1) {
            w[cols[0]] = 1;
            continue;
        }
        for (int u = 0; u < nu; u++)
            for (int j = 0; j < k; j++) sub[(int64_t)u * k + j] = xn[(int64_t)u * ni + cols[j]];
        if (m == SX_W_ENTROPY) SX_CHECK_GOTO(sx_econ_weights_entropy(sub, nu, k, ws), err, done);
        else if (m == SX_W_CRITIC) SX_CHECK_GOTO(sx_econ_weights_critic(sub, nu, k, NULL, ws), err, done);
        else SX_CHECK_GOTO(sx_econ_weights_pca(sub, nu, k, ws), err, done);
        for (int j = 0; j < k; j++) w[cols[j]] = ws[j];
    }
done:
    free(cols), free(sub), free(ws);
    return err;
}

/* AHP matrices replace the dictionary weights of the children of their parent. */
static sx_err apply_ahp(const sx_econ_index_opts_t *o, sx_econ_index_t *r)
{
    sx_econ_frame_t *f = r->frame;
    SX_FAIL_IF(o->n_ahp > 32, SX_ERR_CONFIG, "at most 32 AHP matrices, got %d", o->n_ahp);
    for (int k = 0; k < o->n_ahp; k++) {
        const sx_econ_ahp_t *h = &o->ahp[k];
        int p = sx_econ_frame_find(f, h->parent), ch[16], n = 0;
        SX_FAIL_IF(p < 0 || f->level[p] < 2, SX_ERR_CONFIG, "AHP matrix for '%s': no such aggregate in the dictionary", h->parent);
        for (int c = 0; c < p; c++)
            if (f->parent[c] == p) {
                SX_FAIL_IF(n == 16, SX_ERR_CONFIG, "AHP for '%s': more than 16 children", h->parent);
                ch[n++] = c;
            }
        SX_FAIL_IF(n != h->n, SX_ERR_CONFIG, "AHP matrix for '%s' is %d x %d but it has %d children (in dictionary order)", h->parent,
                   h->n, h->n, n);
        double w[16];
        SX_CHECK(sx_econ_weights_ahp(h->a, n, w, &r->ahp_lmax[k], &r->ahp_cr[k]));
        for (int j = 0; j < n; j++) f->weight[ch[j]] = w[j];
    }
    return SX_OK;
}

/* All years of the panel as one unit-year matrix [y][u][i]: the scored
 * year as imputed (d->x), the other years as read (imputed too when the
 * imputation runs over years). Caller frees; NULL when out of memory. */
static double *pooled_panel(const sx_econ_data_t *d)
{
    const size_t slice = (size_t)d->n_unit * d->n_ind;
    double *p = malloc((size_t)d->n_year * slice * sizeof *p);
    if (!p) return NULL;
    memcpy(p, d->panel, (size_t)d->n_year * slice * sizeof *p);
    memcpy(p + (size_t)d->year_index * slice, d->x, slice * sizeof *p);
    return p;
}

sx_err sx_econ_index_compute(const sx_econ_index_opts_t *o, sx_econ_index_t **out)
{
    *out = NULL;
    sx_econ_index_t *r = calloc(1, sizeof *r);
    SX_FAIL_IF(!r, SX_ERR_NOMEM, "out of memory");
    sx_table_t *dict = NULL, *tab = NULL;
    sx_err err = SX_OK;
    SX_CHECK_GOTO(sx_table_load(o->dict_path, o->dict_sheet, o->dict_header_row, &dict), err, fail);
    SX_CHECK_GOTO(sx_econ_frame_from_table(dict, &r->frame), err, fail);
    SX_CHECK_GOTO(sx_table_load(o->data_path, o->data_sheet, o->data_header_row, &tab), err, fail);
    SX_CHECK_GOTO(sx_econ_data_from_table(tab, r->frame, &o->read, &r->data), err, fail);
    SX_CHECK_GOTO(apply_ahp(o, r), err, fail);
    const sx_econ_frame_t *f = r->frame;
    sx_econ_data_t *d = r->data;
    const int ni = f->n_ind, nn = f->n_node;
    if (f->n_level - 1 > SX_ECON_MAX_LEVELS)
        SX_FAIL_GOTO(err, fail, SX_ERR_INPUT, "%s: %d levels; at most %d are supported", o->dict_path, f->n_level, SX_ECON_MAX_LEVELS + 1);
    r->n_unit_all = d->n_unit;
    r->unit_all = calloc((size_t)d->n_unit, sizeof(char *));
    r->unit_cov = malloc((size_t)d->n_unit * sizeof(double));
    r->ind_cov = malloc((size_t)ni * sizeof(double));
    r->kept = malloc((size_t)d->n_unit * sizeof(int));
    r->tinfo = calloc((size_t)ni, sizeof *r->tinfo);
    if (!r->unit_all || !r->unit_cov || !r->ind_cov || !r->kept || !r->tinfo) SX_FAIL_GOTO(err, fail, SX_ERR_NOMEM, "out of memory");
    for (int u = 0; u < d->n_unit; u++) {
        r->unit_all[u] = strdup(d->unit[u]);
        r->kept[u] = 1;
    }
    sx_econ_coverage(d->x, d->n_unit, ni, r->unit_cov, r->ind_cov);
    r->unimputed = malloc((size_t)d->n_unit * ni * sizeof(double));
    if (!r->unimputed) SX_FAIL_GOTO(err, fail, SX_ERR_NOMEM, "out of memory");
    memcpy(r->unimputed, d->x, (size_t)d->n_unit * ni * sizeof(double));
    SX_CHECK_GOTO(sx_econ_impute(d, o->impute, &r->n_imputed), err, fail);
    if (o->screen > 0) SX_CHECK_GOTO(sx_econ_screen(d, o->screen, r->kept), err, fail);
    const int nu = d->n_unit;
    for (int u = 0, w = 0; u < r->n_unit_all; u++) /* keep the screened units' rows, in order */
        if (r->kept[u]) memmove(r->unimputed + (int64_t)w++ * ni, r->unimputed + (int64_t)u * ni, (size_t)ni * sizeof(double));
    size_t bytes = (size_t)nu * ni * sizeof(double);
    r->raw = malloc(bytes), r->treated = malloc(bytes);
    r->scores = malloc((size_t)nu * nn * sizeof(double));
    r->rank = calloc((size_t)nu * nn, sizeof(int));
    r->weight = malloc((size_t)nn * sizeof(double));
    double *xn = malloc(bytes);
    if (!r->raw || !r->treated || !r->scores || !r->rank || !r->weight || !xn) {
        free(xn);
        SX_FAIL_GOTO(err, fail, SX_ERR_NOMEM, "out of memory for %d units x %d indicators", nu, ni);
    }
    memcpy(r->raw, d->x, bytes);
    /* rows that set the scale: the scored year, or every year of the panel */
    const int np = o->norm_panel ? d->n_year : 1;
    if (o->norm_panel && (np < 2 || !d->panel)) {
        free(xn);
        SX_FAIL_GOTO(err, fail, SX_ERR_CONFIG, "%s: normalise_scope: panel needs several years but the table has %d; use normalise_scope: year",
                     o->data_path, np);
    }
    double *pool = np > 1 ? pooled_panel(d) : r->treated;
    if (!pool) {
        free(xn);
        SX_FAIL_GOTO(err, fail, SX_ERR_NOMEM, "out of memory for %d years x %d units x %d indicators", np, nu, ni);
    }
    if (np == 1) memcpy(pool, d->x, bytes);
    const int64_t sel = np > 1 ? (int64_t)d->year_index * nu * ni : 0;
    err = o->treat ? sx_econ_treat(pool, np * nu, ni, &o->treat_opts, r->tinfo) : SX_OK;
    if (err == SX_OK && np > 1) memcpy(r->treated, pool + sel, bytes);
    if (err == SX_OK && np == 1) memcpy(xn, r->treated, bytes);
    if (err == SX_OK) err = sx_econ_normalise(np > 1 ? pool : xn, np * nu, ni, f->dir, f->target, (const char *const *)f->code, &o->norm);
    if (np > 1) {
        if (err == SX_OK) memcpy(xn, pool + sel, bytes);
        free(pool);
    }
    if (err == SX_OK) err = indicator_weights(f, xn, nu, o->weights, r->weight);
    if (err == SX_OK) err = sx_econ_aggregate_tree(f, xn, nu, o->agg, r->weight, r->scores);
    free(xn);
    SX_CHECK_GOTO(err, err, fail);
    for (int p = ni; p < nn; p++) { /* report weights normalised within each parent */
        double s = 0;
        for (int c = 0; c < nn; c++)
            if (f->parent[c] == p) s += r->weight[c];
        for (int c = 0; c < nn && s > 0; c++)
            if (f->parent[c] == p) r->weight[c] /= s;
        if (f->parent[p] < 0) r->weight[p] = 1;
    }
    for (int j = ni; j < nn; j++) {
        int *rk = malloc((size_t)nu * sizeof *rk);
        if (!rk) SX_FAIL_GOTO(err, fail, SX_ERR_NOMEM, "out of memory");
        sx_econ_rank_desc(r->scores + j, nu, nn, rk);
        for (int u = 0; u < nu; u++) r->rank[(int64_t)u * nn + j] = rk[u];
        free(rk);
    }
    sx_table_destroy(&dict);
    sx_table_destroy(&tab);
    *out = r;
    return SX_OK;
fail:
    sx_table_destroy(&dict);
    sx_table_destroy(&tab);
    sx_econ_index_destroy(&r);
    return err;
}
