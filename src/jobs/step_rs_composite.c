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
#include "jobs/step_rs_stack.h"
#include "sanxiang/sx_layer.h"

static const sx_cfg_field_t fields[] = {
    {"step", SX_CFG_T_STRING, 1, NULL, 1, 0, NULL, "rs_composite"},
    {"scenes", SX_CFG_T_LIST, 0, NULL, 1, 0, NULL,
     "scenes, each {name: layer, ...} or \"name=layer,name=layer\", with the same names; qa = quality band",
     "--scene", "'red=A_B4.tif,nir=A_B5.tif,qa=A_QA.tif'"},
    {"scenes_file", SX_CFG_T_PATH, 0, NULL, 1, 0, NULL, "text file with one scene per line (name=layer,...; # comments)",
     "--scenes", "LIST.txt"},
    {"method", SX_CFG_T_STRING, 0, "median", 1, 0, NULL, "median | mean | pNN (percentile) | max-ndvi | count", NULL,
     "METHOD"},
    SX_STEP_RS_F_QA_KIND,
    SX_STEP_RS_F_MASK,
    SX_STEP_RS_F_DILATE,
    SX_STEP_RS_F_REFLECTANCE,
    SX_STEP_RS_F_CAL_COEFS,
    SX_STEP_RS_F_SCALE,
    SX_STEP_RS_F_NODATA,
    {"strip_rows", SX_CFG_T_INT, 0, "0", 0, 1000000, NULL, "rows of every scene held at a time (0: about 64 MB)"},
    SX_STEP_RS_F_OUTPUT("composite", "output stem: layers <output>_<band>, <output>_count"),
    SX_STEP_F_OUTPUTS,
};

#define MAX_SCENES 1024

/* The scenes: entries of `scenes` (maps, or "name=layer,..." text) then the lines of `scenes_file`. */
typedef struct {
    int n;
    const sx_cfg_node_t *where[MAX_SCENES]; /* the node a scene came from, for messages */
    char *text[MAX_SCENES];                 /* "name=layer,..." (owned), or NULL for a map entry */
    const sx_cfg_node_t *map[MAX_SCENES];
} scene_list_t;

static void scenes_free(scene_list_t *l)
{
    for (int i = 0; i < l->n; i++) free(l->text[i]);
    l->n = 0;
}

static sx_err scene_add(const sx_cfg_t *cfg, scene_list_t *l, const sx_cfg_node_t *where, const char *text,
                        const sx_cfg_node_t *map)
{
    if (l->n == MAX_SCENES) return sx_cfg_fail_at(cfg, where, "at most %d scenes", MAX_SCENES);
    l->where[l->n] = where;
    l->map[l->n] = map;
    l->text[l->n] = text ? strdup(text) : NULL;
    SX_FAIL_IF(text && !l->text[l->n], SX_ERR_NOMEM, "out of memory");
    l->n++;
    return SX_OK;
}

static sx_err scenes_read(sx_job_t *job, const sx_cfg_node_t *node, scene_list_t *l)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const sx_cfg_node_t *list = sx_cfg_map_get(node, "scenes"), *file = sx_cfg_map_get(node, "scenes_file");
    for (size_t i = 0; i < sx_cfg_node_len(list); i++) {
        const sx_cfg_node_t *v = sx_cfg_node_at(list, i);
        SX_CHECK(scene_add(cfg, l, v, sx_cfg_node_text(v), sx_cfg_node_kind(v) == SX_CFG_MAP ? v : NULL));
    }
    if (file) {
        const char *path = sx_cfg_node_text(file);
        FILE *f = fopen(path, "r");
        if (!f) return sx_cfg_fail_at(cfg, file, "cannot open the scene list '%s'", path);
        char line[8192];
        sx_err err = SX_OK;
        while (!err && fgets(line, sizeof line, f)) {
            line[strcspn(line, "\r\n")] = 0;
            if (line[0] && line[0] != '#') err = scene_add(cfg, l, file, line, NULL);
        }
        fclose(f);
        SX_CHECK(err);
    }
    if (l->n < 1) return sx_cfg_fail_at(cfg, node, "give at least one scene (scenes: or scenes_file:; --scene or --scenes)");
    return SX_OK;
}

