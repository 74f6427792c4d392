/*
 * step_rs_zonal.c — job step `rs_zonal`: per-zone statistics of a layer over
 * polygon zones, written as CSV in the run directory.
 */

#include "sanxiang/sx_job.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_rs.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_zonal"},
    {"raster", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "layer: input name, earlier output or path", NULL, "R.tif"},
    {"band", SX_CFG_T_INT, 0, "1", 1, 100000, NULL, "band of the raster"},
    {"zones", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "polygons: input name or path (GeoJSON, GeoPackage, Shapefile)",
     NULL, "Z.gpkg"},
    {"layer", SX_CFG_T_STRING, 0, "the first", 1, 0, NULL, "layer of the zones' file"},
    {"id", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "attribute naming each zone (fid: the feature id)", NULL, "FIELD"},
    {"tile", SX_CFG_T_INT, 0, "1024", 16, 8192, NULL, "super-tile size in cells (fixes the summation order)"},
    {"output", SX_CFG_T_STRING, 0, "zonal", 1, 0, NULL, "CSV file name without .csv", "-o", "OUT.csv"},
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
    int64_t band, tile;
    const char *layer;
    SX_CHECK(sx_cfg_get_int(cfg, node, "band", 1, &band));
    SX_CHECK(sx_cfg_get_int(cfg, node, "tile", 0, &tile));
    SX_CHECK(sx_cfg_get_string(cfg, node, "layer", NULL, &layer));
    sx_rs_zonal_opts_t o = {raster, (int)band, zones, layer, id, csv, (int)tile};
    return sx_rs_zonal_run(comm, &o);
}

const sx_job_step_t sx_step_rs_zonal = {
    "rs_zonal", "zonal statistics (count sum mean min max std median) per polygon", fields,
    sizeof fields / sizeof *fields, run, "rs zonal", ".csv",
    "Per zone: count, sum, mean, min, max, std (population), median of the valid cells whose centre is inside the\n"
    "polygon. Zones (GeoJSON, GeoPackage, Shapefile) in another CRS are reprojected."};
