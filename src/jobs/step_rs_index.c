/*
 * step_rs_index.c — job steps `rs_index` (a spectral index) and `rs_water`
 * (water mask from MNDWI/NDWI, fixed or Otsu threshold, optional polygons),
 * both over a map of band roles to layers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanxiang/sx_job.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_rs.h"

#define MAX_ROLES 16

static const sx_cfg_field_t index_fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_index"},
    {"index", SX_CFG_T_ENUM, 1, NULL, 1, 0, "ndvi|evi|savi|ndwi|mndwi|ndbi|nbr", "spectral index (one formula each)"},
    {"bands", SX_CFG_T_MAP, 1, NULL, 1, 0, NULL, "role: layer (input name, earlier output or path), e.g. nir: b5"},
    {"reflectance", SX_CFG_T_ENUM, 0, "auto", 1, 0, "auto|none|landsat-c2-l2|s2-l2a", "DN -> reflectance"},
    {"nodata", SX_CFG_T_FLOAT, 0, NULL, 1, 0, NULL, "nodata value of the bands when the files do not declare it"},
    {"output", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "output layer name (default: the index name)"},
    {"cog", SX_CFG_T_BOOL, 0, "true", 1, 0, NULL, "also write a Cloud-Optimized GeoTIFF"},
};

static const sx_cfg_field_t water_fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_water"},
    {"index", SX_CFG_T_ENUM, 0, "mndwi", 1, 0, "mndwi|ndwi", "water index: mndwi (green, swir1) or ndwi (green, nir)"},
    {"bands", SX_CFG_T_MAP, 1, NULL, 1, 0, NULL, "role: layer, e.g. green: b3, swir1: b6"},
    {"reflectance", SX_CFG_T_ENUM, 0, "auto", 1, 0, "auto|none|landsat-c2-l2|s2-l2a", "DN -> reflectance"},
    {"nodata", SX_CFG_T_FLOAT, 0, NULL, 1, 0, NULL, "nodata value of the bands when the files do not declare it"},
    {"threshold", SX_CFG_T_FLOAT, 0, NULL, -1, 1, NULL, "water where index > threshold; omit for Otsu (1979)"},
    {"bins", SX_CFG_T_INT, 0, "256", 2, 1000000, NULL, "histogram bins for Otsu"},
    {"output", SX_CFG_T_STRING, 0, "water", 1, 0, NULL, "output layer name"},
    {"polygons", SX_CFG_T_BOOL, 0, "false", 1, 0, NULL, "also write <output>.gpkg polygons with area_km2"},
};

/* bands: map of role -> layer reference, resolved through the job. */
static sx_err read_bands(sx_job_t *job, const sx_cfg_node_t *node, sx_rs_band_t *b, int *n)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const sx_cfg_node_t *map = sx_cfg_map_get(node, "bands");
    size_t len = sx_cfg_node_len(map);
    if (len < 1 || len > MAX_ROLES) return sx_cfg_fail_at(cfg, map, "give 1 to %d bands as role: layer", MAX_ROLES);
    const char *refl_text;
    SX_CHECK(sx_cfg_get_string(cfg, node, "reflectance", "auto", &refl_text));
    sx_rs_reflectance refl;
    SX_CHECK(sx_rs_reflectance_parse(refl_text, &refl));
    int has_nd = sx_cfg_map_get(node, "nodata") != NULL;
    double nd = 0;
    SX_CHECK(sx_cfg_get_double(cfg, node, "nodata", 0, &nd));
    for (size_t i = 0; i < len; i++) {
        const sx_cfg_node_t *v = sx_cfg_node_at(map, i);
        const char *ref = sx_cfg_node_text(v);
        if (!ref) return sx_cfg_fail_at(cfg, v, "expected a layer name or path");
        memset(&b[i], 0, sizeof b[i]);
        b[i].name = sx_cfg_node_key_at(map, i);
        SX_CHECK(sx_job_resolve(job, v, ref, &b[i].path));
        b[i].band = 1;
        b[i].scale = 1;
        b[i].has_nodata = has_nd;
        b[i].nodata = nd;
    }
    *n = (int)len;
    return sx_rs_bands_resolve_scale(b, *n, refl);
}

static sx_err out_paths(sx_job_t *job, const char *name, char *nc, char *tif)
{
    char file[512];
    snprintf(file, sizeof file, "%s.nc", name);
    SX_CHECK(sx_job_out_path(job, file, nc, SX_PATH_MAX));
    snprintf(file, sizeof file, "%s.tif", name);
    SX_CHECK(sx_job_out_path(job, file, tif, SX_PATH_MAX));
    return SX_OK;
}

static sx_err run_index(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *name, *output;
    int cog, n;
    sx_rs_band_t b[MAX_ROLES];
    const sx_rs_index_t *ix;
    SX_CHECK(sx_cfg_get_string(cfg, node, "index", NULL, &name));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", name, &output));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "cog", 1, &cog));
    SX_CHECK(sx_rs_index_find(name, &ix));
    SX_CHECK(read_bands(job, node, b, &n));
    if (sx_rs_index_check_roles(ix, b, n)) return sx_cfg_fail_at(cfg, sx_cfg_map_get(node, "bands"), "%s", sx_err_message());
    char nc[SX_PATH_MAX], tif[SX_PATH_MAX];
    SX_CHECK(out_paths(job, output, nc, tif));
    sx_rs_calc_opts_t o = {b, n, ix->expr, nc, cog ? tif : NULL, ix->name, ix->long_name, "1", sx_job_provenance(job), 0};
    SX_CHECK(sx_rs_calc_run(comm, &o));
    return sx_job_add_layer(job, output, nc);
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
    int otsu = sx_cfg_map_get(node, "threshold") == NULL;
    SX_CHECK(read_bands(job, node, b, &n));
    char nc[SX_PATH_MAX], tif[SX_PATH_MAX], gpkg[SX_PATH_MAX], file[512];
    SX_CHECK(out_paths(job, output, nc, tif));
    snprintf(file, sizeof file, "%s.gpkg", output);
    SX_CHECK(sx_job_out_path(job, file, gpkg, sizeof gpkg));
    sx_rs_water_opts_t o = {b, n, index, otsu, thr, (int)bins, nc, tif, poly ? gpkg : NULL, sx_job_provenance(job), NULL};
    SX_CHECK(sx_rs_water_run(comm, &o));
    return sx_job_add_layer(job, output, nc);
}

const sx_job_step_t sx_step_rs_index = {"rs_index", "spectral index of reflectance bands (ndvi, evi, savi, ndwi, mndwi, ndbi, nbr)",
                                        index_fields, sizeof index_fields / sizeof *index_fields, run_index};
const sx_job_step_t sx_step_rs_water = {"rs_water", "water mask from MNDWI/NDWI with a fixed or Otsu threshold",
                                        water_fields, sizeof water_fields / sizeof *water_fields, run_water};
