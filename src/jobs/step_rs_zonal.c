/*
 * step_rs_zonal.c — job step `rs_zonal`: per-zone statistics of a layer over
 * polygon zones, written as CSV in the run directory.
 */
#include <stdio.h>

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
    const char *rref, *zref, *id, *output, *raster, *zones;
    SX_CHECK(sx_cfg_get_string(cfg, node, "raster", NULL, &rref));
    SX_CHECK(sx_cfg_get_string(cfg, node, "zones", NULL, &zref));
    SX_CHECK(sx_cfg_get_string(cfg, node, "id", NULL, &id));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "zonal", &output));
    SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(node, "raster"), rref, &raster));
    SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(node, "zones"), zref, &zones));
    char csv[SX_PATH_MAX], file[512];
    snprintf(file, sizeof file, "%s.csv", output);
    SX_CHECK(sx_job_out_path(job, file, csv, sizeof csv));
    sx_rs_zonal_opts_t o = {raster, 1, zones, NULL, id, csv, 0};
    return sx_rs_zonal_run(comm, &o);
}

const sx_job_step_t sx_step_rs_zonal = {"rs_zonal", "zonal statistics (count sum mean min max std median) per polygon",
                                        fields, sizeof fields / sizeof *fields, run};
