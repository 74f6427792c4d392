/*
 * step_hydro_reservoir.c — step `hydro_reservoir` (`sanxiang hydro
 * reservoir`): one inflow series routed through one reservoir by level-pool
 * routing (storage indication, src/hydro/reservoir_route.c) from an initial
 * level, an initial storage or the steady state "outflow = inflow", the
 * capacity from the curves' outflow column or from `structures` (the parser
 * the forecast network's reservoirs use). The
 * columns keep the units their headers name (CURVES.csv's level, storage and
 * outflow units, IN.csv's inflow unit); the log states the water balance.
 * Rank 0 does the work (one series is tiny); the runner agrees on errors.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/step_hydro_common.h"
#include "jobs/step_hydro_reservoir.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_strbuf.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "hydro_reservoir"},
    {"inflow", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "CSV time,inflow (m3/s; inflow_cfs in cfs) at a fixed step",
     NULL, "IN.csv"},
    {"curves", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL,
     "CSV level,storage,outflow: storage and outflow capacity at each level (units from the header: level_ft, "
     "storage_1e4m3, storage_1e8m3, storage_acft, outflow_cfs)", NULL, "CURVES.csv"},
    {"structures", SX_CFG_T_LIST, 0, "the curves' outflow column", 1, 0, NULL,
     "outflow capacity from weirs, gates and outlets (one group per value; CURVES.csv then needs only "
     "level,storage): type weir|gate|outlet, count, crest, width, area, opening, m, mu (docs/flood-forecasting.md)",
     NULL, "'{type: gate, count: N, crest: Z, width: B, opening: E, mu: MU, m: M}'"},
    {"rules", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL,
     "YAML operating rules: flood_limit_level, flood_control_high_level, safe_discharge, stages, ramp_rate, "
     "release (docs/flood-forecasting.md)", NULL, "RULES.yaml"},
    {"initial_level", SX_CFG_T_FLOAT, 0, "outflow = inflow (with rules: the flood-limit level)", -1e6, 1e6, NULL,
     "level at the first time, in the curve's level unit", NULL, "Z"},
    {"initial_storage", SX_CFG_T_FLOAT, 0, "outflow = inflow (with rules: the flood-limit level)", 0, 1e15, NULL,
     "storage at the first time, in the curve's storage unit", NULL, "S"},
    {"dt", SX_CFG_T_FLOAT, 0, "from the times", 1e-6, 8784, NULL, "step of the series (hours); needed for step numbers",
     NULL, "HOURS"},
    {"output", SX_CFG_T_STRING, 0, "reservoir", 1, 0, NULL, "CSV time,inflow,outflow,storage,level[,rule]", "-o",
     "OUT.csv"},
};
#define NF (sizeof fields / sizeof *fields)

/* The inflow column the series has, and its unit; fails listing the accepted names. */
static sx_err inflow_column(const sx_hydro_series_t *s, const char *path, const double **q, sx_reservoir_unit_t *unit)
{
    char names[128] = "";
    for (const sx_reservoir_unit_t *u = sx_reservoir_units("inflow"); u->name; u++) {
        size_t o = strlen(names);
        snprintf(names + o, sizeof names - o, "%s%s", o ? ", " : "", u->name);
        const double *c = sx_hydro_series_col(s, u->name);
        if (!c) continue;
        SX_FAIL_IF(*q, SX_ERR_INPUT, "%s: columns '%s' and '%s' both give the inflow; keep one", path, unit->name,
                   u->name);
        *q = c;
        *unit = *u;
    }
    SX_FAIL_IF(!*q, SX_ERR_INPUT, "%s: header has no inflow column (needs time,inflow; one of %s)", path, names);
    return SX_OK;
}

/* Initial storage (m3): the level or the storage given, else outflow = inflow. */
static sx_err initial_storage(const sx_cfg_t *cfg, const sx_cfg_node_t *node, const sx_reservoir_curves_t *c,
                              const sx_reservoir_rules_t *rules, double q0, double *s0, const char **how)
{
    double z, s;
    SX_CHECK(sx_cfg_get_double(cfg, node, "initial_level", NAN, &z));
    SX_CHECK(sx_cfg_get_double(cfg, node, "initial_storage", NAN, &s));
    char zk[48], sk[48];
    sx_cfg_key_label(cfg, fields, NF, "initial_level", zk, sizeof zk);
    sx_cfg_key_label(cfg, fields, NF, "initial_storage", sk, sizeof sk);
    if (!isnan(z)) {
        *how = "initial level";
        return sx_reservoir_storage_at(c, z * c->unit[0].to_si, zk, s0);
    }
    if (!isnan(s)) {
        *how = "initial storage";
        *s0 = s * c->unit[1].to_si;
        return sx_reservoir_storage_check(c, *s0, sk);
    }
    if (rules) {
        *how = "the flood-limit level";
        return sx_reservoir_storage_at(c, rules->z_limit, "flood_limit_level", s0);
    }
    *how = "outflow = inflow";
    return sx_reservoir_storage_steady(c, q0, s0);
}

