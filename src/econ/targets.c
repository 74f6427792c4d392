/*
 * targets.c — tracking a plan's main indicators against their targets: the
 * "main indicators" table of a Chinese five-year plan (baseline year value,
 * target year value, expected/binding attribute) regenerated with the latest
 * observed value, completion, required and actual compound annual growth,
 * and an on-track flag.
 *
 * Completion follows the usual planning-evaluation definition
 * (x - base) / (target - base); "on track" compares it with the share of the
 * plan period elapsed, i.e. with the straight-line path from base to target
 * (the convention of mid-term plan evaluations, 中期评估). Growth rates are
 * compound: (x1 / x0)^(1 / years) - 1.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "econ/econ_internal.h"
#include "sanxiang/sx_econ_run.h"
#include "sanxiang/sx_mpi.h"

sx_err sx_econ_target_track(double base, int base_year, double target, int target_year, double latest, int latest_year,
                            int dir, sx_econ_target_t *t)
{
    SX_FAIL_IF(isnan(base) || isnan(target), SX_ERR_INPUT, "target tracking needs a base and a target value");
    SX_FAIL_IF(target_year <= base_year, SX_ERR_INPUT, "target year %d is not after the base year %d", target_year, base_year);
    SX_FAIL_IF(!isnan(latest) && (latest_year < base_year || latest_year > target_year), SX_ERR_INPUT,
               "latest year %d is outside the plan period %d-%d", latest_year, base_year, target_year);
    memset(t, 0, sizeof *t);
    t->base = base, t->target = target, t->latest = latest;
    t->base_year = base_year, t->target_year = target_year, t->latest_year = latest_year;
    const double period = target_year - base_year, elapsed = isnan(latest) ? 0 : latest_year - base_year;
    if (target == base) t->completion = isnan(latest) ? NAN : ((dir > 0 ? latest >= target : latest <= target) ? 100 : 0);
    else t->completion = 100 * (latest - base) / (target - base);
    t->cagr_required = (base > 0 && target > 0) ? 100 * (pow(target / base, 1 / period) - 1) : NAN;
    t->cagr_actual = (base > 0 && latest > 0 && elapsed > 0) ? 100 * (pow(latest / base, 1 / elapsed) - 1) : NAN;
    t->expected = base + (target - base) * elapsed / period;
    if (isnan(latest) || elapsed == 0) t->on_track = -1;
    else t->on_track = t->completion >= 100 * elapsed / period - 1e-9;
    return SX_OK;
}

typedef struct {
    int year;
    double v;
} obs_t;

#define MAX_OBS 64
#define PANEL_W 300
#define PANEL_H 170

/* One small-multiple panel of trends.svg: the straight-line plan path from
 * base to target (dashed), the target (square) and the observed values (dots). */
