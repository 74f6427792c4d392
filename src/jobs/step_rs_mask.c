/*
 * step_rs_mask.c — job step `rs_mask`: cloud/shadow/fill mask (UInt8, 1
 * masked) from a Landsat QA_PIXEL/BQA or Sentinel-2 SCL layer, optionally
 * dilated.
 */
#include "jobs/step_rs_common.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_mask"},
    {"qa", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "quality layer: input name, earlier output or path", NULL, "QA.tif"},
    {"band", SX_CFG_T_INT, 0, "1", 1, 100000, NULL, "band of the quality layer"},
    SX_STEP_RS_F_QA_KIND,
    SX_STEP_RS_F_MASK,
    SX_STEP_RS_F_DILATE,
    {"nodata", SX_CFG_T_FLOAT, 0, NULL, 1, 0, NULL, "nodata of the quality layer where the file does not declare it"},
    SX_STEP_RS_F_OUTPUT("mask", "output layer name"),
    SX_STEP_F_OUTPUTS,
    SX_STEP_F_INTERMEDIATE,
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *output;
    int64_t dil;
    sx_rs_mask_opts_t o = {0};
    SX_CHECK(sx__step_rs_layer(job, node, "qa", &o.qa_path));
    SX_CHECK(sx__step_rs_qa_rule(job, node, &o.rule));
    SX_CHECK(sx_cfg_get_int(cfg, node, "dilate", 0, &dil));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "mask", &output));
    o.has_nodata = sx_cfg_map_get(node, "nodata") != NULL;
    SX_CHECK(sx_cfg_get_double(cfg, node, "nodata", 0, &o.nodata));
    o.dilate = (int)dil;
    int64_t band;
    SX_CHECK(sx_cfg_get_int(cfg, node, "band", 1, &band));
    o.band = (int)band;
    sx_job_raster_out_t out;
    SX_CHECK(sx_job_raster_out(job, node, output, &out));
    o.out_nc = out.nc;
    o.out_cog = out.tif;
    o.provenance = sx_job_provenance(job);
    SX_CHECK(sx_rs_mask_run(comm, &o));
    return sx_job_add_raster_layer(job, output, &out, "mask");
}

const sx_job_step_t sx_step_rs_mask = {
    "rs_mask", "cloud/shadow/fill mask from a QA or SCL layer, optionally dilated", fields,
    sizeof fields / sizeof *fields, run, "rs mask", SX_STEP_RS_RASTER_EXT,
    "Cloud/shadow/fill mask (UInt8: 1 masked, 0 clear; QA nodata is masked), dilated by N cells.\n"
    "Classes: landsat-c2 fill dilated cirrus cloud shadow snow water; landsat-c1 fill cloud cloud-medium\n"
    "cloud-high shadow snow cirrus; s2-scl nodata saturated dark shadow vegetation bare water unclassified\n"
    "cloud-medium cloud-high cirrus snow."};