/* OUT.csv: the series in the units of the input headers, and the governing rule when there are rules. */
static sx_err write_out(const char *path, const sx_hydro_series_t *s, const char *const *names, const double *const *cols,
                        const sx_reservoir_rule_t *rule)
{
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_printf(&sb, "time,%s,%s,%s,%s%s\n", names[0], names[1], names[2], names[3], rule ? ",rule" : "");
    for (int64_t j = 0; j < s->n; j++) {
        sx_strbuf_puts(&sb, s->time[j]);
        for (int k = 0; k < 4; k++) sx_strbuf_printf(&sb, ",%.10g", cols[k][j]);
        if (rule) sx_strbuf_printf(&sb, ",%s", sx_reservoir_rule_name(rule[j]));
        sx_strbuf_puts(&sb, "\n");
    }
    sx_err e = sb.failed ? sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot format '%s'", path)
                         : sx_write_text_file(path, sb.data);
    sx_strbuf_fini(&sb);
    return e;
}

/* The log names the rule that governs each stretch of steps. */
void sx__step_reservoir_log_rules(const char *who, int64_t n, const char *const *time, const sx_reservoir_rule_t *rule,
                                  const double *lev, const double *out)
{
    for (int64_t j = 0, k; j < n; j = k) {
        for (k = j + 1; k < n && rule[k] == rule[j];) k++;
        sx_log_info("%s: %s .. %s: rule %s (level %.3f -> %.3f m, release %.6g -> %.6g m3/s)", who, time[j], time[k - 1],
                    sx_reservoir_rule_name(rule[j]), lev[j], lev[k - 1], out[j], out[k - 1]);
    }
}

