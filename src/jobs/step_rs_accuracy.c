/*
 * step_rs_accuracy.c — job step `rs_accuracy` (command `sanxiang rs
 * accuracy`): accuracy and area estimates of a class map from a reference
 * sample (Olofsson et al. 2014), as OUT.csv and OUT_matrix.csv, and with
 * xlsx the workbook OUT.xlsx.
 */

#include "jobs/step_rs_common.h"
#include "sanxiang/sx_rs_series.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_accuracy"},
    {"map", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "class map (whole numbers 0-254; 255 or nodata: not mapped)", NULL,
     "MAP.tif"},
    {"samples", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "reference sample points, stratified by map class", NULL,
     "POINTS.gpkg"},
    {"layer", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "layer of the sample file (default: the first)"},
    {"reference", SX_CFG_T_STRING, 0, "reference", 1, 0, NULL, "field of the points holding the reference class", NULL,
     "FIELD"},
    {"band", SX_CFG_T_INT, 0, "1", 1, 100000, NULL, "band of the map"},
    {"output", SX_CFG_T_STRING, 0, "accuracy", 1, 0, NULL, "output table name (and <output>_matrix.csv)", "-o",
     "OUT"},
    {"xlsx", SX_CFG_T_BOOL, 0, "false", 1, 0, NULL,
     "also write <output>.xlsx: sheets confusion matrix, accuracy (95 % CI), area"},
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    sx_rs_accuracy_opts_t o = {0};
    const char *output;
    int64_t band;
    SX_CHECK(sx__step_rs_layer(job, node, "map", &o.map));
    SX_CHECK(sx_job_input(job, node, "samples", &o.samples));
    SX_CHECK(sx_cfg_get_string(cfg, node, "layer", NULL, &o.layer));
    SX_CHECK(sx_cfg_get_string(cfg, node, "reference", "reference", &o.field));
    SX_CHECK(sx_cfg_get_int(cfg, node, "band", 1, &band));
    o.band = (int)band;
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "accuracy", &output));
    char csv[SX_PATH_MAX], matrix[SX_PATH_MAX];
    SX_CHECK(sx_job_out_file(job, output, ".csv", csv, sizeof csv));
    SX_CHECK(sx__step_rs_side_file(job, output, "_matrix", ".csv", matrix, sizeof matrix));
    o.out_csv = csv;
    o.out_matrix_csv = matrix;
    int xlsx = 0;
    char book[SX_PATH_MAX];
    SX_CHECK(sx_cfg_get_bool(cfg, node, "xlsx", 0, &xlsx));
    if (xlsx) {
        SX_CHECK(sx_job_out_file(job, output, ".xlsx", book, sizeof book));
        o.out_xlsx = book;
    }
    return sx_rs_accuracy_run(comm, &o);
}

const sx_job_step_t sx_step_rs_accuracy = {
    "rs_accuracy", "accuracy and area of a class map from a reference sample (Olofsson et al. 2014)", fields,
    sizeof fields / sizeof *fields, run, "rs accuracy", ".csv",
    "The sample must be stratified by map class (at least 2 points per mapped class). OUT.csv: per class the mapped\n"
    "pixels, weight, user's and producer's accuracy with standard errors, the estimated area proportion and area\n"
    "(pixels and ha) with its 95 % confidence interval, and the overall accuracy; OUT_matrix.csv: the sample counts.\n"
    "--xlsx adds OUT.xlsx with the sheets 'confusion matrix', 'accuracy' (user's and producer's accuracy with 95 %\n"
    "intervals, estimate +- 1.96 SE) and 'area' (estimated areas with their 95 % intervals)."};
