/*
 * step_rs_trend.c — job step `rs_trend` (command `sanxiang rs trend`):
 * per-pixel Theil-Sen slope and Mann-Kendall test over a time-ordered stack
 * given as inputs (argument order = time order) and/or a list file of
 * "LAYER [TIME]" lines. Registers <output>_slope, _intercept, _z, _p, _class.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/step_rs_common.h"
#include "jobs/step_rs_stack.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_rs_series.h"

#define MAX_DATES 1024

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_trend"},
    {"inputs", SX_CFG_T_LIST, 0, NULL, 1, 0, NULL, "layers of the stack in time order (input names, earlier outputs or "
     "paths)", "*", "IN"},
    {"list", SX_CFG_T_PATH, 0, NULL, 1, 0, NULL, "text file with one layer per line, in time order, optionally followed "
     "by its time (YYYY-MM-DD or a number); # comments", "--list", "FILE"},
    {"times", SX_CFG_T_LIST, 0, NULL, 1, 0, NULL, "time of every layer: YYYY-MM-DD or a number (decimal year), comma-"
     "separated or repeated", "--times", "T1,T2,..."},
    {"per", SX_CFG_T_ENUM, 0, "step", 1, 0, "step|year", "slope per step (layer to layer) or per year (needs times)"},
    {"hamed_rao", SX_CFG_T_BOOL, 0, "false", 1, 0, NULL, "correct the Mann-Kendall variance for autocorrelation (Hamed & "
     "Rao 1998)"},
    {"alpha", SX_CFG_T_FLOAT, 0, "0.05", 1e-12, 0.5, NULL, "significance level of the class map"},
    {"min_count", SX_CFG_T_INT, 0, "3", 3, MAX_DATES, NULL, "valid dates a pixel needs (fewer: nodata)"},
    {"band", SX_CFG_T_INT, 0, "1", 1, 100000, NULL, "band of every input"},
    {"nodata", SX_CFG_T_FLOAT, 0, NULL, 1, 0, NULL, "nodata of the inputs when the files do not declare it"},
    {"strip_rows", SX_CFG_T_INT, 0, "0", 0, 1000000, NULL, "rows of every layer held at a time (0: about 64 MB)"},
    SX_STEP_RS_F_OUTPUT("trend", "output stem: layers <output>_slope, _intercept, _z, _p, _class"),
    SX_STEP_F_OUTPUTS,
};

/* The times of the stack: the `times` key, else the list file's column
 * (all lines or none), else NULL (steps 0, 1, 2, ...). */
