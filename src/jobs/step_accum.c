/*
 * step_accum.c — job step `accum`: D8 flow accumulation (cell counts, or sums
 * of a weight raster) from a flow-direction layer.
 */

#include "sanxiang/sx_hydrology.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_output.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "accum"},
    {"input", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "flow directions: an input name, earlier output or path"},
    {"weight", SX_CFG_T_STRING, 0, "", 0, 0, NULL, "weight raster on the same grid (empty: count cells)"},
    {"output", SX_CFG_T_STRING, 0, "accum", 1, 0, NULL, "name of the output layer"},
    {"encoding", SX_CFG_T_ENUM, 0, "esri", 1, 0, "esri|taudem", "direction codes of the input"},
    {"cog", SX_CFG_T_BOOL, 0, "true", 1, 0, NULL, "also write a Cloud-Optimized GeoTIFF"},
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *output, *input, *encoding, *weight;
    int cog;
    sx_d8_encoding enc;
    SX_CHECK(sx_job_input(job, node, "input", &input));
    SX_CHECK(sx_job_input(job, node, "weight", &weight));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "accum", &output));
    SX_CHECK(sx_cfg_get_string(cfg, node, "encoding", "esri", &encoding));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "cog", 1, &cog));
    SX_CHECK(sx_d8_encoding_parse(encoding, &enc));
    sx_job_raster_out_t out;
    SX_CHECK(sx_job_raster_out(job, output, cog, &out));
    sx_accum_opts_t o = {input, weight, out.nc, out.tif, NULL, enc, sx_job_provenance(job), SX_FLOW_D8, SX_MFD_FREEMAN, 1};
    SX_CHECK(sx_dem_accum_run(comm, &o));
    SX_CHECK(sx_job_add_nc_layer(job, output, out.nc, "accumulation"));
    return SX_OK;
}

const sx_job_step_t sx_step_accum = {"accum", "D8 flow accumulation in O(n) (cell itself counted)", fields,
                                     sizeof fields / sizeof *fields, run};
