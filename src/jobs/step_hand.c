/*
 * step_hand.c — job step `hand` (`sanxiang dem hand`): Height Above the
 * Nearest Drainage from a filled DEM, its D8 directions and accumulation.
 */

#include "jobs/step_fields.h"
#include "sanxiang/sx_hydrology.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_output.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "hand"},
    {"dem", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "the filled DEM the directions come from: earlier output or path", "1",
     "DEM"},
    {"flowdir", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "D8 flow directions on the same grid"},
    {"accum", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "D8 flow accumulation (cells) on the same grid"},
    {"threshold", SX_CFG_T_FLOAT, 1, NULL, 1, 1e18, NULL, "drainage cells: accumulation >= threshold (cells)"},
    {"encoding", SX_CFG_T_ENUM, 0, "esri", 1, 0, "esri|taudem", "direction codes of flowdir"},
    {"output", SX_CFG_T_STRING, 0, "hand", 1, 0, NULL, "name: <name>.nc/.tif", "-o", "OUT"},
    SX_STEP_F_OUTPUTS,
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *dem, *acc, *dir, *output, *encoding;
    double thr;
    sx_d8_encoding enc;
    SX_CHECK(sx_job_input(job, node, "dem", &dem));
    SX_CHECK(sx_job_input(job, node, "flowdir", &dir));
    SX_CHECK(sx_job_input(job, node, "accum", &acc));
    SX_CHECK(sx_cfg_get_double(cfg, node, "threshold", 0, &thr));
    SX_CHECK(sx_cfg_get_string(cfg, node, "encoding", "esri", &encoding));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "hand", &output));
    SX_CHECK(sx_d8_encoding_parse(encoding, &enc));
    sx_job_raster_out_t out;
    SX_CHECK(sx_job_raster_out(job, node, output, &out));
    sx_hand_opts_t o = {dem, dir, acc, thr, enc, out.nc, out.tif, sx_job_provenance(job)};
    SX_CHECK(sx_dem_hand_run(comm, &o));
    return sx_job_add_raster_layer(job, output, &out, "hand");
}

const sx_job_step_t sx_step_hand = {
    "hand", "height above the nearest drainage (HAND), metres", fields, sizeof fields / sizeof *fields, run, "dem hand",
    ".tif|.tiff|.nc",
    "HAND = elevation - elevation of the first drainage cell (accumulation >= threshold) on the cell's D8 flow\n"
    "path (Renno et al. 2008, doi:10.1016/j.rse.2008.03.018; Nobre et al. 2011, doi:10.1016/j.jhydrol.2011.03.051);\n"
    "0 on drainage cells, nodata where the path leaves the data without reaching one. Float32 metres.\n"
    "Use it to remove terrain false positives from water maps: rs sarwater --hand OUT --hand-max 15."};
