/*
 * step_accum.c — job step `accum`: D8 flow accumulation (cell counts, or sums
 * of a weight raster) from a flow-direction layer.
 */

#include "sanxiang/sx_hydrology.h"
#include "jobs/step_fields.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_output.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "accum"},
    {"input", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "flow directions: an input name, earlier output or path", "1", "FLOWDIR"},
    {"weight", SX_CFG_T_STRING, 0, "", 0, 0, NULL, "weight raster on the same grid (empty: count cells)"},
    {"output", SX_CFG_T_STRING, 0, "accum", 1, 0, NULL, "name of the output layer", "-o", "OUT"},
    {"encoding", SX_CFG_T_ENUM, 0, "esri", 1, 0, "esri|taudem", "direction codes of the input"},
    {"edge", SX_CFG_T_BOOL, 0, "false", 1, 0, NULL,
     "also write <output>_edge: 1 where the upstream area touches the grid edge or nodata"},
    SX_STEP_F_OUTPUTS,
    SX_STEP_F_INTERMEDIATE,
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *output, *input, *encoding, *weight;
    int edge;
    sx_d8_encoding enc;
    SX_CHECK(sx_job_input(job, node, "input", &input));
    SX_CHECK(sx_job_input(job, node, "weight", &weight));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "accum", &output));
    SX_CHECK(sx_cfg_get_string(cfg, node, "encoding", "esri", &encoding));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "edge", 0, &edge));
    SX_CHECK(sx_d8_encoding_parse(encoding, &enc));
    sx_job_raster_out_t out;
    SX_CHECK(sx_job_raster_out(job, node, output, &out));
    char edge_nc[SX_PATH_MAX];
    SX_CHECK(sx_job_out_file(job, output, "_edge.nc", edge_nc, sizeof edge_nc));
    sx_accum_opts_t o = {input, weight, out.nc, out.tif, edge ? edge_nc : NULL, enc, sx_job_provenance(job)};
    SX_CHECK(sx_dem_accum_run(comm, &o));
    SX_CHECK(sx_job_add_raster_layer(job, output, &out, "accumulation"));
    return SX_OK;
}

const sx_job_step_t sx_step_accum = {
    "accum", "D8 flow accumulation in O(n) (cell itself counted)", fields, sizeof fields / sizeof *fields, run,
    "dem accum", ".tif|.tiff|.nc",
    "D8 flow accumulation in O(n), the cell itself included: int64 counts, or float64 sums of --weight W.\n"
    "--edge writes OUT_edge.nc, 1 where the upstream area touches the grid edge or nodata."};
