/*
 * step_rs_common.c — option parsing shared by the rs_* job steps: a map of
 * band names to layers (with reflectance and nodata), layer references, the
 * quality-mask keys and output paths. Each step file only declares its field
 * table and calls src/rs.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobs/step_rs_common.h"

sx_err sx__step_rs_band_map(sx_job_t *job, const sx_cfg_node_t *map, sx_rs_band_t *b, int *n)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    size_t len = sx_cfg_node_len(map);
    if (sx_cfg_node_kind(map) != SX_CFG_MAP || len < 1 || len > SX_STEP_RS_MAX_ROLES)
        return sx_cfg_fail_at(cfg, map, "give 1 to %d bands as name: layer", SX_STEP_RS_MAX_ROLES);
    for (size_t i = 0; i < len; i++) {
        const sx_cfg_node_t *v = sx_cfg_node_at(map, i);
        const char *ref = sx_cfg_node_text(v);
        if (!ref) return sx_cfg_fail_at(cfg, v, "expected a layer name or path");
        memset(&b[i], 0, sizeof b[i]);
        b[i].name = sx_cfg_node_key_at(map, i);
        SX_CHECK(sx_job_resolve(job, v, ref, &b[i].path));
        b[i].band = 1;
        b[i].scale = 1;
    }
    *n = (int)len;
    return SX_OK;
}

/* One `scale` entry: [S, O], [S], "S,O" or S. */
static sx_err scale_value(const sx_cfg_t *cfg, const sx_cfg_node_t *v, double *s, double *o)
{
    *o = 0;
    if (sx_cfg_node_kind(v) == SX_CFG_SEQ) {
        const size_t len = sx_cfg_node_len(v);
        if (len < 1 || len > 2 || !sx_parse_double(sx_cfg_node_text(sx_cfg_node_at(v, 0)), s) ||
            (len == 2 && !sx_parse_double(sx_cfg_node_text(sx_cfg_node_at(v, 1)), o)))
            return sx_cfg_fail_at(cfg, v, "expected [scale, offset] numbers");
    } else {
        const char *t = sx_cfg_node_text(v);
        char buf[128];
        snprintf(buf, sizeof buf, "%s", t ? t : "");
        char *comma = strchr(buf, ',');
        if (comma) *comma = 0;
        if (!sx_parse_double(buf, s) || (comma && !sx_parse_double(comma + 1, o)))
            return sx_cfg_fail_at(cfg, v, "expected S or \"S,O\" (value = DN * S + O), got '%s'", t ? t : "");
    }
    if (*s == 0) return sx_cfg_fail_at(cfg, v, "the scale must not be 0");
    return SX_OK;
}

/* Apply one value of key (nodata or band_index) to band b. */
static sx_err set_band_value(const sx_cfg_t *cfg, const sx_cfg_node_t *v, const char *key, sx_rs_band_t *b)
{
    double x = 0;
    if (!sx_parse_double(sx_cfg_node_text(v), &x)) return sx_cfg_fail_at(cfg, v, "expected a number");
    if (!strcmp(key, "nodata")) {
        b->has_nodata = 1;
        b->nodata = x;
    } else {
        if (x != (double)(int)x || x < 1 || x > 100000) return sx_cfg_fail_at(cfg, v, "expected a band number 1..100000");
        b->band = (int)x;
    }
    return SX_OK;
}

/* key: one value for every band (except raw), or name: value for the bands of that name. */
static sx_err per_band(const sx_cfg_t *cfg, const sx_cfg_node_t *node, const char *key, sx_rs_band_t *b, int n,
                       const char *raw)
{
    const sx_cfg_node_t *v = sx_cfg_map_get(node, key);
    if (!v) return SX_OK;
    if (sx_cfg_node_kind(v) == SX_CFG_SCALAR) {
        for (int i = 0; i < n; i++)
            if (!raw || strcmp(b[i].name, raw)) SX_CHECK(set_band_value(cfg, v, key, &b[i]));
        return SX_OK;
    }
    for (size_t k = 0; k < sx_cfg_node_len(v); k++) {
        const char *name = sx_cfg_node_key_at(v, k);
        int hits = 0;
        for (int i = 0; i < n; i++)
            if (!strcmp(b[i].name, name)) {
                SX_CHECK(set_band_value(cfg, sx_cfg_node_at(v, k), key, &b[i]));
                hits++;
            }
        if (!hits) return sx_cfg_fail_at(cfg, sx_cfg_node_at(v, k), "names band '%s', which the step's bands do not have", name);
    }
    return SX_OK;
}

