/*
 * index_write.c — the tables of an index run, for planners and reviewers:
 * scores and ranks at every level, weights (within parent and effective in
 * the index), data quality (coverage, imputation, outlier treatment), the
 * treated and normalised data, and a Markdown note listing every step and
 * parameter. Numbers are printed with fixed decimals so that the files of two
 * runs compare byte for byte.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "econ/econ_internal.h"
#include "sanxiang/sx_econ_run.h"

static const char *norm_name[] = {"min-max", "z-score", "rank", "distance to target", "distance to best"};
static const char *agg_name[] = {"arithmetic mean", "geometric mean", "TOPSIS"};
static const char *imp_name[] = {"none", "indicator mean", "group mean", "linear interpolation over years", "last observation carried forward"};
static const char *w_name[] = {"dictionary", "equal", "entropy", "CRITIC", "PCA"};
static const char *treat_name[] = {"none", "winsorised", "log_CT"};

static void unit_cols(sx_strbuf_t *sb, const sx_econ_data_t *d, int u)
{
    sx__econ_csv_str(sb, d->unit[u], ',');
    sx__econ_csv_str(sb, d->uname[u], ',');
}

static void write_matrix(sx_strbuf_t *sb, const sx_econ_frame_t *f, const sx_econ_data_t *d, const double *x)
{
    sx_strbuf_puts(sb, "code,name");
    for (int i = 0; i < f->n_ind; i++) sx_strbuf_putn(sb, ",", 1), sx__econ_csv_str(sb, f->code[i], 0);
    sx_strbuf_puts(sb, "\n");
    for (int u = 0; u < d->n_unit; u++) {
        unit_cols(sb, d, u);
        for (int i = 0; i < f->n_ind; i++) sx__econ_csv_num(sb, x[(int64_t)u * f->n_ind + i], 6, i + 1 < f->n_ind ? ',' : '\n');
    }
}

sx_err sx_econ_index_write(MPI_Comm comm, const sx_econ_index_opts_t *o, const sx_econ_index_t *r, const char *out_dir,
                           const char *provenance)
{
    const sx_econ_frame_t *f = r->frame;
    const sx_econ_data_t *d = r->data;
    const int ni = f->n_ind, nn = f->n_node, nu = d->n_unit;
    sx_strbuf_t sb;
    sx_err err = SX_OK;

    /* scores.csv: aggregates from the top down, each with its rank */
    sx_strbuf_init(&sb);
    sx_strbuf_puts(&sb, "code,name");
    for (int j = nn - 1; j >= ni; j--) sx_strbuf_printf(&sb, ",%s,%s_rank", f->code[j], f->code[j]);
    sx_strbuf_puts(&sb, "\n");
    for (int u = 0; u < nu; u++) {
        unit_cols(&sb, d, u);
        for (int j = nn - 1; j >= ni; j--) {
            sx__econ_csv_num(&sb, r->scores[(int64_t)u * nn + j], 6, ',');
            sx_strbuf_printf(&sb, "%d%s", r->rank[(int64_t)u * nn + j], j > ni ? "," : "\n");
        }
    }
    SX_CHECK_GOTO(sx__econ_write(comm, out_dir, "scores.csv", &sb), err, done);
    sx_strbuf_fini(&sb);

    /* weights.csv: within parent and effective (product down the path) */
    sx_strbuf_init(&sb);
    sx_strbuf_puts(&sb, "code,name,level,parent,direction,unit,weight_in_parent,weight_in_index\n");
    for (int j = nn - 1; j >= 0; j--) {
        double eff = 1;
        for (int k = j; k >= 0 && f->parent[k] >= 0; k = f->parent[k]) eff *= r->weight[k];
        sx__econ_csv_str(&sb, f->code[j], ',');
        sx__econ_csv_str(&sb, f->name[j], ',');
        sx_strbuf_printf(&sb, "%d,", f->level[j]);
        sx__econ_csv_str(&sb, f->parent[j] >= 0 ? f->code[f->parent[j]] : "", ',');
        sx_strbuf_printf(&sb, "%d,", f->dir[j]);
        sx__econ_csv_str(&sb, f->unit[j], ',');
        sx__econ_csv_num(&sb, r->weight[j], 6, ',');
        sx__econ_csv_num(&sb, eff, 6, '\n');
    }
    SX_CHECK_GOTO(sx__econ_write(comm, out_dir, "weights.csv", &sb), err, done);
    sx_strbuf_fini(&sb);

    /* data_quality.csv: per indicator */
    sx_strbuf_init(&sb);
    sx_strbuf_puts(&sb, "code,name,unit,coverage,treatment,points_winsorised,skew_before,kurtosis_before,skew_after,kurtosis_after\n");
    for (int i = 0; i < ni; i++) {
        const sx_econ_treat_info_t *t = &r->tinfo[i];
        sx__econ_csv_str(&sb, f->code[i], ',');
        sx__econ_csv_str(&sb, f->name[i], ',');
        sx__econ_csv_str(&sb, f->unit[i], ',');
        sx__econ_csv_num(&sb, r->ind_cov[i], 4, ',');
        sx_strbuf_printf(&sb, "%s,%d,", treat_name[t->kind], t->nwin);
        sx__econ_csv_num(&sb, o->treat ? t->skew0 : NAN, 4, ',');
        sx__econ_csv_num(&sb, o->treat ? t->kurt0 : NAN, 4, ',');
        sx__econ_csv_num(&sb, o->treat ? t->skew1 : NAN, 4, ',');
        sx__econ_csv_num(&sb, o->treat ? t->kurt1 : NAN, 4, '\n');
    }
    SX_CHECK_GOTO(sx__econ_write(comm, out_dir, "data_quality.csv", &sb), err, done);
    sx_strbuf_fini(&sb);

    sx_strbuf_init(&sb);
    sx_strbuf_puts(&sb, "code,coverage,kept\n");
    for (int u = 0; u < r->n_unit_all; u++) {
        sx__econ_csv_str(&sb, r->unit_all[u], ',');
        sx__econ_csv_num(&sb, r->unit_cov[u], 4, ',');
        sx_strbuf_printf(&sb, "%d\n", r->kept[u]);
    }
    SX_CHECK_GOTO(sx__econ_write(comm, out_dir, "units_quality.csv", &sb), err, done);
    sx_strbuf_fini(&sb);

    sx_strbuf_init(&sb);
    write_matrix(&sb, f, d, r->treated);
    SX_CHECK_GOTO(sx__econ_write(comm, out_dir, "treated.csv", &sb), err, done);
    sx_strbuf_fini(&sb);
    sx_strbuf_init(&sb);
    {
        /* normalised indicators are the first n_ind columns of scores */
        sx_strbuf_puts(&sb, "code,name");
        for (int i = 0; i < ni; i++) sx_strbuf_putn(&sb, ",", 1), sx__econ_csv_str(&sb, f->code[i], 0);
        sx_strbuf_puts(&sb, "\n");
        for (int u = 0; u < nu; u++) {
            unit_cols(&sb, d, u);
            for (int i = 0; i < ni; i++) sx__econ_csv_num(&sb, r->scores[(int64_t)u * nn + i], 6, i + 1 < ni ? ',' : '\n');
        }
    }
    SX_CHECK_GOTO(sx__econ_write(comm, out_dir, "normalised.csv", &sb), err, done);
    sx_strbuf_fini(&sb);

    /* methodology.md */
    sx_strbuf_init(&sb);
    int n_treated = 0, n_log = 0, n_kept = 0;
    for (int i = 0; i < ni; i++) n_treated += r->tinfo[i].kind == SX_TREAT_WINSOR, n_log += r->tinfo[i].kind == SX_TREAT_LOG;
    for (int u = 0; u < r->n_unit_all; u++) n_kept += r->kept[u];
    sx_strbuf_printf(&sb, "# Composite index: methodology\n\nData: `%s` (%d units read, %d scored, %d indicators); dictionary: `%s` "
                          "(%d levels, %d nodes).\n\n## Steps\n\n",
                     o->data_path, r->n_unit_all, nu, ni, o->dict_path, f->n_level, nn);
    sx_strbuf_printf(&sb, "1. **Denomination**: %s.\n", o->read.denominate ? "each indicator with a denominator in the dictionary is divided by that column of the same row" : "none");
    sx_strbuf_printf(&sb, "2. **Imputation**: %s%s%s; %lld values imputed.\n", imp_name[o->impute],
                     o->impute == SX_IMPUTE_GROUP_MEAN ? " by column " : "", o->impute == SX_IMPUTE_GROUP_MEAN && o->read.group_col ? o->read.group_col : "",
                     (long long)r->n_imputed);
    sx_strbuf_printf(&sb, "3. **Screening**: units with data coverage below %.0f %% removed; %d of %d kept.\n", 100 * o->screen, n_kept, r->n_unit_all);
    if (o->treat)
        sx_strbuf_printf(&sb, "4. **Outliers**: an indicator is treated when |skewness| >= %g and kurtosis >= %g (Excel/e1071 type-2 "
                              "definitions); Winsorisation of up to %d points, else ln(x - min + 0.01 (max - min)) on the original "
                              "values. %d indicators Winsorised, %d log-transformed.\n",
                         o->treat_opts.skew_thresh, o->treat_opts.kurt_thresh, o->treat_opts.winmax, n_treated, n_log);
    else sx_strbuf_puts(&sb, "4. **Outliers**: no treatment.\n");
    sx_strbuf_printf(&sb, "5. **Normalisation**: %s", norm_name[o->norm.method]);
    if (o->norm.method == SX_NORM_MINMAX) sx_strbuf_printf(&sb, " to [%g, %g]", o->norm.lo, o->norm.hi);
    if (o->norm.method == SX_NORM_ZSCORE) sx_strbuf_printf(&sb, " (mean %g, sd %g)", o->norm.mean, o->norm.sd);
    if (o->norm_panel)
        sx_strbuf_printf(&sb, ", over all %d years of the panel (outlier treatment too: one scale for every year)", r->data->n_year);
    sx_strbuf_puts(&sb, ", after multiplying each indicator by its direction.\n");
    sx_strbuf_printf(&sb, "6. **Weights**: %s weights for indicators within their parent; dictionary weights above. See weights.csv.\n", w_name[o->weights]);
    for (int k = 0; k < o->n_ahp; k++)
        sx_strbuf_printf(&sb, "   AHP (principal eigenvector) for the children of %s: lambda_max %.4f, CR %.4f (%s).\n", o->ahp[k].parent,
                         r->ahp_lmax[k], r->ahp_cr[k], r->ahp_cr[k] < 0.1 ? "acceptable" : "above 0.10: judgements inconsistent");
    sx_strbuf_puts(&sb, "7. **Aggregation** by level:");
    for (int l = 2; l <= f->n_level; l++) sx_strbuf_printf(&sb, " level %d %s%s", l, agg_name[o->agg[l - 2]], l < f->n_level ? ";" : ".\n");
    sx_strbuf_puts(&sb, "   Arithmetic and geometric means re-normalise the weights over the values a unit has.\n");
    sx_strbuf_puts(&sb, "8. **Ranks**: 1 = highest score; equal scores share the better rank.\n\n## Files\n\n"
                        "scores.csv, weights.csv, data_quality.csv, units_quality.csv, treated.csv, normalised.csv.\n\n"
                        "Method details and sources: docs/indicators.md.\n\n## Provenance\n\n```json\n");
    sx_strbuf_puts(&sb, provenance ? provenance : "{}");
    sx_strbuf_puts(&sb, "\n```\n");
    SX_CHECK_GOTO(sx__econ_write(comm, out_dir, "methodology.md", &sb), err, done);
done:
    sx_strbuf_fini(&sb);
    return err;
}
