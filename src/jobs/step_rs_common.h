/*
 * step_rs_common.h — option parsing shared by the rs_* job steps (not
 * public): band maps, layer references, quality-mask options, output paths.
 */
#ifndef SX_STEP_RS_COMMON_H
#define SX_STEP_RS_COMMON_H

#include "jobs/step_fields.h"
#include "sanxiang/sx_job.h"
#include "sanxiang/sx_output.h"
#include "sanxiang/sx_parse.h"
#include "sanxiang/sx_rs.h"

#define SX_STEP_RS_MAX_ROLES 16

/* Field-table entries the steps share (help text and command-line spelling in one place). */
#define SX_STEP_RS_F_REFLECTANCE \
    {"reflectance", SX_CFG_T_ENUM, 0, "auto", 1, 0, "auto|none|landsat-c2-l2|s2-l2a", \
     "DN -> reflectance (auto: product metadata where present; docs/remote-sensing.md)"}
#define SX_STEP_RS_F_CAL_COEFS \
    {"cal_coefficients", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, \
     "CSV of CRESDA calibration coefficients (satellite,sensor,year,band,gain,offset,esun) for GF-1/2/6", \
     "--cal-coefs", "FILE.csv"}
#define SX_STEP_RS_F_SCALE \
    {"scale", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL, \
     "per band: name: [S, O] or \"S,O\" (value = DN * S + O; overrides reflectance for that band)", "--scale", \
     "NAME=S,O"}
#define SX_STEP_RS_F_BAND_INDEX \
    {"band_index", SX_CFG_T_MAP, 0, NULL, 1, 0, NULL, "per band: name: N, the band number in its file (default 1)", \
     "--bidx", "NAME=N"}
#define SX_STEP_RS_F_NODATA \
    {"nodata", SX_CFG_T_MAP_OR_VALUE, 0, NULL, 1, 0, NULL, \
     "nodata of the inputs where the files do not declare it: one value, or per band name: value"}
#define SX_STEP_RS_F_BANDS(what) {"bands", SX_CFG_T_MAP, 1, NULL, 1, 0, NULL, what, "-b", "ROLE=PATH"}
#define SX_STEP_RS_F_OUTPUT(def, what) {"output", SX_CFG_T_STRING, 0, def, 1, 0, NULL, what, "-o", "OUT"}
#define SX_STEP_RS_F_QA_KIND \
    {"qa_kind", SX_CFG_T_ENUM, 0, "landsat-c2", 1, 0, "landsat-c2|landsat-c1|s2-scl", "quality band kind"}
#define SX_STEP_RS_F_MASK {"mask", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "classes to mask, comma-separated (default: the kind's)", NULL, "CLASSES"}
#define SX_STEP_RS_F_DILATE {"dilate", SX_CFG_T_INT, 0, "0", 0, 1000, NULL, "dilate the mask by this many cells"}
/* What -o may carry for a raster verb; the help on band options. */
#define SX_STEP_RS_RASTER_EXT ".tif|.tiff|.nc"
#define SX_STEP_RS_BAND_HELP \
    "Band options: -b ROLE=PATH names a band's file, --bidx ROLE=N its band number, --scale ROLE=S,O sets\n" \
    "value = DN * S + O (over --reflectance), --nodata V (or ROLE=V) declares nodata the file does not.\n" \
    "The scale, offset and their source are recorded in the outputs' provenance."

/** map of name -> layer reference resolved through the job (no scaling);
 *  b holds SX_STEP_RS_MAX_ROLES entries. */
sx_err sx__step_rs_band_map(sx_job_t *job, const sx_cfg_node_t *map, sx_rs_band_t *b, int *n);
/** Apply the step's scale (per band name, every band of that name),
 *  reflectance, cal_coefficients and nodata keys to b[0..n), except the
 *  band named raw (a quality band: never scaled, its nodata its own). */
sx_err sx__step_rs_scale(sx_job_t *job, const sx_cfg_node_t *node, sx_rs_band_t *b, int n, const char *raw);
/** bands: map of name -> layer reference resolved through the job, with
 *  the step's reflectance and nodata keys applied. b holds
 *  SX_STEP_RS_MAX_ROLES entries. */
sx_err sx__step_rs_bands(sx_job_t *job, const sx_cfg_node_t *node, const char *key, sx_rs_band_t *b, int *n);
/** The layer named by a required scalar key, resolved through the job. */
sx_err sx__step_rs_layer(sx_job_t *job, const sx_cfg_node_t *node, const char *key, const char **path);
/** The path of a step's side product <out_dir>/<output><suffix><ext>
 *  (e.g. "_strata", ".csv"), as sx_job_out_file. */
sx_err sx__step_rs_side_file(const sx_job_t *job, const char *output, const char *suffix, const char *ext, char *buf,
                             size_t len);
/** qa_kind + mask keys -> rule (errors point at the step). */
sx_err sx__step_rs_qa_rule(sx_job_t *job, const sx_cfg_node_t *node, sx_rs_qa_rule_t *rule);

#endif
