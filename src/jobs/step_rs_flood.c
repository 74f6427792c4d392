/*
 * step_rs_flood.c — job step `rs_flood`: flood extent = water after and not
 * before, minus permanent water, from rs_water masks; optional polygons.
 */
#include <stdio.h>

#include "jobs/step_rs_common.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_flood"},
    {"before", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "water mask before the event (layer)", NULL, "W0.tif"},
    {"after", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "water mask after the event (layer)", NULL, "W1.tif"},
    {"permanent", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "permanent water mask (layer), left out of the flood", NULL, "P.tif"},
    SX_STEP_RS_F_OUTPUT("flood", "output layer name"),
    SX_STEP_F_OUTPUTS,
    {"polygons", SX_CFG_T_BOOL, 0, "false", 1, 0, NULL, "also write <output>.gpkg polygons with area_km2"},
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *before, *after, *perm = NULL, *output;
    int poly;
    SX_CHECK(sx__step_rs_layer(job, node, "before", &before));
    SX_CHECK(sx__step_rs_layer(job, node, "after", &after));
    if (sx_cfg_map_get(node, "permanent")) SX_CHECK(sx__step_rs_layer(job, node, "permanent", &perm));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "flood", &output));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "polygons", 0, &poly));
    char gpkg[SX_PATH_MAX];
    sx_job_raster_out_t out;
    SX_CHECK(sx_job_raster_out(job, node, output, &out));
    SX_CHECK(sx_job_out_file(job, output, ".gpkg", gpkg, sizeof gpkg));
    SX_CHECK(sx_rs_flood_run(comm, before, after, perm, out.nc, out.tif, poly ? gpkg : NULL, sx_job_provenance(job)));
    return sx_job_add_raster_layer(job, output, &out, "flood");
}

const sx_job_step_t sx_step_rs_flood = {
    "rs_flood", "flood extent from before/after water masks minus permanent water", fields,
    sizeof fields / sizeof *fields, run, "rs flood", SX_STEP_RS_RASTER_EXT,
    "Flood extent = water after and not before, minus permanent water; --polygons also writes OUT.gpkg with\n"
    "area_km2."};
