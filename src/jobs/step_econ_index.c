/*
 * step_econ_index.c — job step `econ_index`: a composite index from an
 * indicator table and its dictionary (sx_econ_run.h), tables written to
 * <run dir>/<output>/. Also holds the option parsing shared with
 * econ_uncertainty.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/econ_step_opts.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"

static const sx_cfg_field_t fields[] = {SX_ECON_INDEX_FIELDS};

/* "3", "0.5" or "1/3" */
static int judgement(const char *t, double *v)
{
    char *end;
    double a = strtod(t, &end), b = 1;
    if (end == t) return 0;
    if (*end == '/') {
        const char *s = end + 1;
        b = strtod(s, &end);
        if (end == s) return 0;
    }
    *v = a / b;
    return *end == 0 && isfinite(*v) && *v > 0;
}

static sx_err ahp_from_cfg(const sx_cfg_t *cfg, const sx_cfg_node_t *map, sx_econ_index_opts_t *o, sx_econ_ahp_t *ahp)
{
    size_t n = sx_cfg_node_len(map);
    if (n > 16) return sx_cfg_fail_at(cfg, map, "at most 16 AHP matrices");
    for (size_t k = 0; k < n; k++) {
        const sx_cfg_node_t *m = sx_cfg_node_at(map, k);
        size_t rows = sx_cfg_node_len(m);
        if (sx_cfg_node_kind(m) != SX_CFG_SEQ || rows < 2 || rows > 16)
            return sx_cfg_fail_at(cfg, m, "expected a square matrix as a list of 2 to 16 rows");
        ahp[k].parent = sx_cfg_node_key_at(map, k);
        ahp[k].n = (int)rows;
        for (size_t i = 0; i < rows; i++) {
            const sx_cfg_node_t *row = sx_cfg_node_at(m, i);
            if (sx_cfg_node_len(row) != rows) return sx_cfg_fail_at(cfg, row, "row %zu has %zu entries; the matrix is %zu x %zu", i + 1, sx_cfg_node_len(row), rows, rows);
            for (size_t j = 0; j < rows; j++) {
                const char *t = sx_cfg_node_text(sx_cfg_node_at(row, j));
                if (!t || !judgement(t, &ahp[k].a[i * rows + j]))
                    return sx_cfg_fail_at(cfg, sx_cfg_node_at(row, j), "expected a positive judgement like 3 or 1/3, got '%s'", t ? t : "(not a scalar)");
            }
        }
    }
    o->ahp = ahp;
    o->n_ahp = (int)n;
    return SX_OK;
}

sx_err sx__econ_index_opts_from_cfg(sx_job_t *job, const sx_cfg_node_t *node, sx_econ_index_opts_t *o, sx_econ_ahp_t *ahp)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *s;
    int64_t iv;
    sx_econ_index_opts_default(o);
    SX_CHECK(sx_cfg_get_string(cfg, node, "data", NULL, &s));
    SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(node, "data"), s, &o->data_path));
    SX_CHECK(sx_cfg_get_string(cfg, node, "dictionary", NULL, &s));
    SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(node, "dictionary"), s, &o->dict_path));
    SX_CHECK(sx_cfg_get_string(cfg, node, "data_sheet", NULL, &o->data_sheet));
    SX_CHECK(sx_cfg_get_string(cfg, node, "dictionary_sheet", NULL, &o->dict_sheet));
    SX_CHECK(sx_cfg_get_int(cfg, node, "data_header_row", 1, &iv));
    o->data_header_row = (int)iv;
    SX_CHECK(sx_cfg_get_int(cfg, node, "dictionary_header_row", 1, &iv));
    o->dict_header_row = (int)iv;
    SX_CHECK(sx_cfg_get_string(cfg, node, "unit_column", NULL, &o->read.unit_col));
    SX_CHECK(sx_cfg_get_string(cfg, node, "name_column", NULL, &o->read.name_col));
    SX_CHECK(sx_cfg_get_string(cfg, node, "time_column", NULL, &o->read.time_col));
    SX_CHECK(sx_cfg_get_string(cfg, node, "group_column", NULL, &o->read.group_col));
    SX_CHECK(sx_cfg_get_int(cfg, node, "year", 0, &iv));
    o->read.year = (int)iv;
    SX_CHECK(sx_cfg_get_bool(cfg, node, "denominate", 0, &o->read.denominate));
    SX_CHECK(sx_cfg_get_string(cfg, node, "impute", "none", &s));
    SX_CHECK(sx_econ_impute_parse(s, &o->impute));
    SX_CHECK(sx_cfg_get_double(cfg, node, "screen", 0, &o->screen));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "treat", 1, &o->treat));
    SX_CHECK(sx_cfg_get_int(cfg, node, "winmax", 5, &iv));
    o->treat_opts.winmax = (int)iv;
    SX_CHECK(sx_cfg_get_double(cfg, node, "skew", 2, &o->treat_opts.skew_thresh));
    SX_CHECK(sx_cfg_get_double(cfg, node, "kurtosis", 3.5, &o->treat_opts.kurt_thresh));
    SX_CHECK(sx_cfg_get_string(cfg, node, "normalise", "minmax", &s));
    SX_CHECK(sx_econ_norm_parse(s, &o->norm.method));
    SX_CHECK(sx_cfg_get_string(cfg, node, "normalise_scope", "year", &s));
    o->norm_panel = !strcmp(s, "panel");
    const sx_cfg_node_t *sc = sx_cfg_map_get(node, "scale");
    if (sc) {
        if (sx_cfg_node_len(sc) != 2) return sx_cfg_fail_at(cfg, sc, "scale needs two numbers, e.g. [0, 100]");
        double v[2];
        for (int k = 0; k < 2; k++) {
            const char *t = sx_cfg_node_text(sx_cfg_node_at(sc, (size_t)k));
            char *end;
            v[k] = t ? strtod(t, &end) : 0;
            if (!t || end == t || *end) return sx_cfg_fail_at(cfg, sx_cfg_node_at(sc, (size_t)k), "expected a number");
        }
        if (o->norm.method == SX_NORM_ZSCORE) o->norm.mean = v[0], o->norm.sd = v[1];
        else o->norm.lo = v[0], o->norm.hi = v[1];
        if (o->norm.method == SX_NORM_MINMAX && !(v[1] > v[0])) return sx_cfg_fail_at(cfg, sc, "scale [lo, hi] needs lo < hi");
    }
    SX_CHECK(sx_cfg_get_string(cfg, node, "weights", "dictionary", &s));
    SX_CHECK(sx_econ_wmethod_parse(s, &o->weights));
    SX_CHECK(sx_cfg_get_string(cfg, node, "aggregation", "arithmetic", &s));
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    int l = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        if (l >= SX_ECON_MAX_LEVELS) return sx_cfg_fail_at(cfg, sx_cfg_map_get(node, "aggregation"), "too many levels");
        sx_err e = sx_econ_agg_parse(tok, &o->agg[l++]);
        if (e) return sx_cfg_fail_at(cfg, sx_cfg_map_get(node, "aggregation"), "%s", sx_err_message());
    }
    for (int k = l; k > 0 && k < SX_ECON_MAX_LEVELS; k++) o->agg[k] = o->agg[l - 1]; /* last one repeats upwards */
    const sx_cfg_node_t *am = sx_cfg_map_get(node, "ahp");
    if (am) SX_CHECK(ahp_from_cfg(cfg, am, o, ahp));
    return SX_OK;
}

