/*
 * step_hydro_forecast_reservoir.c — the reservoir nodes of a `hydro_forecast`
 * network as the job file gives them: a sub-basin entry with
 *   reservoir: {curves: ZV.csv, rules: RULES.yaml, initial_level: Z,
 *               structures: [{type: weir|gate|outlet, ...}],
 *               compensation: {station: ID, safe_discharge: Q}}
 * The curves file is the one of `hydro reservoir` (level, storage, outflow
 * with units in the header); with `structures` the outflow column is not
 * read and the capacity comes from the weirs, gates and outlets
 * (reservoir_structures.c; the key is read by step_hydro_reservoir_structures.c,
 * as for `hydro reservoir --structures`). The rules file is the one of `hydro reservoir`
 * (step_hydro_reservoir_rules.c), its specified releases aligned with the
 * forcing's times. Errors name the job file, line and key (or the curves /
 * rules file, row and key).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/step_hydro_forecast.h"
#include "jobs/step_hydro_reservoir.h"
#include "sanxiang/sx_log.h"

static const sx_cfg_field_t res_fields[] = {
    {"curves", SX_CFG_T_PATH, 1, NULL, 1, 0, NULL, "CSV level,storage[,outflow] (units in the header)"},
    {"rules", SX_CFG_T_PATH, 0, NULL, 1, 0, NULL, "operating rules YAML (as `hydro reservoir --rules`)"},
    {"initial_level", SX_CFG_T_FLOAT, 0, "flood-limit level (no rules: outflow = inflow)", -1e6, 1e6, NULL,
     "observed level at the window's first row of a cold start (curve's level unit); a hot start routes on from "
     "the state file"},
    {"design_level", SX_CFG_T_FLOAT, 0, "none", -1e6, 1e6, NULL,
     "设计洪水位, design flood level (curve's level unit): the ensemble's share of members above it"},
    {"structures", SX_CFG_T_LIST, 0, NULL, 1, 0, NULL,
     "outflow capacity from weirs, gates and outlets instead of the curves' outflow column"},
    {"compensation", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL,
     "错峰 {station: ID, safe_discharge: m3/s}: hold the release so the station stays at its safe discharge"},
};
static const sx_cfg_field_t comp_fields[] = {
    {"station", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "sub-basin id of the downstream control point"},
    {"safe_discharge", SX_CFG_T_FLOAT, 1, NULL, 0, 1e9, NULL, "its safe discharge (m3/s)"},
};
#define N(a) (sizeof a / sizeof *a)

static sx_err one(sx_job_t *job, const sx_cfg_node_t *rn, const char *id, fc_t *f, fc_reservoir_t *r)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    SX_CHECK(sx_cfg_check(cfg, rn, res_fields, N(res_fields)));
    snprintf(r->what, sizeof r->what, "%s: reservoir '%s'", sx_cfg_source(cfg), id);
    const char *cv, *rp = NULL;
    SX_CHECK(sx_cfg_get_string(cfg, rn, "curves", NULL, &cv));
    SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(rn, "curves"), cv, &cv));
    const sx_cfg_node_t *st = sx_cfg_map_get(rn, "structures");
    SX_CHECK(st ? sx_reservoir_curves_read_zv(cv, &r->curves) : sx_reservoir_curves_read(cv, &r->curves));
    if (st) SX_CHECK(sx__step_reservoir_structures(cfg, st, &r->curves, r->what));
    SX_CHECK(sx_cfg_get_string(cfg, rn, "rules", NULL, &rp));
    if (rp) {
        SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(rn, "rules"), rp, &rp));
        SX_CHECK(sx__step_reservoir_rules_read(rp, &r->curves, &f->s, &r->rules, &r->release));
    }
    double z0, zd;
    SX_CHECK(sx_cfg_get_double(cfg, rn, "initial_level", NAN, &z0));
    SX_CHECK(sx_cfg_get_double(cfg, rn, "design_level", NAN, &zd));
    r->net.z_design = zd * r->curves.unit[0].to_si;
    if (!isnan(zd) && rp && !(r->net.z_design >= r->rules.z_high))
        return sx_cfg_fail_at(cfg, sx_cfg_map_get(rn, "design_level"),
                              "design_level (设计洪水位) %g lies below flood_control_high_level (防洪高水位) %g of %s; "
                              "correct the levels", zd, r->rules.z_high / r->curves.unit[0].to_si, rp);
    r->net.curves = &r->curves;
    r->net.rules = rp ? &r->rules : NULL;
    r->net.z0 = z0 * r->curves.unit[0].to_si;
    r->net.release = r->release ? r->release + f->c.start : NULL;
    r->net.comp_node = -1;
    r->net.what = r->what;
    if (!isnan(z0)) {
        double s;
        char key[200];
        snprintf(key, sizeof key, "%s: initial_level", r->what);
        SX_CHECK(sx_reservoir_storage_at(&r->curves, r->net.z0, key, &s));
    }
    const sx_cfg_node_t *cp = sx_cfg_map_get(rn, "compensation");
    if (cp) SX_CHECK(sx__hydro_reservoir_compensation(cfg, cp, f, rp != NULL, &r->net));
    sx_log_info("hydro_forecast: reservoir at '%s': %d curve rows from '%s'%s%s%s", id, r->curves.n, cv,
                st ? ", capacity from the structures" : "", rp ? ", rules " : "", rp ? rp : "");
    return SX_OK;
}

sx_err sx__hydro_reservoir_compensation(const sx_cfg_t *cfg, const sx_cfg_node_t *cp, const fc_t *f, int has_rules,
                                        sx_hydro_net_reservoir_t *net)
{
    const char *off = sx_cfg_node_text(cp);
    if (off) {
        if (strcmp(off, "none"))
            return sx_cfg_fail_at(cfg, cp, "give {station: ID, safe_discharge: m3/s}, or none to switch it off");
        net->comp_node = -1;
        return SX_OK;
    }
    SX_CHECK(sx_cfg_check(cfg, cp, comp_fields, N(comp_fields)));
    if (!has_rules) return sx_cfg_fail_at(cfg, cp, "compensation needs the reservoir's `rules` (it caps a ruled release)");
    const char *sid;
    SX_CHECK(sx_cfg_get_string(cfg, cp, "station", NULL, &sid));
    SX_CHECK(sx_cfg_get_double(cfg, cp, "safe_discharge", 0, &net->comp_q));
    net->comp_node = -1;
    for (int i = 0; i < f->c.nnodes; i++)
        if (!strcmp(f->nodes[i].id, sid)) net->comp_node = i;
    if (net->comp_node < 0)
        return sx_cfg_fail_at(cfg, sx_cfg_map_get(cp, "station"), "station '%s' is not a sub-basin id", sid);
    return SX_OK;
}

sx_err sx__hydro_forecast_reservoirs(sx_job_t *job, const sx_cfg_node_t *subs, fc_t *f)
{
    for (size_t j = 0; j < sx_cfg_node_len(subs); j++) {
        const sx_cfg_node_t *sb = sx_cfg_node_at(subs, j), *rn = sx_cfg_map_get(sb, "reservoir");
        if (!rn) continue;
        const char *id = sx_cfg_node_text(sx_cfg_map_get(sb, "id"));
        int i = 0;
        while (i < f->c.nnodes && strcmp(f->nodes[i].id, id ? id : "")) i++;
        if (i == f->c.nnodes) continue; /* the sub-basin check has refused it */
        f->resv[i] = calloc(1, sizeof *f->resv[i]);
        SX_FAIL_IF(!f->resv[i], SX_ERR_NOMEM, "out of memory");
        SX_CHECK(one(job, rn, id, f, f->resv[i]));
        f->resp[i] = &f->resv[i]->net;
        f->c.reservoirs = f->resp;
    }
    return SX_OK;
}

void sx__hydro_forecast_reservoirs_fini(fc_t *f)
{
    for (int i = 0; i < 256; i++)
        if (f->resv[i]) {
            sx_reservoir_curves_fini(&f->resv[i]->curves);
            free(f->resv[i]->release);
            free(f->resv[i]);
            f->resv[i] = NULL;
        }
}