static void panel(sx_strbuf_t *sb, int idx, const char *name, const char *unit, const sx_econ_targets_opts_t *o, double base,
                  double target, const obs_t *obs, int nobs)
{
    const int cx = 10 + (idx % 3) * (PANEL_W + 10), cy = 40 + (idx / 3) * (PANEL_H + 10);
    double lo = fmin(base, target), hi = fmax(base, target);
    for (int k = 0; k < nobs; k++) lo = fmin(lo, obs[k].v), hi = fmax(hi, obs[k].v);
    if (hi == lo) hi = lo + 1, lo = lo - 1;
    const double pad = 0.08 * (hi - lo);
    lo -= pad, hi += pad;
#define PX(yr) (cx + 40 + (PANEL_W - 60) * (double)((yr) - o->base_year) / (o->target_year - o->base_year))
#define PY(v) (cy + PANEL_H - 25 - (PANEL_H - 55) * ((v) - lo) / (hi - lo))
    sx_strbuf_printf(sb, "<g><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#ccc\"/>\n", cx, cy, PANEL_W, PANEL_H);
    sx_strbuf_printf(sb, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">", cx + 6, cy + 16);
    for (const char *c = name; *c; c++) {
        if (*c == '<') sx_strbuf_puts(sb, "&lt;");
        else if (*c == '&') sx_strbuf_puts(sb, "&amp;");
        else sx_strbuf_putn(sb, c, 1);
    }
    sx_strbuf_printf(sb, " (");
    for (const char *c = unit; *c; c++) {
        if (*c == '<') sx_strbuf_puts(sb, "&lt;");
        else if (*c == '&') sx_strbuf_puts(sb, "&amp;");
        else sx_strbuf_putn(sb, c, 1);
    }
    sx_strbuf_printf(sb, ")</text>\n");
    sx_strbuf_printf(sb, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>\n",
                     PX(o->base_year), cy + PANEL_H - 8, o->base_year, PX(o->target_year), cy + PANEL_H - 8, o->target_year);
    sx_strbuf_printf(sb, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n", PX(o->base_year),
                     PY(base), PX(o->target_year), PY(target));
    sx_strbuf_printf(sb, "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\" fill=\"#D55E00\"><title>target %g</title></rect>\n",
                     PX(o->target_year) - 4, PY(target) - 4, target);
    sx_strbuf_printf(sb, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n", PX(o->target_year) - 6, PY(target) - 6, target);
    sx_strbuf_printf(sb, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#0072B2\"><title>%d: %g</title></circle>\n", PX(o->base_year),
                     PY(base), o->base_year, base);
    sx_strbuf_printf(sb, "<text x=\"%.1f\" y=\"%.1f\">%g</text>\n", PX(o->base_year) + 5, PY(base) - 6, base);
    for (int k = 0; k < nobs; k++)
        sx_strbuf_printf(sb, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#0072B2\"><title>%d: %g</title></circle>\n", PX(obs[k].year),
                         PY(obs[k].v), obs[k].year, obs[k].v);
    sx_strbuf_puts(sb, "</g>\n");
#undef PX
#undef PY
}

/* Read the tables and build both outputs (no MPI). */
static sx_err build(const sx_econ_targets_opts_t *o, const char *provenance, sx_strbuf_t *csvp, sx_strbuf_t *mdp, sx_strbuf_t *svgp)
{
    sx_table_t *plan = NULL, *vals = NULL;
    sx_strbuf_t csv = *csvp, md = *mdp, svg = *svgp;
    obs_t obs[MAX_OBS];
    sx_err err = SX_OK;
    SX_CHECK_GOTO(sx_table_load(o->plan_path, o->plan_sheet, 1, &plan), err, done);
    if (o->values_path) SX_CHECK_GOTO(sx_table_load(o->values_path, o->values_sheet, 1, &vals), err, done);
    int cc = sx_table_col(plan, o->code_col ? o->code_col : "id|code");
    int cn = sx_table_col(plan, o->name_col ? o->name_col : "indicator_zh|name");
    int cu = sx_table_col(plan, o->unit_col ? o->unit_col : "unit");
    int cg = sx_table_col(plan, o->group_col ? o->group_col : "category|group");
    int cb = sx_table_col(plan, o->base_col), ct = sx_table_col(plan, o->target_col);
    int cd = o->dir_col ? sx_table_col(plan, o->dir_col) : -1;
    int ca = sx_table_col(plan, "attribute");
    if (cc < 0 || cb < 0 || ct < 0)
        SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "%s: needs a code column and the base '%s' and target '%s' columns", plan->path,
                     o->base_col, o->target_col);
    int vc = -1, vy = -1, vv = -1;
    if (vals) {
        vc = sx_table_col(vals, "code|id"), vy = sx_table_col(vals, "year"), vv = sx_table_col(vals, "value");
        if (vc < 0 || vy < 0 || vv < 0) SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "%s: needs columns code, year, value", vals->path);
    }
    sx_strbuf_printf(&csv, "code,group,indicator,unit,base_%d,target_%d,latest_year,latest,expected_on_path,completion_pct,"
                           "required_cagr_pct,actual_cagr_pct,on_track,attribute\n", o->base_year, o->target_year);
    sx_strbuf_printf(&md, "# Main indicators: %d baseline, %d targets\n\n| # | indicator | unit | %d | %d target | latest | completion %% | "
                          "required growth %%/yr | actual growth %%/yr | on track |\n|---|---|---|---|---|---|---|---|---|---|\n",
                     o->base_year, o->target_year, o->base_year, o->target_year);
    for (int r = 0; r < plan->nrow; r++) {
        const char *code = sx_table_at(plan, r, cc);
        double base, target, d = 1;
        SX_CHECK_GOTO(sx_table_num(plan, r, cb, &base), err, done);
        SX_CHECK_GOTO(sx_table_num(plan, r, ct, &target), err, done);
        if (cd >= 0) SX_CHECK_GOTO(sx_table_num(plan, r, cd, &d), err, done);
        if (isnan(d)) d = 1;
        int ly = o->base_year, nobs = 0;
        double latest = base;
        if (r == 0)
            sx_strbuf_printf(&svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">\n"
                                   "<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">Indicators against the plan path %d-%d "
                                   "(dashed: straight line to the target)</text>\n",
                             10 + 3 * (PANEL_W + 10), 40 + ((plan->nrow + 2) / 3) * (PANEL_H + 10), o->base_year, o->target_year);
        if (vals)
            for (int k = 0; k < vals->nrow; k++) {
                if (strcmp(sx_table_at(vals, k, vc), code)) continue;
                double y, v;
                SX_CHECK_GOTO(sx_table_num(vals, k, vy, &y), err, done);
                SX_CHECK_GOTO(sx_table_num(vals, k, vv, &v), err, done);
                if (isnan(y) || isnan(v)) continue;
                if ((int)y > o->target_year || (int)y < o->base_year)
                    SX_FAIL_GOTO(err, done, SX_ERR_INPUT, "%s: row %d: year %d is outside the plan period %d-%d", vals->path, k + 1,
                                 (int)y, o->base_year, o->target_year);
                if ((int)y >= ly) ly = (int)y, latest = v;
                if (nobs < MAX_OBS && (int)y > o->base_year) obs[nobs].year = (int)y, obs[nobs].v = v, nobs++;
            }
        sx_econ_target_t t;
        err = sx_econ_target_track(base, o->base_year, target, o->target_year, latest, ly, d < 0 ? -1 : 1, &t);
        if (err) {
            char msg[512];
            snprintf(msg, sizeof msg, "%s", sx_err_message());
            SX_FAIL_GOTO(err, done, err, "%s: indicator '%s': %s", plan->path, code, msg);
        }
        const char *name = cn >= 0 ? sx_table_at(plan, r, cn) : code, *unit = cu >= 0 ? sx_table_at(plan, r, cu) : "";
        if (nobs == 0) /* no value after the baseline: nothing measured, so no completion (not 0 %) */
            latest = t.expected = t.completion = t.cagr_actual = NAN;
        const char *flag = t.on_track < 0 ? "n/a" : t.on_track ? "yes" : "no";
        panel(&svg, r, name, unit, o, base, target, obs, nobs);
        sx__econ_csv_str(&csv, code, ',');
        sx__econ_csv_str(&csv, cg >= 0 ? sx_table_at(plan, r, cg) : "", ',');
        sx__econ_csv_str(&csv, name, ',');
        sx__econ_csv_str(&csv, unit, ',');
        sx__econ_csv_num(&csv, base, 4, ',');
        sx__econ_csv_num(&csv, target, 4, ',');
        if (nobs) sx_strbuf_printf(&csv, "%d,", ly);
        else sx_strbuf_puts(&csv, ",");
        sx__econ_csv_num(&csv, latest, 4, ',');
        sx__econ_csv_num(&csv, t.expected, 4, ',');
        sx__econ_csv_num(&csv, t.completion, 2, ',');
        sx__econ_csv_num(&csv, t.cagr_required, 2, ',');
        sx__econ_csv_num(&csv, t.cagr_actual, 2, ',');
        sx_strbuf_printf(&csv, "%s,", flag);
        sx__econ_csv_str(&csv, ca >= 0 ? sx_table_at(plan, r, ca) : "", '\n');
        sx_strbuf_printf(&md, "| %s | %s | %s | %g | %g | ", code, name, unit, base, target);
        if (nobs) sx_strbuf_printf(&md, "%g (%d) | %.1f | ", latest, ly, t.completion);
        else sx_strbuf_printf(&md, "n/a (no value after %d) | n/a | ", o->base_year);
        const double pct[2] = {t.cagr_required, t.cagr_actual};
        for (int k = 0; k < 2; k++)
            if (isnan(pct[k])) sx_strbuf_puts(&md, "n/a | ");
            else sx_strbuf_printf(&md, "%.2f | ", pct[k]);
        sx_strbuf_printf(&md, "%s |\n", flag);
    }
    sx_strbuf_printf(&md, "\nCompletion = (latest - base) / (target - base). Required growth = (target / base)^(1/%d) - 1. "
                          "On track: completion >= share of the period elapsed (straight-line path). Plan table: `%s`; "
                          "yearly values: %s%s%s.\n\n```json\n%s\n```\n",
                     o->target_year - o->base_year, o->plan_path, o->values_path ? "`" : "none (latest = baseline)",
                     o->values_path ? o->values_path : "", o->values_path ? "`" : "", provenance ? provenance : "{}");
done:
    sx_strbuf_puts(&svg, "</svg>\n");
    *csvp = csv, *mdp = md, *svgp = svg;
    sx_table_destroy(&plan);
    sx_table_destroy(&vals);
    return err;
}

sx_err sx_econ_targets_run(MPI_Comm comm, const sx_econ_targets_opts_t *o, const char *out_dir, const char *provenance)
{
    sx_strbuf_t csv, md, svg;
    sx_strbuf_init(&csv);
    sx_strbuf_init(&md);
    sx_strbuf_init(&svg);
    sx_err err = sx_err_agree(comm, build(o, provenance, &csv, &md, &svg));
    if (err == SX_OK) err = sx__econ_write(comm, out_dir, "targets.csv", &csv);
    if (err == SX_OK) err = sx__econ_write(comm, out_dir, "targets.md", &md);
    if (err == SX_OK) err = sx__econ_write(comm, out_dir, "trends.svg", &svg);
    sx_strbuf_fini(&svg);
    sx_strbuf_fini(&csv);
    sx_strbuf_fini(&md);
    SX_CHECK(err);
    return SX_OK;
}
