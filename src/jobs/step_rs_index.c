/*
 * step_rs_index.c — job steps `rs_index` (a spectral index by name: sanxiang's
 * seven or any of the Awesome Spectral Indices catalogue, with constants;
 * `rs index --list` prints them) and `rs_water` (water mask from MNDWI/NDWI,
 * fixed or Otsu threshold, optional polygons), both over a map of band roles
 * to layers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/step_rs_common.h"
#include "sanxiang/sx_log.h"
#include "sanxiang/sx_mpi.h"

#define MAX_ROLES SX_STEP_RS_MAX_ROLES

static const sx_cfg_field_t index_fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_index"},
    {"index", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL,
     "spectral index, any case: ndvi evi savi ndwi mndwi ndbi nbr or a catalogue name (--list)", "1", "NAME"},
    {"bands", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL,
     "role: layer (input name, earlier output or path); roles are band codes (N, R, G, B, S1, RE1, ...) or "
     "common names (nir, red, ...), e.g. nir: b5", "-b", "ROLE=PATH"},
    {"constants", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL, "constants of the formula over their defaults, e.g. L: 0.5",
     "--const", "NAME=V"},
    {"platform", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL,
     "fill the central wavelengths lambdaG, lambdaN, ... from the catalogue's band table for this platform "
     "(landsat8, sentinel2a, modis, ...)", "--platform", "P"},
    {"list", SX_CFG_T_BOOL, 0, "false", 1, 0, NULL, "print the indices (name, domain, bands, constants, long name, "
     "reference, formula) and stop", "--list"},
    {"domain", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "with --list: only this application domain (vegetation, water, "
     "burn, urban, soil, radar, snow, clouds, kernel)", "--domain", "D"},
    {"list_bands", SX_CFG_T_BOOL, 0, "false", 1, 0, NULL, "print the band codes with their wavelengths and each "
     "platform's band, and stop", "--list-bands"},
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

/* constants: {NAME: V, ...} -> c[0..*n) (names borrowed from the configuration). */
static sx_err read_constants(const sx_cfg_t *cfg, const sx_cfg_node_t *node, sx_rs_const_t *c, int max, int *n)
{
    *n = 0;
    const sx_cfg_node_t *m = sx_cfg_map_get(node, "constants");
    if (!m) return SX_OK;
    for (size_t i = 0; i < sx_cfg_node_len(m); i++) {
        const sx_cfg_node_t *v = sx_cfg_node_at(m, i);
        const char *text = sx_cfg_node_text(v);
        if (*n == max) return sx_cfg_fail_at(cfg, m, "at most %d constants", max);
        if (!text || !sx_parse_double(text, &c[*n].value))
            return sx_cfg_fail_at(cfg, v, "constant %s: expected a number, e.g. --const %s=0.5",
                                  sx_cfg_node_key_at(m, i), sx_cfg_node_key_at(m, i));
        c[(*n)++].name = sx_cfg_node_key_at(m, i);
    }
    return SX_OK;
}

