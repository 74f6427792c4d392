/*
 * step_rs_calc.c — job step `rs_calc`: band math over named layers (the
 * expression language of src/rs/expr.c), Float32 with NaN nodata.
 */
#include "jobs/step_rs_common.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_calc"},
    {"expr", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "expression over the band names, e.g. (nir - red) / (nir + red)",
     NULL, "'EXPR'"},
    SX_STEP_RS_F_BANDS("name: layer (input name, earlier output or path)"),
    SX_STEP_RS_F_BAND_INDEX,
    SX_STEP_RS_F_REFLECTANCE,
    SX_STEP_RS_F_CAL_COEFS,
    SX_STEP_RS_F_SCALE,
    SX_STEP_RS_F_NODATA,
    SX_STEP_RS_F_OUTPUT("calc", "output layer name"),
    {"name", SX_CFG_T_STRING, 0, "the output name", 1, 0, NULL, "variable name of the result in the netCDF"},
    SX_STEP_F_OUTPUTS,
    SX_STEP_F_INTERMEDIATE,
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *expr, *output;
    int n;
    sx_rs_band_t b[SX_STEP_RS_MAX_ROLES];
    SX_CHECK(sx_cfg_get_string(cfg, node, "expr", NULL, &expr));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "calc", &output));
    const char *var;
    SX_CHECK(sx_cfg_get_string(cfg, node, "name", output, &var));
    SX_CHECK(sx__step_rs_bands(job, node, "bands", b, &n));
    sx_job_raster_out_t out;
    SX_CHECK(sx_job_raster_out(job, node, output, &out));
    sx_rs_calc_opts_t o = {b, n, expr, out.nc, out.tif, var, expr, "1", sx_job_provenance(job), 0};
    SX_CHECK(sx_rs_calc_run(comm, &o));
    return sx_job_add_raster_layer(job, output, &out, var);
}

const sx_job_step_t sx_step_rs_calc = {
    "rs_calc", "band math over named layers (arithmetic, comparisons, where, min, max ...)", fields,
    sizeof fields / sizeof *fields, run, "rs calc", SX_STEP_RS_RASTER_EXT,
    "Band math: + - * / ^, < <= > >= == !=, and or not, min max abs sqrt log exp where(c,a,b).\n"
    "Nodata in any band the expression names gives nodata (NaN); so does x/0.\n" SX_STEP_RS_BAND_HELP};
