/*
 * step_streams.c — job step `streams`: Strahler order raster of the cells
 * whose accumulation reaches a threshold, and the stream links as a
 * GeoPackage.
 */

#include "sanxiang/sx_hydrology.h"
#include "jobs/step_fields.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_output.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "streams"},
    {"accum", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "flow accumulation (cells): earlier output or path", "1", "ACC"},
    {"flowdir", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "flow directions on the same grid"},
    {"threshold", SX_CFG_T_FLOAT, 1, NULL, 1, 1e18, NULL, "stream cells: accumulation >= threshold (cells)"},
    {"encoding", SX_CFG_T_ENUM, 0, "esri", 1, 0, "esri|taudem", "direction codes of flowdir"},
    {"output", SX_CFG_T_STRING, 0, "streams", 1, 0, NULL, "name: <name>.nc/.tif (order), <name>_links.gpkg", "-o", "OUT"},
    {"links", SX_CFG_T_BOOL, 0, "true", 1, 0, NULL, "write the stream links <output>_links.gpkg (--no-links: not)"},
    SX_STEP_F_OUTPUTS,
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *acc, *dir, *output, *encoding;
    double thr;
    int links;
    sx_d8_encoding enc;
    SX_CHECK(sx_job_input(job, node, "accum", &acc));
    SX_CHECK(sx_job_input(job, node, "flowdir", &dir));
    SX_CHECK(sx_cfg_get_double(cfg, node, "threshold", 0, &thr));
    SX_CHECK(sx_cfg_get_string(cfg, node, "encoding", "esri", &encoding));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "streams", &output));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "links", 1, &links));
    SX_CHECK(sx_d8_encoding_parse(encoding, &enc));
    sx_job_raster_out_t out;
    char gpkg[SX_PATH_MAX];
    SX_CHECK(sx_job_raster_out(job, node, output, &out));
    SX_CHECK(sx_job_out_file(job, output, "_links.gpkg", gpkg, sizeof gpkg));
    sx_streams_opts_t o = {acc, dir, thr, out.nc, out.tif, links ? gpkg : NULL, enc, sx_job_provenance(job)};
    SX_CHECK(sx_dem_streams_run(comm, &o));
    SX_CHECK(sx_job_add_raster_layer(job, output, &out, "strahler"));
    return SX_OK;
}

const sx_job_step_t sx_step_streams = {
    "streams", "stream cells, Strahler order and stream links (GeoPackage)", fields, sizeof fields / sizeof *fields,
    run, "dem streams", ".tif|.tiff|.nc",
    "Stream cells (accumulation >= threshold) with their Strahler order (0 elsewhere), and the stream links\n"
    "between heads (sources, junctions) as GeoPackage lines OUT_links.gpkg with link_id, strahler, length_m\n"
    "(metres, also on geographic grids), cells, upstream_cells."};
