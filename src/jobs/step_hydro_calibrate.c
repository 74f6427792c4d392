/*
 * step_hydro_calibrate.c — job step `hydro_calibrate`: SCE-UA calibration of
 * a rainfall–runoff model on one basin's forcing and observed discharge,
 * then the calibrated run judged by GB/T 22482-2008. Writes to the run
 * directory: <output>.csv (parameters), <output>_sim.csv (time,Q_obs,Q_sim)
 * <output>_gbt22482.csv (event table with pass rate and grade) and
 * <output>_population.csv (the final SCE-UA population, best first, for
 * ensemble `parameter_sets`).
 * The same parameters come out at any rank count (see sx_hydro_sceua.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/step_hydro_common.h"
#include "sanxiang/sx_hydro.h"
#include "sanxiang/sx_hydro_eval.h"
#include "sanxiang/sx_hydro_io.h"
#include "sanxiang/sx_hydro_sceua.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_perf.h"
#include "sanxiang/sx_strbuf.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "hydro_calibrate"},
    {"model", SX_CFG_T_ENUM, 0, "xaj", 1, 0, "xaj|gr4j", "rainfall-runoff model", "1", "MODEL"},
    {"forcing", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "CSV time,P,E,Q (mm per step; Q observed)", NULL, "F.csv"},
    {"objective", SX_CFG_T_ENUM, 0, "nse", 1, 0, "nse|kge|lognse|peak", "objective"},
    {"warmup", SX_CFG_T_INT, 0, "0", 0, 1e9, NULL, "steps excluded from the objective"},
    {"fix", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL, "parameters held fixed NAME: value", "--fix", "NAME=VALUE"},
    {"init", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL, "initial states NAME: value", "--init", "NAME=VALUE"},
    {"net_rain", SX_CFG_T_ENUM, 0, "pet", 1, 0, "pet|aet", "Xinanjiang net-rain definition"},
    {"complexes", SX_CFG_T_INT, 0, "4", 1, 1000, NULL, "SCE-UA complexes (spread over ranks)"},
    {"max_evals", SX_CFG_T_INT, 0, "10000", 10, 1e9, NULL, "evaluation budget"},
    {"seed", SX_CFG_T_INT, 0, "1", 0, 9.2e18, NULL, "random seed"},
    {"event_threshold", SX_CFG_T_FLOAT, 0, "0", 0, 1e9, NULL, "GB/T 22482 events: observed Q >= this (mm/step)"},
    {"output", SX_CFG_T_STRING, 0, "calibration", 1, 0, NULL, "base name of the output files", "-o", "PARAMS.csv"},
};

static sx_err write_results(sx_job_t *job, const char *base, const sx_hydro_calib_t *c, const sx_hydro_series_t *s,
                            const double *p, double score, const sx_sceua_result_t *r, double thr)
{
    char path[SX_PATH_MAX];
    const sx_hydro_kind_t *k;
    SX_CHECK(sx_hydro_kind_find(c->model, &k));
    sx_strbuf_t sb;
    sx_strbuf_init(&sb);
    sx_strbuf_puts(&sb, "name,value,units\n");
    for (int i = 0; i < sx_hydro_kind_nparams(k); i++)
        sx_strbuf_printf(&sb, "%s,%.17g,%s\n", sx_hydro_kind_param(k, i)->name, p[i], sx_hydro_kind_param(k, i)->units);
    sx_strbuf_printf(&sb, "# %s = %.10g over steps %lld..%lld; %lld evaluations, %d generations\n",
                     sx_hydro_objective_name(c->objective), score, (long long)c->warmup + 1, (long long)c->n,
                     (long long)r->evals, r->generations);
    SX_CHECK(sx_job_out_file(job, base, ".csv", path, sizeof path));
    sx_err e = sb.failed ? SX_ERR_NOMEM : sx_write_text_file(path, sb.data);
    sx_strbuf_fini(&sb);
    SX_CHECK(e);

    /* the calibrated run */
    double *q = calloc((size_t)c->n, sizeof *q);
    SX_FAIL_IF(!q, SX_ERR_NOMEM, "out of memory");
    sx_hydro_setup_t setup = {c->model, c->noptions ? c->option_names[0] : NULL, c->noptions ? c->option_values[0] : NULL,
                              p, NULL, NULL, 0, c->init_names, c->init_values, c->ninit};
    e = sx_hydro_simulate(&setup, c->n, c->P, c->E, q);
    if (!e) {
        static const char *const names[] = {"Q_obs", "Q_sim"};
        const double *cols[] = {c->Qobs, q};
        e = sx_job_out_file(job, base, "_sim.csv", path, sizeof path);
        if (!e) e = sx_hydro_series_write(path, s, 2, names, cols);
    }
    if (!e && thr > 0) {
        sx_gbt_event_t ev[256];
        int nev = 0;
        sx_gbt_summary_t sum;
        sx_hydro_find_events(c->Qobs + c->warmup, c->n - c->warmup, thr, 2, ev, 256, &nev);
        if (nev > 256) nev = 256;
        for (int i = 0; i < nev; i++) ev[i].start += c->warmup, ev[i].end += c->warmup;
        if (nev == 0) e = sx_err_set(SX_ERR_CONFIG, SX__FILE, __LINE__, "no observed Q >= event_threshold %g", thr);
        if (!e) e = sx_gbt22482_evaluate(c->Qobs, q, c->n, c->warmup, 1.0, ev, nev, &sum);
        if (!e) {
            sx_strbuf_init(&sb);
            e = sx_gbt22482_table(ev, nev, &sum, s->time, &sb);
            if (!e) e = sx_job_out_file(job, base, "_gbt22482.csv", path, sizeof path);
            if (!e) e = sx_write_text_file(path, sb.data);
            sx_strbuf_fini(&sb);
            sx_log_info("GB/T 22482-2008 after calibration: %d events, %d qualified, pass rate %.1f%% (%s); DC %.4f (%s)",
                        sum.nevents, sum.nqualified, sum.pass_rate, sum.grade, sum.dc, sum.dc_grade);
        }
    }
    free(q);
    return e;
}

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *model, *path, *obj, *base, *netrain;
    int64_t warmup, complexes, max_evals, seed;
    double thr;
    SX_CHECK(sx_cfg_get_string(cfg, node, "model", "xaj", &model));
    SX_CHECK(sx_job_input(job, node, "forcing", &path));
    SX_CHECK(sx_cfg_get_string(cfg, node, "objective", "nse", &obj));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "calibration", &base));
    SX_CHECK(sx_cfg_get_string(cfg, node, "net_rain", "pet", &netrain));
    SX_CHECK(sx_cfg_get_int(cfg, node, "warmup", 0, &warmup));
    SX_CHECK(sx_cfg_get_int(cfg, node, "complexes", 4, &complexes));
    SX_CHECK(sx_cfg_get_int(cfg, node, "max_evals", 10000, &max_evals));
    SX_CHECK(sx_cfg_get_int(cfg, node, "seed", 1, &seed));
    SX_CHECK(sx_cfg_get_double(cfg, node, "event_threshold", 0, &thr));
    const char *fn[SX_STEP_HYDRO_MAX_NAMED], *in[SX_STEP_HYDRO_MAX_NAMED];
    double fv[SX_STEP_HYDRO_MAX_NAMED], iv[SX_STEP_HYDRO_MAX_NAMED];
    int nf, ni;
    SX_CHECK(sx__step_named_values(cfg, sx_cfg_map_get(node, "fix"), fn, fv, &nf));
    SX_CHECK(sx__step_named_values(cfg, sx_cfg_map_get(node, "init"), in, iv, &ni));
    static const char *const req[] = {"P", "E", "Q"};
    sx_hydro_series_t s;
    memset(&s, 0, sizeof s);
    sx_err e = SX_OK;
    if (sx_mpi_rank() == 0) e = sx_hydro_series_read(path, req, 3, NULL, 0, &s);
    SX_CHECK(sx_err_agree(comm, e));
    SX_CHECK(sx_hydro_series_bcast(comm, 0, &s));
    const char *optn = "net_rain";
    sx_hydro_calib_t c = {.model = model, .P = sx_hydro_series_col(&s, "P"), .E = sx_hydro_series_col(&s, "E"),
                          .Qobs = sx_hydro_series_col(&s, "Q"), .n = s.n, .warmup = warmup, .fixed_names = fn,
                          .fixed_values = fv, .nfixed = nf, .init_names = in, .init_values = iv, .ninit = ni};
    if (!strcmp(model, "xaj")) c.option_names = &optn, c.option_values = &netrain, c.noptions = 1;
    sx_sceua_opts_t o;
    sx_sceua_defaults(&o);
    o.ncomplex = (int)complexes;
    o.max_evals = max_evals;
    o.seed = (uint64_t)seed;
    o.keep_population = 1;
    double p[64], score = NAN;
    sx_sceua_result_t r = {0};
    e = sx_hydro_objective_parse(obj, &c.objective);
    sx_perf_start("hydro calibrate", SX_PERF_COMPUTE);
    if (!e) e = sx_hydro_calibrate(comm, &c, &o, p, &score, &r);
    sx_perf_stop("hydro calibrate");
    e = sx_err_agree(comm, e);
    if (!e) {
        sx_log_info("hydro_calibrate %s: %s = %.6f after %lld evaluations (%s)", model, obj, score, (long long)r.evals,
                    r.converged ? "converged" : "budget used");
        sx_err w = SX_OK;
        if (sx_mpi_rank() == 0) w = write_results(job, base, &c, &s, p, score, &r, thr);
        char ppath[SX_PATH_MAX];
        if (!w && sx_mpi_rank() == 0) w = sx_job_out_file(job, base, "_population.csv", ppath, sizeof ppath);
        if (!w && sx_mpi_rank() == 0)
            w = sx_hydro_param_sets_write(ppath, model, sx_hydro_objective_name(c.objective), r.pop, r.npop);
        e = sx_err_agree(comm, w);
    }
    free(r.pop);
    sx_hydro_series_fini(&s);
    return e;
}

const sx_job_step_t sx_step_hydro_calibrate = {
    "hydro_calibrate", "SCE-UA calibration of GR4J / Xinanjiang + GB/T 22482", fields, sizeof fields / sizeof *fields,
    run, "hydro calibrate", ".csv",
    "SCE-UA (Duan et al. 1992) over the parameters' calibration ranges; identical at any number of ranks. Writes\n"
    "PARAMS.csv, PARAMS_sim.csv (time,Q_obs,Q_sim), PARAMS_population.csv (the final population, best first, for\n"
    "a forecast's parameter_sets) and, with --event-threshold, PARAMS_gbt22482.csv."};
