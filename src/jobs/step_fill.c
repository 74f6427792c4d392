/*
 * step_fill.c — job step `fill`: Priority-Flood depression filling of a DEM,
 * written as CF-HDF5 (+ COG) in the run directory; later steps use it by its
 * output name.
 */

#include "sanxiang/sx_hydrology.h"
#include "jobs/step_fields.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_output.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "fill"},
    {"input", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "DEM: an input name, earlier output or path", "1", "IN"},
    {"band", SX_CFG_T_INT, 0, "1", 1, 100000, NULL, "band of the DEM"},
    {"output", SX_CFG_T_STRING, 0, "filled", 1, 0, NULL, "name of the output layer (files <name>.nc, <name>.tif)", "-o", "OUT"},
    {"epsilon", SX_CFG_T_BOOL, 0, "false", 1, 0, NULL, "least strictly draining surface (Priority-Flood+epsilon, any rank count)"},
    {"nodata_walls", SX_CFG_T_BOOL, 0, "false", 1, 0, NULL, "nodata cells are walls, not outlets"},
    SX_STEP_F_OUTPUTS,
    SX_STEP_F_INTERMEDIATE,
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *output, *input;
    int64_t band;
    int eps, walls;
    SX_CHECK(sx_job_input(job, node, "input", &input));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "filled", &output));
    SX_CHECK(sx_cfg_get_int(cfg, node, "band", 1, &band));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "epsilon", 0, &eps));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "nodata_walls", 0, &walls));
    sx_job_raster_out_t out;
    SX_CHECK(sx_job_raster_out(job, node, output, &out));
    sx_fill_opts_t o = {input, (int)band, out.nc, out.tif, eps, walls, sx_job_provenance(job)};
    SX_CHECK(sx_dem_fill_run(comm, &o));
    SX_CHECK(sx_job_add_raster_layer(job, output, &out, "elevation"));
    return SX_OK;
}

const sx_job_step_t sx_step_fill = {
    "fill", "Priority-Flood depression filling (Barnes et al. 2014, 2016)", fields, sizeof fields / sizeof *fields,
    run, "dem fill", ".tif|.tiff|.nc",
    "Priority-Flood depression filling (Barnes et al. 2014; parallel: Barnes 2016). The grid edge and nodata cells\n"
    "are outlets (--nodata-walls: only the edge). --epsilon gives the least surface on which every cell has a\n"
    "strictly lower neighbour (one-ulp steps). Same result at any rank count and block size."};
