/*
 * step_rs_rsei.c — job step `rs_rsei` (command `sanxiang rs rsei`): the
 * Remote Sensing Ecological Index (Xu 2013) from NDVI, wetness, NDBSI and
 * LST layers, with the principal components' loadings in OUT_pca.csv.
 */

#include "jobs/step_rs_common.h"
#include "sanxiang/sx_rs_series.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_rsei"},
    {"ndvi", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "greenness: NDVI layer", NULL, "NDVI.tif"},
    {"wet", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "wetness: tasseled-cap WET layer", NULL, "WET.tif"},
    {"ndbsi", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "dryness: NDBSI layer", NULL, "NDBSI.tif"},
    {"lst", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "heat: land surface temperature layer", NULL, "LST.tif"},
    {"nodata", SX_CFG_T_FLOAT, 0, NULL, 1, 0, NULL, "nodata of the layers when the files do not declare it"},
    SX_STEP_RS_F_OUTPUT("rsei", "output layer name (loadings in <output>_pca.csv)"),
    SX_STEP_F_OUTPUTS,
};

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    sx_rs_rsei_opts_t o = {0};
    const char *output;
    SX_CHECK(sx__step_rs_layer(job, node, "ndvi", &o.ndvi));
    SX_CHECK(sx__step_rs_layer(job, node, "wet", &o.wet));
    SX_CHECK(sx__step_rs_layer(job, node, "ndbsi", &o.ndbsi));
    SX_CHECK(sx__step_rs_layer(job, node, "lst", &o.lst));
    o.has_nodata = sx_cfg_map_get(node, "nodata") != NULL;
    SX_CHECK(sx_cfg_get_double(cfg, node, "nodata", 0, &o.nodata));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "rsei", &output));
    sx_job_raster_out_t out;
    SX_CHECK(sx_job_raster_out(job, node, output, &out));
    char csv[SX_PATH_MAX];
    SX_CHECK(sx__step_rs_side_file(job, output, "_pca", ".csv", csv, sizeof csv));
    o.out_nc = out.nc;
    o.out_cog = out.tif;
    o.out_csv = csv;
    o.provenance = sx_job_provenance(job);
    SX_CHECK(sx_rs_rsei_run(comm, &o));
    return sx_job_add_raster_layer(job, output, &out, "rsei");
}

const sx_job_step_t sx_step_rs_rsei = {
    "rs_rsei", "Remote Sensing Ecological Index (Xu 2013) from NDVI, wetness, NDBSI and LST", fields,
    sizeof fields / sizeof *fields, run, "rs rsei", SX_STEP_RS_RASTER_EXT,
    "Each layer is min-max normalised over the raster; RSEI is the first principal component (covariance) of the\n"
    "four, oriented so that NDVI loads positively, rescaled to [0, 1]. Writes OUT.tif and OUT_pca.csv (eigenvalues,\n"
    "% of variance, loadings, the ranges used). docs/remote-sensing.md gives rs calc expressions for the layers."};
