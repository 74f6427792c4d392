/*
 * step_rs_composite.c — job step `rs_composite`: per-pixel temporal
 * composite (median, mean, pNN, max-ndvi, count) over scenes given as maps of
 * band name -> layer; a band named qa is the quality band. Registers
 * <output>_<band>, <output>_count and (max-ndvi) <output>_scene.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/step_rs_common.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_composite"},
    {"scenes", SX_CFG_T_LIST, 1, NULL, 1, 0, NULL, "list of scenes, each {name: layer, ...} with the same names; qa = quality band"},
    {"method", SX_CFG_T_STRING, 0, "median", 1, 0, NULL, "median | mean | pNN (percentile) | max-ndvi | count"},
    SX_STEP_RS_F_QA_KIND,
    SX_STEP_RS_F_MASK,
    SX_STEP_RS_F_DILATE,
    SX_STEP_RS_F_REFLECTANCE,
    SX_STEP_RS_F_CAL_COEFS,
    SX_STEP_RS_F_SCALE,
    SX_STEP_RS_F_NODATA,
    {"strip_rows", SX_CFG_T_INT, 0, "0", 0, 1000000, NULL, "rows of every scene held at a time (0: about 64 MB)"},
    {"output", SX_CFG_T_STRING, 0, "composite", 1, 0, NULL, "output stem: layers <output>_<band>, <output>_count"},
    SX_STEP_RS_F_COG,
};

static sx_err register_layer(sx_job_t *job, const char *stem, const char *output, const char *name)
{
    char layer[256], nc[SX_PATH_MAX + 300];
    snprintf(layer, sizeof layer, "%s_%s", output, name);
    snprintf(nc, sizeof nc, "%s_%s.nc", stem, name);
    return sx_job_add_layer(job, layer, nc);
}

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const sx_cfg_node_t *list = sx_cfg_map_get(node, "scenes");
    const int S = (int)sx_cfg_node_len(list);
    if (S < 1 || S > 1024) return sx_cfg_fail_at(cfg, list, "give 1 to 1024 scenes");
    const char *method, *output;
    int64_t dil, strip;
    int cog;
    sx_rs_composite_opts_t o = {0};
    SX_CHECK(sx_cfg_get_string(cfg, node, "method", "median", &method));
    if (sx_rs_comp_method_parse(method, &o.method, &o.percentile))
        return sx_cfg_fail_at(cfg, sx_cfg_map_get(node, "method"), "%s", sx_err_message());
    SX_CHECK(sx_cfg_get_int(cfg, node, "dilate", 0, &dil));
    SX_CHECK(sx_cfg_get_int(cfg, node, "strip_rows", 0, &strip));
    SX_CHECK(sx_cfg_get_string(cfg, node, "output", "composite", &output));
    SX_CHECK(sx_cfg_get_bool(cfg, node, "cog", 1, &cog));
    sx_rs_band_t *b = calloc((size_t)S * SX_STEP_RS_MAX_ROLES, sizeof *b);
    SX_FAIL_IF(!b, SX_ERR_NOMEM, "cannot allocate %d scenes' bands", S);
    sx_err err = SX_OK;
    int K = 0;
    for (int s = 0; s < S && !err; s++) {
        int k;
        sx_rs_band_t *sb = b + (size_t)s * SX_STEP_RS_MAX_ROLES;
        const sx_cfg_node_t *scene = sx_cfg_node_at(list, (size_t)s);
        err = sx__step_rs_band_map(job, scene, sb, &k);
        if (!err && s == 0) K = k;
        for (int j = 0; !err && j < K; j++)
            if (k != K || strcmp(sb[j].name, b[j].name))
                err = sx_cfg_fail_at(cfg, scene, "scene %d must name the same bands in the same order as scene 1", s + 1);
    }
    /* pack scenes densely: band k of scene s at [s * K + k] */
    for (int s = 1; s < S && !err; s++) memmove(b + (size_t)s * K, b + (size_t)s * SX_STEP_RS_MAX_ROLES, (size_t)K * sizeof *b);
    o.qa = o.nir = o.red = -1;
    for (int k = 0; k < K && !err; k++) {
        if (!strcmp(b[k].name, "qa")) o.qa = k;
        if (!strcmp(b[k].name, "nir")) o.nir = k;
        if (!strcmp(b[k].name, "red")) o.red = k;
    }
    if (!err && o.qa >= 0) err = sx__step_rs_qa_rule(job, node, &o.rule);
    if (!err && o.qa < 0 && (dil || sx_cfg_map_get(node, "mask")))
        err = sx_cfg_fail_at(cfg, node, "mask/dilate need a band named qa in every scene");
    if (!err) err = sx__step_rs_scale(job, node, b, S * K, "qa");
    char stem[SX_PATH_MAX];
    if (!err) err = sx_job_out_path(job, output, stem, sizeof stem);
    if (!err) {
        o.bands = b;
        o.nscenes = S;
        o.nper = K;
        o.dilate = (int)dil;
        o.strip_rows = (int)strip;
        o.out_stem = stem;
        o.cog = cog;
        o.provenance = sx_job_provenance(job);
        err = sx_rs_composite_run(comm, &o);
    }
    if (!err) err = register_layer(job, stem, output, "count");
    if (!err && o.method == SX_RS_COMP_MAX_NDVI) err = register_layer(job, stem, output, "scene");
    for (int k = 0; k < K && !err && o.method != SX_RS_COMP_COUNT; k++)
        if (k != o.qa) err = register_layer(job, stem, output, b[k].name);
    free(b);
    return err;
}

const sx_job_step_t sx_step_rs_composite = {"rs_composite", "per-pixel temporal composite (median, mean, pNN, max-ndvi, count)",
                                            fields, sizeof fields / sizeof *fields, run};