sx_err sx__econ_gpkg_opts_from_cfg(sx_job_t *job, const sx_cfg_node_t *node, sx_econ_gpkg_opts_t *g)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *s;
    memset(g, 0, sizeof *g);
    SX_CHECK(sx_cfg_get_string(cfg, node, "boundaries", NULL, &s));
    if (s) SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(node, "boundaries"), s, &g->path));
    SX_CHECK(sx_cfg_get_string(cfg, node, "boundary_code_field", "code", &g->code_field));
    SX_CHECK(sx_cfg_get_string(cfg, node, "boundary_geometry_column", NULL, &g->geometry_column));
    SX_CHECK(sx_cfg_get_string(cfg, node, "boundary_crs", NULL, &g->crs));
    if (g->crs && !*g->crs) g->crs = NULL; /* `--set steps.0.boundary_crs=` clears it */
    return SX_OK;
}

sx_err sx__econ_index_xlsx(MPI_Comm comm, const char *dir, int with_mc)
{
    static const char *const sheets[] = {"Scores and ranks", "Weights", "Data quality", "Units coverage", "Treated data",
                                         "Normalised data", "Uncertainty", "Sensitivity"};
    static const char *const csvs[] = {"scores.csv", "weights.csv", "data_quality.csv", "units_quality.csv", "treated.csv",
                                       "normalised.csv", "uncertainty.csv", "sensitivity.csv"};
    return sx_econ_xlsx_write(comm, dir, "index.xlsx", with_mc ? 8 : 6, sheets, csvs);
}

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    sx_econ_index_opts_t o;
    static sx_econ_ahp_t ahp[16];
    const char *sub;
    char dir[SX_PATH_MAX];
    SX_CHECK(sx__econ_index_opts_from_cfg(job, node, &o, ahp));
    SX_CHECK(sx_cfg_get_string(sx_job_cfg(job), node, "output", "index", &sub));
    SX_CHECK(sx_job_out_path(job, sub, dir, sizeof dir));
    sx_econ_index_t *r = NULL;
    sx_err err = sx_err_agree(comm, sx_econ_index_compute(&o, &r));
    if (err != SX_OK) {
        sx_econ_index_destroy(&r);
        return err;
    }
    sx_log_info("econ_index: %d units scored, %d indicators, %d levels", r->data->n_unit, r->frame->n_ind, r->frame->n_level);
    sx_econ_gpkg_opts_t g;
    err = sx__econ_gpkg_opts_from_cfg(job, node, &g);
    if (err == SX_OK) err = sx_econ_index_write(comm, &o, r, dir, sx_job_provenance(job));
    if (err == SX_OK) err = sx_econ_svg_bars(comm, &o, r, dir);
    if (err == SX_OK && g.path) err = sx_econ_gpkg_write(comm, r, &g, dir);
    int xlsx = 1;
    if (err == SX_OK) err = sx_cfg_get_bool(sx_job_cfg(job), node, "xlsx", 1, &xlsx);
    if (err == SX_OK && xlsx) err = sx__econ_index_xlsx(comm, dir, 0);
    sx_econ_index_destroy(&r);
    SX_CHECK(err);
    return SX_OK;
}

const sx_job_step_t sx_step_econ_index = {
    "econ_index", "composite indicator: treat, normalise, weight, aggregate, rank (JRC/COINr)", fields,
    sizeof fields / sizeof *fields, run, "econ index", "/",
    "Denominate, impute, screen, treat outliers, normalise, weight, aggregate indicators -> pillars -> sub-indices ->\n"
    "index, rank. Writes scores.csv, weights.csv, data_quality.csv, units_quality.csv, treated.csv, normalised.csv,\n"
    "methodology.md (and index.xlsx, scores.gpkg) into DIR. AHP matrices need a job file (key ahp).\n"
    "Example: sanxiang econ index jobs/asem_coinr.yaml (reproduces COINr's ASEM example)."};
