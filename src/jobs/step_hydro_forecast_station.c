/*
 * step_hydro_forecast_station.c — the control stations of a `hydro_forecast`
 * network as the job file gives them: a sub-basin entry with
 *   station: {name, rating: {segments: [{from, a, b, c}, ...]} | {table: RATING.csv},
 *             warning_level, guaranteed_level, historical_max_level, approach,
 *             return_periods: {5: Q, 20: Q, 50: Q}, location: [lon, lat]}
 * and, after the run, their levels, warning signals and products (levels.csv,
 * signals.csv, signals.gpkg, level_<id>.svg, the bulletin's section;
 * src/hydro/levels*.c).
 * A station at a reservoir node takes the pool level (no rating). Errors
 * name the job file, line and key (a rating table: its file and line).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/step_hydro_forecast.h"
#include "jobs/step_hydro_reservoir.h"
#include "sanxiang/sx_log.h"

static const sx_cfg_field_t st_fields[] = {
    {"name", SX_CFG_T_STRING, 0, "", 1, 0, NULL, "station name for the bulletin and the map"},
    {"rating", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL, "{segments: [{from, a, b, c}]} (Q = a (h - b)^c) or {table: CSV}"},
    {"warning_level", SX_CFG_T_FLOAT, 0, NULL, -1e4, 1e4, NULL, "警戒水位 (m)"},
    {"guaranteed_level", SX_CFG_T_FLOAT, 0, NULL, -1e4, 1e4, NULL, "保证水位 (m)"},
    {"historical_max_level", SX_CFG_T_FLOAT, 0, NULL, -1e4, 1e4, NULL, "historical maximum level (m)"},
    {"approach", SX_CFG_T_FLOAT, 0, "0.5", 0, 100, NULL, "blue signal within this many metres below the warning level"},
    {"return_periods", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL, "design discharges {5: Q5, 20: Q20, 50: Q50} (m3/s)"},
    {"location", SX_CFG_T_LIST, 0, NULL, 1, 0, NULL, "[lon, lat] in degrees (WGS 84) for the signal layer", NULL, NULL, 2, 2},
};
static const sx_cfg_field_t rating_fields[] = {
    {"segments", SX_CFG_T_LIST, 0, NULL, 1, 0, NULL, "power-law segments {from, a, b, c}, lowest first"},
    {"table", SX_CFG_T_PATH, 0, NULL, 1, 0, NULL, "CSV level,discharge"},
};
static const sx_cfg_field_t seg_fields[] = {
    {"from", SX_CFG_T_FLOAT, 1, NULL, -1e4, 1e4, NULL, "level where the segment starts (m)"},
    {"a", SX_CFG_T_FLOAT, 1, NULL, 0, 1e12, NULL, "coefficient"},
    {"b", SX_CFG_T_FLOAT, 1, NULL, -1e4, 1e4, NULL, "zero-flow level (m)"},
    {"c", SX_CFG_T_FLOAT, 1, NULL, 0, 20, NULL, "exponent"},
};
static const sx_cfg_field_t rp_fields[] = {
    {"5", SX_CFG_T_FLOAT, 0, NULL, 0, 1e9, NULL, "5-year flood (m3/s)"},
    {"20", SX_CFG_T_FLOAT, 0, NULL, 0, 1e9, NULL, "20-year flood (m3/s)"},
    {"50", SX_CFG_T_FLOAT, 0, NULL, 0, 1e9, NULL, "50-year flood (m3/s)"},
    {"design", SX_CFG_T_PATH, 0, NULL, 1, 0, NULL, "or the CSV of `hydro frequency` (its 5-, 20-, 50-year design values)"},
};
#define N(a) (sizeof a / sizeof *a)

static sx_err rating(sx_job_t *job, const sx_cfg_node_t *rn, sx_hydro_station_t *s)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    SX_CHECK(sx_cfg_check(cfg, rn, rating_fields, N(rating_fields)));
    const sx_cfg_node_t *seg = sx_cfg_map_get(rn, "segments");
    const char *tab = NULL;
    SX_CHECK(sx_cfg_get_string(cfg, rn, "table", NULL, &tab));
    if (!seg == !tab) return sx_cfg_fail_at(cfg, rn, "give the rating as `segments` or as a `table`, one of them");
    if (tab) {
        SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(rn, "table"), tab, &tab));
        return sx_rating_read_table(tab, &s->rating);
    }
    const size_t n = sx_cfg_node_len(seg);
    if (n < 1 || n > SX_RATING_MAX_SEG) return sx_cfg_fail_at(cfg, seg, "give 1..%d segments", SX_RATING_MAX_SEG);
    for (size_t k = 0; k < n; k++) {
        const sx_cfg_node_t *e = sx_cfg_node_at(seg, k);
        SX_CHECK(sx_cfg_check(cfg, e, seg_fields, N(seg_fields)));
        SX_CHECK(sx_cfg_get_double(cfg, e, "from", 0, &s->rating.from[k]));
        SX_CHECK(sx_cfg_get_double(cfg, e, "a", 0, &s->rating.a[k]));
        SX_CHECK(sx_cfg_get_double(cfg, e, "b", 0, &s->rating.b[k]));
        SX_CHECK(sx_cfg_get_double(cfg, e, "c", 0, &s->rating.c[k]));
    }
    s->rating.nseg = (int)n;
    snprintf(s->rating.source, sizeof s->rating.source, "%s:%d: station '%s' rating", sx_cfg_source(cfg),
             sx_cfg_node_line(seg), s->id);
    return sx_rating_check(&s->rating);
}

static sx_err one(sx_job_t *job, const sx_cfg_node_t *sn, int node, fc_t *f, sx_hydro_station_t *s)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    SX_CHECK(sx_cfg_check(cfg, sn, st_fields, N(st_fields)));
    memset(s, 0, sizeof *s);
    s->node = node;
    snprintf(s->id, sizeof s->id, "%s", f->nodes[node].id);
    const char *name;
    SX_CHECK(sx_cfg_get_string(cfg, sn, "name", "", &name));
    snprintf(s->name, sizeof s->name, "%s", name);
    SX_CHECK(sx_cfg_get_double(cfg, sn, "warning_level", NAN, &s->z_warn));
    SX_CHECK(sx_cfg_get_double(cfg, sn, "guaranteed_level", NAN, &s->z_guar));
    SX_CHECK(sx_cfg_get_double(cfg, sn, "historical_max_level", NAN, &s->z_hist));
    SX_CHECK(sx_cfg_get_double(cfg, sn, "approach", 0.5, &s->approach));
    if (!(isnan(s->z_warn) || isnan(s->z_guar) || s->z_warn < s->z_guar))
        return sx_cfg_fail_at(cfg, sx_cfg_map_get(sn, "warning_level"),
                              "warning_level (警戒水位) %g is not below guaranteed_level (保证水位) %g", s->z_warn,
                              s->z_guar);
    const sx_cfg_node_t *rp = sx_cfg_map_get(sn, "return_periods");
    if (rp) SX_CHECK(sx_cfg_check(cfg, rp, rp_fields, N(rp_fields)));
    SX_CHECK(sx_cfg_get_double(cfg, rp, "5", NAN, &s->q5));
    SX_CHECK(sx_cfg_get_double(cfg, rp, "20", NAN, &s->q20));
    SX_CHECK(sx_cfg_get_double(cfg, rp, "50", NAN, &s->q50));
    const char *design = NULL;
    SX_CHECK(sx_cfg_get_string(cfg, rp, "design", NULL, &design));
    if (design && !(isnan(s->q5) && isnan(s->q20) && isnan(s->q50)))
        return sx_cfg_fail_at(cfg, rp, "give the design discharges (5, 20, 50) or a `design` file, not both");
    if (design) {
        double q[3];
        SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(rp, "design"), design, &design));
        SX_CHECK(sx_freq_read_design(design, q));
        s->q5 = q[0], s->q20 = q[1], s->q50 = q[2];
    }
    s->lon = s->lat = NAN;
    const sx_cfg_node_t *loc = sx_cfg_map_get(sn, "location");
    for (int k = 0; loc && k < 2; k++) {
        const char *t = sx_cfg_node_text(sx_cfg_node_at(loc, (size_t)k));
        char *end;
        double v = t ? strtod(t, &end) : NAN;
        if (!t || end == t || *end || !(fabs(v) <= (k ? 90 : 180)))
            return sx_cfg_fail_at(cfg, loc, "location must be [lon, lat] in degrees");
        *(k ? &s->lat : &s->lon) = v;
    }
    const sx_cfg_node_t *rn = sx_cfg_map_get(sn, "rating");
    const int res = f->resv[node] != NULL;
    if (res && rn) return sx_cfg_fail_at(cfg, rn, "station '%s' is a reservoir: its level comes from the Z-V curve; "
                                                  "remove the rating", s->id);
    if (!res && !rn) return sx_cfg_fail_at(cfg, sn, "station '%s' needs a `rating` (segments or table) to turn its "
                                                    "discharge into a level", s->id);
    return rn ? rating(job, rn, s) : SX_OK;
}

sx_err sx__hydro_forecast_stations(sx_job_t *job, const sx_cfg_node_t *subs, fc_t *f)
{
    for (size_t j = 0; j < sx_cfg_node_len(subs); j++) {
        const sx_cfg_node_t *sb = sx_cfg_node_at(subs, j), *sn = sx_cfg_map_get(sb, "station");
        if (!sn) continue;
        const char *id = sx_cfg_node_text(sx_cfg_map_get(sb, "id"));
        int i = 0;
        while (i < f->c.nnodes && strcmp(f->nodes[i].id, id ? id : "")) i++;
        if (i == f->c.nnodes) continue;
        sx_hydro_station_t *s = realloc(f->st, (size_t)(f->nst + 1) * sizeof *s);
        SX_FAIL_IF(!s, SX_ERR_NOMEM, "out of memory");
        f->st = s;
        f->nst++;
        SX_CHECK(one(job, sn, i, f, &f->st[f->nst - 1]));
    }
    return SX_OK;
}

sx_err sx__hydro_forecast_station_outputs(sx_job_t *job, fc_t *f, const sx_hydro_forecast_t *r)
{
    for (int i = 0; r->res_level && i < f->c.nnodes; i++) /* which rule governed each stretch of steps */
        if (f->resv[i]) {
            char who[64];
            const int64_t o = (int64_t)i * r->nsteps;
            snprintf(who, sizeof who, "hydro_forecast: reservoir '%s'", f->nodes[i].id);
            sx__step_reservoir_log_rules(who, r->nsteps, (const char *const *)f->c.times->time + f->c.start,
                                         r->res_rule + o, r->res_level + o, r->q_det + o);
        }
    if (f->nst == 0) return SX_OK;
    sx_hydro_levels_t l;
    SX_CHECK(sx_hydro_levels_compute(&f->c, r, f->nst, f->st, &l));
    char p[SX_PATH_MAX];
    sx_err e = sx_job_out_path(job, "levels.csv", p, sizeof p);
    if (!e) e = sx_hydro_levels_write_csv(p, &f->c, &l, f->st);
    if (!e) e = sx_job_out_path(job, "signals.csv", p, sizeof p);
    if (!e) e = sx_hydro_signals_write_csv(p, &f->c, &l, f->st);
    if (!e) e = sx_job_out_path(job, "signals.gpkg", p, sizeof p);
    if (!e) e = sx_hydro_signals_write_gpkg(p, &f->c, &l, f->st);
    if (!e) e = sx_job_out_path(job, "bulletin.md", p, sizeof p);
    if (!e) e = sx_hydro_signals_append_bulletin(p, &f->c, &l, f->st);
    for (int k = 0; !e && k < f->nst; k++) {
        char name[96];
        snprintf(name, sizeof name, "level_%s.svg", f->st[k].id);
        e = sx_job_out_path(job, name, p, sizeof p);
        if (!e) e = sx_hydro_levels_write_svg(p, &f->c, &l, f->st, k);
    }
    for (int k = 0; !e && k < f->nst; k++)
        sx_log_info("hydro_forecast: station '%s': signal %s%s%s, peak level %.2f m", f->st[k].id,
                    sx_signal_name(l.sig[k]), l.onset[k] >= 0 ? " from " : "",
                    l.onset[k] >= 0 ? f->c.times->time[f->c.start + l.nsteps - l.nlead + l.onset[k]] : "", l.peak_h[k]);
    sx_hydro_levels_fini(&l);
    return e;
}

void sx__hydro_forecast_stations_fini(fc_t *f)
{
    for (int k = 0; k < f->nst; k++) sx_rating_fini(&f->st[k].rating);
    free(f->st);
    f->st = NULL;
    f->nst = 0;
}
