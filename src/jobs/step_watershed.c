/*
 * step_watershed.c — job step `watershed`: nested sub-basins upstream of
 * outlet points, as a raster of outlet ids and GeoPackage polygons with km².
 */

#include "sanxiang/sx_hydrology.h"
#include "jobs/step_fields.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_output.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "watershed"},
    {"flowdir", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "flow directions: earlier output or path", "1", "FLOWDIR"},
    {"accum", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "flow accumulation on the same grid (for snapping)"},
    {"outlets", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "CSV (x,y or lon,lat) or GeoJSON points in the DEM's CRS"},
    {"snap", SX_CFG_T_INT, 0, "3", 0, 10000, NULL, "snapping radius in cells"},
    {"encoding", SX_CFG_T_ENUM, 0, "esri", 1, 0, "esri|taudem", "direction codes of flowdir"},
    {"output", SX_CFG_T_STRING, 0, "basins", 1, 0, NULL, "name: <name>.nc/.tif (ids), <name>.gpkg (polygons)", "-o", "OUT"},
    {"polygons", SX_CFG_T_BOOL, 0, "true", 1, 0, NULL, "write the basin polygons <output>.gpkg (--no-polygons: not)"},
    SX_STEP_F_OUTPUTS,
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *dir, *acc, *pts, *output, *encoding;
    int64_t snap;
    int poly;
    sx_d8_encoding enc;
    SX_CHECK(sx_job_input(job, node, "flowdir", &dir));
    SX_CHECK(sx_job_input(job, node, "accum", &acc));
    SX_CHECK(sx_job_input(job, node, "outlets", &pts));
    SX_CHECK(sx_cfg_get_int(cfg, node, "snap", 3, &snap));
    SX_CHECK(sx_cfg_get_string(cfg, node, "encoding", "esri", &encoding));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "basins", &output));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "polygons", 1, &poly));
    SX_CHECK(sx_d8_encoding_parse(encoding, &enc));
    sx_job_raster_out_t out;
    char gpkg[SX_PATH_MAX];
    SX_CHECK(sx_job_raster_out(job, node, output, &out));
    SX_CHECK(sx_job_out_file(job, output, ".gpkg", gpkg, sizeof gpkg));
    sx_watershed_opts_t o = {dir, acc, pts, (int)snap, out.nc, out.tif, poly ? gpkg : NULL, enc, sx_job_provenance(job)};
    SX_CHECK(sx_dem_watershed_run(comm, &o));
    SX_CHECK(sx_job_add_raster_layer(job, output, &out, "basin"));
    return SX_OK;
}

const sx_job_step_t sx_step_watershed = {
    "watershed", "nested sub-basins upstream of outlet points, with km2 areas", fields, sizeof fields / sizeof *fields,
    run, "dem watershed", ".tif|.tiff|.nc",
    "Nested sub-basins upstream of outlet points (CSV x,y or lon,lat columns, or GeoJSON points, in the DEM's CRS),\n"
    "each snapped to the highest-accumulation cell within --snap cells. Raster of outlet ids (1 = first outlet;\n"
    "0 none) and polygons OUT.gpkg with area_km2 (exact on geographic grids: spherical cell areas)."};
