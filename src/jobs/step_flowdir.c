/*
 * step_flowdir.c — job step `flowdir`: D8 flow directions with flats drained
 * (Barnes et al. 2014), ESRI or TauDEM codes, or D-infinity angles
 * (Tarboton 1997).
 */

#include "sanxiang/sx_hydrology.h"
#include "jobs/step_fields.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_output.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "flowdir"},
    {"input", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "filled DEM: an input name, earlier output or path", "1", "IN"},
    {"band", SX_CFG_T_INT, 0, "1", 1, 100000, NULL, "band of the DEM"},
    {"output", SX_CFG_T_STRING, 0, "flowdir", 1, 0, NULL, "name of the output layer", "-o", "OUT"},
    {"encoding", SX_CFG_T_ENUM, 0, "esri", 1, 0, "esri|taudem", "direction codes"},
    {"method", SX_CFG_T_ENUM, 0, "d8", 1, 0, "d8|dinf|mfd",
     "d8: direction codes; dinf: D-infinity angles (Tarboton 1997); mfd has no direction raster (use accum)"},
    SX_STEP_F_OUTPUTS,
    SX_STEP_F_INTERMEDIATE,
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *output, *input, *encoding, *method;
    int64_t band;
    sx_d8_encoding enc;
    sx_flow_method m;
    SX_CHECK(sx_job_input(job, node, "input", &input));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "flowdir", &output));
    SX_CHECK(sx_cfg_get_string(cfg, node, "encoding", "esri", &encoding));
    SX_CHECK(sx_cfg_get_int(cfg, node, "band", 1, &band));
    SX_CHECK(sx_cfg_get_string(cfg, node, "method", "d8", &method));
    SX_CHECK(sx_d8_encoding_parse(encoding, &enc));
    SX_CHECK(sx_flow_method_parse(method, &m));
    sx_job_raster_out_t out;
    SX_CHECK(sx_job_raster_out(job, node, output, &out));
    sx_flowdir_opts_t o = {input, (int)band, out.nc, out.tif, enc, sx_job_provenance(job), m};
    SX_CHECK(sx_dem_flowdir_run(comm, &o));
    SX_CHECK(sx_job_add_raster_layer(job, output, &out, m == SX_FLOW_DINF ? "flow_angle" : "flowdir"));
    return SX_OK;
}

const sx_job_step_t sx_step_flowdir = {
    "flowdir", "D8 flow directions, flats drained (Barnes et al. 2014), or D-infinity angles", fields, sizeof fields / sizeof *fields, run,
    "dem flowdir", ".tif|.tiff|.nc",
    "D8 steepest-descent directions of a filled DEM, flats drained away from higher and towards lower terrain\n"
    "(Barnes et al. 2014). ESRI: 1 E 2 SE 4 S 8 SW 16 W 32 NW 64 N 128 NE; TauDEM: 1 E 2 NE 3 N 4 NW 5 W 6 SW 7 S\n"
    "8 SE; 0 none, 255 nodata. --method dinf: D-infinity angles (Tarboton 1997), float32 radians counter-clockwise\n"
    "from east, -1 none, -9999 nodata; flats, edges and cells next to nodata as in D8."};