static sx_err stack_times(sx_job_t *job, const sx_cfg_node_t *node, const sx__step_rs_stack_t *s, double *t, int *have)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const sx_cfg_node_t *tn = sx_cfg_map_get(node, "times");
    int k = 0;
    *have = 0;
    for (size_t i = 0; tn && i < sx_cfg_node_len(tn); i++) {
        const sx_cfg_node_t *v = sx_cfg_node_at(tn, i);
        char buf[4096], *save = NULL;
        snprintf(buf, sizeof buf, "%s", sx_cfg_node_text(v) ? sx_cfg_node_text(v) : "");
        for (char *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save), k++) {
            if (k == s->n) return sx_cfg_fail_at(cfg, v, "more times than the %d layers", s->n);
            if (!sx_rs_parse_time(tok, &t[k]))
                return sx_cfg_fail_at(cfg, v, "'%s' is not a time (YYYY-MM-DD or a number)", tok);
        }
    }
    if (tn) {
        if (k != s->n) return sx_cfg_fail_at(cfg, tn, "%d times for %d layers; give one time per layer", k, s->n);
        *have = 1;
        return SX_OK;
    }
    int with = 0;
    for (int i = 0; i < s->n; i++) with += s->time[i] != NULL;
    if (!with) return SX_OK;
    const sx_cfg_node_t *file = sx_cfg_map_get(node, "list");
    if (with != s->n)
        return sx_cfg_fail_at(cfg, file ? file : node, "%d of %d layers have a time; give every line of the list a time "
                              "(and no layers outside it), or use times", with, s->n);
    for (int i = 0; i < s->n; i++)
        if (!sx_rs_parse_time(s->time[i], &t[i]))
            return sx_cfg_fail_at(cfg, file, "layer %d (%s): '%s' is not a time (YYYY-MM-DD or a number)", i + 1,
                                  s->path[i], s->time[i]);
    *have = 1;
    return SX_OK;
}

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    sx__step_rs_stack_t *s = calloc(1, sizeof *s);
    double *t = calloc(MAX_DATES, sizeof *t);
    sx_err err = s && t ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
    sx_rs_trend_opts_t o = {0};
    const char *per = "step", *output = "trend";
    int64_t band = 1, min_count = 3, strip = 0;
    int have_t = 0;
    char stem[SX_PATH_MAX];
    if (!err) err = sx__step_rs_stack_read(job, node, "inputs", "list", MAX_DATES, s);
    if (!err && s->n < 3)
        err = sx_cfg_fail_at(cfg, node, "a trend needs at least 3 dates in time order, got %d%s%s; give the stack's "
                             "layers as IN1.tif IN2.tif IN3.tif ... or --list FILE", s->n, s->n ? ": " : "",
                             s->n ? s->path[0] : "");
    if (!err) err = stack_times(job, node, s, t, &have_t);
    if (!err) err = sx_cfg_get_string(cfg, node, "per", "step", &per);
    if (!err && !strcmp(per, "year") && !have_t) {
        char lp[64], lt[64];
        const size_t nf = sizeof fields / sizeof *fields;
        err = sx_cfg_fail_at(cfg, node, "%s year needs the date of every layer: %s, or a second column in the list file",
                             sx_cfg_key_label(cfg, fields, nf, "per", lp, sizeof lp),
                             sx_cfg_key_label(cfg, fields, nf, "times", lt, sizeof lt));
    }
    if (!err) err = sx_cfg_get_bool(cfg, node, "hamed_rao", 0, &o.hamed_rao);
    if (!err) err = sx_cfg_get_double(cfg, node, "alpha", 0.05, &o.alpha);
    if (!err) err = sx_cfg_get_int(cfg, node, "min_count", 3, &min_count);
    if (!err) err = sx_cfg_get_int(cfg, node, "band", 1, &band);
    if (!err) err = sx_cfg_get_int(cfg, node, "strip_rows", 0, &strip);
    o.has_nodata = sx_cfg_map_get(node, "nodata") != NULL;
    if (!err) err = sx_cfg_get_double(cfg, node, "nodata", 0, &o.nodata);
    if (!err) err = sx_cfg_get_string(cfg, node, "output", "trend", &output);
    if (!err) err = sx_job_raster_formats(job, node, &o.formats);
    if (!err) err = sx_job_out_path(job, output, stem, sizeof stem);
    if (!err) {
        o.inputs = s->path;
        o.ninputs = s->n;
        o.band = (int)band;
        /* per step with times: the times still order the layers, the slope is per layer */
        o.times = !strcmp(per, "year") ? t : NULL;
        o.time_unit = per;
        o.min_count = (int)min_count;
        o.strip_rows = (int)strip;
        o.out_stem = stem;
        o.provenance = sx_job_provenance(job);
        for (int i = 1; have_t && i < s->n && !err; i++)
            if (!(t[i] > t[i - 1]))
                err = sx_cfg_fail_at(cfg, node, "dates must be in time order: layer %d (%s) is not after layer %d (%s)",
                                     i + 1, s->path[i], i, s->path[i - 1]);
    }
    if (!err) err = sx_rs_trend_run(comm, &o);
    static const char *const names[] = {"slope", "intercept", "z", "p", "class"};
    for (int k = 0; k < 5 && !err; k++) err = sx__step_rs_register(job, output, stem, names[k], o.formats);
    if (s) sx__step_rs_stack_free(s);
    free(s);
    free(t);
    return err;
}

const sx_job_step_t sx_step_rs_trend = {
    "rs_trend", "per-pixel Theil-Sen slope and Mann-Kendall trend test over a time-ordered stack", fields,
    sizeof fields / sizeof *fields, run, "rs trend", SX_STEP_RS_RASTER_EXT,
    "Layers in time order (argument order, then --list lines), one grid (rs warp first). NaN and nodata dates are\n"
    "skipped per pixel. Writes OUT_slope.tif, OUT_intercept.tif, OUT_z.tif, OUT_p.tif (Float64) and OUT_class.tif\n"
    "(1 significant decrease, 2 no significant trend, 3 significant increase; p < --alpha). --per year takes the\n"
    "slope per year from --times (or the list's second column); the intercept is the fitted value at the first date."};
