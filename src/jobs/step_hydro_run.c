/*
 * step_hydro_run.c — steps `hydro_run` (one rainfall–runoff model over one
 * basin's forcing, `sanxiang hydro run`) and `hydro_params` (the parameter
 * table of a model, `sanxiang hydro params`). A basin series is small: rank 0
 * does the work, the other ranks wait for the step's agreement.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/step_hydro_common.h"
#include "sanxiang/sx_hydro.h"
#include "sanxiang/sx_hydro_eval.h"
#include "sanxiang/sx_hydro_io.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"

static const sx_cfg_field_t run_fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "hydro_run"},
    {"model", SX_CFG_T_ENUM, 1, NULL, 1, 0, "xaj|gr4j", "rainfall-runoff model (`sanxiang hydro params MODEL` lists it)",
     "1", "MODEL"},
    {"forcing", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "CSV time,P,E (mm per step), optionally Q (observed)", NULL,
     "F.csv"},
    {"params", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL, "parameters NAME: value (the others default)", "--param", "NAME=VALUE"},
    {"init", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL, "initial states NAME: value", "--init", "NAME=VALUE"},
    {"net_rain", SX_CFG_T_ENUM, 0, "pet", 1, 0, "pet|aet", "Xinanjiang net-rain definition (docs/flood-forecasting.md)"},
    {"area", SX_CFG_T_FLOAT, 0, NULL, 1e-9, 1e9, NULL, "basin area (km2): discharge in m3/s instead of mm per step",
     NULL, "KM2"},
    {"dt_hours", SX_CFG_T_FLOAT, 0, "from the times, else 24", 1e-6, 8784, NULL, "length of a step in hours", NULL,
     "H"},
    {"warmup", SX_CFG_T_INT, 0, "0", 0, 1e9, NULL, "steps left out of the NSE and KGE against Q"},
    {"output", SX_CFG_T_STRING, 0, "run", 1, 0, NULL, "CSV of time,Q", "-o", "OUT.csv"},
};

static sx_err run_run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    (void)comm;
    if (sx_mpi_rank() != 0) return SX_OK;
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *model, *forcing, *netrain, *output, *pn[SX_STEP_HYDRO_MAX_NAMED], *in[SX_STEP_HYDRO_MAX_NAMED];
    double pv[SX_STEP_HYDRO_MAX_NAMED], iv[SX_STEP_HYDRO_MAX_NAMED], area, dth;
    int np, ni;
    int64_t warmup;
    char path[SX_PATH_MAX];
    SX_CHECK(sx_cfg_get_string(cfg, node, "model", NULL, &model));
    SX_CHECK(sx_job_input(job, node, "forcing", &forcing));
    SX_CHECK(sx_cfg_get_string(cfg, node, "net_rain", "pet", &netrain));
    SX_CHECK(sx_cfg_get_double(cfg, node, "area", 0, &area));
    SX_CHECK(sx_cfg_get_double(cfg, node, "dt_hours", 0, &dth));
    SX_CHECK(sx_cfg_get_int(cfg, node, "warmup", 0, &warmup));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "run", &output));
    SX_CHECK(sx__step_named_values(cfg, sx_cfg_map_get(node, "params"), pn, pv, &np));
    SX_CHECK(sx__step_named_values(cfg, sx_cfg_map_get(node, "init"), in, iv, &ni));
    SX_CHECK(sx_job_out_file(job, output, ".csv", path, sizeof path));
    static const char *const req[] = {"P", "E"}, *const opt[] = {"Q"};
    sx_hydro_series_t f;
    SX_CHECK(sx_hydro_series_read(forcing, req, 2, opt, 1, &f));
    double *q = calloc((size_t)f.n, sizeof *q);
    sx_err e = q ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate %lld steps", (long long)f.n);
    sx_hydro_setup_t s = {model, strcmp(model, "xaj") ? NULL : "net_rain", netrain, NULL, pn, pv, np, in, iv, ni};
    if (!e) e = sx_hydro_simulate(&s, f.n, sx_hydro_series_col(&f, "P"), sx_hydro_series_col(&f, "E"), q);
    double hours = 24;
    if (!e && area > 0) e = sx_hydro_series_step_hours(&f, dth, &hours);
    double factor = area > 0 ? area / (3.6 * hours) : 1.0;
    for (int64_t t = 0; !e && t < f.n; t++) q[t] *= factor;
    const double *obs = sx_hydro_series_col(&f, "Q");
    if (!e && obs && warmup < f.n - 1) {
        double nse, kge;
        e = sx_hydro_score(SX_OBJ_NSE, obs, q, warmup, f.n, &nse);
        if (!e) e = sx_hydro_score(SX_OBJ_KGE, obs, q, warmup, f.n, &kge);
        if (!e)
            sx_log_info("hydro run %s: NSE (DC) %.4f, KGE %.4f against Q over steps %lld..%lld", model, nse, kge,
                        (long long)warmup + 1, (long long)f.n);
    }
    static const char *const names[] = {"Q"};
    const double *cols[] = {q};
    if (!e) e = sx_hydro_series_write(path, &f, 1, names, cols);
    if (!e) sx_log_info("hydro run %s: %lld steps -> %s (%s)", model, (long long)f.n, path, area > 0 ? "m3/s" : "mm/step");
    free(q);
    sx_hydro_series_fini(&f);
    return e;
}

static const sx_cfg_field_t params_fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "hydro_params"},
    {"model", SX_CFG_T_ENUM, 1, NULL, 1, 0, "xaj|gr4j", "rainfall-runoff model", "1", "MODEL"},
};

static sx_err run_params(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    (void)comm;
    const char *model;
    const sx_hydro_kind_t *k;
    SX_CHECK(sx_cfg_get_string(sx_job_cfg(job), node, "model", NULL, &model));
    SX_CHECK(sx_hydro_kind_find(model, &k));
    if (sx_mpi_rank()) return SX_OK;
    printf("%s — %s\n\nparameters:\n  %-5s %-8s %10s %10s %10s %10s  %s\n", sx_hydro_kind_name(k),
           sx_hydro_kind_summary(k), "name", "units", "default", "min", "max", "cal.range", "description");
    for (int i = 0; i < sx_hydro_kind_nparams(k); i++) {
        const sx_hydro_var_t *v = sx_hydro_kind_param(k, i);
        char cal[48];
        snprintf(cal, sizeof cal, "%g..%g", v->cal_lo, v->cal_hi);
        printf("  %-5s %-8s %10g %10g %10g %10s  %s\n", v->name, v->units, v->def, v->min, v->max, cal, v->description);
    }
    printf("states:\n");
    for (int i = 0; i < sx_hydro_kind_nstates(k); i++) {
        const sx_hydro_var_t *v = sx_hydro_kind_state(k, i);
        printf("  %-5s %-8s  %s\n", v->name, v->units, v->description);
    }
    for (int i = 0; i < sx_hydro_kind_noptions(k); i++) {
        const sx_hydro_option_t *o = sx_hydro_kind_option(k, i);
        printf("option %s = %s: %s\n", o->name, o->choices, o->description);
    }
    return SX_OK;
}

const sx_job_step_t sx_step_hydro_run = {
    "hydro_run", "run a rainfall-runoff model (GR4J, Xinanjiang) over one basin's forcing", run_fields,
    sizeof run_fields / sizeof *run_fields, run_run, "hydro run", ".csv",
    "F.csv has columns time,P,E (mm per step) and optionally Q (observed, same unit as the output). OUT.csv has\n"
    "time,Q in mm per step, or m3/s with --area. GR4J (Perrin et al. 2003): X1 mm, X2 mm/step, X3 mm, X4 step;\n"
    "states S, R (mm). Xinanjiang (Zhao 1992): K, WM, WUM, WLM, C, B, IM, SM, EX, KG, KI, CI, CG, CS, L; states\n"
    "WU, WL, WD, S (mm), FR. `sanxiang hydro params xaj|gr4j` lists units, bounds and defaults."};
const sx_job_step_t sx_step_hydro_params = {
    "hydro_params", "parameters, states and options of a model, with units, bounds and defaults", params_fields,
    sizeof params_fields / sizeof *params_fields, run_params, "hydro params", NULL, NULL, 1};
