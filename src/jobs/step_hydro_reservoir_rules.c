/*
 * step_hydro_reservoir_rules.c — RULES.yaml of `hydro reservoir`: a
 * reservoir's operating rules as the approved rules (调度规程) state them,
 * read by one declarative key table (unknown keys refused with the list of
 * known ones), converted to SI with the units of the reservoir's curves, and
 * checked against the curves (sx_reservoir_rules_check). The levels must not
 * contradict each other (汛限水位 below 防洪高水位: refused naming the file,
 * line and key). A specified release series (`release: ORDERS.csv`, relative
 * to the rules file) is aligned with the inflow's times.
 */
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/step_hydro_reservoir.h"
#include "sanxiang/sx_config.h"

static const sx_cfg_field_t rule_fields[] = {
    {"flood_limit_level", SX_CFG_T_FLOAT, 1, NULL, -1e6, 1e6, NULL,
     "汛限水位: the level a flood starts from and is brought back to (curve's level unit)"},
    {"flood_control_high_level", SX_CFG_T_FLOAT, 1, NULL, -1e6, 1e6, NULL,
     "防洪高水位: at or above it the release is by capacity (curve's level unit)"},
    {"safe_discharge", SX_CFG_T_FLOAT, 1, NULL, 0, 1e9, NULL,
     "下游安全泄量: the largest release below the high level (curve's outflow unit)"},
    {"stages", SX_CFG_T_LIST, 0, NULL, 1, 0, NULL, "staged maxima: a list of {level, max_release}, lowest first"},
    {"ramp_rate", SX_CFG_T_FLOAT, 0, "none", 1e-12, 1e9, NULL,
     "largest change of a ruled release per hour (curve's outflow unit per hour)"},
    {"release", SX_CFG_T_PATH, 0, NULL, 1, 0, NULL,
     "CSV time,release: the dispatcher's specified release, overriding the rules at its times"},
    {"pre_release", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL,
     "预泄 {trigger, horizon_hours, release, lowest_level}: release ahead of a forecast inflow peak"},
};
static const sx_cfg_field_t pre_fields[] = {
    {"trigger", SX_CFG_T_FLOAT, 1, NULL, 1e-9, 1e9, NULL, "forecast inflow (curve's outflow unit) that starts it"},
    {"horizon_hours", SX_CFG_T_FLOAT, 1, NULL, 1e-9, 1e5, NULL, "how far ahead the forecast inflow is looked at"},
    {"release", SX_CFG_T_FLOAT, 1, NULL, 1e-9, 1e9, NULL, "release while it lasts (<= safe_discharge)"},
    {"lowest_level", SX_CFG_T_FLOAT, 1, NULL, -1e6, 1e6, NULL, "lowest level it may draw down to (< flood_limit_level)"},
};
static const sx_cfg_field_t stage_fields[] = {
    {"level", SX_CFG_T_FLOAT, 1, NULL, -1e6, 1e6, NULL, "from this level (curve's level unit)"},
    {"max_release", SX_CFG_T_FLOAT, 1, NULL, 0, 1e9, NULL, "release at most this (curve's outflow unit)"},
};
#define NR (sizeof rule_fields / sizeof *rule_fields)

/* The specified releases at the inflow's times (NaN where none), from path. */
sx_err sx__step_reservoir_release_read(const char *path, const sx_hydro_series_t *in, double *rel)
{
    const sx_reservoir_unit_t *u = sx_reservoir_units("release");
    const char *opt[8];
    int nopt = 0;
    for (; u[nopt].name && nopt < 8; nopt++) opt[nopt] = u[nopt].name;
    sx_hydro_series_t s;
    SX_CHECK(sx_hydro_series_read(path, NULL, 0, opt, nopt, &s));
    const double *q = NULL;
    double f = 1;
    for (int k = 0; k < nopt && !q; k++)
        if ((q = sx_hydro_series_col(&s, opt[k]))) f = u[k].to_si;
    sx_err e = SX_OK;
    if (!q) e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s: header has no release column (needs time,release)", path);
    if (!e && s.time_is_date != in->time_is_date)
        e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__, "%s has %s but %s has %s; write the times alike", path,
                       s.time_is_date ? "dates" : "step numbers", in->source, in->time_is_date ? "dates" : "step numbers");
    for (int64_t j = 0; j < in->n; j++) rel[j] = NAN;
    for (int64_t i = 0, j = 0; !e && i < s.n; i++) {
        while (j < in->n && in->t[j] < s.t[i]) j++;
        if (j == in->n || in->t[j] != s.t[i])
            e = sx_err_set(SX_ERR_INPUT, SX__FILE, __LINE__,
                           "%s: time %s is not a time of the inflow %s (%s .. %s, every %g %s); give releases at its "
                           "times", path, s.time[i], in->source, in->time[0], in->time[in->n - 1], in->dt,
                           in->time_is_date ? "s" : "step");
        else
            rel[j] = q[i] * f;
    }
    sx_hydro_series_fini(&s);
    return e;
}

