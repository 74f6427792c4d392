/*
 * step_streams.c — job step `streams`: Strahler order raster of the cells
 * whose accumulation reaches a threshold, and the stream links as a
 * GeoPackage.
 */
#include <stdio.h>

#include "sanxiang/sx_hydrology.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_output.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "streams"},
    {"accum", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "flow accumulation (cells): earlier output or path"},
    {"flowdir", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "flow directions on the same grid"},
    {"threshold", SX_CFG_T_FLOAT, 1, NULL, 1, 1e18, NULL, "stream cells: accumulation >= threshold (cells)"},
    {"encoding", SX_CFG_T_ENUM, 0, "esri", 1, 0, "esri|taudem", "direction codes of flowdir"},
    {"output", SX_CFG_T_STRING, 0, "streams", 1, 0, NULL, "name: <name>.nc/.tif (order), <name>_links.gpkg"},
    {"cog", SX_CFG_T_BOOL, 0, "true", 1, 0, NULL, "also write a Cloud-Optimized GeoTIFF"},
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *acc_ref, *dir_ref, *acc, *dir, *output, *encoding;
    double thr;
    int cog;
    sx_d8_encoding enc;
    SX_CHECK(sx_cfg_get_string(cfg, node, "accum", NULL, &acc_ref));
    SX_CHECK(sx_cfg_get_string(cfg, node, "flowdir", NULL, &dir_ref));
    SX_CHECK(sx_cfg_get_double(cfg, node, "threshold", 0, &thr));
    SX_CHECK(sx_cfg_get_string(cfg, node, "encoding", "esri", &encoding));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "streams", &output));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "cog", 1, &cog));
    SX_CHECK(sx_d8_encoding_parse(encoding, &enc));
    SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(node, "accum"), acc_ref, &acc));
    SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(node, "flowdir"), dir_ref, &dir));
    char nc[SX_PATH_MAX], tif[SX_PATH_MAX], gpkg[SX_PATH_MAX], file[512], layer[SX_PATH_MAX + 64];
    snprintf(file, sizeof file, "%s.nc", output);
    SX_CHECK(sx_job_out_path(job, file, nc, sizeof nc));
    snprintf(file, sizeof file, "%s.tif", output);
    SX_CHECK(sx_job_out_path(job, file, tif, sizeof tif));
    snprintf(file, sizeof file, "%s_links.gpkg", output);
    SX_CHECK(sx_job_out_path(job, file, gpkg, sizeof gpkg));
    sx_streams_opts_t o = {acc, dir, thr, nc, cog ? tif : NULL, gpkg, enc, sx_job_provenance(job)};
    SX_CHECK(sx_dem_streams_run(comm, &o));
    snprintf(layer, sizeof layer, "NETCDF:\"%s\":strahler", nc);
    SX_CHECK(sx_job_add_layer(job, output, layer));
    return SX_OK;
}

const sx_job_step_t sx_step_streams = {"streams", "stream cells, Strahler order and stream links (GeoPackage)",
                                       fields, sizeof fields / sizeof *fields, run};
