/*
 * step_econ_targets.c — job step `econ_targets`: a plan's main-indicator
 * table with completion, required and actual growth and on-track flags
 * (sx_econ_targets_run), written to <run dir>/<output>/.
 */
#include "sanxiang/sx_econ_run.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_output.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "econ_targets"},
    {"plan", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "the plan's indicator table (CSV or XLSX)"},
    {"plan_sheet", SX_CFG_T_STRING, 0, "first sheet", 1, 0, NULL, "XLSX sheet of the plan table"},
    {"values", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "yearly values (CSV: code,year,value); absent = table at the base year"},
    {"values_sheet", SX_CFG_T_STRING, 0, "first sheet", 1, 0, NULL, "XLSX sheet of the yearly values"},
    {"code_column", SX_CFG_T_STRING, 0, "id|code", 1, 0, NULL, "indicator code column"},
    {"name_column", SX_CFG_T_STRING, 0, "indicator_zh|name", 1, 0, NULL, "indicator name column"},
    {"base_column", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "column of baseline values"},
    {"target_column", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "column of target values"},
    {"direction_column", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "column of directions (+1 more is better, -1 less)"},
    {"base_year", SX_CFG_T_INT, 1, NULL, 1900, 2200, NULL, "baseline year"},
    {"target_year", SX_CFG_T_INT, 1, NULL, 1900, 2200, NULL, "target year"},
    {"xlsx", SX_CFG_T_BOOL, 0, "true", 1, 0, NULL, "also write targets.xlsx"},
    {"output", SX_CFG_T_STRING, 0, "targets", 1, 0, NULL, "sub-directory of the run directory", "-o", "DIR"},
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    sx_econ_targets_opts_t o = {0};
    const char *s, *sub;
    int64_t by, ty;
    SX_CHECK(sx_cfg_get_string(cfg, node, "plan", NULL, &s));
    SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(node, "plan"), s, &o.plan_path));
    SX_CHECK(sx_cfg_get_string(cfg, node, "values", NULL, &s));
    if (s) SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(node, "values"), s, &o.values_path));
    SX_CHECK(sx_cfg_get_string(cfg, node, "plan_sheet", NULL, &o.plan_sheet));
    SX_CHECK(sx_cfg_get_string(cfg, node, "values_sheet", NULL, &o.values_sheet));
    SX_CHECK(sx_cfg_get_string(cfg, node, "code_column", NULL, &o.code_col));
    SX_CHECK(sx_cfg_get_string(cfg, node, "name_column", NULL, &o.name_col));
    SX_CHECK(sx_cfg_get_string(cfg, node, "base_column", NULL, &o.base_col));
    SX_CHECK(sx_cfg_get_string(cfg, node, "target_column", NULL, &o.target_col));
    SX_CHECK(sx_cfg_get_string(cfg, node, "direction_column", NULL, &o.dir_col));
    SX_CHECK(sx_cfg_get_int(cfg, node, "base_year", 0, &by));
    SX_CHECK(sx_cfg_get_int(cfg, node, "target_year", 0, &ty));
    if (ty <= by) return sx_cfg_fail_at(cfg, sx_cfg_map_get(node, "target_year"), "target_year must be after base_year");
    o.base_year = (int)by, o.target_year = (int)ty;
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "targets", &sub));
    char dir[SX_PATH_MAX];
    SX_CHECK(sx_job_out_path(job, sub, dir, sizeof dir));
    SX_CHECK(sx_econ_targets_run(comm, &o, dir, sx_job_provenance(job)));
    int xlsx;
    SX_CHECK(sx_cfg_get_bool(cfg, node, "xlsx", 1, &xlsx));
    if (xlsx) {
        static const char *const sheet[] = {"Target tracking"}, *const csv[] = {"targets.csv"};
        SX_CHECK(sx_econ_xlsx_write(comm, dir, "targets.xlsx", 1, sheet, csv));
    }
    return SX_OK;
}

const sx_job_step_t sx_step_econ_targets = {
    "econ_targets", "plan target tracking: completion, required vs actual growth, on-track flag", fields,
    sizeof fields / sizeof *fields, run, "econ targets", "/",
    "Completion %, required vs actual compound growth, on-track flag per indicator. Writes targets.csv, targets.md\n"
    "(and targets.xlsx) into DIR. Example: sanxiang econ targets jobs/hunan_fyp_targets.yaml."};
