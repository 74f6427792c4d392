/*
 * step_slope.c — job step `slope`: Horn slope of a DEM, written as CF-HDF5
 * and COG in the run directory.
 */
#include <string.h>

#include "sanxiang/sx_dem.h"
#include "jobs/step_fields.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_output.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "slope"},
    {"input", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "DEM: an input name, earlier output or path", "1", "IN"},
    {"band", SX_CFG_T_INT, 0, "1", 1, 100000, NULL, "band of the DEM"},
    {"output", SX_CFG_T_STRING, 0, "slope", 1, 0, NULL, "name of the output layer (files <name>.nc, <name>.tif)", "-o", "OUT"},
    {"units", SX_CFG_T_ENUM, 0, "degree", 1, 0, "degree|percent", "slope units"},
    {"z_factor", SX_CFG_T_FLOAT, 0, "1", 1e-12, 1e12, NULL, "vertical exaggeration / unit conversion of z"},
    SX_STEP_F_OUTPUTS,
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *output, *units, *input;
    int64_t band;
    double z;
    SX_CHECK(sx_job_input(job, node, "input", &input));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "slope", &output));
    SX_CHECK(sx_cfg_get_string(cfg, node, "units", "degree", &units));
    SX_CHECK(sx_cfg_get_int(cfg, node, "band", 1, &band));
    SX_CHECK(sx_cfg_get_double(cfg, node, "z_factor", 1.0, &z));
    sx_job_raster_out_t out;
    SX_CHECK(sx_job_raster_out(job, node, output, &out));
    sx_slope_opts_t o = {input, (int)band, out.nc, out.tif,
                         strcmp(units, "percent") ? SX_SLOPE_DEGREE : SX_SLOPE_PERCENT, z, sx_job_provenance(job)};
    SX_CHECK(sx_dem_slope_run(comm, &o));
    SX_CHECK(sx_job_add_raster_layer(job, output, &out, "slope"));
    return SX_OK;
}

const sx_job_step_t sx_step_slope = {
    "slope", "terrain slope of a DEM (Horn 1981)", fields, sizeof fields / sizeof *fields, run, "dem slope",
    ".tif|.tiff|.nc",
    "Horn (1981) slope as gdaldem computes it; edge cells and cells next to nodata are nodata (-9999).\n"
    "Geographic grids use metric cell sizes per row (sphere R = 6371008.8 m). Writes OUT.tif (COG); --format cog,nc\n"
    "adds OUT.nc (CF netCDF)."};
