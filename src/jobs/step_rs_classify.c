/*
 * step_rs_classify.c — job step `rs_classify` (command `sanxiang rs
 * classify`): random-forest classification of feature layers, trained on
 * sample points/polygons or with a saved model. Registers the class map as
 * <output> and the vote shares as <output>_prob_<class>; writes
 * <output>_model.txt when it trains and <output>_test.csv /
 * <output>_test_matrix.csv when samples are held back (or a model is tested).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/step_rs_common.h"
#include "jobs/step_rs_stack.h"
#include "sanxiang/sx_layer.h"
#include "sanxiang/sx_rs_classify.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_classify"},
    SX_STEP_RS_F_BANDS("feature name: layer (bands, indices ...), e.g. ndvi: ndvi_0903; one grid"),
    {"samples", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "training points or polygons (GeoPackage ...) with a class field",
     NULL, "FILE.gpkg"},
    {"layer", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "layer of the sample file (default: the first)"},
    {"class_field", SX_CFG_T_STRING, 0, "class", 1, 0, NULL, "field of the samples holding the class (0-254)", NULL,
     "FIELD"},
    {"classes", SX_CFG_T_LIST, 0, NULL, 1, 0, NULL, "classes that must have samples, comma-separated or repeated",
     NULL, "C1,C2,..."},
    {"model", SX_CFG_T_STRING, 0, NULL, 1, 0, NULL, "classify with this saved model (OUT_model.txt) instead of "
     "training; with --samples, test it on all of them", NULL, "FILE"},
    {"trees", SX_CFG_T_INT, 0, "100", 1, 100000, NULL, "number of trees"},
    {"mtry", SX_CFG_T_INT, 0, "0", 0, 64, NULL, "features tried per split (0: floor(sqrt(features)))"},
    {"min_node", SX_CFG_T_INT, 0, "1", 1, 1000000, NULL, "nodes with fewer samples are leaves (1: grow until pure)"},
    {"max_depth", SX_CFG_T_INT, 0, "0", 0, 100000, NULL, "depth limit of the trees (0: none)"},
    {"bootstrap", SX_CFG_T_BOOL, 0, "true", 1, 0, NULL, "grow each tree on a bootstrap sample (--no-bootstrap: on all "
     "training samples)"},
    {"seed", SX_CFG_T_INT, 0, "1", 0, 9007199254740991.0, NULL, "seed of the trees' random streams and of the hold-back"},
    {"test_fraction", SX_CFG_T_FLOAT, 0, "0.3", 0, 0.9, NULL, "share of each class's samples held back for the test"},
    {"min_samples", SX_CFG_T_INT, 0, "5", 1, 1000000, NULL, "training samples each class needs"},
    {"probabilities", SX_CFG_T_BOOL, 0, "false", 1, 0, NULL, "also write OUT_prob_<class> (share of trees voting for "
     "the class)"},
    SX_STEP_RS_F_BAND_INDEX,
    SX_STEP_RS_F_REFLECTANCE,
    SX_STEP_RS_F_CAL_COEFS,
    SX_STEP_RS_F_SCALE,
    SX_STEP_RS_F_NODATA,
    SX_STEP_RS_F_OUTPUT("classes", "output: the class map <output> and <output>_model.txt, _test.csv, _prob_<class>"),
    SX_STEP_F_OUTPUTS,
};

/* The `classes` key: whole numbers 0 .. 254, comma-separated or repeated. */
static sx_err class_list(const sx_cfg_t *cfg, const sx_cfg_node_t *node, int *cls, int *n)
{
    const sx_cfg_node_t *tn = sx_cfg_map_get(node, "classes");
    *n = 0;
    for (size_t i = 0; tn && i < sx_cfg_node_len(tn); i++) {
        const sx_cfg_node_t *v = sx_cfg_node_at(tn, i);
        char buf[4096], *save = NULL, *end;
        snprintf(buf, sizeof buf, "%s", sx_cfg_node_text(v) ? sx_cfg_node_text(v) : "");
        for (char *tok = strtok_r(buf, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
            const long c = strtol(tok, &end, 10);
            if (*end || c < 0 || c > 254) return sx_cfg_fail_at(cfg, v, "'%s' is not a class 0 .. 254", tok);
            if (*n == 255) return sx_cfg_fail_at(cfg, v, "more than 255 classes");
            cls[(*n)++] = (int)c;
        }
    }
    return SX_OK;
}

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    sx_rs_band_t b[SX_STEP_RS_MAX_ROLES];
    int nb = 0, cls[255], ncls = 0;
    sx_rs_classify_opts_t o = {0};
    int64_t trees, mtry, min_node, max_depth, seed, min_samples;
    const char *output;
    char stem[SX_PATH_MAX], model[SX_PATH_MAX + 16];
    SX_CHECK(sx__step_rs_bands(job, node, "bands", b, &nb));
    SX_CHECK(sx_job_input(job, node, "samples", &o.samples));
    SX_CHECK(sx_job_input(job, node, "model", &o.model_in));
    if (!o.samples && !o.model_in)
        return sx_cfg_fail_at(cfg, node, "give training samples (samples / --samples FILE.gpkg) or a trained model "
                              "(model / --model FILE)");
    SX_CHECK(sx_cfg_get_string(cfg, node, "layer", NULL, &o.layer));
    SX_CHECK(sx_cfg_get_string(cfg, node, "class_field", "class", &o.field));
    SX_CHECK(class_list(cfg, node, cls, &ncls));
    SX_CHECK(sx_cfg_get_int(cfg, node, "trees", 100, &trees));
    SX_CHECK(sx_cfg_get_int(cfg, node, "mtry", 0, &mtry));
    SX_CHECK(sx_cfg_get_int(cfg, node, "min_node", 1, &min_node));
    SX_CHECK(sx_cfg_get_int(cfg, node, "max_depth", 0, &max_depth));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "bootstrap", 1, &o.params.bootstrap));
    SX_CHECK(sx_cfg_get_int(cfg, node, "seed", 1, &seed));
    SX_CHECK(sx_cfg_get_double(cfg, node, "test_fraction", 0.3, &o.test_fraction));
    SX_CHECK(sx_cfg_get_int(cfg, node, "min_samples", 5, &min_samples));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "probabilities", 0, &o.probabilities));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "classes", &output));
    SX_CHECK(sx_job_raster_formats(job, node, &o.formats));
    SX_CHECK(sx_job_out_path(job, output, stem, sizeof stem));
    snprintf(model, sizeof model, "%s_model.txt", stem);
    o.bands = b;
    o.nbands = nb;
    o.classes = cls;
    o.nclasses = ncls;
    o.model_out = model;
    o.params = (sx_rs_forest_params_t){(int)trees, (int)mtry, (int)min_node, (int)max_depth, o.params.bootstrap,
                                       (uint64_t)seed};
    o.min_samples = (int)min_samples;
    o.out_stem = stem;
    o.provenance = sx_job_provenance(job);
    int used[255], nused = 0;
    o.classes_out = used;
    o.nclasses_out = &nused;
    SX_CHECK(sx_rs_classify_run(comm, &o));
    sx_job_raster_out_t out;
    SX_CHECK(sx_job_raster_out(job, node, output, &out));
    SX_CHECK(sx_job_add_raster_layer(job, output, &out, "class"));
    for (int c = 0; c < nused && o.probabilities; c++) {
        char name[32];
        snprintf(name, sizeof name, "prob_%d", used[c]);
        SX_CHECK(sx__step_rs_register(job, output, stem, name, o.formats));
    }
    return SX_OK;
}

const sx_job_step_t sx_step_rs_classify = {
    "rs_classify", "supervised classification by random forest (Breiman 2001), with a held-back test", fields,
    sizeof fields / sizeof *fields, run, "rs classify", SX_STEP_RS_RASTER_EXT,
    "Features are -b NAME=LAYER (one grid). Training samples are points (their cell) or polygons (cells whose\n"
    "centre lies inside) with an integer class field; samples with a missing feature are dropped. Per class\n"
    "--test-fraction of the samples (chosen by --seed) are held back: OUT_test.csv gives the overall accuracy and\n"
    "per-class user's/producer's accuracy, OUT_test_matrix.csv the confusion matrix. The forest is saved as\n"
    "OUT_model.txt (docs/remote-sensing.md) and reused with --model; --probabilities writes OUT_prob_<class>.\n"
    "The map (UInt8, 255 = nodata) is the same at any rank count."};
