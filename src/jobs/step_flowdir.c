/*
 * step_flowdir.c — job step `flowdir`: D8 flow directions with flats drained
 * (Barnes et al. 2014), ESRI or TauDEM codes.
 */

#include "sanxiang/sx_hydrology.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_output.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "flowdir"},
    {"input", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "filled DEM: an input name, earlier output or path"},
    {"band", SX_CFG_T_INT, 0, "1", 1, 100000, NULL, "band of the DEM"},
    {"output", SX_CFG_T_STRING, 0, "flowdir", 1, 0, NULL, "name of the output layer"},
    {"encoding", SX_CFG_T_ENUM, 0, "esri", 1, 0, "esri|taudem", "direction codes"},
    {"cog", SX_CFG_T_BOOL, 0, "true", 1, 0, NULL, "also write a Cloud-Optimized GeoTIFF"},
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *output, *input, *encoding;
    int64_t band;
    int cog;
    sx_d8_encoding enc;
    SX_CHECK(sx_job_input(job, node, "input", &input));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "flowdir", &output));
    SX_CHECK(sx_cfg_get_string(cfg, node, "encoding", "esri", &encoding));
    SX_CHECK(sx_cfg_get_int(cfg, node, "band", 1, &band));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "cog", 1, &cog));
    SX_CHECK(sx_d8_encoding_parse(encoding, &enc));
    sx_job_raster_out_t out;
    SX_CHECK(sx_job_raster_out(job, output, cog, &out));
    sx_flowdir_opts_t o = {input, (int)band, out.nc, out.tif, enc, sx_job_provenance(job), SX_FLOW_D8};
    SX_CHECK(sx_dem_flowdir_run(comm, &o));
    SX_CHECK(sx_job_add_nc_layer(job, output, out.nc, "flowdir"));
    return SX_OK;
}

const sx_job_step_t sx_step_flowdir = {"flowdir", "D8 flow directions, flats drained (Barnes et al. 2014)", fields,
                                       sizeof fields / sizeof *fields, run};