static sx_err read_rules(const sx_cfg_t *cfg, const char *path, const sx_reservoir_curves_t *c,
                         const sx_hydro_series_t *in, sx_reservoir_rules_t *r, double **release)
{
    const sx_cfg_node_t *root = sx_cfg_root(cfg);
    SX_CHECK(sx_cfg_check(cfg, root, rule_fields, NR));
    const double zf = c->unit[0].to_si, qf = c->unit[2].to_si;
    double v;
    SX_CHECK(sx_cfg_get_double(cfg, root, "flood_limit_level", 0, &v));
    r->z_limit = v * zf;
    SX_CHECK(sx_cfg_get_double(cfg, root, "flood_control_high_level", 0, &v));
    r->z_high = v * zf;
    if (!(r->z_limit < r->z_high))
        return sx_cfg_fail_at(cfg, sx_cfg_map_get(root, "flood_limit_level"),
                              "flood_limit_level (汛限水位) %g is not below flood_control_high_level (防洪高水位) %g; "
                              "correct the levels of the approved rules", r->z_limit / zf, r->z_high / zf);
    SX_CHECK(sx_cfg_get_double(cfg, root, "safe_discharge", 0, &v));
    r->q_safe = v * qf;
    SX_CHECK(sx_cfg_get_double(cfg, root, "ramp_rate", INFINITY, &v));
    r->ramp = v * qf / 3600;
    const sx_cfg_node_t *st = sx_cfg_map_get(root, "stages");
    const size_t ns = st ? sx_cfg_node_len(st) : 0;
    if (ns > SX_RESERVOIR_MAX_STAGES)
        return sx_cfg_fail_at(cfg, st, "%zu stages; at most %d", ns, SX_RESERVOIR_MAX_STAGES);
    for (size_t k = 0; k < ns; k++) {
        const sx_cfg_node_t *e = sx_cfg_node_at(st, k);
        SX_CHECK(sx_cfg_check(cfg, e, stage_fields, sizeof stage_fields / sizeof *stage_fields));
        SX_CHECK(sx_cfg_get_double(cfg, e, "level", 0, &v));
        r->stage_z[k] = v * zf;
        SX_CHECK(sx_cfg_get_double(cfg, e, "max_release", 0, &v));
        r->stage_q[k] = v * qf;
    }
    r->nstage = (int)ns;
    const sx_cfg_node_t *pre = sx_cfg_map_get(root, "pre_release");
    if (pre) {
        SX_CHECK(sx_cfg_check(cfg, pre, pre_fields, sizeof pre_fields / sizeof *pre_fields));
        SX_CHECK(sx_cfg_get_double(cfg, pre, "trigger", 0, &v));
        r->pre_trigger = v * qf;
        SX_CHECK(sx_cfg_get_double(cfg, pre, "horizon_hours", 0, &v));
        r->pre_horizon = v * 3600;
        SX_CHECK(sx_cfg_get_double(cfg, pre, "release", 0, &v));
        r->pre_release = v * qf;
        SX_CHECK(sx_cfg_get_double(cfg, pre, "lowest_level", 0, &v));
        r->pre_lowest = v * zf;
        if (!(r->pre_lowest < r->z_limit))
            return sx_cfg_fail_at(cfg, sx_cfg_map_get(pre, "lowest_level"),
                                  "pre_release.lowest_level %g is not below flood_limit_level %g; the pre-release "
                                  "(预泄) draws the level below the flood-limit level", r->pre_lowest / zf,
                                  r->z_limit / zf);
        if (!(r->pre_release <= r->q_safe))
            return sx_cfg_fail_at(cfg, sx_cfg_map_get(pre, "release"),
                                  "pre_release.release %g exceeds safe_discharge %g; the pre-release may not flood the "
                                  "downstream reach", r->pre_release / qf, r->q_safe / qf);
    }
    SX_CHECK(sx_reservoir_rules_check(r, c, path));
    const char *rp;
    SX_CHECK(sx_cfg_get_string(cfg, root, "release", NULL, &rp));
    if (!rp) return SX_OK;
    char full[4096], dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    if (rp[0] == '/')
        snprintf(full, sizeof full, "%s", rp);
    else
        snprintf(full, sizeof full, "%s/%s", dirname(dir), rp);
    SX_ALLOC(*release, in->n, "specified releases");
    return sx__step_reservoir_release_read(full, in, *release);
}

sx_err sx__step_reservoir_rules_read(const char *path, const sx_reservoir_curves_t *c, const sx_hydro_series_t *in,
                                     sx_reservoir_rules_t *r, double **release)
{
    memset(r, 0, sizeof *r);
    *release = NULL;
    sx_cfg_t *cfg = NULL;
    SX_CHECK(sx_cfg_parse_file(path, &cfg));
    sx_err e = read_rules(cfg, path, c, in, r, release);
    sx_cfg_destroy(&cfg);
    if (e) {
        free(*release);
        *release = NULL;
        sx_err_trace(SX__FILE, __LINE__);
    }
    return e;
}