/* The step's `scale` map applied to every band of each name it gives. */
static sx_err explicit_scales(const sx_cfg_t *cfg, const sx_cfg_node_t *node, sx_rs_band_t *b, int n, const char *raw)
{
    const sx_cfg_node_t *map = sx_cfg_map_get(node, "scale");
    if (!map) return SX_OK;
    for (size_t k = 0; k < sx_cfg_node_len(map); k++) {
        const char *name = sx_cfg_node_key_at(map, k);
        const sx_cfg_node_t *v = sx_cfg_node_at(map, k);
        if (raw && !strcmp(name, raw)) return sx_cfg_fail_at(cfg, v, "band '%s' is the quality band; it is never scaled", name);
        double s = 1, o = 0;
        SX_CHECK(scale_value(cfg, v, &s, &o));
        int hits = 0;
        for (int i = 0; i < n; i++) {
            if (strcmp(b[i].name, name)) continue;
            b[i].scale = s;
            b[i].offset = o;
            b[i].scale_source = SX_RS_SCALE_EXPLICIT;
            snprintf(b[i].scale_note, sizeof b[i].scale_note, "job scale %s: DN * %.10g + %.10g", name, s, o);
            hits++;
        }
        if (!hits) return sx_cfg_fail_at(cfg, v, "scale names band '%s', which the step's bands do not have", name);
    }
    return SX_OK;
}

sx_err sx__step_rs_scale(sx_job_t *job, const sx_cfg_node_t *node, sx_rs_band_t *b, int n, const char *raw)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *refl_text, *coefs_ref, *coefs = NULL;
    SX_CHECK(sx_cfg_get_string(cfg, node, "reflectance", "auto", &refl_text));
    SX_CHECK(sx_cfg_get_string(cfg, node, "cal_coefficients", NULL, &coefs_ref));
    if (coefs_ref) SX_CHECK(sx_job_resolve(job, sx_cfg_map_get(node, "cal_coefficients"), coefs_ref, &coefs));
    sx_rs_reflectance refl;
    SX_CHECK(sx_rs_reflectance_parse(refl_text, &refl));
    for (int i = 0; i < n; i++)
        if (raw && !strcmp(b[i].name, raw)) { /* bit fields: never scaled */
            b[i].scale_source = SX_RS_SCALE_EXPLICIT;
            snprintf(b[i].scale_note, sizeof b[i].scale_note, "quality band, not scaled");
        }
    SX_CHECK(per_band(cfg, node, "nodata", b, n, raw));
    SX_CHECK(per_band(cfg, node, "band_index", b, n, NULL));
    SX_CHECK(explicit_scales(cfg, node, b, n, raw));
    return sx_rs_bands_resolve_scale(b, n, refl, coefs);
}

sx_err sx__step_rs_bands(sx_job_t *job, const sx_cfg_node_t *node, const char *key, sx_rs_band_t *b, int *n)
{
    const sx_cfg_node_t *map = sx_cfg_map_get(node, key);
    if (!map) return sx_cfg_fail_at(sx_job_cfg(job), node, "needs %s: {name: layer, ...}", key);
    SX_CHECK(sx__step_rs_band_map(job, map, b, n));
    return sx__step_rs_scale(job, node, b, *n, NULL);
}

sx_err sx__step_rs_layer(sx_job_t *job, const sx_cfg_node_t *node, const char *key, const char **path)
{
    const char *ref;
    SX_CHECK(sx_cfg_get_string(sx_job_cfg(job), node, key, NULL, &ref));
    if (!ref) return sx_cfg_fail_at(sx_job_cfg(job), node, "needs %s: LAYER", key);
    return sx_job_resolve(job, sx_cfg_map_get(node, key), ref, path);
}

sx_err sx__step_rs_qa_rule(sx_job_t *job, const sx_cfg_node_t *node, sx_rs_qa_rule_t *rule)
{
    const sx_cfg_t *cfg = sx_job_cfg(job);
    const char *kind, *classes;
    SX_CHECK(sx_cfg_get_string(cfg, node, "qa_kind", "landsat-c2", &kind));
    SX_CHECK(sx_cfg_get_string(cfg, node, "mask", NULL, &classes));
    if (sx_rs_qa_rule_parse(kind, classes, rule))
        return sx_cfg_fail_at(cfg, sx_cfg_map_get(node, "mask") ? sx_cfg_map_get(node, "mask") : node, "%s",
                              sx_err_message());
    return SX_OK;
}

sx_err sx__step_rs_side_file(const sx_job_t *job, const char *output, const char *suffix, const char *ext, char *buf,
                             size_t len)
{
    char name[SX_PATH_MAX];
    SX_FAIL_IF((size_t)snprintf(name, sizeof name, "%s%s", output, suffix) >= sizeof name, SX_ERR_USAGE,
               "output name '%s' is too long", output);
    return sx_job_out_file(job, name, ext, buf, len);
}
