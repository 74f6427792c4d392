/*
 * step_rs_sar.c — SAR job steps: `rs_sarcal` (`sanxiang rs sarcal`,
 * Sentinel-1 GRD calibration to sigma0 / beta0 / gamma0 with thermal-noise
 * removal, linear or dB, from a SAFE product; GF-3 sigma0), `rs_speckle` (boxcar,
 * median and Lee speckle filters) and `rs_sarwater` (water below a fixed,
 * Otsu or split-based threshold, optional polygons).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/step_rs_common.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_rs_sar.h"

static const sx_cfg_field_t sarcal_fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_sarcal"},
    {"product", SX_CFG_T_PATH, 1, NULL, 1, 0, NULL, "Sentinel-1 product: the .SAFE directory (or its manifest.safe); "
     "or a GF-3 product directory (or its .meta.xml)", "1", "PRODUCT"},
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
    "rs_sarcal", "Sentinel-1 GRD / GF-3 calibration: sigma0 / beta0 / gamma0, thermal noise removed, linear or dB",
    sarcal_fields, sizeof sarcal_fields / sizeof *sarcal_fields, run_sarcal, "rs sarcal", SX_STEP_RS_RASTER_EXT,
    "PRODUCT: an unzipped Sentinel-1 SAFE (manifest.safe, annotation/, annotation/calibration/, measurement/), or a\n"
    "GF-3 product directory (its <name>.meta.xml and per-polarisation ..._<POL>_....tiff).\n"
    "value = max(DN^2 - noise, 0) / A^2, A the calibration LUT of the quantity and noise the thermal noise,\n"
    "both interpolated bilinearly over the annotation's lines and pixels (ESA-EOPG-CSCOP-TN-0002, MPC-0392).\n"
    "Float32 in image geometry (column = pixel, row = line, no CRS), NaN = nodata (DN 0, the border fill); the COG\n"
    "carries the annotation's geolocation grid as GCPs (WGS 84): rs_warp geocodes it (thin-plate spline).\n"
    "GF-3 (auto-detected from its .meta.xml): sigma0_dB = 10 log10(P (QualifyValue / N)^2) - CalibrationConst,\n"
    "P = I^2 + Q^2, N = 32767 for L1A SLC; P = DN^2, N = 65535 for L1B/L2 amplitude (GF-3 product manual).\n"
    "docs/remote-sensing.md#sar."};

static const sx_cfg_field_t speckle_fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_speckle"},
    {"input", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "backscatter layer (linear power for lee)", "1", "IN"},
    {"band", SX_CFG_T_INT, 0, "1", 1, 100000, NULL, "band of the input"},
    {"filter", SX_CFG_T_ENUM, 0, "lee", 1, 0, "lee|refined_lee|boxcar|median",
     "lee (Lee 1980), refined_lee (Lee 1981, 7 x 7 edge-aligned), boxcar (mean) or median"},
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
                                                : !strcmp(filter, "median")      ? SX_SPECKLE_MEDIAN
                                                : !strcmp(filter, "refined_lee") ? SX_SPECKLE_REFINED_LEE
                                                                                 : SX_SPECKLE_LEE,
                              (int)size, looks, out.nc, out.tif, sx_job_provenance(job)};
    SX_CHECK(sx_rs_speckle_run(comm, &o));
    return sx_job_add_raster_layer(job, output, &out, "speckle");
}

const sx_job_step_t sx_step_rs_speckle = {
    "rs_speckle", "SAR speckle filter: Lee (1980), refined Lee (1981), boxcar or median", speckle_fields,
    sizeof speckle_fields / sizeof *speckle_fields, run_speckle, "rs speckle", SX_STEP_RS_RASTER_EXT,
    "lee: out = m + k (z - m), k = var_x / (m^2 / L + var_x), var_x = (var_z - m^2 / L) / (1 + 1 / L), m and var_z\n"
    "the window's mean and variance (Lee 1980, doi:10.1109/TPAMI.1980.4766994). refined_lee: the same over the\n"
    "7 x 7 half window on the centre's side of the strongest of 4 edge directions, b = var_x / var_z (Lee 1981).\n"
    "Filter linear power, not dB.\n"
    "Nodata and cells beyond the raster are left out of each window; a nodata centre stays nodata.\n"
    "docs/remote-sensing.md#sar-sentinel-1-gf-3--rs-sarcal."};

static const sx_cfg_field_t sarwater_fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_sarwater"},
    {"input", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "backscatter layer in dB (sigma0; --linear for linear power)", "1",
     "IN"},
    {"band", SX_CFG_T_INT, 0, "1", 1, 100000, NULL, "band of the input"},
    {"linear", SX_CFG_T_BOOL, 0, "false", 1, 0, NULL, "the input (and --before) is linear power (converted to dB)"},
    {"before", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL,
     "pre-event backscatter on the same grid: flood where the log-ratio after - before (dB) < threshold", "--before",
     "PRE"},
    {"method", SX_CFG_T_ENUM, 0, "split (otsu with --threshold: fixed)", 1, 0, "split|otsu|fixed",
     "split: Otsu over the bimodal tiles (Martinis et al. 2009); otsu: over the whole raster; fixed: --threshold"},
    {"threshold", SX_CFG_T_FLOAT, 0, NULL, -1000, 1000, NULL, "water where dB < threshold (method fixed)", "--threshold", "DB"},
    {"tile", SX_CFG_T_INT, 0, "256", 8, 100000, NULL, "split: tile edge in cells"},
    {"min_separability", SX_CFG_T_FLOAT, 0, "0.7", 0, 1, NULL,
     "Otsu's separability (between-class / total variance) a histogram needs to count as bimodal"},
    {"bins", SX_CFG_T_INT, 0, "256", 2, 100000, NULL, "histogram bins"},
    SX_STEP_RS_F_NODATA,
    SX_STEP_RS_F_OUTPUT("water", "output layer name"),
    {"polygons", SX_CFG_T_BOOL, 0, "false", 1, 0, NULL, "also write <output>.gpkg polygons with area_km2"},
    {"hand", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL,
     "HAND raster (m, dem hand) on the same grid: water where HAND > hand_max becomes land", "--hand", "HAND"},
    {"hand_max", SX_CFG_T_FLOAT, 0, "15", 0, 10000, NULL,
     "with hand: metres above the nearest drainage beyond which no water is mapped (Twele et al. 2016)", "--hand-max",
     "M"},
    SX_STEP_F_OUTPUTS,
};

static sx_err run_sarwater(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *input, *method, *output;
    int64_t band, tile, bins;
    int linear, poly;
    double thr, min_eta;
    SX_CHECK(sx__step_rs_layer(job, node, "input", &input));
    SX_CHECK(sx_cfg_get_int(cfg, node, "band", 1, &band));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "linear", 0, &linear));
    const int has_thr = sx_cfg_map_get(node, "threshold") != NULL;
    SX_CHECK(sx_cfg_get_string(cfg, node, "method", has_thr ? "fixed" : "split", &method));
    SX_CHECK(sx_cfg_get_double(cfg, node, "threshold", 0, &thr));
    SX_CHECK(sx_cfg_get_int(cfg, node, "tile", 256, &tile));
    SX_CHECK(sx_cfg_get_double(cfg, node, "min_separability", 0.7, &min_eta));
    SX_CHECK(sx_cfg_get_int(cfg, node, "bins", 256, &bins));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "polygons", 0, &poly));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "water", &output));
    if (has_thr != !strcmp(method, "fixed"))
        return sx_cfg_fail_at(cfg, sx_cfg_map_get(node, has_thr ? "threshold" : "method"),
                              "--threshold goes with --method fixed (the default when a threshold is given), not %s",
                              method);
    sx_rs_band_t b = {0}, pre = {0};
    const char *before = NULL;
    if (sx_cfg_map_get(node, "before")) {
        SX_CHECK(sx__step_rs_layer(job, node, "before", &before));
        pre.name = "before";
        pre.path = before;
        pre.band = (int)band;
        pre.scale = 1;
    }
    b.name = "sar";
    b.path = input;
    b.band = (int)band;
    b.scale = 1;
    const sx_cfg_node_t *nd = sx_cfg_map_get(node, "nodata");
    if (nd) {
        if (!sx_parse_double(sx_cfg_node_text(nd), &b.nodata)) return sx_cfg_fail_at(cfg, nd, "expected a number");
        b.has_nodata = 1;
        pre.nodata = b.nodata;
        pre.has_nodata = 1;
    }
    char gpkg[SX_PATH_MAX];
    sx_job_raster_out_t out;
    SX_CHECK(sx_job_raster_out(job, node, output, &out));
    SX_CHECK(sx_job_out_file(job, output, ".gpkg", gpkg, sizeof gpkg));
    double used_thr = thr;
    int tiles = 0;
    sx_rs_sarwater_opts_t o = {&b, before ? &pre : NULL, linear, !strcmp(method, "fixed") ? SX_SARWATER_FIXED
                                           : !strcmp(method, "otsu") ? SX_SARWATER_OTSU : SX_SARWATER_SPLIT,
                               thr, (int)bins, (int)tile, min_eta, out.nc, out.tif, poly ? gpkg : NULL,
                               sx_job_provenance(job), &used_thr, &tiles};
    if (sx_cfg_map_get(node, "hand")) SX_CHECK(sx__step_rs_layer(job, node, "hand", &o.hand));
    else if (sx_cfg_map_get(node, "hand_max"))
        return sx_cfg_fail_at(cfg, sx_cfg_map_get(node, "hand_max"), "--hand-max needs --hand (a HAND raster)");
    SX_CHECK(sx_cfg_get_double(cfg, node, "hand_max", 15, &o.hand_max));
    SX_CHECK(sx_rs_sarwater_run(comm, &o));
    sx_log_info("rs sarwater: %s where %s < %.9g dB (%s)", before ? "flood" : "water",
                before ? "the log-ratio" : "the backscatter", used_thr, method);
    return sx_job_add_raster_layer(job, output, &out, before ? "flood" : "water");
}

const sx_job_step_t sx_step_rs_sarwater = {
    "rs_sarwater", "water from SAR backscatter: fixed, Otsu or split-based threshold, optional polygons",
    sarwater_fields, sizeof sarwater_fields / sizeof *sarwater_fields, run_sarwater, "rs sarwater",
    SX_STEP_RS_RASTER_EXT,
    "Water = backscatter (dB) < threshold (UInt8 1 water, 0 land, 255 nodata). split (default): the raster is cut\n"
    "into --tile tiles; tiles whose Otsu split has separability (between-class / total variance) >=\n"
    "--min-separability and >= 10 % in each class are pooled and Otsu's threshold of the pool is used (after\n"
    "Martinis et al. 2009). Histograms are reduced exactly across\n"
    "ranks: the same threshold at any rank count. No bimodal histogram: an error (give --threshold).\n"
    "--polygons also writes OUT.gpkg. Flood: water after and not before with `rs flood`, or --before PRE:\n"
    "change detection, flood where the log-ratio after - before (dB) < threshold (e.g. --threshold -3).\n"
    "--hand HAND (dem hand, on the same grid): water where HAND > --hand-max (default 15 m, Twele et al. 2016,\n"
    "doi:10.1080/01431161.2016.1192304) becomes land after thresholding.\n"};
