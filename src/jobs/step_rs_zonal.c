/*
 * step_rs_zonal.c — job step `rs_zonal`: per-zone statistics of a layer over
 * polygon zones, written as CSV in the run directory.
 */

#include "sanxiang/sx_job.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_rs.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_zonal"},
    {"raster", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "layer: input name, earlier output or path"},
    {"zones", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "polygons: input name or path (GeoJSON, GeoPackage, Shapefile)"},
    {"id", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "attribute naming each zone (fid: the feature id)"},
    {"output", SX_CFG_T_STRING, 0, "zonal", 1, 0, NULL, "CSV file name without .csv"},
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *id, *output, *raster, *zones;
    SX_CHECK(sx_job_input(job, node, "raster", &raster));
    SX_CHECK(sx_job_input(job, node, "zones", &zones));
    SX_CHECK(sx_cfg_get_string(cfg, node, "id", NULL, &id));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "zonal", &output));
    char csv[SX_PATH_MAX];
    SX_CHECK(sx_job_out_file(job, output, ".csv", csv, sizeof csv));
    sx_rs_zonal_opts_t o = {raster, 1, zones, NULL, id, csv, 0};
    return sx_rs_zonal_run(comm, &o);
}

const sx_job_step_t sx_step_rs_zonal = {"rs_zonal", "zonal statistics (count sum mean min max std median) per polygon",
                                        fields, sizeof fields / sizeof *fields, run};
