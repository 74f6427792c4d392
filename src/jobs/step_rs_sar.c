/*
 * step_rs_sar.c — SAR job steps: `rs_sarcal` (`sanxiang rs sarcal`,
 * Sentinel-1 GRD calibration to sigma0 / beta0 / gamma0 with thermal-noise
 * removal, linear or dB, from a SAFE product) and `rs_speckle` (boxcar,
 * median and Lee speckle filters).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/step_rs_common.h"
#include "sanxiang/sx_rs_sar.h"

static const sx_cfg_field_t sarcal_fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_sarcal"},
    {"product", SX_CFG_T_PATH, 1, NULL, 1, 0, NULL, "Sentinel-1 product: the .SAFE directory (or its manifest.safe)", "1",
     "SAFE"},
    {"pol", SX_CFG_T_ENUM, 0, "the product's only one", 1, 0, "VV|VH|HH|HV|vv|vh|hh|hv", "polarisation"},
    {"quantity", SX_CFG_T_ENUM, 0, "sigma0", 1, 0, "sigma0|beta0|gamma0",
     "backscatter coefficient: sigma0 (ground range), beta0 (slant range), gamma0 (plane normal to the look)"},
    {"noise", SX_CFG_T_BOOL, 0, "true", 1, 0, NULL, "remove the thermal noise of the noise annotation (--no-noise keeps it)"},
    {"db", SX_CFG_T_BOOL, 0, "false", 1, 0, NULL, "write 10 log10(value) (0 -> nodata)"},
    {"srcwin", SX_CFG_T_LIST, 0, "the whole image", 1, 0, NULL, "calibrate only pixels X..X+NX-1 of lines Y..Y+NY-1",
     "--srcwin", "X Y NX NY", 4, 4},
    SX_STEP_RS_F_OUTPUT("sigma0", "output layer name"),
    SX_STEP_F_OUTPUTS,
};

static sx_err run_sarcal(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *product, *pol, *quantity, *output;
    int noise, db;
    SX_CHECK(sx__step_rs_layer(job, node, "product", &product));
    SX_CHECK(sx_cfg_get_string(cfg, node, "pol", NULL, &pol));
    SX_CHECK(sx_cfg_get_string(cfg, node, "quantity", "sigma0", &quantity));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "noise", 1, &noise));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "db", 0, &db));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", quantity, &output));
    sx_s1_calibrate_opts_t o = {product, pol, SX_SAR_SIGMA0, noise, db, {0, 0, 0, 0}, NULL, NULL, sx_job_provenance(job)};
    o.quantity = !strcmp(quantity, "beta0") ? SX_SAR_BETA0 : !strcmp(quantity, "gamma0") ? SX_SAR_GAMMA0 : SX_SAR_SIGMA0;
    const sx_cfg_node_t *win = sx_cfg_map_get(node, "srcwin");
    for (size_t i = 0; win && i < 4; i++) {
        const sx_cfg_node_t *v = sx_cfg_node_at(win, i);
        if (!sx_parse_int64(sx_cfg_node_text(v), &o.win[i]) || o.win[i] < 0 || (i >= 2 && o.win[i] == 0))
            return sx_cfg_fail_at(cfg, v, "expected %s", i < 2 ? "an integer >= 0" : "an integer > 0");
    }
    sx_job_raster_out_t out;
    SX_CHECK(sx_job_raster_out(job, node, output, &out));
    o.out_nc = out.nc;
    o.out_cog = out.tif;
    SX_CHECK(sx_s1_calibrate_run(comm, &o));
    return sx_job_add_raster_layer(job, output, &out, quantity);
}

const sx_job_step_t sx_step_rs_sarcal = {
    "rs_sarcal", "Sentinel-1 GRD calibration: sigma0 / beta0 / gamma0, thermal noise removed, linear or dB",
    sarcal_fields, sizeof sarcal_fields / sizeof *sarcal_fields, run_sarcal, "rs sarcal", SX_STEP_RS_RASTER_EXT,
    "SAFE: the unzipped product (manifest.safe, annotation/, annotation/calibration/, measurement/).\n"
    "value = max(DN^2 - noise, 0) / A^2, A the calibration LUT of the quantity and noise the thermal noise,\n"
    "both interpolated bilinearly over the annotation's lines and pixels (ESA-EOPG-CSCOP-TN-0002, MPC-0392).\n"
    "Float32 in image geometry (column = pixel, row = line, no CRS), NaN = nodata (DN 0, the border fill).\n"
    "docs/remote-sensing.md#sar."};

static const sx_cfg_field_t speckle_fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_speckle"},
    {"input", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "backscatter layer (linear power for lee)", "1", "IN"},
    {"band", SX_CFG_T_INT, 0, "1", 1, 100000, NULL, "band of the input"},
    {"filter", SX_CFG_T_ENUM, 0, "lee", 1, 0, "lee|boxcar|median", "lee (Lee 1980), boxcar (mean) or median"},
    {"size", SX_CFG_T_INT, 0, "7", 3, 31, NULL, "window edge in cells (odd)"},
    {"looks", SX_CFG_T_FLOAT, 0, "1", 1e-6, 1e6, NULL,
     "lee: equivalent number of looks (speckle variance 1/L; about 4.4 for Sentinel-1 IW GRDH)"},
    SX_STEP_RS_F_OUTPUT("speckle", "output layer name"),
    SX_STEP_F_OUTPUTS,
};

static sx_err run_speckle(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *input, *filter, *output;
    int64_t band, size;
    double looks;
    SX_CHECK(sx__step_rs_layer(job, node, "input", &input));
    SX_CHECK(sx_cfg_get_int(cfg, node, "band", 1, &band));
    SX_CHECK(sx_cfg_get_string(cfg, node, "filter", "lee", &filter));
    SX_CHECK(sx_cfg_get_int(cfg, node, "size", 7, &size));
    SX_CHECK(sx_cfg_get_double(cfg, node, "looks", 1, &looks));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "speckle", &output));
    if (size % 2 == 0) return sx_cfg_fail_at(cfg, sx_cfg_map_get(node, "size"), "the window edge must be odd (3, 5, 7, ...)");
    sx_job_raster_out_t out;
    SX_CHECK(sx_job_raster_out(job, node, output, &out));
    sx_rs_speckle_opts_t o = {input, (int)band, !strcmp(filter, "boxcar") ? SX_SPECKLE_BOXCAR
                                                : !strcmp(filter, "median") ? SX_SPECKLE_MEDIAN : SX_SPECKLE_LEE,
                              (int)size, looks, out.nc, out.tif, sx_job_provenance(job)};
    SX_CHECK(sx_rs_speckle_run(comm, &o));
    return sx_job_add_raster_layer(job, output, &out, "speckle");
}

const sx_job_step_t sx_step_rs_speckle = {
    "rs_speckle", "SAR speckle filter: Lee (1980), boxcar or median over a size x size window", speckle_fields,
    sizeof speckle_fields / sizeof *speckle_fields, run_speckle, "rs speckle", SX_STEP_RS_RASTER_EXT,
    "lee: out = m + k (z - m), k = var_x / (m^2 / L + var_x), var_x = (var_z - m^2 / L) / (1 + 1 / L), m and var_z\n"
    "the window's mean and variance (Lee 1980, doi:10.1109/TPAMI.1980.4766994). Filter linear power, not dB.\n"
    "Nodata and cells beyond the raster are left out of each window; a nodata centre stays nodata.\n"
    "docs/remote-sensing.md#sar-sentinel-1--rs-sarcal."};
