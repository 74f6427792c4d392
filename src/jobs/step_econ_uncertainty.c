/*
 * step_econ_uncertainty.c — job step `econ_uncertainty`: the index of an
 * econ_index description, then Monte Carlo over normalisation, aggregation,
 * imputation and weights across the job's ranks (sx_econ_mc_run), writing
 * the nominal index tables plus uncertainty.csv and sensitivity.csv.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/econ_step_opts.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"
#include "sanxiang/sx_output.h"

static const sx_cfg_field_t fields[] = {
    SX_ECON_INDEX_FIELDS,
    {"samples", SX_CFG_T_INT, 0, "1000", 2, 1e12, NULL, "base samples N (model runs = 6 N)"},
    {"seed", SX_CFG_T_INT, 0, "20240101", 0, 9.2e18, NULL, "random seed (results depend on it, not on the ranks)"},
    {"batch", SX_CFG_T_INT, 0, "128", 1, 1024, NULL, "base samples per BLAS batch (fixed: changing it changes nothing but speed)"},
    {"weight_spread", SX_CFG_T_FLOAT, 0, "0.25", 0, 0.99, NULL, "weights multiplied by U(1-s, 1+s)"},
    {"vary_normalisation", SX_CFG_T_BOOL, 0, "true", 1, 0, NULL, "min-max / z-score / rank"},
    {"vary_aggregation", SX_CFG_T_BOOL, 0, "true", 1, 0, NULL, "arithmetic / geometric"},
    {"vary_imputation", SX_CFG_T_BOOL, 0, "true", 1, 0, NULL, "imputation on / off"},
    {"vary_weights", SX_CFG_T_BOOL, 0, "true", 1, 0, NULL, "perturb weights"},
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    sx_econ_index_opts_t o;
    sx_econ_mc_opts_t mo = {0};
    const char *sub;
    int64_t iv;
    char dir[SX_PATH_MAX];
    static sx_econ_ahp_t ahp[16];
    SX_CHECK(sx__econ_index_opts_from_cfg(job, node, &o, ahp));
    if (o.norm_panel)
        return sx_cfg_fail_at(cfg, sx_cfg_map_get(node, "normalise_scope"),
                              "the Monte Carlo analysis normalises within the scored year; use normalise_scope: year");
    SX_CHECK(sx_cfg_get_int(cfg, node, "samples", 1000, &mo.n_base));
    SX_CHECK(sx_cfg_get_int(cfg, node, "seed", 20240101, &iv));
    mo.seed = (uint64_t)iv;
    SX_CHECK(sx_cfg_get_int(cfg, node, "batch", 128, &iv));
    mo.batch = (int)iv;
    SX_CHECK(sx_cfg_get_double(cfg, node, "weight_spread", 0.25, &mo.weight_spread));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "vary_normalisation", 1, &mo.vary_norm));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "vary_aggregation", 1, &mo.vary_agg));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "vary_imputation", 1, &mo.vary_impute));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "vary_weights", 1, &mo.vary_weights));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "index", &sub));
    SX_CHECK(sx_job_out_path(job, sub, dir, sizeof dir));

    sx_econ_index_t *r = NULL;
    double *raw = NULL;
    sx_err err = sx_econ_index_compute(&o, &r);
    if (err == SX_OK) {
        size_t n = (size_t)r->data->n_unit * r->frame->n_ind;
        raw = malloc(n * sizeof *raw);
        if (!raw) err = sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "out of memory");
        else {
            memcpy(raw, r->unimputed, n * sizeof *raw);
            if (o.treat) err = sx_econ_treat(raw, r->data->n_unit, r->frame->n_ind, &o.treat_opts, NULL);
        }
    }
    err = sx_err_agree(comm, err);
    if (err == SX_OK) err = sx_econ_index_write(comm, &o, r, dir, sx_job_provenance(job));
    sx_econ_mc_result_t res;
    memset(&res, 0, sizeof res);
    if (err == SX_OK) {
        double t0 = sx_now();
        err = sx_econ_mc_run(comm, r->frame, r->treated, raw, r->data->n_unit, &mo, &res);
        if (err == SX_OK)
            sx_log_info("econ_uncertainty: %lld model runs on %d rank(s) in %.2f s", (long long)res.n_runs, sx_mpi_size(), sx_now() - t0);
    }
    if (err == SX_OK) err = sx_econ_mc_write(comm, &res, r->data->unit, dir);
    if (err == SX_OK) err = sx_econ_svg_bars(comm, &o, r, dir);
    if (err == SX_OK) err = sx_econ_svg_uncertainty(comm, &res, r->data, dir);
    int xlsx = 1;
    if (err == SX_OK) err = sx_cfg_get_bool(cfg, node, "xlsx", 1, &xlsx);
    if (err == SX_OK && xlsx) err = sx__econ_index_xlsx(comm, dir, 1);
    sx_econ_mc_result_fini(&res);
    free(raw);
    sx_econ_index_destroy(&r);
    SX_CHECK(err);
    return SX_OK;
}

const sx_job_step_t sx_step_econ_uncertainty = {
    "econ_uncertainty", "Monte Carlo rank uncertainty and Sobol sensitivity of a composite index", fields,
    sizeof fields / sizeof *fields, run, "econ uncertainty", "/",
    "Monte Carlo over normalisation, aggregation, imputation and weights, spread over the MPI ranks with identical\n"
    "results at any rank count: median rank and 5-95 % interval per unit (uncertainty.csv), first-order and total\n"
    "Sobol indices (sensitivity.csv). Example: mpirun -np 4 sanxiang econ uncertainty jobs/asem_uncertainty.yaml"};
