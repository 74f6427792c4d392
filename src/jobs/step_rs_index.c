/*
 * step_rs_index.c — job steps `rs_index` (a spectral index) and `rs_water`
 * (water mask from MNDWI/NDWI, fixed or Otsu threshold, optional polygons),
 * both over a map of band roles to layers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/step_rs_common.h"
#include "sanxiang/sx_log.h"

#define MAX_ROLES SX_STEP_RS_MAX_ROLES

static const sx_cfg_field_t index_fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_index"},
    {"index", SX_CFG_T_ENUM, 1, NULL, 1, 0, "ndvi|evi|savi|ndwi|mndwi|ndbi|nbr", "spectral index (one formula each)",
     "1", "NAME"},
    SX_STEP_RS_F_BANDS("role: layer (input name, earlier output or path), e.g. nir: b5"),
    SX_STEP_RS_F_BAND_INDEX,
    SX_STEP_RS_F_REFLECTANCE,
    SX_STEP_RS_F_CAL_COEFS,
    SX_STEP_RS_F_SCALE,
    SX_STEP_RS_F_NODATA,
    SX_STEP_RS_F_OUTPUT(NULL, "output layer name (default: the index name)"),
    SX_STEP_F_OUTPUTS,
    SX_STEP_F_INTERMEDIATE,
};

static const sx_cfg_field_t water_fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_water"},
    {"index", SX_CFG_T_ENUM, 0, "mndwi", 1, 0, "mndwi|ndwi", "water index: mndwi (green, swir1) or ndwi (green, nir)"},
    SX_STEP_RS_F_BANDS("role: layer, e.g. green: b3, swir1: b6"),
    SX_STEP_RS_F_BAND_INDEX,
    SX_STEP_RS_F_REFLECTANCE,
    SX_STEP_RS_F_CAL_COEFS,
    SX_STEP_RS_F_SCALE,
    SX_STEP_RS_F_NODATA,
    {"threshold", SX_CFG_T_FLOAT, 0, NULL, -1, 1, NULL, "water where index > threshold; omit for Otsu (1979)"},
    {"otsu", SX_CFG_T_BOOL, 0, "true without threshold", 1, 0, NULL, "threshold by Otsu (1979) (the default)"},
    {"bins", SX_CFG_T_INT, 0, "256", 2, 1000000, NULL, "histogram bins for Otsu"},
    SX_STEP_RS_F_OUTPUT("water", "output layer name"),
    {"polygons", SX_CFG_T_BOOL, 0, "false", 1, 0, NULL, "also write <output>.gpkg polygons with area_km2"},
    SX_STEP_F_OUTPUTS,
};

static sx_err run_index(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *name, *output;
    int n;
    sx_rs_band_t b[MAX_ROLES];
    const sx_rs_index_t *ix;
    SX_CHECK(sx_cfg_get_string(cfg, node, "index", NULL, &name));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", name, &output));
    SX_CHECK(sx_rs_index_find(name, &ix));
    SX_CHECK(sx__step_rs_bands(job, node, "bands", b, &n));
    if (sx_rs_index_check_roles(ix, b, n)) return sx_cfg_fail_at(cfg, sx_cfg_map_get(node, "bands"), "%s", sx_err_message());
    sx_job_raster_out_t out;
    SX_CHECK(sx_job_raster_out(job, node, output, &out));
    sx_rs_calc_opts_t o = {b, n, ix->expr, out.nc, out.tif, ix->name, ix->long_name, "1", sx_job_provenance(job), 0};
    SX_CHECK(sx_rs_calc_run(comm, &o));
    return sx_job_add_raster_layer(job, output, &out, ix->name);
}

static sx_err run_water(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *index, *output;
    int poly, n;
    int64_t bins;
    double thr;
    sx_rs_band_t b[MAX_ROLES];
    SX_CHECK(sx_cfg_get_string(cfg, node, "index", "mndwi", &index));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "water", &output));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "polygons", 0, &poly));
    SX_CHECK(sx_cfg_get_int(cfg, node, "bins", 256, &bins));
    SX_CHECK(sx_cfg_get_double(cfg, node, "threshold", 0, &thr));
    int otsu = sx_cfg_map_get(node, "threshold") == NULL, want_otsu;
    SX_CHECK(sx_cfg_get_bool(cfg, node, "otsu", otsu, &want_otsu));
    if (want_otsu != otsu)
        return sx_cfg_fail_at(cfg, sx_cfg_map_get(node, "otsu"), "give either a threshold or otsu: true, not both");
    SX_CHECK(sx__step_rs_bands(job, node, "bands", b, &n));
    char gpkg[SX_PATH_MAX];
    sx_job_raster_out_t out;
    SX_CHECK(sx_job_raster_out(job, node, output, &out));
    SX_CHECK(sx_job_out_file(job, output, ".gpkg", gpkg, sizeof gpkg));
    double used = thr;
    sx_rs_water_opts_t o = {b, n, index, otsu, thr, (int)bins, out.nc, out.tif, poly ? gpkg : NULL, sx_job_provenance(job), &used};
    SX_CHECK(sx_rs_water_run(comm, &o));
    sx_log_info("rs water: %s > %.9g%s", index, used, otsu ? " (Otsu 1979)" : "");
    return sx_job_add_raster_layer(job, output, &out, "water");
}

const sx_job_step_t sx_step_rs_index = {
    "rs_index", "spectral index of reflectance bands (ndvi, evi, savi, ndwi, mndwi, ndbi, nbr)", index_fields,
    sizeof index_fields / sizeof *index_fields, run_index, "rs index", SX_STEP_RS_RASTER_EXT,
    "NAME: ndvi (nir, red), evi (nir, red, blue), savi (nir, red), ndwi (McFeeters: green, nir),\n"
    "mndwi (Xu: green, swir1), ndbi (swir1, nir), nbr (nir, swir2). Float32, NaN = nodata.\n" SX_STEP_RS_BAND_HELP};
const sx_job_step_t sx_step_rs_water = {
    "rs_water", "water mask from MNDWI/NDWI with a fixed or Otsu threshold", water_fields,
    sizeof water_fields / sizeof *water_fields, run_water, "rs water", SX_STEP_RS_RASTER_EXT,
    "Water = index > threshold (UInt8 1 water, 0 land, 255 nodata). Without --threshold, Otsu (1979) on a\n"
    "histogram of the whole raster reduced exactly across ranks: the same threshold at any rank count.\n"
    "--polygons also writes OUT.gpkg.\n" SX_STEP_RS_BAND_HELP};