static sx_err route(sx_job_t *job, const sx_cfg_node_t *node, const sx_hydro_series_t *s, const char *in,
                    const sx_reservoir_curves_t *c, const sx_reservoir_rules_t *rules, const double *release,
                    double dt_h, double *w, sx_reservoir_rule_t *rule)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const double *qin = NULL;
    sx_reservoir_unit_t iu = {0};
    SX_CHECK(inflow_column(s, in, &qin, &iu));
    const int64_t n = s->n;
    double *inf = w, *out = w + n, *sto = w + 2 * n, *lev = w + 3 * n;
    for (int64_t j = 0; j < n; j++) inf[j] = qin[j] * iu.to_si;
    double s0;
    const char *how;
    SX_CHECK(initial_storage(cfg, node, c, rules, inf[0], &s0, &how));
    SX_CHECK(sx_reservoir_operate(c, rules, dt_h * 3600, n, inf, release, s0, (const char *const *)s->time, out, sto,
                                  lev, rule));
    double vin, vout, ds;
    sx_reservoir_balance(dt_h * 3600, n, inf, out, sto, &vin, &vout, &ds);
    int64_t pi = 0, po = 0, pz = 0;
    for (int64_t j = 1; j < n; j++) {
        if (inf[j] > inf[pi]) pi = j;
        if (out[j] > out[po]) po = j;
        if (lev[j] > lev[pz]) pz = j;
    }
    if (rules) sx__step_reservoir_log_rules("hydro reservoir", n, (const char *const *)s->time, rule, lev, out);
    sx_log_info("hydro reservoir: %lld steps of %.4g h from %s (level %.3f m, storage %.6g m3); inflow peak %.6g m3/s "
                "at %s, outflow peak %.6g m3/s at %s, highest level %.3f m at %s; water balance: inflow %.9g m3 - "
                "outflow %.9g m3 = %.9g m3, storage change %.9g m3, residual %.3g m3", (long long)n, dt_h, how, lev[0],
                sto[0], inf[pi], s->time[pi], out[po], s->time[po], lev[pz], s->time[pz], vin, vout, vin - vout, ds,
                vin - vout - ds);
    /* written in the units the input headers named */
    for (int64_t j = 0; j < n; j++) {
        inf[j] = qin[j];
        out[j] /= c->unit[2].to_si;
        sto[j] /= c->unit[1].to_si;
        lev[j] /= c->unit[0].to_si;
    }
    char path[SX_PATH_MAX];
    const char *output;
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "reservoir", &output));
    SX_CHECK(sx_job_out_file(job, output, ".csv", path, sizeof path));
    const char *names[] = {iu.name, c->unit[2].name, c->unit[1].name, c->unit[0].name};
    const double *cols[] = {inf, out, sto, lev};
    return write_out(path, s, names, cols, rules ? rule : NULL);
}

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    (void)comm;
    const sx_cfg_t *cfg = sx_job_cfg(job);
    double dt;
    SX_CHECK(sx_cfg_get_double(cfg, node, "dt", 0, &dt));
    if (sx_cfg_map_get(node, "initial_level") && sx_cfg_map_get(node, "initial_storage")) {
        char zk[48], sk[48];
        return sx_cfg_fail_at(cfg, node, "give %s or %s, not both",
                              sx_cfg_key_label(cfg, fields, NF, "initial_level", zk, sizeof zk),
                              sx_cfg_key_label(cfg, fields, NF, "initial_storage", sk, sizeof sk));
    }
    if (sx_mpi_rank() != 0) return SX_OK;
    const char *in, *cv;
    SX_CHECK(sx_job_input(job, node, "inflow", &in));
    SX_CHECK(sx_job_input(job, node, "curves", &cv));
    sx_reservoir_curves_t c;
    const sx_cfg_node_t *st = sx_cfg_map_get(node, "structures");
    SX_CHECK(st ? sx_reservoir_curves_read_zv(cv, &c) : sx_reservoir_curves_read(cv, &c));
    if (st) {
        sx_err se = sx__step_reservoir_structures(cfg, st, &c, cv);
        if (se) {
            sx_reservoir_curves_fini(&c);
            return se;
        }
    }
    const sx_reservoir_unit_t *iu = sx_reservoir_units("inflow");
    const char *opt[8];
    int nopt = 0;
    for (; iu[nopt].name && nopt < 8; nopt++) opt[nopt] = iu[nopt].name;
    sx_hydro_series_t s;
    sx_err e = sx_hydro_series_read(in, NULL, 0, opt, nopt, &s);
    if (e) {
        sx_reservoir_curves_fini(&c);
        return e;
    }
    char dt_key[32];
    if (dt <= 0 && !s.time_is_date)
        e = sx_cfg_fail_at(cfg, node, "%s has step numbers, not dates: give the step in hours (%s)", in,
                           sx_cfg_key_label(cfg, fields, NF, "dt", dt_key, sizeof dt_key));
    if (!e && dt > 0 && s.time_is_date && s.n > 1 && fabs(s.dt - dt * 3600) > 1e-6 * s.dt)
        e = sx_cfg_fail_at(cfg, node, "%s = %g h but %s steps %g h; leave it out (the times give the step)",
                           sx_cfg_key_label(cfg, fields, NF, "dt", dt_key, sizeof dt_key), dt, in, s.dt / 3600);
    if (!e && dt <= 0) dt = s.dt / 3600.0;
    const char *rp = NULL;
    if (!e) e = sx_cfg_get_string(cfg, node, "rules", NULL, &rp);
    if (!e && rp) e = sx_job_input(job, node, "rules", &rp);
    sx_reservoir_rules_t rules;
    double *release = NULL, *w = NULL;
    if (!e && rp) e = sx__step_reservoir_rules_read(rp, &c, &s, &rules, &release);
    sx_reservoir_rule_t *rule = NULL;
    if (!e) {
        w = malloc(4 * (size_t)s.n * sizeof *w);
        rule = malloc((size_t)s.n * sizeof *rule);
        if (!w || !rule)
            e = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory routing %lld steps", (long long)s.n);
    }
    if (!e) e = route(job, node, &s, in, &c, rp ? &rules : NULL, release, dt, w, rule);
    free(rule);
    free(release);
    free(w);
    sx_hydro_series_fini(&s);
    sx_reservoir_curves_fini(&c);
    return e;
}

const sx_job_step_t sx_step_hydro_reservoir = {
    "hydro_reservoir", "route an inflow series through a reservoir (level pool, storage indication)", fields, NF,
    run, "hydro reservoir", ".csv",
    "Level-pool routing by the storage-indication (modified Puls) method: 2S2/dt + O2 = I1 + I2 + 2S1/dt - O1,\n"
    "with S and O interpolated linearly between the rows of CURVES.csv (never extrapolated). The first state is\n"
    "--initial-level, --initial-storage (in the curve's units) or, by default, outflow = inflow (with --rules:\n"
    "the flood-limit level). OUT.csv has time,inflow,outflow,storage,level in the units of the input headers,\n"
    "and with --rules the rule that governed each step. --structures (repeatable) takes the capacity from weirs,\n"
    "gates and outlets instead of the outflow column, each group as in a job file, e.g.\n"
    "--structures '{type: weir, count: 2, crest: 120, width: 10, m: 0.45}'."};