static sx_err run_index(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *name, *output, *domain;
    int n, nc, list, list_bands;
    sx_rs_band_t b[MAX_ROLES];
    sx_rs_const_t c[MAX_ROLES];
    const sx_rs_index_t *ix;
    SX_CHECK(sx_cfg_get_bool(cfg, node, "list", 0, &list));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "list_bands", 0, &list_bands));
    SX_CHECK(sx_cfg_get_string(cfg, node, "domain", NULL, &domain));
    if (list || list_bands) {
        if (!sx_job_is_command(job))
            return sx_cfg_fail_at(cfg, node, "list and list_bands are for the command line (sanxiang rs index --list)");
        sx_err err = SX_OK;
        if (sx_mpi_rank() == 0) {
            if (list) err = sx_rs_index_list(stdout, domain);
            if (!err && list_bands) sx_rs_index_list_bands(stdout);
            fflush(stdout);
        }
        return sx_err_agree(comm, err);
    }
    if (domain) return sx_cfg_fail_at(cfg, sx_cfg_map_get(node, "domain"), "domain goes with --list");
    SX_CHECK(sx_cfg_get_string(cfg, node, "index", NULL, &name));
    if (!name) return sx_cfg_fail_at(cfg, node, "give an index NAME (sanxiang rs index --list shows them)");
    if (sx_job_is_command(job) && !sx_cfg_map_get(node, "output"))
        SX_FAIL(SX_ERR_USAGE, "sanxiang rs index needs -o OUTPUT (.tif|.tiff|.nc); see `sanxiang rs index --help`");
    if (sx_rs_index_find(name, &ix)) return sx_cfg_fail_at(cfg, sx_cfg_map_get(node, "index"), "%s", sx_err_message());
    if (!sx_cfg_map_get(node, "bands"))
        return sx_cfg_fail_at(cfg, node, "%s = %s: give its bands, e.g. -b %.*s=PATH", ix->name, ix->expr,
                              (int)strcspn(ix->roles, " "), ix->roles);
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", name, &output));
    SX_CHECK(read_constants(cfg, node, c, MAX_ROLES, &nc));
    const char *platform;
    double wavelengths[MAX_ROLES];
    SX_CHECK(sx_cfg_get_string(cfg, node, "platform", NULL, &platform));
    if (platform && sx_rs_index_platform_consts(ix, platform, c, &nc, MAX_ROLES, wavelengths))
        return sx_cfg_fail_at(cfg, sx_cfg_map_get(node, "platform"), "%s", sx_err_message());
    SX_CHECK(sx__step_rs_bands(job, node, "bands", b, &n));
    sx_rs_index_expr_t *ie = malloc(sizeof *ie);
    SX_FAIL_IF(!ie, SX_ERR_NOMEM, "cannot allocate an index expression");
    char *prov = NULL;
    sx_err err = sx_rs_index_expr(ix, b, n, c, nc, ie);
    if (err) {
        const sx_cfg_node_t *at = sx_cfg_map_get(node, ie->bad == 2 ? "constants" : "bands");
        err = sx_cfg_fail_at(cfg, at ? at : node, "%s", sx_err_message());
    }
    if (!err) err = sx_rs_index_provenance(sx_job_provenance(job), ix, ie, &prov);
    sx_job_raster_out_t out;
    if (!err) err = sx_job_raster_out(job, node, output, &out);
    if (!err) {
        sx_rs_calc_opts_t o = {b, n, ie->expr, out.nc, out.tif, ix->name, ix->long_name, "1", prov, 0};
        err = sx_rs_calc_run(comm, &o);
    }
    free(prov);
    free(ie);
    SX_CHECK(err);
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
    "rs_index", "spectral index of reflectance bands by name (ndvi ... and the 280 of Awesome Spectral Indices)",
    index_fields, sizeof index_fields / sizeof *index_fields, run_index, "rs index", SX_STEP_RS_RASTER_EXT,
    "NAME (any case): ndvi (nir, red), evi (nir, red, blue), savi (nir, red; L = 0.5), ndwi (McFeeters: green,\n"
    "nir), mndwi (Xu: green, swir1), ndbi (swir1, nir), nbr (nir, swir2), or any index of the Awesome Spectral\n"
    "Indices catalogue (Montero et al. 2023): --list [--domain D] prints them, --list-bands the band codes.\n"
    "Bands by code or common name: -b N=B5.TIF (= -b nir=B5.TIF), R/red, G/green, B/blue, A/coastal, S1/swir1,\n"
    "S2/swir2, RE1-RE3/rededge1-3, N2, T, T1, T2, VV, VH, HH, HV. --const NAME=V overrides a constant's default.\n"
    "Float32, NaN = nodata. docs/remote-sensing.md#indices.\n" SX_STEP_RS_BAND_HELP,
    0, 1};
const sx_job_step_t sx_step_rs_water = {
    "rs_water", "water mask from MNDWI/NDWI with a fixed or Otsu threshold", water_fields,
    sizeof water_fields / sizeof *water_fields, run_water, "rs water", SX_STEP_RS_RASTER_EXT,
    "Water = index > threshold (UInt8 1 water, 0 land, 255 nodata). Without --threshold, Otsu (1979) on a\n"
    "histogram of the whole raster reduced exactly across ranks: the same threshold at any rank count.\n"
    "--polygons also writes OUT.gpkg.\n" SX_STEP_RS_BAND_HELP};