/* Bands of a "name=layer,name=layer" scene; the names point into text. */
static sx_err scene_bands(sx_job_t *job, const sx_cfg_node_t *where, char *text, int s, sx_rs_band_t *b, int *n)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    int k = 0;
    char *save = NULL;
    for (char *tok = strtok_r(text, ",", &save); tok; tok = strtok_r(NULL, ",", &save), k++) {
        char *eq = strchr(tok, '=');
        if (!eq || eq == tok || !eq[1]) return sx_cfg_fail_at(cfg, where, "scene %d: '%s' is not NAME=LAYER", s + 1, tok);
        if (k == SX_STEP_RS_MAX_ROLES) return sx_cfg_fail_at(cfg, where, "scene %d: more than %d bands", s + 1, k);
        *eq = 0;
        memset(&b[k], 0, sizeof b[k]);
        b[k].name = tok;
        SX_CHECK(sx_job_resolve(job, where, eq + 1, &b[k].path));
        b[k].band = 1;
        b[k].scale = 1;
    }
    *n = k;
    return SX_OK;
}

static sx_err run(sx_job_t *job, const sx_cfg_node_t *node, MPI_Comm comm)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    scene_list_t *l = calloc(1, sizeof *l);
    SX_FAIL_IF(!l, SX_ERR_NOMEM, "out of memory");
    sx_err lerr = scenes_read(job, node, l);
    if (lerr != SX_OK) {
        scenes_free(l);
        free(l);
        return lerr;
    }
    const int S = l->n;
    const char *method, *output;
    int64_t dil, strip;
    int formats = 0;
    sx_rs_composite_opts_t o = {0};
    sx_rs_band_t *b = calloc((size_t)S * SX_STEP_RS_MAX_ROLES, sizeof *b);
    sx_err err = b ? SX_OK : sx_err_set(SX_ERR_NOMEM, SX__FILE, __LINE__, "cannot allocate %d scenes' bands", S);
    if (!err) err = sx_cfg_get_string(cfg, node, "method", "median", &method);
    if (!err && sx_rs_comp_method_parse(method, &o.method, &o.percentile))
        err = sx_cfg_fail_at(cfg, sx_cfg_map_get(node, "method"), "%s", sx_err_message());
    if (!err) err = sx_cfg_get_int(cfg, node, "dilate", 0, &dil);
    if (!err) err = sx_cfg_get_int(cfg, node, "strip_rows", 0, &strip);
    if (!err) err = sx_cfg_get_string(cfg, node, "output", "composite", &output);
    if (!err) err = sx_job_raster_formats(job, node, &formats);
    int K = 0;
    for (int s = 0; s < S && !err; s++) {
        int k;
        sx_rs_band_t *sb = b + (size_t)s * SX_STEP_RS_MAX_ROLES;
        const sx_cfg_node_t *scene = l->where[s];
        err = l->map[s] ? sx__step_rs_band_map(job, l->map[s], sb, &k) : scene_bands(job, scene, l->text[s], s, sb, &k);
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
        o.formats = formats;
        o.provenance = sx_job_provenance(job);
        err = sx_rs_composite_run(comm, &o);
    }
    if (!err) err = sx__step_rs_register(job, output, stem, "count", formats);
    if (!err && o.method == SX_RS_COMP_MAX_NDVI) err = sx__step_rs_register(job, output, stem, "scene", formats);
    for (int k = 0; k < K && !err && o.method != SX_RS_COMP_COUNT; k++)
        if (k != o.qa) err = sx__step_rs_register(job, output, stem, b[k].name, formats);
    free(b);
    scenes_free(l);
    free(l);
    return err;
}

const sx_job_step_t sx_step_rs_composite = {
    "rs_composite", "per-pixel temporal composite (median, mean, pNN, max-ndvi, count)", fields,
    sizeof fields / sizeof *fields, run, "rs composite", SX_STEP_RS_RASTER_EXT,
    "Scenes must share one grid (rs warp first). A band named qa is the quality band; masked observations and\n"
    "nodata are left out. Writes OUT_<band>.tif per band, OUT_count.tif and, for max-ndvi, OUT_scene.tif (chosen\n"
    "scene, 1-based). Each rank holds --strip-rows rows of every scene at a time (default: about 64 MB worth).\n"
    "--nodata V applies to every band but qa."};
