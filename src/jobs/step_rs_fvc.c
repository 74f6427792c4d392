/*
 * step_rs_fvc.c — job step `rs_fvc` (command `sanxiang rs fvc`): fractional
 * vegetation cover from an NDVI layer by the dimidiate pixel model, with
 * NDVI_soil / NDVI_veg from whole-raster percentiles or given.
 */
#include "jobs/step_rs_common.h"
#include "sanxiang/sx_rs_series.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_fvc"},
    {"ndvi", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "NDVI layer (input name, earlier output or path)", NULL, "NDVI.tif"},
    {"soil_percentile", SX_CFG_T_FLOAT, 0, "5", 0, 100, NULL, "NDVI_soil = this percentile of the layer's NDVI"},
    {"veg_percentile", SX_CFG_T_FLOAT, 0, "95", 0, 100, NULL, "NDVI_veg = this percentile of the layer's NDVI"},
    {"ndvi_soil", SX_CFG_T_FLOAT, 0, NULL, -1, 1, NULL, "NDVI of bare soil (instead of the percentile)"},
    {"ndvi_veg", SX_CFG_T_FLOAT, 0, NULL, -1, 1, NULL, "NDVI of full vegetation cover (instead of the percentile)"},
    {"band", SX_CFG_T_INT, 0, "1", 1, 100000, NULL, "band of the NDVI layer"},
    {"nodata", SX_CFG_T_FLOAT, 0, NULL, 1, 0, NULL, "nodata of the layer when the file does not declare it"},
    SX_STEP_RS_F_OUTPUT("fvc", "output layer name"),
    SX_STEP_F_OUTPUTS,
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    sx_rs_fvc_opts_t o = {0};
    const char *output;
    int64_t band;
    SX_CHECK(sx__step_rs_layer(job, node, "ndvi", &o.ndvi));
    SX_CHECK(sx_cfg_get_double(cfg, node, "soil_percentile", 5, &o.soil_percentile));
    SX_CHECK(sx_cfg_get_double(cfg, node, "veg_percentile", 95, &o.veg_percentile));
    if (!(o.soil_percentile < o.veg_percentile))
        return sx_cfg_fail_at(cfg, node, "soil_percentile %g must be below veg_percentile %g", o.soil_percentile,
                              o.veg_percentile);
    o.has_soil = sx_cfg_map_get(node, "ndvi_soil") != NULL;
    o.has_veg = sx_cfg_map_get(node, "ndvi_veg") != NULL;
    SX_CHECK(sx_cfg_get_double(cfg, node, "ndvi_soil", 0, &o.ndvi_soil));
    SX_CHECK(sx_cfg_get_double(cfg, node, "ndvi_veg", 0, &o.ndvi_veg));
    SX_CHECK(sx_cfg_get_int(cfg, node, "band", 1, &band));
    o.band = (int)band;
    o.has_nodata = sx_cfg_map_get(node, "nodata") != NULL;
    SX_CHECK(sx_cfg_get_double(cfg, node, "nodata", 0, &o.nodata));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "fvc", &output));
    sx_job_raster_out_t out;
    SX_CHECK(sx_job_raster_out(job, node, output, &out));
    o.out_nc = out.nc;
    o.out_cog = out.tif;
    o.provenance = sx_job_provenance(job);
    SX_CHECK(sx_rs_fvc_run(comm, &o));
    return sx_job_add_raster_layer(job, output, &out, "fvc");
}

const sx_job_step_t sx_step_rs_fvc = {
    "rs_fvc", "fractional vegetation cover (dimidiate pixel model, Gutman & Ignatov 1998)", fields,
    sizeof fields / sizeof *fields, run, "rs fvc", SX_STEP_RS_RASTER_EXT,
    "FVC = (NDVI - NDVI_soil) / (NDVI_veg - NDVI_soil), clipped to [0, 1]. NDVI_soil and NDVI_veg are the\n"
    "--soil-percentile / --veg-percentile (default 5 / 95) of the whole layer's NDVI (cumulative histogram,\n"
    "exact at any rank count; logged and recorded in the provenance) unless --ndvi-soil / --ndvi-veg give them."};
