/*
 * step_terrain.c — job step `terrain`: any of slope, aspect, hillshade,
 * curvatures, TPI, TRI, roughness and TWI in one pass over the DEM, each
 * written as <output>_<product>.
 */
#include <stdio.h>
#include <string.h>

#include "sanxiang/sx_dem.h"
#include "jobs/step_fields.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_output.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "terrain"},
    {"input", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "DEM: an input name, earlier output or path", "1", "IN"},
    {"band", SX_CFG_T_INT, 0, "1", 1, 100000, NULL, "band of the DEM"},
    {"products", SX_CFG_T_LIST, 1, NULL, 1, 0, NULL,
     "products to compute: slope aspect hillshade curvature profile_curvature plan_curvature tpi tri roughness twi",
     NULL, "P...", 1, SX_TERRAIN_NPRODUCTS},
    {"output", SX_CFG_T_STRING, 0, "terrain", 1, 0, NULL, "stem of the output layers: <output>_<product>", "-o", "OUT"},
    {"units", SX_CFG_T_ENUM, 0, "degree", 1, 0, "degree|percent", "slope units"},
    {"z_factor", SX_CFG_T_FLOAT, 0, "1", 1e-12, 1e12, NULL, "vertical exaggeration / unit conversion of z"},
    {"azimuth", SX_CFG_T_FLOAT, 0, "315", 0, 360, NULL, "hillshade: direction of the light, degrees from north"},
    {"altitude", SX_CFG_T_FLOAT, 0, "45", 0, 90, NULL, "hillshade: altitude of the light, degrees"},
    {"accum", SX_CFG_T_STRING, 0, NULL, 0, 0, NULL,
     "twi: flow accumulation in cells on the DEM's grid (an earlier accum output or a path)"},
    SX_STEP_F_OUTPUTS,
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *output, *units, *input, *accum;
    int64_t band;
    double z, azimuth, altitude;
    SX_CHECK(sx_job_input(job, node, "input", &input));
    SX_CHECK(sx_job_input(job, node, "accum", &accum));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "terrain", &output));
    SX_CHECK(sx_cfg_get_string(cfg, node, "units", "degree", &units));
    SX_CHECK(sx_cfg_get_int(cfg, node, "band", 1, &band));
    SX_CHECK(sx_cfg_get_double(cfg, node, "z_factor", 1.0, &z));
    SX_CHECK(sx_cfg_get_double(cfg, node, "azimuth", 315, &azimuth));
    SX_CHECK(sx_cfg_get_double(cfg, node, "altitude", 45, &altitude));

    const sx_cfg_node_t *list = sx_cfg_map_get(node, "products");
    size_t n = sx_cfg_node_len(list);
    sx_job_raster_out_t out[SX_TERRAIN_NPRODUCTS];
    sx_terrain_output_t outs[SX_TERRAIN_NPRODUCTS];
    char names[SX_TERRAIN_NPRODUCTS][SX_PATH_MAX];
    for (size_t k = 0; k < n; k++) {
        const sx_cfg_node_t *item = sx_cfg_node_at(list, k);
        const char *name = sx_cfg_node_text(item);
        sx_terrain_product p = SX_TERRAIN_NPRODUCTS;
        if (!name || sx_terrain_parse(name, &p) != SX_OK)
            return sx_cfg_fail_at(cfg, item, "unknown terrain product '%s'; use slope, aspect, hillshade, curvature, "
                                  "profile_curvature, plan_curvature, tpi, tri, roughness or twi", name ? name : "");
        for (size_t j = 0; j < k; j++)
            if (outs[j].product == p) return sx_cfg_fail_at(cfg, item, "terrain product '%s' is listed twice", name);
        if (p == SX_TERRAIN_TWI && !accum)
            return sx_cfg_fail_at(cfg, item, "twi needs `accum`: the flow accumulation in cells on the DEM's grid "
                                  "(from `sanxiang dem accum`)");
        snprintf(names[k], sizeof names[k], "%s_%s", output, name);
        SX_CHECK(sx_job_raster_out(job, node, names[k], &out[k]));
        outs[k] = (sx_terrain_output_t){p, out[k].nc, out[k].tif};
    }
    sx_terrain_opts_t o = {input, (int)band, outs, (int)n,
                           strcmp(units, "percent") ? SX_SLOPE_DEGREE : SX_SLOPE_PERCENT, z, azimuth, altitude, accum,
                           sx_job_provenance(job)};
    SX_CHECK(sx_dem_terrain_run(comm, &o));
    for (size_t k = 0; k < n; k++)
        SX_CHECK(sx_job_add_raster_layer(job, names[k], &out[k], sx_terrain_name(outs[k].product)));
    return SX_OK;
}

const sx_job_step_t sx_step_terrain = {
    "terrain", "terrain products of a DEM in one pass (slope, aspect, hillshade, curvatures, TPI, TRI, TWI)", fields,
    sizeof fields / sizeof *fields, run, "dem terrain", ".tif|.tiff|.nc",
    "Any number of terrain products in one pass over the DEM, each written as OUT_<product>.tif (COG; --format\n"
    "cog,nc adds OUT_<product>.nc). Slope, aspect, hillshade, TPI, TRI (Riley et al. 1999) and roughness as\n"
    "gdaldem computes them; curvature, profile_curvature and plan_curvature of Zevenbergen & Thorne (1987) with\n"
    "ArcGIS's signs, x 100; twi = ln(a / tan slope) (Beven & Kirkby 1979) from a cell-count accumulation (--accum).\n"
    "Edge cells and cells next to nodata are nodata (-9999; hillshade 0)."};
